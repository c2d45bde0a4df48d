"""The gap over time: per year, models below/inside/above the window, the deficit against a smooth trend (bootstrap 95% interval), and ties at the bounds."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

# Bandwidth of the smooth trend in years (standard deviation of the Gaussian time kernel): the
# question is asked per calendar year, so the trend should average over a year's ups and downs
# rather than follow them; at 1 year about 68% of the weight of a date's fit lies within +-1 year.
TREND_BANDWIDTH_YEARS = 1.0
# Bootstrap replicates for the ratio's interval: 1000 puts the Monte Carlo error of a 2.5%
# percentile at about +-0.5 percentage points (binomial sd sqrt(0.025*0.975/1000)).
N_BOOT = 1000
# Replicates evaluated per array operation (bounds memory at ~ chunk x n x 8 bytes).
_CHUNK = 100
# The years the issue asks about: the paper's period (2018-2022) and what came after.
DEFAULT_YEARS = tuple(range(2018, 2027))


@dataclass(frozen=True)
class YearGap:
    """One year's counts and deficit ratio against the smooth trend."""

    year: int
    n: int
    below: int
    inside: int  # bounds inclusive
    strictly_inside: int
    above: int
    at_lower: int  # exactly at the lower bound (e.g. 20B)
    at_upper: int  # exactly at the upper bound (e.g. 70B)
    expected_inside: float  # what the smooth trend predicts for the year's models
    ratio: float  # inside / expected_inside (1 = as the trend predicts, 0 = empty window)
    ratio_ci: tuple[float, float]  # 95% interval (trend bootstrap x Jeffreys interval of the count)
    trend_median: float  # the trend's median size at the year's models (parameters)
    verdict: str  # "deficit" (interval below 1), "excess" (above 1), "as the trend" or "too few models"


