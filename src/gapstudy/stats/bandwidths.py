"""Gaussian-kernel bandwidth rules: Scott, Silverman, least-squares cross-validation and ISJ."""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
from scipy import fft as sfft
from scipy.optimize import brentq, minimize_scalar

from gapstudy.errors import GapstudyError
from gapstudy.stats import _checks

RULES = ("scott", "silverman", "cv", "isj")  # the rules select_bandwidth knows (see its docstring)
# Scott (1992, Multivariate Density Estimation, eq. 6.17): h = (4/3)^(1/5) sigma n^(-1/5) = 1.059 sigma n^(-1/5).
SCOTT = (4.0 / 3.0) ** 0.2
# Silverman (1986, Density Estimation, eq. 3.31): h = 0.9 min(sd, IQR/1.34) n^(-1/5).
SILVERMAN, IQR_NORMAL = 0.9, 1.34
# ISJ (Botev, Grotowski & Kroese 2010, Ann. Statist. 38:2916-2957): histogram of 2**14 cells on the
# data range widened by 10% each side (their choice), and l = 7 stages of the plug-in chain.
ISJ_GRID, ISJ_PAD, ISJ_STAGES = 2**14, 0.1, 7
# LSCV search range, in units of the sample sd (1e-4 to 2: beyond 2 sd every rule oversmooths).
CV_LO, CV_HI, CV_GRID = 1e-4, 2.0, 60


@dataclass(frozen=True)
class Bandwidth:
    """A selected bandwidth; `collapsed` flags a degenerate selection (see select_bandwidth)."""

    rule: str
    h: float
    collapsed: bool
    note: str = ""


def _resolution(x: np.ndarray) -> float:
    """Median gap between consecutive distinct values: the data's effective resolution."""
    d = np.diff(np.unique(x))
    return float(np.median(d)) if d.size else 0.0


def scott(x: np.ndarray) -> float:
    return float(SCOTT * x.std(ddof=1) * x.size ** -0.2)


def robust_spread(x, *, iqr_normal: float = IQR_NORMAL) -> np.ndarray:
    """min(sd, IQR / iqr_normal) along the last axis (Silverman 1986, s. 3.4.2), the sd (ddof=1)
    where the IQR is 0; one value per row of x."""
    x = np.asarray(x, dtype=float)
    sd = x.std(axis=-1, ddof=1)
    iqr = np.subtract(*np.quantile(x, [0.75, 0.25], axis=-1))
    return np.where(iqr > 0, np.minimum(sd, iqr / iqr_normal), sd)


def silverman(x: np.ndarray) -> float:
    return float(SILVERMAN * robust_spread(x) * x.size ** -0.2)


def lscv(x: np.ndarray) -> tuple[float, bool]:
    """Least-squares cross-validation bandwidth (Rudemo 1982; Bowman 1984) for a Gaussian kernel:
    minimises  int f^2 - (2/n) sum_i f_{-i}(x_i)  computed exactly from pairwise distances.
    Returns (h, interior): interior is False when the minimum sits on the search range's edge."""
    n = x.size
    sd = x.std(ddof=1)
    d = np.abs(x[:, None] - x[None, :])[np.triu_indices(n, k=1)]

    def score(h):
        h = np.atleast_1d(h)
        out = np.empty(h.size)
        for i, hv in enumerate(h):
            s2 = np.sqrt(2) * hv
            int_f2 = (n / (s2 * np.sqrt(2 * np.pi)) + 2 * np.sum(np.exp(-0.5 * (d / s2) ** 2)) / (s2 * np.sqrt(2 * np.pi))) / n**2
            loo = 2 * np.sum(np.exp(-0.5 * (d / hv) ** 2)) / (hv * np.sqrt(2 * np.pi)) / (n * (n - 1))
            out[i] = int_f2 - 2 * loo
        return out

    hs = sd * np.geomspace(CV_LO, CV_HI, CV_GRID)
    sc = score(hs)
    i = int(np.argmin(sc))
    if i == 0 or i == hs.size - 1:
        return float(hs[i]), False
    res = minimize_scalar(lambda lh: score(np.exp(lh))[0], bounds=(np.log(hs[i - 1]), np.log(hs[i + 1])), method="bounded")
    return float(np.exp(res.x)), True


