"""H0, the smooth null: a skew-normal density of log10 size whose location drifts linearly with date."""

from __future__ import annotations

import numpy as np
from scipy import optimize, special

from gapstudy.hypotheses.base import Hypothesis, check_inputs, register

LOG2 = float(np.log(2.0))  # the skew-normal density's factor 2, in logs
# Shape parameter bounds: |alpha| = 30 is already a half-normal to within 1e-3 in density;
# beyond it the likelihood is flat and the optimiser wanders.
ALPHA_BOUND = 30.0
# Scale floor in log10 units: sizes are reported to ~2-3 significant figures, i.e. ~0.01-0.02
# dex of rounding; a scale far below that would fit the rounding, not the population.
MIN_SCALE = 0.02
# the trend's bounds (DriftingSkewNormal.bounds) by the names params() gives them
TREND_PARAM_BOUNDS = {"slope_oom_per_year": (-5.0, 5.0), "scale": (MIN_SCALE, 10.0), "shape": (-ALPHA_BOUND, ALPHA_BOUND)}
MIN_MODELS = 8  # fewer points than this cannot pin down 4 parameters (2 per parameter)


def sn_logpdf(y, loc, scale, alpha):
    """Skew-normal log density (Azzalini): log 2 - log s + log phi(z) + log Phi(alpha z)."""
    z = (np.asarray(y, float) - loc) / scale
    return LOG2 - np.log(scale) - 0.5 * z * z - 0.5 * np.log(2 * np.pi) + special.log_ndtr(alpha * z)


def sn_cdf(y, loc, scale, alpha):
    """Skew-normal CDF: Phi(z) - 2 T(z, alpha), T Owen's function."""
    z = (np.asarray(y, float) - loc) / scale
    return np.clip(special.ndtr(z) - 2.0 * special.owens_t(z, alpha), 0.0, 1.0)


def sn_sample(loc, scale, alpha, rng: np.random.Generator):
    """Skew-normal draws by the half-normal construction, one per element of loc."""
    loc = np.asarray(loc, float)
    delta = alpha / np.sqrt(1.0 + alpha * alpha)
    u0 = np.abs(rng.standard_normal(loc.shape))
    u1 = rng.standard_normal(loc.shape)
    return loc + scale * (delta * u0 + np.sqrt(1.0 - delta * delta) * u1)


class DriftingSkewNormal:
    """loc = a + b (t - t0), constant scale and shape; theta = (a, b, log scale, alpha)."""

    n = 4
    names = ("intercept", "slope_oom_per_year", "scale", "shape")

    def __init__(self, t0: float):
        self.t0 = float(t0)

    def unpack(self, theta):
        a, b, ls, alpha = theta
        return a, b, max(float(np.exp(ls)), MIN_SCALE), alpha

    def loc(self, theta, t):
        a, b, _, _ = self.unpack(theta)
        return a + b * (np.asarray(t, float) - self.t0)

    def logpdf(self, theta, y, t):
        _, _, s, alpha = self.unpack(theta)
        return sn_logpdf(y, self.loc(theta, t), s, alpha)

    def cdf(self, theta, y, t):
        _, _, s, alpha = self.unpack(theta)
        return sn_cdf(y, self.loc(theta, t), s, alpha)

    def sample(self, theta, t, rng):
        _, _, s, alpha = self.unpack(theta)
        return sn_sample(self.loc(theta, t), s, alpha, rng)

    def starts(self, t, y):
        """Starting points: least-squares line, residual sd, three skews."""
        x = t - self.t0
        b, a = np.polyfit(x, y, 1) if np.ptp(x) > 0 else (0.0, float(np.mean(y)))
        sd = max(float(np.std(y - (a + b * x))), MIN_SCALE)
        out = []
        for alpha in (-2.0, 0.0, 2.0):
            delta = alpha / np.sqrt(1 + alpha**2)
            omega = sd / np.sqrt(1 - 2 * delta**2 / np.pi)  # match the residual sd
            shift = omega * delta * np.sqrt(2 / np.pi)  # match the residual mean
            out.append(np.array([a - shift, b, np.log(omega), alpha]))
        return out

    def bounds(self):
        return [(None, None), (-5.0, 5.0), (np.log(MIN_SCALE), np.log(10.0)), (-ALPHA_BOUND, ALPHA_BOUND)]

    def as_dict(self, theta):
        a, b, s, alpha = self.unpack(theta)
        return {"intercept_at_t0": float(a), "t0": self.t0, "slope_oom_per_year": float(b), "scale": float(s), "shape": float(alpha)}


def maximise(negll, starts, bounds):
    """Best of several L-BFGS-B runs from the given starting points; returns (theta, -loglik)."""
    best = None
    for x0 in starts:
        with np.errstate(all="ignore"):
            res = optimize.minimize(negll, x0, method="L-BFGS-B", bounds=bounds)
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        from gapstudy.errors import GapstudyError

        raise GapstudyError("the likelihood could not be maximised from any starting point; check the data for extreme sizes")
    return np.asarray(best.x, float), float(best.fun)


@register
class SmoothH0(Hypothesis):
    """No mechanism: one unimodal (skew-normal) density that moves with the trend."""

    key = "H0"
    label = "H0 smooth trend"
    description = "skew-normal of log10 size, location linear in date; maximum likelihood"

    @property
    def n_params(self) -> int:
        return DriftingSkewNormal.n

    def fit(self, t, y, *, rng):
        t, y = check_inputs(t, y, need=MIN_MODELS)
        self.model = DriftingSkewNormal(float(np.mean(t)))
        m = self.model

        from gapstudy.hypotheses.thinned import fit_trend

        theta, _ = fit_trend(t, y[None], t0=m.t0)
        self.theta = theta[0]
        self.fitted = True
        return self

    def fit_many(self, t, Y, *, rng):
        from gapstudy.hypotheses.thinned import fit_trend

        t = np.asarray(t, float)
        return fit_trend(t, Y, t0=float(np.mean(t)))[1]

    def sample_many(self, t, size, rng):
        self._need_fit()
        t = np.asarray(t, float)
        return self.model.sample(self.theta, np.broadcast_to(t, (int(size), t.size)), rng)

    def logpdf(self, y, t):
        self._need_fit()
        return self.model.logpdf(self.theta, y, t)

    def cdf(self, y, t):
        self._need_fit()
        return self.model.cdf(self.theta, y, t)

    def sample(self, t, rng):
        self._need_fit()
        return self.model.sample(self.theta, t, rng)

    def params(self):
        self._need_fit()
        return self.model.as_dict(self.theta)

    def param_bounds(self):
        return dict(TREND_PARAM_BOUNDS)
