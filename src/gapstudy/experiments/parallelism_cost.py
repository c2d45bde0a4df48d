"""The parallelism_cost experiment: regimes, cost-effectiveness and the predicted band vs the observed gap."""

from __future__ import annotations

import numpy as np

from gapstudy.costmodel import hardware_in_use, load_catalogue, state_threshold
from gapstudy.costmodel.regimes import band, bands, marginal_dollars_per_loss, regime_changes, sweep
from gapstudy.costmodel.sensitivity import sensitivity
from gapstudy.costmodel.validation import error_summary, validate as validate_table1
from gapstudy.errors import GapstudyError
from gapstudy.experiments.common import counts_by_year, has_domain, load_data
from gapstudy.progress import Progress, note
from gapstudy.report import Section, Table, md_table
from gapstudy.report.markdown import fmt


def _settings(cfg) -> dict:
    pc = cfg.parallelism_cost
    if not (1e8 <= pc.min_params < pc.max_params):
        raise GapstudyError(f"parallelism_cost.min_params={pc.min_params:g} must be >= 1e8 and below max_params={pc.max_params:g}")
    if pc.points_per_decade < 1 or pc.points_per_decade > 20:
        raise GapstudyError(f"parallelism_cost.points_per_decade={pc.points_per_decade} must be 1..20")
    catalogue = load_catalogue()
    names = list(pc.hardware) or sorted(catalogue)
    unknown = [n for n in list(names) + list(pc.sensitivity_hardware) if n not in catalogue]
    if unknown:
        raise GapstudyError(f"unknown hardware {unknown}; choose from {sorted(catalogue)} or add conf/hardware/<name>.yaml")
    decades = np.log10(pc.max_params) - np.log10(pc.min_params)
    sizes = tuple(float(x) for x in np.logspace(np.log10(pc.min_params), np.log10(pc.max_params),
                                                 int(round(decades * pc.points_per_decade)) + 1))
    assumptions = dict(max_gpus=int(pc.max_gpus), max_days=pc.max_days, bytes_per_param=float(pc.bytes_per_param),
                       reserve=float(pc.reserve))
    return {"names": names, "sizes": sizes, "assumptions": assumptions}


def validate(cfg) -> None:
    """Reject impossible settings before any data is read (called by the CLI's preflight)."""
    _settings(cfg)


def run(cfg) -> dict:
    """Sweep every chip, find regime changes and bands, compare with the data per year, validate."""
    s = _settings(cfg)
    ds = load_data(cfg)
    table = ds.table[has_domain(ds.table, "Language")]
    observed = {r["year"]: r for r in counts_by_year(table, cfg.gap.lower, cfg.gap.upper)}
    regime_rows, changes, curves, band_rows, evaluated = [], [], {}, [], 0
    bar = Progress(len(s["names"]) + len(cfg.parallelism_cost.years), "parallelism_cost: chips and years")
    for name in s["names"]:
        sw = sweep(name, s["sizes"], **s["assumptions"])
        evaluated += sw.evaluated
        mdl = marginal_dollars_per_loss(sw)
        curves[name] = {"params": sw.params.tolist(), "regimes": list(sw.regimes), "mfu": sw.mfu.tolist(),
                        "dollars_per_param_token": sw.dollars_per_param_token.tolist(),
                        "cost_chinchilla": sw.training_cost("chinchilla").tolist(),
                        "cost_kaplan": sw.training_cost("kaplan").tolist(),
                        "marginal_dollars_per_loss": mdl.tolist()}
        for n, reg, mfu in zip(sw.params, sw.regimes, sw.mfu):
            regime_rows.append({"hardware": name, "params": float(n), "regime": reg, "mfu": float(mfu)})
        for c in regime_changes(sw):
            changes.append({"hardware": name, **c})
        b = band(sw)
        band_rows.append({"hardware": name, "band_low": None if b is None else b[0], "band_high": None if b is None else b[1],
                          "all_bands": [list(x) for x in bands(sw.params, sw.dollars_per_param_token)],
                          "state_threshold_16": state_threshold(name), "cost_spread": float(
                              np.nanmax(sw.dollars_per_param_token) / np.nanmin(sw.dollars_per_param_token))})
        bar.update()
    years = []
    for y in cfg.parallelism_cost.years:
        hw = hardware_in_use(int(y))
        b = band(sweep(hw, s["sizes"], **s["assumptions"]))
        obs = observed.get(int(y), {"n": 0, "below": 0, "inside": 0, "above": 0})
        years.append({"year": int(y), "hardware": hw, "band_low": None if b is None else b[0],
                      "band_high": None if b is None else b[1], "state_threshold_16": state_threshold(hw),
                      "observed_below": obs["below"], "observed_inside": obs["inside"], "observed_above": obs["above"],
                      "observed_n": obs["n"]})
        bar.update()
    note("parallelism_cost: sensitivity of the band to the assumptions, then validation against published throughput")
    sens = sensitivity(tuple(cfg.parallelism_cost.sensitivity_hardware), sizes=s["sizes"])
    val = validate_table1()
    return {
        "data": ds.provenance_dict(),
        "gap": {"lower": float(cfg.gap.lower), "upper": float(cfg.gap.upper)},
        "sizes": list(s["sizes"]),
        "assumptions": s["assumptions"],
        "layouts_evaluated": int(evaluated),
        "regimes": regime_rows,
        "regime_changes": changes,
        "curves": curves,
        "bands": band_rows,
        "years": years,
        "sensitivity": sens,
        "validation": [{"params_b": r.params_b, "tensor": r.tensor, "pipeline": r.pipeline, "data": r.data,
                        "micro_batch": r.micro_batch, "interleave": r.interleave, "measured": r.measured_tflops,
                        "predicted": r.predicted_tflops, "error": r.error} for r in val],
        "validation_summary": error_summary(val),
    }


