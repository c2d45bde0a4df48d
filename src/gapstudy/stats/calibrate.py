"""Vectorised size and power of the gap tests over many replicate samples, and the bundled table of measured sizes."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from gapstudy.errors import GapstudyError
from gapstudy.stats import critical, deficit, dip, scan, skewt
from gapstudy.stats.excess_mass import calibration_density
from gapstudy.stats.mixture import START_SPLITS, bimodality_lr, sample_two_normals, skewt_lr
from gapstudy.stats.rounding import has_ties, jitter_bounds
from gapstudy.stats.silverman import CENTRAL, finite_sample_lambda, hall_york_lambda
from gapstudy.stats.simulate import _wilson

# The gap tests as gap_tests runs them: each library default, plus Silverman's whole-line
# Hall-York variant kept under its own name (flagged: it over-rejects heavy-tailed data), and two
# that the experiment measures only when calibration.tests names them: silverman_hy,
# silverman_test(calibration="central") (Hall & York's asymptotic lambda on the central 90%, the
# default until 2026-12-07: over-rejects skewed samples at n = 60), and mixture_hv,
# mixture_test(method="bimodality") (Holzmann & Vollmer's LR, conservative).
TESTS = ("dip", "silverman", "silverman_hy", "silverman_whole_line", "excess_mass", "mixture", "mixture_hv", "deficit", "scan")
DEFAULT_TESTS = tuple(t for t in TESTS if t not in ("mixture_hv", "silverman_hy"))  # the experiment's default grid
# Version of each test's method here (or of the library test it mirrors), part of the calibration
# experiment's cache keys: bump one when its numbers would change. 2026-12 (issue 10): calibrated
# dip, refitted deficit and scan, data-like mixture null, one tie-breaking draw everywhere;
# dip 3: against the excess-mass calibration density, 4: its p-value mapped by n (dip.PVALUE_MAP), 5: by n and ties (PVALUE_MAP_TIED); mixture 4: the bimodality LR (Holzmann & Vollmer 2008), 5: its EM in moment form (same fits but for ~2% of t4 samples, whose constrained path now ends higher), 6: two normals against a skew-t (the 4-5 test is now mixture_hv); silverman 3: modes on the central 90%, 4: the finite-sample lambda (3 is now silverman_hy); deficit 3: bootstrap draws from the smoother generator (deficit.GENERATOR_SMOOTHING).
METHOD_VERSION = {"dip": 5, "silverman": 4, "silverman_hy": 3, "silverman_whole_line": 2, "excess_mass": 2, "mixture": 6, "mixture_hv": 5, "deficit": 3, "scan": 2}
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
BATCH = 25
# Work-array budget (elements) per chunk: ~32 MB of float64.
ELEMENTS = 4_000_000
# Work-array budget (elements) for the mixture fits: samples fitted together = this / (EM starts x n),
# ~32 MB per array (2,666 samples of 300, 13,333 of 60). Fits are independent per sample, so the
# chunk changes no number; large chunks spread the per-iteration cost of the EM and ECM loops
# (whose last iterations run on few unconverged samples) over many samples: 2x faster on a
# normal n = 60 cell than chunks of 200 (2026-12-03).
MIXTURE_ELEMENTS = 4_000_000
# Bundled table of measured sizes (written by the calibration experiment with calibration.export).
TABLE_FILE = "calibration_table.json"


def rejection_limit(alpha, n_boot: int):
    """Reject iff fewer than this many inner statistics reach the observed one:
    (1 + ge) / (1 + B) <= alpha iff ge <= alpha (1 + B) - 1. alpha: one level (an int back) or an array of levels."""
    limit = np.floor(np.asarray(alpha, dtype=float) * (1 + n_boot) - 1 + 1e-9).astype(np.int64) + 1
    return int(limit) if limit.ndim == 0 else limit


def _sequential(reps: int, exceed, alpha, n_boot: int, tie_rng: np.random.Generator | None = None) -> np.ndarray:
    """Reject flags per replicate: exceed(idx, b) returns, for the replicates idx, the count of b
    new inner statistics reaching the observed ones; rounds of BATCH draws go on only for
    replicates that could still reject (their count only grows). alpha: one level, or one per replicate.

    A level with alpha (1 + B) not an integer L + f (0 < f < 1) needs tie_rng: a replicate with
    exactly L counts is rejected with probability f, so that the test has size alpha exactly when
    the inner null is exact (P(count < L) = L / (1 + B) for a uniform p-value), as the B = infinity
    test it stands for; rounding the limit instead would test at L / (1 + B)."""
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (reps,))
    total, limit = alpha * (1 + n_boot), rejection_limit(alpha, n_boot)
    frac = np.where(total - limit > 1e-9, total - limit, 0.0)
    if np.any(frac > 0) and tie_rng is None:
        raise GapstudyError(f"alpha (1 + B) = {total[np.argmax(frac)]:.4f} is not an integer: a randomised limit needs tie_rng")
    stop = limit + (frac > 0)  # a count at the limit can still reject (with probability frac)
    count = np.zeros(reps, dtype=np.int64)
    drawn = 0
    active = np.arange(reps)
    while active.size and drawn < n_boot:
        b = int(min(BATCH, n_boot - drawn))
        count[active] += exceed(active, b)
        drawn += b
        active = active[count[active] < stop[active]]
    if not np.any(frac > 0):
        return count < limit
    return (count < limit) | ((count == limit) & (tie_rng.random(reps) < frac))


def jittered(xs: np.ndarray, rng) -> np.ndarray:
    """One "log10" tie-breaking draw of every row (as gap_tests runs every test), sorted."""
    lo, hi = jitter_bounds(xs, "log10")
    return np.sort(lo + rng.random(xs.shape) * (hi - lo), axis=1)


# ---------------------------------------------------------------- one vectorised test each
# Each takes the tie-broken, sorted replicate samples and returns a reject flag per row.

def silverman_rejects(xs, *, alpha, rng, n_boot=INNER_B, central: float | None = CENTRAL,
                      lam: str = "calibrated", densities: Densities | None = None) -> np.ndarray:
    """Silverman's test on each row, modes counted inside the row's central share CENTRAL or, central=None,
    on the whole line, for h_crit and every bootstrap KDE: smoothed bootstrap from the KDE at h_crit
    (rescaled to the sample variance), all undecided replicates in one array per round. lam:
    "calibrated" (silverman_test's default: the finite-sample lambda of n) or "hall-york" (asymptotic). densities: the
    cell's Densities, whose whole-line critical bandwidths the whole-line test shares (the same computation)."""
    n = xs.shape[1]
    hcrit = densities.h_crit() if central is None and densities is not None else critical.critical_bandwidths(xs, central)
    if central is not None:
        if np.any(hcrit <= 0):
            raise GapstudyError("a sample's central part never shows two modes; silverman needs spread-out data")
        q = np.quantile(xs, [(1 - central) / 2, (1 + central) / 2], axis=1)
    if lam not in ("calibrated", "hall-york"):
        raise GapstudyError(f"lam must be 'calibrated' or 'hall-york'; got {lam!r}")
    lam = finite_sample_lambda(n, alpha) if lam == "calibrated" else hall_york_lambda(alpha)
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
                modes = critical.modes_unit(u.reshape(-1, n), u.max(axis=2).reshape(-1), critical.BOOT_PPH)
            else:  # the interval in the same centred, shifted, scaled coordinates
                ilo = ((q[0][i, None, None] - mean[i, None, None] - low) / hb).reshape(-1)
                ihi = ((q[1][i, None, None] - mean[i, None, None] - low) / hb).reshape(-1)
                modes = critical.modes_unit(u.reshape(-1, n), u.max(axis=2).reshape(-1), critical.BOOT_PPH, ilo, ihi)
            out[s : s + step] = (modes.reshape(i.size, b) > 1).sum(axis=1)
        return out

    return _sequential(xs.shape[0], exceed, alpha, n_boot)


class Densities:
    """The excess-mass calibration density of each row, built on first use and shared by the
    dip and excess-mass tests of one cell (each costs a few ms), and the rows' whole-line critical
    bandwidths, which the densities and the whole-line Silverman test share."""

    def __init__(self, xs: np.ndarray):
        self.xs = xs
        self.h = None
        self.built: dict[int, object] = {}

    def h_crit(self) -> np.ndarray:
        if self.h is None:
            self.h = critical.critical_bandwidths(self.xs)
        return self.h

    def __getitem__(self, i: int):
        if i not in self.built:
            self.built[i] = calibration_density(self.xs[i], 1, h_crit=float(self.h_crit()[i]), binned=True)
        return self.built[i]


def _calibrated_dip_rejects(xs, factor, *, alpha, rng, n_boot, densities, tie_rng=None) -> np.ndarray:
    """factor x dip of each row against factor x dips of samples from the row's calibration
    density (sequential rounds), rejecting at level alpha; factor 1 is the data-like dip, 2 the
    excess mass (k = 1)."""
    r, n = xs.shape
    dens = densities if densities is not None else Densities(xs)
    stat = np.array([factor * dip.dip(x) for x in xs])

    def exceed(idx, b):
        out = np.empty(idx.size, dtype=np.int64)
        for j, k in enumerate(idx):
            null = factor * dip.sorted_dips(dens[k].sample_sorted((b, n), rng))
            out[j] = int(np.count_nonzero(null >= stat[k] - 1e-12))
        return out

    return _sequential(r, exceed, alpha, n_boot, tie_rng)


def dip_rejects(xs, *, alpha, rng, n_boot=INNER_B, densities: Densities | None = None,
                tied: np.ndarray | None = None) -> np.ndarray:
    """Calibrated dip (dip_test's default) on each row: bootstrap from the row's calibration density,
    rejecting when the data-like p-value is at most dip.pvalue_level(n, alpha, tied), the level at
    which its calibrated p-value F_n(p) reaches alpha (a randomised limit between two inner counts).
    tied: per row, whether the sample had tied values before its tie-breaking draw (default: none)."""
    n = xs.shape[1]
    tied = np.zeros(xs.shape[0], dtype=bool) if tied is None else np.asarray(tied, dtype=bool)
    if n >= dip.CALIBRATED_MIN_N:
        level = np.where(tied, dip.pvalue_level(n, alpha, True), dip.pvalue_level(n, alpha, False))
    else:
        level = np.full(xs.shape[0], float(alpha))
    return _calibrated_dip_rejects(xs, 1.0, alpha=level, rng=rng, n_boot=n_boot, densities=densities,
                                   tie_rng=rng.spawn(1)[0])


def excess_mass_rejects(xs, *, alpha, rng, n_boot=INNER_B, densities: Densities | None = None) -> np.ndarray:
    """Excess-mass test (k = 1, ACR calibration) on each row as excess_mass_test runs it:
    statistic 2 x dip, bootstrap from the row's calibration density."""
    return _calibrated_dip_rejects(xs, 2.0, alpha=alpha, rng=rng, n_boot=n_boot, densities=densities)


def _mixture_chunk(n: int) -> int:
    """Samples of n fitted together by the mixture fits (within MIXTURE_ELEMENTS)."""
    return max(1, MIXTURE_ELEMENTS // (len(START_SPLITS) * n))


def _skewt_lr_rows(xs):
    """skewt_lr on many rows, in chunks within the mixture work-array budget."""
    chunk = _mixture_chunk(xs.shape[1])
    stat = np.empty(xs.shape[0])
    fits = []
    for s in range(0, xs.shape[0], chunk):
        stat[s : s + chunk], _, st = skewt_lr(xs[s : s + chunk])
        fits.append(st)
    return stat, {k: np.concatenate([f[k] for f in fits]) for k in fits[0]}


def mixture_rejects(xs, *, alpha, rng, n_boot=INNER_B, warp: bool = False) -> np.ndarray:
    """Mixture test (mixture_test's default, two normals against a skew-t) on each row: its LR
    against LRs of samples from the row's own fitted skew-t, each refitted by both models.
    warp=False: the sequential Monte Carlo test of every row, as the library runs it;
    warp=True: the warp-speed estimate (Giacomini, Politis & White 2013, Econometric Theory
        29:567-589): ONE bootstrap sample per row, every row's LR compared with the pooled
        bootstrap LRs of all rows (2 x 2 fits per row instead of ~45 x 2 under a null)."""
    r, n = xs.shape
    stat, st = _skewt_lr_rows(xs)
    if warp:
        pooled = np.sort(_skewt_lr_rows(skewt.sample(st, n, rng))[0])
        ge = r - np.searchsorted(pooled, stat - 1e-9, side="left")
        return (1.0 + ge) / (1.0 + r) <= alpha

    def exceed(idx, b):
        boot = _skewt_lr_rows(skewt.sample(st, n, rng, rows=np.repeat(idx, b)))[0]
        return np.count_nonzero(boot.reshape(idx.size, b) >= stat[idx, None] - 1e-9, axis=1)

    return _sequential(r, exceed, alpha, n_boot)


def mixture_hv_rejects(xs, *, alpha, rng, n_boot=INNER_B, warp: bool = False) -> np.ndarray:
    """Mixture bimodality test (mixture_test(method="bimodality")) on each row: the bimodality LR against
    LRs of samples from the row's best unimodal two-normal fit. Rows whose best fit is unimodal
    have LR 0 and p = 1 and draw nothing, as in the library. Each fit costs ~1-4 ms, and a row
    that rejects needs all n_boot of its draws, so:
    warp=False: the Monte Carlo test of every row (sequential rounds), for sizes;
    warp=True: the warp-speed estimate (Giacomini, Politis & White 2013, Econometric Theory
        29:567-589): ONE bootstrap sample per row, every row's LR compared with the pooled
        bootstrap LRs of all rows, at the cost of 2 fits per row; for power under alternatives,
        where most rows reject. (On the unimodal nulls it misstated sizes near 0.005 as ~0.02 at
        n = 300, so sizes use warp=False.)"""
    r, n = xs.shape
    chunk = _mixture_chunk(n)
    lr = np.zeros(r)
    unimodal = np.zeros((r, 5))
    for s in range(0, r, chunk):
        lr[s : s + chunk], _, (unimodal[s : s + chunk], _) = bimodality_lr(xs[s : s + chunk])

    def boot_lr(params, below=None):
        sims = sample_two_normals(params, n, rng)
        cut = None if below is None else np.broadcast_to(below, sims.shape[:1])
        return np.concatenate([bimodality_lr(sims[s : s + chunk], below=None if cut is None else cut[s : s + chunk])[0]
                               for s in range(0, sims.shape[0], chunk)])

    if warp:
        pooled = np.sort(boot_lr(unimodal))
        ge = r - np.searchsorted(pooled, lr - 1e-9, side="left")
        return (lr > 0) & ((1.0 + ge) / (1.0 + r) <= alpha)
    live = np.flatnonzero(lr > 0)
    reject = np.zeros(r, dtype=bool)
    if live.size:
        def exceed(idx, b):
            rows = live[idx]
            # each draw only has to be compared with its row's LR (exact decisions, fewer fits)
            boot = boot_lr(np.repeat(unimodal[rows], b, axis=0), below=np.repeat(lr[rows] - 1e-9, b))
            return np.count_nonzero(boot.reshape(rows.size, b) >= lr[rows, None] - 1e-9, axis=1)

        reject[live] = _sequential(live.size, exceed, alpha, n_boot)
    return reject


def deficit_rejects(xs, *, alpha, rng, lower, upper, null="kde", n_boot=INNER_B) -> np.ndarray:
    """Deficit test in [lower, upper] (parameters) on each row as deficit_test runs it: mid-p of
    the window count against the row's fitted null, bootstrap of the whole procedure (refit per draw)."""
    a, b = math.log10(lower), math.log10(upper)
    u, _, _, params = deficit.window_stats(xs, a, b, null)

    def exceed(idx, size):
        sub = {k: v[idx] for k, v in params.items()}
        boot = deficit.bootstrap_midp(xs[idx], sub, a, b, null, size, rng)
        return np.count_nonzero(boot <= u[idx, None] + 1e-12, axis=1)

    return _sequential(xs.shape[0], exceed, alpha, n_boot)


def scan_rejects(xs, *, alpha, rng, points, null="kde", n_boot=INNER_B) -> np.ndarray:
    """Window scan on each row as gap_scan(points=...) runs it: max deficit LLR on the row's own
    grid against its own fitted null, bootstrap of the whole scan (refit and regrid per draw)."""
    stat, params, _ = scan.scan_stats(xs, null, points, None, exact=True)

    def exceed(idx, size):
        out = np.empty(idx.size, dtype=np.int64)
        step = max(1, 2000 // size)
        for s in range(0, idx.size, step):
            i = idx[s : s + step]
            sub = {k: v[i] for k, v in params.items()}
            boot = scan.bootstrap_max_llr(xs[i], sub, null, points, None, size, rng)
            out[s : s + step] = np.count_nonzero(boot >= stat[i, None] - 1e-9, axis=1)
        return out

    return _sequential(xs.shape[0], exceed, alpha, n_boot)


def rejections(samples, tests, *, alpha, rng_for_test, opts: dict) -> dict[str, dict]:
    """Rejection count, rate and Wilson 95% interval of each test in `tests` on the rows of `samples`.

    opts: lower, upper (window, parameters), scan_points, inner_boot, null (deficit/scan null),
    mixture_warp / mixture_hv_warp (the mixture tests' warp-speed estimates).
    rng_for_test(name) gives each test its own Generator (and "jitter" the tie-breaking draw)."""
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    unknown = [t for t in tests if t not in TESTS]
    if unknown:
        raise GapstudyError(f"unknown test(s) {unknown}; choose from {', '.join(TESTS)}")
    b = int(opts.get("inner_boot", INNER_B))
    xs = jittered(samples, rng_for_test("jitter"))
    tied = has_ties(np.sort(samples, axis=1))  # before the tie-breaking draw
    dens = Densities(xs)
    out = {}
    for name in tests:
        rng = rng_for_test(name)
        if name == "dip":
            rej = dip_rejects(xs, alpha=alpha, rng=rng, n_boot=b, densities=dens, tied=tied)
        elif name == "mixture":
            rej = mixture_rejects(xs, alpha=alpha, rng=rng, n_boot=b, warp=bool(opts.get("mixture_warp", False)))
        elif name == "mixture_hv":
            rej = mixture_hv_rejects(xs, alpha=alpha, rng=rng, n_boot=b, warp=bool(opts.get("mixture_hv_warp", False)))
        elif name == "silverman":
            rej = silverman_rejects(xs, alpha=alpha, rng=rng, n_boot=b, central=CENTRAL)
        elif name == "silverman_hy":
            rej = silverman_rejects(xs, alpha=alpha, rng=rng, n_boot=b, central=CENTRAL, lam="hall-york")
        elif name == "silverman_whole_line":
            rej = silverman_rejects(xs, alpha=alpha, rng=rng, n_boot=b, central=None, lam="hall-york", densities=dens)
        elif name == "excess_mass":
            rej = excess_mass_rejects(xs, alpha=alpha, rng=rng, n_boot=b, densities=dens)
        elif name == "deficit":
            rej = deficit_rejects(xs, alpha=alpha, rng=rng, lower=opts["lower"], upper=opts["upper"],
                                  null=opts.get("null", "kde"), n_boot=b)
        else:
            rej = scan_rejects(xs, alpha=alpha, rng=rng, points=int(opts["scan_points"]), null=opts.get("null", "kde"), n_boot=b)
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
