"""Excess-mass test for k modes (Ameijeiras-Alonso, Crujeiras & Rodriguez-Casal 2019, TEST 28:900-919)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import diptest
import numpy as np

from gapstudy.stats import _checks, kde
from gapstudy.stats._result import Unpacks
from gapstudy.stats.rounding import jitter_once
from gapstudy.stats.silverman import _critical_bandwidth

# Fewest points: the statistic needs k+1 clusters, and Cheng & Hall (1998) start their tables at 10.
MIN_N = 10
# Bootstrap draws; as for the Silverman test, 1,000 gives a Monte Carlo s.e. <= 0.007 near p = 0.05.
DEFAULT_N_BOOT = 1000
# Grid on which the calibration density is tabulated and inverted for sampling (2**12 points:
# h_crit is at least ~1/100 of the data range in practice, so each bandwidth spans >= 30 cells).
CALIB_GRID = 2**12
# The calibration density reaches this many h_crit beyond the data (Gaussian tail mass < 1e-9).
CALIB_PAD = 6.0
# Limits on the factor that rescales the KDE's curvature at a mode/antimode: beyond 1/8..8 the
# local rescaling would distort the KDE away from the turning point (shrunk towards 1 if needed).
CURV_FACTOR_MIN, CURV_FACTOR_MAX = 1 / 8, 8.0
# Half-width of the neighbourhood modified around each turning point, in units of h_crit
# (capped at half the distance to the next turning point).
CURV_RADIUS = 1.0
# Replicates per DP batch for k >= 2 (bounds memory to batch x (k+2) x (n+1) doubles x 4).
DP_CHUNK = 100


def _min_lengths(xs: np.ndarray, jmax: int) -> np.ndarray:
    """L[..., j, c]: least total length of at most j disjoint intervals with endpoints at data
    points covering c of the sorted points (rows of xs sorted), for j = 0..jmax, c = 0..n.

    Dynamic programme over the sorted points: each point is outside every interval or inside the
    current one (paying the gap from the previous point) or opens a new interval (paying nothing)."""
    xs = np.atleast_2d(xs)
    b, n = xs.shape
    inf = np.inf
    out = np.full((b, jmax + 1, n + 1), inf)
    inn = np.full((b, jmax + 1, n + 1), inf)
    out[:, 0, 0] = 0.0
    if jmax >= 1:
        inn[:, 1, 1] = 0.0
    gaps = np.diff(xs, axis=1)
    for i in range(1, n):
        best = np.minimum(out, inn)
        new_in = np.full_like(inn, inf)
        new_in[:, :, 1:] = inn[:, :, :-1] + gaps[:, i - 1, None, None]
        new_in[:, 1:, 1:] = np.minimum(new_in[:, 1:, 1:], best[:, :-1, :-1])
        out, inn = best, new_in
    best = np.minimum(out, inn)
    return np.minimum.accumulate(best, axis=1)


def _upper_hull_slopes(length: np.ndarray, mass: np.ndarray) -> np.ndarray:
    """Slopes (dmass/dlength) of the upper concave hull of the finite points (length, mass):
    the values of lambda at which sup_c {mass_c - lambda length_c} changes its maximiser."""
    ok = np.isfinite(length)
    pts = sorted(zip(length[ok], mass[ok]), key=lambda p: (p[0], -p[1]))
    hull: list[tuple[float, float]] = []
    for p in pts:
        if hull and p[0] == hull[-1][0]:
            continue  # same length, less mass: never on the upper hull
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (y2 - y1) * (p[0] - x1) <= (p[1] - y1) * (x2 - x1):
                hull.pop()
            else:
                break
        hull.append(p)
    h = np.array(hull)
    if len(h) < 2:
        return np.empty(0)
    return np.diff(h[:, 1]) / np.diff(h[:, 0])


def _excess_mass_from_lengths(lengths: np.ndarray, k: int, n: int) -> float:
    """max over lambda of E_{k+1}(lambda) - E_k(lambda) from the least-length table of one sample."""
    mass = np.arange(n + 1) / n
    lk, lk1 = lengths[k], lengths[k + 1]
    cands = np.concatenate([_upper_hull_slopes(lk, mass), _upper_hull_slopes(lk1, mass)])
    cands = cands[np.isfinite(cands) & (cands > 0)]
    big = 2.0 * cands.max() + 1.0 if cands.size else 1.0
    lam = np.concatenate([[0.0, big], cands])[:, None]
    with np.errstate(invalid="ignore"):
        ek = np.max(np.where(np.isfinite(lk), mass - lam * lk, -np.inf), axis=1)
        ek1 = np.max(np.where(np.isfinite(lk1), mass - lam * lk1, -np.inf), axis=1)
    return float(np.max(ek1 - ek))


def excess_mass(x, k: int = 1) -> float:
    """Müller & Sawitzki's (1991) excess-mass statistic for k modes against more than k:
    Delta_{n,k+1} = max_lambda [E_{n,k+1}(lambda) - E_{n,k}(lambda)], with
    E_{n,j}(lambda) = sup over j disjoint closed intervals C_m with endpoints at data points of
    sum_m [P_n(C_m) - lambda |C_m|].

    Computed exactly on the sorted data: a dynamic programme gives, for every number of covered
    points c, the least total length L_j(c) of j intervals covering them, so
    E_{n,j}(lambda) = max_c [c/n - lambda L_j(c)]; both E's are convex and piecewise linear, and
    the maximum of their difference lies at one of their breakpoints (slopes of the upper hulls
    of (L_j(c), c/n)) or at the ends (lambda = 0 or beyond all breakpoints). For k = 1 this equals
    twice Hartigan's dip (Müller & Sawitzki 1991), which the tests check."""
    x = np.sort(_checks.sample(x, need=MIN_N))
    k = _checks.positive_int(k, name="k")
    return _excess_mass_from_lengths(_min_lengths(x[None, :], k + 1)[0], k, x.size)


