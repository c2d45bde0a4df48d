"""The gap over time: counts agree with gap_counts, the ratio is ~1 on smooth data (interval covers 1),
and an emptied window is found (the test is two-sided: size and power)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gapstudy.experiments.common import gap_counts
from gapstudy.growth.gap_history import gap_history


def smooth_world(rng, n=400, hollow=None):
    """Log sizes ~ Normal(9 + 0.4 (t - 2018), 0.8) over 2018-2025; optionally remove a share of the
    models inside 20B-70B in 2021 (a real gap)."""
    t = rng.uniform(2018, 2026, n)
    y = rng.normal(9 + 0.4 * (t - 2018), 0.8)
    p = 10 ** y
    keep = np.ones(n, bool)
    if hollow is not None:
        inside = (p >= 20e9) & (p <= 70e9) & (np.floor(t) == 2021)
        keep &= ~(inside & (rng.random(n) < hollow))
    dates = pd.to_datetime("2018-01-01") + pd.to_timedelta((t - 2018) * 365.25, unit="D")
    return pd.DataFrame({"date": dates.floor("D"), "parameters": p})[keep]


def test_counts_and_ties():
    df = pd.DataFrame({"date": pd.to_datetime(["2022-01-01"] * 6 + ["2023-05-01"] * 5),
                       "parameters": [1e9, 20e9, 20e9, 35e9, 70e9, 2e11, 7e9, 13e9, 70e9, 70e9, 1.8e11]})
    rows = {r.year: r for r in gap_history(df, 20e9, 70e9, years=[2022, 2023], n_boot=50, rng=np.random.default_rng(0))}
    for year, r in rows.items():
        c = gap_counts(df.loc[df["date"].dt.year == year, "parameters"].to_numpy(), 20e9, 70e9)
        assert (r.n, r.below, r.inside, r.strictly_inside, r.above) == (c["n"], c["below"], c["inside"], c["strictly_inside"], c["above"])
    assert (rows[2022].at_lower, rows[2022].at_upper) == (2, 1)
    assert (rows[2023].at_lower, rows[2023].at_upper) == (0, 2)
    empty = gap_history(df, 20e9, 70e9, years=[2019], n_boot=10, rng=np.random.default_rng(0))[0]
    assert empty.n == 0 and empty.verdict == "too few models" and np.isnan(empty.ratio)


@pytest.mark.slow
def test_size_and_power_on_simulated_worlds():
    """Smooth world: the 2021 interval covers 1 in about 95% of worlds; a window 80% emptied in 2021
    is called a deficit in most worlds."""
    rng = np.random.default_rng(20260719)
    covers, found = [], []
    for _ in range(60):
        r = gap_history(smooth_world(rng), 20e9, 70e9, years=[2021], n_boot=300, rng=rng)[0]
        covers.append(r.ratio_ci[0] <= 1 <= r.ratio_ci[1])
        h = gap_history(smooth_world(rng, hollow=0.8), 20e9, 70e9, years=[2021], n_boot=300, rng=rng)[0]
        found.append(h.verdict == "deficit")
    assert 0.85 <= np.mean(covers) <= 1.0, np.mean(covers)
    assert np.mean(found) >= 0.6, np.mean(found)


def test_smooth_world_ratio_near_one():
    rng = np.random.default_rng(7)
    rows = gap_history(smooth_world(rng, n=2000), 20e9, 70e9, years=range(2019, 2025), n_boot=100, rng=rng)
    ratios = np.array([r.ratio for r in rows])
    assert np.all(np.abs(ratios - 1) < 0.35), ratios
    assert np.all([r.ratio_ci[0] < r.ratio < r.ratio_ci[1] for r in rows])


def test_empty_window_with_tiny_expectation_is_not_a_deficit():
    # every model far below the window: expecting ~0 inside and seeing 0 is what the trend says
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"date": pd.to_datetime("2019-01-01") + pd.to_timedelta(rng.integers(0, 365, 50), unit="D"),
                       "parameters": 10 ** rng.normal(8, 0.3, 50)})
    r = gap_history(df, 20e9, 70e9, years=[2019], n_boot=200, rng=rng)[0]
    assert r.inside == 0 and r.ratio_ci[0] == 0.0 and r.verdict == "as the trend"


def test_gap_tests_on_the_extract_reports_each_year_through_2026(tmp_path):
    """The issue's 'done when': gap_tests data=epoch_notable, offline (no ../shared, no GAPSTUDY_SHARED),
    per-year counts and deficit ratios through 2026, in results, summary and report."""
    import json
    import subprocess
    import sys

    out = tmp_path / "run"
    env = {"GAPSTUDY_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    fast = ["gap_tests.n_boot=99", "gap_tests.n_sim=199", "gap_tests.map_n_sim=99", "gap_tests.map_lowers=[20e9]",
            "gap_tests.map_uppers=[70e9]"]
    res = subprocess.run([sys.executable, "-m", "gapstudy", "experiment=gap_tests", "data=epoch_notable", "-q",
                          f"hydra.run.dir={out}", *fast], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    doc = json.loads((out / "results.json").read_text())
    hist = {r["year"]: r for r in doc["gap_history"]}
    assert sorted(hist) == list(range(2018, 2027))
    assert hist[2026]["n"] >= 15 and hist[2025]["n"] >= 40
    for r in hist.values():
        assert r["n"] == r["below"] + r["inside"] + r["above"]
        if r["verdict"] != "too few models":
            assert r["ratio_ci"][0] <= r["ratio"] <= r["ratio_ci"][1]
    assert doc["data"]["layout"] == "epoch-notable-extract"
    assert "Did the gap fill?" in (out / "summary.md").read_text()
    html = (out / "report.html").read_text()
    assert "Did the gap fill?" in html and "How to read this" in html


def test_figure_writes_years_as_years():
    # the shared year axis (the bottom panel's, which the top one matches) is formatted as integers, one tick per year
    from gapstudy.growth.gap_history import as_records
    from gapstudy.report.gap_history import figure

    rng = np.random.default_rng(5)
    records = as_records(gap_history(smooth_world(rng, n=300), 20e9, 70e9, years=range(2019, 2025), n_boot=50, rng=rng))
    fig = figure(records, 20e9, 70e9)
    bottom = fig.layout.xaxis2
    assert bottom.tickformat == "d" and bottom.dtick == 1
    assert fig.layout.xaxis.matches == "x2"  # the top panel shares those ticks
