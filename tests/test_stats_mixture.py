"""Mixture test: likelihoods and BIC against a hand computation, EM stationarity, the unimodal fit, calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sst

from gapstudy.errors import GapstudyError
from gapstudy.stats import calibrate, mixture_test, sample_null, size_and_power, skewt
from gapstudy.stats.mixture import VAR_FLOOR_FRAC, bimodality_lr, fit_two, fit_unimodal, is_bimodal, mixture_loglik

TOY = np.array([8.1, 8.4, 8.5, 8.9, 9.0, 9.2, 10.8, 11.0, 11.1, 11.3, 11.6, 11.9])


def test_loglik_and_bic_match_hand_computation():
    res = mixture_test(TOY, method="bimodality", n_boot=20, rng=np.random.default_rng(0))
    n = TOY.size
    mean, sd = TOY.mean(), TOY.std()  # MLE (ddof=0)
    ll1 = np.sum(sst.norm.logpdf(TOY, mean, sd))
    assert res.params1 == pytest.approx((mean, sd))
    assert res.loglik1 == pytest.approx(ll1, rel=1e-12)
    assert res.bic1 == pytest.approx(-2 * ll1 + 2 * np.log(n), rel=1e-12)
    w, m1, s1, m2, s2 = res.params2
    ll2 = np.sum(np.log(w * sst.norm.pdf(TOY, m1, s1) + (1 - w) * sst.norm.pdf(TOY, m2, s2)))
    assert res.loglik2 == pytest.approx(ll2, rel=1e-9)
    assert res.bic2 == pytest.approx(-2 * ll2 + 5 * np.log(n), rel=1e-9)
    # the bimodality LR is measured against the best unimodal two-normal fit
    assert res.bimodal and not is_bimodal(np.array(res.params_unimodal))[0]
    assert res.loglik_unimodal == pytest.approx(mixture_loglik(TOY, res.params_unimodal), rel=1e-9)
    assert ll1 - 1e-6 <= res.loglik_unimodal < ll2
    assert res.statistic == pytest.approx(2 * (ll2 - res.loglik_unimodal), rel=1e-9)
    two_vs_one = mixture_test(TOY, method="normal", n_boot=20, rng=np.random.default_rng(0))
    assert two_vs_one.statistic == pytest.approx(2 * (ll2 - ll1), rel=1e-9)
    # the two groups are found: 6 points around 8.7 and 6 around 11.3
    assert w == pytest.approx(0.5, abs=1e-3)
    assert m1 == pytest.approx(TOY[:6].mean(), abs=1e-3) and m2 == pytest.approx(TOY[6:].mean(), abs=1e-3)
    assert res.bic2 < res.bic1
    # the default: two normals against the skew-t fit, whose log-likelihood is its density's
    default = mixture_test(TOY, n_boot=20, rng=np.random.default_rng(0))
    xi, omega, alpha, nu = default.params_skewt
    assert default.loglik_skewt == pytest.approx(skewt.logpdf(TOY, xi, omega, alpha, nu).sum(), rel=1e-9)
    assert default.statistic == pytest.approx(2 * (ll2 - default.loglik_skewt), rel=1e-9)
    assert default.pvalue <= 0.1  # two clear groups of 6


def test_fit_is_an_em_fixed_point():
    res = mixture_test(TOY, n_boot=10, rng=np.random.default_rng(0))
    w, m1, s1, m2, s2 = res.params2
    a = w * sst.norm.pdf(TOY, m1, s1)
    b = (1 - w) * sst.norm.pdf(TOY, m2, s2)
    g = a / (a + b)
    floor = VAR_FLOOR_FRAC * TOY.var()
    assert g.mean() == pytest.approx(w, abs=1e-5)
    assert np.sum(g * TOY) / g.sum() == pytest.approx(m1, abs=1e-5)
    assert max(np.sum(g * (TOY - m1) ** 2) / g.sum(), floor) == pytest.approx(s1**2, abs=1e-5)
    assert mixture_loglik(TOY, res.params2) == pytest.approx(res.loglik2)


def test_variance_floor_keeps_ties_finite():
    x = np.array([9.0] * 8 + [9.5, 10.0, 10.2, 10.9, 11.0, 11.4])
    res = mixture_test(x, n_boot=10, jitter=None, rng=np.random.default_rng(0))
    assert np.isfinite(res.loglik2)
    assert min(res.params2[2], res.params2[4]) ** 2 >= VAR_FLOOR_FRAC * x.var() * (1 - 1e-9)


def _equal_variance_boundary(w: float) -> float:
    """Separation (in sd) above which w N(0, 1) + (1 - w) N(sep, 1) is bimodal: with d = sep / 2,
    2 ln(d - sqrt(d^2 - 1)) + 2 d sqrt(d^2 - 1) = |ln(w / (1 - w))| (Behboodian 1970,
    Technometrics 12:131-139); 2 for equal weights."""
    from scipy.optimize import brentq

    target = abs(np.log(w / (1 - w)))
    if target == 0:
        return 2.0
    g = lambda d: 2 * np.log(d - np.sqrt(d * d - 1)) + 2 * d * np.sqrt(d * d - 1) - target  # noqa: E731
    return 2 * brentq(g, 1 + 1e-12, 10.0)


@pytest.mark.parametrize("w", [0.5, 0.3, 0.1])
def test_is_bimodal_matches_the_known_boundary(w):
    seps = np.linspace(0.5, 6.0, 5501)  # steps of 0.001
    p = np.stack([np.full_like(seps, w), np.zeros_like(seps), np.ones_like(seps), seps, np.ones_like(seps)], axis=1)
    flags = is_bimodal(p)
    first = seps[np.argmax(flags)]
    assert flags.any() and np.all(flags[seps > first])  # one switch, from unimodal to bimodal
    assert first == pytest.approx(_equal_variance_boundary(w), abs=0.003)


def test_unimodal_fit_is_unimodal_and_close_to_the_data():
    rng = np.random.default_rng(12)
    x = np.vstack([rng.standard_normal((20, 80)), np.r_[rng.normal(-2, 0.6, 40), rng.normal(2, 0.6, 40)][None, :]])
    params, ll, _ = fit_two(x)
    up, ull = fit_unimodal(x, params, ll)
    assert not is_bimodal(up).any()
    assert np.all(ull <= ll + 1e-9)
    same = ~is_bimodal(params)
    np.testing.assert_array_equal(up[same], params[same])  # a unimodal best fit is its own unimodal fit
    one = np.array([np.sum(sst.norm.logpdf(r, r.mean(), r.std())) for r in x])
    assert np.all(ull >= one - 1e-3)  # a single normal is a unimodal two-normal mixture
    lr = bimodality_lr(x)[0]
    assert lr[-1] > 50 and np.all(lr[same] == 0)
    assert np.allclose(bimodality_lr(3.0 + 0.2 * x)[0], lr, rtol=1e-6, atol=1e-6)  # affine invariant


@pytest.mark.parametrize("method", ["skewt", "bimodality"])
def test_rejects_faithful_and_is_reproducible(reference_dir, method):
    x = pd.read_csv(reference_dir / "faithful_eruptions.csv")["x"].to_numpy()
    r1 = mixture_test(x, method=method, n_boot=100, rng=np.random.default_rng(4))
    r2 = mixture_test(x, method=method, n_boot=100, rng=np.random.default_rng(4))
    assert r1.pvalue == pytest.approx(1 / 101)
    np.testing.assert_array_equal(r1.null_distribution, r2.null_distribution)
    assert r1.params2[1] == pytest.approx(2.02, abs=0.05) and r1.params2[3] == pytest.approx(4.27, abs=0.05)


@pytest.mark.slow
def test_size_on_normal_data():
    """Two-sided size checks (200 replicates each): with the "normal" method the parametric
    bootstrap is exact for normal data; the default bimodality test measured 0.03-0.05 on normal
    samples of 60-120 (bundled calibration table), so a test that never rejects fails here too."""
    x = sample_null("normal", 100, size=200, rng=np.random.default_rng(8))
    exact = size_and_power(lambda s, rng: mixture_test(s, method="normal", n_boot=99, rng=rng), x, rng=np.random.default_rng(9))
    hv = size_and_power(lambda s, rng: mixture_test(s, method="bimodality", n_boot=99, rng=rng), x, rng=np.random.default_rng(10))
    # the default as the calibration grid runs it (sequential Monte Carlo test: mixture_test's decision at n_boot=99)
    default = float(calibrate.mixture_rejects(x, alpha=0.05, rng=np.random.default_rng(11), n_boot=99).mean())
    print(f"mixture size on normal data: normal method {exact.rate:.3f}, bimodality {hv.rate:.3f}, skewt {default:.3f}")
    assert 0.015 <= exact.rate <= 0.10
    assert 0.01 <= hv.rate <= 0.10
    assert 0.015 <= default <= 0.10


def test_default_does_not_take_skewed_or_heavy_tailed_data_for_two_groups():
    """The two-vs-one LR against a normal rejects skew-normal samples of 300 almost always (it
    tests normality), and against the data-like calibration density it rejects t4 samples often
    (lighter tails than the data); the bimodality test and the skew-t default do neither."""
    x = sample_null("skewnormal", 300, size=12, rng=np.random.default_rng(3))
    normal = np.mean([mixture_test(r, method="normal", n_boot=49, rng=np.random.default_rng(i)).pvalue <= 0.05 for i, r in enumerate(x)])
    default = np.mean([mixture_test(r, n_boot=49, rng=np.random.default_rng(i)).pvalue <= 0.05 for i, r in enumerate(x)])
    assert normal >= 0.75 and default <= 0.25
    t4 = sample_null("t4", 300, size=40, rng=np.random.default_rng(5))
    calibrated = np.mean([mixture_test(r, method="calibrated", n_boot=49, rng=np.random.default_rng(i)).pvalue <= 0.05 for i, r in enumerate(t4)])
    default = np.mean([mixture_test(r, n_boot=49, rng=np.random.default_rng(i)).pvalue <= 0.05 for i, r in enumerate(t4)])
    hv = np.mean([mixture_test(r, method="bimodality", n_boot=49, rng=np.random.default_rng(i)).pvalue <= 0.05 for i, r in enumerate(t4)])
    assert calibrated >= 0.2 and default <= 0.15 and hv <= 0.1


def test_results_unpack_like_scipy():
    stat, p = mixture_test(TOY, n_boot=20, rng=np.random.default_rng(0))
    assert type(stat) is float and type(p) is float


@pytest.mark.parametrize(
    "x, kw, match",
    [
        (np.arange(5.0), {}, "5 point"),
        (np.r_[np.arange(12.0), np.nan], {}, "non-finite"),
        (np.ones(12), {}, "distinct"),
        (np.arange(12.0), {"n_boot": -1}, "n_boot"),
        (np.arange(12.0), {"method": "skewnormal"}, "method"),
        (np.arange(12.0), {"rng": True}, "rng must be"),
    ],
)
def test_bad_input(x, kw, match):
    with pytest.raises(GapstudyError, match=match):
        mixture_test(x, **kw)
