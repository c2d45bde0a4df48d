"""The notch model: H0's drifting trend thinned in one band whose edges and depth are fitted (a gap of unknown cause)."""

from __future__ import annotations

import numpy as np

from gapstudy.errors import GapstudyError
from gapstudy.hypotheses import thinned as T
from gapstudy.hypotheses.band import MAX_DEPTH
from gapstudy.hypotheses.base import Hypothesis, check_inputs, register
from gapstudy.hypotheses.smooth import MIN_MODELS, TREND_PARAM_BOUNDS

# Band-edge search grid (log10 units). 0.04 dex (10%) is about twice the rounding of reported sizes
# (2-3 significant figures, smooth.py MIN_SCALE) and fine enough that the step refit moves little.
GRID_STEP = 0.04
# Narrowest band: 0.15 dex (a factor 1.4). A narrower notch fits the gaps between round sizes
# (7B, 13B, 70B... cluster about 0.1-0.2 dex apart; mixture.py MIN_SCALE), not a missing range.
MIN_WIDTH = 0.15
# Widest band: 1.25 dex (a factor 18), wider than the 20B-70B window (0.54 dex) by more than 2x;
# a wider "notch" is a second mode, which M2 describes.
MAX_WIDTH = 1.25
EDGE_QUANTILES = (0.02, 0.98)  # edges are searched between these quantiles of the sizes (no notch in the tails)
DATE_GROUPS = 24  # the edge search groups dates into this many quantile groups (the final refit uses every date)
NEWTON_STEPS = 6  # Newton steps of the one-dimensional depth profile (it is concave in d)


def profile_depth(n_in, p, m):
    """argmax over d in [0, MAX_DEPTH] of n_in log(1 - d) - sum_g m_g log(1 - d p_g), and the maximum.

    n_in (...), p (..., G) band probabilities of G date groups with m (G,) models each; vectorised."""
    n_in = np.asarray(n_in, float)
    n = float(np.sum(m))
    pbar = np.clip(np.sum(p * m, axis=-1) / n, 1e-12, 1 - 1e-12)
    # closed form when every group has the same band probability: d = 1 - (n_in / (n - n_in)) (1 - pbar) / pbar
    with np.errstate(divide="ignore", invalid="ignore"):
        d = 1.0 - (n_in / np.maximum(n - n_in, 1e-12)) * (1.0 - pbar) / pbar
    d = np.clip(np.nan_to_num(d, nan=0.0), 0.0, MAX_DEPTH)
    for _ in range(NEWTON_STEPS):
        q = p / (1.0 - d[..., None] * p)
        g1 = -n_in / (1.0 - d) + np.sum(m * q, axis=-1)
        g2 = -n_in / (1.0 - d) ** 2 + np.sum(m * q * q, axis=-1)
        step = np.where(g2 < 0, -g1 / np.where(g2 < 0, g2, -1.0), 0.0)
        d = np.clip(d + step, 0.0, MAX_DEPTH)
    with np.errstate(divide="ignore"):
        gain = np.where(n_in > 0, n_in * np.log1p(-d), 0.0) - np.sum(m * np.log1p(-d[..., None] * p), axis=-1)
    return d, gain


def _groups(t):
    """Quantile groups of the dates: representative date and count of each."""
    order = np.argsort(t)
    parts = np.array_split(t[order], min(DATE_GROUPS, t.size))
    return np.array([p.mean() for p in parts]), np.array([p.size for p in parts], float)


