"""Calibration: the vectorised machinery against the library tests, a tiny experiment run, the bundled table and lookup_size."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hydra import compose, initialize_config_module

from gapstudy import schema, stats
from gapstudy.errors import GapstudyError
from gapstudy.runner import execute
from gapstudy.stats import calibrate, critical, deficit, scan
from gapstudy.stats.mixture import _lr, skewt_lr
from gapstudy.stats.silverman import critical_bandwidth


def _cfg(*overrides):
    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        return compose(config_name="config", overrides=["experiment=calibration", "quiet=true", *overrides])


def test_binned_critical_bandwidths_match_the_exact_ones_from_above():
    rng = np.random.default_rng(0)
    for n in (30, 120):
        x = np.vstack([stats.sample_null(s, n, size=3, rng=rng, loc=10, scale=1, round_sig=r)
                       for s in ("normal", "t4") for r in (None, 2)])
        fast = critical.critical_bandwidths(x)
        exact = np.array([critical_bandwidth(r) for r in x])
        rel = fast / exact - 1
        assert np.all(rel >= 0) and np.all(rel < 3e-3), rel
        central = critical.critical_bandwidths(x[:4], calibrate.CENTRAL)
        c = calibrate.CENTRAL
        exact_c = np.array([critical_bandwidth(r, interval=tuple(np.quantile(r, [(1 - c) / 2, (1 + c) / 2]))) for r in x[:4]])
        assert np.all(np.abs(central / exact_c - 1) < 3e-3)


def test_fast_llr_equals_deficit_llr():
    n = 50
    e = np.random.default_rng(2).uniform(0.5, 30, size=(7, 200))
    counts = np.random.default_rng(3).integers(0, n + 1, size=(7, 200))
    want = scan.deficit_llr(counts, e, n).max(axis=1)
    assert np.allclose(scan.max_llr(counts, e, n), want, rtol=1e-12, atol=1e-12)


def test_rejection_limit_matches_the_p_value():
    assert calibrate.rejection_limit(0.05, 199) == 10  # reject iff <= 9 of 199 reach: (1 + 9) / 200 = 0.05
    assert calibrate.rejection_limit(0.05, 999) == 50


def test_randomised_limit_gives_exact_size_between_two_inner_counts():
    """alpha (1 + B) = 1.5 with B = 19: a uniform p-value (exact inner null) is rejected with
    probability alpha = 0.075 (rounding the limit would give 0.05, the always-reject/never-reject
    extremes 1 and 0); an integer alpha (1 + B) needs no draw and gives alpha."""
    reps, b = 40_000, 19
    gen = np.random.default_rng(3)
    u = gen.random(reps)  # the observed statistics' upper-tail probabilities under an exact null

    def exceed(idx, size):
        return (gen.random((idx.size, size)) < u[idx, None]).sum(axis=1)

    rate = calibrate._sequential(reps, exceed, 0.075, b, np.random.default_rng(4)).mean()
    assert abs(rate - 0.075) < 4 * np.sqrt(0.075 * 0.925 / reps)
    rate = calibrate._sequential(reps, exceed, 0.10, b).mean()
    assert abs(rate - 0.10) < 4 * np.sqrt(0.1 * 0.9 / reps)
    with pytest.raises(GapstudyError, match="tie_rng"):
        calibrate._sequential(reps, exceed, 0.075, b)


def test_mixture_lr_is_affine_invariant():
    x = np.random.default_rng(4).standard_normal((5, 40))
    assert np.allclose(_lr(x)[0], _lr(3.0 + 0.2 * x)[0], rtol=1e-6, atol=1e-6)
    assert np.allclose(skewt_lr(x)[0], skewt_lr(3.0 + 0.2 * x)[0], rtol=1e-6, atol=1e-6)
    assert np.allclose(skewt_lr(x)[0], skewt_lr(3.0 - 0.2 * x)[0], rtol=1e-6, atol=1e-6)  # and under reflection


def test_decisions_agree_with_the_library_where_the_p_value_is_clear():
    rng = np.random.default_rng(5)
    x = np.sort(np.vstack([stats.sample_gapped("normal", 80, size=6, rng=rng, loc=10, scale=1),
                           stats.sample_null("normal", 80, size=6, rng=rng, loc=10, scale=1)]), axis=1)
    dec = calibrate.deficit_rejects(x, alpha=0.05, rng=np.random.default_rng(6), lower=20e9, upper=70e9, n_boot=999)
    lib = np.array([stats.deficit_test(r, 20e9, 70e9, n_sim=1999, rng=np.random.default_rng(7)).pvalue for r in x])
    clear = (lib < 0.025) | (lib > 0.09)
    assert clear.sum() >= 8 and np.array_equal(dec[clear], lib[clear] <= 0.05)
    dec = calibrate.scan_rejects(x, alpha=0.05, rng=np.random.default_rng(8), points=60, n_boot=199)
    lib = np.array([stats.gap_scan(r, points=60, n_sim=499, rng=np.random.default_rng(9)).pvalue for r in x])
    clear = (lib < 0.02) | (lib > 0.12)
    assert clear.sum() >= 6 and np.array_equal(dec[clear], lib[clear] <= 0.05)
    dec = calibrate.dip_rejects(x, alpha=0.05, rng=np.random.default_rng(11), n_boot=999)
    lib = np.array([stats.dip_test(r, n_boot=1999, jitter=None, rng=np.random.default_rng(12)).pvalue for r in x])
    clear = (lib < 0.02) | (lib > 0.12)
    assert clear.sum() >= 6 and np.array_equal(dec[clear], lib[clear] <= 0.05)


def test_mixture_decisions_agree_with_the_library_where_the_p_value_is_clear():
    rng = np.random.default_rng(21)
    x = np.sort(np.vstack([stats.sample_mixture(80, size=5, rng=rng), stats.sample_null("normal", 80, size=7, rng=rng, loc=10, scale=1)]),
                axis=1)
    dec = calibrate.mixture_rejects(x, alpha=0.05, rng=np.random.default_rng(22), n_boot=199)
    lib = np.array([stats.mixture_test(r, n_boot=399, jitter=None, rng=np.random.default_rng(23)).pvalue for r in x])
    clear = (lib < 0.02) | (lib > 0.12)
    assert clear.sum() >= 6 and np.array_equal(dec[clear], lib[clear] <= 0.05)
    assert dec[:5].all()  # the two-group samples
    dec = calibrate.mixture_hv_rejects(x, alpha=0.05, rng=np.random.default_rng(22), n_boot=199)
    lib = np.array([stats.mixture_test(r, method="bimodality", n_boot=399, jitter=None, rng=np.random.default_rng(23)).pvalue
                    for r in x])
    clear = (lib < 0.02) | (lib > 0.12)
    assert clear.sum() >= 6 and np.array_equal(dec[clear], lib[clear] <= 0.05)
    warp = calibrate.mixture_hv_rejects(x, alpha=0.05, rng=np.random.default_rng(24), warp=True)
    assert not warp[lib == 1].any()  # a unimodal best fit never rejects, in either estimate


def test_mixture_warp_speed_size_is_two_sided_near_alpha():
    """The warp-speed estimate the grid uses for the mixture test, on 600 normal samples of 60:
    near 0.05 (measured 2026-12-06 against the full Monte Carlo test, see the calibration README);
    a test that never (or always) rejects fails."""
    x = stats.sample_null("normal", 60, size=600, rng=np.random.default_rng(31), loc=10, scale=1)
    rate = calibrate.mixture_rejects(x, alpha=0.05, rng=np.random.default_rng(32), warp=True).mean()
    assert 0.02 <= rate <= 0.09


def test_calibration_refuses_a_data_option():
    from gapstudy.experiments import calibration

    with pytest.raises(GapstudyError, match="reads no data file"):
        calibration.validate(_cfg("data=epoch", "data.path=whatever.csv"))


def test_tiny_experiment_runs_is_deterministic_and_exports_a_table(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSTUDY_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "table.json"
    over = ["calibration.replicates=60", "calibration.sizes=[30,60]", "calibration.shapes=[normal]",
            "calibration.alternatives=[gapped_1.0]", f"calibration.export={out}", "calibration.workers=1"]
    doc = execute(_cfg(*over), tmp_path / "a")
    cells = doc["cells"]
    assert len(cells) == len(calibrate.DEFAULT_TESTS) * 3 * 2  # tests x (normal, normal rounded, gapped) x 2 sizes
    assert all(0 <= c["rate"] <= 1 and c["ci"][0] <= c["rate"] <= c["ci"][1] and c["replicates"] == 60 for c in cells)
    power = {c["test"]: c["rate"] for c in cells if c["kind"] == "alternative" and c["n"] == 60}
    assert power["deficit"] > 0.8  # an empty 20B-70B window at n = 60 is found
    summary = (tmp_path / "a" / "summary.md").read_text()
    assert "## Size under unimodal nulls" in summary and "## Power under gapped alternatives" in summary
    assert "report.html" in {p.name for p in (tmp_path / "a").iterdir()}
    table = json.loads(out.read_text())
    assert table["provenance"]["gapstudy"] and table["provenance"]["calibration"]["replicates"] == 60
    monkeypatch.setenv("GAPSTUDY_CACHE", "off")  # same seed, recomputed: same numbers
    again = execute(_cfg(*over[:-2], "calibration.workers=2"), tmp_path / "b")
    assert [c["rejections"] for c in again["cells"]] == [c["rejections"] for c in cells]
    hit = calibrate.lookup_size("dip", 45, "normal", True, table=table)
    assert hit.n_table == 60 and hit.covered and hit.replicates == 60  # log(45) is nearer log(60) than log(30)
    assert not calibrate.lookup_size("scan", 200, "normal", False, table=table).covered  # beyond 60 * sqrt(2)
    with pytest.raises(GapstudyError, match="no sizes"):
        calibrate.lookup_size("dip", 45, "t4", False, table=table)


@pytest.mark.parametrize("override, words", [
    ("calibration.replicates=5", "too few"),
    ("calibration.inner_boot=200", "whole number"),
    ("calibration.shapes=[cauchy]", "unknown shape"),
    ("calibration.tests=[magic]", "must be a non-empty list"),
    ("calibration.sizes=[3]", "sample sizes"),
])
def test_bad_settings_are_one_clear_error(override, words):
    from gapstudy.experiments import calibration

    with pytest.raises(GapstudyError, match=words):
        calibration.validate(_cfg(override))


def test_bundled_table_covers_every_test_null_and_size():
    table = calibrate.load_table()
    prov = table["provenance"]
    assert prov["calibration"]["replicates"] >= 300 and prov["gapstudy"] and prov["date"]
    keys = {(r["test"], r["shape"], r["rounded"], r["n"]) for r in table["sizes"]}
    for test in calibrate.TESTS:
        for shape in ("normal", "skewnormal", "t4"):
            for rounded in (False, True):
                for n in (30, 60, 120, 300):
                    assert (test, shape, rounded, n) in keys
    assert all(r["replicates"] >= 300 and r["ci"][0] <= r["size"] <= r["ci"][1] for r in table["sizes"])
    assert {r["test"] for r in table["power"]} == set(calibrate.TESTS)
    hit = calibrate.lookup_size("deficit", 49, "normal", True)
    assert hit.n_table == 60 and hit.covered


def test_silverman_rejects_refuses_an_unknown_lambda_rule():
    xs = np.sort(np.random.default_rng(0).normal(size=(3, 40)), axis=1)
    with pytest.raises(GapstudyError, match="lam must be"):
        calibrate.silverman_rejects(xs, alpha=0.05, rng=np.random.default_rng(1), lam="hall_york")


def test_sorted_sampling_and_shared_bandwidths_change_no_draw_or_decision():
    # the calibration density's sample_sorted is np.sort of sample on the same generator state, bit for bit
    from gapstudy.stats.excess_mass import calibration_density
    x = stats.sample_null("t4", 120, size=1, rng=np.random.default_rng(4), loc=10.0, round_sig=2)[0]
    x = x + np.random.default_rng(5).uniform(-1e-3, 1e-3, x.size)
    dens = calibration_density(x, 1, binned=True)
    a = np.sort(dens.sample((40, x.size), np.random.default_rng(6)), axis=1)
    assert np.array_equal(dens.sample_sorted((40, x.size), np.random.default_rng(6)), a)
    # whole-line Silverman on the cell's shared critical bandwidths decides as on its own
    xs = calibrate.jittered(stats.sample_null("normal", 60, size=40, rng=np.random.default_rng(7), loc=10.0, round_sig=2),
                            np.random.default_rng(8))
    own = calibrate.silverman_rejects(xs, alpha=0.2, rng=np.random.default_rng(9), central=None, lam="hall-york")
    shared = calibrate.Densities(xs)
    via = calibrate.silverman_rejects(xs, alpha=0.2, rng=np.random.default_rng(9), central=None, lam="hall-york",
                                      densities=shared)
    assert np.array_equal(own, via) and 0 < own.sum() < own.size
    assert np.array_equal(shared.h_crit(), critical.critical_bandwidths(xs))
