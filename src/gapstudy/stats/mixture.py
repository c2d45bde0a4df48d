"""One versus two Gaussian components: EM fits, BIC, and a likelihood-ratio test calibrated under a unimodal null."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from gapstudy.stats import _checks
from gapstudy.stats._result import Unpacks
from gapstudy.stats.rounding import jitter_once

# Fewest points: 5 free parameters in the two-component fit need more points than that, and 10
# is the smallest sample for which we saw EM give stable fits.
MIN_N = 10
# Each component's variance is kept >= this share of the sample variance (a component sd of at
# least 0.1 sample sd). Without a floor the two-component likelihood is unbounded (a component
# collapsing onto one value, or onto a group of tied rounded sizes); 0.01 is our choice: a group
# narrower than a tenth of the spread is a tie cluster, not a population.
VAR_FLOOR_FRAC = 0.01
# EM starts: split the sorted sample at these fractions (component 1 = lower part). Five spread
# splits find the global optimum on every sample we tried, deterministically.
START_SPLITS = (0.2, 0.35, 0.5, 0.65, 0.8)
# EM stops for a fit when its log-likelihood improves by less than TOL nats in one iteration
# (1e-6: far below the LR statistic's Monte Carlo resolution) or after MAX_ITER accelerated
# iterations (200: ~90% of two-normal fits to normal samples of 500 converge by then; the
# likelihood surface of that degenerate fit is flat). The bootstrap applies exactly the same
# procedure, so the p-value calibrates the statistic as computed.
TOL, MAX_ITER = 1e-6, 200
# Accelerated iterations every start gets before only the best start per sample is carried on:
# 10 (each 3 EM steps) separated the basins in our checks (same winner as at convergence).
BURN_IN = 10
# Bootstrap draws: 500 gives a Monte Carlo s.e. <= 0.01 near p = 0.05 (each draw is a full
# multi-start EM fit, the costliest step of the suite).
DEFAULT_N_BOOT = 500
# Bootstrap replicates fitted together (memory ~ chunk x starts x n doubles per work array).
CHUNK = 200
LOG_2PI = np.log(2 * np.pi)  # normal log-density constant


def _loglik_normal(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MLE mean, sd and maximised log-likelihood of one normal, per row."""
    n = x.shape[-1]
    mean = x.mean(axis=-1)
    var = x.var(axis=-1)
    return mean, np.sqrt(var), -0.5 * n * (LOG_2PI + np.log(var) + 1.0)


def _comp_logpdf(x, mean, var):
    return -0.5 * (LOG_2PI + np.log(var) + (x - mean) ** 2 / var)


def _em_step(xa, fa, th):
    """One EM step for fits (rows): th (F, 5) = (w, m1, v1, m2, v2). Returns (new th, loglik of th)."""
    n = xa.shape[1]
    w, m1, v1, m2, v2 = th.T
    la = np.log(w)[:, None] + _comp_logpdf(xa, m1[:, None], v1[:, None])
    lb = np.log1p(-w)[:, None] + _comp_logpdf(xa, m2[:, None], v2[:, None])
    tot = np.logaddexp(la, lb)
    g = np.exp(la - tot)  # responsibilities of component 1
    n1 = np.clip(g.sum(axis=1), 1e-9, n - 1e-9)
    m1n = (g * xa).sum(axis=1) / n1
    m2n = ((1 - g) * xa).sum(axis=1) / (n - n1)
    v1n = np.maximum((g * (xa - m1n[:, None]) ** 2).sum(axis=1) / n1, fa)
    v2n = np.maximum(((1 - g) * (xa - m2n[:, None]) ** 2).sum(axis=1) / (n - n1), fa)
    return np.stack([n1 / n, m1n, v1n, m2n, v2n], axis=1), tot.sum(axis=1)


def _loglik_rows(xa, th):
    w, m1, v1, m2, v2 = th.T
    la = np.log(w)[:, None] + _comp_logpdf(xa, m1[:, None], v1[:, None])
    lb = np.log1p(-w)[:, None] + _comp_logpdf(xa, m2[:, None], v2[:, None])
    return np.logaddexp(la, lb).sum(axis=1)