def search_band(t, Y, theta, t0: float):
    """Best band (lo, hi) and depth per row of Y with the trend held at theta (B, 4): a grid search
    over edge pairs with the depth profiled. Returns lo, hi, depth, likelihood gain (each (B,))."""
    Y = np.atleast_2d(Y)
    q = np.quantile(Y, EDGE_QUANTILES, axis=1)  # (2, B): each row searches between its own quantiles
    # one lattice of multiples of GRID_STEP for all rows, so a row's search never depends on the others
    k_lo, k_hi = np.floor(q[0] / GRID_STEP).astype(int), np.ceil(q[1] / GRID_STEP).astype(int)
    nodes = np.arange(k_lo.min(), k_hi.max() + 1) * GRID_STEP
    i, j = np.meshgrid(np.arange(nodes.size), np.arange(nodes.size), indexing="ij")
    w = nodes[j] - nodes[i]
    ok = (w >= MIN_WIDTH - 1e-9) & (w <= MAX_WIDTH + 1e-9)
    ci, cj = i[ok], j[ok]
    if ci.size == 0:
        raise GapstudyError("the sizes span too narrow a range for a notch search; widen the selection")
    tg, m = _groups(np.asarray(t, float))
    x = tg - t0
    below = (Y[:, :, None] < nodes[None, None, :]).sum(axis=1)  # (B, G nodes): models below each node
    out = [np.empty(Y.shape[0]) for _ in range(4)]
    for b in range(Y.shape[0]):
        a_, b_, ls, al = theta[b]
        F, _ = T.sn_cdf_and_grad(nodes[None, :], (a_ + b_ * x)[:, None], np.exp(ls), al, x[:, None])  # (groups, nodes)
        p = np.clip(F[:, cj] - F[:, ci], 0.0, 1.0).T  # (candidates, groups)
        n_in = below[b, cj] - below[b, ci]
        d, gain = profile_depth(n_in, p, m)
        lattice = np.arange(k_lo.min(), k_hi.max() + 1)
        gain = np.where((lattice[ci] >= k_lo[b]) & (lattice[cj] <= k_hi[b]), gain, -np.inf)
        k = int(np.argmax(gain))
        out[0][b], out[1][b], out[2][b], out[3][b] = nodes[ci[k]], nodes[cj[k]], d[k], gain[k]
    return tuple(out)


def fit_notch(t, Y, t0: float):
    """The notch model fitted to each row of Y: params (B, 7) = trend (4), depth, lower, upper edge; loglik (B,)."""
    Y = np.atleast_2d(Y)
    theta, _ = T.fit_trend(t, Y, t0=t0)
    lo, hi, d0, _ = search_band(t, Y, theta, t0)
    edges = np.stack([lo, hi], axis=1)[:, None, :]
    P, ll = T.fit_thinned(t, Y, edges, np.ones((Y.shape[0], 1, 1)), t0=t0, theta0=theta, depths=(np.maximum(d0, 0.05),))
    return np.c_[P, lo, hi], ll


@register
class NotchModel(Hypothesis):
    """Descriptive: the smooth drifting trend with one band of sizes thinned; edges and depth fitted."""

    key = "notch"
    label = "notch: smooth trend with a fitted thinned band"
    description = ("H0's drifting skew-normal thinned by a fitted depth inside one band of sizes whose two edges are fitted "
                   "(constant over the years); maximum likelihood, edges by grid search")

    @property
    def n_params(self) -> int:
        return 4 + 1 + 2

    def fit(self, t, y, *, rng):
        t, y = check_inputs(t, y, need=MIN_MODELS)
        self.t0 = float(np.mean(t))
        P, _ = fit_notch(t, y[None], self.t0)
        self.P = P[0]
        self.fitted = True
        return self

    def fit_many(self, t, Y, *, rng):
        t = np.asarray(t, float)
        P, ll = fit_notch(t, Y, float(np.mean(t)))
        return ll

    def _bins(self, t):
        """The thinned band's edges at each date of t (constant here) and its weight."""
        return np.broadcast_to(self.P[5:7], (t.size, 2)), np.ones((t.size, 1))

    def logpdf(self, y, t):
        self._need_fit()
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t)
        return T.thinned_logpdf(self.P[:5], y, t, self.t0, e, w)

    def cdf(self, y, t):
        self._need_fit()
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t)
        return T.thinned_cdf(self.P[:5], y, t, self.t0, e, w)

    def sample(self, t, rng, size=None):
        self._need_fit()
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t)
        return T.thinned_sample(self.P[:5], t, self.t0, lambda idx: e[idx], lambda idx: w[idx], rng, size=size)

    def sample_many(self, t, size, rng):
        return self.sample(t, rng, size=size)

    def params(self):
        self._need_fit()
        a, b, ls, al, d, lo, hi = (float(v) for v in self.P[:7])
        return {"intercept_at_t0": a, "t0": self.t0, "slope_oom_per_year": b, "scale": float(np.exp(ls)), "shape": al,
                "depth": d, "band_lower": float(10**lo), "band_upper": float(10**hi)}

    def param_bounds(self):
        return {**TREND_PARAM_BOUNDS, "depth": (0.0, MAX_DEPTH)}


