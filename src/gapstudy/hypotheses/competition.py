"""H2 (competition) and H1+H2 as likelihood models: each model follows the trend or competes with the lagged frontier.

p(y | t) = (1 - pi(t)) trend(y | t) + pi(t) N(y; mu_c(t), s_c), with
  trend   the drifting skew-normal of H0 (gapstudy.hypotheses.smooth); for H1+H2 thinned as H1 thins it
          (gapstudy.hypotheses.parallelism: the cost model's thinning on 0.1-dex bins, adoption cost and depth);
  pi(t)   0 before GPT-3 (2020-05-28), logistic in time after: logit pi = c0 + c1 (t - GPT-3's date);
  mu_c(t) the compute-optimal size, under the scaling beliefs of the planning time t - L (Kaplan et al.
          2020 before Chinchilla's date, Hoffmann et al. 2022 after), of 10^m times the largest training
          compute released before t - L (gapstudy.hypotheses.frontier: the data's, estimated from size
          where unknown); L the planning lag (months, profiled on a grid), m the margin (dex of compute).
Every parameter is fitted by maximum likelihood and counted in n_params; nothing is smoothed."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import optimize, special

from gapstudy.competition import constants as K
from gapstudy.errors import GapstudyError
from gapstudy.hypotheses.band import MAX_DEPTH, Thinning, band_arrays
from gapstudy.hypotheses.base import Hypothesis, Unavailable, check_inputs, register
from gapstudy.hypotheses.frontier import SEED_RECORDS, Frontier, frontier_from_arrays
from gapstudy.hypotheses.parallelism import NO_BAND_NOTE, NO_EFFECT as NO_EFFECT_COST, band_unavailable, resolve_band
from gapstudy.hypotheses.smooth import LOG2, MIN_SCALE, DriftingSkewNormal, sn_sample
from gapstudy.hypotheses.thinned import (CHUNK_VALUES, MILLS_SERIES_BELOW, TREND_BOUNDS, Problems, _lam, fit_trend, inside_weight, maximise as batch_maximise,
                                         sn_cdf, sn_cdf_and_grad, thinned_cdf, thinned_logpdf, thinned_sample, trend_logpdf)

MIN_MODELS = 12  # 8-9 fitted parameters; below this the mixture is not identified at all
# GPT-3's date as gapstudy.growth.decimal_year gives 2020-05-28 (the dates the data carry), so that
# GPT-3 itself is the first model that may be a competitor: 2020 + 148/366.
GPT3_ONSET = 2020 + 148 / 366
LAG_GRID_MONTHS = tuple(range(0, 25, 2))
LAG_REFIT_MONTHS = 4  # H1+H2 refits the lag within this many months of H2's best (see CompetitionParallelismH12.fit)
SADDLE_ALPHA = 1e-3  # fit_many: a fitted skew closer to 0 than this is taken for the saddle at alpha = 0
SADDLE_RESTART_ALPHA = 2.0  # and restarted from +-2 (the skews H0's starts use, gapstudy.hypotheses.thinned.trend_starts)
LAG_EM_STEPS = 3  # EM updates of margin and spread before a lag is scored (fit_many's lag moves)
MAX_LAG_ROUNDS = 8  # fit_many: rounds of (Newton at each row's lag, move to its best lag); typically 2-4
COLD_EVERY = 3  # lags between cold-started fits along the grid (every 6 months)  # planning lags tried: 0-24 months (first >70B replies to GPT-3 came 11-19 months later, competition.params)
# Bounds of the continuous parameters. logit share: |c0| <= 8 is a share between 3e-4 and 0.9997;
# |c1| <= 4 per year lets the share go from 5% to 95% within 1.5 years.
LOGIT_BOUND = 8.0
LOGIT_SLOPE_BOUND = 4.0
# Margin in dex of compute. Low end -0.5: a competitor beats the frontier's capability, and a
# compute-optimal model matches a Kaplan-era model's Chinchilla loss with ~0.4 dex less compute
# (GPT-3's loss, Hoffmann et al. 2022 eq. 10, is reached by ~33B on 20 tokens/param: 1.3e23 FLOP vs
# GPT-3's 3.1e23); spending less than a third of the frontier's compute is not competing with it.
# High end +3: a thousand times the frontier's compute, beyond any reply seen.
MARGIN_BOUNDS = (-0.5, 3.0)
# Competitor spread (sd of log10 size, dex): from H0's floor (0.02) to 0.5 dex, a factor ~3 either
# way at one sd; a broader component is a second trend (M2's job), not replies to one frontier.
COMP_SCALE_BOUNDS = (float(np.log(MIN_SCALE)), float(np.log(0.5)))
HALF_LOG_2PI = 0.5 * float(np.log(2 * np.pi))
MEASURES = ("compute", "params")  # the frontier's training compute (measured where known) | its size only

H2_NAMES = ("intercept", "slope_oom_per_year", "log_scale", "shape", "logit_share_at_gpt3", "logit_share_slope_per_year",
            "margin_log10_compute", "log_competitor_spread")


def _size_from_compute(log10_flop, kaplan):
    """log10 compute-optimal size a compute budget buys: Kaplan allocation C = 6 a N^(1+b) (anchored on
    GPT-3, gapstudy.competition.constants), or Chinchilla's C = 6 x 20 N^2. Returns (log10 N, dlog10N/dlog10C)."""
    k_kap = 1.0 / (1.0 + K.KAPLAN_D_EXPONENT)
    c_kap = np.log10(K.FLOP_PER_PARAM_TOKEN * K.KAPLAN_D_PREFACTOR)
    c_chin = np.log10(K.FLOP_PER_PARAM_TOKEN * K.CHIN_TOKENS_PER_PARAM)
    k = np.where(kaplan, k_kap, 0.5)
    return (np.asarray(log10_flop, float) - np.where(kaplan, c_kap, c_chin)) * k, k


class CompetitorMixture:
    """The H2 density for a fixed frontier, planning lag and frontier measure; theta as H2_NAMES
    (trend parameters first: trend.n of them, then c0, c1, m, log s_c)."""

    def __init__(self, trend, frontier: Frontier, lag_months: float, measure: str = "compute"):
        if measure not in MEASURES:
            raise GapstudyError(f"H2 measure={measure!r} is unknown; use one of {', '.join(MEASURES)}")
        self.trend, self.frontier, self.lag_months, self.measure = trend, frontier, float(lag_months), measure
        self.n = trend.n + 4

    def competitor_base(self, t):
        """(mu0, k, kaplan): competitor log10 size at margin 0, its slope in the margin, and whether the
        planning time t - L was in the Kaplan era."""
        plan = np.asarray(t, float) - self.lag_months / 12.0
        if self.measure == "compute":
            lc = self.frontier.log10_compute_before(plan)
        else:  # the frontier's size, as compute a model of that size got in its era
            from gapstudy.hypotheses.frontier import imputed_compute

            f = self.frontier
            sized = f.__class__(f.dates, f.parameters, np.full(f.dates.size, np.nan),
                                imputed_compute(np.log10(f.parameters), f.dates), f.names)
            lc = sized.log10_compute_before(plan)
        kaplan = plan < K.CHINCHILLA_DATE
        mu0, k = _size_from_compute(lc, kaplan)
        return mu0, k, kaplan

    def share(self, theta, t):
        t = np.asarray(t, float)
        c0, c1 = theta[self.trend.n], theta[self.trend.n + 1]
        pi = special.expit(c0 + c1 * (t - GPT3_ONSET))
        return np.where(t >= GPT3_ONSET, pi, 0.0)

    def comp_params(self, theta, t):
        mu0, k, _ = self.competitor_base(t)
        m, ls = theta[self.trend.n + 2], theta[self.trend.n + 3]
        return mu0 + m * k, float(np.exp(ls))

    def parts_logpdf(self, theta, y, t):
        """(log trend, log competitor, share) per model."""
        th = theta[: self.trend.n]
        lt = self.trend.logpdf(th, y, t)
        mu, sc = self.comp_params(theta, t)
        w = (np.asarray(y, float) - mu) / sc
        lc = -np.log(sc) - 0.5 * w * w - HALF_LOG_2PI
        return lt, lc, self.share(theta, t)

    def logpdf(self, theta, y, t):
        lt, lc, pi = self.parts_logpdf(theta, y, t)
        with np.errstate(divide="ignore"):
            return np.logaddexp(np.log1p(-pi) + lt, np.log(pi) + lc)

    def cdf(self, theta, y, t):
        th = theta[: self.trend.n]
        mu, sc = self.comp_params(theta, t)
        pi = self.share(theta, t)
        y = np.broadcast_to(np.asarray(y, float), np.shape(t))
        return np.clip((1 - pi) * self.trend.cdf(th, y, t) + pi * special.ndtr((y - mu) / sc), 0.0, 1.0)

    def sample(self, theta, t, rng):
        t = np.asarray(t, float)
        th = theta[: self.trend.n]
        mu, sc = self.comp_params(theta, t)
        comp = rng.random(t.shape) < self.share(theta, t)
        out = np.asarray(self.trend.sample(th, t, rng), float).copy()
        out[comp] = mu[comp] + sc * rng.standard_normal(int(comp.sum()))
        return out

    def responsibilities(self, theta, y, t):
        """P(competitor | y, t) per model."""
        lt, lc, pi = self.parts_logpdf(theta, y, t)
        with np.errstate(divide="ignore"):
            a, b = np.log1p(-pi) + lt, np.log(pi) + lc
        return np.exp(b - np.logaddexp(a, b))


