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
from gapstudy.stats.nulls import TERRELL_OS
from gapstudy.stats.scan import deficit_llr
from gapstudy.stats.silverman import hall_york_lambda
from gapstudy.stats.simulate import _wilson

TESTS = ("dip", "silverman", "excess_mass", "mixture", "deficit", "scan")  # the gap tests gap_tests runs
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


def rejection_limit(alpha: float, n_boot: int) -> int:
    """Exceedances at which a Monte Carlo p-value (1 + c) / (1 + B) is above alpha: reject iff c < this."""
    return int(math.floor(alpha * (1 + n_boot) - 1 + 1e-9)) + 1


def _sequential(reps: int, exceed, alpha: float, n_boot: int) -> tuple[np.ndarray, np.ndarray]:
    """Reject flags and inner draws used per replicate: exceed(idx, b) returns, for the replicates
    idx, how many of b new inner statistics reach their observed one; rounds of BATCH draws go on
    only for replicates that could still reject."""
    limit = rejection_limit(alpha, n_boot)
    count = np.zeros(reps, dtype=np.int64)
    drawn = np.zeros(reps, dtype=np.int64)
    active = np.arange(reps)
    while active.size:
        b = int(min(BATCH, n_boot - drawn[active[0]]))
        count[active] += exceed(active, b)
        drawn[active] += b
        active = active[(count[active] < limit) & (drawn[active] < n_boot)]
    return count < limit, drawn


# ---------------------------------------------------------------- binned mode counts, critical bandwidths

def modes_unit(u: np.ndarray, span: np.ndarray, pph: int = PPH) -> np.ndarray:
    """Modes of the Gaussian KDE with bandwidth 1 of each row of u (rows shifted to start at >= 0,
    row r spanning at most span[r]); a KDE at bandwidth h of x has the modes of x / h at 1.
    Rows are grouped by span so each group gets a grid just wide enough (PPH points per unit)."""
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
        _, slopes = kde.binned_slopes(u[take], 1.0, -1.0, top + 1.0, grid_size(top))
        out[take] = kde.count_modes_rows(slopes)
        s += take.size
    return out


def critical_bandwidths(samples) -> np.ndarray:
    """Smallest bandwidth with one KDE mode for every row of `samples`, all rows bisected together
    on binned KDEs (PPH points per bandwidth) to HCRIT_RTOL; within ~1e-3 of the exact
    gapstudy.stats.critical_bandwidth (see PPH), then raised by HCRIT_SAFETY: at most ~0.12% above
    the exact value and never below it in our checks, at a small fraction of its cost."""
    xs = np.sort(np.atleast_2d(np.asarray(samples, dtype=float)), axis=1)
    width = xs[:, -1] - xs[:, 0]
    if np.any(width <= 0):
        raise GapstudyError("every sample needs at least 2 distinct values for a critical bandwidth")
    z = (xs - xs[:, :1]) / width[:, None]  # each row on [0, 1]; h in units of the row's range

    def multimodal(idx, h):
        return modes_unit(z[idx] / h[:, None], 1.0 / h) > 1

    hi = np.ones(xs.shape[0])  # at h = range the KDE is unimodal (see silverman.critical_bandwidth)
    lo = np.full(xs.shape[0], 0.5)
    todo = np.arange(xs.shape[0])
    while todo.size:
        m = multimodal(todo, lo[todo])
        done = todo[m]
        todo = todo[~m]
        hi[todo], lo[todo] = lo[todo], lo[todo] / 2
        if todo.size and lo[todo].min() < 1e-9:  # pragma: no cover - needs ~1e9 cells per range
            raise GapstudyError("critical bandwidth search failed: a KDE never has two modes")
        del done
    active = np.arange(xs.shape[0])
    while active.size:
        mid = np.sqrt(lo[active] * hi[active])
        m = multimodal(active, mid)
        lo[active[m]] = mid[m]
        hi[active[~m]] = mid[~m]
        active = active[hi[active] / lo[active] - 1 > HCRIT_RTOL]
    return hi * width * (1 + HCRIT_SAFETY)


def _kde_null_bandwidths(xs: np.ndarray, hcrit: np.ndarray) -> np.ndarray:
    """Bandwidth of fit_null(x, "kde") per row: max(Terrell's oversmoothed h, h_crit)."""
    n = xs.shape[1]
    return np.maximum(TERRELL_OS * xs.std(axis=1, ddof=1) * n ** (-0.2), hcrit)


