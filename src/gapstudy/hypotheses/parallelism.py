"""H1, parallelism cost: the smooth trend thinned in the size band the cost model predicts for each year."""

from __future__ import annotations

import numpy as np

from gapstudy.errors import GapstudyError
from gapstudy.hypotheses.band import MAX_DEPTH, Thinning, band_arrays, costmodel_band_fn, fixed_band_fn, thinned_sample
from gapstudy.hypotheses.base import Hypothesis, Unavailable, check_inputs, register
from gapstudy.hypotheses.smooth import MIN_MODELS, DriftingSkewNormal, maximise


def resolve_band(options: dict):
    """The band function a thinned hypothesis uses: options['band'] = 'costmodel' (default),
    a callable year -> (lo, hi) | None, or [lower, upper] parameter counts."""
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


@register
class ParallelismH1(Hypothesis):
    """H0 with the density inside the predicted band multiplied by (1 - depth), renormalised per date.
    The band is not fitted (it comes from gapstudy.costmodel); the trend and the depth are."""

    key = "H1"
    label = "H1 parallelism cost"
    description = "H0 thinned in the cost model's band for the hardware of the year; depth fitted"
    allowed_options = ("band", "assumptions")

    def availability(self):
        return band_unavailable(self.options)

    @property
    def n_params(self) -> int:
        return DriftingSkewNormal.n + 1

    def _thin(self, t):
        lo, hi = band_arrays(self.band, t)
        return Thinning(lo, hi)

    def fit(self, t, y, *, rng):
        t, y = check_inputs(t, y, need=MIN_MODELS)
        self.band = resolve_band(self.options)
        m = self.model = DriftingSkewNormal(float(np.mean(t)))
        thin = self._thin(t)
        from gapstudy.hypotheses.smooth import SmoothH0

        h0 = SmoothH0().fit(t, y, rng=rng)
        if not thin.has.any():
            self.notes.append(NO_BAND_NOTE)
            self.theta = np.r_[h0.theta, 0.0]
            self.fitted = True
            return self

        def negll(theta):
            base, d = theta[:4], theta[4]
            p = thin.p_band(lambda yy, tt: m.cdf(base, yy, tt), t)
            v = -np.sum(thin.logpdf(m.logpdf(base, y, t), y, d, p))
            return v if np.isfinite(v) else 1e300

        starts = [np.r_[h0.theta, d0] for d0 in (0.2, 0.8)] + [np.r_[s, 0.5] for s in m.starts(t, y)[1:2]]
        self.theta, _ = maximise(negll, starts, m.bounds() + [(0.0, MAX_DEPTH)])
        self.fitted = True
        return self

    def _parts(self, t):
        self._need_fit()
        t = np.asarray(t, float)
        base, d = self.theta[:4], float(self.theta[4])
        thin = self._thin(t)
        cdf = lambda yy, tt: self.model.cdf(base, yy, tt)  # noqa: E731
        return t, base, d, thin, cdf, thin.p_band(cdf, t)

    def logpdf(self, y, t):
        t, base, d, thin, _, p = self._parts(t)
        y = np.asarray(y, float)
        return thin.logpdf(self.model.logpdf(base, y, t), y, d, p)

    def cdf(self, y, t):
        t, base, d, thin, cdf, p = self._parts(t)
        return thin.cdf(cdf, np.broadcast_to(np.asarray(y, float), t.shape), t, d, p)

    def sample(self, t, rng):
        t, base, d, thin, _, _ = self._parts(t)
        return thinned_sample(lambda tt, r: self.model.sample(base, tt, r), t, thin.lo, thin.hi, d, rng)

    def params(self):
        self._need_fit()
        return {**self.model.as_dict(self.theta[:4]), "depth": float(self.theta[4])}
