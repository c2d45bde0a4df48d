"""Hartigan's dip test of unimodality (the `diptest` C code), calibrated by default against the data-like unimodal null of the excess-mass test."""

from __future__ import annotations

from dataclasses import dataclass

import diptest
import numpy as np
from scipy.special import gammaln

from gapstudy.stats import _checks, kde
from gapstudy.stats._result import Unpacks
from gapstudy.stats.rounding import jitter_once

# Hartigan & Hartigan (1985) define the dip for n >= 4; `diptest` returns 0 below that.
MIN_N = 4
# The data-like null (excess_mass.calibration_density) needs the excess-mass test's 10 points;
# below that, "calibrated" uses the cheng_hall reference.
CALIBRATED_MIN_N = 10
# Bootstrap draws of the null: 2,000 gives a p-value Monte Carlo s.e. <= 0.005 near p = 0.05.
DEFAULT_N_BOOT = 2000
METHODS = ("calibrated", "cheng_hall", "table", "bootstrap")  # see dip_test
# Reference family for method="cheng_hall", indexed by the curvature ratio d = |f''(m)| / f(m)^3 at
# the mode, the one feature of a unimodal density the dip's null law depends on asymptotically
# (Cheng & Hall 1998, JRSS B 60:579-589): symmetric beta(a, a) for d < 2 pi (flatter than normal,
# d -> 0 at the uniform), Student t_nu for d >= 2 pi (normal at nu -> infinity, Cauchy at nu = 1).
# Tabulated on these parameter grids and inverted by interpolation.
_BETA_A = np.geomspace(1.02, 1e5, 600)
_T_NU = np.geomspace(1.0, 1e5, 600)


def _d_beta(a: np.ndarray) -> np.ndarray:
    log_c = gammaln(2 * a) - 2 * gammaln(a) - (2 * a - 1) * np.log(2.0)  # density at 0 on [-1, 1]
    return 2 * (a - 1) * np.exp(-2 * log_c)


def _d_t(nu: np.ndarray) -> np.ndarray:
    log_c = gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi)
    return (nu + 1) / nu * np.exp(-2 * log_c)


_D_BETA, _D_T = _d_beta(_BETA_A), _d_t(_T_NU)  # increasing in a; decreasing in nu
D_MIN, D_MAX = float(_D_BETA[0]), float(_D_T[0])  # d is clipped to the family's range