# ---------------------------------------------------------------- the drifting notch
# Edges drifting at a fitted rate (dex per year, both edges together): lo(t) = lo + r (t - t0), hi(t) = hi + r (t - t0).
# Bound on |r|: 0.5 dex/yr, about twice the size trend's own drift (H0's fitted slope: 0.22 dex/yr on the bundled
# registry), so the band can follow the trend, stand still or move against it; faster than that a band sweeps
# through the whole size range within the data's 6.5 years and is no longer a gap at some sizes.
RATE_BOUND = 0.5
# Rate grid step: a half step (0.01 dex/yr) moves an edge by at most 0.035 dex at the bundled data's ends (dates
# within 3.5 years of their mean), under one step of the edge lattice (GRID_STEP 0.04): the rate grid is no
# coarser than the edges' own. 51 rates, 0 among them (the constant band).
RATE_STEP = 0.02
RATES = np.round(np.linspace(-RATE_BOUND, RATE_BOUND, int(round(2 * RATE_BOUND / RATE_STEP)) + 1), 12)
# The rate search scores every (rate, band) pair with the depth profiled on pooled dates (closed form: one band
# probability, the mean over POOLED_GROUPS date groups); the TOP_PER_RATE best bands of each rate are then scored
# exactly (depth profiled over search_band's DATE_GROUPS groups) and the best kept. Measured on 400 datasets drawn
# from the notch fitted to the bundled registry: with the rate grid cut to 0 this search picks search_band's band
# in 400 of 400 (TOP_PER_RATE 3; the pooled ranking already held the exact best among its first 5 in every one).
POOLED_GROUPS = 8
TOP_PER_RATE = 3
# The trend's CDF in the rate search is read off a table in standardised units (linear interpolation on a 0.005
# step: error under 1e-5 in a band probability, far below what moves a candidate's rank) instead of ~10^5 Owen's T
# calls per dataset; beyond +-12 the CDF is 0 or 1 to double precision.
Z_STEP = 0.005
Z_RANGE = 12.0


