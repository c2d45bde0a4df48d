"""Where is the trough? The lowest KDE point between the two main modes, with bootstrap intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapstudy.stats import _checks, kde
from gapstudy.stats.bandwidths import RULES, Bandwidth, select_bandwidth

# Fewest points for a trough to mean anything (two modes need a handful of points each).
MIN_N = 10
# Bootstrap resamples: 1,000 puts the Monte Carlo error of 2.5%/97.5% percentiles well below their spread.
DEFAULT_N_BOOT = 1000
# Grid for locating modes and the trough: 1,024 cells over the data range (R density()'s default
# is 512; the trough is reported to ~0.1% of the range).
GRID = 1024
# Percentile interval: the central 95% of bootstrap trough locations.
CI_LEVEL = 0.95
# Resamples per FFT batch (memory ~ chunk x grid doubles).
CHUNK = 500


@dataclass(frozen=True, eq=False)
class BandwidthTrough:
    """Trough of the KDE at one bandwidth rule. NaNs when the KDE has fewer than two modes."""

    rule: str
    bandwidth: float
    collapsed: bool
    note: str
    n_modes: int
    modes: tuple[float, float]  # the two highest modes, left to right
    location: float
    density: float
    ci_location: tuple[float, float]
    ci_density: tuple[float, float]
    frac_bimodal: float  # share of resamples whose KDE has at least two modes
    boot_locations: np.ndarray


@dataclass(frozen=True, eq=False)
class TroughResult:
    """kde_trough outcome: one BandwidthTrough per rule (an estimate, not a test: no p-value)."""

    by_rule: dict
    n_boot: int

    def __getitem__(self, rule: str) -> BandwidthTrough:
        return self.by_rule[rule]


def _troughs(dens: np.ndarray, grid: np.ndarray):
    """Per row: number of modes, the two highest modes' indices, trough index between them (-1 if none)."""
    r, g = dens.shape
    inner = np.zeros_like(dens, dtype=bool)
    inner[:, 1:-1] = (dens[:, 1:-1] > dens[:, :-2]) & (dens[:, 1:-1] >= dens[:, 2:])
    n_modes = inner.sum(axis=1)
    score = np.where(inner, dens, -np.inf)
    top2 = np.argpartition(-score, 1, axis=1)[:, :2]
    left, right = np.sort(top2, axis=1).T
    idx = np.arange(g)[None, :]
    between = (idx > left[:, None]) & (idx < right[:, None])
    t_idx = np.where(between, dens, np.inf).argmin(axis=1)
    ok = n_modes >= 2
    return n_modes, left, right, np.where(ok, t_idx, -1)


def kde_trough(x, *, bandwidths=RULES, n_boot: int = DEFAULT_N_BOOT, rng=None) -> TroughResult:
    """Locate the trough of the Gaussian KDE of `x` (log10 parameters) between its two main modes
    (the two highest local maxima) for each bandwidth rule in `bandwidths` ("scott", "silverman",
    "cv" = least-squares cross-validation, "isj" = Botev et al. 2010; see select_bandwidth, which
    flags rules that collapse on tied data).

    Interval: `n_boot` ordinary bootstrap resamples, each smoothed with the bandwidth selected on the
    observed data (held fixed, so the interval shows sampling variability at that smoothing level),
    evaluated by binned FFT on the same 1,024-point grid; the 95% percentile interval of the trough
    location and density over the resamples that have two modes, and the share that do."""
    x = np.sort(_checks.sample(x, need=MIN_N))
    n_boot = _checks.positive_int(n_boot, name="n_boot")
    gen = _checks.generator(rng)
    if isinstance(bandwidths, str):
        bandwidths = (bandwidths,)
    grid = np.linspace(x[0], x[-1], GRID)
    idx = gen.integers(0, x.size, size=(n_boot, x.size))
    q = [(1 - CI_LEVEL) / 2 * 100, (1 + CI_LEVEL) / 2 * 100]
    out = {}
    for rule in bandwidths:
        bw: Bandwidth = select_bandwidth(x, rule)
        h = bw.h
        dens = kde.density(x, h, grid)[None, :]
        n_modes, left, right, t_idx = _troughs(dens, grid)
        bimodal = t_idx[0] >= 0
        locs = np.empty(n_boot)
        dvals = np.empty(n_boot)
        for s in range(0, n_boot, CHUNK):
            _, bd = kde.binned_density(x[idx[s : s + CHUNK]], h, grid[0], grid[-1], GRID)
            _, _, _, ti = _troughs(bd, grid)
            rows = np.arange(bd.shape[0])
            locs[s : s + CHUNK] = np.where(ti >= 0, grid[np.maximum(ti, 0)], np.nan)
            dvals[s : s + CHUNK] = np.where(ti >= 0, bd[rows, np.maximum(ti, 0)], np.nan)
        good = np.isfinite(locs)
        ci_l = tuple(np.percentile(locs[good], q)) if good.any() else (np.nan, np.nan)
        ci_d = tuple(np.percentile(dvals[good], q)) if good.any() else (np.nan, np.nan)
        out[rule] = BandwidthTrough(
            rule=rule, bandwidth=h, collapsed=bw.collapsed, note=bw.note, n_modes=int(n_modes[0]),
            modes=(float(grid[left[0]]), float(grid[right[0]])) if bimodal else (np.nan, np.nan),
            location=float(grid[t_idx[0]]) if bimodal else np.nan,
            density=float(dens[0, t_idx[0]]) if bimodal else np.nan,
            ci_location=tuple(float(v) for v in ci_l), ci_density=tuple(float(v) for v in ci_d),
            frac_bimodal=float(good.mean()), boot_locations=locs,
        )
    return TroughResult(out, n_boot)
