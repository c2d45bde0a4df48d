"""M2, the descriptive benchmark: two Gaussian components sharing a linear drift with date, fitted by EM."""

from __future__ import annotations

import numpy as np
from scipy import special

from gapstudy.hypotheses.base import Hypothesis, check_inputs, register

MIN_MODELS = 12  # 6 parameters, 2 points each
# Component sd floor (dex): reported sizes cluster on round values (7B, 13B, 70B...) about 0.1 dex
# apart (gapstudy.competition.density notes the same rounding); a narrower component fits a tie.
MIN_SCALE = 0.1
MIN_WEIGHT = 0.01  # a component with under 1% of the models is a degenerate fit to outliers
SHORT_RUN = 25  # EM steps from every start before only each dataset's best start is iterated on
EM_ITER = 500  # EM converges in tens of steps on these samples; this is a safety cap
EM_TOL = 1e-8  # stop when the mean log-likelihood improves by less than this (2e-6 nats in total at n = 220)


@register
class MixtureM2(Hypothesis):
    """w N(m1 + b (t - t0), s1) + (1 - w) N(m2 + b (t - t0), s2): six free parameters."""

    key = "M2"
    label = "M2 two-component mixture"
    description = "two Gaussians of log10 size sharing a linear drift with date; EM"

    @property
    def n_params(self) -> int:
        return 6

    def _comp_logpdf(self, y, t):
        x = np.asarray(t, float) - self.t0
        y = np.asarray(y, float)
        out = []
        for k in range(2):
            z = (y - self.means[k] - self.slope * x) / self.sds[k]
            out.append(np.log(self.weights[k]) - np.log(self.sds[k]) - 0.5 * np.log(2 * np.pi) - 0.5 * z * z)
        return np.stack(out)

    def fit(self, t, y, *, rng):
        t, y = check_inputs(t, y, need=MIN_MODELS)
        self.t0 = float(np.mean(t))
        est, _ = em_batch(t, y[None], self.t0, _splits(rng))
        self.means, self.sds, self.weights, self.slope = est["means"][0], est["sds"][0], est["weights"][0], float(est["slope"][0])
        self.fitted = True
        return self

    def fit_many(self, t, Y, *, rng):
        t = np.asarray(t, float)
        return em_batch(t, np.atleast_2d(Y), float(np.mean(t)), _splits(rng))[1]

    def sample_many(self, t, size, rng):
        self._need_fit()
        t = np.broadcast_to(np.asarray(t, float), (int(size), np.size(t)))
        return self.sample(t, rng)

    def logpdf(self, y, t):
        self._need_fit()
        return special.logsumexp(self._comp_logpdf(y, t), axis=0)

    def cdf(self, y, t):
        self._need_fit()
        loc = self.slope * (np.asarray(t, float) - self.t0)
        y = np.asarray(y, float)
        return sum(self.weights[k] * special.ndtr((y - self.means[k] - loc) / self.sds[k]) for k in range(2))

    def sample(self, t, rng):
        self._need_fit()
        t = np.asarray(t, float)
        k = (rng.random(t.shape) >= self.weights[0]).astype(int)
        return self.means[k] + self.slope * (t - self.t0) + self.sds[k] * rng.standard_normal(t.shape)

    def params(self):
        self._need_fit()
        return {"t0": self.t0, "slope_oom_per_year": self.slope, "mean_low": float(self.means[0]), "sd_low": float(self.sds[0]),
                "weight_low": float(self.weights[0]), "mean_high": float(self.means[1]), "sd_high": float(self.sds[1])}

    def param_bounds(self):
        return {"weight_low": (MIN_WEIGHT, 1.0 - MIN_WEIGHT), "sd_low": (MIN_SCALE, None), "sd_high": (MIN_SCALE, None)}


def _splits(rng) -> np.ndarray:
    """EM starts: split the detrended sizes at three fixed and three random quantiles."""
    return np.r_[0.3, 0.5, 0.7, rng.uniform(0.15, 0.85, size=3)]


def _mix_logpdf(y, x, means, slope, sds, weights):
    """Component log densities (..., 2, n) for parameters shaped (..., 2) and slope (...)."""
    mu = means[..., :, None] + slope[..., None, None] * x
    z = (y[..., None, :] - mu) / sds[..., :, None]
    return np.log(weights)[..., :, None] - np.log(sds)[..., :, None] - 0.5 * np.log(2 * np.pi) - 0.5 * z * z


def _lse2(lp):
    """log(exp(a) + exp(b)) over the two components (axis -2): scipy's logsumexp for two terms, ~4x faster."""
    return np.logaddexp(lp[..., 0, :], lp[..., 1, :])


