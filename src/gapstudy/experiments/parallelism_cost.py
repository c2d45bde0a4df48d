"""The parallelism_cost experiment: validation, constraints, technique history, the band as a function of adoption cost, size choice."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np

from gapstudy.costmodel import constraints as cons
from gapstudy.costmodel import size_choice as sc
from gapstudy.costmodel import techniques as tech
from gapstudy.costmodel.hardware import get_hardware, load_catalogue
from gapstudy.costmodel.measurements import (FIT_PYTHIA, FIT_SHARDED, FIT_V100, FIT_V100_2021, FIT_WIDTH, FLASH_BASELINES,
                                             MEGASCALE_BASELINE)
from gapstudy.costmodel.regimes import state_threshold
from gapstudy.costmodel.sensitivity import VARIANTS, range_costs, sensitivity
from gapstudy.costmodel.source_level import by_source, chip_levels, split_summary
from gapstudy.costmodel.validation import (error_summary, fit_rows, held_out, held_out_2, held_out_3, held_out_4, held_out_5,
                                           held_out_6, held_out_7, held_out_8, held_out_9, held_out_10, held_out_11,
                                           held_out_12, held_out_13, held_out_14, validate as validate_rows)
from gapstudy.errors import GapstudyError
from gapstudy.experiments.common import counts_by_year, has_domain, load_data
from gapstudy.progress import Progress, note
from gapstudy.report import Section, Table, md_table
from gapstudy.report.units import log10_axis, params_label

# The held-out sets after the first, each committed before it was evaluated: results key, ordinal, its rows
LATER_HELD_OUT = (("held_out_2", "second", held_out_2), ("held_out_3", "third", held_out_3),
                  ("held_out_4", "fourth", held_out_4), ("held_out_5", "fifth", held_out_5),
                  ("held_out_6", "sixth", held_out_6), ("held_out_7", "seventh", held_out_7),
                  ("held_out_8", "eighth", held_out_8), ("held_out_9", "ninth", held_out_9),
                  ("held_out_10", "tenth", held_out_10), ("held_out_11", "eleventh", held_out_11),
                  ("held_out_12", "twelfth", held_out_12), ("held_out_13", "thirteenth", held_out_13),
                  ("held_out_14", "fourteenth", held_out_14))
# Held-out sets whose rows (or some of them) fit a constant since a later round, and how their section title says so
_SHARDED_SIDE = "fit side since the sharded-data-parallel round: its rows are in measurements.FIT_SHARDED"
FIT_SIDE = {
    "held_out_2": _SHARDED_SIDE, "held_out_5": _SHARDED_SIDE, "held_out_6": _SHARDED_SIDE,
    "held_out_7": "fit side since the round on the per-step cost of data parallelism: its rows are in measurements.FIT_WIDTH",
    "held_out_8": ("its Megatron-LM 2019 rows fit side since the V100 round: they are measurements.FIT_V100; its DeepSpeed "
                   "Azure rows fit nothing"),
    "held_out_9": ("its tr1-13B rows fit side since the engine round: they are measurements.FIT_V100_2021; its StarCoderBase "
                   "and Pax rows fit nothing"),
    # the first set's Pythia rows only (its other rows stay held out; its section title and status say so)
    "held_out": "fit side since the engine round: they are measurements.FIT_PYTHIA",
}
# The validation figure's legend tag of each fit-side set (FIT_SIDE says the same at length)
FIT_SIDE_LEGEND = {
    **{k: "fit side since the sharded round" for k, why in FIT_SIDE.items() if why == _SHARDED_SIDE},
    "held_out_7": "fit side since the width round",
    "held_out_8": "Megatron-LM 2019 rows fit side since the V100 round",
    "held_out_9": "tr1-13B rows fit side since the engine round",
    "held_out": "Pythia rows fit side since the engine round",
}


# The fit-side sets defined by later rounds: results key, their rows, the sweep headline's name, the set table's name, and
# what they fit (run() validates them, headline() and the "Validation by set" table report them)
FIT_SIDE_SETS = (
    ("fit_sharded", FIT_SHARDED, "sharded", "FIT_SHARDED (second, fifth, sixth held-out sets)",
     "fit side: the sharded overlap rate (gemm.Calibration sharded_overlap_rate)"),
    ("fit_width", FIT_WIDTH, "width", "FIT_WIDTH (seventh held-out set + MegaScale)",
     "fit side: the overlap rate of pure data parallelism (gemm.Calibration dp_overlap_rate)"),
    ("fit_v100", FIT_V100, "V100", "FIT_V100 (eighth held-out set's Megatron-LM 2019 rows)",
     "fit side: the V100's e_max before 2022 (gemm.Calibration chip_max_efficiency_before_2022)"),
    ("fit_pythia", FIT_PYTHIA, "Pythia", "FIT_PYTHIA (first held-out set's Pythia rows)",
     "fit side: decided that DeepSpeed's engine cost is paid only with pipelining (gemm.Calibration deepspeed_engine_pipelined_only)"),
    ("fit_v100_2021", FIT_V100_2021, "V100 2021", "FIT_V100_2021 (ninth held-out set's tr1-13B rows)",
     "fit side: the V100's e_max of 2021 software (gemm.Calibration chip_max_efficiency_2021)"),
)


# What a still-held-out set's status must also say: a change made to its rows after it was first evaluated
HELD_OUT_NOTES = {
    "held_out_4": (" (its three 'selective op' rows run torchtitan's op-level recomputation since commit b825a6a, a remap "
                   "made after the set was first evaluated)"),
}


def _later_title(key: str, nth: str) -> str:
    """Section title of a later held-out set: still held out, or fit side since a later round (FIT_SIDE)."""
    if key in FIT_SIDE:
        return f"{nth} held-out set (fixed before it was first evaluated; {FIT_SIDE[key]})"
    return f"{nth} held-out set (fixed before it was evaluated; never used to fit)"


BAND_COSTS = tuple(float(10.0 ** x) for x in np.arange(3.0, 9.01, 0.25))  # $1k..$1B, 4 per decade


def _settings(cfg) -> dict:
    pc = cfg.parallelism_cost
    if not (1e8 <= pc.min_params < pc.max_params):
        raise GapstudyError(f"parallelism_cost.min_params={pc.min_params:g} must be >= 1e8 and below max_params={pc.max_params:g}")
    if pc.points_per_decade < 1 or pc.points_per_decade > 20:
        raise GapstudyError(f"parallelism_cost.points_per_decade={pc.points_per_decade} must be 1..20")
    catalogue = load_catalogue()
    hw_override = None
    if cfg.get("hardware") is not None:
        hw_override = str(cfg.hardware.name)
    unknown = [n for n in list(pc.hardware) + ([hw_override] if hw_override else []) if n not in catalogue]
    if unknown:
        raise GapstudyError(f"unknown hardware {unknown}; choose from {sorted(catalogue)} or add conf/hardware/<name>.yaml")
    years = [int(y) for y in pc.years]
    bad = [y for y in list(years) + [int(pc.compare_year)] + [int(y) for y in pc.sensitivity_years]
           if not sc.YEARS[0] <= y <= sc.YEARS[-1]]
    if bad or not years:
        raise GapstudyError(f"parallelism_cost years {bad or '[]'} must be in {sc.YEARS[0]}..{sc.YEARS[-1]} (and at least one)")
    unknown_v = [v for v in pc.sensitivity if v not in VARIANTS]
    if unknown_v:
        raise GapstudyError(f"unknown parallelism_cost.sensitivity variant(s) {unknown_v}; choose from {list(VARIANTS)}")
    if pc.max_days is not None and not pc.max_days > 0:
        raise GapstudyError(f"parallelism_cost.max_days={pc.max_days} must be positive or null (no deadline)")
    if pc.max_gpus is not None and pc.max_gpus < 1:
        raise GapstudyError(f"parallelism_cost.max_gpus={pc.max_gpus} must be a positive integer or null")
    if pc.budget_spread_dex <= 0 or pc.budget_median_2020 <= 0 or pc.budget_growth <= 0:
        raise GapstudyError("parallelism_cost.budget_median_2020, budget_growth and budget_spread_dex must be positive")
    gpus = {y: v[0] for y, v in cons.GPUS_PER_LAB.items()}
    if pc.max_gpus is not None:
        gpus = {y: min(v, int(pc.max_gpus)) for y, v in gpus.items()}
    changes = dict(max_days=pc.max_days, gpus_per_lab=gpus, critical_batch=bool(pc.critical_batch),
                   failure_overhead_per_gpu=cons.failure_overhead_per_gpu() if pc.failures else 0.0,
                   bytes_per_param=float(pc.bytes_per_param), reserve=float(pc.reserve),
                   technique_lag=float(pc.technique_lag), runs_per_lab=float(pc.runs_per_lab),
                   lab_spread_dex=float(pc.lab_spread_dex))
    if hw_override:
        changes["hardware"] = {y: hw_override for y in sc.YEARS}
    assumptions = sc.Assumptions.make(**changes)  # raises GapstudyError on a bad value
    lo, hi = math.log10(pc.min_params), math.log10(pc.max_params)
    shown = sorted({float(min(sc.LOG10_SIZES, key=lambda g: abs(g - x)))
                    for x in np.linspace(lo, hi, int(round((hi - lo) * pc.points_per_decade)) + 1)})
    hist_cost = float(pc.histogram_cost_usd) if pc.histogram_cost_usd is not None else range_costs()["mid"]
    if not hist_cost > 0:
        raise GapstudyError(f"parallelism_cost.histogram_cost_usd={pc.histogram_cost_usd} must be positive or null")
    budgets = sc.Budgets(float(pc.budget_median_2020), float(pc.budget_growth), float(pc.budget_spread_dex))
    return {"years": years, "assumptions": assumptions, "shown": shown, "hist_cost": hist_cost, "budgets": budgets,
            "chips": list(pc.hardware), "compare_year": int(pc.compare_year)}


def validate(cfg) -> None:
    """Reject impossible settings before any data is read (called by the CLI's preflight)."""
    _settings(cfg)


def _band(b):
    return None if b is None else [float(b[0]), float(b[1])]


def _row(r) -> dict:
    return {"source": r.source, "label": r.label, "chip": r.chip, "params_b": r.params_b, "tensor": r.tensor,
            "pipeline": r.pipeline, "data": r.data, "micro_batch": r.micro_batch, "interleave": r.interleave,
            "recompute": r.recompute, "metric": r.metric, "measured": r.measured, "predicted": r.predicted,
            "error": r.error}


def _year(year: int, s: dict, observed: dict) -> dict:
    a = s["assumptions"]
    curves = sc.cost_curves(year, assumptions=a)
    costs = range_costs()
    sizes = []
    for i, x in enumerate(curves["log10_sizes"]):
        if float(x) not in s["shown"]:
            continue
        k = int(curves["best_class"][i])
        sizes.append({"params": float(curves["params"][i]), "regime": curves["regimes"][i], "status": curves["status"][i],
                      "days": None if k < 0 else float(curves["days"][i, k]),
                      "gpus": None if k < 0 else int(curves["gpus"][i, k]),
                      "dollars_per_param_token": None if k < 0 else float(curves["per_param_token"][i, k])})
    regimes = [r for r in curves["regimes"]]
    changes = sum(1 for p, q in zip(regimes, regimes[1:]) if p != q and "infeasible" not in (p, q))
    ce0 = sc.cost_effectiveness(year, 0.0, assumptions=a)
    cem = sc.cost_effectiveness(year, costs["mid"], assumptions=a)
    hist = sc.size_histogram(year, s["hist_cost"], budgets=s["budgets"], assumptions=a)
    obs = observed.get(year, {"n": 0, "below": 0, "inside": 0, "above": 0})
    chip = a.chip(year)
    return {
        "year": year, "hardware": chip, "gpus_per_lab": a.gpus(year), "tokens_per_param": a.tpp(year),
        "techniques": sorted(tech.available(year, a.technique_lag)),
        "overlap": dataclasses.asdict(tech.software_overlap(year, a.technique_lag)),
        "state_threshold": state_threshold(chip, bytes_per_param=a.bytes_per_param),
        "sizes": sizes, "regime_changes": changes,
        "infeasible_above": next((float(curves["params"][i]) for i, r in enumerate(regimes) if r == "infeasible"), None),
        "opening_cost": sc.smallest_opening_cost(year, assumptions=a),
        "band_low": _band(sc.band(year, costs["low"], assumptions=a)),
        "band_mid": _band(sc.band(year, costs["mid"], assumptions=a)),
        "band_high": _band(sc.band(year, costs["high"], assumptions=a)),
        "band_by_cost": [[c, *(_band(sc.band(year, c, assumptions=a)) or [None, None])] for c in BAND_COSTS],
        "curve_params": curves["params"].tolist(),
        "cost_no_adoption": [None if not np.isfinite(v) else float(v) for v in ce0["per_param_token"]],
        "cost_mid_adoption": [None if not np.isfinite(v) else float(v) for v in cem["per_param_token"]],
        "histogram": {"log10_edges": hist["log10_edges"].tolist(), "without": hist["without"].tolist(),
                      "with": hist["with"].tolist(), "budget_median": hist["budget_median"]},
        "observed_below": obs["below"], "observed_inside": obs["inside"], "observed_above": obs["above"],
        "observed_n": obs["n"], "layouts_evaluated": int(curves["evaluated"]),
    }


def run(cfg) -> dict:
    """Validate the step model, then per year: sizes' days/GPUs under the constraints, the band as a function
    of adoption cost, size histograms for a budget distribution, the observed counts; chips; sensitivity."""
    s = _settings(cfg)
    a = s["assumptions"]
    ds = load_data(cfg)
    table = ds.table[has_domain(ds.table, "Language")]
    observed = {r["year"]: r for r in counts_by_year(table, cfg.gap.lower, cfg.gap.upper)}
    fit = validate_rows(rows=fit_rows())
    baselines = validate_rows(rows=FLASH_BASELINES)
    width = validate_rows(rows=MEGASCALE_BASELINE)
    out = held_out()
    later = {key: rows() for key, _, rows in LATER_HELD_OUT}
    fit_sets = {key: validate_rows(rows=rows) for key, rows, _, _, _ in FIT_SIDE_SETS}
    # the held-out rows that no constant or structure was ever fitted on: every held-out set's rows outside the fit-side sets
    fit_side = {(r.source, r.label) for rows in fit_sets.values() for r in rows}
    never_fitted = [r for r in out + [r for rows in later.values() for r in rows] if (r.source, r.label) not in fit_side]
    bar = Progress(len(s["years"]), "parallelism_cost: years (layout search per size, bands by adoption cost)")
    years = []
    for y in s["years"]:
        years.append(_year(y, s, observed))
        bar.update()
    note("parallelism_cost: chips compared, then the sensitivity of the band to the assumptions")
    costs = range_costs()
    chips = []
    cy = s["compare_year"]
    for chip in s["chips"]:
        chips.append({"hardware": chip, "year": cy, "state_threshold": state_threshold(chip, bytes_per_param=a.bytes_per_param),
                      "opening_cost": sc.smallest_opening_cost(cy, chip=chip, assumptions=a),
                      **{f"band_{k}": _band(sc.band(cy, c, chip=chip, assumptions=a)) for k, c in costs.items()}})
    sens = sensitivity(a, cfg.parallelism_cost.sensitivity_years, cfg.parallelism_cost.sensitivity)
    return {
        "data": ds.provenance_dict(),
        "gap": {"lower": float(cfg.gap.lower), "upper": float(cfg.gap.upper)},
        "assumptions": {
            **a.record(),
            "deadline_source": "constraints.DEFAULT_MAX_DAYS: LLaMA-65B 21 d, OPT-175B ~56 d, Llama 3 54-d snapshot, BLOOM ~117 d",
            "gpus_per_lab_sources": {str(y): v[1] for y, v in cons.GPUS_PER_LAB.items()},
            "critical_batch_constants": {"B_star_tokens": cons.CRITICAL_BATCH_TOKENS, "alpha_B": cons.CRITICAL_BATCH_ALPHA,
                                         "source": "Kaplan et al. 2020, eq. 1.4 and 1.5"},
            "failures": {"per_gpu_hour": cons.FAILURES_PER_GPU_HOUR, "hours_lost": cons.HOURS_LOST_PER_FAILURE,
                         "source": "Dubey et al. 2024 (Llama 3), section 3.3.4"},
            "adoption_cost_range_usd": list(sc.ADOPTION_COST_RANGE_USD),
            "adoption_costs_reported": costs, "histogram_cost_usd": s["hist_cost"],
            "budgets": dataclasses.asdict(s["budgets"]),
            "technique_history": tech.history(),
            "hardware_by_year": {str(y["year"]): dataclasses.asdict(get_hardware(y["hardware"])) | {"source": ""}
                                 for y in years},
        },
        "validation": {"fit": [_row(r) for r in fit], "held_out": [_row(r) for r in out],
                       **{key: [_row(r) for r in rows] for key, rows in later.items()},
                       "not_fitted": [_row(r) for r in baselines], "not_fitted_summary": error_summary(baselines),
                       "width": [_row(r) for r in width], "width_summary": error_summary(width),
                       **{key: [_row(r) for r in rows] for key, rows in fit_sets.items()},
                       **{f"{key}_summary": error_summary(rows) for key, rows in fit_sets.items()},
                       "fit_summary": error_summary(fit), "held_out_summary": error_summary(out),
                       **{f"{key}_summary": error_summary(rows) for key, rows in later.items()},
                       "all_summary": error_summary(fit + out),
                       "never_fitted": [_row(r) for r in never_fitted], "never_fitted_summary": error_summary(never_fitted),
                       # the same rows' error split into each source's level and the error between its layouts
                       "never_fitted_by_source": [_level_row(g) for g in by_source(never_fitted)],
                       "never_fitted_split": split_summary(never_fitted),
                       "never_fitted_chip_levels": chip_levels(never_fitted),
                       "calibration": dataclasses.asdict(a.calibration)},
        "years": years,
        "chips": chips,
        "sensitivity": sens,
        "layouts_evaluated": int(sum(y["layouts_evaluated"] for y in years)),
    }


def _level_row(g) -> dict:
    return {"source": g.source, "chip": g.chip, "rows": g.rows, "labels": list(g.labels), "errors": list(g.errors),
            "level": g.level, "within": list(g.within)}


def headline(results) -> dict:
    """One row for a sweep's combined report."""
    val = results["validation"]
    out = {}
    for key, nth in (("held_out", ""), *((k, f"{n} ") for k, n, _ in LATER_HELD_OUT)):
        v = val[f"{key}_summary"]
        out[f"{nth}held-out mean abs error"], out[f"{nth}held-out max abs error"] = v["mean_abs_error"], v["max_abs_error"]
    for key, _, name, _, _ in FIT_SIDE_SETS:
        if f"{key}_summary" in val:  # results written before the round that defined the set lack it
            v = val[f"{key}_summary"]
            out[f"{name} fit-side mean abs error"], out[f"{name} fit-side max abs error"] = v["mean_abs_error"], v["max_abs_error"]
    if "never_fitted_summary" in val:  # results written before the pooled figure existed lack it
        v = val["never_fitted_summary"]
        out["never-fitted held-out mean abs error"], out["never-fitted held-out max abs error"] = v["mean_abs_error"], v["max_abs_error"]
    if "never_fitted_split" in val:  # results written before the split existed lack it
        v = val["never_fitted_split"]
        out["never-fitted within-source mean abs error"] = v["within_mean_abs_error"]
        out["never-fitted within-source max abs error"] = v["within_max_abs_error"]
    return {**out,
            "years with a band at the range's middle": sum(1 for y in results["years"] if y["band_mid"]),
            "layouts evaluated": results["layouts_evaluated"]}


# ----------------------------------------------------------------------------------- presentation


def _usd(x) -> str:
    if x is None:
        return "none up to $1B"
    x = float(x)
    if x == 0:
        return "$0 (variable costs alone)"
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if x >= scale:
            return f"${float(f'{x / scale:.3g}'):g}{suffix}"
    return f"${x:.0f}"


def _band_text(b) -> str:
    return "none" if b is None else f"{params_label(b[0])} - {params_label(b[1])}"


_VAL_COLS = ["source", "run", "chip", "N", "t", "p", "d", "b", "v", "recompute", "metric", "measured", "predicted", "error"]
_YEAR_COLS = ["year", "hardware", "GPUs per lab", "tokens/param", "node threshold (16 B/param)", "smallest cost opening a band",
              "band at $0.1M", "band at $1M", "band at $10M", "observed <gap / in / >gap"]
_SIZE_COLS = ["year", "N", "regime", "days", "GPUs", "$ per param-token"]
_CHIP_COLS = ["chip", "year", "node threshold", "smallest cost opening a band", "band at $0.1M", "band at $1M", "band at $10M"]
_SENS_COLS = ["variant", "year", "hardware", "smallest cost opening a band", "band at $0.1M", "band at $1M", "band at $10M"]
_TECH_COLS = ["technique", "usable from", "used by the search", "source"]


def _fmt_val(metric, x):
    return f"{x:.2f} s" if metric == "step_time" else (f"{100 * x:.1f}% MFU" if metric == "mfu" else f"{x:.0f} TFLOP/s")


def _val_rows(rows):
    return [[r["source"].split(" (")[0].split(",")[0], r["label"], r["chip"], params_label(r["params_b"] * 1e9), r["tensor"],
             r["pipeline"], r["data"], r["micro_batch"], r["interleave"], r["recompute"], r["metric"],
             _fmt_val(r["metric"], r["measured"]), _fmt_val(r["metric"], r["predicted"]), f"{100 * r['error']:+.1f}%"]
            for r in rows]


def _year_rows(results):
    return [[y["year"], y["hardware"], f"{y['gpus_per_lab']:,}", f"{y['tokens_per_param']:.1f}", params_label(y["state_threshold"]),
             _usd(y["opening_cost"]), _band_text(y["band_low"]), _band_text(y["band_mid"]), _band_text(y["band_high"]),
             f"{y['observed_below']} / {y['observed_inside']} / {y['observed_above']}"] for y in results["years"]]


def _size_rows(results):
    out = []
    for y in results["years"]:
        for r in y["sizes"]:
            out.append([y["year"], params_label(r["params"]), r["regime"] if r["regime"] != "infeasible" else f"infeasible: {r['status']}",
                        "-" if r["days"] is None else f"{r['days']:.0f}", "-" if r["gpus"] is None else f"{r['gpus']:,}",
                        "-" if r["dollars_per_param_token"] is None else f"{r['dollars_per_param_token']:.3g}"])
    return out


def _chip_rows(results):
    return [[c["hardware"], c["year"], params_label(c["state_threshold"]), _usd(c["opening_cost"]), _band_text(c["band_low"]),
             _band_text(c["band_mid"]), _band_text(c["band_high"])] for c in results["chips"]]


def _sens_rows(results):
    return [[r["variant"], r["year"], r["hardware"], _usd(r["opening_cost"]), _band_text(r["band_low"]),
             _band_text(r["band_mid"]), _band_text(r["band_high"])] for r in results["sensitivity"]]


def _tech_rows(results):
    return [[t["technique"], f"{t['date']:.1f}", "yes" if t["modelled"] else "no", t["source"]]
            for t in results["assumptions"]["technique_history"]]


def _held_out_names(rows) -> str:
    """The held-out models by name, in row order, each once (labels up to the first comma)."""
    return ", ".join(dict.fromkeys(r["label"].split(",")[0] for r in rows))


def _signed_range(rows) -> str:
    """Smallest to largest signed error of the rows, in percent ('n/a' without rows)."""
    if not rows:
        return "n/a"
    errs = [100 * r["error"] for r in rows]
    return f"{min(errs):+.1f}% to {max(errs):+.1f}%"


def _width_sentence(v) -> str:
    """The data-parallel width rows in words ('' in results written before they existed)."""
    rows = v.get("width")
    if not rows:
        return ""
    # rows with 64 sequences per replica a step (batch / data-parallel width, the batch read from the label)
    m64 = sorted((r for r in rows if int(re.search(r"batch (\d+)", r["label"]).group(1)) == 64 * r["data"]),
                 key=lambda r: r["data"])
    widths = ", ".join(str(r["data"]) for r in m64)
    errors = " / ".join(f"{100 * r['error']:+.1f}%" for r in m64)
    return (f" Data-parallel width at a fixed layout (MegaScale's Megatron-LM baseline, GPT-3 175B, TP 8 x PP 8 on "
            f"{min(r['data'] for r in rows) * 64:,}-{max(r['data'] for r in rows) * 64:,} A100s; fit side, in measurements.FIT_WIDTH, "
            f"run without overlap, so no fitted constant moves them): {_signed_range(rows)}; the rows with 64 sequences per "
            f"replica a step at {widths} replicas {errors} alike: no width term added, the model misses a cost per step "
            f"(measurements.MEGASCALE_BASELINE).")


# Issue 11's goal on rows never used to fit: mean and max absolute error, and size drift from 1B to 1T within +-5 points
GOAL_MEAN, GOAL_MAX, GOAL_DRIFT = 0.05, 0.10, 5.0


def _meets_goal(s) -> bool:
    return s["mean_abs_error"] <= GOAL_MEAN and s["max_abs_error"] <= GOAL_MAX and abs(s["size_drift_points"]) <= GOAL_DRIFT


_SET_COLS = ["set", "status", "rows", "sources", "sizes", "mean |error|", "max |error|", "drift (points)", "signed errors"]


def _set_row(name, status, rows, summary) -> list:
    """A set in one row: its sources by short name (up to the first parenthesis), size span, errors; the drift only where
    the sizes span a decade or more (over a narrower span the slope x 3 decades is an extrapolation, not a measurement)."""
    sizes = [r["params_b"] * 1e9 for r in rows]
    sources = "; ".join(dict.fromkeys(r["source"].split(" (")[0] for r in rows))
    drift = f"{summary['size_drift_points']:+.1f}" if max(sizes) >= 10 * min(sizes) else "n/a (sizes span < 10x)"
    return [name, status, summary["rows"], sources, f"{params_label(min(sizes))}-{params_label(max(sizes))}",
            f"{100 * summary['mean_abs_error']:.1f}%", f"{100 * summary['max_abs_error']:.1f}%", drift, _signed_range(rows)]


def _set_rows(results) -> list[list]:
    """One row per validation set: the fit set, every held-out set (still held out, or fit side since a later round), the
    fit-side sets of later rounds, the rows never used to fit pooled, and the reported-only rows."""
    v = results["validation"]
    out = [_set_row("fit set", "fitted: the constants' fit rows (validation.fit_rows)", v["fit"], v["fit_summary"]),
           _set_row("first held-out set", "held out (informed the DeepSpeed engine's structure, commit 533153f); its Pythia rows "
                    + FIT_SIDE["held_out"], v["held_out"], v["held_out_summary"])]
    for key, nth, _ in LATER_HELD_OUT:
        if key in v:
            status = FIT_SIDE[key] if key in FIT_SIDE else "held out, never used to fit" + HELD_OUT_NOTES.get(key, "")
            out.append(_set_row(f"{nth} held-out set", status, v[key], v[f"{key}_summary"]))
    for key, _, _, name, status in FIT_SIDE_SETS:
        if v.get(key):
            out.append(_set_row(name, status, v[key], v[f"{key}_summary"]))
    if v.get("never_fitted"):
        verdict = "meets" if _meets_goal(v["never_fitted_summary"]) else "misses"
        out.append(_set_row("all rows never used to fit", f"pooled held-out rows outside every fit-side set; {verdict} the goal",
                            v["never_fitted"], v["never_fitted_summary"]))
    if v.get("not_fitted_summary"):
        out.append(_set_row("FlashAttention baselines", "a fit source's rows the model does not describe (not fitted)",
                            v["not_fitted"], v["not_fitted_summary"]))
    return out


_LEVEL_COLS = ["source", "runs", "chip", "rows", "level (shared factor)", "mean |error|", "within: mean |error|",
               "within: max |error|", "within: signed errors"]


def _level_rows(results) -> list[list]:
    """One row per source and chip with two or more never-fitted rows: the factor its rows share, their own errors, and each
    row's error against the level of the source's other rows (leave one out); then the pooled figures."""
    v = results["validation"]
    out = []
    for g in v.get("never_fitted_by_source", []):
        own, within = np.array(g["errors"]), np.array(g["within"])
        runs = ", ".join(dict.fromkeys(label.split(",")[0] for label in g["labels"]))
        out.append([g["source"].split(" (")[0], runs, g["chip"], g["rows"], f"{100 * g['level']:+.1f}%",
                    f"{100 * np.abs(own).mean():.1f}%", f"{100 * np.abs(within).mean():.1f}%",
                    f"{100 * np.abs(within).max():.1f}%", f"{100 * within.min():+.1f}% to {100 * within.max():+.1f}%"])
    sp = v.get("never_fitted_split")
    if sp and sp["compared_rows"]:
        out.append([f"all {sp['groups']} sources with two or more rows ({sp['alone_rows']} rows alone in theirs, not compared)",
                    "", "", sp["compared_rows"], _share(sp) + " of the squared log error",
                    f"{100 * sp['mean_abs_error']:.1f}%", f"{100 * sp['within_mean_abs_error']:.1f}%",
                    f"{100 * sp['within_max_abs_error']:.1f}%", ""])
    return out


def _share(sp) -> str:
    """The levels' share of the squared log error, in percent ('n/a' where every compared row is exact)."""
    return "n/a" if sp["level_share"] is None else f"{100 * sp['level_share']:.0f}%"


def _split_sentence(v) -> str:
    sp = v.get("never_fitted_split")
    if not sp or not sp["compared_rows"]:
        return ""
    return (f" Split by source ({sp['compared_rows']} of those rows in {sp['groups']} sources, each source and chip with two "
            f"or more rows): the sources' own levels hold {_share(sp)} of the squared log error; against "
            f"the level of its source's other rows a row is off by {100 * sp['within_mean_abs_error']:.1f}% on average, at "
            f"most {100 * sp['within_max_abs_error']:.1f}% (their own errors: {100 * sp['mean_abs_error']:.1f}%, "
            f"{100 * sp['max_abs_error']:.1f}%). A level shared by every layout of a stack changes all sizes' costs by one "
            "factor, which the band test sees only as a change of the adoption cost's weight and of the deadline's reach; "
            "the errors between layouts of one stack are what can reorder sizes.")


def _chip_level_sentence(v) -> str:
    """What re-fitting one factor per chip could do for the never-fitted rows (costmodel.source_level.chip_levels)."""
    cl = v.get("never_fitted_chip_levels")
    if not cl:  # results written before the figure existed lack it
        return ""
    ins, lo = cl["in_sample"], cl["leave_one_source_out"]
    alone = "" if not lo["uncorrected_rows"] else f"; {lo['uncorrected_rows']} rows on a chip with no other source as they are"
    bound = ins.get("smallest_max_abs_error")  # older results lack it
    return (" One factor per chip (such as each chip's GEMM efficiency), re-fitted on these same rows: mean "
            f"{100 * ins['mean_abs_error']:.1f}%, max {100 * ins['max_abs_error']:.1f}% (least squares on the log error)"
            + ("" if bound is None else f"; no choice of such factors brings the max below {100 * bound:.1f}%")
            + f". Fitted on each chip's other sources and applied to a source it did not see: mean "
            f"{100 * lo['mean_abs_error']:.1f}%, max {100 * lo['max_abs_error']:.1f}%{alone}.")


def _summary_lines(results) -> list[str]:
    v = results["validation"]
    f, h = v["fit_summary"], v["held_out_summary"]
    nf = v.get("never_fitted_summary")
    a = results["assumptions"]
    deadline = "no deadline" if a["max_days"] is None else f"{a['max_days']:g}-day deadline"
    with_band = [y for y in results["years"] if y["band_mid"]]
    never = "" if nf is None else (
        f"Held-out rows never used to fit, pooled ({nf['rows']} rows: {_held_out_names(v['never_fitted'])}): mean "
        f"{100 * nf['mean_abs_error']:.1f}%, "
        + ("" if "median_abs_error" not in nf else f"median {100 * nf['median_abs_error']:.1f}%, ")  # older results lack it
        + f"max {100 * nf['max_abs_error']:.1f}%, drift {nf['size_drift_points']:+.1f} points "
        f"({_signed_range(v['never_fitted'])}); goal: mean <= {100 * GOAL_MEAN:g}%, max <= {100 * GOAL_MAX:g}%, drift within "
        f"{GOAL_DRIFT:g} points: {'met' if _meets_goal(nf) else 'not met'}.{_split_sentence(v)}{_chip_level_sentence(v)} ")
    return [
        f"Step-time model: fitted on {f['rows']} rows ({'; '.join(dict.fromkeys(r['source'] for r in v['fit']))}): "
        f"mean abs error {100 * f['mean_abs_error']:.1f}%, max {100 * f['max_abs_error']:.1f}%. " + never +
        f"Held out (the first set, {h['rows']} rows: {_held_out_names(v['held_out'])}): mean {100 * h['mean_abs_error']:.1f}%, "
        f"max {100 * h['max_abs_error']:.1f}%. "
        f"Size drift of the signed error, 1B-1T (least-squares slope over log size x 3 decades): fit set "
        f"{f['size_drift_points']:+.1f} points, held out {h['size_drift_points']:+.1f} (sizes "
        f"{params_label(min(r['params_b'] for r in v['held_out']) * 1e9)}-{params_label(max(r['params_b'] for r in v['held_out']) * 1e9)}), "
        f"all rows {v['all_summary']['size_drift_points']:+.1f}. "
        "Each later held-out set was fixed before it was first evaluated, because the earlier ones had been seen; a set "
        "whose rows were then used to fit a constant is fit side since that round (its first evaluation is in the README's "
        "history). Every set is in the table below. "
        f"The FlashAttention rows fit the kernel's speed; the same table's rows without FlashAttention (plain "
        f"PyTorch attention, not Megatron's fused softmax: not modelled, not fitted) are predicted "
        f"{_signed_range(v['not_fitted'])} off." + _width_sentence(v),
        "",
        f"Constraints on: {deadline}, GPUs per lab per year (sourced table), critical batch "
        f"{'on' if a['critical_batch'] else 'off'}, failure overhead {'on' if a['failure_overhead_per_gpu'] else 'off'}; "
        f"techniques only from their release year (lag {a['technique_lag']:g} y); adoption cost spread over "
        f"{a['runs_per_lab']:g} run(s), labs spread {a['lab_spread_dex']:g} dex.",
        "",
        f"Years with a band at the sourced range's middle ({_usd(a['adoption_costs_reported']['mid'])}): "
        f"{', '.join(str(y['year']) + ' ' + _band_text(y['band_mid']) for y in with_band) or 'none'}. "
        f"{results['layouts_evaluated']:,} layouts evaluated.",
    ]


def summarize(results) -> str:
    """Findings in words and tables."""
    v = results["validation"]
    lines = ["# Parallelism regimes, adoption costs and the band (hypothesis a)", "", *_summary_lines(results), "",
             "## Validation by set", "", md_table(_SET_COLS, _set_rows(results)), "",
             "## Validation: a source's own level and the error between its layouts (rows never used to fit)", "",
             md_table(_LEVEL_COLS, _level_rows(results)), "",
             "## Predicted band vs observed gap, per year (language models)", "", md_table(_YEAR_COLS, _year_rows(results)), "",
             "## Chips compared", "", md_table(_CHIP_COLS, _chip_rows(results)), "",
             "## Sensitivity (each variant changes one assumption of this run)", "", md_table(_SENS_COLS, _sens_rows(results)), "",
             "## Validation: fit set", "", md_table(_VAL_COLS, _val_rows(v["fit"])), "",
             f"## Validation: held-out set (its Pythia rows {FIT_SIDE['held_out']})", "",
             md_table(_VAL_COLS, _val_rows(v["held_out"])), "",
             *(line for key, nth, _ in LATER_HELD_OUT
               for line in (f"## Validation: {_later_title(key, nth)}", "",
                            md_table(_VAL_COLS, _val_rows(v[key])), "")),
             "## Validation: a fit source's rows the model does not describe (not fitted)", "",
             md_table(_VAL_COLS, _val_rows(v.get("not_fitted", []))), "",
             "## Validation: data-parallel width at a fixed layout (MegaScale's Megatron-LM baseline; fit side, in "
             "measurements.FIT_WIDTH; run without overlap, no fitted constant moves them)", "", md_table(_VAL_COLS, _val_rows(v.get("width", []))), "",
             "## Days and GPUs per size (cheapest feasible layout, no adoption cost)", "", md_table(_SIZE_COLS, _size_rows(results)), "",
             "## Technique history", "", md_table(_TECH_COLS, _tech_rows(results)), ""]
    return "\n".join(lines)


def _figures(results):
    import plotly.graph_objects as go

    years = results["years"]
    lo_gap, hi_gap = math.log10(results["gap"]["lower"]), math.log10(results["gap"]["upper"])
    # 1. band edges against adoption cost, per year
    fig_band = go.Figure()
    for y in years:
        pts = [(c, lo, hi) for c, lo, hi in y["band_by_cost"] if lo is not None]
        if not pts:
            continue
        xs = [math.log10(p[0]) for p in pts]
        fig_band.add_trace(go.Scatter(x=xs + xs[::-1], y=[math.log10(p[1]) for p in pts] + [math.log10(p[2]) for p in pts][::-1],
                                      fill="toself", mode="lines", name=f"{y['year']} ({y['hardware']})", opacity=0.5,
                                      hoverinfo="name"))
    fig_band.add_hrect(y0=lo_gap, y1=hi_gap, fillcolor="grey", opacity=0.15, line_width=0)
    lo_c, hi_c = (math.log10(x) for x in results["assumptions"]["adoption_cost_range_usd"])
    fig_band.add_vrect(x0=lo_c, x1=hi_c, fillcolor="orange", opacity=0.08, line_width=0)
    cost_ticks = list(range(3, 10))
    fig_band.update_layout(title="Band of sizes less cost-effective than both neighbours, by adoption cost",
                           xaxis={"title": "one-time adoption cost", "tickmode": "array", "tickvals": cost_ticks,
                                  "ticktext": [_usd(10.0 ** t) for t in cost_ticks]},
                           yaxis={"title": "parameters", **log10_axis(9.0, 12.5)})
    # 2. regime map: categorical, one legend entry per regime
    fig_map = go.Figure()
    regimes = sorted({r["regime"] for y in years for r in y["sizes"]})
    for reg in regimes:
        pts = [(math.log10(r["params"]), y["year"]) for y in years for r in y["sizes"] if r["regime"] == reg]
        fig_map.add_trace(go.Scatter(x=[p[0] for p in pts], y=[p[1] for p in pts], mode="markers", name=reg,
                                     marker={"symbol": "square", "size": 14}))
    xs_all = [math.log10(r["params"]) for y in years for r in y["sizes"]]
    fig_map.update_layout(title="Regime of the cheapest feasible layout (no adoption cost)",
                          xaxis={"title": "parameters", **log10_axis(min(xs_all), max(xs_all))}, yaxis={"title": "year", "dtick": 1})
    # 3. cost-effectiveness with and without the middle adoption cost
    fig_cost = go.Figure()
    for y in years:
        x = [math.log10(p) for p in y["curve_params"]]
        fig_cost.add_trace(go.Scatter(x=x, y=y["cost_no_adoption"], mode="lines", name=f"{y['year']} no adoption cost",
                                      line={"dash": "dot"}, legendgroup=str(y["year"])))
        fig_cost.add_trace(go.Scatter(x=x, y=y["cost_mid_adoption"], mode="lines", name=f"{y['year']} with {_usd(results['assumptions']['adoption_costs_reported']['mid'])}",
                                      legendgroup=str(y["year"])))
    fig_cost.add_vrect(x0=lo_gap, x1=hi_gap, fillcolor="grey", opacity=0.15, line_width=0)
    fig_cost.update_layout(title="Dollars per parameter-token of the cheapest feasible layout", yaxis_type="log",
                           xaxis={"title": "parameters", **log10_axis(8.5, 12.5)}, yaxis_title="$ / (N D)")
    # 4. size histograms for the budget distribution
    fig_hist = go.Figure()
    for y in years:
        e = np.array(y["histogram"]["log10_edges"])
        mid = 0.5 * (e[1:] + e[:-1])
        fig_hist.add_trace(go.Scatter(x=mid, y=y["histogram"]["without"], mode="lines", name=f"{y['year']} without",
                                      line={"dash": "dot"}, legendgroup=str(y["year"])))
        fig_hist.add_trace(go.Scatter(x=mid, y=y["histogram"]["with"], mode="lines", name=f"{y['year']} with",
                                      legendgroup=str(y["year"])))
    fig_hist.add_vrect(x0=lo_gap, x1=hi_gap, fillcolor="grey", opacity=0.15, line_width=0)
    fig_hist.update_layout(title=f"Predicted share of labs per size, with and without a {_usd(results['assumptions']['histogram_cost_usd'])} adoption cost",
                           xaxis={"title": "parameters", **log10_axis(8.5, 12.5)}, yaxis_title="share of labs per 0.02 dex")
    # 5. validation errors by size
    fig_val = go.Figure()
    for key, name in (("fit", "fit set"), ("held_out", "held out"), *((k, f"{n} held out") for k, n, _ in LATER_HELD_OUT)):
        rows = results["validation"][key]
        name = name + (f" ({FIT_SIDE_LEGEND[key]})" if key in FIT_SIDE_LEGEND else "")
        fig_val.add_trace(go.Scatter(x=[math.log10(r["params_b"] * 1e9) for r in rows], y=[100 * r["error"] for r in rows],
                                     mode="markers", name=name, text=[f"{r['label']} ({r['source']})" for r in rows],
                                     hoverinfo="text+y"))
    for yv in (-10, -5, 5, 10):
        fig_val.add_hline(y=yv, line_dash="dot", line_color="grey")
    fig_val.update_layout(title="Throughput error of the step-time model", xaxis={"title": "parameters", **log10_axis(9.0, 12.1)},
                          yaxis_title="predicted / measured - 1 (%)")
    return fig_band, fig_map, fig_cost, fig_hist, fig_val


LEVEL_AXIS = 60.0  # the level figure's x range in percent; errors beyond it sit at its edge (their value in the hover text)


def _level_figure(results):
    """Per source and chip (rows never used to fit): each row's own error and its error against the level of the source's
    other rows, side by side, so a reader sees how much of the error one factor per stack holds."""
    import plotly.graph_objects as go

    groups = results["validation"].get("never_fitted_by_source", [])
    names = [f"{g['source'].split(' (')[0]}: {g['labels'][0].split(',')[0]} ({g['chip']})" for g in groups]
    fig = go.Figure()
    for key, name, symbol in (("errors", "row's own error", "circle-open"),
                              ("within", "against its source's other rows (leave one out)", "x")):
        ys = [n for n, g in zip(names, groups) for _ in g[key]]
        errs = [100 * e for g in groups for e in g[key]]
        labels = [f"{lab}: {e:+.1f}%" for g in groups for lab, e in zip(g["labels"], (100 * x for x in g[key]))]
        fig.add_trace(go.Scatter(x=[min(max(e, -LEVEL_AXIS), LEVEL_AXIS) for e in errs], y=ys, mode="markers", name=name,
                                 marker={"symbol": symbol, "size": 9}, text=labels, hoverinfo="text"))
    for xv in (-10, 10):
        fig.add_vline(x=xv, line_dash="dot", line_color="grey")
    fig.update_layout(title="Held-out error by source, and with the source's own level taken out",
                      xaxis={"title": "predicted / measured - 1 (%)", "range": [-LEVEL_AXIS - 5, LEVEL_AXIS + 5]},
                      yaxis={"autorange": "reversed"}, height=max(400, 28 * len(groups) + 160))
    return fig


def sections(results) -> list[Section]:
    """Band vs cost, regimes, cost curves, histograms, validation, and the tables."""
    fig_band, fig_map, fig_cost, fig_hist, fig_val = _figures(results)
    v = results["validation"]
    return [
        Section("Summary", text=_summary_lines(results)),
        Section("Band as a function of adoption cost", figures=[fig_band], captions=[
            "Each shaded shape is one year: for an adoption cost on the x axis, the sizes (y) predicted less cost-effective "
            "than both smaller and larger ones. Grey: the observed 20B-70B gap; orange: the sourced cost range. "
            "A year that never appears has no band at any cost up to $1B."],
            tables=[Table(_YEAR_COLS, _year_rows(results)), Table(_CHIP_COLS, _chip_rows(results))]),
        Section("Regimes", figures=[fig_map], captions=[
            "One square per year and size, coloured by how the cheapest feasible layout splits the model; "
            "a missing square is a size no layout can train within the deadline on the lab's GPUs (see the table below)."]),
        Section("Cost-effectiveness", figures=[fig_cost], captions=[
            "Dotted: dollars per parameter-token without adoption costs (flat = equally cost-effective); solid: with the "
            "middle of the sourced cost, amortised. A bump above both sides is a band; grey is the observed gap."]),
        Section("Size choice", figures=[fig_hist], captions=[
            "Share of labs (lognormal budgets per year) that train each size when they build the largest model their "
            "budget allows: dotted without adoption costs, solid with them. A dip is the band; mass piles up below it."]),
        Section("Validation", figures=[fig_val, _level_figure(results)], captions=[
            "One point per published run: throughput error against size. Blue points were used to fit the constants, "
            "and the second, fifth and sixth held-out sets fit the sharded-data-parallel overlap rate since the round that "
            "made them fit side (measurements.FIT_SHARDED), and the seventh fits the overlap rate of pure data parallelism since "
            "the round on the per-step cost of data parallelism (measurements.FIT_WIDTH), and the eighth's Megatron-LM 2019 rows fit "
            "the V100's e_max since the V100 round (measurements.FIT_V100), and since the engine round the first set's Pythia rows "
            "decide how DeepSpeed's engine cost applies (measurements.FIT_PYTHIA) and the ninth's tr1-13B rows fit the V100's "
            "e_max of 2021 (measurements.FIT_V100_2021); the others never were; dotted lines mark 5% and 10%.",
            "One line per source and chip with two or more rows never used to fit: circles, each row's own error; crosses, "
            "its error against the mean (log) error of the source's other rows. Where the crosses close in, the source's "
            "error is one factor on every layout of its stack, which moves every size's cost alike; what stays apart is "
            f"the error between layouts. Errors beyond +-{LEVEL_AXIS:g}% sit at the edge (hover for the value)."],
            tables=[Table(_SET_COLS, _set_rows(results)), Table(_LEVEL_COLS, _level_rows(results))]
            + [Table(_VAL_COLS, _val_rows(v[key])) for key in ("fit", "held_out", *(k for k, _, _ in LATER_HELD_OUT))]
            + [Table(_VAL_COLS, _val_rows(v.get("width", [])))]),
        Section("Sensitivity", tables=[Table(_SENS_COLS, _sens_rows(results))]),
        Section("Days and GPUs per size", tables=[Table(_SIZE_COLS, _size_rows(results))]),
        Section("Technique history", tables=[Table(_TECH_COLS, _tech_rows(results))]),
    ]
