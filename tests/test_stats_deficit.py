"""Window deficit test and the all-window gap scan: expected counts, refitted bootstrap, two-sided size, planted gaps, errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sst

from gapstudy.errors import GapstudyError
from gapstudy.stats import deficit_test, fit_null, gap_scan, sample_gapped, sample_null
from gapstudy.stats import calibrate
from gapstudy.stats.deficit import midp, window_stats
from gapstudy.stats.scan import _kde_cdf_own_grid, _grids, deficit_llr, scan_stats

LO, HI = 20e9, 70e9


@pytest.fixture(scope="module")
def smooth():
    return sample_null("normal", 400, rng=np.random.default_rng(1), loc=10.0)[0]


@pytest.mark.parametrize("null", ["normal", "skewnormal", "kde"])
def test_expected_count_is_null_mass_times_n(smooth, null):
    res = deficit_test(smooth, LO, HI, null=null, n_sim=199, rng=np.random.default_rng(0))
    a, b = np.log10(LO), np.log10(HI)
    p = res.null.params
    if null == "normal":
        mass = sst.norm.cdf(b, p["mean"], p["sd"]) - sst.norm.cdf(a, p["mean"], p["sd"])
        assert p["mean"] == pytest.approx(smooth.mean()) and p["sd"] == pytest.approx(smooth.std(ddof=1))
    elif null == "skewnormal":
        dist = sst.skewnorm(p["shape"], p["loc"], p["scale"])
        mass = dist.cdf(b) - dist.cdf(a)
        # method of moments: the fitted skew-normal has the sample's mean, sd and skewness
        assert dist.mean() == pytest.approx(smooth.mean()) and dist.std() == pytest.approx(smooth.std(ddof=1))
        assert dist.stats(moments="s") == pytest.approx(sst.skew(smooth), abs=1e-9)
    else:
        mass = np.mean(sst.norm.cdf(b, smooth, p["bandwidth"]) - sst.norm.cdf(a, smooth, p["bandwidth"]))
        assert p["bandwidth"] == pytest.approx(1.144 * smooth.std(ddof=1) * smooth.size ** -0.2)
    assert res.expected == pytest.approx(smooth.size * mass, rel=1e-10)
    assert res.observed == np.sum((smooth >= a) & (smooth <= b))
    assert res.statistic == pytest.approx(res.observed / res.expected)
    assert res.midp == pytest.approx(float(midp(res.observed, smooth.size, mass)))


def test_midp_is_the_binomial_mid_p():
    assert float(midp(3, 20, 0.3)) == pytest.approx(sst.binom.cdf(2, 20, 0.3) + 0.5 * sst.binom.pmf(3, 20, 0.3))
    assert float(midp(0, 20, 0.3)) == pytest.approx(0.5 * 0.7**20)


def test_pvalue_is_the_rank_of_the_observed_midp_among_refitted_replicates(smooth):
    res = deficit_test(smooth, LO, HI, n_sim=999, rng=np.random.default_rng(3))
    assert res.pvalue == pytest.approx((1 + np.sum(res.null_distribution <= res.midp + 1e-12)) / 1000)
    # the replicates were refitted: their mid-p values spread over (0, 1), not a point mass
    assert 0.1 < np.std(res.null_distribution) < 0.5
    # an emptied window is as extreme as it gets
    empty = smooth[(smooth < np.log10(LO)) | (smooth > np.log10(HI))]
    assert deficit_test(empty, LO, HI, n_sim=999, rng=np.random.default_rng(0)).pvalue <= 0.005


def test_results_unpack_like_scipy(smooth):
    d = deficit_test(smooth, LO, HI, n_sim=99, rng=np.random.default_rng(0))
    stat, p = d
    assert (stat, p) == (d.statistic, d.pvalue) and type(stat) is float and type(p) is float
    s = gap_scan(smooth, n_sim=49, rng=np.random.default_rng(0))
    stat, p = s
    assert (stat, p) == (s.statistic, s.pvalue) and type(stat) is float and type(p) is float


def test_same_seed_same_result(smooth):
    r1 = deficit_test(smooth, LO, HI, n_sim=300, rng=np.random.default_rng(5))
    r2 = deficit_test(smooth, LO, HI, n_sim=300, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(r1.null_distribution, r2.null_distribution)
    s1 = gap_scan(smooth, n_sim=100, rng=np.random.default_rng(5))
    s2 = gap_scan(smooth, n_sim=100, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(s1.null_distribution, s2.null_distribution)


def test_scan_finds_a_planted_gap():
    x = sample_gapped("normal", 500, rng=np.random.default_rng(2), loc=10.3, scale=1.0)[0]
    res = gap_scan(x, n_sim=199, rng=np.random.default_rng(3))
    a, b = res.best_window_log10
    assert res.windows.shape[0] >= 1000
    assert res.pvalue <= 0.01
    assert res.best_observed <= 2
    overlap = min(b, np.log10(HI)) - max(a, np.log10(LO))
    assert overlap > 0.7 * (np.log10(HI) - np.log10(LO))


def test_scan_window_counts_and_statistic(smooth):
    res = gap_scan(smooth, n_sim=50, rng=np.random.default_rng(0), null="normal")
    i = 123
    a, b = res.windows[i]
    assert res.observed[i] == np.sum((smooth >= a) & (smooth <= b))
    cdf = fit_null(smooth, "normal").cdf(np.array([a, b]))
    assert res.expected[i] == pytest.approx(smooth.size * (cdf[1] - cdf[0]))
    assert res.llr[i] == pytest.approx(float(deficit_llr(res.observed[i], res.expected[i], smooth.size)))
    assert res.statistic == pytest.approx(res.llr.max())
    assert deficit_llr(10, 5.0, 100) == 0.0
    q, p = 2 / 100, 10 / 100
    assert deficit_llr(2, 10.0, 100) == pytest.approx(100 * (q * np.log(q / p) + (1 - q) * np.log((1 - q) / (1 - p))))


def test_binned_replicate_path_equals_exact_counting_and_cdf():
    """The bincount path for replicates gives the exact window counts, and the binned KDE cdf on a
    sample's own grid is within 1e-3 of the exact one."""
    xs = sample_null("t4", 200, size=12, rng=np.random.default_rng(0), loc=10.0)
    fast = scan_stats(xs, "kde", 40, None)[0]
    exact = scan_stats(xs, "kde", 40, None, exact=True)[0]
    np.testing.assert_allclose(fast, exact, rtol=1e-12)
    g = _grids(xs, 40)
    h = np.array([fit_null(r, "kde").params["bandwidth"] for r in xs])
    want = np.array([fit_null(r, "kde").cdf(gr) for r, gr in zip(xs, g)])
    np.testing.assert_allclose(_kde_cdf_own_grid(xs, h, g), want, atol=1e-3)


