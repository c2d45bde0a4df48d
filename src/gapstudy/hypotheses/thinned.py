"""The drifting skew-normal trend thinned by a step multiplier, with analytic gradients, fitted in batches.

One likelihood serves H0 (no thinning), the notch model (one fitted band) and H1 (the cost model's
thinning tabulated in bins): p(y | t) = f(y | t) (1 - d w(y, t)) / (1 - d sum_k w_k P_f(bin k | t)),
f the drifting skew-normal of gapstudy.hypotheses.smooth, w in [0, 1] piecewise constant on bins
with edges E, d the fitted depth. Many independent problems (synthetic datasets, candidate bands)
are fitted together by a damped Newton method vectorised across them."""

from __future__ import annotations

import numpy as np
from scipy import special

from gapstudy.errors import GapstudyError
from gapstudy.hypotheses.band import MAX_DEPTH
from gapstudy.hypotheses.smooth import ALPHA_BOUND, MIN_SCALE

LOG2 = float(np.log(2.0))
HALF_LOG_2PI = 0.5 * float(np.log(2 * np.pi))
NEWTON_ITER = 200  # safety cap on damped Newton iterations (typical: 10-30)
NEWTON_TOL = 1e-4  # converged when every free gradient component is below this (the log-likelihood is then within ~1e-8 of its maximum)
HESSIAN_REFRESH = 8  # accepted steps between finite-difference Hessians (BFGS updates in between)
# datasets x dates x bin nodes per chunk of a batched thinned fit (H1, H1+H2): 2M values, 16 MB arrays, under
# the 32 MiB mmap threshold gapstudy.malloc sets, so numpy's temporaries reuse heap memory instead of faulting
# in fresh pages (measured: H1 on 600 datasets 3.7 s -> 0.3 s system time, the same fits)
CHUNK_VALUES = 2_000_000
SIMPSON_MAX_WIDTH = 0.5  # Simpson's rule for bin masses only when every bin is at most half a scale unit wide
FD_STEP = 1e-6  # relative step of the finite-difference Hessian (gradients are analytic, so 1e-6 is ample)
SLOPE_BOUND = 5.0  # |drift| <= 5 orders of magnitude per year, as H0's bounds (smooth.py)
TREND_BOUNDS = [(None, None), (-SLOPE_BOUND, SLOPE_BOUND), (np.log(MIN_SCALE), np.log(10.0)), (-ALPHA_BOUND, ALPHA_BOUND)]


# Below this u, phi(u) / Phi(u) comes from its asymptotic series -u / (1 - 1/u^2 + 3/u^4)
# (Abramowitz & Stegun 26.2.12): the log form subtracts two numbers of size u^2 / 2, whose rounding
# (~1e-16 u^2 / 2) makes exp() overflow by u ~ -1e9 (reached by wild Newton trial steps: the inf
# then met x of both signs in the gradient's sums, numpy's "invalid value encountered in reduce").
# At -1e3 the log form is still good to ~1e-10 and the series' next term (15/u^6) is ~1e-17 relative.
MILLS_SERIES_BELOW = -1e3
# Simpson nodes take phi(u) / Phi(u) from ndtr down to this u (Phi(-30) ~ 5e-198, far from underflow; the
# ratio's relative rounding there ~1e-15) and from _lam below it.
NDTR_SERIES_BELOW = -30.0
INV_SQRT_2PI = float(1.0 / np.sqrt(2.0 * np.pi))


