"""Deficit test: fewer sizes in a log10 window than a smooth unimodal null predicts? (parametric bootstrap of the whole procedure)"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import bdtr

from gapstudy.stats import _checks
from gapstudy.stats._result import Unpacks
from gapstudy.stats.bandwidths import robust_spread
from gapstudy.stats.nulls import NULL_KINDS, TERRELL_OS, FittedNull, cdf_rows, fit_null, fit_rows, sample_rows
from gapstudy.stats.rounding import jitter_once

# Fewest points: a fitted null and a window count mean little below 10 sizes.
MIN_N = 10
# Bootstrap replicates: 9,999 gives a p-value s.e. <= 0.0022 near p = 0.05, and (1 + B) x 0.05 is whole.
DEFAULT_N_SIM = 9_999
# Bootstrap replicates refitted per chunk (memory ~ chunk x n doubles, a few MB).
CHUNK = 2000
# The KDE null's bootstrap draws come from a smoother world than the fitted rule: bandwidth
# 1.5 x Terrell's constant x a robust scale, min(sd, IQR / 1.349) (Silverman 1986, eq. 3.30).
# Drawing from the fitted KDE itself keeps part of the sample's own deficit in every replicate,
# so the replicates' mid-p track the observed one and the test is conservative (sizes 0.019-0.068
# over the 24 calibration nulls, 1,000 replicates each); the robust scale keeps heavy tails from
# widening it. 1.5 and the robust scale were chosen by simulation among {1, 1.5, 2} x {sd, robust}
# on those nulls (2026-12, sizes 0.030-0.071 at 1,000 replicates); checked on nulls and windows not
# used to choose them (beta(2, 2), gamma(2), Laplace; windows below, at and above the mode): see
# experiments/calibration/README.md.
GENERATOR_SMOOTHING = 1.5
# Interquartile range of the standard normal, 2 x 0.6745 (the robust scale's divisor above).
NORMAL_IQR = 1.349


def generator_params(xs: np.ndarray, kind: str, params: dict) -> dict:
    """Parameters of the null each row's bootstrap samples are drawn from: the fitted ones for the
    parametric nulls; for "kde", the smoother KDE of GENERATOR_SMOOTHING (sampled by the variance-
    rescaled smoothed bootstrap, so its variance is still the sample's)."""
    if kind != "kde":
        return params
    scale = robust_spread(xs, iqr_normal=NORMAL_IQR)
    return {"bandwidth": GENERATOR_SMOOTHING * TERRELL_OS * scale * xs.shape[-1] ** (-0.2)}


def midp(observed, n: int, p) -> np.ndarray:
    """Lower mid-p of a count: P(Bin(n, p) < observed) + P(Bin(n, p) = observed) / 2 (small = a deficit).
    It softens the discreteness of small counts (Lancaster 1961)."""
    o = np.asarray(observed, dtype=float)
    p = np.clip(p, 0.0, 1.0)
    below = np.where(o > 0, bdtr(np.maximum(o - 1, 0), n, p), 0.0)
    return 0.5 * (below + bdtr(o, n, p))


def window_stats(xs: np.ndarray, a: float, b: float, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """For every row of xs (..., n): mid-p of its window count against its own fitted null, the
    count (bounds inclusive), the fitted expected count, and the fitted parameters."""
    n = xs.shape[-1]
    params = fit_rows(kind, xs)
    cdf = cdf_rows(kind, params, xs, np.broadcast_to(np.array([a, b]), (*xs.shape[:-1], 2)))
    mass = np.clip(cdf[..., 1] - cdf[..., 0], 0.0, 1.0)
    obs = np.count_nonzero((xs >= a) & (xs <= b), axis=-1)
    return midp(obs, n, mass), obs, n * mass, params


def bootstrap_midp(xs: np.ndarray, params: dict, a: float, b: float, kind: str, size: int,
                   rng: np.random.Generator) -> np.ndarray:
    """(R, size) mid-p statistics of `size` parametric-bootstrap samples from each row's null
    (rows of xs (R, n); `params` the fitted parameters, from which generator_params derives the
    null the samples are drawn from), each refitted with the same rule."""
    draws = sample_rows(kind, generator_params(xs, kind, params), xs, size, rng)
    return window_stats(draws, a, b, kind)[0]


@dataclass(frozen=True, eq=False)
class DeficitResult(Unpacks):
    """`statistic` = observed / expected count in the window (plain float); `pvalue` from the
    parametric bootstrap of the mid-p (see deficit_test). Unpacks as (statistic, pvalue)."""

    statistic: float
    pvalue: float
    midp: float  # the mid-p of the observed count under the fitted null (what the bootstrap ranks)
    observed: float  # window count (of the tie-broken sample when jittered)
    expected: float
    window_log10: tuple[float, float]
    null: FittedNull
    n_sim: int
    jitter: str
    null_distribution: np.ndarray  # mid-p of every bootstrap replicate


def deficit_test(x, lower, upper, *, null: str | FittedNull = "kde", n_sim: int = DEFAULT_N_SIM, jitter=None,
                 rng=None) -> DeficitResult:
    """One-sided test that the window [lower, upper] (parameter counts, e.g. 20e9 and 70e9; both
    bounds inclusive) holds fewer models than a smooth unimodal null predicts.

    x : log10(parameters). The null (fit_null: "kde" = Gaussian KDE at Terrell's oversmoothed
    bandwidth; "normal"; "skewnormal") is fitted to all of x, window included, and the expected
    count is n * P_null(window). Because the fitted expectation tracks the observed count, the count
    is not compared with a fixed Binomial(n, p_hat): the whole procedure is bootstrapped (Stute,
    Gonzalez-Manteiga & Presedo-Quindimil 1993): `n_sim` samples of n are drawn from the null (the
    fitted one; for "kde" a smoother KDE that does not keep the sample's own deficit, see
    GENERATOR_SMOOTHING),
    the null is refitted to each by the same rule, and each gets the mid-p of its own window count
    under its own fit; p = (1 + #{midp* <= midp}) / (1 + n_sim). All replicates are fitted as arrays.
    A window chosen after looking at the data needs the look-elsewhere correction of gap_scan.
    null may also be a FittedNull from fit_null(x, kind) (its kind is the rule refitted).
    jitter : ties at round sizes (a model of exactly 20B sits on the bound) are broken by ONE uniform
    draw of each value within its rounding interval before anything else (a randomised test):
    "log10" (x are log10 of counts written with few significant figures, as model sizes are),
    "auto" (the recording unit of x when it has ties), "decimal", a half-width, or None (default)."""
    x = _checks.sample(x, need=MIN_N)
    _checks.log10_params(x)
    a, b = _checks.window(lower, upper)
    _checks.window_in_data(x, a, b)
    n_sim = _checks.positive_int(n_sim, name="n_sim")
    gen = _checks.generator(rng)
    kind = null.kind if isinstance(null, FittedNull) else _checks.choice(null, name="null", allowed=NULL_KINDS)
    xj, label = jitter_once(x, jitter, gen)
    u, obs, expected, params = window_stats(xj[None, :], a, b, kind)
    fitted = null if isinstance(null, FittedNull) and label == "none" else fit_null(xj, kind)
    boot = np.concatenate([bootstrap_midp(xj[None, :], params, a, b, kind, min(CHUNK, n_sim - s), gen)[0]
                           for s in range(0, n_sim, CHUNK)])
    p = (1.0 + np.count_nonzero(boot <= u[0] + 1e-12)) / (1.0 + n_sim)
    e = float(expected[0])
    return DeficitResult(
        statistic=float(obs[0] / e) if e > 0 else float("inf"), pvalue=float(p), midp=float(u[0]),
        observed=float(obs[0]), expected=e, window_log10=(a, b), null=fitted, n_sim=n_sim, jitter=label,
        null_distribution=boot,
    )