def _size(fn, shape, n, reps, seed):
    xs = sample_null(shape, n, size=reps, rng=np.random.default_rng(seed), loc=10.0)
    return np.mean(fn(np.sort(xs, axis=1), np.random.default_rng(seed + 1)))


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["normal", "skewnormal"])
def test_deficit_and_scan_sizes_are_two_sided_near_alpha(shape):
    """400 replicates at n = 120 (Wilson interval about +-0.022): the refitted tests reject a true
    unimodal null between 1.5% and 9.5% of the time; an always-p=1 test (0%) or the old plug-in
    tests (0.0-0.5%) fail this."""
    reps = 400
    d = _size(lambda xs, rng: calibrate.deficit_rejects(xs, alpha=0.05, rng=rng, lower=LO, upper=HI, n_boot=99), shape, 120, reps, 10)
    s = _size(lambda xs, rng: calibrate.scan_rejects(xs, alpha=0.05, rng=rng, points=40, n_boot=99), shape, 120, reps, 20)
    print(f"{shape}: deficit size {d:.3f}, scan size {s:.3f}")
    assert 0.015 <= d <= 0.095
    assert 0.015 <= s <= 0.095


def test_a_plugin_binomial_deficit_test_would_fail_the_size_check():
    """Why the bootstrap refits: comparing the count with Binomial(n, p_hat) of a null fitted to the
    same data rejects far less than 5% (the fitted expectation tracks the count)."""
    xs = sample_null("normal", 120, size=400, rng=np.random.default_rng(3), loc=10.0)
    u, obs, exp, _ = window_stats(xs, np.log10(LO), np.log10(HI), "kde")
    plug_in = sst.binom.cdf(obs, 120, exp / 120)
    assert np.mean(plug_in <= 0.05) < 0.015


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda x: deficit_test(x, 70e9, 20e9), "lower must be below upper"),
        (lambda x: deficit_test(x, 20e9, 20e9), "lower must be below upper"),
        (lambda x: deficit_test(x, -1, 20e9), "> 0"),
        (lambda x: deficit_test(x, np.nan, 20e9), "finite"),
        (lambda x: deficit_test(x, 10.3, 10.85), "log10"),  # log10 bounds passed by mistake
        (lambda x: deficit_test(x, 1e15, 1e16), "outside the data"),
        (lambda x: deficit_test(10**x, 20e9, 70e9), "raw counts"),
        (lambda x: deficit_test(x[:5], 20e9, 70e9), "5 point"),
        (lambda x: deficit_test(x, 20e9, 70e9, null="lognormal"), "null"),
        (lambda x: deficit_test(np.r_[x, np.inf], 20e9, 70e9), "non-finite"),
        (lambda x: deficit_test(x, 20e9, 70e9, rng=-1), "negative seed"),
        (lambda x: deficit_test(x, 20e9, 70e9, rng=True), "rng must be"),
        (lambda x: gap_scan(x, grid=[10.0, 9.0, 11.0]), "increasing"),
        (lambda x: gap_scan(x, grid=np.linspace(12, 14, 20)), "inside the data range"),
        (lambda x: gap_scan(x, n_sim=0), "n_sim"),
        (lambda x: gap_scan(x, rng=True), "rng must be"),
    ],
)
def test_bad_input(smooth, call, match):
    with pytest.raises(GapstudyError, match=match):
        call(smooth)