def search_drifting_band(t, Y, theta, t0: float, rates=RATES):
    """Best drifting band per row of Y with the trend held at theta (B, 4): rate r, edges (lo, hi) at t0, depth and
    likelihood gain (each (B,)). A band drifting at r is a constant band for the sizes y - r (t - t0), whose trend
    has slope b - r: every rate is search_band's search in that frame (the same lattice, widths and edge range), the
    depth profiled first on pooled dates (every rate and band at once), then exactly for the best of each rate."""
    t = np.asarray(t, float)
    Y = np.atleast_2d(Y)
    rates = np.asarray(rates, float)
    B, n = Y.shape
    R = rates.size
    xs = t - t0
    # each row's edge range at each rate, one row at a time (a (B, R, n) array at once would take GBs at large n)
    k_lo, k_hi = np.empty((B, R), int), np.empty((B, R), int)
    for b in range(B):
        q = np.quantile(Y[b][None, :] - rates[:, None] * xs[None, :], EDGE_QUANTILES, axis=1)  # (2, R)
        k_lo[b], k_hi[b] = np.floor(q[0] / GRID_STEP).astype(int), np.ceil(q[1] / GRID_STEP).astype(int)
    lattice = np.arange(k_lo.min(), k_hi.max() + 1)
    nodes = lattice * GRID_STEP
    N = nodes.size
    # band widths in lattice steps, as search_band's MIN_WIDTH..MAX_WIDTH test; band (i, i + k) is [nodes[i], nodes[i + k]]
    steps = np.arange(1, N)
    steps = steps[(steps * GRID_STEP >= MIN_WIDTH - 1e-9) & (steps * GRID_STEP <= MAX_WIDTH + 1e-9)]
    if steps.size == 0:
        raise GapstudyError("the sizes span too narrow a range for a notch search; widen the selection")
    tg, m = _groups(t)
    x = tg - t0
    order = np.argsort(t)
    parts = np.array_split(order, min(POOLED_GROUPS, t.size))
    xp, mp = np.array([xs[p].mean() for p in parts]), np.array([p.size for p in parts], float)
    zgrid = np.arange(-Z_RANGE, Z_RANGE + Z_STEP / 2, Z_STEP)
    offs = np.arange(R)[:, None] * 1e3  # row offsets: one searchsorted counts the models below every node at every rate
    ii = np.arange(N)
    out = [np.empty(B) for _ in range(5)]
    for b in range(B):
        a_, b_, ls, al = theta[b]
        s = np.exp(ls)
        Ftab = np.clip(T.sn_cdf(zgrid, 0.0, 1.0, al), 0.0, 1.0)
        Zp = (nodes[None, None, :] + rates[:, None, None] * xp[None, :, None] - (a_ + b_ * xp)[None, :, None]) / s
        Fbar = np.einsum("rgk,g->rk", np.interp(Zp, zgrid, Ftab), mp) / n  # (R, N): band probability pooled over dates
        S = np.sort(Y[b][None, :] - rates[:, None] * xs[None, :], axis=1) + offs
        below = (np.searchsorted(S.ravel(), (nodes[None, :] + offs).ravel()).reshape(R, N) - np.arange(R)[:, None] * n).astype(float)
        inrange = (lattice[None, :] >= k_lo[b][:, None]) & (lattice[None, :] <= k_hi[b][:, None])  # (R, N)
        gain = np.full((R, steps.size, N), -np.inf)
        for w_i, k in enumerate(steps):  # band (i, i + k) for every i at once: contiguous slices, no gathers
            n_in = below[:, k:] - below[:, :-k]
            pbar = np.clip(Fbar[:, k:] - Fbar[:, :-k], 1e-12, 1 - 1e-12)
            g = np.zeros(n_in.shape)
            deficit = n_in < n * pbar  # elsewhere the profiled depth is 0 and the gain 0
            ni, pb = n_in[deficit], pbar[deficit]
            with np.errstate(divide="ignore", invalid="ignore"):
                d = np.minimum(1.0 - (ni / np.maximum(n - ni, 1e-12)) * (1.0 - pb) / pb, MAX_DEPTH)
                g[deficit] = np.where(ni > 0, ni * np.log1p(-d), 0.0) - n * np.log1p(-d * pb)
            gain[:, w_i, :N - k] = np.where(inrange[:, :-k] & inrange[:, k:], g, -np.inf)
        flat = gain.reshape(R, -1)
        top = np.argpartition(-flat, TOP_PER_RATE, axis=1)[:, :TOP_PER_RATE]  # (R, TOP)
        r_i = np.repeat(np.arange(R), TOP_PER_RATE)
        w_i, i_i = np.unravel_index(top.ravel(), (steps.size, N))
        keep = np.isfinite(flat[r_i, top.ravel()])
        r_i, w_i, i_i = r_i[keep], w_i[keep], i_i[keep]
        lo_e, hi_e = nodes[i_i], nodes[i_i + steps[w_i]]
        loc = a_ + b_ * x
        shift = rates[r_i][:, None] * x[None, :]
        Fl = T.sn_cdf(lo_e[:, None] + shift, loc[None, :], s, al)
        Fh = T.sn_cdf(hi_e[:, None] + shift, loc[None, :], s, al)
        p = np.clip(Fh - Fl, 0.0, 1.0)  # (candidates, groups), exact
        n_in = below[r_i, i_i + steps[w_i]] - below[r_i, i_i]
        dk, gk = profile_depth(n_in, p, m)
        k = int(np.argmax(gk))
        out[0][b], out[1][b], out[2][b], out[3][b], out[4][b] = rates[r_i[k]], lo_e[k], hi_e[k], dk[k], gk[k]
    return tuple(out)