def _em(fx, ff, th, max_iter, accelerate=True):
    """Run EM on independent fits (rows of fx, parameters th (F, 5), updated in place) until each
    fit's log-likelihood moves by < TOL or max_iter iterations; only unfinished fits are iterated.

    With `accelerate`, each iteration is a SQUAREM step (Varadhan & Roland 2008, Scand. J. Stat.
    35:335-353): two EM steps, a squared extrapolation, one stabilising EM step, falling back to the
    plain double step whenever the extrapolation lowers the likelihood, so the likelihood never
    decreases. EM for two normals fitted to unimodal data converges very slowly without it.
    Returns (loglik, converged) of the final parameters."""
    ll = np.full(fx.shape[0], -np.inf)
    converged = np.zeros(fx.shape[0], dtype=bool)
    active = np.arange(fx.shape[0])
    for _ in range(max_iter):
        xa, fa, t0 = fx[active], ff[active], th[active]
        t1, ll0 = _em_step(xa, fa, t0)
        t2, ll1 = _em_step(xa, fa, t1)
        if accelerate:
            r, v = t1 - t0, t2 - 2 * t1 + t0
            alpha = -np.sqrt((r * r).sum(axis=1) / np.maximum((v * v).sum(axis=1), 1e-300))
            alpha = np.minimum(alpha, -1.0)[:, None]
            tp = t0 - 2 * alpha * r + alpha * alpha * v
            tp[:, 0] = np.clip(tp[:, 0], 1e-9, 1 - 1e-9)
            tp[:, 2] = np.maximum(tp[:, 2], fa)
            tp[:, 4] = np.maximum(tp[:, 4], fa)
            t3, llp = _em_step(xa, fa, tp)
            good = np.isfinite(llp) & (llp >= ll1)
            new = np.where(good[:, None], t3, t2)
            new_ll = np.where(good, llp, ll1)
        else:
            new, new_ll = t2, ll1
        done = np.abs(new_ll - ll0) < TOL
        th[active] = new
        ll[active] = new_ll
        converged[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    ll_final = _loglik_rows(fx, th)
    return ll_final, converged


def fit_two(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM fit of a two-normal mixture to each row of `x` (shape (R, n)), each component variance
    floored at VAR_FLOOR_FRAC x the row's variance.

    All START_SPLITS starts run BURN_IN iterations; the best of them per row then runs to
    convergence (TOL) or MAX_ITER. Returns params (R, 5) = (weight of component 1, mean1, sd1,
    mean2, sd2) with mean1 <= mean2, log-likelihoods (R,) and a converged flag (R,)."""
    x = np.sort(np.atleast_2d(x), axis=1)
    r, n = x.shape
    floor = VAR_FLOOR_FRAC * x.var(axis=1)
    s = len(START_SPLITS)
    cut = np.clip(np.round(np.array(START_SPLITS) * n).astype(int), 1, n - 1)
    lower = np.arange(n)[None, :] < cut[:, None]  # (S, n): start s puts the lowest cut[s] points in component 1
    cnt1 = lower.sum(axis=1)
    m1 = (x[:, None, :] * lower).sum(axis=2) / cnt1
    m2 = (x[:, None, :] * ~lower).sum(axis=2) / (n - cnt1)
    v1 = ((x[:, None, :] - m1[..., None]) ** 2 * lower).sum(axis=2) / cnt1
    v2 = ((x[:, None, :] - m2[..., None]) ** 2 * ~lower).sum(axis=2) / (n - cnt1)
    w = np.broadcast_to(cnt1 / n, (r, s))
    fx = np.repeat(x, s, axis=0)  # (R*S, n), row-major: replicate i, start j -> i*S + j
    ff = np.repeat(floor, s)
    th = np.stack(
        [w.reshape(-1), m1.reshape(-1), np.maximum(v1.reshape(-1), ff), m2.reshape(-1),
         np.maximum(v2.reshape(-1), ff)], axis=1,
    ).astype(float)
    ll, _ = _em(fx, ff, th, BURN_IN)
    best = np.arange(r) * s + np.argmax(ll.reshape(r, s), axis=1)
    th = th[best].copy()
    ll, conv = _em(x, floor, th, MAX_ITER)
    w, m1, v1, m2, v2 = th.T
    swap = m1 > m2
    params = np.stack(
        [np.where(swap, 1 - w, w), np.where(swap, m2, m1), np.sqrt(np.where(swap, v2, v1)),
         np.where(swap, m1, m2), np.sqrt(np.where(swap, v1, v2))],
        axis=1,
    )
    return params, ll, conv


def mixture_loglik(x, params) -> float:
    """Log-likelihood of sample `x` under a two-normal mixture (weight1, mean1, sd1, mean2, sd2)."""
    w, m1, s1, m2, s2 = params
    x = np.asarray(x, dtype=float)
    return float(logsumexp(
        np.stack([np.log(w) + _comp_logpdf(x, m1, s1**2), np.log1p(-w) + _comp_logpdf(x, m2, s2**2)]), axis=0
    ).sum())


def _lr(x: np.ndarray):
    """LR statistic per row, the two-normal fit run on the standardised rows: SQUAREM's step length
    mixes the weight with means and variances, so fitting raw x made the EM path, and sometimes the
    optimum reached, depend on the units (LR 6.15 vs 3.11 for the same sample scaled by 0.2). On
    z = (x - mean) / sd the LR is exactly invariant under x -> a + b x, as the test's parametric
    bootstrap assumes; fits are mapped back to x's units."""
    mean, sd, ll1 = _loglik_normal(x)
    z = (x - mean[:, None]) / sd[:, None]
    pz, llz, conv = fit_two(z)
    n = x.shape[-1]
    ll2 = llz - n * np.log(sd)
    params = np.stack([pz[:, 0], mean + sd * pz[:, 1], sd * pz[:, 2], mean + sd * pz[:, 3], sd * pz[:, 4]], axis=1)
    return np.maximum(2.0 * (ll2 - ll1), 0.0), (mean, sd, ll1), (params, ll2, conv)


NULLS = ("calibrated", "normal")  # see mixture_test


def null_samples(x: np.ndarray, null: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """`size` bootstrap samples of n under mixture_test's null: from the data-like unimodal
    calibration density of the excess-mass test ("calibrated"), or from the fitted normal."""
    if null == "normal":
        return x.mean() + x.std() * rng.standard_normal((size, x.size))
    from gapstudy.stats.excess_mass import calibration_density  # noqa: PLC0415 - excess_mass is the heavier import

    return calibration_density(x, 1, binned=True).sample((size, x.size), rng)


@dataclass(frozen=True, eq=False)
class MixtureResult(Unpacks):
    """1 vs 2 normal components: `statistic` = 2 (loglik2 - loglik1), bootstrap `pvalue` under a
    unimodal null (see mixture_test). Unpacks as (statistic, pvalue)."""

    statistic: float
    pvalue: float
    loglik1: float
    loglik2: float
    bic1: float
    bic2: float
    params1: tuple[float, float]  # mean, sd
    params2: tuple[float, float, float, float, float]  # weight1, mean1, sd1, mean2, sd2
    converged: bool
    null: str
    n_boot: int
    jitter: str
    null_distribution: np.ndarray


def mixture_test(x, *, null: str = "calibrated", n_boot: int = DEFAULT_N_BOOT, jitter="auto", rng=None) -> MixtureResult:
    """Likelihood-ratio test for two groups: 2 (loglik of two normals - loglik of one normal).

    Fits: one normal by maximum likelihood; two normals by (SQUAREM-accelerated) EM from several
    deterministic starts (START_SPLITS; 10 iterations each, then the best carried to convergence)
    with each component variance floored at 1% of the sample variance (VAR_FLOOR_FRAC).
    null : what the LR is calibrated against, by `n_boot` bootstrap samples each refitted both ways,
    p = (1 + #{LR* >= LR}) / (1 + n_boot):
      "calibrated" (default): a unimodal but not normal null shaped like the data, the excess-mass
          test's calibration density (the KDE at the one-mode critical bandwidth with the data's
          curvature at its mode; Ameijeiras-Alonso et al. 2019), so skewed or heavy-tailed
          unimodal samples are not taken for two groups;
      "normal": the fitted normal. This tests normality, not unimodality: skew-normal and t4
          samples of 300 rejected it 98-100% of the time (bundled calibration table).
    BIC = -2 loglik + p ln n with p = 2 and 5 (for reference: BIC favours two components for skewed
    or heavy-tailed unimodal data, so it is not a test of unimodality).
    jitter : ties broken by ONE uniform draw within each value's rounding interval, as in dip_test
    ("auto" default: only when x has ties; "log10" for log10 of rounded counts; "decimal", a
    half-width, or None)."""
    x = _checks.sample(x, need=MIN_N)
    n_boot = _checks.positive_int(n_boot, name="n_boot")
    null = _checks.choice(null, name="null", allowed=NULLS)
    _checks.spread(x, need_distinct=2)
    gen = _checks.generator(rng)
    x, label = jitter_once(x, jitter, gen)
    lr, (mean, sd, ll1), (params, ll2, conv) = _lr(x[None, :])
    n = x.size
    sims = null_samples(np.sort(x), null, n_boot, gen)
    boot = np.concatenate([_lr(sims[s : s + CHUNK])[0] for s in range(0, n_boot, CHUNK)])
    p = (1.0 + np.count_nonzero(boot >= lr[0] - 1e-9)) / (1.0 + n_boot)
    return MixtureResult(
        statistic=float(lr[0]), pvalue=float(p), loglik1=float(ll1[0]), loglik2=float(ll2[0]),
        bic1=float(-2 * ll1[0] + 2 * np.log(n)), bic2=float(-2 * ll2[0] + 5 * np.log(n)),
        params1=(float(mean[0]), float(sd[0])), params2=tuple(float(v) for v in params[0]),
        converged=bool(conv[0]), null=null, n_boot=n_boot, jitter=label, null_distribution=boot,
    )