def test_scan_jitter_removes_false_gaps_between_round_sizes():
    from gapstudy.stats import round_counts

    x = round_counts(sample_null("normal", 300, rng=np.random.default_rng(6), loc=10.0)[0], 1)
    raw = gap_scan(x, jitter=None, n_sim=199, rng=np.random.default_rng(0))
    jit = gap_scan(x, jitter="log10", n_sim=199, rng=np.random.default_rng(0))
    assert raw.pvalue <= 0.01  # empty stretches between 1e10, 2e10, 3e10 ... look like gaps
    assert jit.pvalue > 0.05 and jit.jitter == "log10"
    d = deficit_test(x, LO, HI, jitter="log10", n_sim=199, rng=np.random.default_rng(0))
    assert d.observed == int(d.observed) and 0 < d.observed < x.size  # one draw: a whole count


def test_bootstrap_generator_is_smoother_than_the_fit_equivariant_and_robust():
    """The KDE null's bootstrap draws come from a wider KDE than the fitted rule (so a replicate
    does not inherit the sample's own deficit), scaled with the data, and a far outlier hardly
    widens it (robust scale); the parametric nulls draw from their fitted parameters."""
    from gapstudy.stats.deficit import GENERATOR_SMOOTHING, generator_params
    from gapstudy.stats.nulls import fit_rows

    x = np.sort(sample_null("normal", 200, size=3, rng=np.random.default_rng(30), loc=10.0), axis=1)
    fit = fit_rows("kde", x)["bandwidth"]
    gen = generator_params(x, "kde", fit_rows("kde", x))["bandwidth"]
    assert np.all(gen > 1.2 * fit) and np.all(gen < 1.05 * GENERATOR_SMOOTHING * fit)
    np.testing.assert_allclose(generator_params(3.0 * x + 1.0, "kde", {})["bandwidth"], 3.0 * gen, rtol=1e-12)
    wild = np.concatenate([x, np.full((3, 1), 30.0)], axis=1)
    assert np.all(generator_params(wild, "kde", {})["bandwidth"] < 1.05 * gen)  # the sd alone would grow ~5x
    p = fit_rows("normal", x)
    assert generator_params(x, "normal", p) is p
