"""gap_tests through the CLI: Epoch snapshots, measured sizes from the calibration table, bad input, a sweep."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

# Small Monte Carlo settings and one threshold-map cell keep each run to a few seconds.
FAST = ["gap_tests.n_boot=99", "gap_tests.n_sim=199", "gap_tests.map_n_sim=99", "gap_tests.map_lowers=[20e9]",
        "gap_tests.map_uppers=[70e9]"]
TESTS = ("dip", "silverman", "excess_mass", "mixture", "deficit", "scan")


def _run(args, cwd, env_cache):
    env = {"GAPSTUDY_CACHE": str(env_cache), "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-m", "gapstudy", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


def _direct_counts(path, lower=20e9, upper=70e9):
    """Language models with a size published 2020-2022, counted straight from the CSV."""
    df = pd.read_csv(path, low_memory=False)
    date = pd.to_datetime(df["Publication date"], errors="coerce")
    lang = df["Domain"].fillna("").str.split(",").map(lambda ds: any(d.strip().lower() == "language" for d in ds))
    p = pd.to_numeric(df["Parameters"], errors="coerce")
    keep = lang & p.notna() & (p > 0) & (date >= "2020-01-01") & (date <= "2022-12-31")
    p = p[keep].to_numpy(float)
    return int((p < lower).sum()), int(((p >= lower) & (p <= upper)).sum()), int((p > upper).sum())


@pytest.mark.parametrize("snapshot, expected", [
    ("notable_ml_systems_2022-09-01.csv", (29, 4, 16)),  # the paper's snapshot
    ("all_ai_models_2026-03-30.csv", None),  # checked against a direct count of the CSV
])
def test_epoch_snapshot_counts_and_every_test_with_its_size(snapshot, expected, epoch_dir, tmp_path):
    path = epoch_dir / snapshot
    out = tmp_path / "run"
    res = _run(["experiment=gap_tests", "data=epoch", f"data.path={path}", "-q", f"hydra.run.dir={out}", *FAST],
               tmp_path, tmp_path / "cache")
    assert res.returncode == 0, res.stderr[-2000:]
    doc = json.loads((out / "results.json").read_text())
    c = doc["counts"]
    got = (c["below"], c["inside"], c["above"])
    assert got == (expected or _direct_counts(path))
    if expected is None:
        assert c["n"] == sum(got)
    for name in TESTS:
        t = doc["tests"][name]
        assert 0 < t["pvalue"] <= 1 and np.isfinite(t["statistic"])
        assert 0 <= t["size"] <= 1 and t["size_ci"][0] <= t["size"] <= t["size_ci"][1]
        assert t["size_source"].startswith("calibration table")  # n = 49 and 289 are covered by the table
        assert t["size_flag"] == (t["size"] > 0.075)
    summary = (out / "summary.md").read_text()
    assert "size from" in summary and "calibration table" in summary


def test_size_source_simulate_still_works(epoch_dir, tmp_path):
    out = tmp_path / "run"
    res = _run(["experiment=gap_tests", "data=epoch", f"data.path={epoch_dir / 'notable_ml_systems_2022-09-01.csv'}", "-q",
                f"hydra.run.dir={out}", *FAST, "gap_tests.size_source=simulate", "gap_tests.size_replicates=20",
                "gap_tests.tests=[dip,deficit]"], tmp_path, tmp_path / "cache")
    assert res.returncode == 0, res.stderr[-2000:]
    doc = json.loads((out / "results.json").read_text())
    assert doc["tests"]["deficit"]["size_source"].startswith("simulated here at n=49")


@pytest.mark.parametrize("overrides, words", [
    (["select.start=2022-07-01", "select.end=2022-07-10"], ["has ", "models", "at least"]),
    (["gap.lower=70e9", "gap.upper=20e9"], ["gap.lower", "below gap.upper"]),
    (["gap.lower=1", "gap.upper=10"], ["outside the range"]),
    (["gap.lower=20e9", "gap.upper=1e20"], ["outside the range"]),
    (["gap_tests.size_flag=1.5"], ["size_flag"]),
    (["gap_tests.size_source=guess"], ["size_source"]),
])
def test_bad_input_is_one_line_and_exit_2(overrides, words, tmp_path):
    res = _run(["experiment=gap_tests", "-q", f"hydra.run.dir={tmp_path / 'run'}", *FAST, *overrides], tmp_path, tmp_path / "cache")
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert all(w in lines[0] for w in words), lines[0]


def test_too_few_models_says_how_many(tmp_path):
    res = _run(["experiment=gap_tests", "-q", f"hydra.run.dir={tmp_path / 'run'}", *FAST,
                "select.start=2022-07-01", "select.end=2022-07-10"], tmp_path, tmp_path / "cache")
    line = res.stderr.strip()
    import re

    m = re.search(r"has (\d+) models; the tests need at least (\d+)", line)
    assert res.returncode == 2 and m and int(m.group(1)) < int(m.group(2)), line


def test_threshold_sweep_writes_one_combined_report(tmp_path):
    sweep = tmp_path / "sweep"
    res = _run(["-m", "experiment=gap_tests", "gap.lower=10e9,20e9", "gap.upper=50e9,70e9", "-q", f"hydra.sweep.dir={sweep}",
                *FAST, "gap_tests.tests=[dip,deficit,scan]"], tmp_path, tmp_path / "cache")
    assert res.returncode == 0, res.stderr[-2000:]
    doc = json.loads((sweep / "results.json").read_text())
    assert len(doc["jobs"]) == 4 and not doc["failed"]
    assert {(r["lower"], r["upper"]) for r in doc["jobs"]} == {(a, b) for a in (10e9, 20e9) for b in (50e9, 70e9)}
    assert (sweep / "report.html").is_file() and (sweep / "summary.md").is_file()
    assert "Gap thresholds across the sweep" in (sweep / "report.html").read_text()


def test_mixture_detail_names_the_fitted_family_and_writes_noise_shapes_as_zero():
    from gapstudy.experiments.gap_tests_report import _detail

    base = {"bimodal": True, "loglik2": -132.74, "loglik_skewt": -136.35}
    text = _detail("mixture", {**base, "params_skewt": [10.0, 1.0, -1.13e-14, None]})
    assert "shape 0, df infinite: a normal" in text and "e-14" not in text
    assert "a skew-normal" in _detail("mixture", {**base, "params_skewt": [10.0, 1.0, 2.5, None]})
    assert "shape 2.5, df 4: a skew-t" in _detail("mixture", {**base, "params_skewt": [10.0, 1.0, 2.5, 4.0]})
    assert "a Student t" in _detail("mixture", {**base, "params_skewt": [10.0, 1.0, 0.0, 4.0]})
