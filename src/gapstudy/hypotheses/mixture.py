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
EM_ITER = 500  # EM converges in tens of steps on these samples; this is a safety cap
EM_TOL = 1e-9  # stop when the mean log-likelihood improves by less than this


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

    def _em(self, t, y, means, sds, w):
        x = t - self.t0
        self.means, self.sds, self.weights = np.array(means, float), np.array(sds, float), np.array([w, 1 - w])
        self.slope = float(np.polyfit(x, y, 1)[0]) if np.ptp(x) > 0 else 0.0
        prev = -np.inf
        for _ in range(EM_ITER):
            lp = self._comp_logpdf(y, t)
            tot = special.logsumexp(lp, axis=0)
            ll = float(tot.mean())
            r = np.exp(lp - tot)
            # M step: weights; then means and the shared slope by weighted least squares
            nk = r.sum(axis=1)
            self.weights = np.clip(nk / nk.sum(), MIN_WEIGHT, 1 - MIN_WEIGHT)
            wk = r / self.sds[:, None] ** 2
            a = np.array([[wk[0].sum(), 0.0, (wk[0] * x).sum()],
                          [0.0, wk[1].sum(), (wk[1] * x).sum()],
                          [(wk[0] * x).sum(), (wk[1] * x).sum(), (wk * x * x).sum()]])
            rhs = np.array([(wk[0] * y).sum(), (wk[1] * y).sum(), (wk * x * y).sum()])
            try:
                m1, m2, b = np.linalg.solve(a, rhs)
            except np.linalg.LinAlgError:
                break
            self.means, self.slope = np.array([m1, m2]), float(b)
            resid = y[None, :] - self.means[:, None] - self.slope * x[None, :]
            self.sds = np.maximum(np.sqrt((r * resid**2).sum(axis=1) / np.maximum(nk, 1e-12)), MIN_SCALE)
            if ll - prev < EM_TOL:
                break
            prev = ll
        return float(special.logsumexp(self._comp_logpdf(y, t), axis=0).sum())

    def fit(self, t, y, *, rng):
        t, y = check_inputs(t, y, need=MIN_MODELS)
        self.t0 = float(np.mean(t))
        x = t - self.t0
        b = np.polyfit(x, y, 1)[0] if np.ptp(x) > 0 else 0.0
        r = y - b * x
        sd = max(float(np.std(r)), MIN_SCALE)
        best = None
        # starts: split the detrended sizes at several quantiles, plus random splits
        splits = [0.3, 0.5, 0.7] + list(rng.uniform(0.15, 0.85, size=3))
        for q in splits:
            cut = np.quantile(r, q)
            lo, hi = r[r <= cut], r[r > cut]
            if lo.size < 2 or hi.size < 2:
                continue
            ll = self._em(t, y, [lo.mean(), hi.mean()], [max(lo.std(), sd / 4), max(hi.std(), sd / 4)], q)
            if np.isfinite(ll) and (best is None or ll > best[0]):
                best = (ll, self.means.copy(), self.sds.copy(), self.weights.copy(), self.slope)
        if best is None:
            self._em(t, y, [r.mean() - sd, r.mean() + sd], [sd, sd], 0.5)
        else:
            _, self.means, self.sds, self.weights, self.slope = best
        order = np.argsort(self.means)
        self.means, self.sds, self.weights = self.means[order], self.sds[order], self.weights[order]
        self.fitted = True
        return self

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
