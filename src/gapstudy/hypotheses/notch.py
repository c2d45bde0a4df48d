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

    def _bins(self, n):
        return np.broadcast_to(self.P[5:7], (n, 2)), np.ones((n, 1))

    def logpdf(self, y, t):
        self._need_fit()
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t.size)
        return T.thinned_logpdf(self.P[:5], y, t, self.t0, e, w)

    def cdf(self, y, t):
        self._need_fit()
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t.size)
        return T.thinned_cdf(self.P[:5], y, t, self.t0, e, w)

    def sample(self, t, rng, size=None):
        self._need_fit()
        e, w = self.P[5:7][None], np.ones((1, 1))
        return T.thinned_sample(self.P[:5], t, self.t0, lambda idx: np.broadcast_to(e, (idx.size, 2)),
                                lambda idx: np.broadcast_to(w, (idx.size, 1)), rng, size=size)

    def sample_many(self, t, size, rng):
        return self.sample(t, rng, size=size)

    def params(self):
        self._need_fit()
        a, b, ls, al, d, lo, hi = (float(v) for v in self.P)
        return {"intercept_at_t0": a, "t0": self.t0, "slope_oom_per_year": b, "scale": float(np.exp(ls)), "shape": al,
                "depth": d, "band_lower": float(10**lo), "band_upper": float(10**hi)}

    def param_bounds(self):
        return {**TREND_PARAM_BOUNDS, "depth": (0.0, MAX_DEPTH)}