def _kde_cdf(xs: np.ndarray, bw: np.ndarray, t: np.ndarray) -> np.ndarray:
    """cdf of each row's Gaussian KDE (bandwidth bw[r]) at points t[r, :] (rows processed in chunks)."""
    r, n = xs.shape
    out = np.empty(t.shape)
    step = max(1, ELEMENTS // (n * t.shape[1]))
    for s in range(0, r, step):
        out[s : s + step] = ndtr((t[s : s + step, :, None] - xs[s : s + step, None, :]) / bw[s : s + step, None, None]).mean(axis=2)
    return out


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


def silverman_rejects(samples, hcrit, *, alpha, rng, n_boot=INNER_B) -> np.ndarray:
    """Silverman's test with Hall & York's lambda on each row: smoothed bootstrap from the KDE at
    h_crit (rescaled to the sample variance), modes counted at lambda h_crit on the whole line,
    as silverman_test does, for all undecided replicates in one array per round."""
    xs = np.asarray(samples, dtype=float)
    n = xs.shape[1]
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
            u = (boot - boot.min(axis=2, keepdims=True)) / hb
            modes = modes_unit(u.reshape(-1, n), u.max(axis=2).reshape(-1), BOOT_PPH).reshape(i.size, b)
            out[s : s + step] = (modes > 1).sum(axis=1)
        return out

    return _sequential(xs.shape[0], exceed, alpha, n_boot)[0]


def excess_mass_rejects(samples, hcrit, *, alpha, rng, n_boot=INNER_B) -> np.ndarray:
    """Excess-mass test (k = 1) on each row: statistic 2 x dip (Müller & Sawitzki's identity, which
    excess_mass_test uses for its bootstrap), bootstrap from calibration_density at h_crit."""
    import diptest  # noqa: PLC0415 - the C dip, as excess_mass_test uses

    xs = np.sort(np.asarray(samples, dtype=float), axis=1)
    stat = np.array([2.0 * diptest.dipstat(r, sort_x=False) for r in xs])
    dens = {}

    def exceed(idx, b):
        out = np.empty(idx.size, dtype=np.int64)
        for j, r in enumerate(idx):
            if r not in dens:
                dens[r] = calibration_density(xs[r], 1, h_crit=float(hcrit[r]), binned=True)
            boot = np.sort(dens[r].sample((b, xs.shape[1]), rng), axis=1)
            null = np.array([2.0 * diptest.dipstat(row, sort_x=False) for row in boot])
            out[j] = np.count_nonzero(null >= stat[r] - 1e-12)
        return out

    rejects, _ = _sequential(xs.shape[0], exceed, alpha, n_boot)
    return rejects


def deficit_rejects(samples, hcrit, *, alpha, rng, lower, upper, n_sim) -> np.ndarray:
    """Deficit test in [lower, upper] (parameters) under the KDE null on each row, with n_sim
    binomial draws per replicate as deficit_test makes them."""
    xs = np.sort(np.asarray(samples, dtype=float), axis=1)
    r, n = xs.shape
    a, b = np.log10(lower), np.log10(upper)
    bw = _kde_null_bandwidths(xs, hcrit)
    cdf = _kde_cdf(xs, bw, np.tile([a, b], (r, 1)))
    mass = cdf[:, 1] - cdf[:, 0]
    observed = ((xs >= a) & (xs <= b)).sum(axis=1)
    out = np.empty(r, dtype=bool)
    step = max(1, ELEMENTS // n_sim)
    for s in range(0, r, step):
        sims = rng.binomial(n, mass[s : s + step, None], size=(min(step, r - s), n_sim))
        p = (1.0 + (sims <= observed[s : s + step, None]).sum(axis=1)) / (1.0 + n_sim)
        out[s : s + step] = p <= alpha
    return out


def scan_rejects(samples, hcrit, *, alpha, rng, points, n_boot=INNER_B) -> np.ndarray:
    """Window scan on each row as gap_tests runs it (grid of `points` bounds from min to max, KDE
    null, max deficit LLR), its look-elsewhere null from n_boot draws per replicate."""
    xs = np.sort(np.asarray(samples, dtype=float), axis=1)
    r, n = xs.shape
    bw = _kde_null_bandwidths(xs, hcrit)
    frac = np.linspace(0.0, 1.0, points)
    g0, step_g = xs[:, 0], (xs[:, -1] - xs[:, 0]) / (points - 1)
    grid = g0[:, None] + frac[None, :] * (xs[:, -1] - xs[:, 0])[:, None]
    grid[:, -1] = xs[:, -1]
    ia, ib = np.triu_indices(points, k=1)
    cdf = _kde_cdf(xs, bw, grid)
    expected = n * (cdf[:, ib] - cdf[:, ia])
    right = np.stack([np.searchsorted(xs[i], grid[i], side="right") for i in range(r)])
    left = np.stack([np.searchsorted(xs[i], grid[i], side="left") for i in range(r)])
    stat = deficit_llr(right[:, ib] - left[:, ia], expected, n).max(axis=1)
    # A null replicate reaches the observed maximum iff some window's count is at most c[r, w], the
    # largest count whose LLR is >= stat - 1e-12 (the LLR falls as the count rises towards the
    # expected one, and is 0 above it): found by bisection over counts, so the inner loop compares
    # integers instead of evaluating logarithms.
    top = np.full(expected.shape, n, dtype=np.int64)
    bottom = np.full(expected.shape, -1, dtype=np.int64)  # invariant: LLR(bottom) >= stat (or bottom = -1)
    for _ in range(int(math.ceil(math.log2(n + 2))) + 1):
        mid = (top + bottom + 1) // 2
        ok = deficit_llr(mid, expected, n) >= stat[:, None] - 1e-12
        ok &= mid > bottom
        bottom = np.where(ok, mid, bottom)
        top = np.where(ok, top, mid - 1)
    limit = bottom  # -1: no count reaches stat in that window

    def exceed(idx, b):
        out = np.empty(idx.size, dtype=np.int64)
        w = ia.size
        chunk = max(1, ELEMENTS // (b * w))
        for s in range(0, idx.size, chunk):
            i = idx[s : s + chunk]
            pick = rng.integers(0, n, size=(i.size, b, n))
            sims = np.take_along_axis(xs[i][:, None, :], pick, axis=2) + bw[i, None, None] * rng.standard_normal((i.size, b, n))
            cell = np.ceil((sims - g0[i, None, None]) / step_g[i, None, None]).astype(np.int64)
            np.clip(cell, 0, points, out=cell)
            rows = i.size * b
            cell = cell.reshape(rows, n) + (np.arange(rows, dtype=np.int64) * (points + 1))[:, None]
            cum = np.cumsum(np.bincount(cell.ravel(), minlength=rows * (points + 1)).reshape(rows, points + 1)[:, :points], axis=1)
            hit = ((cum[:, ib] - cum[:, ia]).reshape(i.size, b, w) <= limit[i, None, :]).any(axis=2)
            out[s : s + chunk] = hit.sum(axis=1)
        return out

    return _sequential(r, exceed, alpha, n_boot)[0]


def rejections(samples, tests, *, alpha, rng_for_test, opts: dict, reference=None) -> dict[str, dict]:
    """Rejection count, rate and Wilson 95% interval of each test in `tests` on the rows of `samples`.

    opts: lower, upper (window, parameters), dip_jitter, scan_points, deficit_sims, inner_boot.
    rng_for_test(name) gives each test its own Generator; reference: mixture LR reference."""
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    unknown = [t for t in tests if t not in TESTS]
    if unknown:
        raise GapstudyError(f"unknown test(s) {unknown}; choose from {', '.join(TESTS)}")
    need_h = any(t in tests for t in ("silverman", "excess_mass", "deficit", "scan"))
    hcrit = critical_bandwidths(samples) if need_h else None
    b = int(opts.get("inner_boot", INNER_B))
    out = {}
    for name in tests:
        rng = rng_for_test(name)
        if name == "dip":
            rej = dip_rejects(samples, alpha=alpha, rng=rng, n_jitter=int(opts["dip_jitter"]))
        elif name == "mixture":
            rej = mixture_rejects(samples, alpha=alpha, rng=rng, reference=reference)
        elif name == "silverman":
            rej = silverman_rejects(samples, hcrit, alpha=alpha, rng=rng, n_boot=b)
        elif name == "excess_mass":
            rej = excess_mass_rejects(samples, hcrit, alpha=alpha, rng=rng, n_boot=b)
        elif name == "deficit":
            rej = deficit_rejects(samples, hcrit, alpha=alpha, rng=rng, lower=opts["lower"], upper=opts["upper"],
                                  n_sim=int(opts["deficit_sims"]))
        else:
            rej = scan_rejects(samples, hcrit, alpha=alpha, rng=rng, points=int(opts["scan_points"]), n_boot=b)
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
