"""Deficit test: fewer sizes in a log10 window than a smooth unimodal null predicts?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapstudy.stats import _checks
from gapstudy.stats.nulls import FittedNull, fit_null
from gapstudy.stats.rounding import jitter_draws

# Fewest points: a fitted null and a window count mean little below 10 sizes.
MIN_N = 10
# Monte Carlo draws: 10,000 gives a p-value s.e. <= 0.0022 near p = 0.05.
DEFAULT_N_SIM = 10_000
# Jitter draws averaged when breaking ties (as in dip_test): Monte Carlo s.e. = sd(draws)/sqrt(50).
DEFAULT_N_JITTER = 50


@dataclass(frozen=True, eq=False)
class DeficitResult:
    """`statistic` = observed / expected count in the window; `pvalue` = P(ratio* <= ratio) with +1."""

    statistic: float
    pvalue: float
    observed: float  # window count; the mean over jitter draws when jittered
    expected: float
    window_log10: tuple[float, float]
    null: FittedNull
    n_sim: int
    null_distribution: np.ndarray


def deficit_test(x, lower, upper, *, null: str | FittedNull = "kde", n_sim: int = DEFAULT_N_SIM, jitter="log10",
                 n_jitter: int = DEFAULT_N_JITTER, rng=None) -> DeficitResult:
    """One-sided test that the window [lower, upper] (parameter counts, e.g. 20e9 and 70e9; both
    bounds inclusive) holds fewer models than a smooth unimodal null predicts.

    x : log10(parameters). The null (see gapstudy.stats.nulls.fit_null: "kde" = oversmoothed,
    certainly unimodal KDE; "normal"; "skewnormal") is fitted to all of x once. Expected count
    = n * P_null([log10 lower, log10 upper]); statistic = observed / expected. Monte Carlo: the
    window count of n points drawn from the fitted null is Binomial(n, P_null(window)), drawn
    directly for `n_sim` samples; p = (1 + #{count* <= observed}) / (1 + n_sim). The null's
    parameters are not refitted per draw (their uncertainty is not propagated; the calibration
    experiment measures the resulting size). A window chosen after looking at the data needs the
    look-elsewhere correction of gap_scan.
    jitter, n_jitter: ties at round sizes (a model of exactly 20B or 70B sits on the bound) are
    broken as in dip_test: the window count and its p-value are averaged over `n_jitter` copies of
    x with each value drawn uniformly from its rounding interval (None: count x as given).
    null may also be a FittedNull already fitted to this x (fit_null(x, kind)), so that many
    windows on one sample share one fit (gap_tests' threshold map)."""
    x = _checks.sample(x, need=MIN_N)
    _checks.log10_params(x)
    a, b = _checks.window(lower, upper)
    n_sim = _checks.positive_int(n_sim, name="n_sim")
    gen = _checks.generator(rng)
    fitted = null if isinstance(null, FittedNull) else fit_null(x, null)
    mass = fitted.mass(a, b)
    expected = x.size * mass
    sims = gen.binomial(x.size, mass, size=n_sim)
    draws = jitter_draws(x, jitter, n_jitter, gen)
    counts = np.count_nonzero((draws >= a) & (draws <= b), axis=1)
    sims_sorted = np.sort(sims)
    p = float(np.mean((1.0 + np.searchsorted(sims_sorted, counts, side="right")) / (1.0 + n_sim)))
    observed = float(counts.mean())
    ratio = observed / expected if expected > 0 else np.inf
    return DeficitResult(
        statistic=float(ratio), pvalue=float(p), observed=observed, expected=float(expected),
        window_log10=(a, b), null=fitted, n_sim=n_sim,
        null_distribution=sims / expected if expected > 0 else sims.astype(float),
    )
