"""Simulation-based inference: ABC rejection of a few free settings on 2018..mid-2022 summaries."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np

from gapstudy.competition import constants as K
from gapstudy.competition.params import CompetitionParams
from gapstudy.competition.simulate import SimulationResult, simulate
from gapstudy.errors import GapstudyError

# Free settings and their uniform prior ranges. Ranges are assumptions wide enough to hold every
# plausible value: a competing share from rare to most frontier releases, budget spreads from
# 0.2 to 2.5 natural-log units, growth from x1.5 to x4 per year (Cottier et al. 2024: ~x2.4).
DEFAULT_FREE = {
    "compete_prob[0]": (0.05, 0.95),
    "budget_sigma": (0.2, 2.5),
    "budget_growth[*]": (1.5, 4.0),
}
# Fit on calendar years 2018-2021 and the first half of 2022 (the data the 2022 paper saw).
FIT_PERIODS = ((2018.0, 2019.0), (2019.0, 2020.0), (2020.0, 2021.0), (2021.0, 2022.0), (2022.0, 2022.5))
STAT_NAMES = ("share_above", "share_inside", "median", "q90")  # per period, in this order
MISSING_PENALTY = 4.0  # squared standardized distance charged for a statistic a world cannot form (2 sd)


def summary_stats(
    world: np.ndarray, year: np.ndarray, log10_params: np.ndarray, n_worlds: int,
    periods: Sequence[tuple[float, float]] = FIT_PERIODS,
) -> np.ndarray:
    """Per world and period: share above 70B, share in 20-70B, median and 90th percentile of log10
    size. Shape (n_worlds, len(periods) * 4), nan where a world has no release in a period.
    Vectorised: one sort of all releases by (world, period, size)."""
    world = np.asarray(world, dtype=np.int64)
    year = np.asarray(year, dtype=float)
    x = np.asarray(log10_params, dtype=float)
    n_p = len(periods)
    pi = np.full(year.size, -1)
    for j, (a, b) in enumerate(periods):  # a handful of periods
        pi[(year >= a) & (year < b)] = j
    keep = pi >= 0
    g = world[keep] * n_p + pi[keep]
    xs = x[keep]
    order = np.lexsort((xs, g))
    g, xs = g[order], xs[order]
    n = np.bincount(g, minlength=n_worlds * n_p)
    start = np.cumsum(n) - n
    lo, hi = np.log10(K.GAP_LOWER), np.log10(K.GAP_UPPER)
    above = np.bincount(g, weights=xs > hi, minlength=n_worlds * n_p)
    inside = np.bincount(g, weights=(xs >= lo) & (xs <= hi), minlength=n_worlds * n_p)
    has = n > 0
    safe_n = np.maximum(n, 1)
    out = np.full((n_worlds * n_p, 4), np.nan)
    out[has, 0] = above[has] / n[has]
    out[has, 1] = inside[has] / n[has]
    for c, q in ((2, 0.5), (3, 0.9)):
        pos = start + np.floor(q * (safe_n - 1)).astype(np.int64)
        out[has, c] = xs[np.minimum(pos, xs.size - 1)][has] if xs.size else np.nan
    return out.reshape(n_worlds, n_p * 4)


def result_stats(result: SimulationResult, periods: Sequence[tuple[float, float]] = FIT_PERIODS) -> np.ndarray:
    """summary_stats of every world of a simulation result."""
    return summary_stats(result.world - result.world_offset, result.year, result.log10_params, result.n_worlds, periods)


@dataclass
class FitResult:
    """Accepted parameter draws and what they say about each free setting."""

    names: tuple[str, ...]
    estimate: dict[str, float]  # posterior median
    sd: dict[str, float]
    q05: dict[str, float]
    q95: dict[str, float]
    prior: dict[str, tuple[float, float]]
    accepted: np.ndarray  # (n_accepted, n_free) parameter values
    distances: np.ndarray  # of the accepted draws
    tolerance: float  # largest accepted distance
    observed_stats: np.ndarray
    base: CompetitionParams
    n_simulations: int
    meta: dict = field(default_factory=dict)

    def params_for(self, values: Sequence[float]) -> CompetitionParams:
        """The base settings with the free ones set to `values`."""
        p = self.base
        for name, v in zip(self.names, values):
            p = p.with_(name, float(v))
        return p

    def shrinkage(self) -> dict[str, float]:
        """Posterior sd / prior sd per setting (1: the data say nothing; near 0: well identified)."""
        return {n: self.sd[n] / ((self.prior[n][1] - self.prior[n][0]) / np.sqrt(12)) for n in self.names}


def fit_abc(
    observed_year: np.ndarray,
    observed_log10_params: np.ndarray,
    *,
    base: CompetitionParams | None = None,
    free: Mapping[str, tuple[float, float]] = DEFAULT_FREE,
    n_draws: int = 200,
    worlds_per_draw: int = 2,
    accept: float = 0.05,
    seed: int = 0,
    periods: Sequence[tuple[float, float]] = FIT_PERIODS,
    **simulate_kwargs,
) -> FitResult:
    """ABC rejection: draw the free settings from uniform priors, simulate worlds up to the end of
    the last period, keep the `accept` share of (draw, world) pairs whose summary statistics are
    nearest the observed ones (each statistic standardized by its sd over all simulations).
    Returns posterior medians, sds and 5-95% ranges."""
    base = base or CompetitionParams()
    if not free:
        raise GapstudyError("fit_abc needs at least one free setting, e.g. free={'budget_sigma': (0.2, 2.5)}")
    for name, (lo, hi) in free.items():
        if not hi > lo:
            raise GapstudyError(f"fit_abc prior for {name!r} is ({lo}, {hi}); give (low, high) with high > low")
        base.with_(name, lo), base.with_(name, hi)  # validates the name and both ends of the range
    if not 0 < accept <= 1 or n_draws < 1 or worlds_per_draw < 1:
        raise GapstudyError("fit_abc needs 0 < accept <= 1, n_draws >= 1 and worlds_per_draw >= 1")
    obs = summary_stats(np.zeros(len(observed_year), dtype=np.int64), observed_year, observed_log10_params, 1, periods)[0]
    if np.all(np.isnan(obs)):
        raise GapstudyError("fit_abc: no observed model falls in the fitting periods; check the dates (fractional years)")
    end = max(b for _, b in periods)
    sim_base = replace(base, end=max(end, K.SIM_START + 1 / 12))
    names = tuple(free)
    lo = np.array([free[n][0] for n in names])
    hi = np.array([free[n][1] for n in names])
    theta = lo + (hi - lo) * np.random.default_rng(np.random.SeedSequence(seed)).random((n_draws, len(names)))
    stats = np.empty((n_draws, worlds_per_draw, obs.size))
    for i in range(n_draws):  # a loop over parameter draws; each simulates its worlds vectorised
        p = sim_base
        for name, v in zip(names, theta[i]):
            p = p.with_(name, float(v))
        res = simulate(p, n_worlds=worlds_per_draw, seed=seed, world_offset=i * worlds_per_draw, **simulate_kwargs)
        stats[i] = result_stats(res, periods)
    flat = stats.reshape(-1, obs.size)
    scale = np.nanstd(flat, axis=0)  # spread over the prior predictive (shares are often 0: no MAD)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    usable = np.isfinite(obs)
    z2 = ((flat[:, usable] - obs[usable]) / scale[usable]) ** 2
    dist = np.sqrt(np.where(np.isnan(z2), MISSING_PENALTY, z2).sum(axis=1))
    k = max(1, int(round(accept * dist.size)))
    best = np.argsort(dist, kind="stable")[:k]
    acc = np.repeat(theta, worlds_per_draw, axis=0)[best]
    est = {n: float(np.median(acc[:, j])) for j, n in enumerate(names)}
    sd = {n: float(acc[:, j].std(ddof=1)) if k > 1 else float("nan") for j, n in enumerate(names)}
    q = np.quantile(acc, [0.05, 0.95], axis=0)
    return FitResult(
        names=names, estimate=est, sd=sd,
        q05={n: float(q[0, j]) for j, n in enumerate(names)}, q95={n: float(q[1, j]) for j, n in enumerate(names)},
        prior={n: (float(free[n][0]), float(free[n][1])) for n in names},
        accepted=acc, distances=dist[best], tolerance=float(dist[best].max()), observed_stats=obs,
        base=base, n_simulations=int(dist.size),
        meta={"periods": [list(p) for p in periods], "stats": list(STAT_NAMES), "accept": accept, "seed": seed},
    )


def predict(
    fit: FitResult, *, n_draws: int = 50, worlds_per_draw: int = 4, seed: int = 1, **simulate_kwargs
) -> SimulationResult:
    """Simulate whole worlds (to base.end) from accepted draws: the fitted model's prediction.
    Worlds of all draws are pooled and renumbered 0..n-1; result.params is the posterior-median setting."""
    rows = np.linspace(0, fit.accepted.shape[0] - 1, min(n_draws, fit.accepted.shape[0])).round().astype(int)
    parts = []
    for j, i in enumerate(rows):  # a loop over posterior draws
        res = simulate(fit.params_for(fit.accepted[i]), n_worlds=worlds_per_draw, seed=seed,
                       world_offset=j * worlds_per_draw, **simulate_kwargs)
        parts.append(res)
    arrays = {a: np.concatenate([getattr(r, a) for r in parts]) for a in SimulationResult.ARRAYS}
    median = fit.params_for([fit.estimate[n] for n in fit.names])
    return SimulationResult(median, seed, 0, len(rows) * worlds_per_draw, **arrays,
                            meta={"posterior_rows": rows.tolist()})
