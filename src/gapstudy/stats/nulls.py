"""Smooth unimodal null models fitted to log10 samples (oversmoothed KDE, normal, skew-normal), for one sample or many rows at once."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sst
from scipy.special import ndtr

from gapstudy.stats import _checks
from gapstudy.stats.silverman import CENTRAL  # noqa: F401 - re-exported for gap_tests

NULL_KINDS = ("kde", "normal", "skewnormal")  # the nulls fit_null knows (see its docstring)
# Terrell's (1990, JASA 85:470-477) maximal-smoothing constant for the Gaussian kernel:
# h_os = 1.144 s n^(-1/5) is the largest bandwidth any density with sd s can call for.
TERRELL_OS = 1.144
# Largest skewness a skew-normal reaches is 0.9953 (shape -> infinity); method-of-moments fits
# clip the sample skewness just inside it.
SN_MAX_SKEW = 0.99
# Work-array budget (elements) of one chunk of KDE cdf evaluations: ~32 MB of float64.
ELEMENTS = 4_000_000


# ---------------------------------------------------------------- the rules, on many rows at once

def fit_rows(kind: str, xs: np.ndarray) -> dict:
    """Parameters of the null `kind` fitted to every row of xs (shape (..., n)), as arrays of shape (...).

    "kde": bandwidth h = Terrell's oversmoothed 1.144 s n^(-1/5) (s: sd, ddof=1). "normal": mean
    and sd (ddof=1). "skewnormal": method of moments (mean, sd and skewness clipped to +-0.99),
    closed form, so that it can be refitted to every bootstrap replicate."""
    n = xs.shape[-1]
    mean = xs.mean(axis=-1)
    sd = xs.std(axis=-1, ddof=1)
    if kind == "kde":
        return {"bandwidth": TERRELL_OS * sd * n ** (-0.2)}
    if kind == "normal":
        return {"mean": mean, "sd": sd}
    c = xs - mean[..., None]
    m2 = (c * c).mean(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.clip(np.nan_to_num((c**3).mean(axis=-1) / m2**1.5), -SN_MAX_SKEW, SN_MAX_SKEW)
    g23 = np.abs(g) ** (2 / 3)
    delta = np.sign(g) * np.sqrt(np.pi / 2 * g23 / (g23 + ((4 - np.pi) / 2) ** (2 / 3)))
    scale = sd / np.sqrt(1 - 2 * delta**2 / np.pi)
    return {"shape": delta / np.sqrt(1 - delta**2), "loc": mean - scale * delta * np.sqrt(2 / np.pi), "scale": scale}


def cdf_rows(kind: str, params: dict, xs: np.ndarray, t: np.ndarray) -> np.ndarray:
    """cdf of each row's fitted null at points t (shape (..., T), rows as in xs (..., n))."""
    if kind == "normal":
        return ndtr((t - params["mean"][..., None]) / params["sd"][..., None])
    if kind == "skewnormal":
        return sst.skewnorm.cdf(t, params["shape"][..., None], loc=params["loc"][..., None], scale=params["scale"][..., None])
    lead = xs.shape[:-1]
    n, tt = xs.shape[-1], t.shape[-1]
    x2, t2 = xs.reshape(-1, n), t.reshape(-1, tt)
    h2 = np.broadcast_to(params["bandwidth"], lead).reshape(-1)
    out = np.empty(t2.shape)
    step = max(1, ELEMENTS // (n * tt))
    for s in range(0, x2.shape[0], step):
        z = (t2[s : s + step, :, None] - x2[s : s + step, None, :]) / h2[s : s + step, None, None]
        out[s : s + step] = ndtr(z).mean(axis=2)
    return out.reshape(*lead, tt)


def sample_rows(kind: str, params: dict, xs: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """`size` samples of n from each row's fitted null: shape (..., size, n). The KDE null is
    sampled by the variance-rescaled smoothed bootstrap (the KDE's shape, the sample's variance)."""
    lead, n = xs.shape[:-1], xs.shape[-1]
    shape = (*lead, size, n)
    if kind == "normal":
        return params["mean"][..., None, None] + params["sd"][..., None, None] * rng.standard_normal(shape)
    if kind == "skewnormal":
        a = params["shape"][..., None, None]
        delta = a / np.sqrt(1 + a * a)
        z0 = np.abs(rng.standard_normal(shape))
        z1 = rng.standard_normal(shape)
        return params["loc"][..., None, None] + params["scale"][..., None, None] * (delta * z0 + np.sqrt(1 - delta**2) * z1)
    # Silverman's (1986, s. 6.4.1) rescaled smoothed bootstrap: resample, add N(0, h^2), shrink
    # towards the mean so the draws keep the sample variance instead of var + h^2.
    pick = rng.integers(0, n, size=shape)
    mean = xs.mean(axis=-1)[..., None, None]
    h = np.asarray(params["bandwidth"])[..., None, None]
    base = np.take_along_axis(np.broadcast_to(xs[..., None, :], shape), pick, axis=-1) - mean
    base += h * rng.standard_normal(shape)
    return mean + base / np.sqrt(1.0 + h * h / xs.var(axis=-1)[..., None, None])


# ---------------------------------------------------------------- one sample

@dataclass(frozen=True, eq=False)
class FittedNull:
    """A fitted smooth null: its kind (which is also the rule refitted in every bootstrap
    replicate), parameters, and vectorised cdf and sampler."""

    kind: str
    params: dict = field(default_factory=dict)
    data: np.ndarray | None = None  # the sample it was fitted to

    def _arrays(self) -> dict:
        return {k: np.asarray(v, dtype=float) for k, v in self.params.items()}

    def cdf(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        flat = t.reshape(1, -1)
        return cdf_rows(self.kind, self._arrays(), self.data[None, :], flat)[0].reshape(t.shape)

    def mass(self, a: float, b: float) -> float:
        """Probability of [a, b]."""
        lo, hi = self.cdf(np.array([a, b]))
        return float(hi - lo)

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """`size` samples of the fitted sample's n from the null: shape (size, n)."""
        return sample_rows(self.kind, self._arrays(), self.data, int(size), rng)


def fit_null(x, kind: str = "kde") -> FittedNull:
    """Fit a smooth unimodal null to `x` (log10 parameters); the same rule is refitted inside every
    bootstrap replicate of deficit_test and gap_scan (see fit_rows).

    "kde": Gaussian KDE at Terrell's oversmoothed bandwidth h_os = 1.144 s n^(-1/5), the largest
    any density with that sd calls for: as smooth as a KDE of the data may reasonably be, and a
    closed-form rule (the one-mode critical bandwidth, used before, needs a bisection per fit,
    too costly to refit in thousands of replicates). "normal": mean and sd (ddof=1).
    "skewnormal": method of moments, for the right skew of model sizes."""
    kind = _checks.choice(kind, name="null", allowed=NULL_KINDS)
    x = np.sort(_checks.sample(x, need=3))
    _checks.spread(x, need_distinct=2)
    params = {k: float(v) for k, v in fit_rows(kind, x).items()}
    if kind == "kde":
        params["h_os"] = params["bandwidth"]
    return FittedNull(kind, params, x)
