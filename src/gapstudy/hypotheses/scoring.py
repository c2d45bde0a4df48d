"""Scores of a fitted hypothesis: log-likelihood, AIC, BIC, mean log predictive density and predictive checks."""

from __future__ import annotations

import numpy as np

from gapstudy.errors import GapstudyError
from gapstudy.hypotheses.base import Hypothesis

# Floor on a log density when averaging: a model the hypothesis gives zero density (outside a
# simulated support) would make every average -inf and hide all other differences. -50 nats is
# far below any density these hypotheses give a real model (H0 at 10 sd: about -50).
LOGPDF_FLOOR = -50.0


def information(loglik: float, k: int, n: int) -> dict[str, float]:
    """AIC = 2k - 2 logL and BIC = k ln n - 2 logL."""
    if n < 1:
        raise GapstudyError("information criteria need at least one model")
    return {"loglik": float(loglik), "k": int(k), "n": int(n), "aic": 2.0 * k - 2.0 * loglik, "bic": k * np.log(n) - 2.0 * loglik}


def log_densities(h: Hypothesis, t, y) -> np.ndarray:
    """Per-model log density, floored at LOGPDF_FLOOR (count of floored values is reported separately)."""
    lp = np.asarray(h.logpdf(np.asarray(y, float), np.asarray(t, float)), float)
    return np.where(np.isfinite(lp) & (lp > LOGPDF_FLOOR), lp, LOGPDF_FLOOR)


def in_sample(h: Hypothesis, t, y) -> dict:
    """Log-likelihood of the fitting data with AIC and BIC."""
    lp = log_densities(h, t, y)
    return {**information(float(lp.sum()), h.n_params, lp.size), "floored": int((lp <= LOGPDF_FLOOR).sum())}


def mean_log_density(h: Hypothesis, t, y) -> dict:
    """Mean log predictive density per model (nats) on held-out data."""
    lp = log_densities(h, t, y)
    if lp.size == 0:
        return {"n": 0, "mean_log_density": None, "sum": 0.0, "floored": 0}
    return {"n": int(lp.size), "mean_log_density": float(lp.mean()), "sum": float(lp.sum()), "floored": int((lp <= LOGPDF_FLOOR).sum())}


def region_probs(h: Hypothesis, t, lo: float, hi: float) -> np.ndarray:
    """Per model: P(below lo), P(lo..hi), P(above hi) for log10 bounds lo < hi; shape (n, 3)."""
    t = np.asarray(t, float)
    f_lo = np.clip(h.cdf(np.full(t.shape, lo), t), 0, 1)
    f_hi = np.clip(h.cdf(np.full(t.shape, hi), t), 0, 1)
    inside = np.clip(f_hi - f_lo, 0, 1)
    return np.stack([f_lo, inside, np.clip(1 - f_hi, 0, 1)], axis=1)


def deficit_check(h: Hypothesis, t, y, lo: float, hi: float, *, n_sim: int, rng: np.random.Generator,
                  reference_expected: float | None = None) -> dict:
    """Does the hypothesis reproduce the observed count in the window [lo, hi] (log10)?

    Each model falls in the window with the probability the hypothesis gives its date; the
    simulated counts (n_sim replicate data sets) give the predictive distribution of the count
    and of the deficit statistic D = count / reference_expected (reference: the smooth null's
    expected count, so D is the same statistic for every hypothesis). p_low = P(sim <= observed)."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    p = region_probs(h, t, lo, hi)[:, 1]
    observed = int(((y >= lo) & (y <= hi)).sum())
    expected = float(p.sum())
    sims = (rng.random((n_sim, p.size)) < p).sum(axis=1) if p.size else np.zeros(n_sim, int)
    ref = expected if reference_expected is None else float(reference_expected)
    d_sim = sims / ref if ref > 0 else np.full(n_sim, np.nan)
    return {
        "observed": observed,
        "expected": expected,
        "observed_over_expected": observed / expected if expected > 0 else None,
        "n_sim": int(n_sim),  # a p of 0 means below 1 / n_sim, not zero
        "p_low": float((sims <= observed).mean()),
        "p_high": float((sims >= observed).mean()),
        "sim_q05": float(np.quantile(sims, 0.05)),
        "sim_q95": float(np.quantile(sims, 0.95)),
        "D_observed": observed / ref if ref > 0 else None,
        "D_sim_mean": float(np.mean(d_sim)),
        "D_sim_q05": float(np.quantile(d_sim, 0.05)),
        "D_sim_q95": float(np.quantile(d_sim, 0.95)),
    }


def yearly_counts(h: Hypothesis | None, t, y, lo: float, hi: float) -> list[dict]:
    """Per calendar year: observed below/inside/above and (if h) the hypothesis' expected counts."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    years = np.floor(t).astype(int)
    probs = region_probs(h, t, lo, hi) if h is not None else None
    rows = []
    for yr in np.unique(years):
        m = years == yr
        row = {"year": int(yr), "n": int(m.sum()), "below": int((y[m] < lo).sum()),
               "inside": int(((y[m] >= lo) & (y[m] <= hi)).sum()), "above": int((y[m] > hi).sum())}
        if probs is not None:
            e = probs[m].sum(axis=0)
            row.update({"exp_below": float(e[0]), "exp_inside": float(e[1]), "exp_above": float(e[2])})
        rows.append(row)
    return rows