def headline(results) -> dict:
    """One row for a sweep's combined report."""
    with_band = [y for y in results["years"] if y["band_low"] is not None]
    return {"validation mean abs error": results["validation_summary"]["mean_abs_error"],
            "years with a predicted band": len(with_band),
            "layouts evaluated": results["layouts_evaluated"]}


_YEAR_COLS = ["year", "hardware", "node threshold (16 B/param)", "predicted band", "observed <gap / in / >gap"]
_VAL_COLS = ["N (B)", "t", "p", "d", "b", "v", "measured TFLOP/s", "predicted", "error"]
_SENS_COLS = ["variant", "hardware", "band", "first cross-node size", "largest regime-change jump", "cost spread 1B-1T"]


def _band_text(lo, hi) -> str:
    return "none" if lo is None else f"{fmt(lo)} - {fmt(hi)}"


def _year_rows(results):
    return [[y["year"], y["hardware"], fmt(y["state_threshold_16"]), _band_text(y["band_low"], y["band_high"]),
             f"{y['observed_below']} / {y['observed_inside']} / {y['observed_above']}"] for y in results["years"]]


def _val_rows(results):
    return [[r["params_b"], r["tensor"], r["pipeline"], r["data"], r["micro_batch"], r["interleave"], r["measured"],
             round(r["predicted"], 1), f"{100 * r['error']:+.1f}%"] for r in results["validation"]]


def _sens_rows(results):
    return [[r["variant"], r["hardware"], _band_text(r["band_low"], r["band_high"]),
             "none" if r["first_cross_node"] is None else fmt(r["first_cross_node"]),
             f"{r['max_jump']:.3f}x", f"{r['cost_spread']:.2f}x"] for r in results["sensitivity"]]


def summarize(results) -> str:
    """Findings in words and tables."""
    v = results["validation_summary"]
    bands_found = [b for b in results["bands"] if b["band_low"] is not None]
    big_jumps = [c for c in results["regime_changes"] if c["cost_jump"] > 1.05]
    lines = [
        "# Parallelism regimes and cost (hypothesis a)",
        "",
        f"Cost model validated against Narayanan et al. (2021) Table 1: mean absolute error {100 * v['mean_abs_error']:.1f}%, "
        f"max {100 * v['max_abs_error']:.1f}% (three global constants, fitted once on all rows).",
        "",
        f"{results['layouts_evaluated']:,} layouts evaluated over {len(results['sizes'])} sizes x "
        f"{len(results['curves'])} chips; cheapest fitting layout per size "
        f"({'no deadline' if results['assumptions']['max_days'] is None else str(results['assumptions']['max_days']) + '-day deadline'}).",
        "",
        f"Chips with a size band less cost-effective than both neighbours (>5% per parameter-token): "
        f"{', '.join(b['hardware'] + ' ' + _band_text(b['band_low'], b['band_high']) for b in bands_found) or 'none'}. "
        f"Regime changes costing more than 5%: {len(big_jumps)} of {len(results['regime_changes'])}.",
        "",
        "## Predicted band vs observed gap, per year (language models)",
        "",
        md_table(_YEAR_COLS, _year_rows(results)),
        "",
        "## Sensitivity",
        "",
        md_table(_SENS_COLS, _sens_rows(results)),
        "",
        "## Validation (Narayanan et al. 2021 Table 1, A100-80GB)",
        "",
        md_table(_VAL_COLS, _val_rows(results)),
        "",
    ]
    return "\n".join(lines)


def sections(results) -> list[Section]:
    """Regime map, cost curves, bands per year, sensitivity and validation tables."""
    import plotly.graph_objects as go

    regimes = sorted({r["regime"] for r in results["regimes"]})
    names = list(results["curves"])
    z = [[regimes.index(reg) for reg in results["curves"][n]["regimes"]] for n in names]
    params = results["curves"][names[0]]["params"]
    fig_map = go.Figure(go.Heatmap(z=z, x=[fmt(p) for p in params], y=names, colorscale="Viridis",
                                   text=[results["curves"][n]["regimes"] for n in names], hoverinfo="text+x+y",
                                   colorbar={"tickvals": list(range(len(regimes))), "ticktext": regimes}))
    fig_map.update_layout(title="Regime of the cheapest layout", xaxis_title="parameters")
    fig_cost = go.Figure()
    for n in names:
        c = results["curves"][n]
        fig_cost.add_trace(go.Scatter(x=c["params"], y=c["dollars_per_param_token"], mode="lines+markers", name=n,
                                      text=c["regimes"]))
    lo, hi = results["gap"]["lower"], results["gap"]["upper"]
    fig_cost.add_vrect(x0=lo, x1=hi, fillcolor="grey", opacity=0.15, line_width=0)
    fig_cost.update_layout(title="Dollars per parameter-token (flat = equally cost-effective)", xaxis_type="log",
                           yaxis_type="log", xaxis_title="parameters", yaxis_title="$ / (N D)")
    return [
        Section("Regime map", figures=[fig_map]),
        Section("Cost-effectiveness", text=["Shaded: the observed gap window."], figures=[fig_cost]),
        Section("Predicted band vs observed gap", tables=[Table(_YEAR_COLS, _year_rows(results))]),
        Section("Sensitivity", tables=[Table(_SENS_COLS, _sens_rows(results))]),
        Section("Validation", tables=[Table(_VAL_COLS, _val_rows(results))]),
    ]
