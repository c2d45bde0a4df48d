"""Finite-sample lambda of Silverman's test by sample size, calibrated on unimodal shapes outside the calibration table.

Silverman's test as gapstudy runs it (modes counted on the central 90% of the sample, the smoothed
bootstrap of Silverman 1981 rescaled to the sample variance, the interval kept fixed for the
bootstrap samples) rejects when fewer than alpha (1 + B) - 1 of B bootstrap samples have a
critical bandwidth above lambda x h_crit. Hall & York's lambda (1.1294 at alpha = 0.05) is
asymptotic; at n = 60 the test's size with it runs from 0.037 (t6) to 0.10 (skew-normal(8)).

For each n and each of five unimodal shapes that the calibration table does NOT use
(skew-normal(2), skew-normal(8), log-gamma(2), Student t3, t6), this draws R samples, B smoothed
bootstrap samples of each and their critical bandwidths (gapstudy.stats.critical, bounds fixed to
the sample's central 90%), and for a grid of lambda the share of samples the test rejects at
alpha. The printed lambda(n, alpha) is where the rejection rate pooled over the five shapes
crosses alpha (linear interpolation on the grid); silverman.LAMBDA_TABLE holds the recorded run.

    python scripts/silverman_lambda.py                      # n = 30, 60, 120, 300; R = 400, B = 99 (~25 CPU-minutes)
    python scripts/silverman_lambda.py --n 30 --reps 100    # a quick look
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from gapstudy.stats import critical
from gapstudy.stats.silverman import CENTRAL
from gapstudy.stats.simulate import OFF_TABLE_SHAPES as SHAPES  # none of them is in the calibration table
from gapstudy.stats.simulate import sample_off_table as sample

ALPHAS = (0.01, 0.05, 0.10)
LAMBDAS = np.round(np.arange(1.0, 1.3001, 0.0025), 4)  # the grid searched (Hall & York's 1.1294 lies inside)
CHUNK = 200_000  # bootstrap values drawn per chunk of samples (bounds memory; part of the random stream's layout)


def ratios(shape: str, n: int, reps: int, boot: int) -> np.ndarray:
    """(reps, boot): each bootstrap sample's critical bandwidth over its sample's, modes on the sample's central 90%."""
    rng = np.random.default_rng(1000 + 7 * n + sum(map(ord, shape)))
    xs = sample(shape, n, reps, rng)
    q = np.quantile(xs, [(1 - CENTRAL) / 2, (1 + CENTRAL) / 2], axis=1)
    lo, hi = q[0], q[1]
    h = critical.critical_bandwidths(xs, bounds=(lo, hi))
    mean, var = xs.mean(axis=1), xs.var(axis=1)
    out = np.empty((reps, boot))
    step = max(1, CHUNK // (boot * n))
    for s in range(0, reps, step):
        sl = slice(s, min(reps, s + step))
        r = sl.stop - sl.start
        pick = rng.integers(0, n, size=(r, boot, n))
        d = np.take_along_axis(xs[sl, None, :], pick, axis=2) - mean[sl, None, None]
        d += h[sl, None, None] * rng.standard_normal(d.shape)
        draws = mean[sl, None, None] + d / np.sqrt(1 + h[sl] ** 2 / var[sl])[:, None, None]
        hb = critical.critical_bandwidths(draws.reshape(r * boot, n), bounds=(np.repeat(lo[sl], boot), np.repeat(hi[sl], boot)))
        out[sl] = hb.reshape(r, boot) / h[sl, None]
    return out


def rejection_rates(r: np.ndarray) -> dict[float, np.ndarray]:
    """For each alpha, the share of samples rejected at every lambda of LAMBDAS."""
    boot = r.shape[1]
    count = (r[:, :, None] > LAMBDAS[None, None, :]).sum(axis=1)
    p = (1 + count) / (1 + boot)
    return {a: (p <= a + 1e-9).mean(axis=0) for a in ALPHAS}


def crossing(rate: np.ndarray, alpha: float) -> float:
    """The lambda at which a rejection rate rising with lambda first reaches alpha (linear interpolation)."""
    above = np.flatnonzero(rate >= alpha)
    if above.size == 0:
        return float("inf")
    i = int(above[0])
    if i == 0:
        return float(LAMBDAS[0])
    x0, x1, y0, y1 = LAMBDAS[i - 1], LAMBDAS[i], rate[i - 1], rate[i]
    return float(x0 + (alpha - y0) * (x1 - x0) / (y1 - y0)) if y1 > y0 else float(x1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[30, 60, 120, 300])
    ap.add_argument("--reps", type=int, default=400)
    ap.add_argument("--boot", type=int, default=99)
    ap.add_argument("--json", help="also write every rejection-rate curve to this file")
    args = ap.parse_args(argv)
    curves = {}
    for n in args.n:
        pooled = {a: np.zeros(LAMBDAS.size) for a in ALPHAS}
        for shape in SHAPES:
            t0 = time.process_time()
            rates = rejection_rates(ratios(shape, n, args.reps, args.boot))
            curves[f"{shape}:{n}"] = {str(a): v.tolist() for a, v in rates.items()}
            for a in ALPHAS:
                pooled[a] += rates[a] / len(SHAPES)
            hy = int(np.argmin(np.abs(LAMBDAS - 1.1294)))
            print(f"n={n:4d} {shape}: rejection rate at alpha 0.05 with lambda 1.1294: {rates[0.05][hy]:.3f} "
                  f"({time.process_time() - t0:.0f} CPU s)", file=sys.stderr, flush=True)
        lams = {a: crossing(pooled[a], a) for a in ALPHAS}
        print(f"n = {n}: lambda " + ", ".join(f"{lams[a]:.4f} at alpha {a}" for a in ALPHAS), flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"lambdas": LAMBDAS.tolist(), "shapes": SHAPES, "reps": args.reps, "boot": args.boot,
                       "rates": curves}, fh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