def reference_sample(d: float, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Samples from the reference unimodal density with curvature ratio d (see _BETA_A / _T_NU)."""
    d = float(np.clip(d, D_MIN, D_MAX))
    if d < 2 * np.pi:
        a = float(np.interp(np.log(d), np.log(_D_BETA), np.log(_BETA_A)))
        return 2.0 * rng.beta(np.exp(a), np.exp(a), size) - 1.0
    nu = float(np.exp(np.interp(np.log(d), np.log(_D_T[::-1]), np.log(_T_NU[::-1]))))
    return rng.standard_t(nu, size)


def curvature_ratio(x: np.ndarray, h_crit: float | None = None) -> float:
    """Estimated d = |f''(m)| / f(m)^3 at the mode m of the KDE at the one-mode critical bandwidth,
    f and f'' from a KDE at the normal-reference second-derivative bandwidth (as the excess-mass
    calibration estimates them)."""
    from gapstudy.stats.excess_mass import second_derivative_bandwidth  # noqa: PLC0415 - avoids a cycle
    from gapstudy.stats.silverman import _critical_bandwidth  # noqa: PLC0415

    x = np.sort(x)
    h = _critical_bandwidth(x, 1) if h_crit is None else h_crit
    modes, _ = kde.turning_points(x, h)
    m = np.array([modes[0]]) if modes.size else np.array([np.median(x)])
    h2 = second_derivative_bandwidth(x)
    f = kde.density(x, h2, m)[0]
    d2 = kde.second_derivative(x, h2, m)[0]
    return float(abs(d2) / f**3) if f > 0 else D_MAX


def reference_dips(d: float, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Dips of `size` samples of n from the reference density with curvature ratio d."""
    return sorted_dips(np.sort(reference_sample(d, (size, n), rng), axis=1))


def sorted_dips(rows: np.ndarray) -> np.ndarray:
    """Dip of each sorted row (the C code, one call per row)."""
    return np.array([diptest.dipstat(r, sort_x=False) for r in rows])


def dip(x: np.ndarray) -> float:
    """Hartigan's dip of x. It is never below 1/(2n) (Hartigan & Hartigan 1985), which R's diptest
    returns for all-tied data and n = 4; the `diptest` package returns 0 there, so we take the max."""
    x = np.sort(x)
    if x[0] == x[-1]:
        return 0.5 / x.size
    return max(float(diptest.dipstat(x, sort_x=False)), 0.5 / x.size)


@dataclass(frozen=True, eq=False)
class DipResult(Unpacks):
    """Dip test outcome (unpacks as (statistic, pvalue)); `raw_*` on the data as given, before any
    tie-breaking draw."""

    statistic: float
    pvalue: float
    raw_statistic: float
    raw_pvalue: float
    n: int
    method: str
    jitter: str
    curvature: float  # estimated d of the cheng_hall reference (nan for the other methods)
    null_distribution: np.ndarray | None


def dip_test(x, *, method: str = "calibrated", n_boot: int = DEFAULT_N_BOOT, jitter="auto", rng=None) -> DipResult:
    """Hartigan's dip test that the distribution of `x` is unimodal.

    method :
      "calibrated" (default): the null law of the dip is simulated (`n_boot` samples of n) from
          the data-like unimodal null of the excess-mass test (excess_mass.calibration_density, k = 1:
          the KDE at the one-mode critical bandwidth with the data's curvature at the mode, after
          Ameijeiras-Alonso et al. 2019). p = (1 + #{null >= d}) / (1 + n_boot). For one mode against
          more, the excess mass is twice the dip (Mueller & Sawitzki 1991), so this is the excess-mass
          test with k = 1 up to Monte Carlo draws: sizes 0.025-0.075 from n = 60 in the calibration
          table, where the beta / t reference below reached 0.12 under skewed nulls at n = 300.
          Below CALIBRATED_MIN_N = 10 points it uses the cheng_hall reference.
      "cheng_hall": the null simulated from the member of a beta / Student-t family with the
          curvature ratio |f''|/f^3 at the mode estimated from x (see curvature_ratio), the quantity
          the dip's null law depends on asymptotically (Cheng & Hall 1998); kept under its own name.
      "table": Hartigan's tabulated quantiles under the uniform (`diptest`, as R's `diptest`);
      "bootstrap": the uniform null simulated. The uniform is the least favourable unimodal case,
          so these two are valid but nearly powerless on bell-shaped data (size ~0.002 at 0.05).
    jitter : ties. "auto" (default): when x has tied values, ONE uniform draw of each value within
        its recording unit before testing (a randomised test); "log10": x are log10 of counts
        rounded to significant figures (model sizes: 7e9 -> [6.5e9, 7.5e9]); "decimal", a
        half-width, or None (as given: ties inflate the dip and its false rejections).
    The smallest possible dip, 1/(2n), gets p = 1 exactly; all-tied data have dip 1/(2n) (as R)."""
    x = _checks.sample(x, need=MIN_N)
    method = _checks.choice(method, name="method", allowed=METHODS)
    n_boot = _checks.positive_int(n_boot, name="n_boot")
    gen = _checks.generator(rng)
    n = x.size
    xs = np.sort(x)
    xj, label = jitter_once(xs, jitter, gen)
    xj = np.sort(xj)
    raw, stat = dip(xs), dip(xj)
    null, d = None, float("nan")
    if method in ("calibrated", "cheng_hall") and np.unique(xj).size < 2:
        null = np.full(n_boot, 0.5 / n)
    elif method == "calibrated" and n >= CALIBRATED_MIN_N:
        from gapstudy.stats.excess_mass import calibration_density  # noqa: PLC0415 - avoids a cycle

        null = np.sort(sorted_dips(np.sort(calibration_density(xj, 1).sample((n_boot, n), gen), axis=1)))
    elif method in ("calibrated", "cheng_hall"):
        d = curvature_ratio(xj)
        null = np.sort(reference_dips(d, n, n_boot, gen))
    elif method == "bootstrap":
        null = np.sort(sorted_dips(np.sort(gen.random((n_boot, n)), axis=1)))

    def pvalue(value: float, sample: np.ndarray) -> float:
        if value <= 0.5 / n + 1e-12:  # the minimum possible dip: no sample is less unimodal-looking
            return 1.0
        if null is None:
            return float(diptest.diptest(sample, sort_x=False)[1])
        ge = null.size - np.searchsorted(null, value - 1e-12, side="left")
        return float((1.0 + ge) / (1.0 + null.size))

    return DipResult(
        statistic=float(stat), pvalue=pvalue(stat, xj), raw_statistic=float(raw), raw_pvalue=pvalue(raw, xs), n=n,
        method=method, jitter=label, curvature=d, null_distribution=null,
    )
