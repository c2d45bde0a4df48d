"""Size of the default mixture test (two normals against a skew-t) under unimodal nulls outside the skew-t family, and power.

The calibration grid's nulls (normal, skew-normal, t4) are all skew-t members, where the test's
parametric bootstrap is nearly exact; this script measures it where it is not: log-gamma(2)
(skewed, a log of a gamma, as sizes are logs), beta(2, 5) (bounded, light tails), and a unimodal
normal mixture 0.75 N(0, 1) + 0.25 N(1.5, 1) (a shoulder), plus two gapped alternatives. Each
cell: REPLICATES samples, the warp-speed estimate the grid uses (gapstudy.stats.calibrate.mixture_rejects).

Run: python scripts/mixture_robustness.py [--replicates 1000] [--sizes 30 60 120 300]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gapstudy.stats import calibrate
from gapstudy.stats.simulate import _wilson

SEED = 20261206  # fixed so that the figures in the calibration README reproduce


def _draw(shape: str, n: int, r: int, rng: np.random.Generator) -> np.ndarray:
    if shape == "log-gamma(2)":
        return np.log(rng.gamma(2.0, size=(r, n)))
    if shape == "beta(2, 5)":
        return rng.beta(2.0, 5.0, size=(r, n))
    if shape == "unimodal 0.75 N(0,1) + 0.25 N(1.5,1)":  # separation 1.5 sd < 2: one mode (Behboodian 1970)
        return np.where(rng.random((r, n)) < 0.75, 0.0, 1.5) + rng.standard_normal((r, n))
    if shape == "two groups 0.8 N(0,1) + 0.2 N(3.5,0.7)":
        return np.where(rng.random((r, n)) < 0.8, rng.normal(0.0, 1.0, (r, n)), rng.normal(3.5, 0.7, (r, n)))
    raise ValueError(shape)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[30, 60, 120, 300])
    a = ap.parse_args()
    shapes = ["log-gamma(2)", "beta(2, 5)", "unimodal 0.75 N(0,1) + 0.25 N(1.5,1)", "two groups 0.8 N(0,1) + 0.2 N(3.5,0.7)"]
    print("| shape | " + " | ".join(f"n={n}" for n in a.sizes) + " |")
    print("|---|" + "---|" * len(a.sizes))
    t0 = time.perf_counter()
    for k, shape in enumerate(shapes):
        cells = []
        for n in a.sizes:
            rng = np.random.default_rng([SEED, k, n])
            rej = calibrate.mixture_rejects(_draw(shape, n, a.replicates, rng), alpha=0.05, rng=rng, warp=True)
            lo, hi = _wilson(int(rej.sum()), rej.size)
            cells.append(f"{rej.mean():.3f} [{lo:.3f}, {hi:.3f}]")
        print(f"| {shape} | " + " | ".join(cells) + " |", flush=True)
    print(f"({time.perf_counter() - t0:.0f} s; rejection rate at alpha = 0.05 with Wilson 95% intervals)")


if __name__ == "__main__":
    main()
