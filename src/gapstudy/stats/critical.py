"""Critical bandwidths and KDE mode counts of many samples at once, on binned KDEs (array operations across samples)."""

from __future__ import annotations

import math

import numpy as np

from gapstudy.errors import GapstudyError
from gapstudy.stats import kde

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
# Work-array budget (elements) per chunk of binned KDEs: ~32 MB of float64.
ELEMENTS = 4_000_000


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


def critical_bandwidths(samples, central: float | None = None, *, bounds=None) -> np.ndarray:
    """Smallest bandwidth with one KDE mode for every row of `samples`, all rows bisected together
    on binned KDEs (PPH points per bandwidth) to HCRIT_RTOL; within ~1e-3 of the exact
    gapstudy.stats.critical_bandwidth (see PPH), then raised by HCRIT_SAFETY: at most ~0.12% above
    the exact value and never below it in our checks, at a small fraction of its cost.
    central=0.95: count modes only inside the row's central 95% (its 2.5% and 97.5% quantiles), as
    fit_null's KDE null does; a row whose bulk never shows two modes down to 1/1000 of its range
    gets 0 (fit_null gives 0 when none shows down to 1e-9: any bandwidth is then unimodal there).
    bounds=(lo, hi): count modes only inside [lo[r], hi[r]] (arrays, the samples' units) instead, e.g.
    the central interval of the sample a bootstrap row was drawn from (Silverman's test keeps it fixed)."""
    xs = np.sort(np.atleast_2d(np.asarray(samples, dtype=float)), axis=1)
    width = xs[:, -1] - xs[:, 0]
    if np.any(width <= 0):
        raise GapstudyError("every sample needs at least 2 distinct values for a critical bandwidth")
    z = (xs - xs[:, :1]) / width[:, None]  # each row on [0, 1]; h in units of the row's range
    whole_line = bounds is None and central is None
    if bounds is not None:
        qlo = (np.asarray(bounds[0], dtype=float) - xs[:, 0]) / width
        qhi = (np.asarray(bounds[1], dtype=float) - xs[:, 0]) / width
    elif central is not None:
        q = np.quantile(z, [(1 - central) / 2, (1 + central) / 2], axis=1)
        qlo, qhi = q[0], q[1]
    result = np.zeros(xs.shape[0])
    rows = np.arange(xs.shape[0]) if whole_line else np.flatnonzero(qlo < qhi)

    def multimodal(idx, h):
        if whole_line:
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
    if whole_line and not found.all():  # pragma: no cover - two distinct values always give two modes
        raise GapstudyError("critical bandwidth search failed: a KDE never has two modes")
    return result
