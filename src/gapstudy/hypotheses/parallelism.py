"""H1, parallelism cost: the smooth trend thinned where the cost model says mid-sized models are less cost-effective.

p(y | t) proportional to trend(y | t) (1 - depth (1 - thinning(t, y, cost))), renormalised per date, with
thinning from gapstudy.costmodel.size_choice (the share of would-be trend models at a size still built
once a one-time adoption cost of the costly parallelism techniques applies). Fitted by maximum
likelihood: the trend (4), log10 adoption cost within the sourced range, and the depth. A fixed band
(option band=[lower, upper]) gives the older what-if form with only the depth fitted."""

from __future__ import annotations

import numpy as np

from gapstudy.errors import GapstudyError
from gapstudy.hypotheses import thinned as T
from gapstudy.hypotheses.band import MAX_DEPTH, band_arrays, costmodel_band_fn, fixed_band_fn
from gapstudy.hypotheses.base import Hypothesis, Unavailable, check_inputs, register
from gapstudy.hypotheses.smooth import MIN_MODELS, TREND_PARAM_BOUNDS

# Size bins on which the cost model's thinning is tabulated (log10 parameters): 0.1 dex, the step of
# the cost model's own size grid (size_choice.LOG10_SIZES, which it interpolates linearly), 1M to 100T.
# The rule: tabulate at the cost model's own resolution (option bin= changes it). H1's likelihood depends on it
# (a step function of size at the bins' midpoints), so compare reports H1 refitted at BIN_WIDTHS as well.
BIN = 0.1
BIN_WIDTHS = (0.05, 0.1, 0.2)  # dex: the rule's width halved and doubled, for compare's report of its effect
SIZE_RANGE = (6.0, 14.0)
N_COSTS = 21  # adoption costs searched, log-spaced over the sourced range (10 per decade over 2 decades)
DEPTH_GRID = np.linspace(0.0, MAX_DEPTH, 41)  # depths of the cost search (the refit then frees the depth)
# 1 - thinning below this at every year and cost = the cost model leaves that size unchanged (a
# 0.1% thinning moves a log-likelihood by under 0.001 per model there); bins outside are dropped.
NO_EFFECT = 1e-3


def resolve_band(options: dict):
    """The band function of the what-if form and of H1+H2: options['band'] = 'costmodel' (predicted_band),
    a callable year -> (lo, hi) | None, or [lower, upper(, start_year)] parameter counts."""
    spec = options.get("band", "costmodel")
    if callable(spec):
        return spec
    if spec == "costmodel":
        return costmodel_band_fn(options.get("assumptions"))
    if isinstance(spec, (list, tuple)) and len(spec) in (2, 3):
        return fixed_band_fn(float(spec[0]), float(spec[1]), *(int(s) for s in spec[2:]))
    raise GapstudyError(f"band={spec!r} is not understood; use 'costmodel' or [lower, upper] parameter counts")


def band_unavailable(options: dict) -> str | None:
    """Why the band cannot be had (e.g. the cost model is missing), or None."""
    try:
        resolve_band(options)
    except Unavailable as exc:
        return str(exc)
    return None


# Note left by a thinned hypothesis whose band is empty in every training year.
NO_BAND_NOTE = "no band (or a zero-width band) in every training year: depth is not identified; set to 0"


def search_options(options: dict) -> tuple[int, float]:
    """(adoption costs searched, tabulation width in dex) from H1's options n_costs and bin, checked: a whole number
    >= 1 and a width in (0, 1] dex."""
    n, width = options.get("n_costs", N_COSTS), options.get("bin", BIN)
    try:
        ok_n = not isinstance(n, bool) and float(n) == int(float(n)) and int(float(n)) >= 1
    except (TypeError, ValueError):
        ok_n = False
    if not ok_n:
        raise GapstudyError(f"H1 n_costs={n!r}: give a whole number of adoption costs to search, at least 1, e.g. {N_COSTS}")
    try:
        ok_w = not isinstance(width, bool) and 0.0 < float(width) <= 1.0
    except (TypeError, ValueError):
        ok_w = False
    if not ok_w:
        raise GapstudyError(f"H1 bin={width!r}: the tabulation width must be in (0, 1] dex, e.g. {BIN:g} (the cost model's grid)")
    return int(float(n)), float(width)


def thinning_source(options: dict):
    """(thinning function (years, log10_params, cost) -> [0, 1], (low, high) adoption cost in USD)."""
    spec = options.get("thinning", "costmodel")
    rng_ = options.get("cost_range")
    if callable(spec):
        fn = spec
        default_range = None
    elif spec == "costmodel":
        try:
            from gapstudy.costmodel import size_choice
        except ImportError as exc:
            raise Unavailable(f"gapstudy.costmodel.size_choice.thinning is not available yet ({exc})") from None
        assumptions = options.get("assumptions")

        def fn(years, log10_params, cost):
            return size_choice.thinning(years, log10_params, cost, assumptions=assumptions)

        default_range = tuple(size_choice.ADOPTION_COST_RANGE_USD)
    else:
        raise GapstudyError(f"thinning={spec!r} is not understood; use 'costmodel' or a function (years, log10_params, cost) -> [0, 1]")
    cost_range = tuple(float(v) for v in (rng_ or default_range or ()))
    if len(cost_range) != 2 or not 0 < cost_range[0] <= cost_range[1]:
        raise GapstudyError(f"cost_range={rng_!r}: give [low, high] adoption costs in USD with 0 < low <= high")
    return fn, cost_range


