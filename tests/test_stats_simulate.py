"""Rounding detection and jitter, simulated nulls and alternatives, size_and_power."""

from __future__ import annotations

import numpy as np
import pytest

from gapstudy.errors import GapstudyError
from gapstudy.stats import jitter, sample_gapped, sample_mixture, sample_null, significant_digits, size_and_power
from gapstudy.stats.rounding import decimal_unit, log10_rounding_interval


def test_significant_digits_of_parameter_counts():
    v = [7e9, 13e9, 70e9, 175e9, 6.7e9, 1.3e12, 125e6, 123456789]
    np.testing.assert_array_equal(significant_digits(v), [1, 2, 1, 3, 2, 2, 3, 9])


def test_rounding_interval_in_log10():
    lo, hi = log10_rounding_interval(np.log10([7e9, 175e9]))
    np.testing.assert_allclose(10**lo, [6.5e9, 174.5e9], rtol=1e-12)
    np.testing.assert_allclose(10**hi, [7.5e9, 175.5e9], rtol=1e-12)
    assert decimal_unit([3.6, 1.8, 3.333]) == pytest.approx(1e-3)


def test_jitter_stays_in_interval_and_breaks_ties():
    x = np.log10([7e9, 7e9, 7e9, 175e9])
    draws = jitter(x, "log10", size=200, rng=np.random.default_rng(0))
    lo, hi = log10_rounding_interval(x)
    assert np.all((draws >= lo) & (draws <= hi))
    assert np.unique(draws[:, :3]).size == 600
    assert np.all(jitter(x, 0.0, size=3, rng=np.random.default_rng(0)) == x)


def test_round_counts_makes_ties():
    x = sample_null("normal", 300, rng=np.random.default_rng(0), round_sig=1)[0]
    assert np.unique(x).size < 60
    np.testing.assert_array_equal(significant_digits(10**x), np.ones(300))


@pytest.mark.parametrize("shape", ["normal", "skewnormal", "t4"])
def test_nulls_have_requested_shape(shape):
    x = sample_null(shape, 2000, size=2, rng=np.random.default_rng(1), loc=10.0, scale=0.5)
    assert x.shape == (2, 2000)
    assert np.median(x) == pytest.approx(10.0 + (0.33 if shape == "skewnormal" else 0.0), abs=0.1)


def test_gapped_and_mixture_alternatives():
    a, b = np.log10(20e9), np.log10(70e9)
    g = sample_gapped("normal", 1000, size=2, rng=np.random.default_rng(0), loc=10.3)
    assert np.sum((g >= a) & (g <= b)) == 0
    half = sample_gapped("normal", 20_000, rng=np.random.default_rng(0), loc=10.3, depth=0.5)
    full = sample_null("normal", 20_000, rng=np.random.default_rng(0), loc=10.3)
    inside = lambda s: np.mean((s >= a) & (s <= b))  # noqa: E731
    # halving the density inside the window: share p/2 / (1 - p/2)
    p = inside(full)
    assert inside(half) == pytest.approx(p / 2 / (1 - p / 2), abs=0.01)
    m = sample_mixture(500, size=3, rng=np.random.default_rng(0))
    assert m.shape == (3, 500)


def test_size_and_power_counts_rejections():
    x = np.zeros((400, 3))
    res = size_and_power(lambda s, rng: rng.random(), x, rng=np.random.default_rng(0))
    assert res.n_rep == 400 and res.ci[0] < 0.05 < res.ci[1]
    assert res.rate == pytest.approx(np.mean(res.pvalues <= 0.05))
    vec = size_and_power(lambda s, rng: np.where(s[:, 0] > 0, 0.01, 0.5), np.r_[np.ones((3, 2)), np.zeros((1, 2))], vectorized=True)
    assert vec.rate == 0.75
    again = size_and_power(lambda s, rng: rng.random(), x, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(res.pvalues, again.pvalues)


def test_bad_input():
    with pytest.raises(GapstudyError, match="shape"):
        sample_null("cauchy", 10)
    with pytest.raises(GapstudyError, match="depth"):
        sample_gapped(depth=1.5)
    with pytest.raises(GapstudyError, match="positive"):
        significant_digits([1e9, -3.0])
    with pytest.raises(GapstudyError, match="round_sig"):
        sample_null("normal", 10, round_sig=0)