def _sn_terms(a, b, ls, alpha, y, x):
    """Skew-normal log density and its derivatives in (a, b, log s, alpha), elementwise."""
    s = np.exp(ls)
    z = (y - a - b * x) / s
    u = alpha * z
    lphi = special.log_ndtr(u)
    lt = LOG2 - ls - 0.5 * z * z - HALF_LOG_2PI + lphi
    lam = np.exp(-0.5 * u * u - HALF_LOG_2PI - lphi)  # phi / Phi at alpha z
    far = u < MILLS_SERIES_BELOW
    if np.any(far):  # its asymptotic series far in the lower tail (gapstudy.hypotheses.thinned._lam)
        lam = np.where(far, _lam(np.where(far, u, MILLS_SERIES_BELOW - 1.0)), lam)
    d_loc = (z - alpha * lam) / s
    return lt, (d_loc, d_loc * x, -1.0 + z * z - alpha * z * lam, z * lam)


def _trend_negll_grad(y, x):
    """-log-likelihood of H0's skew-normal and its gradient (a fast, exact replacement for numerical
    differences when starting H2's fit)."""
    def f(theta):
        lt, d = _sn_terms(*theta, y, x)
        v = -float(np.sum(lt))
        if not np.isfinite(v):
            return 1e300, np.zeros(4)
        return v, -np.array([np.sum(g) for g in d])
    return f


def _negll_grad_skewnormal(mix: CompetitorMixture, y, t):
    """-log-likelihood and its analytic gradient for the skew-normal trend (fast fits for model recovery)."""
    trend = mix.trend
    x = t - trend.t0
    after = t >= GPT3_ONSET
    mu0, kk, _ = mix.competitor_base(t)
    dt = t - GPT3_ONSET
    ya, mua, ka, dta = y[after], mu0[after], kk[after], dt[after]
    xb, yb = x[~after], y[~after]
    xa = x[after]

    def f(theta):
        a, b, ls, alpha, c0, c1, m, lsc = theta
        g = np.zeros(8)
        # before GPT-3: trend only
        lt_b, d_b = _sn_terms(a, b, ls, alpha, yb, xb)
        v = float(np.sum(lt_b))
        for j in range(4):
            g[j] = np.sum(d_b[j])
        # after: the mixture
        lt, d = _sn_terms(a, b, ls, alpha, ya, xa)
        sc = np.exp(lsc)
        w = (ya - mua - m * ka) / sc
        lc = -lsc - 0.5 * w * w - HALF_LOG_2PI
        eta = c0 + c1 * dta
        la = -np.logaddexp(0.0, eta) + lt  # log(1 - pi) + log trend
        lb = -np.logaddexp(0.0, -eta) + lc  # log(pi) + log competitor
        ll = np.logaddexp(la, lb)
        r = np.exp(lb - ll)  # responsibility of the competitor
        v += float(np.sum(ll))
        wt = 1.0 - r
        for j in range(4):
            g[j] += np.sum(wt * d[j])
        d_eta = r - special.expit(eta)
        g[4] = np.sum(d_eta)
        g[5] = np.sum(d_eta * dta)
        g[6] = np.sum(r * w / sc * ka)
        g[7] = np.sum(r * (-1.0 + w * w))
        if not np.isfinite(v):
            return 1e300, np.zeros(8)
        return -v, -g

    return f


class CostBins:
    """H1's thinning at one adoption cost per dataset, as _MixtureBatch takes it: bin edges (1, n, K+1)
    shared by all datasets and weights w = 1 - thinning (B, n, K) (gapstudy.hypotheses.parallelism)."""

    def __init__(self, edges, weights):
        self.edges, self.weights = np.asarray(edges, float), np.asarray(weights, float)

    def rows(self, idx):
        """The datasets idx (weights shared by every dataset stay as they are)."""
        return self if self.weights.shape[0] == 1 else CostBins(self.edges, self.weights[idx])


def _band_rows(band, idx):
    return band.rows(idx) if isinstance(band, CostBins) else band


