"""The deficit band of the parallelism-cost hypothesis: where it comes from and how it thins a density."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np

from gapstudy import cache
from gapstudy.errors import GapstudyError
from gapstudy.hypotheses.base import Unavailable

# Deepest thinning allowed: a band with depth 1 gives an observed model inside it log density
# -inf; 1 - 1e-6 keeps every score finite while being indistinguishable from an empty band.
MAX_DEPTH = 1.0 - 1e-6
BAND_CODE = ("gapstudy.costmodel", "gapstudy.hypotheses.band")  # the code a cost-model band depends on (cache key)

BandFn = Callable[[int], "tuple[float, float] | None"]  # year -> (lower, upper) parameter counts, or None


def costmodel_band_fn(assumptions: dict | None = None) -> BandFn:
    """gapstudy.costmodel.predicted_band(year, **assumptions) as a band function, or Unavailable."""
    try:
        from gapstudy.costmodel import predicted_band  # provided by the cost-model work
    except ImportError as exc:
        raise Unavailable(f"gapstudy.costmodel.predicted_band is not available yet ({exc})") from None
    kwargs = dict(assumptions or {})

    @lru_cache(maxsize=None)
    def band(year: int):
        # the cost model's sweep behind one year's band takes ~0.3 s and is only memoised in-process:
        # kept on disk, keyed by the cost model's source so an edit to it recomputes the band
        # (assumptions that are not JSON-like, e.g. a hardware object, are computed without the cache)
        key = {"year": int(year), "assumptions": kwargs, "code": cache.code_fingerprint(*BAND_CODE)}
        try:
            cache.key_of("hypotheses.band", key)
        except TypeError:
            return predicted_band(int(year), **kwargs)
        b = cache.cached("hypotheses.band", key, lambda: _band_value(predicted_band(int(year), **kwargs)))
        return None if b is None else (float(b[0]), float(b[1]))

    return band


def _band_value(b):
    """A band as plain floats (what the cache stores), or None."""
    return None if b is None else [float(b[0]), float(b[1])]


def fixed_band_fn(lower: float, upper: float, start_year: int | None = None) -> BandFn:
    """A band of fixed parameter counts (from start_year on); for tests and what-if runs."""
    if not 0 < lower < upper:
        raise GapstudyError(f"band {lower:g}..{upper:g} must satisfy 0 < lower < upper; give parameter counts")

    def band(year: int):
        return None if start_year is not None and year < start_year else (lower, upper)

    return band


def band_arrays(band: BandFn, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log10 band edges for each date (NaN where the band function gives no band that year)."""
    t = np.asarray(t, float)
    years = np.floor(t).astype(int)
    lo = np.full(t.shape, np.nan)
    hi = np.full(t.shape, np.nan)
    for year in np.unique(years):
        b = band(int(year))
        if b is None:
            continue
        a, c = float(b[0]), float(b[1])
        if not (np.isfinite(a) and np.isfinite(c) and 0 < a <= c):
            raise GapstudyError(f"the band for {year} is {b}; a band must be two parameter counts 0 < lower <= upper")
        if a == c:  # a single size: zero width, removes no probability
            continue
        m = years == year
        lo[m], hi[m] = np.log10(a), np.log10(c)
    return lo, hi


def band_table(band: BandFn, years) -> list[dict]:
    """The band per year, for the report."""
    out = []
    for year in years:
        b = band(int(year))
        out.append({"year": int(year), "lower": None if b is None else float(b[0]), "upper": None if b is None else float(b[1])})
    return out


class Thinning:
    """Density f(y|t) (1 - d 1[y in band(t)]) / (1 - d P_f(band | t)) for a base given by callables."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray):
        self.lo, self.hi = lo, hi
        self.has = np.isfinite(lo)

    def p_band(self, base_cdf, t):
        p = np.zeros(self.lo.shape)
        if self.has.any():
            h = self.has
            p[h] = np.clip(base_cdf(self.hi[h], t[h]) - base_cdf(self.lo[h], t[h]), 0.0, 1.0)
        return p

    def logpdf(self, base_logpdf_y, y, d, p_band):
        inside = self.has & (y >= np.where(self.has, self.lo, np.inf)) & (y <= np.where(self.has, self.hi, -np.inf))
        with np.errstate(divide="ignore"):
            return base_logpdf_y + np.log1p(-d * inside) - np.log1p(-d * p_band)

    def cdf(self, base_cdf, y, t, d, p_band):
        f = base_cdf(y, t)
        removed = np.zeros(y.shape)
        h = self.has
        if h.any():
            yc = np.clip(y[h], self.lo[h], self.hi[h])
            removed[h] = base_cdf(yc, t[h]) - base_cdf(self.lo[h], t[h])
        return np.clip((f - d * removed) / (1.0 - d * p_band), 0.0, 1.0)


def thinned_sample(base_sample, t, lo, hi, d, rng, max_rounds: int = 200):
    """Rejection sampling: draw from the base, drop a draw inside the band with probability d."""
    t = np.asarray(t, float)
    out = np.empty(t.shape)
    todo = np.arange(t.size)
    for _ in range(max_rounds):
        if todo.size == 0:
            return out
        draw = base_sample(t[todo], rng)
        inside = np.isfinite(lo[todo]) & (draw >= lo[todo]) & (draw <= hi[todo])
        keep = ~inside | (rng.random(todo.size) >= d)
        out[todo[keep]] = draw[keep]
        todo = todo[~keep]
    raise GapstudyError("band rejection sampling did not finish; the band holds nearly all of the base density")
