"""One line or two: a searched-breakpoint test of a trend, with a bootstrap p-value and interval."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapstudy.errors import GapstudyError


def _segment_rss(cx, cy, cxx, cxy, cyy, n):
    """Residual sum of squares of a least-squares line from running sums over n points."""
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx = cxx - cx * cx / n
        sxy = cxy - cx * cy / n
        syy = cyy - cy * cy / n
        return np.where(sxx > 1e-12, syy - sxy * sxy / sxx, syy)


def _split_stats(x: np.ndarray, y: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows of date-sorted (x, y): F statistic of two lines vs one at every split k (points
    0..k-1 left), -inf where the split is not allowed, and the one-line RSS."""
    n = x.shape[-1]
    csum = [np.cumsum(a, axis=-1) for a in (x, y, x * x, x * y, y * y)]
    tot = [c[..., -1:] for c in csum]
    k = np.arange(1, n)  # left segment sizes
    left = [c[..., :-1] for c in csum]
    right = [t - c for t, c in zip(tot, left)]
    rss_left = _segment_rss(*left, k)
    rss_right = _segment_rss(*right, n - k)
    rss2 = rss_left + rss_right
    rss1 = _segment_rss(*tot, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        f = ((rss1 - rss2) / 2.0) / (rss2 / (n - 4))
    f = np.where(valid, f, -np.inf)
    return f, rss1[..., 0]


def _valid_splits(x: np.ndarray, lo: float, hi: float, min_segment: int) -> tuple[np.ndarray, np.ndarray]:
    """Allowed splits of date-sorted rows x: distinct neighbours, breakpoint in [lo, hi], big enough sides."""
    n = x.shape[-1]
    k = np.arange(1, n)
    mid = (x[..., :-1] + x[..., 1:]) / 2.0
    valid = (x[..., 1:] > x[..., :-1]) & (mid >= lo) & (mid <= hi) & (k >= min_segment) & (n - k >= min_segment)
    return valid, mid


@dataclass(frozen=True)
class BreakResult:
    """Sup-F test of a break in a line; the breakpoint, its interval and both segments' slopes."""

    statistic: float
    pvalue: float
    breakpoint: float
    breakpoint_ci: tuple[float, float]
    slope_before: float
    slope_after: float
    jump: float  # orders of magnitude between the two lines at the breakpoint
    n: int
    null_distribution: np.ndarray

    def as_dict(self) -> dict:
        return {
            "statistic": self.statistic,
            "pvalue": self.pvalue,
            "breakpoint": self.breakpoint,
            "breakpoint_ci": list(self.breakpoint_ci),
            "slope_before": self.slope_before,
            "slope_after": self.slope_after,
            "jump_oom": self.jump,
            "n": self.n,
        }


# Replicates are computed in blocks of about this many cells (block rows x n): each cell holds a
# dozen float64 temporaries in _split_stats, so a block stays near 100 MB however large the sample
# (1,000 replicates of 35k models at once took 4.4 GB).
_BLOCK_CELLS = 1_000_000


def _blocks(total: int, n: int):
    """Sizes of consecutive blocks of `total` replicates of n points each."""
    rows = max(1, _BLOCK_CELLS // max(n, 1))
    for start in range(0, total, rows):
        yield min(rows, total - start)


def _line(x, y):
    b, a = np.polyfit(x, y, 1)
    return a, b


def break_test(x, y, *, search: tuple[float, float], min_segment: int = 5, n_null: int = 1000,
               n_boot: int = 1000, level: float = 0.95, rng: np.random.Generator) -> BreakResult:
    """Is a line with a break (own slope and intercept each side) better than one line?

    The statistic is the largest F over breakpoints in `search` (a sup-F test, Andrews 1993); its
    null distribution comes from a residual bootstrap of the one-line fit, searched the same way,
    so the search is paid for. The breakpoint interval comes from a pairs bootstrap.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    n = x.size
    valid, mid = _valid_splits(x, search[0], search[1], min_segment)
    if not valid.any():
        raise GapstudyError(
            f"no breakpoint in {search[0]:.2f}-{search[1]:.2f} leaves {min_segment} models on each side "
            f"(the selection has {n}); widen the dates or lower trends.min_segment"
        )
    f, _ = _split_stats(x[None], y[None], valid[None])
    k = int(np.argmax(f[0]))
    stat = float(f[0, k])
    a0, b0 = _line(x, y)
    resid = y - (a0 + b0 * x)
    null_parts = []
    for b in _blocks(n_null, n):  # the same draws as one (n_null, n) draw, a block at a time
        ystar = (a0 + b0 * x)[None] + resid[rng.integers(0, n, size=(b, n))]
        fnull, _ = _split_stats(np.broadcast_to(x, ystar.shape), ystar, valid[None])
        null_parts.append(fnull.max(axis=1))
    null = np.concatenate(null_parts)
    pvalue = float((1 + np.sum(null >= stat)) / (n_null + 1))
    best_parts = []
    for b in _blocks(n_boot, n):
        idx = np.sort(rng.integers(0, n, size=(b, n)), axis=1)
        xb, yb = x[idx], y[idx]
        vb, mb = _valid_splits(xb, search[0], search[1], min_segment)
        fb, _ = _split_stats(xb, yb, vb)
        ok = np.isfinite(fb.max(axis=1))
        best_parts.append(np.take_along_axis(mb, np.argmax(fb, axis=1)[:, None], axis=1)[:, 0][ok])
    best = np.concatenate(best_parts)
    alpha = 1 - level
    ci = tuple(float(q) for q in np.quantile(best, [alpha / 2, 1 - alpha / 2])) if best.size else (np.nan, np.nan)
    tau = float(mid[k])
    a1, b1 = _line(x[: k + 1], y[: k + 1])
    a2, b2 = _line(x[k + 1 :], y[k + 1 :])
    return BreakResult(
        statistic=stat,
        pvalue=pvalue,
        breakpoint=tau,
        breakpoint_ci=ci,
        slope_before=float(b1),
        slope_after=float(b2),
        jump=float((a2 + b2 * tau) - (a1 + b1 * tau)),
        n=n,
        null_distribution=null,
    )
