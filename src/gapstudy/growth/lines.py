"""Straight-line trends of log10(size) on date, with vectorised bootstrap intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapstudy.errors import GapstudyError

LOG10_2 = np.log10(2.0)  # orders of magnitude in one doubling


def decimal_year(dates) -> np.ndarray:
    """Dates as fractional years (2020-07-02 -> ~2020.5)."""
    import pandas as pd

    d = pd.to_datetime(pd.Series(dates))
    start = pd.to_datetime(d.dt.year.astype(str) + "-01-01")
    length = pd.to_datetime((d.dt.year + 1).astype(str) + "-01-01") - start
    return (d.dt.year + (d - start) / length).to_numpy(dtype=float)


def year_label(year: float) -> str:
    """A fractional year as YYYY-MM (2017.79 -> 2017-10)."""
    if year is None or not np.isfinite(year):
        return "-"
    y = int(np.floor(year))
    month = min(int((year - y) * 12) + 1, 12)
    return f"{y}-{month:02d}"


def doubling_months(slope: float) -> float:
    """Months per doubling for a slope in orders of magnitude per year (inf when not growing)."""
    return 12.0 * LOG10_2 / slope if slope > 0 else float("inf")


def ols_rows(x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Slope and intercept of weighted least squares for every row of 2-D x, y (weights w)."""
    if w is None:
        w = np.ones_like(x)
    sw = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = (w * x).sum(axis=-1) / sw
        my = (w * y).sum(axis=-1) / sw
        dx = x - mx[..., None]
        sxx = (w * dx * dx).sum(axis=-1)
        sxy = (w * dx * (y - my[..., None])).sum(axis=-1)
        slope = np.where(sxx > 0, sxy / sxx, np.nan)
    return slope, my - slope * mx


def record_mask(y_sorted: np.ndarray) -> np.ndarray:
    """Which entries (in date order, along the last axis) set a new record: larger than all before."""
    prev_max = np.maximum.accumulate(y_sorted, axis=-1)
    prev = np.concatenate([np.full(y_sorted.shape[:-1] + (1,), -np.inf), prev_max[..., :-1]], axis=-1)
    return y_sorted > prev


@dataclass(frozen=True)
class TrendFit:
    """A fitted line: slope (orders of magnitude per year), doubling time, bootstrap intervals."""

    n: int
    slope: float
    intercept: float
    slope_ci: tuple[float, float]
    doubling_months: float
    doubling_ci: tuple[float, float]
    r2: float
    start: float
    end: float
    n_records: int | None = None

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "slope_oom_per_year": self.slope,
            "slope_ci": list(self.slope_ci),
            "intercept": self.intercept,
            "doubling_months": self.doubling_months,
            "doubling_ci": list(self.doubling_ci),
            "r2": self.r2,
            "start_year": self.start,
            "end_year": self.end,
            "n_records": self.n_records,
        }


def _doubling_ci(lo: float, hi: float) -> tuple[float, float]:
    """Interval for the doubling time from the slope interval (a slope interval reaching 0 has no upper end)."""
    return (doubling_months(hi), doubling_months(lo) if lo > 0 else float("inf"))


# Resamples are drawn and fitted in blocks of about this many cells (block rows x n), so memory
# stays near 100 MB however large the sample (1,000 resamples of 353k models would need ~3 GB per
# array at once); the draws are the same as one (n_boot, n) draw, block by block.
_BLOCK_CELLS = 2_000_000


def _bootstrap_slopes(x, y, n_boot: int, rng: np.random.Generator, records_only: bool) -> np.ndarray:
    """OLS slopes of n_boot pairs-bootstrap resamples of (x, y) sorted by x, in blocks."""
    n = x.size
    rows = max(1, _BLOCK_CELLS // n)
    out = []
    for start in range(0, n_boot, rows):
        b = min(rows, n_boot - start)
        idx = rng.integers(0, n, size=(b, n))
        # the resample's indices in increasing order (date order), by counting instead of sorting:
        # the same array as np.sort(idx, axis=1) in O(n) per resample
        counts = np.bincount((idx + n * np.arange(b)[:, None]).ravel(), minlength=b * n)
        idx = np.repeat(np.tile(np.arange(n), b), counts).reshape(b, n)
        xb, yb = x[idx], y[idx]
        wb = record_mask(yb).astype(float) if records_only else None
        out.append(ols_rows(xb, yb, wb)[0])
    return np.concatenate(out) if out else np.empty(0)


def fit_trend(x, y, *, n_boot: int, level: float, rng: np.random.Generator, records_only: bool = False) -> TrendFit:
    """Least-squares line of y (log10 size) on x (decimal year), pairs-bootstrap interval for the slope.

    With records_only, only record-setters count (a model larger than every earlier one), and the
    record-setters are re-derived inside each bootstrap resample, so a single early outlier that
    blocks later records in the full sample does not decide the fit.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    n = x.size
    if n < 3:
        raise GapstudyError(f"a trend needs at least 3 models; this selection has {n}")
    w = record_mask(y).astype(float) if records_only else np.ones(n)
    slope, intercept = ols_rows(x[None], y[None], w[None])
    slope, intercept = float(slope[0]), float(intercept[0])
    resid = (y - (intercept + slope * x)) * np.sqrt(w)
    tot = ((y - np.average(y, weights=w)) ** 2 * w).sum()
    r2 = float(1 - (resid**2).sum() / tot) if tot > 0 else float("nan")
    boot = _bootstrap_slopes(x, y, n_boot, rng, records_only)
    boot = boot[np.isfinite(boot)]
    alpha = 1 - level
    lo, hi = (np.quantile(boot, [alpha / 2, 1 - alpha / 2]) if boot.size else (np.nan, np.nan))
    return TrendFit(
        n=n,
        slope=slope,
        intercept=intercept,
        slope_ci=(float(lo), float(hi)),
        doubling_months=doubling_months(slope),
        doubling_ci=_doubling_ci(float(lo), float(hi)),
        r2=r2,
        start=float(x[0]),
        end=float(x[-1]),
        n_records=int(w.sum()) if records_only else None,
    )
