"""The parallelism_cost experiment end to end: validation, constraints, bands by cost, observed counts, bad settings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hydra import compose, initialize_config_module

from gapstudy import schema
from gapstudy.costmodel import size_choice as sc
from gapstudy.data import load, registry_path
from gapstudy.experiments import parallelism_cost
from gapstudy.experiments.common import gap_counts, has_domain

QUICK = [
    "experiment=parallelism_cost",
    "parallelism_cost.years=[2020,2023]",
    "parallelism_cost.hardware=[a100_40gb]",
    "parallelism_cost.compare_year=2020",
    "parallelism_cost.sensitivity_years=[2020]",
    "parallelism_cost.sensitivity=[baseline,5 runs per lab]",
]


def _cfg(*extra):
    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        return compose("config", overrides=[*QUICK, "quiet=true", *extra])


@pytest.fixture(scope="module")
def results():
    return parallelism_cost.run(_cfg())


def _set_line(md: str, name: str) -> str:
    """The row of the 'Validation by set' table for the set called `name`."""
    table = md.split("## Validation by set", 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in table.splitlines() if ln.startswith(f"| {name} |")]
    assert len(rows) == 1, (name, table)
    return rows[0]


def _errors_cell(s) -> str:
    return f"| {100 * s['mean_abs_error']:.1f}% | {100 * s['max_abs_error']:.1f}% |"


# The later held-out sets in parallelism_cost.LATER_HELD_OUT's order: rows, and one run each whose row the report must show
LATER_SETS = ((18, "MPT-70b a100_40gb, 128 GPUs"), (2, "OLMo-core 13B, 8 GPUs"),
              (6, "torchtitan Llama 2 70B, local batch 2, AC full"), (4, "fms-fsdp Llama 70b, 128 GPUs, FSDP"),
              (3, "BloombergGPT 50B, 512 GPUs"), (22, "InternLM 7B, 1024 GPUs, micro-batch 2 x 1, AC on"),
              (16, "DeepSpeed Azure 2T, 1024 GPUs, micro-batch 8, seq 1024"), (11, "StarCoderBase 15.5B, 512 GPUs (TP4 PP4 DP32)"),
              (21, "DGXC NeMo GPT-3 175B BF16, 2048 GPUs"), (24, "StableLM-3B-4E1T, 256 A100-40GB"),
              (8, "llm.c GPT-2 1558M, 8 H100"), (26, "Open-Llama 6.9B, 160 A100-80GB"),
              (11, "NeMo Megatron (BigNLP) GPT-3 5B, 20 DGX A100 80GB (TP2 DP80)"))


def test_validation_reports_fit_and_held_out(results):
    v = results["validation"]
    # Narayanan 10 + Korthikanti 8 + Dao 2023 FlashAttention 4 + GLM-130B speed test 2 + Nemotron-4 340B (H100) 1
    assert len(v["fit"]) == 33 and len(v["held_out"]) >= 4
    assert v["fit_summary"]["mean_abs_error"] <= 0.05 and v["fit_summary"]["max_abs_error"] <= 0.10
    assert {r["source"] for r in v["fit"]}.isdisjoint({r["source"] for r in v["held_out"]})
    md = parallelism_cost.summarize(results)
    assert "held-out" in md and "Held out" in md
    # size drift reported for each set on its own, not only pooled (the pooled figure hides opposite drifts)
    f, h = v["fit_summary"]["size_drift_points"], v["held_out_summary"]["size_drift_points"]
    assert f"fit set {f:+.1f} points, held out {h:+.1f}" in md
    assert "MT-NLG 530B" in md and "GPT-NeoX-20B" in md  # held-out models named from the rows, not a fixed list
    assert "Pythia-1B" in md and "sizes 1.01B-530B" in md  # the small held-out models, and the span of the drift
    assert "Dao 2023" in md.split("\n\n")[1] and "GLM-130B" in md.split("\n\n")[1]  # fit sources named from the rows
    # the fit source's rows the model does not describe are reported beside the fit, in their own table
    nf = v["not_fitted"]
    assert len(nf) == 4 and all("without FlashAttention" in r["label"] for r in nf)
    assert "not fitted" in md and nf[0]["label"] in md
    # MegaScale's Megatron-LM baseline (data-parallel width at a fixed layout): fit side, reported in its own table
    w = v["width"]
    assert len(w) == 9 and v["width_summary"]["rows"] == 9
    assert {r["source"] for r in w}.isdisjoint({r["source"] for r in v["fit"] + v["held_out"]})
    assert "## Validation: data-parallel width at a fixed layout" in md and w[0]["label"] in md
    assert "no width term added" in md.split("\n\n")[1]
    # every later held-out set (each fixed before it was first evaluated) is reported on its own: its rows (sources used
    # by no earlier set), its row in the "Validation by set" table, its own section with one of its runs, its headline
    headline = set(parallelism_cost.headline(results))
    earlier = v["fit"] + v["held_out"]
    assert len(LATER_SETS) == len(parallelism_cost.LATER_HELD_OUT)
    for (key, nth, _), (rows, run) in zip(parallelism_cost.LATER_HELD_OUT, LATER_SETS):
        h = v[key]
        assert len(h) == rows and {r["source"] for r in h}.isdisjoint({r["source"] for r in earlier}), key
        assert _errors_cell(v[f"{key}_summary"]) in _set_line(md, f"{nth} held-out set")
        assert f"## Validation: {nth} held-out set" in md and run in md
        assert {f"{nth} held-out mean abs error", f"{nth} held-out max abs error"} <= headline
        earlier = earlier + h
    h2, h5, h6, h8, h9 = (v[f"held_out_{k}"] for k in (2, 5, 6, 8, 9))
    # the second with its own drift and size span
    s2 = v["held_out_2_summary"]
    assert _errors_cell(s2) + f" {s2['size_drift_points']:+.1f} |" in _set_line(md, "second held-out set")
    assert "| 1.32B-64.9B |" in _set_line(md, "second held-out set")
    # still held out, never used to fit: the third, fourth, tenth to fourteenth, pooled whole with the never-fitted rows
    for key, nth in (("held_out_3", "third"), ("held_out_4", "fourth"), ("held_out_10", "tenth"), ("held_out_11", "eleventh"),
                     ("held_out_12", "twelfth"), ("held_out_13", "thirteenth"), ("held_out_14", "fourteenth")):
        assert "held out, never used to fit" in _set_line(md, f"{nth} held-out set")
        assert f"## Validation: {nth} held-out set (fixed before it was evaluated; never used to fit)" in md
        assert {r["label"] for r in v[key]} <= {r["label"] for r in v["never_fitted"]}
    # since the round on sharded data parallelism, sets 2, 5 and 6 are fit side (measurements.FIT_SHARDED), said so
    fs = v["fit_sharded"]
    assert len(fs) == 25 and {r["label"] for r in fs} == {r["label"] for r in h2 + h5 + h6}
    sfs = v["fit_sharded_summary"]
    assert f"| 25 |" in _set_line(md, "FIT_SHARDED (second, fifth, sixth held-out sets)") and _errors_cell(sfs) in _set_line(
        md, "FIT_SHARDED (second, fifth, sixth held-out sets)")
    for nth in ("second", "fifth", "sixth"):
        assert f"## Validation: {nth} held-out set (fixed before it was first evaluated; fit side since" in md
    assert "sharded fit-side mean abs error" in headline
    # since the V100 round the eighth's Megatron-LM 2019 rows are fit side (measurements.FIT_V100), reported on their own too
    fv = v["fit_v100_summary"]
    assert fv["rows"] == 13 and [r["label"] for r in v["fit_v100"]] == [r["label"] for r in h8 if r["chip"] == "v100_32gb"]
    assert "| 13 |" in _set_line(md, "FIT_V100 (eighth held-out set's Megatron-LM 2019 rows)") and _errors_cell(fv) in _set_line(
        md, "FIT_V100 (eighth held-out set's Megatron-LM 2019 rows)")
    assert "its Megatron-LM 2019 rows fit side since the V100 round" in md
    assert {"V100 fit-side mean abs error", "V100 fit-side max abs error"} <= headline
    # the ninth, evaluated once as held out; its tr1-13B rows fit side since the engine round (FIT_V100_2021), its other
    # rows fit nothing; the first set's Pythia rows fit side since the same round (FIT_PYTHIA)
    assert "fit side since the engine round" in _set_line(md, "ninth held-out set")
    assert "## Validation: ninth held-out set (fixed before it was first evaluated; its tr1-13B rows fit side" in md
    assert [r["label"] for r in v["fit_v100_2021"]] == [r["label"] for r in h9 if r["chip"] == "v100_32gb"]
    assert [r["label"] for r in v["fit_pythia"]] == [r["label"] for r in v["held_out"] if r["label"].startswith("Pythia")]
    assert "## Validation: held-out set (its Pythia rows fit side since the engine round" in md
    assert {r["label"] for r in h9 if r["chip"] != "v100_32gb"} <= {r["label"] for r in v["never_fitted"]}
    assert not {r["label"] for r in v["fit_v100_2021"] + v["fit_pythia"]} & {r["label"] for r in v["never_fitted"]}

def test_every_assumption_is_recorded(results):
    a = results["assumptions"]
    for key in ("max_days", "gpus_per_lab", "tokens_per_param", "critical_batch", "failure_overhead_per_gpu",
                "adoption_cost_range_usd", "technique_history", "hardware_by_year", "runs_per_lab", "budgets"):
        assert key in a, key
    assert a["max_days"] == 90.0  # the deadline is on by default
    json.dumps(results)  # results.json can hold it


def test_years_use_their_own_practice_and_hardware(results):
    by = {y["year"]: y for y in results["years"]}
    assert by[2020]["tokens_per_param"] < 2 < by[2023]["tokens_per_param"]  # Kaplan-era vs compute-optimal
    assert by[2020]["hardware"] == "a100_40gb" and "sequence_parallel" not in by[2020]["techniques"]
    assert "sequence_parallel" in by[2023]["techniques"]
    # infeasible sizes are listed as infeasible with the reason, not dropped
    sizes = by[2020]["sizes"]
    assert sizes[-1]["params"] > 5e11 and any(s["regime"] == "infeasible" and s["status"] for s in sizes)
    for s in sizes:
        if s["regime"] != "infeasible":
            assert s["days"] <= 90.0 and s["gpus"] <= 10_000


def test_band_as_a_function_of_cost(results):
    y = {y["year"]: y for y in results["years"]}[2020]
    assert y["band_mid"] is not None and 1e10 <= y["band_mid"][0] <= 3e10  # opens near the 20B node threshold
    assert y["band_mid"] == list(sc.band(2020, 1e6, assumptions=sc.Assumptions()))
    widths = [(hi / lo) for c, lo, hi in y["band_by_cost"] if lo is not None]
    assert widths  # some cost opens a band


def test_observed_counts_are_the_data(results):
    table, _ = load(registry_path())
    lang = table[has_domain(table, "Language") & table["parameters"].notna()]
    for row in results["years"]:
        p = lang.loc[lang["date"].dt.year == row["year"], "parameters"].to_numpy()
        c = gap_counts(p, 20e9, 70e9)
        assert (row["observed_below"], row["observed_inside"], row["observed_above"]) == (c["below"], c["inside"], c["above"])


def test_sensitivity_follows_the_runs_overrides():
    # the audit's bug: the sensitivity table ignored the experiment's overrides
    base = parallelism_cost._settings(_cfg())["assumptions"]
    short = parallelism_cost._settings(_cfg("parallelism_cost.runs_per_lab=20"))["assumptions"]
    from gapstudy.costmodel.sensitivity import sensitivity
    a = sensitivity(base, [2020], ["baseline"])[0]
    b = sensitivity(short, [2020], ["baseline"])[0]
    assert a != b


def test_sections_have_captions_and_units(results):
    secs = parallelism_cost.sections(results)
    for s in secs:
        assert len(s.captions) == len(s.figures)
    assert any("B" in t for s in secs for f in s.figures for t in (f.layout.yaxis.ticktext or ()))


def test_validation_legend_marks_every_fit_side_set(results):
    """Each held-out set that fits a constant since a later round says so in the validation figure's legend, and the
    sets still held out do not."""
    fig_val = parallelism_cost._figures(results)[-1]
    names = {tr.name for tr in fig_val.data}
    for key, nth, _ in parallelism_cost.LATER_HELD_OUT:
        tagged = [n for n in names if n.startswith(f"{nth} held out (")]
        assert bool(tagged) == (key in parallelism_cost.FIT_SIDE), (key, names)
    assert set(parallelism_cost.FIT_SIDE_LEGEND) == set(parallelism_cost.FIT_SIDE)


@pytest.mark.parametrize(
    "override,pattern",
    [
        ("parallelism_cost.hardware=[no_such_chip]", "unknown hardware"),
        ("parallelism_cost.min_params=1e13", "min_params"),
        ("parallelism_cost.points_per_decade=0", "points_per_decade"),
        ("parallelism_cost.years=[1990]", "years"),
        ("parallelism_cost.runs_per_lab=0", "runs_per_lab"),
    ],
)
def test_bad_settings(tmp_path, override, pattern):
    proc = subprocess.run([sys.executable, "-m", "gapstudy", "experiment=parallelism_cost", override],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert pattern in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_hardware_group_is_accepted():
    # `hardware=h100` is listed by --help; it now makes every year use that chip
    s = parallelism_cost._settings(_cfg("hardware=h100"))
    assert all(s["assumptions"].chip(y) == "h100" for y in sc.YEARS)


def test_never_fitted_rows_are_the_held_out_rows_outside_every_fit_side_set(results):
    """The pooled verdict is on exactly the held-out rows no constant was fitted on, and says met / not met by the goal."""
    v = results["validation"]
    held = v["held_out"] + [r for key, _, _ in parallelism_cost.LATER_HELD_OUT for r in v[key]]
    fit_side = {(r["source"], r["label"]) for key in ("fit_sharded", "fit_width", "fit_v100", "fit_pythia", "fit_v100_2021")
                for r in v[key]}
    expected = [(r["source"], r["label"]) for r in held if (r["source"], r["label"]) not in fit_side]
    assert [(r["source"], r["label"]) for r in v["never_fitted"]] == expected and expected
    assert not fit_side & {(r["source"], r["label"]) for r in v["fit"]}
    s = v["never_fitted_summary"]
    assert s["rows"] == len(expected)
    assert abs(s["mean_abs_error"] - sum(abs(r["error"]) for r in v["never_fitted"]) / len(expected)) < 1e-12
    met = s["mean_abs_error"] <= 0.05 and s["max_abs_error"] <= 0.10 and abs(s["size_drift_points"]) <= 5.0
    md = parallelism_cost.summarize(results)
    assert f"drift within 5 points: {'met' if met else 'not met'}." in md
    row = _set_line(md, "all rows never used to fit")
    assert ("meets the goal" if met else "misses the goal") in row and _errors_cell(s) in row
    # sets still held out are pooled whole; a fit-side set contributes only rows outside the fit-side sets
    assert {"held_out_3", "held_out_4"} <= {k for k, _, _ in parallelism_cost.LATER_HELD_OUT if k not in parallelism_cost.FIT_SIDE}
    assert {"MosaicML 2023"}.isdisjoint({r["source"].split(" (")[0] for r in v["never_fitted"]})


def test_never_fitted_error_is_split_into_source_levels_and_errors_within(results):
    # every never-fitted row is either in a source (and chip) of two or more rows, with its leave-one-out error, or alone
    v = results["validation"]
    groups, sp = v["never_fitted_by_source"], v["never_fitted_split"]
    assert sum(g["rows"] for g in groups) == sp["compared_rows"] and sp["compared_rows"] + sp["alone_rows"] == len(v["never_fitted"])
    assert {lab for g in groups for lab in g["labels"]} < {r["label"] for r in v["never_fitted"]}
    errors = {r["label"]: r["error"] for r in v["never_fitted"]}
    for g in groups:
        assert g["errors"] == pytest.approx([errors[lab] for lab in g["labels"]]) and len(g["within"]) == g["rows"] >= 2
    # NeMo's GPT-3 175B on H100: level and errors within under 1.5% (the layouts the search picks for large models)
    (nemo,) = [g for g in groups if g["labels"][0].startswith("DGXC NeMo")]
    assert abs(nemo["level"]) < 0.015 and max(abs(w) for w in nemo["within"]) < 0.015
    assert 0 < sp["within_mean_abs_error"] < sp["mean_abs_error"] and 0 < sp["level_share"] < 1
    md = parallelism_cost.summarize(results)
    assert "## Validation: a source's own level and the error between its layouts (rows never used to fit)" in md
    assert f"{100 * sp['within_mean_abs_error']:.1f}% on average" in md and "median" in md
    assert {"never-fitted within-source mean abs error", "never-fitted within-source max abs error"} <= set(
        parallelism_cost.headline(results))
    # what re-fitting one factor per chip could do, in sample and for a source the re-fit did not see; the sentence
    # gives both figures
    cl = v["never_fitted_chip_levels"]
    assert cl["as_is"]["rows"] == cl["in_sample"]["rows"] == len(v["never_fitted"])
    assert cl["as_is"]["max_abs_error"] == pytest.approx(v["never_fitted_summary"]["max_abs_error"])
    assert cl["in_sample"]["smallest_max_abs_error"] > 0.10  # the goal's max is out of reach of any factor per chip
    assert cl["in_sample"]["smallest_max_abs_error"] <= cl["in_sample"]["max_abs_error"]
    assert f"re-fitted on these same rows: mean {100 * cl['in_sample']['mean_abs_error']:.1f}%" in md
    assert f"brings the max below {100 * cl['in_sample']['smallest_max_abs_error']:.1f}%" in md
    assert f"did not see: mean {100 * cl['leave_one_source_out']['mean_abs_error']:.1f}%" in md


def test_level_figure_shows_own_and_within_source_errors_clipped_to_its_axis(results):
    fig = parallelism_cost._level_figure(results)
    own, within = fig.data
    groups = results["validation"]["never_fitted_by_source"]
    assert len(own.x) == len(within.x) == sum(g["rows"] for g in groups)
    lim = parallelism_cost.LEVEL_AXIS
    assert max(abs(x) for x in own.x) <= lim and max(abs(x) for x in within.x) <= lim
    # a row past the axis sits at its edge, its true error in the hover text
    big = max((e, lab) for g in groups for e, lab in zip(g["errors"], g["labels"]))
    if 100 * big[0] > lim:
        assert any(t.startswith(big[1]) and t.endswith(f"{100 * big[0]:+.1f}%") for t in own.text)
    assert len(set(own.y)) == len(groups)