class _MixtureBatch:
    """P independent H2 likelihoods (or H1+H2's, trend thinned in a band) at shared dates t, for
    gapstudy.hypotheses.thinned.maximise (the vectorised damped Newton fit H0, notch and H1 use):
    nll_each gives each problem's -log-likelihood and analytic gradient. Sizes Y (P, n); mu0, kk (n,)
    the competitor base of one planning lag (competitor_base); band (lo, hi) log10 edges per date,
    NaN where there is none, or None for H2. Parameters: the trend's 4, the depth with a band, then
    (c0, c1, m, log s_c) as H2_NAMES."""

    def __init__(self, Y, t, t0: float, mu0, kk, band=None):
        t = np.asarray(t, float)
        self.Y = np.atleast_2d(np.asarray(Y, float))
        self.B, self.n = self.Y.shape
        self.x = (t - t0)[None]
        self.after = (t >= GPT3_ONSET)[None]
        self.dt = (t - GPT3_ONSET)[None]
        self.mu0, self.kk = np.atleast_2d(np.asarray(mu0, float)), np.atleast_2d(np.asarray(kk, float))  # (1 or P, n)
        self.band = band is not None
        # H1's thinning (CostBins): the trend's mass in its bins from gapstudy.hypotheses.thinned.Problems
        self.bins = isinstance(band, CostBins)
        if self.bins:
            self.thin = Problems(t, self.Y, band.edges, band.weights, t0=t0, fit_depth=True)
            self.w_in = self.thin.w_in
        elif self.band:
            lo, hi = (np.asarray(v, float) for v in band)
            self.has = np.isfinite(lo)[None]
            self.lo, self.hi = np.where(self.has, lo, 0.0), np.where(self.has, hi, 0.0)
            self.w_in = (self.has & (self.Y >= self.lo) & (self.Y <= self.hi)).astype(float)
        self.nt = 5 if self.band else 4
        self.p = self.nt + 4

    def bounds(self):
        return list(TREND_BOUNDS) + ([(0.0, MAX_DEPTH)] if self.band else []) + _comp_bounds()

    def subset(self, idx):
        sub = object.__new__(_MixtureBatch)
        sub.__dict__.update(self.__dict__)
        sub.Y = self.Y[idx]
        sub.B = sub.Y.shape[0]
        if self.band:
            sub.w_in = self.w_in[idx]
        if self.bins:
            sub.thin = self.thin.subset(idx)
            sub._mass_key = None
        if self.mu0.shape[0] > 1:
            sub.mu0, sub.kk = self.mu0[idx], self.kk[idx]
        return sub

    def loglik_at_lags(self, P, MU0, KK, em_steps: int = LAG_EM_STEPS):
        """For each planning lag's competitor base MU0, KK (L, n): the log-likelihood of each problem
        (L, B) after em_steps EM updates of the competitor's margin and spread at that lag (the rest of
        P held; each update raises the likelihood), and those (margin, log spread) (L, B, 2). The trend
        part, the costly one, does not depend on the lag: it is computed once."""
        P = np.atleast_2d(P)
        a, b, ls, al = (P[:, j:j + 1] for j in range(4))
        c0, c1 = P[:, self.nt:self.nt + 1], P[:, self.nt + 1:self.nt + 2]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lt = trend_logpdf(P[:, :4], self.Y, self.x)
            if self.bins:
                dep = P[:, 4:5]
                S, _ = self.thin.band_mass(P[:, :4], grad=False)
                lt = lt + np.log1p(-dep * self.w_in) - np.log1p(-dep * S)
            elif self.band:
                dep = P[:, 4:5]
                s, loc = np.exp(ls), a + b * self.x
                S = np.where(self.has, np.clip(sn_cdf_and_grad(self.hi, loc, s, al, self.x)[0]
                                               - sn_cdf_and_grad(self.lo, loc, s, al, self.x)[0], 0.0, 1.0), 0.0)
                lt = lt + np.log1p(-dep * self.w_in) - np.log1p(-dep * S)
            eta = c0 + c1 * self.dt
            la = np.where(self.after, -np.logaddexp(0.0, eta), 0.0) + lt
            lpi = -np.logaddexp(0.0, -eta) - HALF_LOG_2PI
            out = np.empty((MU0.shape[0], P.shape[0]))
            comp = np.empty((MU0.shape[0], P.shape[0], 2))
            for i in range(MU0.shape[0]):
                m, lsc = P[:, self.nt + 2:self.nt + 3].copy(), P[:, self.nt + 3:self.nt + 4].copy()
                base = self.Y - MU0[i]
                for step in range(em_steps + 1):
                    w = (base - m * KK[i]) * np.exp(-lsc)
                    lb = np.where(self.after, lpi - lsc - 0.5 * w * w, -np.inf)
                    ll = np.logaddexp(la, lb)
                    if step == em_steps:
                        break
                    r = np.where(self.after, np.exp(lb - ll), 0.0)
                    rk = r * KK[i]
                    m = np.clip(np.sum(rk * base, axis=1, keepdims=True) / np.maximum(np.sum(rk * KK[i], axis=1, keepdims=True), 1e-300),
                                *MARGIN_BOUNDS)
                    res = base - m * KK[i]
                    var = np.sum(r * res * res, axis=1, keepdims=True) / np.maximum(np.sum(r, axis=1, keepdims=True), 1e-300)
                    lsc = np.clip(0.5 * np.log(np.maximum(var, 1e-300)), *COMP_SCALE_BOUNDS)
                out[i] = np.sum(ll, axis=1)
                comp[i, :, 0], comp[i, :, 1] = m[:, 0], lsc[:, 0]
        return np.where(np.isfinite(out), out, -np.inf), comp

    def _bin_mass(self, theta):
        """The trend's thinned mass in H1's bins and its gradient (Problems.band_mass), remembered for the
        last trend parameters: the finite-difference Hessian of maximise perturbs the depth and the
        competitor's parameters one at a time, which leave it unchanged (5 of the 9 probes)."""
        key = theta.tobytes()
        if getattr(self, "_mass_key", None) != key:
            self._mass_key, self._mass = key, self.thin.band_mass(theta, grad=True)
        return self._mass

    def nll_each(self, P):
        """-log-likelihood (P,) and its gradient (P, p); inf where not finite."""
        P = np.atleast_2d(P)
        a, b, ls, al = (P[:, j:j + 1] for j in range(4))
        c0, c1, m, lsc = (P[:, self.nt + j:self.nt + j + 1] for j in range(4))
        Y = self.Y
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lt, d = _sn_terms(a, b, ls, al, Y, self.x)
            d = list(d)
            if self.bins:
                dep = P[:, 4:5]
                S, gS = self._bin_mass(P[:, :4])
                Z = 1.0 - dep * S
                lt = lt + np.log1p(-dep * self.w_in) - np.log(Z)
                for j in range(4):
                    d[j] = d[j] + dep * gS[j] / Z
                d.append(-self.w_in / (1.0 - dep * self.w_in) + S / Z)
            elif self.band:
                dep = P[:, 4:5]
                s, loc = np.exp(ls), a + b * self.x
                Fh, gh = sn_cdf_and_grad(self.hi, loc, s, al, self.x)
                Fl, gl = sn_cdf_and_grad(self.lo, loc, s, al, self.x)
                S = np.where(self.has, np.clip(Fh - Fl, 0.0, 1.0), 0.0)
                Z = 1.0 - dep * S
                lt = lt + np.log1p(-dep * self.w_in) - np.log(Z)
                for j in range(4):
                    d[j] = d[j] + np.where(self.has, dep * (gh[j] - gl[j]), 0.0) / Z
                d.append(-self.w_in / (1.0 - dep * self.w_in) + S / Z)
            sc = np.exp(lsc)
            w = (Y - self.mu0 - m * self.kk) / sc
            lc = -lsc - 0.5 * w * w - HALF_LOG_2PI
            eta = c0 + c1 * self.dt
            sp = np.logaddexp(0.0, eta)  # -log(1 - pi); log pi = eta - sp
            la = np.where(self.after, -sp, 0.0) + lt
            lb = np.where(self.after, eta - sp + lc, -np.inf)
            ll = np.logaddexp(la, lb)
            r = np.where(self.after, np.exp(lb - ll), 0.0)
            wt = 1.0 - r
            g = np.empty((P.shape[0], self.p))
            for j in range(self.nt):
                g[:, j] = np.sum(wt * d[j], axis=1)
            d_eta = np.where(self.after, r - np.exp(eta - sp), 0.0)
            k = self.nt
            g[:, k] = np.sum(d_eta, axis=1)
            g[:, k + 1] = np.sum(d_eta * self.dt, axis=1)
            g[:, k + 2] = np.sum(r * w / sc * self.kk, axis=1)
            g[:, k + 3] = np.sum(r * (-1.0 + w * w), axis=1)
            f = -np.sum(ll, axis=1)
        bad = ~(np.isfinite(f) & np.all(np.isfinite(g), axis=1))
        f[bad], g[bad] = np.inf, 0.0
        return f, -g

    def loglik(self, P):
        f, _ = self.nll_each(P)
        return -f


