"""H2 (competition) and H1+H2 (competition thinned in the cost model's band): densities from the fitted simulation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from gapstudy.errors import GapstudyError
from gapstudy.hypotheses.band import MAX_DEPTH, Thinning, band_arrays, thinned_sample
from gapstudy.hypotheses.base import Hypothesis, Unavailable, check_inputs, register
from gapstudy.hypotheses.parallelism import NO_BAND_NOTE, band_unavailable, resolve_band

MIN_MODELS = 8  # same floor as H0: fewer models give no usable summary statistics
# ABC and prediction sizes: gapstudy.competition.fit defaults are n_draws=200, worlds_per_draw=2 for
# the fit and 50 x 4 worlds for the prediction; smaller here so that the compare experiment, which
# refits at every origin and robustness variant, stays within its time budget (bench_compare.py).
ABC_DRAWS = 4000  # one world per draw, two ABC-PMC generations (gapstudy.competition.fit); ~2 s per fit
ABC_WORLDS = 1
PREDICT_DRAWS = 25
PREDICT_WORLDS = 4
_CACHE: dict[tuple, "SimDensity"] = {}  # one ABC fit per (data, settings, seed): H2 and H1+H2 share it
_CACHE_MAX = 64  # fits kept; a compare run makes ~20


def _competition():
    try:
        from gapstudy import competition
        from gapstudy.competition import fit as cfit
        from gapstudy.competition.density import predictive_logpdf
    except ImportError as exc:
        raise Unavailable(f"gapstudy.competition (simulate, fit_abc, predictive_logpdf) is not available ({exc})") from None
    return competition, cfit, predictive_logpdf


@dataclass
class SimDensity:
    """Per calendar year: bin edges, density per bin and cumulative mass at the edges."""

    years: np.ndarray
    edges: np.ndarray
    density: np.ndarray  # (n_years, n_bins)
    cum: np.ndarray  # (n_years, n_bins + 1)
    n_releases: np.ndarray
    fit_summary: dict

    def _row(self, t):
        y = np.floor(np.asarray(t, float)).astype(int)
        return np.clip(np.searchsorted(self.years, y), 0, self.years.size - 1)

    def logpdf(self, x, t):
        x = np.asarray(x, float)
        r = self._row(t)
        i = np.clip(np.searchsorted(self.edges, x, side="right") - 1, 0, self.edges.size - 2)
        inside = (x >= self.edges[0]) & (x <= self.edges[-1])
        with np.errstate(divide="ignore"):
            return np.where(inside, np.log(self.density[r, i]), -np.inf)

    def cdf(self, x, t):
        x = np.broadcast_to(np.asarray(x, float), np.shape(t))
        r = self._row(t)
        xc = np.clip(x, self.edges[0], self.edges[-1])
        i = np.clip(np.searchsorted(self.edges, xc, side="right") - 1, 0, self.edges.size - 2)
        return np.clip(self.cum[r, i] + self.density[r, i] * (xc - self.edges[i]), 0.0, 1.0)

    def sample(self, t, rng):
        r = self._row(t)
        u = rng.random(r.shape)
        out = np.empty(r.shape)
        for row in np.unique(r):
            m = r == row
            out[m] = np.interp(u[m], self.cum[row], self.edges)
        return out


def _fingerprint(t, y) -> str:
    h = hashlib.sha256(np.ascontiguousarray(t, float).tobytes() + np.ascontiguousarray(y, float).tobytes())
    return h.hexdigest()[:16]


def fit_simulation(t, y, *, seed: int, cost: str = "simple", abc_draws: int = ABC_DRAWS, abc_worlds: int = ABC_WORLDS,
                   predict_draws: int = PREDICT_DRAWS, predict_worlds: int = PREDICT_WORLDS) -> SimDensity:
    """ABC-fit the competition simulation to (t, y) by gapstudy.competition.fit.fit_abc on yearly
    periods covering the data, simulate its posterior prediction, and tabulate per-year densities."""
    competition, cfit, predictive_logpdf = _competition()
    key = (_fingerprint(t, y), seed, cost, abc_draws, abc_worlds, predict_draws, predict_worlds)
    if key in _CACHE:
        return _CACHE[key]
    first, last = float(np.floor(t.min())), float(t.max())
    periods = []
    a = first
    while a <= last:  # yearly periods; the last ends just after the newest training model
        periods.append((a, min(a + 1.0, last + 1e-6)))
        a += 1.0
    base = competition.CompetitionParams(cost=cost)
    try:
        fit = cfit.fit_abc(t, y, base=base, n_draws=abc_draws, worlds_per_draw=abc_worlds, seed=seed, periods=periods)
        sim = cfit.predict(fit, n_draws=predict_draws, worlds_per_draw=predict_worlds, seed=seed + 1)
    except GapstudyError:
        raise
    years = np.arange(int(np.floor(sim.year.min())), int(np.ceil(base.end)))
    rows, n_rel = [], []
    for yr in years:
        d = predictive_logpdf(sim, (float(yr), float(yr + 1)))
        rows.append(d.density)
        n_rel.append(d.n_releases)
        edges = d.edges
    dens = np.array(rows)
    keep = np.array(n_rel) > 0
    if not keep.any():
        raise GapstudyError("the fitted competition simulation released no models; check gapstudy.competition settings")
    dens, years, n_rel = dens[keep], years[keep], np.array(n_rel)[keep]
    widths = np.diff(edges)
    cum = np.concatenate([np.zeros((dens.shape[0], 1)), np.cumsum(dens * widths, axis=1)], axis=1)
    summary = {"free": {n: fit.estimate[n] for n in fit.names}, "q05": fit.q05, "q95": fit.q95,
               "abc_simulations": fit.n_simulations, "abc_tolerance": fit.tolerance, "cost": cost,
               "fit_periods": [list(p) for p in periods], "n_free": len(fit.names)}
    out = SimDensity(years, edges, dens, cum, n_rel, summary)
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = out
    return out


SIM_OPTIONS = ("seed", "cost", "abc_draws", "abc_worlds", "predict_draws", "predict_worlds")


class _SimBased(Hypothesis):
    """Shared fitting of the simulation for H2 and H1+H2."""

    allowed_options = SIM_OPTIONS

    def availability(self):
        try:
            _competition()
        except Unavailable as exc:
            return str(exc)
        return None

    def _fit_sim(self, t, y, rng):
        t, y = check_inputs(t, y, need=MIN_MODELS)
        seed = int(self.options.get("seed", rng.integers(0, 2**31 - 1)))
        opts = {k: self.options[k] for k in SIM_OPTIONS[1:] if k in self.options}
        self.sim = fit_simulation(t, y, seed=seed, **opts)
        self.n_free = int(self.sim.fit_summary["n_free"])
        return t, y


@register
class CompetitionH2(_SimBased):
    """The log-size distribution per year of the competition simulation fitted (ABC) to the data."""

    key = "H2"
    label = "H2 competition"
    description = "fitted competition simulation (gapstudy.competition, ABC); per-year simulated density"

    @property
    def n_params(self) -> int:
        return self.n_free

    def fit(self, t, y, *, rng):
        self._fit_sim(t, y, rng)
        self.notes.append("fitted by ABC on summary statistics (posterior median), not maximum likelihood; "
                          "AIC/BIC count its free settings as fitted parameters")
        self.fitted = True
        return self

    def logpdf(self, y, t):
        self._need_fit()
        return self.sim.logpdf(y, t)

    def cdf(self, y, t):
        self._need_fit()
        return self.sim.cdf(y, t)

    def sample(self, t, rng):
        self._need_fit()
        return self.sim.sample(t, rng)

    def params(self):
        self._need_fit()
        return {**self.sim.fit_summary["free"]}


@register
class CompetitionParallelismH12(_SimBased):
    """H2's density thinned in the cost model's band (depth fitted by maximum likelihood given H2)."""

    key = "H1+H2"
    label = "H1+H2 competition + parallelism cost"
    description = "H2 thinned in the cost model's band; depth fitted"
    allowed_options = SIM_OPTIONS + ("band", "assumptions")

    def availability(self):
        return super().availability() or band_unavailable(self.options)

    @property
    def n_params(self) -> int:
        return self.n_free + 1

    def fit(self, t, y, *, rng):
        t, y = self._fit_sim(t, y, rng)
        self.band = resolve_band(self.options)
        thin = Thinning(*band_arrays(self.band, t))
        if not thin.has.any():
            self.notes.append(NO_BAND_NOTE)
        base_lp = self.sim.logpdf(y, t)
        p = thin.p_band(self.sim.cdf, t)

        def negll(d):
            v = -np.sum(thin.logpdf(base_lp, y, d, p))
            return v if np.isfinite(v) else 1e300

        res = optimize.minimize_scalar(negll, bounds=(0.0, MAX_DEPTH), method="bounded")
        self.depth = float(res.x) if negll(res.x) < negll(0.0) else 0.0
        self.notes.append("simulation fitted by ABC as H2, then the depth by maximum likelihood given it")
        self.fitted = True
        return self

    def _parts(self, t):
        self._need_fit()
        t = np.asarray(t, float)
        thin = Thinning(*band_arrays(self.band, t))
        return t, thin, thin.p_band(self.sim.cdf, t)

    def logpdf(self, y, t):
        t, thin, p = self._parts(t)
        y = np.asarray(y, float)
        return thin.logpdf(self.sim.logpdf(y, t), y, self.depth, p)

    def cdf(self, y, t):
        t, thin, p = self._parts(t)
        return thin.cdf(self.sim.cdf, np.broadcast_to(np.asarray(y, float), t.shape), t, self.depth, p)

    def sample(self, t, rng):
        t, thin, _ = self._parts(t)
        return thinned_sample(self.sim.sample, t, thin.lo, thin.hi, self.depth, rng)

    def params(self):
        self._need_fit()
        return {**self.sim.fit_summary["free"], "depth": self.depth}