def em_batch(t, Y, t0: float, splits) -> tuple[dict, np.ndarray]:
    """EM for M2 on each row of Y (B, n) from every split start at once; the best start per row is kept.
    Returns the estimates (means, sds, weights (B, 2) sorted by mean, slope (B,)) and log-likelihoods (B,)."""
    Y = np.atleast_2d(np.asarray(Y, float))
    B, n = Y.shape
    x = np.asarray(t, float) - t0
    xm = x - x.mean()
    b0 = (Y - Y.mean(axis=1, keepdims=True)) @ xm / max(float(xm @ xm), 1e-12)
    r = Y - b0[:, None] * x
    sd = np.maximum(r.std(axis=1), MIN_SCALE)
    S = len(splits)
    cut = np.quantile(r, np.asarray(splits), axis=1).T  # (B, S)
    low = r[:, None, :] <= cut[:, :, None]  # (B, S, n)
    nl, nh = low.sum(axis=2), (~low).sum(axis=2)
    rr = np.broadcast_to(r[:, None, :], low.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        ml = np.where(low, rr, 0).sum(axis=2) / np.maximum(nl, 1)
        mh = np.where(~low, rr, 0).sum(axis=2) / np.maximum(nh, 1)
        vl = np.where(low, (rr - ml[..., None]) ** 2, 0).sum(axis=2) / np.maximum(nl, 1)
        vh = np.where(~low, (rr - mh[..., None]) ** 2, 0).sum(axis=2) / np.maximum(nh, 1)
    means = np.stack([ml, mh], axis=-1)
    sds = np.maximum(np.stack([np.sqrt(vl), np.sqrt(vh)], axis=-1), (sd / 4)[:, None, None])
    weights = np.stack([nl / n, nh / n], axis=-1).clip(MIN_WEIGHT, 1 - MIN_WEIGHT)
    slope = np.broadcast_to(b0[:, None], (B, S)).copy()
    # flatten (row, start) pairs into problems; each EM step updates only those not yet converged
    Yf = np.repeat(Y, S, axis=0)
    means, sds, weights, slope = means.reshape(-1, 2), sds.reshape(-1, 2), weights.reshape(-1, 2), slope.ravel()
    prev = np.full(B * S, -np.inf)
    act = np.arange(B * S)
    for it in range(EM_ITER):
        if it == SHORT_RUN:
            # keep only the best start of each row (short-run EM start selection, Biernacki, Celeux & Govaert 2003)
            cur = _lse2(_mix_logpdf(Yf, x, means, slope, sds, weights)).sum(axis=-1).reshape(B, S)
            keep_start = np.zeros((B, S), bool)
            keep_start[np.arange(B), np.argmax(np.where(np.isfinite(cur), cur, -np.inf), axis=1)] = True
            act = act[keep_start.ravel()[act]]
            if act.size == 0:
                break
        Ya = Yf[act]
        lp = _mix_logpdf(Ya, x, means[act], slope[act], sds[act], weights[act])
        tot = _lse2(lp)
        ll = tot.mean(axis=-1)
        resp = np.exp(lp - tot[:, None, :])
        nk = resp.sum(axis=-1)
        w_new = np.clip(nk / nk.sum(axis=-1, keepdims=True), MIN_WEIGHT, 1 - MIN_WEIGHT)
        wk = resp / sds[act][:, :, None] ** 2
        A = np.zeros((act.size, 3, 3))
        A[:, 0, 0], A[:, 1, 1] = wk[:, 0].sum(-1), wk[:, 1].sum(-1)
        A[:, 0, 2] = A[:, 2, 0] = (wk[:, 0] * x).sum(-1)
        A[:, 1, 2] = A[:, 2, 1] = (wk[:, 1] * x).sum(-1)
        A[:, 2, 2] = (wk * x * x).sum(axis=(-1, -2))
        rhs = np.stack([(wk[:, 0] * Ya).sum(-1), (wk[:, 1] * Ya).sum(-1), (wk * (x * Ya)[:, None, :]).sum(axis=(-1, -2))], axis=-1)
        good = np.abs(np.linalg.det(A)) > 1e-300
        sol = np.linalg.solve(np.where(good[:, None, None], A, np.eye(3)), rhs[..., None])[..., 0]
        m_new, b_new = sol[:, :2], sol[:, 2]
        resid = Ya[:, None, :] - m_new[:, :, None] - b_new[:, None, None] * x
        s_new = np.maximum(np.sqrt((resp * resid**2).sum(-1) / np.maximum(nk, 1e-12)), MIN_SCALE)
        g = act[good]
        weights[g], means[g], slope[g], sds[g] = w_new[good], m_new[good], b_new[good], s_new[good]
        keep = good & (ll - prev[act] >= EM_TOL)
        prev[act] = ll
        act = act[keep]
        if act.size == 0:
            break
    Ys = np.broadcast_to(Y[:, None, :], (B, S, n))
    means, sds, weights, slope = means.reshape(B, S, 2), sds.reshape(B, S, 2), weights.reshape(B, S, 2), slope.reshape(B, S)
    ll = _lse2(_mix_logpdf(Ys, x, means, slope, sds, weights)).sum(axis=-1)
    ll = np.where(np.isfinite(ll), ll, -np.inf)
    best = np.argmax(ll, axis=1)
    pick = lambda a: a[np.arange(B), best]  # noqa: E731
    means, sds, weights, slope = pick(means), pick(sds), pick(weights), pick(slope)
    order = np.argsort(means, axis=1)
    take = lambda a: np.take_along_axis(a, order, axis=1)  # noqa: E731
    return {"means": take(means), "sds": take(sds), "weights": take(weights), "slope": slope}, pick(ll)