def _lam(u):
    """phi(u) / Phi(u): in logs, and by its asymptotic series far in the lower tail (finite for every finite u)."""
    u = np.asarray(u, float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        direct = np.exp(-0.5 * u * u - HALF_LOG_2PI - special.log_ndtr(u))
        inv2 = 1.0 / (u * u)
        series = -u / (1.0 - inv2 + 3.0 * inv2 * inv2)
    return np.where(u < MILLS_SERIES_BELOW, series, direct)


def _lam_from(u, lphi):
    """_lam(u) given lphi = log Phi(u) already computed (the same values, one log_ndtr fewer)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        direct = np.exp(-0.5 * u * u - HALF_LOG_2PI - lphi)
    far = u < MILLS_SERIES_BELOW
    if not np.any(far):
        return direct
    direct[far] = _lam(u[far])
    return direct


def sn_cdf(e, loc, s, alpha):
    """Skew-normal CDF at e (sn_cdf_and_grad's F without the gradient)."""
    z = (e - loc) / s
    return special.ndtr(z) - 2.0 * special.owens_t(z, alpha)


def sn_cdf_and_grad(e, loc, s, alpha, x):
    """Skew-normal CDF at e and its gradient in (a, b, log s, alpha); loc = a + b x. Shapes broadcast."""
    z = (e - loc) / s
    F = special.ndtr(z) - 2.0 * special.owens_t(z, alpha)
    dz = 2.0 * np.exp(-0.5 * z * z - HALF_LOG_2PI) * special.ndtr(alpha * z)  # dF/dz
    da = -dz / s
    dalpha = -np.exp(-0.5 * z * z * (1.0 + alpha * alpha)) / (np.pi * (1.0 + alpha * alpha))
    return F, (da, da * x, -dz * z, dalpha)


def trend_logpdf(theta, y, x):
    """Skew-normal log density for params theta (B, 4) = (a, b, log s, alpha); x = t - t0, y (B, n)."""
    a, b, ls, al = (theta[:, i:i + 1] for i in range(4))
    s = np.exp(ls)
    z = (y - a - b * x) / s
    return LOG2 - ls - 0.5 * z * z - HALF_LOG_2PI + special.log_ndtr(al * z)


def inside_weight(y, edges, weights):
    """w(y_i): the weight of the bin each y falls in (0 outside every bin); y (B, n), edges (.., n, K+1)."""
    if edges is None:
        return np.zeros(np.shape(y))
    yy = np.asarray(y)[..., None]
    m = (yy >= edges[..., :-1]) & (yy < edges[..., 1:])
    return np.sum(m * weights, axis=-1)


class Problems:
    """A stack of B thinned-trend likelihoods sharing dates: sizes Y (B, n), bins (edges, weights)."""

    def __init__(self, t, Y, edges=None, weights=None, *, t0: float, fit_depth: bool):
        self.x = np.asarray(t, float) - float(t0)
        self.Y = np.atleast_2d(np.asarray(Y, float))
        self.B, self.n = self.Y.shape
        self.edges = None if edges is None else np.asarray(edges, float)
        self.weights = None if weights is None else np.asarray(weights, float)
        self.fit_depth = bool(fit_depth) and self.edges is not None
        self.p = 5 if self.fit_depth else 4
        self.w_in = inside_weight(self.Y, self.edges, self.weights)

    def band_mass(self, theta, grad: bool):
        """S_i = sum_k w_k P(bin k | t_i) under the trend, (B, n), and its gradient (4 arrays).

        Bin masses are exact CDF differences (Owen's T), or, for many narrow bins (the cost model's
        tabulated thinning) in each problem whose every bin is under SIMPSON_MAX_WIDTH of its scale
        units wide, Simpson's rule on the density (relative error below ~(h/s)^4 / 2880 <= 2e-5 per
        bin; 5-10x faster). Problems are split by that test one by one, so a few problems with a
        small scale do not send a whole batch down the exact path."""
        a, b, ls, al = (theta[:, i:i + 1] for i in range(4))
        s = np.exp(ls)[..., None]
        loc = (a + b * self.x)[..., None]
        al = al[..., None]
        if self.edges.shape[-1] > 3:
            h = np.diff(self.edges, axis=-1)
            hmax = h.max(axis=(-2, -1)) if h.shape[0] == s.shape[0] and s.shape[0] > 1 else np.full(s.shape[0], h.max())
            simpson = hmax <= SIMPSON_MAX_WIDTH * s[:, 0, 0]
            if simpson.all():
                return self._simpson_mass(loc, s, al, self.edges, self.weights, h, grad)
            if simpson.any():
                parts = [(idx, (self._simpson_mass if use else self._exact_mass)(
                    loc[idx], s[idx], al[idx], self._rows(self.edges, idx), self._rows(self.weights, idx),
                    self._rows(h, idx), grad)) for use, idx in ((True, np.flatnonzero(simpson)), (False, np.flatnonzero(~simpson)))]
                S = np.empty(loc.shape[:2])
                G = [np.empty(loc.shape[:2]) for _ in range(4)] if grad else None
                for idx, (Si, Gi) in parts:
                    S[idx] = Si
                    if grad:
                        for j in range(4):
                            G[j][idx] = Gi[j]
                return S, G
        return self._exact_mass(loc, s, al, self.edges, self.weights, None, grad)

    def _rows(self, arr, idx):
        """The problems idx of a per-problem array (first axis B), or a shared array (first axis 1) as it is."""
        return arr[idx] if arr.shape[0] == self.B and self.B > 1 else arr

    def _exact_mass(self, loc, s, al, edges, weights, h, grad):
        F, g = sn_cdf_and_grad(edges, loc, s, al, self.x[..., None])
        S = np.sum(weights * np.diff(F, axis=-1), axis=-1)
        if not grad:
            return S, None
        return S, [np.sum(weights * np.diff(np.broadcast_to(gi, F.shape), axis=-1), axis=-1) for gi in g]

    def _simpson_mass(self, loc, s, al, e, weights, h, grad):
        """Simpson's rule per bin: (f(lower) + 4 f(mid) + f(upper)) h / 6, the density (and its gradient
        terms) evaluated once at each edge, which neighbouring bins share, and once at each midpoint."""
        c = weights * h / 6.0

        def node_terms(v):
            # the density 2 phi(z) Phi(u) / s from ndtr (2.5x cheaper than log_ndtr and exact enough
            # here: a density that underflows to 0 adds nothing to a mass); phi(u) / Phi(u) likewise,
            # by its asymptotic series (_lam) where Phi(u) would underflow
            z = (v - loc) / s
            u = al * z
            Phi = special.ndtr(u)
            f = (2.0 * INV_SQRT_2PI) * np.exp(-0.5 * z * z) * Phi / s
            if not grad:
                return (f,)
            with np.errstate(divide="ignore", invalid="ignore"):
                lam = INV_SQRT_2PI * np.exp(-0.5 * u * u) / Phi
            far = u < NDTR_SERIES_BELOW
            if np.any(far):  # the series only where it is needed (elementwise: the same values, a fraction of the work)
                lam[far] = _lam(u[far])
            dlz = -z + al * lam
            return f, f * (-dlz / s), f * (-1.0 - dlz * z), f * z * lam

        at_e = node_terms(e)
        at_m = node_terms(0.5 * (e[..., :-1] + e[..., 1:]))
        sums = [np.sum(c * (te[..., :-1] + 4.0 * tm + te[..., 1:]), axis=-1) for te, tm in zip(at_e, at_m)]
        if not grad:
            return sums[0], None
        S, g_loc, g_ls, g_al = sums
        return S, [g_loc, g_loc * self.x, g_ls, g_al]

    def nll_each(self, P):
        """Negative log-likelihood of each problem (B,) and its gradient (B, p) at parameters P (B, p)."""
        theta = P[:, :4]
        a, b, ls, al = (theta[:, i:i + 1] for i in range(4))
        s = np.exp(ls)
        z = (self.Y - a - b * self.x) / s
        u = al * z
        lphi = special.log_ndtr(u)
        lam = _lam_from(u, lphi)
        logf = LOG2 - ls - 0.5 * z * z - HALF_LOG_2PI + lphi
        dlz = -z + al * lam
        g = np.empty_like(P)
        ga = -dlz / s
        g[:, 0] = -ga.sum(axis=1)
        g[:, 1] = -(ga * self.x).sum(axis=1)
        g[:, 2] = -(-1.0 - dlz * z).sum(axis=1)
        g[:, 3] = -(z * lam).sum(axis=1)
        f = -logf.sum(axis=1)
        if self.fit_depth:
            d = P[:, 4:5]
            S, gS = self.band_mass(theta, grad=True)
            Z = 1.0 - d * S
            with np.errstate(divide="ignore", invalid="ignore"):
                f = f - np.sum(np.log1p(-d * self.w_in), axis=1) + np.sum(np.log(Z), axis=1)
                for j in range(4):
                    g[:, j] += np.sum(-d * gS[j] / Z, axis=1)
                g[:, 4] = np.sum(self.w_in / (1.0 - d * self.w_in) - S / Z, axis=1)
        bad = ~np.isfinite(f)
        f[bad] = np.inf
        return f, g

    def loglik(self, P):
        """Per-problem log-likelihood at parameters P (B, p)."""
        P = np.atleast_2d(P)
        theta = P[:, :4]
        ll = trend_logpdf(theta, self.Y, self.x).sum(axis=1)
        if self.fit_depth:
            d = P[:, 4:5]
            S, _ = self.band_mass(theta, grad=False)
            with np.errstate(divide="ignore"):
                ll = ll + np.sum(np.log1p(-d * self.w_in), axis=1) - np.sum(np.log1p(-d * S), axis=1)
        return ll

    def bounds(self):
        return TREND_BOUNDS + ([(0.0, MAX_DEPTH)] if self.fit_depth else [])

    def subset(self, idx):
        """The problems idx (for chunking)."""
        sub = object.__new__(Problems)
        sub.__dict__.update(self.__dict__)
        sub.Y = self.Y[idx]
        sub.B = sub.Y.shape[0]
        sub.w_in = self.w_in[idx]
        if self.edges is not None:
            sub.edges = self.edges[idx] if self.edges.shape[0] == self.B and self.B > 1 else self.edges
            sub.weights = self.weights[idx] if self.weights.shape[0] == self.B and self.B > 1 else self.weights
        return sub


def _box(problems: Problems):
    lo = np.array([b[0] if b[0] is not None else -np.inf for b in problems.bounds()])
    hi = np.array([b[1] if b[1] is not None else np.inf for b in problems.bounds()])
    return lo, hi


def maximise(problems: Problems, P0: np.ndarray, *, max_iter: int = NEWTON_ITER, tol: float = NEWTON_TOL) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood parameters (B, p) from starts P0 (B, p); returns (P, loglik (B,)).

    A damped (Levenberg-Marquardt) Newton method run on all problems at once: the Hessian of each
    problem from finite differences of its analytic gradient (BFGS-updated between refreshes), a step accepted per problem only if
    it lowers that problem's negative log-likelihood, parameters kept in their box by projection
    (a parameter at a bound with its gradient pointing out of the box is held there)."""
    pr = problems
    lo, hi = _box(pr)
    P = np.clip(np.asarray(P0, float).reshape(pr.B, pr.p), lo, hi)
    f, g = pr.nll_each(P)
    mu = np.full(pr.B, 1e-8)
    done = ~np.isfinite(f)
    eye = np.eye(pr.p)
    Hc = np.zeros((pr.B, pr.p, pr.p))
    need = np.ones(pr.B, bool)  # finite-difference Hessian to (re)compute
    steps = np.zeros(pr.B, int)
    for _ in range(max_iter):
        act = np.flatnonzero(~done)
        if act.size == 0:
            break
        upd = act[need[act]]
        if upd.size:
            Pu, gu = P[upd], g[upd]
            h = FD_STEP * np.maximum(1.0, np.abs(Pu))
            sign = np.where(Pu + h > hi, -1.0, 1.0)  # probe inward at an upper bound so every probe stays inside the box
            sub = pr.subset(upd)
            for j in range(pr.p):
                Pj = Pu.copy()
                Pj[:, j] += sign[:, j] * h[:, j]
                _, gj = sub.nll_each(Pj)
                Hc[upd, :, j] = (gj - gu) / (sign[:, j] * h[:, j])[:, None]
            Hc[upd] = np.nan_to_num(0.5 * (Hc[upd] + np.swapaxes(Hc[upd], 1, 2)), nan=0.0, posinf=0.0, neginf=0.0)
            need[upd] = False
        Pa, ga = P[act], g[act]
        held = ((Pa <= lo) & (ga > 0)) | ((Pa >= hi) & (ga < 0))
        gf = np.where(held, 0.0, ga)
        conv = np.max(np.abs(gf), axis=1) < tol
        Hs = np.where(held[:, :, None] | held[:, None, :], 0.0, Hc[act]) + held[:, :, None] * eye
        ev = np.linalg.eigvalsh(Hs)
        scale = np.maximum(np.abs(ev).max(axis=1), 1e-8)
        shift = np.maximum(mu[act] * scale, -ev[:, 0] + 1e-8 * scale)
        step = -np.linalg.solve(Hs + shift[:, None, None] * eye, gf[:, :, None])[:, :, 0]
        Pn = np.clip(Pa + step, lo, hi)
        fn, gn = pr.subset(act).nll_each(Pn)
        better = fn < f[act] - 1e-12 * np.abs(f[act])
        small = np.abs(f[act] - fn) < 1e-10 * np.maximum(1.0, np.abs(f[act]))
        ok = act[better]
        # curvature between Hessian evaluations: BFGS updates from the accepted step, a fresh
        # finite-difference Hessian every HESSIAN_REFRESH accepted steps
        sv, yv = Pn[better] - Pa[better], gn[better] - ga[better]
        Hk = Hc[ok]
        Hsv = np.einsum("bij,bj->bi", Hk, sv)
        sHs, sy = np.einsum("bi,bi->b", sv, Hsv), np.einsum("bi,bi->b", sv, yv)
        good = (sy > 1e-12 * np.linalg.norm(sv, axis=1) * np.linalg.norm(yv, axis=1)) & (sHs > 0)
        upd_H = Hk - np.einsum("bi,bj->bij", Hsv, Hsv) / np.where(good, sHs, 1.0)[:, None, None] \
            + np.einsum("bi,bj->bij", yv, yv) / np.where(good, sy, 1.0)[:, None, None]
        Hc[ok] = np.where(good[:, None, None], upd_H, Hk)
        P[ok], f[ok], g[ok] = Pn[better], fn[better], gn[better]
        steps[ok] += 1
        need[ok] = (steps[ok] % HESSIAN_REFRESH == 0) | ~good
        mu[ok] = np.maximum(mu[ok] / 10.0, 1e-12)
        rej = act[~better]
        mu[rej] = np.maximum(mu[rej] * 10.0, 1e-4)
        done[act[conv]] = True
        done[act[~better & (small | (mu[act] > 1e8))]] = True
    ll = pr.loglik(P)
    return P, np.where(np.isfinite(ll), ll, -np.inf)


def trend_starts(t, Y, t0: float) -> list[np.ndarray]:
    """Starting trend parameters (B, 4) per problem: least-squares line, moment-matched scale, three skews."""
    x = np.asarray(t, float) - t0
    Y = np.atleast_2d(Y)
    xm = x - x.mean()
    b = (Y - Y.mean(axis=1, keepdims=True)) @ xm / max(float(xm @ xm), 1e-12)
    a = Y.mean(axis=1) - b * x.mean()
    sd = np.maximum((Y - a[:, None] - b[:, None] * x).std(axis=1), MIN_SCALE)
    out = []
    for alpha in (-2.0, 2.0):  # alpha = 0 is a stationary point of the skew (a saddle), never a start
        delta = alpha / np.sqrt(1 + alpha**2)
        omega = sd / np.sqrt(1 - 2 * delta**2 / np.pi)
        out.append(np.stack([a - omega * delta * np.sqrt(2 / np.pi), b, np.log(omega), np.full_like(a, alpha)], axis=1))
    return out


def _keep_best(best_P, best_ll, P, ll):
    """Per problem, the better of the best start so far and this start (a non-finite loglik never wins)."""
    ll = np.where(np.isfinite(ll), ll, -np.inf)
    if best_P is None:
        return P, ll
    better = ll > best_ll
    best_P[better], best_ll[better] = P[better], ll[better]
    return best_P, best_ll


def fit_trend(t, Y, *, t0: float, starts: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The drifting skew-normal (no thinning) fitted to each row of Y: (theta (B, 4), loglik (B,))."""
    pr = Problems(t, Y, t0=t0, fit_depth=False)
    best_P, best_ll = None, None
    for s0 in starts or trend_starts(t, pr.Y, t0):
        P, ll = maximise(pr, s0)
        best_P, best_ll = _keep_best(best_P, best_ll, P, ll)
    if not np.isfinite(best_ll).all():
        raise GapstudyError("the smooth trend's likelihood could not be maximised; check the data for extreme sizes")
    return best_P, best_ll


def fit_thinned(t, Y, edges, weights, *, t0: float, theta0: np.ndarray, depths=(0.5,)) -> tuple[np.ndarray, np.ndarray]:
    """Trend and depth for each row of Y thinned by (edges, weights): (P (B, 5), loglik (B,)).
    Started from theta0 (B, 4) at each of `depths` (scalars or (B,) arrays); the best start per problem is kept."""
    pr = Problems(t, Y, edges, weights, t0=t0, fit_depth=True)
    best_P, best_ll = None, None
    for d0 in depths:
        P, ll = maximise(pr, np.c_[theta0, np.broadcast_to(np.asarray(d0, float), (pr.B,))])
        best_P, best_ll = _keep_best(best_P, best_ll, P, ll)
    return best_P, best_ll


def thinned_logpdf(P, y, t, t0, edges, weights):
    """log p(y | t) of one fitted model P (p,), edges (n or 1, K+1) and weights (n or 1, K) per date."""
    t = np.asarray(t, float).ravel()
    y = np.broadcast_to(np.asarray(y, float), t.shape)
    pr = Problems(t, y[None], None if edges is None else edges[None], None if weights is None else weights[None],
                  t0=t0, fit_depth=edges is not None and len(P) > 4)
    theta = np.asarray(P[:4], float)[None]
    lp = trend_logpdf(theta, pr.Y, pr.x)[0]
    if pr.fit_depth:
        d = float(P[4])
        S, _ = pr.band_mass(theta, grad=False)
        with np.errstate(divide="ignore"):
            lp = lp + np.log1p(-d * pr.w_in[0]) - np.log1p(-d * S[0])
    return lp


def thinned_cdf(P, y, t, t0, edges, weights):
    """P(log10 size <= y | t) of one fitted model."""
    t = np.asarray(t, float).ravel()
    y = np.broadcast_to(np.asarray(y, float), t.shape)
    x = t - t0
    a, b, ls, al = (float(v) for v in P[:4])
    s, loc = np.exp(ls), a + b * x
    F, _ = sn_cdf_and_grad(y, loc, s, al, x)
    if edges is None or len(P) <= 4:
        return np.clip(F, 0.0, 1.0)
    d = float(P[4])
    Fe, _ = sn_cdf_and_grad(edges, loc[:, None], s, al, x[:, None])
    Fc, _ = sn_cdf_and_grad(np.clip(y[:, None], edges[..., :-1], edges[..., 1:]), loc[:, None], s, al, x[:, None])
    removed = np.sum(weights * (Fc - Fe[..., :-1]), axis=-1)
    S = np.sum(weights * np.diff(Fe, axis=-1), axis=-1)
    return np.clip((F - d * removed) / (1.0 - d * S), 0.0, 1.0)


def thinned_sample(P, t, t0, edges_fn, weights_fn, rng: np.random.Generator, size: int | None = None, max_rounds: int = 500):
    """Draws from a fitted model by rejection: a trend draw at y is kept with probability 1 - d w(y, t).
    edges_fn/weights_fn(idx) give the bins of the dates t[idx] (None: no thinning). size=B gives (B, n)."""
    from gapstudy.hypotheses.smooth import sn_sample

    t = np.asarray(t, float).ravel()
    shape = t.shape if size is None else (int(size), t.size)
    tt = np.broadcast_to(t, shape).ravel()
    cols = np.broadcast_to(np.arange(t.size), shape).ravel()
    a, b, ls, al = (float(v) for v in P[:4])
    d = float(P[4]) if len(P) > 4 and edges_fn is not None else 0.0
    out = np.empty(tt.size)
    todo = np.arange(tt.size)
    for _ in range(max_rounds):
        if todo.size == 0:
            return out.reshape(shape)
        draw = sn_sample(a + b * (tt[todo] - t0), np.exp(ls), al, rng)
        if d > 0:
            w = inside_weight(draw[:, None], edges_fn(cols[todo])[:, None, :], weights_fn(cols[todo])[:, None, :])[:, 0]
            keep = rng.random(todo.size) >= d * w
        else:
            keep = np.ones(todo.size, bool)
        out[todo[keep]] = draw[keep]
        todo = todo[~keep]
    raise GapstudyError("thinned sampling did not finish; the thinning removes nearly all of the trend's density")
