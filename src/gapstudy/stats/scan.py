"""Scan every log10 window for a deficit and correct the best one for looking everywhere."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapstudy.errors import GapstudyError
from gapstudy.stats import _checks
from gapstudy.stats.nulls import FittedNull, fit_null
from gapstudy.stats.rounding import jitter_draws

# Fewest points, as for deficit_test.
MIN_N = 10
# Default grid: 50 equally spaced log10 bounds over the data range, so 50*49/2 = 1,225 windows.
DEFAULT_GRID_POINTS = 50
# Null replicates for the maximum statistic: 10,000 gives a corrected p-value s.e. <= 0.0022 near 0.05.
DEFAULT_N_SIM = 10_000
# Replicates per chunk: chunk x windows int32 counts (~5 MB at 1,225 windows) bound the memory.
CHUNK = 1000
# Jitter draws averaged when breaking ties (as in dip_test): Monte Carlo s.e. = sd(draws)/sqrt(50).
DEFAULT_N_JITTER = 50


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


@dataclass(frozen=True, eq=False)
class ScanResult:
    """Window scan: per-window arrays, the best window, and its look-elsewhere-corrected p-value."""

    statistic: float  # max over windows of the deficit LLR (mean over jitter draws)
    pvalue: float  # P(max LLR* >= max LLR) under the fitted null, +1 correction (mean over draws)
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
    null_distribution: np.ndarray  # max LLR of each null replicate


def _cumulative_counts(sims: np.ndarray, grid: np.ndarray, uniform: bool) -> np.ndarray:
    """C[r, j] = #{sims[r] <= grid[j]} for every row, by one bincount over all rows."""
    r, n = sims.shape
    g = grid.size
    if uniform:
        cell = np.ceil((sims - grid[0]) / (grid[1] - grid[0])).astype(np.int64)
        np.clip(cell, 0, g, out=cell)
    else:
        cell = np.searchsorted(grid, sims, side="left")
    cell += (np.arange(r, dtype=np.int64) * (g + 1))[:, None]
    counts = np.bincount(cell.ravel(), minlength=r * (g + 1)).reshape(r, g + 1)
    return np.cumsum(counts[:, :g], axis=1)


def gap_scan(x, *, grid=None, null: str = "kde", n_sim: int = DEFAULT_N_SIM, jitter="log10",
             n_jitter: int = DEFAULT_N_JITTER, rng=None) -> ScanResult:
    """Scan every window [a, b] (a < b, both on `grid`, in log10 parameters) for a deficit of models.

    x : log10(parameters). grid : increasing log10 bounds; default 50 equally spaced points from
    min(x) to max(x) (1,225 windows). For each window: observed count (bounds inclusive), expected
    count n * P_null([a, b]) under the fitted smooth unimodal null (see fit_null; fitted once), the
    ratio, and the deficit log-likelihood ratio (deficit_llr), which is the scan statistic. The
    most significant window maximises it; its p-value is corrected for looking at every window by
    the null distribution of the maximum over windows from `n_sim` samples of size n drawn from the
    fitted null: p = (1 + #{max* >= max}) / (1 + n_sim).

    Speed: replicates are processed in chunks of 1,000; each chunk is binned onto the grid with one
    bincount, cumulative sums give #{x <= g} at every grid point, each window count is a difference
    of two of them, and the statistic is read from a precomputed (window x count) table.

    Ties: rounded sizes (1 significant figure: 1e10, 2e10, 3e10 ...) leave empty stretches between
    the round values, and the scan rejected every such normal sample in our simulations. So, as in
    dip_test, each value is drawn uniformly from its rounding interval (`jitter`, default "log10";
    None: use x as given) `n_jitter` times; per-window counts and LLRs are averaged over the draws
    (the best window maximises the averaged LLR), the statistic is the mean of each draw's maximum
    and the p-value the mean of each draw's corrected p-value. The null is fitted to x as given."""
    x = _checks.sample(x, need=MIN_N)
    _checks.log10_params(x)
    n_sim = _checks.positive_int(n_sim, name="n_sim")
    gen = _checks.generator(rng)
    xs = np.sort(x)
    if grid is None:
        _checks.spread(xs, need_distinct=2)
        grid = np.linspace(xs[0], xs[-1], DEFAULT_GRID_POINTS)
    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or not np.all(np.isfinite(grid)) or np.any(np.diff(grid) <= 0):
        raise GapstudyError("grid must be a 1-D array of at least 2 finite, strictly increasing log10 bounds")
    g = grid.size
    ia, ib = np.triu_indices(g, k=1)
    windows = np.stack([grid[ia], grid[ib]], axis=1)
    n = xs.size
    fitted = fit_null(xs, null)
    cdf = fitted.cdf(grid)
    expected = n * (cdf[ib] - cdf[ia])
    draws = np.sort(jitter_draws(xs, jitter, n_jitter, gen), axis=1)
    obs_draws = np.stack([np.searchsorted(d, grid[ib], side="right") - np.searchsorted(d, grid[ia], side="left") for d in draws])
    llr_draws = deficit_llr(obs_draws, expected[None, :], n)
    max_draws = llr_draws.max(axis=1)
    observed = obs_draws.mean(axis=0)
    llr = llr_draws.mean(axis=0)
    best = int(np.argmax(llr))
    # table[w, c] = LLR of count c in window w: one gather per (replicate, window)
    table = deficit_llr(np.arange(n + 1)[None, :], expected[:, None], n).ravel()
    base = (np.arange(windows.shape[0], dtype=np.int64) * (n + 1))[None, :]
    span = np.diff(grid)
    uniform = bool(np.allclose(span, span[0], rtol=1e-9, atol=0))
    null_max = np.empty(n_sim)
    for s in range(0, n_sim, CHUNK):
        m = min(CHUNK, n_sim - s)
        cum = _cumulative_counts(fitted.sample((m, n), gen), grid, uniform)
        counts = cum[:, ib] - cum[:, ia]
        null_max[s : s + m] = table[counts + base].max(axis=1)
    null_sorted = np.sort(null_max)
    ge = n_sim - np.searchsorted(null_sorted, max_draws - 1e-12, side="left")
    p = float(np.mean((1.0 + ge) / (1.0 + n_sim)))
    with np.errstate(divide="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.inf)
    a, b = windows[best]
    return ScanResult(
        statistic=float(max_draws.mean()), pvalue=p, best_window_log10=(float(a), float(b)),
        best_window_params=(float(10**a), float(10**b)), best_observed=float(observed[best]),
        best_expected=float(expected[best]), best_ratio=float(ratio[best]), windows=windows,
        observed=observed, expected=expected, ratio=ratio, llr=llr, null=fitted, n_sim=n_sim,
        null_distribution=null_max,
    )
