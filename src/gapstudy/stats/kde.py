"""Gaussian kernel density tools: exact slopes and mode counts for one sample, binned FFT ones for many."""

from __future__ import annotations

import numpy as np
from scipy import fft as sfft
from scipy.optimize import brentq, minimize_scalar
from scipy.special import ndtr

# Grid points per bandwidth when counting modes exactly: 10 keeps neighbouring modes of a
# Gaussian KDE (never closer than ~h apart away from a bifurcation) on distinct grid cells;
# near a bifurcation the local refinement below finds the pair instead.
POINTS_PER_H = 10
# Floor and cap of that grid (512 as R's density() default; 2**17 bounds memory for tiny h).
MIN_GRID, MAX_GRID = 512, 2**17
# Work-array budget (elements) per chunk of a grid x sample product: ~32 MB of float64.
CHUNK_ELEMENTS = 4_000_000
# Slopes smaller than this fraction of the largest |slope| count as zero when reading signs of
# binned/FFT slopes (FFT round-off is ~1e-16 relative, so 1e-9 is far above the noise).
SIGN_TOL = 1e-9
# Gaussian kernel truncated at this many bandwidths in binned convolutions (tail < 1e-22).
KERNEL_RADIUS = 10.0


def density(x: np.ndarray, h: float, grid: np.ndarray) -> np.ndarray:
    """Gaussian KDE of sample `x` with bandwidth (kernel sd) `h`, evaluated exactly at `grid`."""
    out = np.empty(grid.size)
    step = max(1, CHUNK_ELEMENTS // max(1, x.size))
    for s in range(0, grid.size, step):
        z = (grid[s : s + step, None] - x[None, :]) / h
        out[s : s + step] = np.exp(-0.5 * z * z).sum(axis=1)
    return out / (x.size * h * np.sqrt(2 * np.pi))


def slope(x: np.ndarray, h: float, grid: np.ndarray) -> np.ndarray:
    """Derivative of the KDE at `grid`, up to the positive factor 1/(n h^3 sqrt(2 pi))."""
    out = np.empty(np.size(grid))
    grid = np.atleast_1d(grid)
    step = max(1, CHUNK_ELEMENTS // max(1, x.size))
    for s in range(0, grid.size, step):
        d = x[None, :] - grid[s : s + step, None]
        out[s : s + step] = (d * np.exp(-0.5 * (d / h) ** 2)).sum(axis=1)
    return out


def second_derivative(x: np.ndarray, h: float, at: np.ndarray) -> np.ndarray:
    """Second derivative of the Gaussian KDE at points `at` (exact)."""
    z = (np.atleast_1d(at)[:, None] - x[None, :]) / h
    return ((z * z - 1) * np.exp(-0.5 * z * z)).sum(axis=1) / (x.size * h**3 * np.sqrt(2 * np.pi))


def _grid_for(x: np.ndarray, h: float) -> np.ndarray:
    lo, hi = x.min(), x.max()
    size = int(np.clip(np.ceil(POINTS_PER_H * (hi - lo) / h) + 1, MIN_GRID, MAX_GRID))
    return np.linspace(lo, hi, size)


def _signs(values: np.ndarray) -> np.ndarray:
    """Sign of each slope, zeros replaced by the previous non-zero sign (rows independent)."""
    s = np.sign(values)
    idx = np.where(s != 0, np.arange(s.shape[-1]), 0)
    np.maximum.accumulate(idx, axis=-1, out=idx)
    return np.take_along_axis(s, idx, axis=-1)


def turning_points(x: np.ndarray, h: float, *, polish: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Exact modes and antimodes of the Gaussian KDE of `x` at bandwidth `h`.

    The slope is evaluated on a grid spanning [min x, max x] (all modes lie there: the slope is
    positive left of the data and negative right of it) with >= 10 points per bandwidth; sign
    changes bracket each turning point. A mode/antimode pair closer than one grid cell (as happens
    just below a critical bandwidth) leaves no sign change but a local extremum of the slope that
    approaches zero: each such extremum is minimised precisely (Brent) and, if it crosses zero,
    the pair is located there. With `polish`, turning points are then located to ~1e-14 (Brent);
    without, each is the midpoint of its bracket (enough for counting)."""
    x = np.sort(x)
    grid = _grid_for(x, h)
    f1 = slope(x, h, grid)

    def fd(t):
        return float(slope(x, h, np.array([t]))[0])

    brackets: list[tuple[float, float, bool]] = []  # (left, right, is_mode)
    s = _signs(f1)
    change = np.flatnonzero(s[:-1] != s[1:])
    for j in change:
        brackets.append((grid[j], grid[j + 1], bool(s[j] > 0)))
    # hidden pairs: slope keeps its sign but has a local extremum towards zero
    inner = np.arange(1, grid.size - 1)
    pos_min = inner[(f1[inner] > 0) & (f1[inner] <= f1[inner - 1]) & (f1[inner] <= f1[inner + 1])]
    neg_max = inner[(f1[inner] < 0) & (f1[inner] >= f1[inner - 1]) & (f1[inner] >= f1[inner + 1])]
    for j, sign in [(j, 1.0) for j in pos_min] + [(j, -1.0) for j in neg_max]:
        res = minimize_scalar(
            lambda t: sign * fd(t), bounds=(grid[j - 1], grid[j + 1]), method="bounded",
            options={"xatol": 1e-14 * max(1.0, abs(grid[j]))},
        )
        if res.fun < 0:  # min of sign*slope crosses zero: a hidden pair
            t0 = res.x
            if sign > 0:  # + then - (mode) then + (antimode)
                brackets.append((grid[j - 1], t0, True))
                brackets.append((t0, grid[j + 1], False))
            else:  # - then + (antimode) then - (mode)
                brackets.append((grid[j - 1], t0, False))
                brackets.append((t0, grid[j + 1], True))
    modes, antimodes = [], []
    for a, b, is_mode in brackets:
        if not polish:
            (modes if is_mode else antimodes).append(0.5 * (a + b))
            continue
        fa, fb = fd(a), fd(b)
        if fa == 0 or fb == 0 or np.sign(fa) == np.sign(fb):
            root = a if fa == 0 else b if fb == 0 else 0.5 * (a + b)
        else:
            root = brentq(fd, a, b, xtol=1e-14 * max(1.0, abs(a)), rtol=1e-15)
        (modes if is_mode else antimodes).append(root)
    return np.sort(np.array(modes)), np.sort(np.array(antimodes))


def count_modes(x: np.ndarray, h: float) -> int:
    """Number of modes of the Gaussian KDE of `x` at bandwidth `h` (exact, see turning_points)."""
    return int(turning_points(x, h, polish=False)[0].size)


def _binned_convolution(samples: np.ndarray, h: float, lo: float, hi: float, size: int, kernel) -> tuple[np.ndarray, np.ndarray]:
    """Linear binning of many samples (rows) onto one grid, then an FFT convolution of each row with
    kernel(d), d the grid offsets within KERNEL_RADIUS bandwidths. Returns (grid, convolved rows)."""
    samples = np.atleast_2d(samples)
    b = samples.shape[0]
    grid = np.linspace(lo, hi, size)
    delta = grid[1] - grid[0]
    pos = (np.clip(samples, lo, hi) - lo) / delta
    left = np.minimum(np.floor(pos).astype(np.int64), size - 2)
    frac = pos - left
    offs = (np.arange(b, dtype=np.int64) * size)[:, None]
    w = np.bincount((left + offs).ravel(), weights=(1 - frac).ravel(), minlength=b * size)
    w += np.bincount((left + 1 + offs).ravel(), weights=frac.ravel(), minlength=b * size)
    w = w.reshape(b, size)
    radius = int(min(size - 1, np.ceil(KERNEL_RADIUS * h / delta)))
    d = np.arange(-radius, radius + 1) * delta
    full = sfft.next_fast_len(size + 2 * radius + 1, real=True)
    conv = sfft.irfft(sfft.rfft(w, full, axis=1) * sfft.rfft(kernel(d), full)[None, :], full, axis=1)
    return grid, conv[:, radius : radius + size]


def binned_slopes(samples: np.ndarray, h: float, lo: float, hi: float, size: int) -> tuple[np.ndarray, np.ndarray]:
    """KDE slopes (up to a positive factor) of many samples (rows) on one grid, by linear binning
    and an FFT convolution with the derivative-of-Gaussian kernel. Returns (grid, slopes)."""
    # slope at m gets w_j * (x_j - g_m) e^{...}, j - m = -offset
    return _binned_convolution(samples, h, lo, hi, size, lambda d: -d * np.exp(-0.5 * (d / h) ** 2))


def binned_density(samples: np.ndarray, h: float, lo: float, hi: float, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian KDEs of many samples (rows) on one grid by linear binning and FFT convolution."""
    n = np.atleast_2d(samples).shape[1]
    grid, conv = _binned_convolution(
        samples, h, lo, hi, size, lambda d: np.exp(-0.5 * (d / h) ** 2) / (n * h * np.sqrt(2 * np.pi))
    )
    return grid, np.maximum(conv, 0.0)


def count_modes_rows(slopes: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Modes (+ to - sign changes of the slope) per row, ignoring |slope| below SIGN_TOL * max;
    with `mask`, only changes between grid points inside the mask count."""
    scale = np.abs(slopes).max(axis=1, keepdims=True)
    vals = np.where(np.abs(slopes) > SIGN_TOL * scale, slopes, 0.0)
    s = _signs(vals)
    change = (s[:, :-1] > 0) & (s[:, 1:] < 0)
    if mask is not None:
        change &= mask[:-1] & mask[1:]
    return change.sum(axis=1)


def window_mass(x: np.ndarray, h: float, a: float, b: float) -> float:
    """Probability the Gaussian KDE of `x` (bandwidth h) gives to [a, b]."""
    return float(np.mean(ndtr((b - x) / h) - ndtr((a - x) / h)))