def _batch_comp_starts(Y, t, mu0, kk):
    """_comp_starts for each row of Y (B, n) at once, competitor base mu0, kk (n,) or per row (B, n): (B, 4) arrays, one per start."""
    after = t >= GPT3_ONSET
    B = Y.shape[0]
    m0 = np.zeros(B)
    mu0, kk = np.atleast_2d(mu0), np.atleast_2d(kk)  # (1 or B, n)
    if after.any():
        ya = Y[:, after]
        hi = ya > np.median(ya, axis=1, keepdims=True)
        v = np.where(hi, (ya - mu0[:, after]) / kk[:, after], np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a row with no size above its median: start at 0
            med = np.nanmedian(v, axis=1)
        m0 = np.where(np.isfinite(med), np.clip(med, *MARGIN_BOUNDS), 0.0)
    one = np.ones(B)
    return [np.stack([special.logit(0.15) * one, 0.0 * one, m0, np.log(0.25) * one], axis=1),
            np.tile([special.logit(0.35), 0.0, 0.0, np.log(0.4)], (B, 1))]



def _single_thread():
    """BLAS limited to one thread while fitting: L-BFGS-B's small dense algebra runs ~5x slower when
    OpenBLAS threads contend on a busy machine (measured: 15 s vs 3 s for one H2 fit on 2 loaded
    cores). threadpoolctl comes with scikit-learn, a core dependency."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _maximise(fun, starts, bounds, jac):
    best = None
    for x0 in starts:
        with np.errstate(all="ignore"):
            res = optimize.minimize(fun, np.clip(x0, [b[0] if b[0] is not None else -np.inf for b in bounds],
                                                 [b[1] if b[1] is not None else np.inf for b in bounds]),
                                    method="L-BFGS-B", jac=jac, bounds=bounds)
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    return best


def _comp_bounds():
    return [(-LOGIT_BOUND, LOGIT_BOUND), (-LOGIT_SLOPE_BOUND, LOGIT_SLOPE_BOUND), MARGIN_BOUNDS, COMP_SCALE_BOUNDS]


def _comp_starts(mix: CompetitorMixture, t, y):
    """Competitor starting points: a small and a large share, the margin matching the post-GPT-3 models
    above the trend's median."""
    after = t >= GPT3_ONSET
    mu0, kk, _ = mix.competitor_base(t)
    m0 = 0.0
    if after.any():
        hi = after & (y > np.median(y[after]))
        if hi.any():
            m0 = float(np.clip(np.median((y[hi] - mu0[hi]) / kk[hi]), *MARGIN_BOUNDS))
    return [np.array([special.logit(0.15), 0.0, m0, np.log(0.25)]), np.array([special.logit(0.35), 0.0, 0.0, np.log(0.4)])]


def _options_frontier(options, t, y) -> tuple[Frontier, bool]:
    f = options.get("frontier")
    if f is None:
        return frontier_from_arrays(t, 10.0 ** np.asarray(y, float)), False
    if not isinstance(f, Frontier):
        raise GapstudyError(f"H2 frontier= must be a gapstudy.hypotheses.frontier.Frontier (frontier_from_table(table)), got {type(f).__name__}")
    return f, True


def _lag_grid(options) -> tuple[tuple[float, ...], bool]:
    lag = options.get("lag_months")
    if lag is not None:
        lag = float(lag)
        if not 0 <= lag <= 120:
            raise GapstudyError(f"H2 lag_months={lag:g} must be between 0 and 120 months")
        return (lag,), False
    grid = tuple(float(v) for v in options.get("lag_grid_months", LAG_GRID_MONTHS))
    if not grid or min(grid) < 0 or max(grid) > 120:
        raise GapstudyError("H2 lag_grid_months must list planning lags between 0 and 120 months")
    return grid, len(grid) > 1


def _batch_inputs(t, Y):
    """The dates and datasets of a batched fit (fit_many), checked: (t (n,), Y (B, n)) as float arrays."""
    t = np.asarray(t, float)
    Y = np.atleast_2d(np.asarray(Y, float))
    check_inputs(t, Y[0], need=MIN_MODELS)
    if not np.all(np.isfinite(Y)):
        raise GapstudyError("fit_many: the simulated sizes have non-finite values")
    return t, Y


class _CompetitionBase(Hypothesis):
    """Shared fitting: profile the planning lag on a grid, maximise the rest by L-BFGS-B."""

    allowed_options = ("frontier", "lag_months", "lag_grid_months", "measure")

    def _trend(self, t):
        return DriftingSkewNormal(float(np.mean(t)))

    def _fit_trend_start(self, t, y, rng):
        """H0's maximum-likelihood trend (analytic gradient, H0's starting points)."""
        m = DriftingSkewNormal(float(np.mean(t)))
        res = _maximise(_trend_negll_grad(y, t - m.t0), m.starts(t, y), m.bounds(), True)
        if res is None:
            raise GapstudyError("the trend could not be fitted; check the data for extreme sizes")
        return res.x

    def _fit(self, t, y, rng, *, grid=None, seed_thetas=None):
        """Profile the lag over `grid` (default: the options' grid); cold starts from H0's trend and
        _comp_starts, or from `seed_thetas` (full parameter vectors) when given."""
        t, y = check_inputs(t, y, need=MIN_MODELS)
        self.frontier, given = _options_frontier(self.options, t, y)
        if not given:
            self.notes.append("no frontier= given: the frontier is formed from the fitted rows themselves (plus pre-2020 seed records)")
        self.measure = str(self.options.get("measure", "compute"))
        if self.measure == "compute" and self.frontier.n_measured <= len(SEED_RECORDS):
            self.notes.append("the data give no training compute: the frontier's compute is estimated from sizes "
                              "(6 N D with the tokens of each model's era), except the pre-2020 seed records")
        full_grid, self.lag_fitted = _lag_grid(self.options)
        grid = full_grid if grid is None else grid
        trend = self._trend(t)
        th0 = None if seed_thetas is not None else np.asarray(self._fit_trend_start(t, y, rng), float)

        def cold_starts(lag):
            if seed_thetas is not None:
                return [np.asarray(s, float) for s in seed_thetas]
            return [np.r_[th0, cs] for cs in _comp_starts(CompetitorMixture(trend, self.frontier, lag, self.measure), t, y)]

        bounds = trend.bounds() + _comp_bounds()
        profile, best, warm = [], None, None
        mixes = {}

        def run(lag, starts):
            mix = mixes.get(lag)
            if mix is None:
                mix = mixes[lag] = CompetitorMixture(trend, self.frontier, lag, self.measure)
                if not np.isfinite(mix.competitor_base(t)[0]).all():
                    raise GapstudyError("the frontier gives no training compute before some fitted dates; pass frontier= with compute or sizes")
            fun, jac = self._objective(mix, t, y)
            return mix, _maximise(fun, starts, bounds, jac)

        # Profile over the lag grid: cold starts at every COLD_EVERY-th lag, else a warm start from the
        # neighbouring lag's optimum (the likelihood moves little between neighbouring lags); then cold
        # starts again at the best lag, so a warm-start path cannot hide a better optimum there.
        for i, lag in enumerate(grid):
            cold = cold_starts(lag)
            starts = cold if (warm is None or i % COLD_EVERY == 0) else [warm]
            if warm is not None and i % COLD_EVERY == 0:
                starts = starts + [warm]
            mix, res = run(lag, starts)
            if res is None:
                continue
            warm = res.x
            profile.append({"lag_months": lag, "loglik": -float(res.fun)})
            if best is None or res.fun < best[1].fun:
                best = (mix, res)
        if best is None:
            raise GapstudyError("the H2 likelihood could not be maximised at any planning lag; check the data for extreme sizes")
        lag = best[0].lag_months
        mix, res = run(lag, cold_starts(lag) + [best[1].x])
        if res is not None and res.fun < best[1].fun:
            best = (mix, res)
            for p in profile:
                if p["lag_months"] == lag:
                    p["loglik"] = -float(res.fun)
        self.mix, self.theta = best[0], np.asarray(best[1].x, float)
        self.lag_profile = profile
        self.fitted = True
        return self

    def _objective(self, mix, t, y):
        if type(mix.trend) is DriftingSkewNormal:
            return _negll_grad_skewnormal(mix, y, t), True

        def negll(theta):
            v = -np.sum(mix.logpdf(theta, y, t))
            return v if np.isfinite(v) else 1e300

        return negll, None

    @property
    def n_params(self) -> int:
        return self._n_continuous() + (1 if getattr(self, "lag_fitted", True) else 0)

    def _n_continuous(self) -> int:
        return DriftingSkewNormal.n + 4

    def logpdf(self, y, t):
        self._need_fit()
        return self.mix.logpdf(self.theta, np.asarray(y, float), np.asarray(t, float))

    def cdf(self, y, t):
        self._need_fit()
        return self.mix.cdf(self.theta, y, np.asarray(t, float))

    def sample(self, t, rng):
        self._need_fit()
        return self.mix.sample(self.theta, np.asarray(t, float), rng)

    def competitor_share(self, t) -> np.ndarray:
        """pi(t): the share of models released at t that compete with the frontier."""
        self._need_fit()
        return self.mix.share(self.theta, np.asarray(t, float))

    def competitor_size(self, t) -> tuple[np.ndarray, float]:
        """(mean log10 size of a competitor released at t, spread in dex)."""
        self._need_fit()
        return self.mix.comp_params(self.theta, np.asarray(t, float))

    def responsibilities(self, y, t) -> np.ndarray:
        """P(competitor | size, date) for each model."""
        self._need_fit()
        return self.mix.responsibilities(self.theta, np.asarray(y, float), np.asarray(t, float))

    accepts_start = True  # fit_many takes start= (engine.recovery passes the fit to the observed data)

    def fit_many(self, t, Y, *, rng, start: "_CompetitionBase | None" = None):
        """Maximised log-likelihood of each row of Y (datasets at the shared dates t; model recovery),
        all rows and starting points fitted together (array operations over datasets, not a loop over
        them; see _fit_many). `start`: a fitted H2 or H1+H2 (the fit to the observed data) whose
        parameters and lag are one more starting point, the same for every row."""
        t, Y = _batch_inputs(t, Y)
        with _single_thread():
            return self._fit_many(t, Y, start=start)[0]

    def _fit_many(self, t, Y, *, band=None, seeds=None, start=None):
        """The batched fit: (best loglik (B,), its parameters (B, p), its lag in months (B,)). The lag is a
        discrete parameter on the grid, maximised jointly with the rest by alternation: the damped Newton
        method of gapstudy.hypotheses.thinned.maximise (H0's, notch's and H1's) at each row's current lag,
        then each row moves to the lag of the grid where it scores best after LAG_EM_STEPS EM updates of
        the competitor's margin and spread there (the trend part, the costly one, does not depend on the
        lag), until no row moves (at most MAX_LAG_ROUNDS rounds). Starting points: `seeds` (list of
        ((B, p) parameters, (B,) lag indices)), else H0's batched trend fit with each of _comp_starts at
        the middle of the grid, plus `start`'s parameters and lag; each row keeps its best. fit profiles
        every lag from cold and warm starts instead (L-BFGS-B); the two agree to within a few nats on
        most rows (tests/test_competition_h2.py), the batch finding the better optimum about as often."""
        frontier, _ = _options_frontier(self.options, t, Y[0])
        measure = str(self.options.get("measure", "compute"))
        grid, _ = _lag_grid(self.options)
        trend = DriftingSkewNormal(float(np.mean(t)))
        B = Y.shape[0]
        bases = [self._base(trend, frontier, lag, measure, t) for lag in grid]
        MU0, KK = np.stack([b[0] for b in bases]), np.stack([b[1] for b in bases])
        nt = 5 if band is not None else 4
        extra = [np.zeros((B, 1))] if band is not None else []
        if seeds is None:
            th0, _ = fit_trend(t, Y, t0=trend.t0)  # H0's maximum-likelihood trend per row, batched
            mid = len(grid) // 2
            seeds = [(np.hstack([th0, *extra, cs]), np.full(B, mid)) for cs in _batch_comp_starts(Y, t, MU0[mid], KK[mid])]
            if start is not None and getattr(start, "fitted", False):
                th = np.asarray(start.theta, float)
                if th.size == nt + 3:  # an H2 fit as the start of a thinned fit: no thinning to begin with
                    th = np.r_[th[:4], 0.0, th[4:]]
                elif th.size == nt + 5:  # an H1+H2 fit as the start of H2's: its depth dropped
                    th = np.r_[th[:4], th[5:]]
                if th.size == nt + 4 and start.mix.lag_months in grid:
                    seeds.append((np.tile(th, (B, 1)), np.full(B, list(grid).index(start.mix.lag_months))))
        ll, P, lag_i = self._alternate(t, Y, seeds, MU0, KK, trend, band, nt)
        # the skew-normal's alpha = 0 is a saddle (its alpha-gradient vanishes with the location's): rows
        # that end there start again with the skew at +-SADDLE_RESTART_ALPHA, everything else kept
        stuck = np.flatnonzero(np.abs(P[:, 3]) < SADDLE_ALPHA)
        if stuck.size:
            again = []
            for a in (-SADDLE_RESTART_ALPHA, SADDLE_RESTART_ALPHA):
                Pa = P[stuck].copy()
                Pa[:, 3] = a
                again.append((Pa, lag_i[stuck]))
            ll2, P2, lag2 = self._alternate(t, Y[stuck], again, MU0, KK, trend, _band_rows(band, stuck), nt)
            up = ll2 > ll[stuck]
            ll[stuck[up]], P[stuck[up]], lag_i[stuck[up]] = ll2[up], P2[up], lag2[up]
        return ll, P, np.asarray(grid, float)[lag_i]

    @staticmethod
    def _alternate(t, Y, seeds, MU0, KK, trend, band, nt):
        """_fit_many's alternation from each seed; per row the best: (loglik, parameters, lag index)."""
        B = Y.shape[0]
        S = len(seeds)
        YS = np.tile(Y, (S, 1))
        P = np.concatenate([sd[0] for sd in seeds]).astype(float)
        lag_i = np.concatenate([np.asarray(sd[1], int) for sd in seeds])
        todo = np.arange(YS.shape[0])
        ll = np.full(YS.shape[0], -np.inf)
        if isinstance(band, CostBins) and band.weights.shape[0] > 1:  # per-dataset weights: one copy per seed
            band = CostBins(band.edges, np.tile(band.weights, (S, 1, 1)))
        for _ in range(MAX_LAG_ROUNDS):
            pr = _MixtureBatch(YS[todo], t, trend.t0, MU0[lag_i[todo]], KK[lag_i[todo]], _band_rows(band, todo))
            P[todo], ll[todo] = batch_maximise(pr, P[todo])
            at, comp = pr.loglik_at_lags(P[todo], MU0, KK)
            moved = np.argmax(at, axis=0)
            r = np.arange(todo.size)
            go = (moved != lag_i[todo]) & (at[moved, r] > ll[todo] + 1e-9)
            if not go.any():
                break
            P[todo[go], nt + 2:nt + 4] = comp[moved[go], r[go]]
            lag_i[todo[go]] = moved[go]
            todo = todo[go]
        ll, P, lag_i = ll.reshape(S, B), P.reshape(S, B, -1), lag_i.reshape(S, B)
        pick = np.argmax(ll, axis=0)
        r = np.arange(B)
        return ll[pick, r], P[pick, r], lag_i[pick, r]

    @staticmethod
    def _base(trend, frontier, lag, measure, t):
        mu0, kk, _ = CompetitorMixture(trend, frontier, lag, measure).competitor_base(t)
        if not np.isfinite(mu0).all():
            raise GapstudyError("the frontier gives no training compute before some fitted dates; pass frontier= with compute or sizes")
        return mu0, kk

    def with_frontier(self, frontier: Frontier) -> "_CompetitionBase":
        """A copy with the same fitted parameters and another frontier (for counterfactuals)."""
        self._need_fit()
        other = self.__class__.__new__(self.__class__)
        other.__dict__.update(self.__dict__)
        other.mix = self.mix.__class__.__new__(self.mix.__class__)
        other.mix.__dict__.update(self.mix.__dict__)
        other.mix.frontier = frontier
        other.frontier = frontier
        other.notes = list(self.notes)
        return other

    def params(self):
        self._need_fit()
        th = self.theta
        tr = self.mix.trend
        out = {**tr.as_dict(th[: tr.n])}
        c0, c1, m, lsc = th[tr.n: tr.n + 4]
        out.update({"logit_share_at_gpt3": float(c0), "logit_share_slope_per_year": float(c1),
                    "share_at_gpt3": float(special.expit(c0)), "share_two_years_after": float(special.expit(c0 + 2 * c1)),
                    "margin_log10_compute": float(m), "competitor_spread_dex": float(np.exp(lsc)),
                    "lag_months": self.mix.lag_months, "measure": self.measure,
                    "frontier_records": int(self.frontier.dates.size), "frontier_measured_compute": self.frontier.n_measured})
        return out

    def param_bounds(self):
        from gapstudy.hypotheses.smooth import TREND_PARAM_BOUNDS

        grid, fitted = _lag_grid(self.options)
        return {**TREND_PARAM_BOUNDS, "logit_share_at_gpt3": (-LOGIT_BOUND, LOGIT_BOUND),
                "logit_share_slope_per_year": (-LOGIT_SLOPE_BOUND, LOGIT_SLOPE_BOUND), "margin_log10_compute": MARGIN_BOUNDS,
                "competitor_spread_dex": tuple(float(np.exp(b)) for b in COMP_SCALE_BOUNDS),
                **({"lag_months": (min(grid), max(grid))} if fitted else {})}


@register
class CompetitionH2(_CompetitionBase):
    """A trend follower or a competitor of the frontier seen L months earlier; every parameter by maximum likelihood."""

    key = "H2"
    label = "H2 competition"
    description = ("trend (H0's skew-normal) or competitor (lagged frontier compute, beliefs of the time, fitted margin and "
                   "spread), share logistic in time after GPT-3; maximum likelihood")

    def fit(self, t, y, *, rng):
        with _single_thread():
            self._fit(t, y, rng)
        _remember_h2(self, t, y)
        return self


# The last few H2 fits, so that H1+H2, which fits H2 first, takes the one fit_all has just made on the
# same rows with the same options instead of repeating it (the fit is deterministic: rng is not used).
_H2_FITS: list = []
_H2_FITS_KEPT = 4


def _h2_key(options, t, y):
    return np.asarray(t, float).tobytes(), np.asarray(y, float).tobytes(), sorted(options)


def _same_options(a: dict, b: dict) -> bool:
    """The same H2 options: the same objects, or equal plain values (a frontier or array only as the same object)."""
    if sorted(a) != sorted(b):
        return False
    for k in a:
        x, z = a[k], b[k]
        if x is z:
            continue
        if isinstance(x, (Frontier, np.ndarray)) or isinstance(z, (Frontier, np.ndarray)) or x != z:
            return False
    return True


def _remember_h2(h: "CompetitionH2", t, y) -> None:
    _H2_FITS.insert(0, (_h2_key(h.options, t, y), h.options, h))
    del _H2_FITS[_H2_FITS_KEPT:]


def _recalled_h2(options: dict, t, y) -> "CompetitionH2 | None":
    key = _h2_key(options, t, y)
    for k, opts, h in _H2_FITS:
        if k == key and _same_options(options, opts):
            return h
    return None


class BandThinnedTrend:
    """H0's skew-normal thinned in a band: f (1 - d 1[band]) / (1 - d P_f(band)); theta = H0's + depth."""

    names = DriftingSkewNormal.names + ("depth",)

    def __init__(self, t0: float, band, free_depth: bool = True):
        self.base = DriftingSkewNormal(t0)
        self.band = band
        self.n = self.base.n + 1
        self.t0 = t0
        self.free_depth = free_depth

    def _thin(self, t):
        return Thinning(*band_arrays(self.band, np.asarray(t, float)))

    def logpdf(self, theta, y, t):
        t = np.asarray(t, float)
        th, d = theta[:4], float(theta[4])
        thin = self._thin(t)
        p = thin.p_band(lambda yy, tt: self.base.cdf(th, yy, tt), t)
        return thin.logpdf(self.base.logpdf(th, y, t), np.asarray(y, float), d, p)

    def cdf(self, theta, y, t):
        t = np.asarray(t, float)
        th, d = theta[:4], float(theta[4])
        thin = self._thin(t)
        cdf = lambda yy, tt: self.base.cdf(th, yy, tt)  # noqa: E731
        return thin.cdf(cdf, np.broadcast_to(np.asarray(y, float), t.shape), t, d, thin.p_band(cdf, t))

    def sample(self, theta, t, rng):
        from gapstudy.hypotheses.band import thinned_sample

        t = np.asarray(t, float)
        th, d = theta[:4], float(theta[4])
        thin = self._thin(t)
        return thinned_sample(lambda tt, r: self.base.sample(th, tt, r), t, thin.lo, thin.hi, d, rng)

    def bounds(self):
        return self.base.bounds() + [(0.0, MAX_DEPTH if self.free_depth else 0.0)]

    def as_dict(self, theta):
        return {**self.base.as_dict(theta[:4]), "depth": float(theta[4])}


class CostThinnedTrend:
    """H1's density as the trend component of H1+H2: H0's skew-normal thinned by the cost model at one
    adoption cost, f (1 - d w(y, t)) / (1 - d sum_k w_k P_f(bin k | t)), w = 1 - thinning on H1's 0.1-dex
    bins (gapstudy.hypotheses.parallelism.ParallelismH1 tabulates it, the same table H1 fits);
    theta = H0's 4 + depth. The adoption cost is fixed here (chosen on H1's cost grid by the fit)."""

    names = DriftingSkewNormal.names + ("depth",)

    def __init__(self, t0: float, h1, log_cost: float):
        self.base = DriftingSkewNormal(t0)
        self.t0 = float(t0)
        self.n = self.base.n + 1
        self.h1 = h1  # a ParallelismH1 after _setup and _prepare (its bins span the fitted dates' thinning)
        self.h1.kind, self.h1.log_cost = "cost", float(log_cost)

    def _bins(self, t):
        return self.h1._bins(np.atleast_1d(np.asarray(t, float)))

    def logpdf(self, theta, y, t):
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t)
        return thinned_logpdf(np.asarray(theta[:5], float), y, t, self.t0, e, w)

    def cdf(self, theta, y, t):
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t)
        return thinned_cdf(np.asarray(theta[:5], float), y, t, self.t0, e, w)

    def sample(self, theta, t, rng):
        t = np.atleast_1d(np.asarray(t, float))
        e, w = self._bins(t)
        return thinned_sample(np.asarray(theta[:5], float), t, self.t0, lambda idx: e[idx], lambda idx: w[idx], rng)

    def bounds(self):
        return self.base.bounds() + [(0.0, MAX_DEPTH)]

    def as_dict(self, theta):
        return {**self.base.as_dict(theta[:4]), "depth": float(theta[4]), "adoption_cost_usd": float(10.0 ** self.h1.log_cost)}


