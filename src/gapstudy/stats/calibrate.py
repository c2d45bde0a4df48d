"""Vectorised size and power of the gap tests over many replicate samples, and the bundled table of measured sizes."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
from scipy.special import ndtr

from gapstudy.errors import GapstudyError
from gapstudy.stats import kde
from gapstudy.stats.dip import dip_test
from gapstudy.stats.excess_mass import calibration_density
from gapstudy.stats.mixture import _lr as _mixture_lr
from gapstudy.stats.deficit import DEFAULT_N_JITTER as DEFICIT_JITTER
from gapstudy.stats.excess_mass import DEFAULT_N_JITTER as EM_JITTER
from gapstudy.stats.nulls import CENTRAL, TERRELL_OS
from gapstudy.stats.rounding import jitter_bounds
from gapstudy.stats.scan import DEFAULT_N_JITTER as SCAN_JITTER
from gapstudy.stats.scan import deficit_llr
from gapstudy.stats.silverman import hall_york_lambda
from gapstudy.stats.simulate import _wilson

# The gap tests gap_tests runs, plus silverman_central: Silverman's test with modes counted on the
# central 95% of the data (Hall & York's interval I, silverman_test(interval=...)), which
# silverman_test's docstring asks the calibration to report beside the whole-line version.
TESTS = ("dip", "silverman", "silverman_central", "excess_mass", "mixture", "deficit", "scan")
# Version of each test's method here (or of the library test it mirrors), part of the calibration
# experiment's cache keys: bump one when its numbers would change. mixture 2: LR fitted on
# standardised rows (exactly affine invariant).
METHOD_VERSION = {"dip": 1, "silverman": 1, "silverman_central": 1, "excess_mass": 1, "mixture": 2, "deficit": 1, "scan": 1}
# Inner bootstrap draws per replicate: 199, so that (1 + B) * alpha = 10 is an integer at alpha
# 0.05. A Monte Carlo test with such a B has exactly the size of the test with B = infinity when
# its null is exact (Dufour 2006, J. Econometrics 133:443-477; Besag & Clifford 1991, Biometrika
# 78:301-304), and otherwise differs from it only by smoothing the p-value's law over a band of
# width sqrt(0.05 * 0.95 / 200) = 0.015 around 0.05: a second-order change, well inside the
# Wilson interval of 1,000 replicates (+-0.014 at a size of 0.05).
INNER_B = 199
# Inner draws per round for each replicate still undecided: a replicate stops as soon as
# alpha * (1 + B) of its draws reach the observed statistic (it cannot reject any more), the
# sequential Monte Carlo test of Besag & Clifford (1991), which decides exactly as the full B would.
BATCH = 50
# Grid points per bandwidth when counting modes of binned KDEs. Linear binning acts like widening
# the kernel by about delta^2/12 in variance (1/19,200 of h^2 here), and mode pairs closer than
# one cell (h/40) are missed only within ~(1/40)^2 relative of the critical bandwidth: critical
# bandwidths come out within ~1e-3 of the exact ones (tests/test_calibration.py checks 3e-3).
PPH = 40
# Grid points per bandwidth for the mode counts of bootstrap KDEs (Silverman's test): 20, the
# floor silverman_test uses (BOOT_POINTS_PER_H); a bootstrap count can differ from the exact one
# only when that sample's own critical bandwidth lies within ~(1/20)^2 = 0.25% of lambda h_crit.
BOOT_PPH = 20
# The binned bisection ends within ~1.5e-4 of the exact critical bandwidth (either side); the
# result is raised by this factor so the exact KDE is surely unimodal there, as it is at the
# exact h_crit that the tests use (bootstrap densities built at it then have one mode).
HCRIT_SAFETY = 1e-3
# Relative width at which the vectorised bisection for critical bandwidths stops (far below the
# 1e-3 accuracy of the binned mode count, which is what limits it).
HCRIT_RTOL = 1e-4
# Work-array budget (elements) per chunk of binned KDEs or scan windows: ~32 MB of float64.
ELEMENTS = 4_000_000
# Replicates fitted together by the mixture LR (its EM works on replicates x 5 starts x n).
MIXTURE_CHUNK = 200
# Bundled table of measured sizes (written by the calibration experiment with calibration.export).
TABLE_FILE = "calibration_table.json"


def rejection_limit(alpha: float, n_boot: int, draws: int = 1) -> int:
    """Reject iff S < this, where S sums over `draws` jitter copies the inner statistics reaching each
    copy's observed one: the averaged p-value mean_j (1 + ge_j) / (1 + B) is <= alpha iff
    sum_j ge_j <= draws * (alpha (1 + B) - 1)."""
    return int(math.floor(draws * (alpha * (1 + n_boot) - 1) + 1e-9)) + 1


def _sequential(reps: int, exceed, alpha: float, n_boot: int, draws: int = 1) -> np.ndarray:
    """Reject flags per replicate: exceed(idx, b) returns, for the replicates idx, the summed count
    (over jitter copies) of b new inner statistics reaching the observed ones; rounds of BATCH
    draws go on only for replicates that could still reject (their sum only grows)."""
    limit = rejection_limit(alpha, n_boot, draws)
    count = np.zeros(reps, dtype=np.int64)
    drawn = 0
    active = np.arange(reps)
    while active.size and drawn < n_boot:
        b = int(min(BATCH, n_boot - drawn))
        count[active] += exceed(active, b)
        drawn += b
        active = active[count[active] < limit]
    return count < limit


# ---------------------------------------------------------------- binned mode counts, critical bandwidths

def _count_changes(slopes: np.ndarray, mids: np.ndarray, lo=None, hi=None) -> np.ndarray:
    """Modes (+ to - slope sign changes, |slope| below kde.SIGN_TOL x row max ignored) per row,
    only those whose cell midpoint lies in [lo[r], hi[r]] when bounds are given."""
    scale = np.abs(slopes).max(axis=1, keepdims=True)
    sg = kde._signs(np.where(np.abs(slopes) > kde.SIGN_TOL * scale, slopes, 0.0))
    change = (sg[:, :-1] > 0) & (sg[:, 1:] < 0)
    if lo is not None:
        change &= (mids[None, :] >= lo[:, None]) & (mids[None, :] <= hi[:, None])
    return change.sum(axis=1)


def modes_unit(u: np.ndarray, span: np.ndarray, pph: int = PPH, lo=None, hi=None) -> np.ndarray:
    """Modes of the Gaussian KDE with bandwidth 1 of each row of u (rows shifted to start at >= 0,
    row r spanning at most span[r]); a KDE at bandwidth h of x has the modes of x / h at 1.
    lo, hi (optional, per row, same units): count only modes inside [lo, hi]. Rows are grouped
    by span so each group gets a grid just wide enough (pph points per unit)."""
    out = np.empty(u.shape[0], dtype=np.int64)
    order = np.argsort(span, kind="stable")

    def grid_size(top: float) -> int:
        return int(math.ceil(pph * (top + 2))) + 1

    s = 0
    while s < order.size:
        c = max(1, ELEMENTS // grid_size(float(span[order[s]])))
        top = float(span[order[min(order.size, s + c) - 1]])
        c = max(1, ELEMENTS // grid_size(top))  # fewer rows, so a top no larger than this one
        take = order[s : s + c]
        top = float(span[take[-1]])
        grid, slopes = kde.binned_slopes(u[take], 1.0, -1.0, top + 1.0, grid_size(top))
        mids = 0.5 * (grid[1:] + grid[:-1])
        out[take] = _count_changes(slopes, mids, None if lo is None else lo[take], None if hi is None else hi[take])
        s += take.size
    return out


def critical_bandwidths(samples, central: float | None = None) -> np.ndarray:
    """Smallest bandwidth with one KDE mode for every row of `samples`, all rows bisected together
    on binned KDEs (PPH points per bandwidth) to HCRIT_RTOL; within ~1e-3 of the exact
    gapstudy.stats.critical_bandwidth (see PPH), then raised by HCRIT_SAFETY: at most ~0.12% above
    the exact value and never below it in our checks, at a small fraction of its cost.
    central=0.95: count modes only inside the row's central 95% (its 2.5% and 97.5% quantiles), as
    fit_null's KDE null does; a row whose bulk never shows two modes down to 1/1000 of its range
    gets 0 (fit_null gives 0 when none shows down to 1e-9: any bandwidth is then unimodal there)."""
    xs = np.sort(np.atleast_2d(np.asarray(samples, dtype=float)), axis=1)
    width = xs[:, -1] - xs[:, 0]
    if np.any(width <= 0):
        raise GapstudyError("every sample needs at least 2 distinct values for a critical bandwidth")
    z = (xs - xs[:, :1]) / width[:, None]  # each row on [0, 1]; h in units of the row's range
    if central is not None:
        q = np.quantile(z, [(1 - central) / 2, (1 + central) / 2], axis=1)
        qlo, qhi = q[0], q[1]
    result = np.zeros(xs.shape[0])
    rows = np.arange(xs.shape[0]) if central is None else np.flatnonzero(qlo < qhi)

    def multimodal(idx, h):
        if central is None:
            return modes_unit(z[idx] / h[:, None], 1.0 / h) > 1
        return modes_unit(z[idx] / h[:, None], 1.0 / h, PPH, qlo[idx] / h, qhi[idx] / h) > 1

    hi = np.ones(xs.shape[0])  # at h = range the KDE is unimodal (see silverman.critical_bandwidth)
    lo = np.full(xs.shape[0], 0.5)
    todo = rows
    found = np.zeros(xs.shape[0], dtype=bool)
    while todo.size:
        m = multimodal(todo, lo[todo])
        found[todo[m]] = True
        todo = todo[~m]
        hi[todo], lo[todo] = lo[todo], lo[todo] / 2
        todo = todo[lo[todo] >= 1e-3]
    active = rows[found[rows]]
    while active.size:
        mid = np.sqrt(lo[active] * hi[active])
        m = multimodal(active, mid)
        lo[active[m]] = mid[m]
        hi[active[~m]] = mid[~m]
        active = active[hi[active] / lo[active] - 1 > HCRIT_RTOL]
    result[found] = (hi * width * (1 + HCRIT_SAFETY))[found]
    if central is None and not found.all():  # pragma: no cover - two distinct values always give two modes
        raise GapstudyError("critical bandwidth search failed: a KDE never has two modes")
    return result


def kde_null_bandwidths(samples) -> np.ndarray:
    """Bandwidth of fit_null(x, "kde") per row: max(Terrell's oversmoothed h, the one-mode critical
    bandwidth counted on the central nulls.CENTRAL of the data)."""
    xs = np.atleast_2d(np.asarray(samples, dtype=float))
    n = xs.shape[1]
    return np.maximum(TERRELL_OS * xs.std(axis=1, ddof=1) * n ** (-0.2), critical_bandwidths(xs, CENTRAL))


def _kde_cdf(xs: np.ndarray, bw: np.ndarray, t: np.ndarray) -> np.ndarray:
    """cdf of each row's Gaussian KDE (bandwidth bw[r]) at points t[r, :] (rows processed in chunks)."""
    r, n = xs.shape
    out = np.empty(t.shape)
    step = max(1, ELEMENTS // (n * t.shape[1]))
    for s in range(0, r, step):
        out[s : s + step] = ndtr((t[s : s + step, :, None] - xs[s : s + step, None, :]) / bw[s : s + step, None, None]).mean(axis=2)
    return out


def _jittered(xs: np.ndarray, draws: int, rng) -> np.ndarray:
    """(R, draws, n) copies of each row with every value uniform in its rounding interval (the
    "log10" jitter of dip_test, deficit_test, gap_scan and excess_mass_test)."""
    lo, hi = jitter_bounds(xs, "log10")
    return lo[:, None, :] + rng.random((xs.shape[0], draws, xs.shape[1])) * (hi - lo)[:, None, :]


def _llr_parts(expected: np.ndarray, n: int):
    """Pieces of scan.deficit_llr for fast evaluation: LLR(o) = A[o] - o L1 - (n - o) L2 when
    o < expected (else 0), with A[o] = o ln o + (n - o) ln(n - o), L1 = ln e, L2 = ln(n - e)."""
    o = np.arange(n + 1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(o > 0, o * np.log(o), 0.0) + np.where(o < n, (n - o) * np.log(n - o), 0.0)
    e = np.clip(expected, 1e-300 * n, n * (1 - 1e-15))
    return a, np.log(e), np.log(n - e), e


def _llr_max(counts: np.ndarray, parts, n: int) -> np.ndarray:
    """max over windows (last axis) of the deficit LLR of `counts` (..., W) with per-row parts (rows
    of L1, L2, e broadcast against counts)."""
    a, l1, l2, e = parts
    val = a[counts] - counts * l1 - (n - counts) * l2
    return np.where(counts < e, val, 0.0).max(axis=-1)


# ---------------------------------------------------------------- one vectorised test each

def dip_rejects(samples, *, alpha, rng, n_jitter) -> np.ndarray:
    """Dip test (table p-value, ties jittered as gap_tests runs it) on each row."""
    return np.array([dip_test(x, method="table", n_jitter=n_jitter, rng=rng).pvalue <= alpha for x in samples])


def mixture_rejects(samples, *, alpha, rng, reference) -> np.ndarray:
    """1-vs-2 normal LR test on each row against a shared reference null distribution.

    The test's parametric bootstrap draws from the fitted normal, and the LR (with starts at sample
    quantiles and a variance floor proportional to the sample variance) is invariant under
    x -> a + b x, so its bootstrap law does not depend on the fitted mean and sd at all: one set of
    LRs of standard-normal samples of size n serves every replicate. This is the case in which
    the warp-speed method (Giacomini, Politis & White 2013) is exact: each replicate's rejection
    has exactly the probability it has with its own B = len(reference) draws; only replicates
    become correlated through the shared draws (a little extra spread in the estimated size)."""
    ref = np.sort(np.asarray(reference, dtype=float))
    out = np.empty(samples.shape[0], dtype=bool)
    for s in range(0, samples.shape[0], MIXTURE_CHUNK):
        lr = _mixture_lr(samples[s : s + MIXTURE_CHUNK])[0]
        ge = ref.size - np.searchsorted(ref, lr - 1e-9, side="left")
        out[s : s + MIXTURE_CHUNK] = (1.0 + ge) / (1.0 + ref.size) <= alpha
    return out


def mixture_reference(n: int, n_ref: int, rng) -> np.ndarray:
    """LR statistics of n_ref standard-normal samples of size n (see mixture_rejects)."""
    out = np.empty(n_ref)
    for s in range(0, n_ref, MIXTURE_CHUNK):
        m = min(MIXTURE_CHUNK, n_ref - s)
        out[s : s + m] = _mixture_lr(rng.standard_normal((m, n)))[0]
    return out


def silverman_rejects(samples, *, alpha, rng, n_boot=INNER_B, central: float | None = None) -> np.ndarray:
    """Silverman's test with Hall & York's lambda on each row, modes counted on the whole line (as
    gap_tests runs silverman_test) or, with central=0.95, only inside the sample's central 95%
    (interval=(2.5% quantile, 97.5% quantile)) for h_crit and every bootstrap KDE: smoothed
    bootstrap from the KDE at h_crit (rescaled to the sample variance), for all undecided
    replicates in one array per round."""
    xs = np.asarray(samples, dtype=float)
    n = xs.shape[1]
    hcrit = critical_bandwidths(xs, central)
    if central is not None:
        if np.any(hcrit <= 0):
            raise GapstudyError("a sample's central part never shows two modes; silverman_central needs spread-out data")
        q = np.quantile(xs, [(1 - central) / 2, (1 + central) / 2], axis=1)
    lam = hall_york_lambda(alpha)
    mean, var = xs.mean(axis=1), xs.var(axis=1)
    shrink = 1.0 / np.sqrt(1.0 + hcrit**2 / var)

    def exceed(idx, b):
        out = np.zeros(idx.size, dtype=np.int64)
        step = max(1, ELEMENTS // (b * n))
        for s in range(0, idx.size, step):
            i = idx[s : s + step]
            pick = rng.integers(0, n, size=(i.size, b, n))
            draws = np.take_along_axis(xs[i][:, None, :], pick, axis=2) - mean[i, None, None]
            draws += hcrit[i, None, None] * rng.standard_normal(draws.shape)
            boot = draws * shrink[i, None, None]  # centred; the mean does not move modes
            hb = (lam * hcrit[i])[:, None, None]
            low = boot.min(axis=2, keepdims=True)
            u = (boot - low) / hb
            if central is None:
                modes = modes_unit(u.reshape(-1, n), u.max(axis=2).reshape(-1), BOOT_PPH)
            else:  # the interval in the same centred, shifted, scaled coordinates
                ilo = ((q[0][i, None, None] - mean[i, None, None] - low) / hb).reshape(-1)
                ihi = ((q[1][i, None, None] - mean[i, None, None] - low) / hb).reshape(-1)
                modes = modes_unit(u.reshape(-1, n), u.max(axis=2).reshape(-1), BOOT_PPH, ilo, ihi)
            modes = modes.reshape(i.size, b)
            out[s : s + step] = (modes > 1).sum(axis=1)
        return out

    return _sequential(xs.shape[0], exceed, alpha, n_boot)


def excess_mass_rejects(samples, *, alpha, rng, n_boot=INNER_B, n_jitter=EM_JITTER) -> np.ndarray:
    """Excess-mass test (k = 1) on each row as excess_mass_test runs it: statistic 2 x dip
    (Müller & Sawitzki's identity) of each of n_jitter jittered copies, bootstrap from
    calibration_density of the first copy, p-value averaged over the copies."""
    import diptest  # noqa: PLC0415 - the C dip, as excess_mass_test uses

    xs = np.sort(np.asarray(samples, dtype=float), axis=1)
    r, n = xs.shape
    stat = np.empty((r, n_jitter))
    first = np.empty((r, n))
    for k in range(r):
        jit = np.sort(_jittered(xs[k : k + 1], n_jitter, rng)[0], axis=1)
        first[k] = jit[0]
        stat[k] = [2.0 * diptest.dipstat(d, sort_x=False) for d in jit]
    stat = np.sort(stat, axis=1)
    hcrit = critical_bandwidths(first)
    dens = {}

    def exceed(idx, b):
        out = np.empty(idx.size, dtype=np.int64)
        for j, k in enumerate(idx):
            if k not in dens:
                dens[k] = calibration_density(first[k], 1, h_crit=float(hcrit[k]), binned=True)
            boot = np.sort(dens[k].sample((b, n), rng), axis=1)
            null = np.array([2.0 * diptest.dipstat(row, sort_x=False) for row in boot])
            # sum over copies of #{null >= stat_j - 1e-12}
            out[j] = int(np.searchsorted(stat[k], null + 1e-12, side="right").sum())
        return out

    return _sequential(r, exceed, alpha, n_boot, n_jitter)


def deficit_rejects(samples, *, alpha, rng, lower, upper, n_sim, n_jitter=DEFICIT_JITTER, bandwidths=None) -> np.ndarray:
    """Deficit test in [lower, upper] (parameters) under the KDE null on each row as deficit_test
    runs it: n_sim binomial draws, window count and p-value averaged over n_jitter jittered copies."""
    xs = np.sort(np.asarray(samples, dtype=float), axis=1)
    r, n = xs.shape
    a, b = np.log10(lower), np.log10(upper)
    bw = kde_null_bandwidths(xs) if bandwidths is None else bandwidths
    cdf = _kde_cdf(xs, bw, np.tile([a, b], (r, 1)))
    mass = np.clip(cdf[:, 1] - cdf[:, 0], 0.0, 1.0)
    out = np.empty(r, dtype=bool)
    step = max(1, ELEMENTS // max(n_sim, n_jitter * n))
    for s in range(0, r, step):
        m = min(step, r - s)
        jit = _jittered(xs[s : s + m], n_jitter, rng)
        counts = ((jit >= a) & (jit <= b)).sum(axis=2)  # (m, J)
        sims = rng.binomial(n, mass[s : s + m, None], size=(m, n_sim))
        offs = (np.arange(m) * (n + 1))[:, None]
        le = np.cumsum(np.bincount((sims + offs).ravel(), minlength=m * (n + 1)).reshape(m, n + 1), axis=1)
        p = ((1.0 + np.take_along_axis(le, counts, axis=1)) / (1.0 + n_sim)).mean(axis=1)
        out[s : s + m] = p <= alpha
    return out


def scan_rejects(samples, *, alpha, rng, points, n_boot=INNER_B, n_jitter=SCAN_JITTER, bandwidths=None) -> np.ndarray:
    """Window scan on each row as gap_tests runs gap_scan: grid of `points` bounds from min to max of
    the sample, KDE null fitted to it, max deficit LLR of each of n_jitter jittered copies against
    the max LLRs of n_boot null samples, p-value averaged over the copies."""
    xs = np.sort(np.asarray(samples, dtype=float), axis=1)
    r, n = xs.shape
    bw = kde_null_bandwidths(xs) if bandwidths is None else bandwidths
    frac = np.linspace(0.0, 1.0, points)
    g0, step_g = xs[:, 0], (xs[:, -1] - xs[:, 0]) / (points - 1)
    grid = g0[:, None] + frac[None, :] * (xs[:, -1] - xs[:, 0])[:, None]
    grid[:, -1] = xs[:, -1]
    ia, ib = np.triu_indices(points, k=1)
    cdf = _kde_cdf(xs, bw, grid)
    expected = n * (cdf[:, ib] - cdf[:, ia])
    a_tab, l1, l2, e = _llr_parts(expected, n)
    # observed: each jittered copy counted on the sample's grid (bounds inclusive)
    stat = np.empty((r, n_jitter))
    for k in range(r):
        jit = np.sort(_jittered(xs[k : k + 1], n_jitter, rng)[0], axis=1)
        obs = np.stack([np.searchsorted(d, grid[k, ib], side="right") - np.searchsorted(d, grid[k, ia], side="left") for d in jit])
        stat[k] = _llr_max(obs, (a_tab, l1[k], l2[k], e[k]), n)
    stat = np.sort(stat, axis=1)

    def exceed(idx, b):
        out = np.empty(idx.size, dtype=np.int64)
        chunk = max(1, ELEMENTS // (b * ia.size))
        for s in range(0, idx.size, chunk):
            i = idx[s : s + chunk]
            pick = rng.integers(0, n, size=(i.size, b, n))
            sims = np.take_along_axis(xs[i][:, None, :], pick, axis=2) + bw[i, None, None] * rng.standard_normal((i.size, b, n))
            cell = np.ceil((sims - g0[i, None, None]) / step_g[i, None, None]).astype(np.int64)
            np.clip(cell, 0, points, out=cell)
            rows = i.size * b
            cell = cell.reshape(rows, n) + (np.arange(rows, dtype=np.int64) * (points + 1))[:, None]
            cum = np.cumsum(np.bincount(cell.ravel(), minlength=rows * (points + 1)).reshape(rows, points + 1)[:, :points], axis=1)
            counts = (cum[:, ib] - cum[:, ia]).reshape(i.size, b, ia.size)
            null = _llr_max(counts, (a_tab, l1[i, None], l2[i, None], e[i, None]), n)  # (i, b)
            # sum over copies j of #{null >= stat_j - 1e-12}
            ge = np.stack([np.searchsorted(stat[k], null[j] + 1e-12, side="right") for j, k in enumerate(i)])
            out[s : s + chunk] = ge.sum(axis=1)
        return out

    return _sequential(r, exceed, alpha, n_boot, n_jitter)


def rejections(samples, tests, *, alpha, rng_for_test, opts: dict, reference=None) -> dict[str, dict]:
    """Rejection count, rate and Wilson 95% interval of each test in `tests` on the rows of `samples`.

    opts: lower, upper (window, parameters), dip_jitter, scan_points, deficit_sims, inner_boot.
    rng_for_test(name) gives each test its own Generator; reference: mixture LR reference."""
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    unknown = [t for t in tests if t not in TESTS]
    if unknown:
        raise GapstudyError(f"unknown test(s) {unknown}; choose from {', '.join(TESTS)}")
    b = int(opts.get("inner_boot", INNER_B))
    bw = kde_null_bandwidths(samples) if ("deficit" in tests or "scan" in tests) else None
    out = {}
    for name in tests:
        rng = rng_for_test(name)
        if name == "dip":
            rej = dip_rejects(samples, alpha=alpha, rng=rng, n_jitter=int(opts["dip_jitter"]))
        elif name == "mixture":
            rej = mixture_rejects(samples, alpha=alpha, rng=rng, reference=reference)
        elif name == "silverman":
            rej = silverman_rejects(samples, alpha=alpha, rng=rng, n_boot=b)
        elif name == "silverman_central":
            rej = silverman_rejects(samples, alpha=alpha, rng=rng, n_boot=b, central=CENTRAL)
        elif name == "excess_mass":
            rej = excess_mass_rejects(samples, alpha=alpha, rng=rng, n_boot=b)
        elif name == "deficit":
            rej = deficit_rejects(samples, alpha=alpha, rng=rng, lower=opts["lower"], upper=opts["upper"],
                                  n_sim=int(opts["deficit_sims"]), bandwidths=bw)
        else:
            rej = scan_rejects(samples, alpha=alpha, rng=rng, points=int(opts["scan_points"]), n_boot=b, bandwidths=bw)
        k = int(np.count_nonzero(rej))
        out[name] = {"rejections": k, "replicates": int(rej.size), "rate": k / rej.size, "ci": list(_wilson(k, rej.size))}
    return out


# ---------------------------------------------------------------- the bundled table

@dataclass(frozen=True)
class TableSize:
    """A measured size from the bundled table: the cell used and whether it covers the request."""

    test: str
    size: float
    ci: tuple[float, float]
    replicates: int
    n: int  # the requested sample size
    n_table: int  # the tabulated n used (nearest on a log scale)
    shape: str
    rounded: bool
    covered: bool  # n within the tabulated range (half a log step beyond its ends allowed)


def load_table(path=None) -> dict:
    """The bundled calibration table (or one at `path`), as written by the calibration experiment."""
    try:
        if path is None:
            text = resources.files("gapstudy.stats").joinpath(TABLE_FILE).read_text(encoding="utf-8")
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        return json.loads(text)
    except (OSError, ValueError) as exc:
        where = path or f"gapstudy/stats/{TABLE_FILE}"
        raise GapstudyError(f"cannot read the calibration table {where} ({exc}); rerun the calibration experiment "
                            f"with calibration.export=PATH") from None


def lookup_size(test: str, n: int, shape: str, rounded: bool, table: dict | None = None) -> TableSize:
    """Measured size of `test` under the null `shape` (rounded or not) at the tabulated sample size
    nearest to n on a log scale (sizes change slowly and roughly linearly in log n, and the grid
    30, 60, 120, 300 is close to log-spaced, so the nearest cell is within half a log step; no
    interpolation, which would mix two noisy estimates). `covered` is False when n lies more than
    half a log step (of the neighbouring grid spacing) outside the tabulated range."""
    tab = table if table is not None else load_table()
    rows = [r for r in tab["sizes"] if r["test"] == test and r["shape"] == shape and bool(r["rounded"]) == bool(rounded)]
    if not rows:
        raise GapstudyError(f"the calibration table has no sizes for test={test!r}, shape={shape!r}, rounded={rounded}; "
                            f"tests: {sorted({r['test'] for r in tab['sizes']})}, shapes: {sorted({r['shape'] for r in tab['sizes']})}")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise GapstudyError(f"n must be a positive integer sample size; got {n!r}")
    ns = np.array(sorted({int(r["n"]) for r in rows}))
    ln = np.log(ns)
    best = int(ns[np.argmin(np.abs(ln - math.log(n)))])
    if ns.size > 1:
        below, above = ln[0] - (ln[1] - ln[0]) / 2, ln[-1] + (ln[-1] - ln[-2]) / 2
    else:
        below = above = ln[0]
    covered = below - 1e-12 <= math.log(n) <= above + 1e-12
    row = next(r for r in rows if int(r["n"]) == best)
    return TableSize(test, float(row["size"]), (float(row["ci"][0]), float(row["ci"][1])), int(row["replicates"]),
                     int(n), best, shape, bool(rounded), bool(covered))
