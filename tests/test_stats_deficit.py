"""Window deficit test and the all-window gap scan: expected counts, p-values, planted gaps, errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sst

from gapstudy.errors import GapstudyError
from gapstudy.stats import deficit_test, fit_null, gap_scan, sample_gapped, sample_null, size_and_power
from gapstudy.stats.scan import deficit_llr

LO, HI = 20e9, 70e9


@pytest.fixture(scope="module")
def smooth():
    return sample_null("normal", 400, rng=np.random.default_rng(1), loc=10.0)[0]


@pytest.mark.parametrize("null", ["normal", "skewnormal", "kde"])
def test_expected_count_is_null_mass_times_n(smooth, null):
    res = deficit_test(smooth, LO, HI, null=null, n_sim=2000, rng=np.random.default_rng(0))
    a, b = np.log10(LO), np.log10(HI)
    p = res.null.params
    if null == "normal":
        mass = sst.norm.cdf(b, p["mean"], p["sd"]) - sst.norm.cdf(a, p["mean"], p["sd"])
        assert p["mean"] == pytest.approx(smooth.mean()) and p["sd"] == pytest.approx(smooth.std(ddof=1))
    elif null == "skewnormal":
        dist = sst.skewnorm(p["shape"], p["loc"], p["scale"])
        mass = dist.cdf(b) - dist.cdf(a)
    else:
        mass = np.mean(sst.norm.cdf(b, smooth, p["bandwidth"]) - sst.norm.cdf(a, smooth, p["bandwidth"]))
        assert p["bandwidth"] >= p["h_os"] and p["bandwidth"] >= p["h_crit"]
    assert res.expected == pytest.approx(smooth.size * mass, rel=1e-10)
    assert res.observed == np.sum((smooth >= a) & (smooth <= b))
    assert res.statistic == pytest.approx(res.observed / res.expected)


def test_pvalue_has_plus_one_correction_and_matches_binomial(smooth):
    res = deficit_test(smooth, LO, HI, null="normal", n_sim=20_000, rng=np.random.default_rng(3))
    sims = res.null_distribution * res.expected
    assert res.pvalue == pytest.approx((1 + np.sum(np.round(sims) <= res.observed)) / 20_001)
    exact = sst.binom.cdf(res.observed, smooth.size, res.expected / smooth.size)
    assert res.pvalue == pytest.approx(exact, abs=0.01)
    # an emptied window is as extreme as possible: p = 1 / (n_sim + 1)
    empty = smooth[(smooth < np.log10(LO)) | (smooth > np.log10(HI))]
    assert deficit_test(empty, LO, HI, null="normal", n_sim=999, rng=np.random.default_rng(0)).pvalue == pytest.approx(1e-3)


def test_same_seed_same_result(smooth):
    r1 = deficit_test(smooth, LO, HI, n_sim=500, rng=np.random.default_rng(5))
    r2 = deficit_test(smooth, LO, HI, n_sim=500, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(r1.null_distribution, r2.null_distribution)
    s1 = gap_scan(smooth, n_sim=300, rng=np.random.default_rng(5))
    s2 = gap_scan(smooth, n_sim=300, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(s1.null_distribution, s2.null_distribution)


def test_scan_finds_a_planted_gap():
    x = sample_gapped("normal", 500, rng=np.random.default_rng(2), loc=10.3, scale=1.0)[0]
    res = gap_scan(x, n_sim=2000, rng=np.random.default_rng(3))
    a, b = res.best_window_log10
    assert res.windows.shape[0] >= 1000
    assert res.pvalue < 0.01
    assert res.best_observed <= 2
    # the best window overlaps most of the planted window [10.30, 10.85]
    overlap = min(b, np.log10(HI)) - max(a, np.log10(LO))
    assert overlap > 0.7 * (np.log10(HI) - np.log10(LO))


def test_scan_window_counts_and_statistic(smooth):
    res = gap_scan(smooth, n_sim=200, rng=np.random.default_rng(0), null="normal")
    i = 123
    a, b = res.windows[i]
    assert res.observed[i] == np.sum((smooth >= a) & (smooth <= b))
    cdf = fit_null(smooth, "normal").cdf(np.array([a, b]))
    assert res.expected[i] == pytest.approx(smooth.size * (cdf[1] - cdf[0]))
    assert res.llr[i] == pytest.approx(float(deficit_llr(res.observed[i], res.expected[i], smooth.size)))
    assert res.statistic == pytest.approx(res.llr.max())
    # the LLR: zero without a deficit, binomial likelihood ratio with one
    assert deficit_llr(10, 5.0, 100) == 0.0
    q, p = 2 / 100, 10 / 100
    assert deficit_llr(2, 10.0, 100) == pytest.approx(100 * (q * np.log(q / p) + (1 - q) * np.log((1 - q) / (1 - p))))


def test_scan_null_replicates_are_consistent_with_direct_counting():
    """The binned, cumulative-count path gives the same window counts as counting directly."""
    from gapstudy.stats.scan import _cumulative_counts

    rng = np.random.default_rng(0)
    sims = rng.normal(size=(7, 50))
    grid = np.linspace(-2, 2, 21)
    for uniform in (True, False):
        cum = _cumulative_counts(sims, grid, uniform)
        direct = (sims[:, :, None] <= grid[None, None, :]).sum(axis=1)
        np.testing.assert_array_equal(cum, direct)


def test_scan_and_deficit_size_on_unimodal_data():
    """Under a smooth null, the look-elsewhere-corrected scan rejects at most ~5% (200 replicates)."""
    x = sample_null("normal", 300, size=200, rng=np.random.default_rng(4), loc=10.0)
    scan = size_and_power(lambda s, rng: gap_scan(s, n_sim=500, null="normal", rng=rng), x, rng=np.random.default_rng(1))
    dfc = size_and_power(lambda s, rng: deficit_test(s, LO, HI, null="normal", n_sim=2000, rng=rng), x, rng=np.random.default_rng(2))
    print(f"size: gap_scan {scan.rate:.3f}, deficit_test {dfc.rate:.3f}")
    assert scan.rate <= 0.10
    assert dfc.rate <= 0.10


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda x: deficit_test(x, 70e9, 20e9), "lower must be below upper"),
        (lambda x: deficit_test(x, 20e9, 20e9), "lower must be below upper"),
        (lambda x: deficit_test(x, -1, 20e9), "> 0"),
        (lambda x: deficit_test(x, np.nan, 20e9), "finite"),
        (lambda x: deficit_test(10**x, 20e9, 70e9), "raw counts"),
        (lambda x: deficit_test(x[:5], 20e9, 70e9), "5 point"),
        (lambda x: deficit_test(x, 20e9, 70e9, null="lognormal"), "null"),
        (lambda x: deficit_test(np.r_[x, np.inf], 20e9, 70e9), "non-finite"),
        (lambda x: gap_scan(x, grid=[10.0, 9.0, 11.0]), "increasing"),
        (lambda x: gap_scan(x, n_sim=0), "n_sim"),
    ],
)
def test_bad_input(smooth, call, match):
    with pytest.raises(GapstudyError, match=match):
        call(smooth)


def test_scan_jitter_removes_false_gaps_between_round_sizes():
    from gapstudy.stats import round_counts

    x = round_counts(sample_null("normal", 300, rng=np.random.default_rng(6), loc=10.0)[0], 1)
    raw = gap_scan(x, jitter=None, n_sim=500, rng=np.random.default_rng(0))
    jit = gap_scan(x, n_jitter=20, n_sim=500, rng=np.random.default_rng(0))
    assert raw.pvalue < 0.01  # empty stretches between 1e10, 2e10, 3e10 ... look like gaps
    assert jit.pvalue > 0.05
    # deficit_test averages the window count over draws
    d = deficit_test(x, LO, HI, n_jitter=20, n_sim=500, rng=np.random.default_rng(0))
    assert 0 < d.observed < x.size
