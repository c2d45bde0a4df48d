"""Simulation-based inference: ABC rejection of the free settings on per-period summaries.

Each parameter draw simulates one world (all draws in one vectorised simulate_batch call); the
world's releases in each fitting period are subsampled to the number of models observed in that
period (the data are a sample of that size, so the simulated statistics carry the same sampling
noise); the draws whose summary statistics are nearest the observed ones are kept."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np

from gapstudy.competition import constants as K
from gapstudy.competition.params import CompetitionParams
from gapstudy.competition.simulate import SimulationResult, simulate_batch
from gapstudy.errors import GapstudyError

# Free settings and their priors: (low, high) uniform, or (low, high, "log") uniform in log.
# Ranges are assumptions wide enough to hold every plausible value:
DEFAULT_FREE = {
    "compete_prob[0]": (0.05, 0.95),  # frontier labs: from rare to most releases built to beat the frontier
    "compete_prob[1]": (0.0, 0.6),  # other industry labs: from never to more than half of releases
    "budget_sigma": (0.2, 2.5),  # spread of budget levels between labs, natural-log sd
    "budget_growth[*]": (1.5, 4.0),  # x1.5 to x4 per year (Cottier et al. 2024, arXiv 2405.21015: ~x2.4 for frontier runs)
    "own_share_median": (0.002, 0.2, "log"),  # share of its budget a lab spends on a model for its own use
    "own_share_sigma": (0.2, 2.5),  # spread of that share (natural-log sd): the spread of own-use sizes
    "response_strength": (0.0, 1.0),  # competitive budget response, from none to full
}
# Fit on calendar years 2018-2021 and the first half of 2022 (the data the 2022 paper saw).
FIT_PERIODS = ((2018.0, 2019.0), (2019.0, 2020.0), (2020.0, 2021.0), (2021.0, 2022.0), (2022.0, 2022.5))
# Per period, in this order; then one trend statistic over all periods (TREND_NAME).
STAT_NAMES = ("share_inside", "share_above", "q25", "median", "q75", "q90")
QUANTILES = {"q25": 0.25, "median": 0.5, "q75": 0.75, "q90": 0.9}
TREND_NAME = "slope"  # OLS slope of log10 size on date (dex per year) over the fitting periods
MISSING_PENALTY = 4.0  # squared standardized distance charged for a statistic a world cannot form (2 sd)
DEFAULT_DRAWS = 6000  # prior draws (one world each): ~1.5 s to mid-2022 on one core (bench_competition.py)
DEFAULT_ACCEPT = 0.03  # share kept: ~180 accepted draws of 6000
MAD_TO_SD = 1.4826  # normal-consistent scaling of the median absolute deviation


def stat_labels(periods: Sequence[tuple[float, float]] = FIT_PERIODS) -> list[str]:
    """Name of each summary statistic, e.g. 'median 2021-2022', in summary_stats' column order."""
    return [f"{s} {a:g}-{b:g}" for a, b in periods for s in STAT_NAMES] + [TREND_NAME]


