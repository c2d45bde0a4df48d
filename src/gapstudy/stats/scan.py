"""Scan every log10 window for a deficit and correct the best one for looking everywhere (parametric bootstrap of the whole scan)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from gapstudy.errors import GapstudyError
from gapstudy.stats import _checks
from gapstudy.stats._result import Unpacks
from gapstudy.stats.nulls import NULL_KINDS, FittedNull, cdf_rows, fit_null, fit_rows, sample_rows
from gapstudy.stats.rounding import jitter_once

# Fewest points, as for deficit_test.
MIN_N = 10
# Default grid: 50 equally spaced log10 bounds over the data range, so 50*49/2 = 1,225 windows.
DEFAULT_GRID_POINTS = 50
# Bootstrap replicates of the whole scan: 1,999 gives a corrected p-value s.e. <= 0.005 near 0.05
# ((1 + B) x 0.05 whole); each one is refitted and rescanned, so 10,000 would take ~5x longer.
DEFAULT_N_SIM = 1_999
# Work-array budget (elements) per chunk of replicates (windows and KDE cdf terms): ~32 MB of float64.
CHUNK_ELEMENTS = 4_000_000
# Elements per chunk of the LLR evaluation (~2 MB of float64: stays in cache).
LLR_ELEMENTS = 250_000
# Fine binning cells per grid step for the KDE null's cdf on a sample's own grid (see _kde_cdf_own_grid).
FINE = 4


def deficit_llr(observed, expected, n: int) -> np.ndarray:
    """Binomial log-likelihood ratio for a deficit (Kulldorff-type scan statistic, one-sided):
    n [q ln(q/p) + (1-q) ln((1-q)/(1-p))] with q = observed/n, p = expected/n, when observed <
    expected, else 0. Unlike the ratio observed/expected, it does not let tiny windows (expected
    ~ 1) dominate the scan."""
    o = np.asarray(observed, dtype=float)
    p = np.clip(np.asarray(expected, dtype=float) / n, 1e-300, 1 - 1e-15)
    q = o / n
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(q > 0, q * np.log(q / p), 0.0)
        t2 = np.where(q < 1, (1 - q) * np.log((1 - q) / (1 - p)), 0.0)
    return np.where(o < n * p, n * (t1 + t2), 0.0)


def llr_parts(expected: np.ndarray, n: int):
    """Pieces of deficit_llr for fast evaluation: LLR(o) = A[o] - o L1 - (n - o) L2 when o <
    expected (else 0), with A[o] = o ln o + (n - o) ln(n - o), L1 = ln e, L2 = ln(n - e)."""
    o = np.arange(n + 1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(o > 0, o * np.log(np.maximum(o, 1)), 0.0) + np.where(o < n, (n - o) * np.log(np.maximum(n - o, 1)), 0.0)
    e = np.clip(expected, 1e-300 * n, n * (1 - 1e-15))
    return a, np.log(e), np.log(n - e), e


def max_llr(counts: np.ndarray, expected: np.ndarray, n: int) -> np.ndarray:
    """max over windows (last axis) of deficit_llr(counts, expected, n) for rows (R, W), in row
    chunks that stay in cache."""
    out = np.empty(counts.shape[0])
    step = max(1, LLR_ELEMENTS // counts.shape[1])
    for s in range(0, counts.shape[0], step):
        c, e = counts[s : s + step], expected[s : s + step]
        a, l1, l2, e = llr_parts(e, n)
        val = a[c] - c * (l1 - l2) - n * l2
        val[c >= e] = 0.0
        out[s : s + step] = val.max(axis=-1)
    return out


def _grids(xs: np.ndarray, points: int) -> np.ndarray:
    """Each row's own grid: `points` equally spaced bounds from its min to its max."""
    lo, hi = xs.min(axis=-1), xs.max(axis=-1)
    grid = lo[..., None] + np.linspace(0.0, 1.0, points) * (hi - lo)[..., None]
    grid[..., -1] = hi
    return grid