def isj(x: np.ndarray) -> tuple[float, bool]:
    """Improved Sheather-Jones bandwidth (Botev, Grotowski & Kroese 2010), written from the paper:
    the data are rescaled to [0, 1] and binned; with c_k the cosine coefficients of the histogram,
    ||f^(s)||^2 at diffusion time t is 2 pi^(2s) sum_k k^(2s) c_k^2 exp(-k^2 pi^2 t). Starting from
    ||f^(l)||^2 at time t, each stage s = l-1, ..., 2 sets
    t_s = [2 (1 + 2^-(s+1/2)) / 3 * (1*3*...*(2s-1)) / (sqrt(2 pi) n ||f^(s+1)||^2)]^(2/(3+2s)) and
    evaluates ||f^(s)||^2 there; the bandwidth solves t = (2 n sqrt(pi) ||f''||^2)^(-2/5), found by
    Brent's method on (0, 0.1). Returns (h, found): found is False when no root exists there
    (this happens on heavily tied data, where the histogram is a few spikes)."""
    n = x.size
    lo, hi = x.min(), x.max()
    span = hi - lo
    lo, hi = lo - ISJ_PAD * span, hi + ISJ_PAD * span
    r = hi - lo
    hist, _ = np.histogram(x, bins=ISJ_GRID, range=(lo, hi))
    c = sfft.dct(hist / n, type=2)[1:] / 2  # cosine coefficients c_k, k = 1..N-1
    k2 = np.arange(1, ISJ_GRID, dtype=float) ** 2
    c2 = c * c

    def norm2(s, t):
        return 2 * np.pi ** (2 * s) * np.sum(k2**s * c2 * np.exp(-k2 * np.pi**2 * t))

    def xi_gap(t):
        f = norm2(ISJ_STAGES, t)
        for s in range(ISJ_STAGES - 1, 1, -1):
            odd = factorial(2 * s) / (2**s * factorial(s))  # 1*3*...*(2s-1)
            const = (1 + 0.5 ** (s + 0.5)) / 3
            ts = (2 * const * odd / (np.sqrt(2 * np.pi) * n * f)) ** (2 / (3 + 2 * s))
            f = norm2(s, ts)
        return t - (2 * n * np.sqrt(np.pi) * f) ** (-0.4)

    grid_t = np.geomspace(1e-12, 0.1, 80)
    vals = np.array([xi_gap(t) for t in grid_t])
    sign_change = np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))
    if sign_change.size == 0:
        return float(np.sqrt(grid_t[int(np.argmin(np.abs(vals)))]) * r), False
    j = sign_change[-1]  # the largest root: the smooth solution
    t_star = brentq(xi_gap, grid_t[j], grid_t[j + 1], xtol=1e-16, rtol=1e-12)
    return float(np.sqrt(t_star) * r), True


def select_bandwidth(x, rule: str) -> Bandwidth:
    """Bandwidth of a Gaussian KDE of `x` by `rule` ("scott", "silverman", "cv", "isj").

    `collapsed` is True when the selection degenerates: the rule's optimisation has no interior
    solution, or h is below the data's resolution (median gap between consecutive distinct values),
    i.e. the KDE is a comb of spikes on tied values. ISJ and LSCV both do this on rounded data."""
    rule = _checks.choice(rule, name="bandwidth rule", allowed=RULES)
    x = _checks.sample(x, need=3)
    _checks.spread(x, need_distinct=2)
    ok, note = True, ""
    if rule == "scott":
        h = scott(x)
    elif rule == "silverman":
        h = silverman(x)
    elif rule == "cv":
        h, ok = lscv(x)
        note = "" if ok else "LSCV minimum on the edge of the search range"
    else:
        h, ok = isj(x)
        note = "" if ok else "ISJ fixed-point equation has no root in (0, 0.1)"
    if not np.isfinite(h) or h <= 0:
        raise GapstudyError(f"bandwidth rule {rule!r} gave h={h}; the sample may be degenerate")
    res = _resolution(x)
    collapsed = (not ok) or h < res
    if ok and h < res:
        note = f"h={h:.3g} is below the data resolution {res:.3g} (median gap between distinct values)"
    return Bandwidth(rule, float(h), bool(collapsed), note)