def _no_band(year):
    """No band in any year (an H1+H2 whose thinning thins nothing is H2)."""
    return None


def _cost_choice(Y, t, P2, lag2, grid, MU0, KK, t0: float, edges, Wc):
    """Per dataset, the adoption cost (index into Wc's costs) and depth (from H1's DEPTH_GRID) that raise
    H2's log-likelihood most when its trend followers are thinned, every H2 parameter held at its optimum
    P2 (B, 8) and lag2 (B,); H1 chooses its cost the same way from H0's trend. Returns (cost index (B,), depth (B,))."""
    from gapstudy.hypotheses.parallelism import DEPTH_GRID

    B = Y.shape[0]
    li = np.array([list(grid).index(v) for v in lag2])
    x = (np.asarray(t, float) - t0)[None]
    a, b, ls, al = (P2[:, j:j + 1] for j in range(4))
    c0, c1, m, lsc = (P2[:, 4 + j:5 + j] for j in range(4))
    dt = (np.asarray(t, float) - GPT3_ONSET)[None]
    after = (np.asarray(t, float) >= GPT3_ONSET)[None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lt = trend_logpdf(P2[:, :4], Y, x)
        eta = c0 + c1 * dt
        la = np.where(after, -np.logaddexp(0.0, eta), 0.0) + lt
        w = (Y - MU0[li] - m * KK[li]) * np.exp(-lsc)
        lb = np.where(after, -np.logaddexp(0.0, -eta) - lsc - 0.5 * w * w - HALF_LOG_2PI, -np.inf)
        F = sn_cdf(edges, (a + b * x)[..., None], np.exp(ls)[..., None], al[..., None])  # (B, n, K+1)
    dF = np.clip(np.diff(F, axis=-1), 0.0, 1.0)
    best = np.full(B, -np.inf)
    best_c, best_d = np.zeros(B, int), np.zeros(B)
    d = DEPTH_GRID[:, None, None]
    # log((1 - pi) f_thin + pi g) = top + log(A (1 - d w) / (1 - d S) + G), A and G scaled by the larger part
    top = np.maximum(la, lb)
    A, G = np.exp(la - top), np.exp(lb - top)
    base = top.sum(axis=1)
    for c in range(Wc.shape[0]):
        S = np.einsum("ik,bik->bi", Wc[c], dF)  # (B, n)
        w_in = inside_weight(Y, edges, Wc[c][None])
        with np.errstate(divide="ignore", invalid="ignore"):
            ll = base + np.log(A[None] * (1.0 - d * w_in[None]) / (1.0 - d * S[None]) + G[None]).sum(axis=2)  # (D, B)
        j = np.argmax(ll, axis=0)
        v = ll[j, np.arange(B)]
        up = v > best
        best[up], best_c[up], best_d[up] = v[up], c, DEPTH_GRID[j[up]]
    return best_c, best_d


@register
class CompetitionParallelismH12(_CompetitionBase):
    """H2 whose trend followers are thinned as H1 thins H0 (gapstudy.costmodel.size_choice.thinning on H1's
    bins: adoption cost on H1's grid and depth fitted), or in a band when band=... is given (depth fitted);
    jointly with H2's parameters, by maximum likelihood."""

    key = "H1+H2"
    label = "H1+H2 competition + parallelism cost"
    description = ("H2 with its trend component thinned as H1 thins H0 (the cost model's size choice; adoption cost and depth "
                   "fitted); all parameters by maximum likelihood")
    allowed_options = _CompetitionBase.allowed_options + ("band", "assumptions", "thinning", "cost_range", "n_costs")

    def _h2_options(self) -> dict:
        """The options H2 takes (the frontier, lag grid, measure...), for the H2 this one starts from or contains."""
        return {k: v for k, v in self.options.items() if k in _CompetitionBase.allowed_options}

    def _mode(self) -> str:
        """'thinning' (the default: H1's thinning, adoption cost and depth fitted); 'band' with band=... (depth fitted in it)."""
        if "band" in self.options and "thinning" in self.options:
            raise GapstudyError("H1+H2 takes thinning=... or band=..., not both")
        return "band" if "band" in self.options else "thinning"

    def _h1(self):
        """An H1 with this hypothesis' thinning options, set up (its cost grid and bins)."""
        from gapstudy.hypotheses.parallelism import ParallelismH1

        h1 = ParallelismH1(**{k: v for k, v in self.options.items() if k in ("assumptions", "thinning", "cost_range", "n_costs")})
        h1._setup()
        return h1

    def availability(self):
        if self._mode() == "thinning":
            from gapstudy.hypotheses.parallelism import thinning_source

            try:
                thinning_source(self.options)
            except Unavailable as exc:
                return str(exc)
            return None
        return band_unavailable(self.options)

    def _trend(self, t):
        return BandThinnedTrend(float(np.mean(t)), self.band, free_depth=self.has_band)

    def _n_continuous(self) -> int:
        if getattr(self, "mode", "band") == "thinning":
            extra = (1 + (1 if self.cost_identified else 0)) if self.has_band else 0
        else:
            extra = 1 if getattr(self, "has_band", True) else 0
        return DriftingSkewNormal.n + 4 + extra

    def fit(self, t, y, *, rng):
        """H2 first (its full lag profile); then, for H1's thinning, the batched fit of fit_many on this one
        dataset started from H2's optimum (so its log-likelihood is at least H2's); for a band, every
        parameter with the depth jointly by maximum likelihood from H2's optimum at lags within
        LAG_REFIT_MONTHS of H2's best lag."""
        self.mode = self._mode()
        t_arr = np.asarray(t, float)
        h2_opts = self._h2_options()
        h2 = _recalled_h2(h2_opts, t, y) or CompetitionH2(**h2_opts).fit(t, y, rng=rng)
        self.h2_loglik = float(np.sum(h2.logpdf(np.asarray(y, float), t_arr)))
        full_grid, _ = _lag_grid(self.options)
        th2 = h2.theta
        near = tuple(g for g in full_grid if abs(g - h2.mix.lag_months) <= LAG_REFIT_MONTHS)
        with _single_thread():
            if self.mode == "thinning":
                self._fit_thinning_one(t_arr, np.asarray(y, float), h2)
            else:
                self.band = resolve_band(self.options)
                self.has_band = bool(np.isfinite(band_arrays(self.band, t_arr)[0]).any())
                if not self.has_band:
                    self._as_h2(t_arr, h2, self._trend(t_arr), NO_BAND_NOTE + " (not counted as a parameter)")
                else:
                    seeds = [np.r_[th2[:4], d0, th2[4:]] for d0 in (0.0, 0.5)]
                    self._fit(t, y, rng, grid=near, seed_thetas=seeds)
                    self.notes.append(f"lag profiled within {LAG_REFIT_MONTHS} months of H2's best lag ({h2.mix.lag_months:g})")
        self.notes = [n for i, n in enumerate(self.notes) if n not in self.notes[:i]]
        return self

    def _as_h2(self, t, h2, trend, note: str):
        """This fit is H2's with the depth fixed at 0 (no thinning at these dates): H2's optimum is its own."""
        self.notes.append(note)
        self.notes += [n for n in h2.notes if n not in self.notes]
        self.frontier, self.measure, self.lag_profile = h2.frontier, h2.measure, list(h2.lag_profile)
        self.mix = CompetitorMixture(trend, h2.frontier, h2.mix.lag_months, h2.measure)
        self.theta = np.r_[h2.theta[:4], 0.0, h2.theta[4:]]
        self.lag_fitted = h2.lag_fitted
        self.fitted = True

    def _fit_thinning_one(self, t, y, h2):
        h1 = self._h1()
        prep = h1._prepare(t)
        self.cost_range = h1.cost_range
        if prep is None:
            self.has_band, self.cost_identified = False, False
            self._as_h2(t, h2, BandThinnedTrend(float(np.mean(t)), _no_band, free_depth=False),
                        "the cost model thins no size at any adoption cost in the range at these dates: depth and cost are not "
                        "identified (set to 0, not counted) and H1+H2 is H2")
            return
        self.has_band = True
        ll, P, lag, ci = self._fit_thinning(t, y[None], h1, prep, start=h2)
        self.frontier, _ = _options_frontier(self.options, t, y)
        self.measure = h2.measure
        self.lag_fitted = h2.lag_fitted
        self.lag_profile = list(h2.lag_profile)
        self.mix = CompetitorMixture(CostThinnedTrend(float(np.mean(t)), h1, h1.log_costs[ci[0]]), self.frontier, lag[0], self.measure)
        self.theta = P[0]
        self.notes += [n for n in h2.notes if n not in self.notes]
        self.notes.append("trend followers thinned as H1 thins H0 (gapstudy.costmodel.size_choice.thinning on H1's 0.1-dex bins); "
                          "adoption cost chosen on H1's grid with H2's parameters held, then every parameter by maximum likelihood "
                          "(batched damped Newton, the lag moved along its grid)")
        if not self.cost_identified:
            self.notes.append("the thinning is the same at every adoption cost in the range: the cost is not identified and not counted")
        self.fitted = True

    def _fit_thinning(self, t, Y, h1, prep, start=None, h2_fits=None):
        """The batched fit with H1's thinning: H2 (batched, from `start` too; or h2_fits = its (loglik,
        parameters, lag) already made), the adoption cost and a starting depth per dataset by _cost_choice,
        then every parameter at that cost (the lag moved along its grid); each dataset keeps the better of
        that and H2's optimum (depth 0: H1+H2 contains H2). Returns (loglik (B,), parameters (B, 9), lag (B,), cost index (B,))."""
        edges, Wc = prep
        self.cost_identified = bool(np.ptp(Wc, axis=0).max() > NO_EFFECT_COST) if Wc.shape[0] > 1 else False
        if h2_fits is None:
            h2 = CompetitionH2(**self._h2_options())
            h2_fits = h2._fit_many(t, Y, start=start)
        ll2, P2, lag2 = (np.array(v, copy=True) for v in h2_fits)
        frontier, _ = _options_frontier(self.options, t, Y[0])
        measure = str(self.options.get("measure", "compute"))
        grid = list(_lag_grid(self.options)[0])
        t0 = float(np.mean(t))
        trend = DriftingSkewNormal(t0)
        bases = [self._base(trend, frontier, lag, measure, t) for lag in grid]
        MU0, KK = np.stack([b[0] for b in bases]), np.stack([b[1] for b in bases])
        e = edges[None]  # (1, n, K+1)
        li = np.array([grid.index(v) for v in lag2])
        B = Y.shape[0]
        ll, P, lag, ci = np.empty(B), np.empty((B, P2.shape[1] + 1)), np.empty(B), np.empty(B, int)
        # datasets in chunks (each is fitted on its own, so the numbers do not depend on the chunking): the
        # bin arrays, datasets x dates x Simpson nodes, then stay under gapstudy.malloc's 32 MiB mmap threshold
        step = max(1, CHUNK_VALUES // max(1, t.size * (2 * Wc.shape[2] + 1)))
        for a in range(0, B, step):
            r = slice(a, min(B, a + step))
            ci[r], d0 = _cost_choice(Y[r], t, P2[r], lag2[r], grid, MU0, KK, t0, e, Wc)
            seeds = [(np.c_[P2[r, :4], np.clip(d0, 0.05, 0.95), P2[r, 4:]], li[r])]
            ll[r], P[r], lag[r] = self._fit_many(t, Y[r], band=CostBins(e, Wc[ci[r]]), seeds=seeds)
        keep2 = ~(ll > ll2)
        P[keep2] = np.c_[P2[keep2, :4], np.zeros(int(keep2.sum())), P2[keep2, 4:]]
        lag[keep2], ll[keep2] = lag2[keep2], ll2[keep2]
        return ll, P, lag, ci

    def same_as(self, t) -> str | None:
        """'H2' when this H1+H2 is H2 itself at the dates t (band form, no band in any of their years; or the
        cost model thinning no size at any cost in the range: the depth is fixed at 0 and not counted), else None."""
        if self._mode() == "thinning":
            if self.availability() is not None:
                return None
            return "H2" if self._h1()._prepare(np.asarray(t, float)) is None else None
        if band_unavailable(self.options):
            return None
        return None if np.isfinite(band_arrays(resolve_band(self.options), np.asarray(t, float))[0]).any() else "H2"

    def fit_many(self, t, Y, *, rng, start=None):
        """As H2's fit_many, batched: H2 first (H1+H2 with no thinning, which it contains), then with H1's
        thinning (_fit_thinning) or, where a band exists at the dates t, every parameter with the depth from
        H2's optimum (depth 0 and 0.5), the lag free on the grid; each row keeps the better. Without a
        band (or a thinning) in any year it is H2's."""
        t, Y = _batch_inputs(t, Y)
        h2 = CompetitionH2(**self._h2_options())
        if self._mode() == "thinning":
            fitter = type(self)(**self.options)
            h1 = fitter._h1()
            prep = h1._prepare(t)
            with _single_thread():
                if prep is None:
                    return h2._fit_many(t, Y, start=start)[0]
                return fitter._fit_thinning(t, Y, h1, prep, start=start)[0]
        band = band_arrays(resolve_band(self.options), t)
        with _single_thread():
            ll2, P2, lag2 = h2._fit_many(t, Y, start=start)
            if not np.isfinite(band[0]).any():
                return ll2
            grid = list(_lag_grid(self.options)[0])
            li = np.array([grid.index(v) for v in lag2])
            seeds = [(np.c_[P2[:, :4], np.full(len(Y), d0), P2[:, 4:]], li) for d0 in (0.0, 0.5)]
            if start is not None and getattr(start, "fitted", False) and np.asarray(start.theta).size == 9 \
                    and start.mix.lag_months in grid:
                seeds.append((np.tile(np.asarray(start.theta, float), (len(Y), 1)), np.full(len(Y), grid.index(start.mix.lag_months))))
            ll, _, _ = self._fit_many(t, Y, band=band, seeds=seeds)
        return np.maximum(ll, ll2)

    def nests(self, t) -> str | None:
        """'H2' when this H1+H2's batched fit starts with H2's own (H1's thinning at the dates t), else None."""
        return "H2" if self._mode() == "thinning" and self.availability() is None and self.same_as(t) is None else None

    def fit_many_nested(self, t, Y, *, start=None, inner_start=None):
        """(H1+H2's fit_many, H2's fit_many from inner_start, H2's seconds) in one pass: H2's batched fits,
        exactly as H2's own fit_many makes them, are the first stage of this one's (model recovery)."""
        import time

        t, Y = _batch_inputs(t, Y)
        h2 = CompetitionH2(**self._h2_options())
        fitter = type(self)(**self.options)
        h1 = fitter._h1()
        prep = h1._prepare(t)
        with _single_thread():
            t0 = time.perf_counter()
            h2_fits = h2._fit_many(t, Y, start=inner_start)
            secs = time.perf_counter() - t0
            if prep is None:
                return h2_fits[0], h2_fits[0], secs
            return fitter._fit_thinning(t, Y, h1, prep, h2_fits=h2_fits)[0], h2_fits[0], secs

    def param_bounds(self):
        out = super().param_bounds()
        if getattr(self, "has_band", False):
            out["depth"] = (0.0, MAX_DEPTH)
            if getattr(self, "mode", None) == "thinning" and self.cost_identified:
                out["adoption_cost_usd"] = tuple(float(v) for v in self.cost_range)
        return out


def counterfactual_without_gpt3(h: _CompetitionBase, t, lo: float, hi: float) -> list[dict]:
    """Per calendar year of the dates t: the fitted H2's expected shares below/inside/above [lo, hi]
    (log10 bounds) and the same with GPT-3 removed from the frontier (every fitted parameter kept).
    Only GPT-3's own record is removed: later records (which may themselves be replies to it) stay."""
    t = np.asarray(t, float)
    cf = h.with_frontier(h.frontier.without_gpt3())
    rows = []
    years = np.floor(t).astype(int)
    for which, model in (("fitted", h), ("without_gpt3", cf)):
        f_lo = model.cdf(np.full(t.shape, lo), t)
        f_hi = model.cdf(np.full(t.shape, hi), t)
        for i, yr in enumerate(np.unique(years)):
            m = years == yr
            if which == "fitted":
                rows.append({"year": int(yr), "n": int(m.sum())})
            rows[i].update({f"{which}_below": float(f_lo[m].mean()), f"{which}_inside": float((f_hi - f_lo)[m].mean()),
                            f"{which}_above": float((1 - f_hi)[m].mean())})
            if which == "without_gpt3":
                mu_f, _ = h.competitor_size(t[m])
                mu_c, _ = cf.competitor_size(t[m])
                rows[i].update({"competitor_log10_size_fitted": float(np.mean(mu_f)),
                                "competitor_log10_size_without_gpt3": float(np.mean(mu_c))})
    return rows