def fit_drifting_notch(t, Y, t0: float, notch=None, rates=RATES):
    """The drifting notch fitted to each row of Y: params (B, 8) = trend (4), depth, lower and upper edge at t0,
    drift rate; loglik (B,). The rate is searched on `rates` (dex per year). It contains the constant notch (rate 0): `notch` = fit_notch's (params, loglik) for the
    same rows (computed when None) is refitted beside the rate search's best band and the better of the two kept
    per row, so the loglik is never below the constant notch's."""
    t = np.asarray(t, float)
    Y = np.atleast_2d(Y)
    theta, _ = T.fit_trend(t, Y, t0=t0)
    if notch is None:
        notch = fit_notch(t, Y, t0)
    Pn, lln = notch
    rate, lo, hi, d0, _ = search_drifting_band(t, Y, theta, t0, rates)
    xs = t - t0
    th = theta.copy()
    th[:, 1] -= rate  # the trend of the shifted sizes y - r (t - t0)
    edges = np.stack([lo, hi], axis=1)[:, None, :]
    P, ll = T.fit_thinned(t, Y - rate[:, None] * xs[None, :], edges, np.ones((Y.shape[0], 1, 1)), t0=t0, theta0=th,
                          depths=(np.maximum(d0, 0.05),))
    P = P.copy()
    P[:, 1] += rate
    drift = np.c_[P, lo, hi, rate]
    const = np.c_[Pn, np.zeros(Y.shape[0])]
    better = ll > lln
    return np.where(better[:, None], drift, const), np.where(better, ll, lln)


@register
class DriftingNotchModel(NotchModel):
    """Descriptive: the smooth drifting trend with one band of sizes thinned, the band's edges moving linearly with
    time at a fitted rate (the constant notch is rate 0); edges, rate and depth fitted. The notch's density, CDF and
    draws with edges that depend on the date (P = the notch's seven parameters, then the rate)."""

    key = "notch-drift"
    label = "notch-drift: smooth trend with a fitted thinned band that moves with time"
    description = ("H0's drifting skew-normal thinned by a fitted depth inside one band of sizes whose two edges move "
                   f"together at a fitted rate (|rate| <= {RATE_BOUND:g} dex per year; 0 is the constant notch, which it "
                   "contains); maximum likelihood, edges and rate by grid search")

    @property
    def n_params(self) -> int:
        return super().n_params + 1

    def fit(self, t, y, *, rng):
        t, y = check_inputs(t, y, need=MIN_MODELS)
        self.t0 = float(np.mean(t))
        self.span = (float(t.min()), float(t.max()))
        P, _ = fit_drifting_notch(t, y[None], self.t0)
        self.P = P[0]
        self.fitted = True
        return self

    def fit_many(self, t, Y, *, rng):
        t = np.asarray(t, float)
        return fit_drifting_notch(t, Y, float(np.mean(t)))[1]

    def nests(self, t) -> str | None:
        """'notch': this model's batched fit starts with the constant notch's own (it contains it at rate 0)."""
        return "notch"

    def fit_many_nested(self, t, Y, *, start=None, inner_start=None):
        """(this model's fit_many, the constant notch's fit_many, the notch's seconds) in one pass: the notch's
        batched fits, exactly as NotchModel.fit_many makes them, are the first stage of this one's (model recovery)."""
        import time

        t = np.asarray(t, float)
        Y = np.atleast_2d(np.asarray(Y, float))
        t0 = float(np.mean(t))
        a = time.perf_counter()
        notch = fit_notch(t, Y, t0)
        secs = time.perf_counter() - a
        return fit_drifting_notch(t, Y, t0, notch=notch)[1], notch[1], secs

    def _edges(self, t):
        x = np.asarray(t, float) - self.t0
        return self.P[5] + self.P[7] * x, self.P[6] + self.P[7] * x

    def _bins(self, t):
        lo, hi = self._edges(t)
        return np.stack([lo, hi], axis=-1), np.ones((lo.size, 1))

    def params(self):
        (lo0, lo1), (hi0, hi1) = self._edges(np.array(self.span))
        return {**super().params(), "drift_dex_per_year": float(self.P[7]),
                "first_date": self.span[0], "band_lower_first": float(10**lo0), "band_upper_first": float(10**hi0),
                "last_date": self.span[1], "band_lower_last": float(10**lo1), "band_upper_last": float(10**hi1)}

    def param_bounds(self):
        return {**super().param_bounds(), "drift_dex_per_year": (-RATE_BOUND, RATE_BOUND)}