def _trend(t: np.ndarray, y: np.ndarray, w: np.ndarray, counts: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Local-linear mean and kernel-weighted sd of y at every t, for each row of `counts` (weights of
    a resample). Shapes: t, y (n,), w (n, n) Gaussian kernel, counts (B, n) -> mu, sd (B, n)."""
    d = (t[None, :] - t[:, None]) / h  # d[i, j]: model j's date relative to date i
    cw = counts  # (B, n)
    s0 = cw @ w.T
    s1 = cw @ (w * d).T
    s2 = cw @ (w * d * d).T
    t0 = (cw * y) @ w.T
    t1 = (cw * y) @ (w * d).T
    det = s0 * s2 - s1 * s1
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where(det > 1e-12 * s0 * s0, (s2 * t0 - s1 * t1) / det, t0 / s0)
        resid2 = (y[None, :] - mu) ** 2  # each model's squared residual from the trend at its date
        var = ((cw * resid2) @ w.T) / s0
    return mu, np.sqrt(np.maximum(var, 1e-12))


def gap_history(
    table: pd.DataFrame,
    lower: float,
    upper: float,
    *,
    years=DEFAULT_YEARS,
    bandwidth_years: float = TREND_BANDWIDTH_YEARS,
    n_boot: int = N_BOOT,
    min_n: int = 5,
    rng: np.random.Generator,
) -> list[YearGap]:
    """Per year: counts below/inside/above [lower, upper] (inclusive), ties at each bound, and the
    ratio of the observed inside count to what a smooth trend predicts.

    The trend is a Gaussian in log10(parameters) whose mean moves with the date (local-linear
    regression, Gaussian kernel of `bandwidth_years`) and whose spread is the kernel-weighted
    residual sd: a smooth, unimodal description of sizes over time that knows nothing of a window.
    Each model's chance of falling inside is read off it; the year's expected count is their sum.
    The 95% interval combines the trend's uncertainty (models resampled, all years together, and the
    trend refitted each time; the year's expected count recomputed for its own models) with the
    count's (a Jeffreys interval for a Poisson mean: Gamma(O + 1/2) draws), so an empty window
    where the trend expects 0.1 models reads "as the trend", not "deficit". A year with fewer than `min_n` models
    gets counts but no ratio. `table` needs `date` and `parameters` (any selection of any dataset)."""
    if not (np.isfinite(lower) and np.isfinite(upper) and 0 < lower < upper):
        raise ValueError(f"need 0 < lower < upper, got {lower!r}, {upper!r}")
    keep = table["date"].notna() & table["parameters"].notna() & (table["parameters"] > 0)
    tab = table.loc[keep]
    p = tab["parameters"].to_numpy(float)
    y = np.log10(p)
    dates = tab["date"]
    t = (dates.dt.year + (dates.dt.day_of_year - 1) / 365.25).to_numpy(float)
    yr = dates.dt.year.to_numpy(int)
    lo, hi = np.log10(lower), np.log10(upper)
    inside = (p >= lower) & (p <= upper)
    n = p.size
    years = [int(v) for v in years]
    out: list[YearGap] = []
    if n == 0:
        return [YearGap(v, 0, 0, 0, 0, 0, 0, 0, float("nan"), float("nan"), (float("nan"),) * 2, float("nan"), "too few models")
                for v in years]
    w = np.exp(-0.5 * ((t[:, None] - t[None, :]) / bandwidth_years) ** 2)
    ones = np.ones((1, n))
    mu, sd = _trend(t, y, w, ones, bandwidth_years)
    pin = ndtr((hi - mu) / sd) - ndtr((lo - mu) / sd)  # (1, n)
    year_masks = np.stack([yr == v for v in years]).astype(float)  # (Y, n)
    obs = year_masks @ inside.astype(float)
    exp_ = (year_masks @ pin[0])
    # bootstrap: multinomial resample counts, trend refitted per replicate (array operations)
    ratios = []
    for start in range(0, n_boot, _CHUNK):
        b = min(_CHUNK, n_boot - start)
        c = rng.multinomial(n, np.full(n, 1.0 / n), size=b).astype(float)
        mu_b, sd_b = _trend(t, y, w, c, bandwidth_years)
        pin_b = ndtr((hi - mu_b) / sd_b) - ndtr((lo - mu_b) / sd_b)
        eb = pin_b @ year_masks.T  # (b, Y): the year's own models under the refitted trend
        # the count's own uncertainty: Jeffreys posterior of a Poisson mean, Gamma(O + 1/2, 1)
        # (close to nominal coverage even at O = 0, where a percentile bootstrap of O collapses to 0)
        lam = rng.gamma(obs[None, :] + 0.5, 1.0, size=(b, len(years)))
        with np.errstate(invalid="ignore", divide="ignore"):
            ratios.append(np.where(eb > 0, lam / eb, np.nan))
    boot = np.concatenate(ratios) if ratios else np.empty((0, len(years)))
    for k, v in enumerate(years):
        m = yr == v
        pv = p[m]
        nk = int(m.sum())
        base = dict(
            year=v, n=nk, below=int((pv < lower).sum()), inside=int(inside[m].sum()),
            strictly_inside=int(((pv > lower) & (pv < upper)).sum()), above=int((pv > upper).sum()),
            at_lower=int(np.isclose(pv, lower, rtol=1e-9, atol=0).sum()),
            at_upper=int(np.isclose(pv, upper, rtol=1e-9, atol=0).sum()),
        )
        if nk < min_n or exp_[k] <= 0:
            out.append(YearGap(**base, expected_inside=float(exp_[k]) if nk else float("nan"), ratio=float("nan"),
                               ratio_ci=(float("nan"), float("nan")),
                               trend_median=float(10 ** np.median(mu[0, m])) if nk else float("nan"), verdict="too few models"))
            continue
        col = boot[:, k]
        col = col[np.isfinite(col)]
        ci = (float(np.quantile(col, 0.025)), float(np.quantile(col, 0.975))) if col.size else (float("nan"),) * 2
        if obs[k] == 0:  # Jeffreys interval convention (Brown, Cai & DasGupta 2001): lower limit 0 at O = 0
            ci = (0.0, ci[1])
        ratio = float(obs[k] / exp_[k])
        verdict = "deficit" if ci[1] < 1 else "excess" if ci[0] > 1 else "as the trend"
        out.append(YearGap(**base, expected_inside=float(exp_[k]), ratio=ratio, ratio_ci=ci,
                           trend_median=float(10 ** np.median(mu[0, m])), verdict=verdict))
    return out


def as_records(history: list[YearGap]) -> list[dict]:
    """JSON-ready rows (results.json)."""
    return [{**asdict(h), "ratio_ci": list(h.ratio_ci)} for h in history]


def years_for(table: pd.DataFrame) -> list[int]:
    """DEFAULT_YEARS, extended to the newest year the table holds."""
    newest = table["date"].dt.year.max()
    last = max(DEFAULT_YEARS[-1], int(newest) if pd.notna(newest) else DEFAULT_YEARS[-1])
    return list(range(DEFAULT_YEARS[0], last + 1))
