"""Simulated log10 model sizes: unimodal nulls, gapped alternatives, and size/power of a test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import stats as sst

from gapstudy.errors import GapstudyError
from gapstudy.stats import _checks
from gapstudy.stats.rounding import round_counts

NULL_SHAPES = ("normal", "skewnormal", "t4")  # unimodal shapes the calibration needs: symmetric, skewed, heavy-tailed
# Default centre and spread in log10 parameters: the order of language models 2018-2022 (a few
# billion parameters, about one decade of spread); the calibration experiment sets its own.
LOC, SCALE = 9.5, 1.0
# Skew-normal shape for the skewed null: a = 4 gives skewness ~0.78, a clear right skew of the
# size that a long tail of very large models produces.
SKEW_SHAPE = 4.0
# Student t degrees of freedom for the heavy-tailed null: 4 (finite variance, infinite kurtosis),
# the heaviest tail for which a fitted normal's sd still means something.
T_DF = 4
# The parameter gap of Villalobos et al. (2022): 20B to 70B parameters.
GAP_LOWER, GAP_UPPER = 20e9, 70e9
# Grid for inverse-cdf sampling of gapped densities: 2**14 points over +-8 scale units (tail mass < 1e-6 for t4).
INV_GRID, INV_SPAN = 2**14, 8.0


def _base(shape: str):
    if shape == "normal":
        return sst.norm()
    if shape == "skewnormal":
        return sst.skewnorm(SKEW_SHAPE)
    if shape == "t4":
        return sst.t(T_DF)
    raise GapstudyError(f"shape must be one of {', '.join(NULL_SHAPES)}; got {shape!r}")


def _finish(x: np.ndarray, round_sig: int | None) -> np.ndarray:
    return x if round_sig is None else round_counts(x, _checks.positive_int(round_sig, name="round_sig"))


def sample_null(shape: str = "normal", n: int = 300, *, size: int = 1, rng=None, loc: float = LOC,
                scale: float = SCALE, round_sig: int | None = None) -> np.ndarray:
    """`size` unimodal samples of `n` log10 sizes (array (size, n)): loc + scale * Z with Z normal,
    skew-normal (shape 4) or Student t (4 df). round_sig=k rounds each size to k significant figures
    in linear space, as parameter counts are reported (7B, 13B, 175B), which creates ties."""
    gen = _checks.generator(rng)
    z = _base(shape).rvs(size=(size, n), random_state=gen)
    return _finish(loc + scale * z, round_sig)


def sample_gapped(shape: str = "normal", n: int = 300, *, size: int = 1, rng=None, loc: float = LOC,
                  scale: float = SCALE, lower: float = GAP_LOWER, upper: float = GAP_UPPER,
                  depth: float = 1.0, round_sig: int | None = None) -> np.ndarray:
    """Samples from a null shape whose density inside [lower, upper] (parameters) is multiplied by
    (1 - depth): depth 1 empties the window, 0 is the null. Drawn by inverse cdf on a fine grid."""
    if not 0 <= depth <= 1:
        raise GapstudyError(f"depth must be between 0 and 1; got {depth}")
    a, b = _checks.window(lower, upper)
    gen = _checks.generator(rng)
    grid = np.linspace(loc - INV_SPAN * scale, loc + INV_SPAN * scale, INV_GRID)
    pdf = _base(shape).pdf((grid - loc) / scale) * np.where((grid >= a) & (grid <= b), 1 - depth, 1.0)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * np.diff(grid))])
    keep = np.concatenate([[True], np.diff(cdf) > 0])
    x = np.interp(gen.random((size, n)) * cdf[-1], cdf[keep], grid[keep])
    return _finish(x, round_sig)


def sample_mixture(n: int = 300, *, size: int = 1, rng=None, means=(9.0, 11.3), sds=(0.6, 0.4),
                   weight: float = 0.8, round_sig: int | None = None) -> np.ndarray:
    """Two-normal alternative in log10 parameters: by default 80% around 1e9 and 20% around 2e11
    (many small models, a group above GPT-3's scale), leaving few in 20B-70B."""
    gen = _checks.generator(rng)
    first = gen.random((size, n)) < weight
    x = np.where(first, means[0] + sds[0] * gen.standard_normal((size, n)), means[1] + sds[1] * gen.standard_normal((size, n)))
    return _finish(x, round_sig)


# Unimodal shapes the calibration table does NOT use (skew-normal(2) and (8), log-gamma(2), Student t3
# and t6): finite-sample calibrations (silverman.LAMBDA_TABLE, dip.PVALUE_MAP) are fitted on them, so that
# the table's nulls (NULL_SHAPES) judge those calibrations on shapes they never saw.
OFF_TABLE_SHAPES = ("sn2", "sn8", "lg2", "t3", "t6")
# Location of the off-table samples (log10 parameters, ~10B); every test here is location-invariant.
OFF_TABLE_LOC = 10.0


def sample_off_table(shape: str, n: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """reps sorted samples of n, location OFF_TABLE_LOC, of one of OFF_TABLE_SHAPES (array (reps, n))."""
    if shape in ("sn2", "sn8"):
        z = sst.skewnorm.rvs(float(shape[2:]), size=(reps, n), random_state=rng)
    elif shape == "lg2":
        z = np.log(rng.gamma(2.0, size=(reps, n)))
    elif shape in ("t3", "t6"):
        z = rng.standard_t(int(shape[1:]), size=(reps, n))
    else:
        raise GapstudyError(f"shape must be one of {', '.join(OFF_TABLE_SHAPES)}; got {shape!r}")
    return np.sort(OFF_TABLE_LOC + z, axis=1)


@dataclass(frozen=True, eq=False)
class SizePower:
    """Rejection rate at `alpha` over replicates, with a Wilson 95% interval."""

    rate: float
    ci: tuple[float, float]
    alpha: float
    n_rep: int
    pvalues: np.ndarray


def _wilson(k: int, m: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for k successes in m trials (z = normal 97.5% quantile)."""
    p = k / m
    den = 1 + z * z / m
    mid = (p + z * z / (2 * m)) / den
    half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / den
    # at k = 0 or k = m the bound is exactly 0 or 1; rounding leaves ~1e-18 without the clip
    return (0.0 if k == 0 else float(mid - half)), (1.0 if k == m else float(mid + half))


def size_and_power(test_fn: Callable, samples, *, alpha: float = 0.05, rng=None,
                   vectorized: bool = False) -> SizePower:
    """Share of replicate samples (rows of `samples`, e.g. from sample_null or sample_gapped) on
    which `test_fn` rejects at `alpha`: the size under a null, the power under an alternative.

    test_fn(x, rng=Generator) returns a result with `.pvalue` (or a float). Each replicate gets its
    own Generator spawned from `rng`, so results do not depend on evaluation order. With
    vectorized=True, test_fn(samples, rng=Generator) is called once and returns all p-values."""
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    gen = _checks.generator(rng)
    if vectorized:
        pv = np.asarray(test_fn(samples, rng=gen), dtype=float).reshape(-1)
    else:
        children = gen.spawn(samples.shape[0])
        pv = np.empty(samples.shape[0])
        for i, (row, child) in enumerate(zip(samples, children)):
            res = test_fn(row, rng=child)
            pv[i] = float(getattr(res, "pvalue", res))
    k = int(np.count_nonzero(pv <= alpha))
    return SizePower(k / pv.size, _wilson(k, pv.size), float(alpha), int(pv.size), pv)
