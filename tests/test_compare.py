"""The compare experiment: a run's files and tables, the verdict written from the numbers, sweeps, bad settings."""

from __future__ import annotations

import copy
import json

from pathlib import Path

import pytest
from hydra import compose, initialize_config_module

from gapstudy import schema
from gapstudy.errors import GapstudyError
from gapstudy.experiments import compare
from gapstudy.runner import execute

# fast settings: no competition (its ABC fit takes seconds), no robustness reruns, few simulations
FAST = ["compare.hypotheses=[H0,H1,M2]", "compare.recovery.n_datasets=20", "+compare.hypothesis_options={H1:{band:[2.0e10,7.0e10]}}",
        "compare.robustness=false", "compare.n_sim=300", "quiet=true"]


def config(*overrides):
    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        return compose(config_name="config", overrides=["experiment=compare", *overrides])


@pytest.fixture(scope="module")
def fast_doc(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    doc = execute(config(*FAST), out)
    return doc, out


def test_run_writes_files_and_ranks_every_hypothesis(fast_doc):
    doc, out = fast_doc
    assert {p.name for p in out.iterdir()} >= {"results.json", "summary.md", "report.html"}
    saved = json.loads((out / "results.json").read_text())
    assert saved["experiment"] == "compare"
    rows = {r["hypothesis"]: r for r in doc["main"]["ranking"]}
    assert set(rows) == {"H0", "H1", "M2"}
    for r in rows.values():
        assert r["status"] == "ok" and None not in (r["loglik"], r["aic"], r["bic"], r["oos_lpd"], r["rolling_lpd"])
        assert r["aic"] == pytest.approx(2 * r["k"] - 2 * r["loglik"])
    assert sorted(r["rank_bic"] for r in rows.values()) == [1, 2, 3]
    periods = doc["main"]["out_of_sample"]["periods"]
    assert periods[0]["start"] == "2022-07-01"
    assert periods[-1]["period"].endswith(doc["main"]["last"][:7])  # out-of-sample table reaches the newest data
    assert sum(p["n"] for p in periods) == doc["main"]["out_of_sample"]["n_test"]
    summary = (out / "summary.md").read_text()
    assert "## Verdict" in summary and "## Ranking" in summary and "2022-07..2022-12" in summary
    assert "Plotly.newPlot" in (out / "report.html").read_text()


def test_verdict_changes_with_the_numbers(fast_doc):
    doc, _ = fast_doc
    before = compare.verdict(doc)
    changed = copy.deepcopy(doc)
    rows = changed["main"]["ranking"]
    worst = max(rows, key=lambda r: r["bic"])
    worst["bic"] = min(r["bic"] for r in rows) - 50.0
    best_oos = max(rows, key=lambda r: r["oos_lpd"])
    best_oos["oos_lpd"] = min(r["oos_lpd"] for r in rows) - 1.0
    after = compare.verdict(changed)
    assert after != before
    assert after[0].startswith(f"In sample, BIC ranks {worst['hypothesis']} first with very strong evidence over the next")
    assert best_oos["hypothesis"] not in after[1].split("predicts best")[0]


def test_unavailable_hypothesis_is_reported_not_faked(monkeypatch):
    from gapstudy.hypotheses import parallelism
    from gapstudy.hypotheses.base import Unavailable

    def missing(options):
        raise Unavailable("gapstudy.costmodel.size_choice.thinning is not available yet (test)")

    monkeypatch.setattr(parallelism, "thinning_source", missing)
    doc = compare.run(config("compare.hypotheses=[H0,H1]", "compare.robustness=false", "compare.rolling=false",
                             "compare.n_sim=200", "quiet=true"))
    h1 = next(r for r in doc["main"]["ranking"] if r["hypothesis"] == "H1")
    assert h1["status"].startswith("unavailable: gapstudy.costmodel.size_choice") and h1["bic"] is None
    assert any(line.startswith("H1: unavailable") for line in compare.verdict(doc))


def test_recovery_depth_and_differences_are_in_the_results(fast_doc):
    doc, out = fast_doc
    saved = json.loads((out / "results.json").read_text())
    rec = saved["recovery"]
    assert rec["n_datasets"] == 20 and rec["fitters"] == ["H0", "H1", "M2"]
    gens = [r["generator"] for r in rec["rows"]]
    assert gens[:3] == ["H0", "H1", "M2"] and gens[3].startswith("notched trend (85% of 20B-70B removed)")
    for r in rec["rows"]:
        assert sum(r["wins"].values()) == 20 and 0 <= r["correct"] <= 1
    # the fixed 20B-70B band (H1 here) is told from the smooth trend on data cut that way
    assert rec["rows"][3]["correct"] >= 0.8 and rec["rows"][0]["correct"] >= 0.8
    dep = saved["main"]["depth_by_year"]
    assert [r["year"] for r in dep["rows"]] == list(range(2018, 2027))
    # every year from 2018 is measured on its own models, though the comparison's selection starts 2020
    assert saved["main"]["first"] >= "2020-01-01" and dep["trend"]["first"] < "2019-01-01"
    assert dep["trend"]["n"] > saved["main"]["n"] and "2018-01-01" in dep["trend_text"]
    for r in dep["rows"]:
        assert r["n"] > 0 and "ratio" in r and r["depth_lo"] <= r["depth"] <= r["depth_hi"]
        if r["too_few"]:  # said, with the count, never dropped
            assert f"{r['n']} models" in r["note"] and r["depth_lo"] <= 0 <= r["depth_hi"]
    few = [r for r in dep["rows"] if r["too_few"]]
    assert few and few[0]["year"] == 2018  # the bundled registry has 4 language models in 2018
    rows = {r["hypothesis"]: r for r in saved["main"]["ranking"]}
    best = min(rows.values(), key=lambda r: r["bic"])
    assert best["delta_bic"] == 0 and all(r["delta_bic"] == pytest.approx(r["bic"] - best["bic"]) for r in rows.values())
    summary = (out / "summary.md").read_text()
    assert "## Model recovery" in summary and "ΔBIC" in summary and "2,02" not in summary
    assert f"Too few models to measure (even an empty window would leave depth 0 inside the interval) in 2018 ({few[0]['n']} models" in summary
    assert dep["trend_text"] in summary
    html = (out / "report.html").read_text()
    assert html.count("How to read this") >= 4 and '"tickformat":"d"' in html
    assert "too few models to measure" in html and dep["trend_text"] in html


def test_robustness_variants_measure_depth_from_2018():
    cfg = config(*FAST)
    v = next(v for v in cfg.compare.variants if v.name == "dense only")
    ds, why = compare._variant_dataset(cfg, v, for_depth=True)
    assert why is None and ds.table["date"].min() < compare.pd.Timestamp("2019-01-01")
    main, _ = compare._variant_dataset(cfg, v)
    assert main.table["date"].min() >= compare.pd.Timestamp("2020-01-01")
    d = compare.depth(cfg, ds.table, compare.selection_from(cfg))
    assert {r["year"] for r in d["rows"] if r["n"] > 0} == set(range(2018, 2027))


def test_headline_and_combine_across_windows(fast_doc):
    doc, _ = fast_doc
    other = copy.deepcopy(doc)
    other["gap"] = {"lower": 3e10, "upper": 1e11}
    docs = [dict(doc, _job={"dir": "a"}), dict(other, _job={"dir": "b"})]
    hl = compare.headline(doc)
    assert hl["best BIC"] in {"H0", "H1", "M2"} and hl["gap lower"] == 2e10
    secs = compare.combine(docs)
    assert secs[0].title == "Hypotheses across the runs"
    assert len(secs[0].tables[0].rows) == 2 and "2 run(s)" in secs[0].text[0]


# timings and the run's clock: the only fields of results.json a cached run may change
RUN_CLOCK = {"started_utc", "elapsed_seconds", "fit_seconds"}


def _numbers(doc):
    if isinstance(doc, dict):
        return {k: _numbers(v) for k, v in doc.items() if k not in RUN_CLOCK}
    if isinstance(doc, list):
        return [_numbers(v) for v in doc]
    return doc


def _entries(root: Path) -> dict[str, int]:
    return {d.name: sum(1 for _ in d.rglob("*.npz")) for d in root.iterdir() if d.is_dir()}


def test_cached_run_writes_the_numbers_of_a_cold_run_and_code_edits_recompute(tmp_path, monkeypatch):
    from gapstudy import cache

    monkeypatch.setenv("GAPSTUDY_CACHE", str(tmp_path / "cache"))
    cfg = config("compare.hypotheses=[H0,M2]", "compare.recovery.n_datasets=20", "compare.n_sim=100", "quiet=true",
                 "compare.variants=[{name: dense, dense_only: true}]")
    execute(cfg, tmp_path / "cold")
    entries = _entries(tmp_path / "cache")
    # every expensive part has its entries: the variant whole, the main out-of-sample scores, each rolling origin, the recovery
    assert entries["compare.analysis"] == 1 and entries["compare.out_of_sample"] == 1 and entries["hypotheses.recovery"] == 1
    assert entries["hypotheses.rolling"] >= 3
    misses, hits = cache.STATS["misses"], cache.STATS["hits"]
    execute(cfg, tmp_path / "warm")
    assert cache.STATS["misses"] == misses and cache.STATS["hits"] > hits  # nothing recomputed
    assert _entries(tmp_path / "cache") == entries
    cold, warm = (json.loads((tmp_path / d / "results.json").read_text()) for d in ("cold", "warm"))
    assert warm["robustness"][0]["ranking"] and warm["main"]["rolling"]["scores"]
    assert _numbers(warm) == _numbers(cold)
    # an edit to the code behind the numbers (a new fingerprint) must not be served the old entries
    monkeypatch.setattr(cache, "code_fingerprint", lambda *modules: "edited")
    execute(cfg, tmp_path / "edited")
    after = _entries(tmp_path / "cache")
    for ns in ("compare.analysis", "compare.out_of_sample", "hypotheses.rolling", "hypotheses.recovery"):
        assert after[ns] == 2 * entries[ns], ns
    assert _numbers(json.loads((tmp_path / "edited" / "results.json").read_text())) == _numbers(cold)


@pytest.mark.parametrize("override, message", [
    ("compare.hypotheses=[H0,H7]", "unknown hypothesis 'H7'"),
    ("compare.cutoff=mid-2022", "not a date"),
    ("compare.gap_windows=[[7e10,2e10]]", "must be below"),
    ("compare.n_sim=10", "at least 100"),
    ("compare.hypotheses=[H0,H0]", "twice"),
])
def test_bad_settings_raise_clear_errors(override, message):
    with pytest.raises(GapstudyError, match=message):
        compare.validate(config(override))


def test_missing_snapshot_is_skipped_with_a_note(tmp_path):
    doc = compare.run(config("compare.hypotheses=[H0]", "compare.rolling=false", "compare.n_sim=200", "quiet=true",
                             f"compare.snapshot_dir={tmp_path / 'absent'}",
                             "compare.variants=[{name: gone, source: epoch, path: nothing.csv}]"))
    v = doc["robustness"][0]
    assert v["skipped"].startswith("skipped: snapshot") and "nothing.csv" in v["skipped"]
    # said in the verdict itself, not only in a table note
    assert any(line.startswith("1 of 1 robustness variants skipped: no snapshot folder") for line in compare.verdict(doc))


def test_selection_only_variant_reuses_an_epoch_main_dataset(epoch_dir):
    # a variant with no file of its own reruns the main dataset, here an Epoch file given by path
    main = epoch_dir / "notable_ml_systems_2022-09-01.csv"
    cfg = config("data=epoch", f"data.path={main}", "compare.hypotheses=[H0]", "quiet=true",
                 "compare.variants=[{name: dense, dense_only: true}]")
    ds, why = compare._variant_dataset(cfg, cfg.compare.variants[0])
    assert why is None and ds.provenance.path == str(main.resolve())
    assert not ds.table["moe"].any()


@pytest.mark.slow
def test_default_compare_on_bundled_data_and_snapshots(tmp_path, epoch_dir):
    doc = execute(config("quiet=true", f"compare.snapshot_dir={epoch_dir}"), tmp_path)
    names = [r["hypothesis"] for r in doc["main"]["ranking"]]
    assert names == ["H0", "notch", "notch-drift", "H1", "H2", "H1+H2", "M2"]
    for r in doc["main"]["ranking"]:
        assert r["status"] == "ok" or r["status"].startswith("unavailable: ")
        if r["status"] == "ok":
            assert r["bic"] is not None and r["oos_lpd"] is not None
    done = [v for v in doc["robustness"] if "ranking" in v]
    assert len(done) == len(doc["robustness"])  # every snapshot is in ../shared


def test_regenerate_rewrites_only_between_markers_and_skips_missing(tmp_path, monkeypatch):
    from gapstudy import experiments

    regen = _regenerate_module()  # the script sits in the checkout (beside tests/), not in the installed package
    monkeypatch.setattr(regen, "HERE", tmp_path)
    readme = tmp_path / "x" / "README.md"
    readme.parent.mkdir()
    readme.write_text(f"# x\nhand-written\n{regen.START}\nold findings\n{regen.END}\ntail\n")
    regen.write_findings(readme, "| a |\n|---|\n| 1 |")
    text = readme.read_text()
    assert "hand-written" in text and "tail" in text and "old findings" not in text and "| 1 |" in text
    monkeypatch.setattr(experiments, "available", lambda: [])
    assert regen.regenerate(["x"]) == 0
    assert "Not available yet" in readme.read_text() and "| 1 |" in readme.read_text()


def test_totals_line_names_the_reference_of_each_difference_column():
    # the highest log-likelihood (B, more parameters) and the lowest BIC (A) are different hypotheses: each
    # difference column must name its own reference and total, not the BIC winner's for all three
    from gapstudy.experiments.compare_report import _totals_line
    from gapstudy.hypotheses.scoring import information

    rows = {"A": {"status": "ok", **information(-100.0, 2, 50)}, "B": {"status": "ok", **information(-99.0, 5, 50)}}
    for r in rows.values():
        r.update(delta_loglik=r["loglik"] - (-99.0), delta_aic=r["aic"] - min(x["aic"] for x in rows.values()),
                 delta_bic=r["bic"] - min(x["bic"] for x in rows.values()))
    assert rows["A"]["delta_bic"] == 0 and rows["B"]["delta_loglik"] == 0 and rows["A"]["delta_aic"] == 0
    line = _totals_line({"in_sample": rows})
    assert "log-lik to the highest (B, -99.0)" in line
    assert f"AIC to the lowest (A, {rows['A']['aic']:.1f})" in line and f"BIC to the lowest (A, {rows['A']['bic']:.1f})" in line
    assert "n = 50" in line


def test_totals_line_of_a_run_matches_its_ranking(fast_doc):
    from gapstudy.experiments.compare_report import _totals_line

    doc, _ = fast_doc
    s = doc["main"]["in_sample"]
    top_ll = max(s, key=lambda n: s[n]["loglik"])
    top_bic = min(s, key=lambda n: s[n]["bic"])
    line = _totals_line(doc["main"])
    assert f"log-lik to the highest ({top_ll}, {s[top_ll]['loglik']:.1f})" in line
    assert f"BIC to the lowest ({top_bic}, {s[top_bic]['bic']:.1f})" in line


def test_depth_at_the_ratio_grids_end_is_written_as_a_bound():
    from gapstudy.experiments.compare_report import _depth_lines, depth_table
    from gapstudy.hypotheses.depth import RATIO_GRID

    top = float(RATIO_GRID[-1])
    dep = {"lower": 2e10, "upper": 7e10, "rows": [
        {"year": 2025, "n": 30, "observed": 6, "expected": 5.0, "ratio": 1.2, "depth": -0.2, "ratio_lo": 0.5, "ratio_hi": 2.0,
         "depth_lo": -1.0, "depth_hi": 0.5},
        {"year": 2026, "n": 3, "observed": 2, "expected": 0.3, "ratio": top, "depth": 1 - top, "ratio_lo": 0.3, "ratio_hi": top,
         "depth_lo": 1 - top, "depth_hi": 0.7, "note": f"upper ratio at the search limit {top:g}"}]}
    line = _depth_lines(dep, {"lower": 2e10, "upper": 7e10})[0]
    assert "2025 -0.20 [-1.00, 0.50]" in line
    assert f"2026 ≤{1 - top:.2f} [≤{1 - top:.2f}, 0.70]" in line
    rows = depth_table(dep)[1]
    assert rows[0][4:6] == ["-0.20", "-1.00 to 0.50"] and rows[1][4:6] == [f"≤{1 - top:.2f}", f"≤{1 - top:.2f} to 0.70"]


def test_a_simulated_p_of_zero_is_written_below_one_over_n_sim(fast_doc):
    from gapstudy.experiments.compare_report import _p, rank_rows, window_table

    assert _p(0.0, 2000) == "<5.00e-04" and _p(0.0195, 2000) == "0.0195" and _p(None, 2000) == "-"
    doc, _ = fast_doc
    assert all(r["n_sim"] == 300 for r in doc["main"]["ranking"])  # FAST's compare.n_sim, carried by each check
    changed = copy.deepcopy(doc)
    changed["main"]["ranking"][0]["p_low"] = 0.0
    next(iter(changed["main"]["gap_windows"][0]["checks"].values()))["p_low"] = 0.0
    row = next(r for r in rank_rows(changed["main"]["ranking"]) if r[0] == changed["main"]["ranking"][0]["hypothesis"])
    assert row[12] == "<0.00333"  # the "p low" column
    assert "(p <0.00333)" in window_table(changed)[1][0][2]


def _regenerate_module():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("regenerate", Path(__file__).resolve().parents[1] / "experiments" / "regenerate.py")
    if spec is None or not spec.loader:
        pytest.skip("experiments/regenerate.py is not beside this checkout")
    regen = importlib.util.module_from_spec(spec)
    sys.modules["regenerate"] = regen
    spec.loader.exec_module(regen)
    return regen


def test_regenerate_writes_compare_on_the_bundled_data_and_the_newest_epoch_snapshot(tmp_path, monkeypatch):
    regen = _regenerate_module()
    assert any("data=epoch_notable" in extra for _, extra in regen.ALSO_ON["compare"])
    monkeypatch.setattr(regen, "HERE", tmp_path)
    calls = []

    def fake_run(name, overrides):
        calls.append(list(overrides))
        where = "epoch" if "data=epoch_notable" in overrides else "registry"
        return f"# Comparing hypotheses\n\nData: {where}\n\n## Verdict\n\n- best on {where}\n", 1.0

    monkeypatch.setattr(regen, "run_one", fake_run)
    readme = tmp_path / "compare" / "README.md"
    readme.parent.mkdir()
    readme.write_text(f"# compare\n{regen.START}\nold findings\n{regen.END}\n")
    assert regen.regenerate(["compare"]) == 0
    assert calls == [[], ["data=epoch_notable"]]
    text = readme.read_text()
    block = text.split(regen.START)[1].split(regen.END)[0]
    assert "old findings" not in block
    assert block.index("best on registry") < block.index("### Comparing hypotheses: on the newest Epoch notable snapshot")
    assert block.index("### Comparing hypotheses: on the newest Epoch") < block.index("`python -m gapstudy experiment=compare data=epoch_notable`")
    assert "#### Verdict" in block.split("on the newest Epoch")[1] and "best on epoch" in block
    assert "\n\n\n" not in block  # one blank line between the two runs' findings

    # the second run failing keeps the previous findings whole (never a fresh half and a missing half)
    def failing(name, overrides):
        if "data=epoch_notable" in overrides:
            raise RuntimeError("no snapshot")
        return fake_run(name, overrides)

    monkeypatch.setattr(regen, "run_one", failing)
    assert regen.regenerate(["compare"]) == 1
    after = readme.read_text()
    assert "Not refreshed" in after and "best on epoch" in after and "best on registry" in after


def test_h2_counterfactual_without_gpt3_is_reported(tmp_path):
    # H2's counterfactual (GPT-3's record removed from its frontier, fitted parameters kept) per year, in results,
    # verdict, summary and report; it changes the years after GPT-3 and no year before it
    doc = execute(config("compare.hypotheses=[H0,H2]", "compare.recovery.enabled=false", "compare.robustness=false",
                         "compare.rolling=false", "compare.n_sim=100", "quiet=true"), tmp_path)
    cf = json.loads((tmp_path / "results.json").read_text())["h2_counterfactual"]
    assert cf["hypothesis"] == "H2"
    years = [r["year"] for r in cf["rows"]]
    assert years == [o["year"] for o in doc["main"]["observed_yearly"]] and sum(r["n"] for r in cf["rows"]) == doc["main"]["n"]
    for r in cf["rows"]:
        for which in ("fitted", "without_gpt3"):
            assert r[f"{which}_below"] + r[f"{which}_inside"] + r[f"{which}_above"] == pytest.approx(1.0)
    # the fitted shares are H2's own expected counts per year
    exp = {e["year"]: e["exp_inside"] for e in doc["main"]["yearly"]["H2"]}
    assert all(r["fitted_inside"] * r["n"] == pytest.approx(exp[r["year"]], rel=1e-6, abs=1e-9) for r in cf["rows"])
    assert any(abs(r["without_gpt3_above"] - r["fitted_above"]) > 0.01 for r in cf["rows"] if r["year"] in (2020, 2021))
    line = next(v for v in compare.verdict(doc) if v.startswith("H2 without GPT-3's jump"))
    assert "instead of" in line
    assert "## H2 without GPT-3's jump" in (tmp_path / "summary.md").read_text()
    assert "H2 without GPT-3&#x27;s jump" in (tmp_path / "report.html").read_text()  # a report section, its text escaped


def test_h2_counterfactual_is_absent_without_h2_and_says_why_when_h2_failed():
    from gapstudy.hypotheses.engine import Fit, Spec

    assert compare.h2_counterfactual({}, [2021.0], 10.3, 10.8) is None
    out = compare.h2_counterfactual({"H2": Fit(Spec("H2"), None, "failed: no frontier (test)")}, [2021.0], 10.3, 10.8)
    assert out == {"unavailable": "failed: no frontier (test)"}


def test_parameters_at_a_bound_are_said_in_the_verdict(fast_doc):
    doc, _ = fast_doc
    assert all("at_bounds" in s for s in doc["main"]["in_sample"].values())
    changed = copy.deepcopy(doc)
    for s in changed["main"]["in_sample"].values():
        s["at_bounds"] = []
    assert not any(v.startswith("At an end of their allowed range") for v in compare.verdict(changed))
    changed["main"]["in_sample"]["M2"]["at_bounds"] = ["weight_low at its lower bound 0.01"]
    line = next(v for v in compare.verdict(changed) if v.startswith("At an end of their allowed range"))
    assert "M2 weight_low at its lower bound 0.01" in line


def test_other_dataset_variants_run_only_beside_the_suites_own_data(tmp_path, epoch_dir):
    # a user's own file (here a copy of the registry): the Epoch snapshots say nothing about it, so the
    # variants that bring their own file are skipped with a note; selection-only variants still run
    from gapstudy.data import registry_path

    own = tmp_path / "mine.csv"
    own.write_bytes(registry_path().read_bytes())
    variants = "compare.variants=[{name: snap, source: epoch, path: notable_ml_systems_2022-09-01.csv}, {name: dense, dense_only: true}]"
    user = config("data=registry", f"data.path={own}", f"compare.snapshot_dir={epoch_dir}", variants)
    snap, dense = user.compare.variants
    assert "another dataset than your own data file" in compare._other_data_skip(user, snap)
    assert compare._other_data_skip(user, dense) is None
    forced = config("data=registry", f"data.path={own}", f"compare.snapshot_dir={epoch_dir}", variants,
                    "compare.other_data_variants=true")
    assert compare._other_data_skip(forced, forced.compare.variants[0]) is None
    # the bundled data and an Epoch snapshot from the snapshot folder keep them
    for cfg in (config(f"compare.snapshot_dir={epoch_dir}", variants),
                config("data=epoch", "data.path=notable_ai_models_2026-07-19.csv", f"data.snapshots_dir={epoch_dir}",
                       f"compare.snapshot_dir={epoch_dir}", variants)):
        assert compare._other_data_skip(cfg, cfg.compare.variants[0]) is None
    off = config(f"compare.snapshot_dir={epoch_dir}", variants, "compare.other_data_variants=false")
    assert compare._other_data_skip(off, off.compare.variants[0]).startswith("skipped: another dataset")
    # the run records the skip and the verdict says it
    doc = compare.run(config("data=registry", f"data.path={own}", f"compare.snapshot_dir={epoch_dir}", variants,
                             "compare.hypotheses=[H0]", "compare.rolling=false", "compare.n_sim=200",
                             "compare.recovery.enabled=false", "quiet=true"))
    snap_entry, dense_entry = doc["robustness"]
    assert "another dataset" in snap_entry["skipped"] and "ranking" in dense_entry
    assert any("robustness variants skipped: another dataset than your own data file" in line for line in compare.verdict(doc))


def test_robustness_verdict_counts_selection_variants_and_other_datasets_apart():
    """A variant with no file of its own reselects the same data; one with a file is other data: the verdict
    counts the two kinds apart and tags each dissenting variant with its kind."""
    from gapstudy.experiments.compare_report import _robust_lines

    def ranking(first, second):
        return [{"hypothesis": first, "bic": 1.0, "status": "ok"}, {"hypothesis": second, "bic": 2.0, "status": "ok"}]

    results = {"robustness": [
        {"name": "dense only", "path": None, "ranking": ranking("notch", "H0")},
        {"name": "notable only", "path": None, "ranking": ranking("H0", "notch")},
        {"name": "2022-09 snapshot", "path": "snap.csv", "ranking": ranking("notch", "H0")},
        {"name": "2023-06 snapshot", "path": "snap2.csv", "skipped": "skipped: no snapshot folder configured"},
    ]}
    lines = _robust_lines(results, "notch")
    assert lines[0].startswith("1 of 4 robustness variants skipped")
    assert lines[1] == ("Robustness: BIC ranks notch first in 1 of 2 selection variants of these data and 1 of 1 other "
                        "datasets; elsewhere H0 in notable only (selection).")
