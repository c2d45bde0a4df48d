"""The gap's depth per year: how thinned a size window is against the smooth trend, with profile-likelihood intervals."""

from __future__ import annotations

import numpy as np
from scipy import stats

from gapstudy.hypotheses import thinned as T

# Density ratios searched (inside the window over the trend): 0 (empty) to 5 (five times the trend),
# on a grid fine enough (0.0025) that interval ends are read to two decimals.
RATIO_GRID = np.r_[0.0, np.linspace(0.0025, 5.0, 2000)]


def trend_with_window(t, y, lower: float, upper: float):
    """The drifting trend fitted jointly with one depth in the window [lower, upper] parameters, so a
    deficit there does not bend the trend: returns (P (5,), t0)."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    t0 = float(np.mean(t))
    theta, _ = T.fit_trend(t, y[None], t0=t0)
    edges = np.array([[[np.log10(lower), np.log10(upper)]]])
    P, _ = T.fit_thinned(t, y[None], edges, np.ones((1, 1, 1)), t0=t0, theta0=theta, depths=(0.3,))
    return P[0], t0


def depth_by_year(t, y, lower: float, upper: float, years, *, level: float = 0.95) -> dict:
    """Per calendar year: models, observed and trend-expected counts in the window, the density ratio
    r (observed / trend inside the window, renormalised per date; depth = 1 - r) by maximum likelihood
    from that year's models, and its profile-likelihood interval at `level`. The trend is fitted once
    to all of t (jointly with one overall depth) and held fixed, so each interval is conditional on it.
    A year is marked too_few when even an empty window would leave depth 0 inside its interval (the
    trend expects too few models there for any outcome to show a gap); its numbers are still given."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    lo, hi = np.log10(lower), np.log10(upper)
    P, t0 = trend_with_window(t, y, lower, upper)
    x = t - t0
    a, b, ls, al = P[:4]
    F, _ = T.sn_cdf_and_grad(np.array([lo, hi]), (a + b * x)[:, None], np.exp(ls), al, x[:, None])
    p = np.clip(F[:, 1] - F[:, 0], 0.0, 1.0)  # trend probability of the window per model
    inside = (y >= lo) & (y < hi)
    crit = float(stats.chi2.ppf(level, 1)) / 2.0
    rows = []
    yr = np.floor(t).astype(int)
    r = RATIO_GRID
    for year in years:
        m = yr == int(year)
        row = {"year": int(year), "n": int(m.sum()), "observed": int(inside[m].sum()), "expected": float(p[m].sum())}
        if not m.any():
            row["note"] = "no models in the selection this year"
            row["too_few"] = True
            rows.append(row)
            continue
        with np.errstate(divide="ignore"):
            log_r = np.log(r)
        ll = (row["observed"] * log_r if row["observed"] > 0 else np.zeros_like(r)) - np.log1p(-(1.0 - r)[:, None] * p[m][None, :]).sum(axis=1)
        k = int(np.argmax(ll))
        ok = ll >= ll[k] - crit
        row.update({"ratio": float(r[k]), "depth": float(1.0 - r[k]), "ratio_lo": float(r[ok].min()), "ratio_hi": float(r[ok].max()),
                    "depth_lo": float(1.0 - r[ok].max()), "depth_hi": float(1.0 - r[ok].min())})
        # the most an outcome of this year could say against r = 1: all its models outside the window
        empty_gain = float(-np.log1p(-p[m]).sum())
        row["too_few"] = bool(empty_gain < crit)
        notes = []
        if row["too_few"]:
            notes.append(f"too few models to measure: {row['n']} model{'' if row['n'] == 1 else 's'}, the trend expects {row['expected']:.1f} in the window, "
                         f"so even an empty window would leave depth 0 inside the {level:.0%} interval")
        if row["ratio_hi"] >= r[-1]:
            notes.append(f"upper ratio at the search limit {r[-1]:g}")
        if notes:
            row["note"] = "; ".join(notes)
        rows.append(row)
    return {"lower": float(lower), "upper": float(upper), "level": level, "rows": rows,
            "method": "density ratio in the window against the drifting trend (fitted once with one overall depth, then held); "
                      "per-year maximum likelihood and profile-likelihood interval (chi-square 1 df)",
            "overall_depth": float(P[4]),
            "trend": {"n": int(t.size), "first_year": float(t.min()), "last_year": float(t.max()), "params": [float(v) for v in P[:4]]}}