def _kde_cdf_own_grid(xs: np.ndarray, h: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """cdf of each row's Gaussian KDE (bandwidth h[r]) at its own uniform grid (R, G) spanning
    exactly the row's range: the row is linearly binned onto a grid FINE times finer and convolved
    with the Gaussian cdf kernel, (2M - 1) normal cdfs per row instead of G x n. Linear binning
    moves each cdf value by O((cell / h)^2) of the kernel's curvature, ~1e-4 here; the observed
    sample and every bootstrap replicate use the same rule."""
    r, n = xs.shape
    g = grid.shape[1]
    m = FINE * (g - 1) + 1
    lo = grid[:, 0]
    cell = (grid[:, -1] - lo) / (m - 1)
    pos = (xs - lo[:, None]) / cell[:, None]
    left = np.clip(np.floor(pos).astype(np.int64), 0, m - 2)
    frac = np.clip(pos - left, 0.0, 1.0)
    offs = (np.arange(r, dtype=np.int64) * m)[:, None]
    w = np.bincount((left + offs).ravel(), weights=(1 - frac).ravel(), minlength=r * m)
    w += np.bincount((left + 1 + offs).ravel(), weights=frac.ravel(), minlength=r * m)
    w = w.reshape(r, m) / n
    lags = np.arange(-(m - 1), m)  # grid point j minus fine cell k, in fine cells
    kern = ndtr(lags[None, :] * (cell / h)[:, None])  # (R, 2M - 1)
    idx = FINE * np.arange(g)[:, None] - np.arange(m)[None, :] + (m - 1)  # (G, M)
    out = np.empty((r, g))
    step = max(1, CHUNK_ELEMENTS // (g * m))
    for s in range(0, r, step):
        out[s : s + step] = np.einsum("rk,rjk->rj", w[s : s + step], kern[s : s + step][:, idx])
    return out


def _binned_counts(xs: np.ndarray, grid: np.ndarray, own: bool, ia, ib) -> np.ndarray:
    """Window counts #{g_a <= x <= g_b} of rows xs (R, n) on uniform grids (R, G) (or one shared
    grid (G,)): one bincount for all rows. `own`: each row's grid spans exactly its range."""
    r, n = xs.shape
    g = grid.shape[-1]
    g0 = grid[..., 0] if grid.ndim == 2 else np.full(r, grid[0])
    step = (grid[..., -1] - grid[..., 0]) / (g - 1) if grid.ndim == 2 else np.full(r, (grid[-1] - grid[0]) / (g - 1))
    cell = np.ceil((xs - g0[:, None]) / step[:, None]).astype(np.int64)
    np.clip(cell, 0, g - 1 if own else g, out=cell)
    cell += (np.arange(r, dtype=np.int64) * (g + 1))[:, None]
    cum = np.cumsum(np.bincount(cell.ravel(), minlength=r * (g + 1)).reshape(r, g + 1)[:, :g], axis=1)
    below = cum.copy()  # #{x < g_a}: cell a holds (g_(a-1), g_a]; a draw on g_a itself has probability 0
    if own:
        below[:, 0] = 0  # cell 0 holds only the row's minimum, which lies on g_0
    return cum[:, ib] - below[:, ia]


def scan_stats(xs: np.ndarray, kind: str, points: int | None, grid: np.ndarray | None, exact: bool = False):
    """Max deficit LLR of every row of xs (R, n) against its own fitted null, on its own grid (points
    from min to max) or on the shared `grid`. Returns (max LLR (R,), per-window parts of row 0)."""
    r, n = xs.shape
    own = grid is None
    grids = _grids(xs, points) if own else grid
    g = grids.shape[-1]
    ia, ib = np.triu_indices(g, k=1)
    params = fit_rows(kind, xs)
    if own and kind == "kde":
        cdf = _kde_cdf_own_grid(xs, params["bandwidth"], grids)
    else:
        cdf = cdf_rows(kind, params, xs, grids if own else np.broadcast_to(grid, (r, g)))
    expected = n * (cdf[:, ib] - cdf[:, ia])
    if exact:  # bounds inclusive, ties counted exactly (the observed sample)
        srt = np.sort(xs, axis=1)
        gg = np.broadcast_to(grids, (r, g))
        counts = np.stack([np.searchsorted(srt[i], gg[i, ib], side="right") - np.searchsorted(srt[i], gg[i, ia], side="left")
                           for i in range(r)])
    else:
        uniform = True
        if not own:
            span = np.diff(grid)
            uniform = bool(np.allclose(span, span[0], rtol=1e-9, atol=0))
        if uniform:
            counts = _binned_counts(xs, grids, own, ia, ib)
        else:
            cum = np.stack([np.searchsorted(grid, row, side="left") for row in xs])
            le = np.stack([np.bincount(c, minlength=g + 1)[:g].cumsum() for c in cum])
            counts = le[:, ib] - le[:, ia]
    stat = max_llr(counts, expected, n)
    return stat, params, (grids if not own else grids[0], ia, ib, counts[0], expected[0])


def bootstrap_max_llr(xs: np.ndarray, params: dict, kind: str, points, grid, size: int, rng) -> np.ndarray:
    """(R, size) max LLRs of `size` bootstrap samples from each row's fitted null, each refitted and
    scanned by the same rule (its own grid when `grid` is None)."""
    r, n = xs.shape
    draws = sample_rows(kind, params, xs, size, rng).reshape(r * size, n)
    g = points if grid is None else np.asarray(grid).size
    step = max(1, CHUNK_ELEMENTS // (g * (g - 1) // 2 + n + FINE * g * g))
    return np.concatenate([scan_stats(draws[s : s + step], kind, points, grid)[0]
                           for s in range(0, draws.shape[0], step)]).reshape(r, size)


@dataclass(frozen=True, eq=False)
class ScanResult(Unpacks):
    """Window scan: per-window arrays, the best window, and its look-elsewhere-corrected p-value.
    Unpacks as (statistic, pvalue)."""

    statistic: float  # max over windows of the deficit LLR
    pvalue: float  # bootstrap of the whole scan (see gap_scan)
    best_window_log10: tuple[float, float]
    best_window_params: tuple[float, float]
    best_observed: float
    best_expected: float
    best_ratio: float
    windows: np.ndarray  # (W, 2) log10 bounds
    observed: np.ndarray
    expected: np.ndarray
    ratio: np.ndarray
    llr: np.ndarray
    null: FittedNull
    n_sim: int
    jitter: str
    null_distribution: np.ndarray  # max LLR of each bootstrap replicate


def gap_scan(x, *, points: int = DEFAULT_GRID_POINTS, grid=None, null: str = "kde", n_sim: int = DEFAULT_N_SIM,
             jitter=None, rng=None) -> ScanResult:
    """Scan every window [a, b] (a < b, both on a grid of log10 bounds) for a deficit of models.

    x : log10(parameters). Grid: `points` equally spaced bounds from min(x) to max(x) (default 50,
    1,225 windows), or an explicit increasing `grid` inside the data range. For each window: the
    observed count (bounds inclusive), the expected count n * P_null([a, b]) under the smooth
    unimodal null fitted to x (fit_null), the ratio, and the deficit log-likelihood ratio
    (deficit_llr); the statistic is the largest LLR. Its p-value is corrected for looking at every
    window and for fitting the null to the same data by a parametric bootstrap of the whole scan:
    `n_sim` samples of n drawn from the fitted null, each refitted with the same rule, given its own
    grid (same rule; a given `grid` stays fixed) and scanned; p = (1 + #{max* >= max}) / (1 + n_sim).
    All replicates are fitted, binned (one bincount) and scanned as arrays, in chunks.
    jitter : ties broken by ONE uniform draw of each value within its rounding interval ("log10"
    for log10 of rounded counts, "auto", "decimal", a half-width, or None: default)."""
    x = _checks.sample(x, need=MIN_N)
    _checks.log10_params(x)
    n_sim = _checks.positive_int(n_sim, name="n_sim")
    kind = _checks.choice(null, name="null", allowed=NULL_KINDS)
    gen = _checks.generator(rng)
    xj, label = jitter_once(x, jitter, gen)
    xs = np.sort(xj)
    _checks.spread(xs, need_distinct=2)
    if grid is not None:
        grid = np.asarray(grid, dtype=float)
        if grid.ndim != 1 or grid.size < 2 or not np.all(np.isfinite(grid)) or np.any(np.diff(grid) <= 0):
            raise GapstudyError("grid must be a 1-D array of at least 2 finite, strictly increasing log10 bounds")
        if grid[0] < xs[0] - 1e-9 or grid[-1] > xs[-1] + 1e-9:
            raise GapstudyError(
                f"grid runs from {grid[0]:.4g} to {grid[-1]:.4g} but the data (log10) from {xs[0]:.4g} to {xs[-1]:.4g}; "
                "windows beyond the data have no expected count to fall short of: keep the grid inside the data range"
            )
    else:
        points = _checks.positive_int(points, name="points", minimum=3)
    stat, params, (grid_used, ia, ib, observed, expected) = scan_stats(xs[None, :], kind, points, grid, exact=True)
    n = xs.size
    chunk = max(1, CHUNK_ELEMENTS // (ia.size + n + FINE * grid_used.size**2))
    null_max = np.concatenate([bootstrap_max_llr(xs[None, :], params, kind, points, grid, min(chunk, n_sim - s), gen)[0]
                               for s in range(0, n_sim, chunk)])
    p = float((1.0 + np.count_nonzero(null_max >= stat[0] - 1e-9)) / (1.0 + n_sim))
    llr = deficit_llr(observed, expected, n)
    best = int(np.argmax(llr))
    with np.errstate(divide="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.inf)
    windows = np.stack([grid_used[ia], grid_used[ib]], axis=1)
    a, b = windows[best]
    return ScanResult(
        statistic=float(stat[0]), pvalue=p, best_window_log10=(float(a), float(b)),
        best_window_params=(float(10**a), float(10**b)), best_observed=float(observed[best]),
        best_expected=float(expected[best]), best_ratio=float(ratio[best]), windows=windows,
        observed=observed.astype(float), expected=expected, ratio=ratio, llr=llr, null=fit_null(xs, kind), n_sim=n_sim,
        jitter=label, null_distribution=null_max,
    )
