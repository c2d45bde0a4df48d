"""Smooth unimodal null models fitted to a log10 sample: normal, skew-normal, oversmoothed KDE."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sst
from scipy.special import ndtr

from gapstudy.errors import GapstudyError
from gapstudy.stats import _checks
from gapstudy.stats.silverman import _critical_bandwidth

NULL_KINDS = ("kde", "normal", "skewnormal")  # the nulls fit_null knows (see its docstring)
# Terrell's (1990, JASA 85:470-477) maximal-smoothing constant for the Gaussian kernel:
# h_os = 1.144 s n^(-1/5) is the largest bandwidth any density with sd s can call for.
TERRELL_OS = 1.144
# Central share of the data on which the KDE null's one-mode critical bandwidth counts modes
# (Hall & York's interval I): with the whole line, isolated tail points of Student-t (4 df)
# samples forced h_crit so large that gap_scan rejected 56% of them; with the central 95%, 1%.
CENTRAL = 0.95


@dataclass(frozen=True, eq=False)
class FittedNull:
    """A fitted smooth null: its kind, parameters, and vectorised cdf and sampler."""

    kind: str
    params: dict = field(default_factory=dict)
    data: np.ndarray | None = None  # the sample, for the KDE null

    def cdf(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        p = self.params
        if self.kind == "normal":
            return ndtr((t - p["mean"]) / p["sd"])
        if self.kind == "skewnormal":
            return sst.skewnorm.cdf(t, p["shape"], loc=p["loc"], scale=p["scale"])
        flat = t.reshape(-1)
        out = np.array([np.mean(ndtr((v - self.data) / p["bandwidth"])) for v in flat])
        return out.reshape(t.shape)

    def mass(self, a: float, b: float) -> float:
        """Probability of [a, b]."""
        lo, hi = self.cdf(np.array([a, b]))
        return float(hi - lo)

    def sample(self, size, rng: np.random.Generator) -> np.ndarray:
        p = self.params
        if self.kind == "normal":
            return p["mean"] + p["sd"] * rng.standard_normal(size)
        if self.kind == "skewnormal":
            delta = p["shape"] / np.sqrt(1 + p["shape"] ** 2)
            z0 = np.abs(rng.standard_normal(size))
            z1 = rng.standard_normal(size)
            return p["loc"] + p["scale"] * (delta * z0 + np.sqrt(1 - delta**2) * z1)
        idx = rng.integers(0, self.data.size, size=size)
        return self.data[idx] + p["bandwidth"] * rng.standard_normal(size)


def fit_null(x, kind: str = "kde") -> FittedNull:
    """Fit a smooth unimodal null to `x` (log10 parameters).

    "normal": mean and sd (ddof=1). "skewnormal": maximum likelihood (scipy.stats.skewnorm.fit),
    for the right skew of model sizes. "kde": a Gaussian KDE at bandwidth max(h_os, h_crit), where
    h_os is Terrell's oversmoothed bandwidth 1.144 s n^(-1/5) and h_crit the smallest bandwidth with
    one mode inside the central 95% of the data (isolated tail points may keep their own small
    bumps): smooth, unimodal in the bulk, and otherwise as close to the data as that allows.
    The null is fitted once, on all the data (including any window later tested)."""
    kind = _checks.choice(kind, name="null", allowed=NULL_KINDS)
    x = np.sort(_checks.sample(x, need=3))
    _checks.spread(x, need_distinct=2)
    if kind == "normal":
        return FittedNull("normal", {"mean": float(x.mean()), "sd": float(x.std(ddof=1))})
    if kind == "skewnormal":
        shape, loc, scale = sst.skewnorm.fit(x)
        return FittedNull("skewnormal", {"shape": float(shape), "loc": float(loc), "scale": float(scale)})
    h_os = TERRELL_OS * x.std(ddof=1) * x.size ** (-0.2)
    central = tuple(np.quantile(x, [(1 - CENTRAL) / 2, (1 + CENTRAL) / 2]))
    try:
        h_crit = _critical_bandwidth(x, 1, central) if central[0] < central[1] else 0.0
    except GapstudyError:  # the bulk never shows two modes (e.g. it is one tied value): any h will do
        h_crit = 0.0
    return FittedNull("kde", {"bandwidth": float(max(h_os, h_crit)), "h_os": float(h_os), "h_crit": float(h_crit)}, x)