def summary_stats(
    world: np.ndarray, year: np.ndarray, log10_params: np.ndarray, n_worlds: int,
    periods: Sequence[tuple[float, float]] = FIT_PERIODS, *,
    sample_sizes: Sequence[int] | None = None, rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Per world and period: share in the gap window (bounds inclusive), share above it, and the
    25/50/75/90th percentiles (lower order statistics) of log10 size; then the OLS slope of log10 size
    on date over all periods. Shape (n_worlds, len(periods) * 6 + 1), nan where a world cannot form one.

    sample_sizes: keep at most that many releases per (world, period), chosen at random by `rng`
    (the comparable statistic for data that are a sample of that size). Vectorised: one sort."""
    world = np.asarray(world, dtype=np.int64)
    year = np.asarray(year, dtype=float)
    x = np.asarray(log10_params, dtype=float)
    n_p, n_s = len(periods), len(STAT_NAMES)
    pi = np.full(year.size, -1)
    for j, (a, b) in enumerate(periods):  # a handful of periods
        pi[(year >= a) & (year < b)] = j
    keep = pi >= 0
    g, xs, ts = world[keep] * n_p + pi[keep], x[keep], year[keep]
    n_cells = n_worlds * n_p
    if sample_sizes is not None:  # random subsample: the k smallest random keys of each cell
        k = np.asarray(sample_sizes, dtype=np.int64)
        if k.shape != (n_p,):
            raise GapstudyError(f"sample_sizes needs one count per period ({n_p}), got {k.shape}")
        u = (rng or np.random.default_rng(0)).random(g.size)
        order = np.lexsort((u, g))
        g, xs, ts = g[order], xs[order], ts[order]
        cnt = np.bincount(g, minlength=n_cells)
        rank = np.arange(g.size) - (np.cumsum(cnt) - cnt)[g]
        sel = rank < k[g % n_p]
        g, xs, ts = g[sel], xs[sel], ts[sel]
    order = np.lexsort((xs, g))
    g, xs, ts = g[order], xs[order], ts[order]
    n = np.bincount(g, minlength=n_cells)
    start = np.cumsum(n) - n
    lo, hi = np.log10(K.GAP_LOWER), np.log10(K.GAP_UPPER)
    above = np.bincount(g, weights=xs > hi, minlength=n_cells)
    inside = np.bincount(g, weights=(xs >= lo) & (xs <= hi), minlength=n_cells)
    has = n > 0
    safe_n = np.maximum(n, 1)
    out = np.full((n_cells, n_s), np.nan)
    out[has, 0] = inside[has] / n[has]
    out[has, 1] = above[has] / n[has]
    for c, name in enumerate(STAT_NAMES[2:], start=2):
        pos = start + np.floor(QUANTILES[name] * (safe_n - 1)).astype(np.int64)
        out[has, c] = xs[np.minimum(pos, xs.size - 1)][has] if xs.size else np.nan
    # trend: OLS slope per world over the kept releases of all periods
    w = g // n_p
    tc = ts - 2020.0  # centred for numerical accuracy
    s0 = np.bincount(w, minlength=n_worlds)
    s_t, s_x = np.bincount(w, tc, n_worlds), np.bincount(w, xs, n_worlds)
    s_tt, s_tx = np.bincount(w, tc * tc, n_worlds), np.bincount(w, tc * xs, n_worlds)
    den = s0 * s_tt - s_t**2
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where((s0 >= 2) & (den > 1e-12 * np.maximum(s0, 1) ** 2), (s0 * s_tx - s_t * s_x) / den, np.nan)
    return np.concatenate([out.reshape(n_worlds, n_p * n_s), slope[:, None]], axis=1)


def result_stats(result: SimulationResult, periods: Sequence[tuple[float, float]] = FIT_PERIODS, **kw) -> np.ndarray:
    """summary_stats of every world of a simulation result."""
    return summary_stats(result.world - result.world_offset, result.year, result.log10_params, result.n_worlds, periods, **kw)


def _prior(spec) -> tuple[float, float, bool]:
    if len(spec) == 3 and spec[2] == "log":
        lo, hi, log = float(spec[0]), float(spec[1]), True
        if not lo > 0:
            raise GapstudyError(f"a log-uniform prior needs a positive low end, got {spec!r}")
    elif len(spec) == 2:
        lo, hi, log = float(spec[0]), float(spec[1]), False
    else:
        raise GapstudyError(f"a prior is (low, high) or (low, high, 'log'); got {spec!r}")
    if not hi > lo:
        raise GapstudyError(f"prior is ({lo}, {hi}); give (low, high) with high > low")
    return lo, hi, log


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
        """Posterior sd / prior sd per setting (1: the data say nothing; near 0: well identified);
        in log units for log-uniform priors."""
        logs = self.meta.get("log_prior", {})
        out = {}
        for j, n in enumerate(self.names):
            lo, hi = self.prior[n]
            if logs.get(n):
                a = np.log(self.accepted[:, j])
                out[n] = float(a.std(ddof=1) / ((np.log(hi) - np.log(lo)) / np.sqrt(12))) if a.size > 1 else float("nan")
            else:
                out[n] = self.sd[n] / ((hi - lo) / np.sqrt(12))
        return out


def _to_unit(theta, lo, hi, logs):
    """Parameters -> the space where the prior is uniform (log for log-uniform priors)."""
    return np.where(logs, np.log(np.where(logs, theta, 1.0)), theta), np.where(logs, np.log(np.where(logs, lo, 1.0)), lo), \
        np.where(logs, np.log(np.where(logs, hi, 2.0)), hi)


def _from_unit(z, logs):
    return np.where(logs, np.exp(np.where(logs, z, 0.0)), z)


def _simulate_stats(sim_base, names, theta, seed, offset, periods, sample_sizes, simulate_kwargs):
    res = simulate_batch(sim_base, {n: theta[:, j] for j, n in enumerate(names)}, seed=seed, world_offset=offset,
                         chunk_worlds=1000, **simulate_kwargs)
    return result_stats(res, periods, sample_sizes=sample_sizes, rng=np.random.default_rng(np.random.SeedSequence([seed, offset, 1])))


def _distance(stats, obs, scale):
    usable = np.isfinite(obs)
    z2 = ((stats[:, usable] - obs[usable]) / scale[usable]) ** 2
    return np.sqrt(np.where(np.isnan(z2), MISSING_PENALTY, z2).sum(axis=1))


def _abc_core(obs, sample_sizes, base_dict, names, lo, hi, logs, n_draws, accept, rounds, seed, periods, simulate_kwargs):
    """The expensive part (cacheable): ABC population Monte Carlo (Beaumont, Cornuet, Marin, Robert
    2009, Biometrika 96:983) with `rounds` generations of n_draws // rounds worlds. Generation 1 draws
    from the prior and keeps the `accept` share nearest the data; each later generation draws from a
    Gaussian around the kept draws (twice their weighted covariance, in the space where the prior is
    uniform), truncated to the prior's box, keeps its nearest `accept` share, and weights each kept
    draw by prior / proposal density. Returns an equally weighted resample of the last generation."""
    sim_base = CompetitionParams(**base_dict)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    per = max(2, n_draws // rounds)
    k = max(2, int(round(accept * per)))
    _, zlo, zhi = _to_unit(lo, lo, hi, logs)
    z = zlo + (zhi - zlo) * rng.random((per, len(names)))
    theta = _from_unit(z, logs)
    stats = _simulate_stats(sim_base, names, theta, seed, 0, periods, sample_sizes, simulate_kwargs)
    usable = np.isfinite(obs)
    med = np.nanmedian(stats, axis=0)
    mad = MAD_TO_SD * np.nanmedian(np.abs(stats - med), axis=0)
    sd = np.nanstd(stats, axis=0)
    scale = np.where(np.isfinite(mad) & (mad > 0), mad, sd)  # shares are 0 in most prior worlds: then the sd
    scale = np.where(np.isfinite(scale) & (scale > 0) & usable, scale, 1.0)
    dist = _distance(stats, obs, scale)
    best = np.argsort(dist, kind="stable")[:k]
    zk, wk, dk, sk = z[best], np.full(k, 1.0 / k), dist[best], stats[best]
    history = [{"draws": per, "kept": k, "tolerance": float(dk.max())}]
    for g in range(1, rounds):
        mean = wk @ zk
        cov = 2.0 * np.atleast_2d(np.cov(zk, rowvar=False, aweights=wk)) + 1e-12 * np.eye(len(names))
        chol = np.linalg.cholesky(cov)
        zs = np.empty((0, len(names)))
        while zs.shape[0] < per:  # truncated to the prior's box by rejection (a few passes)
            cand = zk[rng.choice(k, size=2 * per, p=wk)] + rng.standard_normal((2 * per, len(names))) @ chol.T
            zs = np.concatenate([zs, cand[np.all((cand >= zlo) & (cand <= zhi), axis=1)]])
        zs = zs[:per]
        st = _simulate_stats(sim_base, names, _from_unit(zs, logs), seed, g * per, periods, sample_sizes, simulate_kwargs)
        d = _distance(st, obs, scale)
        best = np.argsort(d, kind="stable")[:k]
        znew = zs[best]
        inv = np.linalg.inv(cov)
        diff = znew[:, None, :] - zk[None, :, :]
        kern = np.exp(-0.5 * np.einsum("abi,ij,abj->ab", diff, inv, diff))  # proposal density up to a constant
        w = 1.0 / (kern @ wk)  # the prior is flat in this space
        zk, wk, dk, sk = znew, w / w.sum(), d[best], st[best]
        history.append({"draws": per, "kept": k, "tolerance": float(dk.max()), "ess": float(1.0 / np.sum(wk**2))})
    # systematic resampling to an equally weighted sample (downstream code treats rows as equal)
    pos = (rng.random() + np.arange(k)) / k
    idx = np.minimum(np.searchsorted(np.cumsum(wk), pos), k - 1)
    order = np.argsort(dk[idx], kind="stable")
    idx = idx[order]
    return {"accepted": _from_unit(zk[idx], logs), "distances": dk[idx], "scale": scale, "accepted_stats": sk[idx],
            "prior_stats_median": med, "weights": wk, "history": history, "ess": float(1.0 / np.sum(wk**2))}


def fit_abc(
    observed_year: np.ndarray,
    observed_log10_params: np.ndarray,
    *,
    base: CompetitionParams | None = None,
    free: Mapping[str, tuple] = DEFAULT_FREE,
    n_draws: int = DEFAULT_DRAWS,
    worlds_per_draw: int = 1,
    accept: float = DEFAULT_ACCEPT,
    seed: int = 0,
    periods: Sequence[tuple[float, float]] = FIT_PERIODS,
    match_sample_size: bool = True,
    rounds: int = 2,
    use_cache: bool = True,
    **simulate_kwargs,
) -> FitResult:
    """ABC: draw the free settings (first from their priors), simulate one world per draw up to the
    end of the last period (n_draws x worlds_per_draw worlds in all, each with its own draw), subsample
    each world's releases to the observed count per period (match_sample_size), and keep the `accept`
    share whose summary statistics are nearest the observed ones (each statistic standardized by its
    spread over the prior predictive: MAD, else sd). rounds=1 is plain rejection; rounds > 1 splits
    the worlds into generations of ABC population Monte Carlo (see _abc_core). Returns posterior
    medians, sds and 5-95% ranges.
    The result is cached on disk (gapstudy.cache) when use_cache and no cost functions are injected."""
    base = base or CompetitionParams()
    if not free:
        raise GapstudyError("fit_abc needs at least one free setting, e.g. free={'budget_sigma': (0.2, 2.5)}")
    priors = {}
    for name, spec in free.items():
        try:
            priors[name] = _prior(spec)
        except GapstudyError as exc:
            raise GapstudyError(f"fit_abc prior for {name!r}: {exc}") from None
        base.with_(name, priors[name][0]), base.with_(name, priors[name][1])  # validates the name and both ends
    if not 0 < accept <= 1 or n_draws < 1 or worlds_per_draw < 1 or not 1 <= rounds <= 10:
        raise GapstudyError("fit_abc needs 0 < accept <= 1, n_draws >= 1, worlds_per_draw >= 1 and 1 <= rounds <= 10")
    oy = np.asarray(observed_year, dtype=float)
    ox = np.asarray(observed_log10_params, dtype=float)
    obs = summary_stats(np.zeros(oy.size, dtype=np.int64), oy, ox, 1, periods)[0]
    if np.all(np.isnan(obs)):
        raise GapstudyError("fit_abc: no observed model falls in the fitting periods; check the dates (fractional years)")
    sizes = np.array([int(((oy >= a) & (oy < b)).sum()) for a, b in periods]) if match_sample_size else None
    end = max(b for _, b in periods)
    sim_base = replace(base, end=max(end, K.SIM_START + 1 / 12))
    names = tuple(free)
    lo = np.array([priors[n][0] for n in names])
    hi = np.array([priors[n][1] for n in names])
    logs = np.array([priors[n][2] for n in names])
    total = n_draws * worlds_per_draw
    rounds = min(int(rounds), max(1, total // 20))  # generations of at least 20 worlds
    args = (obs, sizes, asdict(sim_base), names, lo, hi, logs, total, float(accept), rounds, int(seed), [list(p) for p in periods])
    compute = lambda: _abc_core(*args, simulate_kwargs)  # noqa: E731
    if use_cache and not simulate_kwargs:
        from gapstudy.cache import cached

        key = {"obs": obs, "sizes": sizes, "base": args[2], "names": list(names), "rest": list(args[4:]), "version": 3}
        core = cached("competition.fit_abc", key, compute)
    else:
        core = compute()
    acc = core["accepted"]
    est = {n: float(np.median(acc[:, j])) for j, n in enumerate(names)}
    sd = {n: float(acc[:, j].std(ddof=1)) if acc.shape[0] > 1 else float("nan") for j, n in enumerate(names)}
    q = np.quantile(acc, [0.05, 0.95], axis=0)
    return FitResult(
        names=names, estimate=est, sd=sd,
        q05={n: float(q[0, j]) for j, n in enumerate(names)}, q95={n: float(q[1, j]) for j, n in enumerate(names)},
        prior={n: (float(priors[n][0]), float(priors[n][1])) for n in names},
        accepted=acc, distances=core["distances"], tolerance=float(core["distances"].max()), observed_stats=obs,
        base=base, n_simulations=int(total),
        meta={"periods": [list(p) for p in periods], "stats": stat_labels(periods), "seed": seed, "rounds": rounds,
              "acceptance": acc.shape[0] / max(1, total // rounds), "history": core["history"], "ess": core["ess"],
              "n_accepted": int(acc.shape[0]), "log_prior": {n: bool(priors[n][2]) for n in names},
              "sample_sizes": None if sizes is None else sizes.tolist(), "scale": core["scale"],
              "accepted_stats": core["accepted_stats"], "prior_stats_median": core["prior_stats_median"]},
    )


def predict(
    fit: FitResult, *, n_draws: int = 50, worlds_per_draw: int = 4, seed: int = 1, **simulate_kwargs
) -> SimulationResult:
    """Simulate whole worlds (to base.end) from accepted draws: the fitted model's prediction.
    `n_draws` accepted draws spread over the posterior sample, `worlds_per_draw` worlds each, all in
    one vectorised call; worlds are numbered 0..n-1; result.params is the posterior-median setting."""
    rows = np.linspace(0, fit.accepted.shape[0] - 1, min(n_draws, fit.accepted.shape[0])).round().astype(int)
    theta = np.repeat(fit.accepted[rows], worlds_per_draw, axis=0)
    res = simulate_batch(fit.base, {n: theta[:, j] for j, n in enumerate(fit.names)}, seed=seed, **simulate_kwargs)
    median = fit.params_for([fit.estimate[n] for n in fit.names])
    return SimulationResult(median, seed, 0, res.n_worlds, *(getattr(res, a) for a in SimulationResult.ARRAYS),
                            meta={"posterior_rows": rows.tolist(), **res.meta})