def _excess_mass_rows(samples: np.ndarray, k: int) -> np.ndarray:
    """Excess-mass statistic of each row (rows need not be sorted)."""
    samples = np.sort(samples, axis=1)
    n = samples.shape[1]
    if k == 1:  # fast C code through the identity Delta_{n,2} = 2 dip
        return np.array([2.0 * diptest.dipstat(r, sort_x=False) for r in samples])
    out = np.empty(samples.shape[0])
    for s in range(0, samples.shape[0], DP_CHUNK):
        tables = _min_lengths(samples[s : s + DP_CHUNK], k + 1)
        out[s : s + DP_CHUNK] = [_excess_mass_from_lengths(t, k, n) for t in tables]
    return out


@dataclass(frozen=True, eq=False)
class CalibrationDensity:
    """The density bootstrap samples are drawn from, tabulated on a grid (and its ingredients)."""

    grid: np.ndarray
    pdf: np.ndarray
    h_crit: float
    modes: np.ndarray
    antimodes: np.ndarray
    target_curvature: np.ndarray  # d_j = |f''| / f^3 estimated at each turning point
    factors: np.ndarray  # curvature rescaling applied at each turning point

    @cached_property
    def _inverse(self) -> tuple[np.ndarray, np.ndarray]:
        """The tabulated cdf (strictly increasing) and its grid points: inverse-cdf sampling interpolates between them.
        Computed once per density: the calibration grid draws from each density in several rounds."""
        cdf = np.concatenate([[0.0], np.cumsum(0.5 * (self.pdf[1:] + self.pdf[:-1]) * np.diff(self.grid))])
        cdf /= cdf[-1]
        keep = np.concatenate([[True], np.diff(cdf) > 0])
        return cdf[keep], self.grid[keep]

    def sample(self, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        cdf, grid = self._inverse
        return np.interp(rng.random(size), cdf, grid)

    def sample_sorted(self, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        """np.sort(self.sample(size, rng), axis=1), bit for bit, about 3x faster: the same uniforms sorted first (the
        inverse cdf is non-decreasing, so the values are the same multiset), which lets np.interp start each search at
        the previous point's interval; the final sort, of already (or all but) sorted rows, guards ulp-level inversions."""
        cdf, grid = self._inverse
        return np.sort(np.interp(np.sort(rng.random(size), axis=1), cdf, grid), axis=1)


def second_derivative_bandwidth(x: np.ndarray) -> float:
    """Normal-reference AMISE bandwidth for estimating f'' with a Gaussian kernel:
    h = sigma (4 / (7 n))^(1/9), from the AMISE-optimal derivative bandwidth
    h_r = [(2r+1) R(K^(r)) / (mu_2(K)^2 R(f^(r+2)) n)]^(1/(2r+5)) with r = 2, K and f normal
    (the general formula is in Wand & Jones 1995, Kernel Smoothing, section 2.10)."""
    return float(x.std(ddof=1) * (4.0 / (7.0 * x.size)) ** (1.0 / 9.0))


def calibration_density(x, k: int = 1, *, h_crit: float | None = None, binned: bool = False) -> CalibrationDensity:
    """The null model of the excess-mass test: the Gaussian KDE at the critical bandwidth h_k
    (k modes), modified near its modes and antimodes so that each turning point t_j keeps its
    place and density but gets the curvature ratio d_j = |f''(t_j)| / f(t_j)^3 estimated from the
    data (with a KDE at the second-derivative bandwidth). The null distribution of the excess mass
    depends on the density through these d_j (Cheng & Hall 1998; Ameijeiras-Alonso et al. 2019,
    who use such a modified KDE at h_k), while the KDE at h_k alone is oversmoothed at its modes.

    Construction (ours, from that principle): near t_j, g(x) = f(t_j) + a_j (f(x) - f(t_j)) with
    a_j = d_j f(t_j)^3 / |f''(t_j)|, blended into f with a smooth weight over CURV_RADIUS h_k; the
    factors are clipped to [1/8, 8] and shrunk towards 1 until g has exactly k modes; g is then
    renormalised. `h_crit`: the k-mode critical bandwidth when the caller has it already (the
    calibration experiment computes it once per replicate for several tests); else computed here.
    `binned`: tabulate the KDE at h_k by linear binning and an FFT (kde.binned_density) instead of
    exactly; on this grid (cells ~h/100 wide) that changes the density by ~1e-5 relative and is
    ~10x faster, which the calibration experiment needs for its thousands of replicates."""
    x = np.sort(_checks.sample(x, need=MIN_N))
    k = _checks.positive_int(k, name="k")
    _checks.spread(x, need_distinct=k + 1)
    h = _critical_bandwidth(x, k) if h_crit is None else float(h_crit)
    modes, antimodes = kde.turning_points(x, h)
    turning = np.sort(np.concatenate([modes, antimodes]))
    h2 = second_derivative_bandwidth(x)
    f_pilot = kde.density(x, h2, turning)
    d2_pilot = kde.second_derivative(x, h2, turning)
    target = np.abs(d2_pilot) / f_pilot**3
    f_t = kde.density(x, h, turning)
    d2_t = kde.second_derivative(x, h, turning)
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = np.where(np.abs(d2_t) > 0, target * f_t**3 / np.abs(d2_t), 1.0)
    factors = np.clip(np.nan_to_num(factors, nan=1.0), CURV_FACTOR_MIN, CURV_FACTOR_MAX)
    grid = np.linspace(x[0] - CALIB_PAD * h, x[-1] + CALIB_PAD * h, CALIB_GRID)
    if binned:
        base = kde.binned_density(x[None, :], h, grid[0], grid[-1], CALIB_GRID)[1][0]
    else:
        base = kde.density(x, h, grid)
    gaps = np.diff(np.concatenate([[-np.inf], turning, [np.inf]]))
    radius = np.minimum(CURV_RADIUS * h, 0.5 * np.minimum(gaps[:-1], gaps[1:]))
    pdf = base
    for _ in range(30):
        pdf = base.copy()
        for t, ft, a, r in zip(turning, f_t, factors, radius):
            u = (grid - t) / r
            w = np.where(np.abs(u) < 1, (1 - u * u) ** 3, 0.0)  # smooth (C2) bump, 1 at t
            pdf += w * (a - 1.0) * (base - ft)
        pdf = np.maximum(pdf, 0.0)
        slope = np.diff(pdf)
        s = np.sign(slope[np.abs(slope) > 1e-12 * np.abs(slope).max()])
        n_modes = int(np.sum((s[:-1] > 0) & (s[1:] < 0)))
        if n_modes == k:
            break
        factors = np.sqrt(factors)  # shrink the modification towards the plain KDE
    else:  # pragma: no cover - the plain KDE at h_k has k modes, reached as factors -> 1
        pdf, factors = base, np.ones_like(factors)
    pdf = pdf / np.trapezoid(pdf, grid)
    return CalibrationDensity(grid, pdf, h, modes, antimodes, target, factors)


@dataclass(frozen=True, eq=False)
class ExcessMassResult(Unpacks):
    """Excess-mass test outcome (unpacks as (statistic, pvalue)); `null_distribution` holds the
    bootstrap statistics."""

    statistic: float  # excess mass of the sample (after the tie-breaking draw, if any)
    pvalue: float
    raw_statistic: float  # excess mass of x as given
    k: int
    h_crit: float
    n_boot: int
    calibration_method: str
    jitter: str
    null_distribution: np.ndarray
    calibration: CalibrationDensity


def excess_mass_test(x, *, k: int = 1, n_boot: int = DEFAULT_N_BOOT, jitter="auto", rng=None) -> ExcessMassResult:
    """Test H0: the density of `x` has k modes, against more than k, by the method of
    Ameijeiras-Alonso, Crujeiras & Rodriguez-Casal (2019, "Mode testing, critical bandwidth and
    excess mass", TEST 28:900-919; R package multimode, modetest(method = "ACR")).

    Statistic: the excess mass Delta_{n,k+1} (see excess_mass), computed exactly (twice the dip
    for k = 1). Calibration: `n_boot` samples of size n from calibration_density(x, k), the KDE at
    the k-mode critical bandwidth modified to carry the data's curvature at its modes and antimodes;
    p-value (1 + #{Delta* >= Delta}) / (1 + n_boot). tests/test_stats_modes.py checks the p-values
    against multimode's on the classic samples in ../shared/data/reference.
    jitter : ties. "auto" (default): when x has tied values, ONE uniform draw of each value within
    its recording unit (decimal_unit: integer minutes -> +-0.5) before anything else, a randomised
    test; untied data are used as given. "log10": x are log10 of counts rounded to significant
    figures (model sizes); "decimal", a half-width, or None (the data as given, ties and all: the
    excess mass of tied data is inflated, as the dip's is)."""
    x = np.sort(_checks.sample(x, need=MIN_N))
    k = _checks.positive_int(k, name="k")
    n_boot = _checks.positive_int(n_boot, name="n_boot")
    _checks.spread(x, need_distinct=k + 1)
    gen = _checks.generator(rng)
    raw = excess_mass(x, k)
    xj, label = jitter_once(x, jitter, gen)
    xj = np.sort(xj)
    stat = raw if label == "none" else float(_excess_mass_rows(xj[None, :], k)[0])
    calib = calibration_density(xj, k)
    null = np.sort(_excess_mass_rows(calib.sample((n_boot, x.size), gen), k))
    ge = n_boot - np.searchsorted(null, stat - 1e-12, side="left")
    p = float((1.0 + ge) / (1.0 + n_boot))
    return ExcessMassResult(float(stat), p, float(raw), k, float(calib.h_crit), n_boot, "acr", label, null, calib)