def _usd(v: float) -> str:
    return f"${v / 1e6:g}M" if v >= 1e6 else f"${v / 1e3:g}k"


@register
class ParallelismH1(Hypothesis):
    """H0 times 1 - depth (1 - thinning(t, y, adoption cost)), renormalised per date."""

    key = "H1"
    label = "H1 parallelism cost"
    description = ("H0's trend thinned by the cost model's share of models still built at each size and year once adopting "
                   "costly parallelism has a one-time cost; adoption cost (within the sourced range) and depth fitted")
    allowed_options = ("band", "assumptions", "thinning", "cost_range", "n_costs", "bin")

    def availability(self):
        if "band" in self.options:
            return band_unavailable(self.options)
        try:
            thinning_source(self.options)
        except Unavailable as exc:
            return str(exc)
        search_options(self.options)
        return None

    # ------------------------------------------------------------ the thinning table

    @property
    def n_params(self) -> int:
        if getattr(self, "kind", None) == "h0":
            return 4
        if getattr(self, "kind", None) == "band" or not getattr(self, "cost_identified", True):
            return 5
        return 6

    def _setup(self):
        """Decide the form (fixed band, cost model, or H0-equivalent) and tabulate what the fit needs."""
        if "band" in self.options:
            self.kind, self.band = "band", resolve_band(self.options)
            return
        self.fn, self.cost_range = thinning_source(self.options)
        n, width = search_options(self.options)
        self.log_costs = np.linspace(np.log10(self.cost_range[0]), np.log10(self.cost_range[1]), n if self.cost_range[1] > self.cost_range[0] else 1)
        self.edges_all = np.arange(SIZE_RANGE[0], SIZE_RANGE[1] + width / 2, width)
        self.kind = "cost"

    def _table(self, years, log_costs):
        """1 - thinning on the size bins: (costs, years, bins)."""
        mids = 0.5 * (self.edges_all[1:] + self.edges_all[:-1])
        yy = np.asarray(years, float)[None, :, None] + 0.5
        g = np.asarray(self.fn(yy, mids[None, None, :], (10.0 ** np.asarray(log_costs, float))[:, None, None]), float)
        g = np.broadcast_to(g, (len(log_costs), len(years), mids.size))
        if not np.all(np.isfinite(g)):
            raise GapstudyError("the thinning function returned non-finite values; it must give shares in [0, 1]")
        return 1.0 - np.clip(g, 0.0, 1.0)

    def _prepare(self, t):
        """Per-model bins (edges (n, K+1), weights per cost (C, n, K)) for the dates t."""
        years = np.floor(t).astype(int)
        uy, row = np.unique(years, return_inverse=True)
        W = self._table(uy, self.log_costs)
        active = np.flatnonzero(W.max(axis=(0, 1)) > NO_EFFECT)
        if active.size == 0:
            return None
        k0, k1 = active[0], active[-1] + 1
        self.span = (k0, k1)
        edges = np.broadcast_to(self.edges_all[k0:k1 + 1], (t.size, k1 - k0 + 1))
        return edges, W[:, row, k0:k1]

    def _no_band_reason(self, t) -> str:
        y0, y1 = int(np.floor(t.min())), int(np.floor(t.max()))
        return (f"H0-equivalent: the cost model opens no band in any year {y0}-{y1} at any adoption cost in "
                f"{_usd(self.cost_range[0])}-{_usd(self.cost_range[1])} (thinning = 1 everywhere), so depth and cost are not "
                "identified and H1's density is H0's; scored with H0's k = 4, not counted against it")

    # ------------------------------------------------------------ fitting

    def _fit_rows(self, t, Y):
        """Fit every row of Y; returns (P (B, p), loglik (B,), chosen log10 cost (B,) or None)."""
        t0 = float(np.mean(t))
        theta, ll0 = T.fit_trend(t, Y, t0=t0)
        if self.kind == "band":
            lo, hi = band_arrays(self.band, t)
            has = np.isfinite(lo)
            if not has.any():
                self.kind, self.equivalent = "h0", f"H0-equivalent: {NO_BAND_NOTE.replace('; set to 0', '')}; scored with H0's k = 4"
                return theta, ll0, None
            edges = np.stack([np.where(has, lo, 0.0), np.where(has, hi, 0.0)], axis=1)[None]
            weights = has.astype(float)[None, :, None]
            P, ll = T.fit_thinned(t, Y, edges, weights, t0=t0, theta0=theta, depths=(0.2, 0.8))
            return P, ll, None
        prep = self._prepare(t)
        if prep is None:
            self.kind, self.equivalent = "h0", self._no_band_reason(t)
            return theta, ll0, None
        edges, Wc = prep
        self.cost_identified = bool(np.ptp(Wc, axis=0).max() > NO_EFFECT) if Wc.shape[0] > 1 else False
        B = Y.shape[0]
        x = t - t0
        best_c = np.empty(B, int)
        best_d = np.empty(B)
        for b in range(B):
            a, sl, ls, al = theta[b]
            F = T.sn_cdf(edges, (a + sl * x)[:, None], np.exp(ls), al)
            dF = np.diff(F, axis=1)  # (n, K)
            S = np.einsum("cik,ik->ci", Wc, dF)  # (C, n)
            w_in = T.inside_weight(Y[b][None], edges[None], Wc)  # (C, n)
            d = DEPTH_GRID[None, :, None]
            with np.errstate(divide="ignore"):
                gain = (np.log1p(-d * w_in[:, None, :]) - np.log1p(-d * S[:, None, :])).sum(axis=2)  # (C, D)
            c, j = np.unravel_index(int(np.argmax(gain)), gain.shape)
            best_c[b], best_d[b] = c, DEPTH_GRID[j]
        # datasets in chunks (each is fitted on its own: the numbers do not depend on the chunking) so the
        # bin arrays (datasets x dates x Simpson nodes) stay under gapstudy.malloc's 32 MiB mmap threshold
        step = max(1, T.CHUNK_VALUES // max(1, t.size * (2 * edges.shape[1] - 1)))
        P, ll = np.empty((B, 5)), np.empty(B)
        for a in range(0, B, step):
            r = slice(a, min(B, a + step))
            P[r], ll[r] = T.fit_thinned(t, Y[r], edges[None], Wc[best_c[r]], t0=t0, theta0=theta[r],
                                        depths=(np.clip(best_d[r], 0.05, 0.95),))
        return P, ll, self.log_costs[best_c]

    def fit(self, t, y, *, rng):
        t, y = check_inputs(t, y, need=MIN_MODELS)
        self._setup()
        self.t0 = float(np.mean(t))
        P, _, lc = self._fit_rows(t, y[None])
        self.P = P[0]
        self.log_cost = None if lc is None else float(lc[0])
        if self.kind == "h0":
            self.notes.append(self.equivalent)
        elif self.kind == "cost" and not self.cost_identified:
            self.notes.append("the thinning is the same at every adoption cost in the range: the cost is not identified and not counted (k = 5)")
        self.fitted = True
        return self

    def fit_many(self, t, Y, *, rng):
        t = np.asarray(t, float)
        h = type(self)(**self.options)
        h._setup()
        return h._fit_rows(t, np.atleast_2d(Y))[1]

    # ------------------------------------------------------------ the fitted density

    def _bins(self, t):
        t = np.atleast_1d(np.asarray(t, float))
        if self.kind == "h0":
            return None, None
        if self.kind == "band":
            lo, hi = band_arrays(self.band, t)
            has = np.isfinite(lo)
            return np.stack([np.where(has, lo, 0.0), np.where(has, hi, 0.0)], axis=1), has.astype(float)[:, None]
        years = np.floor(t).astype(int)
        uy, row = np.unique(years, return_inverse=True)
        k0, k1 = self.span
        W = self._table(uy, [self.log_cost])[0][:, k0:k1]
        return np.broadcast_to(self.edges_all[k0:k1 + 1], (t.size, k1 - k0 + 1)), W[row]

    def logpdf(self, y, t):
        self._need_fit()
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t)
        return T.thinned_logpdf(self.P, y, t, self.t0, e, w)

    def cdf(self, y, t):
        self._need_fit()
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t)
        return T.thinned_cdf(self.P, y, t, self.t0, e, w)

    def sample(self, t, rng, size=None):
        self._need_fit()
        t = np.atleast_1d(np.asarray(t, float))
        if self.kind == "h0":
            return T.thinned_sample(self.P, t, self.t0, None, None, rng, size=size)
        e, w = self._bins(t)
        return T.thinned_sample(self.P, t, self.t0, lambda idx: e[idx], lambda idx: w[idx], rng, size=size)

    def sample_many(self, t, size, rng):
        return self.sample(t, rng, size=size)

    def params(self):
        self._need_fit()
        a, b, ls, al = (float(v) for v in self.P[:4])
        out = {"intercept_at_t0": a, "t0": self.t0, "slope_oom_per_year": b, "scale": float(np.exp(ls)), "shape": al}
        if self.kind != "h0":
            out["depth"] = float(self.P[4])
        if self.kind == "cost":
            out["adoption_cost_usd"] = float(10**self.log_cost)
        return out

    def param_bounds(self):
        out = dict(TREND_PARAM_BOUNDS)
        if self.kind != "h0":
            out["depth"] = (0.0, MAX_DEPTH)
        if self.kind == "cost" and self.cost_identified:  # an unidentified cost is not a fitted parameter
            out["adoption_cost_usd"] = (float(10 ** self.log_costs[0]), float(10 ** self.log_costs[-1]))
        return out
