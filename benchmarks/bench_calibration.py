"""Calibration benchmark: CPU and wall time per refitted bootstrap replicate of the deficit test and
the window scan (the costliest inner loops of the calibration grid), per test on one calibration
cell, and optionally the whole grid (36 cells x 7 tests).

Run: nice python benchmarks/bench_calibration.py [--cell-replicates 200] [--grid REPLICATES]
(prints figures; nothing is asserted). The machine may be shared: CPU seconds are the figure that
does not depend on what else runs; wall seconds are what a user waits.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

WINDOW = (20e9, 70e9)  # the paper's window, as the calibration uses
SCAN_POINTS = 60  # gap_tests.scan_points' default: 1,770 windows
REFITS = 5_000  # bootstrap replicates timed per (test, n)


def _timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def per_replicate() -> None:
    from gapstudy.stats import deficit, sample_null, scan

    a, b = np.log10(WINDOW[0]), np.log10(WINDOW[1])
    print(f"time per refitted bootstrap replicate ({REFITS:,} replicates, KDE null refitted, one core)")
    for n in (60, 120, 300):
        x = np.sort(sample_null("normal", n, size=1, rng=np.random.default_rng(0), loc=10.0), axis=1)
        _, _, _, p = deficit.window_stats(x, a, b, "kde")
        _, c, w = _timed(lambda: deficit.bootstrap_midp(x, p, a, b, "kde", REFITS, np.random.default_rng(1)))
        print(f"  deficit_test  n={n:<4d} {1e6 * c / REFITS:8.1f} us CPU  {1e6 * w / REFITS:8.1f} us wall")
        _, p2, _ = scan.scan_stats(x, "kde", SCAN_POINTS, None, exact=True)
        _, c, w = _timed(lambda: scan.bootstrap_max_llr(x, p2, "kde", SCAN_POINTS, None, REFITS, np.random.default_rng(2)))
        print(f"  gap_scan      n={n:<4d} {1e6 * c / REFITS:8.1f} us CPU  {1e6 * w / REFITS:8.1f} us wall  "
              f"({SCAN_POINTS * (SCAN_POINTS - 1) // 2:,} windows)")


def one_cell(reps: int, n: int) -> None:
    from gapstudy.stats import calibrate, sample_null

    xs = sample_null("normal", n, size=reps, rng=np.random.default_rng(3), loc=10.0, round_sig=2)
    # as the grid runs them: the mixture by the warp-speed method, mixture_hv's sizes by the full test
    opts = {"lower": WINDOW[0], "upper": WINDOW[1], "scan_points": SCAN_POINTS, "inner_boot": calibrate.INNER_B,
            "mixture_warp": True}
    print(f"\none calibration cell (normal rounded, n={n}, {reps} replicates, B={calibrate.INNER_B}):")
    for t in calibrate.TESTS:
        _, c, w = _timed(lambda t=t: calibrate.rejections(xs, [t], alpha=0.05, opts=opts,
                                                         rng_for_test=lambda name: np.random.default_rng(len(name))))
        print(f"  {t:22s} {c:7.2f} s CPU {w:7.2f} s wall")


def grid(reps: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gapstudy-bench-cal-") as tmp:
        env = {**os.environ, "GAPSTUDY_CACHE": os.path.join(tmp, "cache")}  # cold cache
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gapstudy", "experiment=calibration", f"calibration.replicates={reps}",
                        "calibration.workers=2", "quiet=true", f"hydra.run.dir={tmp}/run"], check=True, env=env)
        print(f"\nwhole calibration grid (36 cells x 7 tests x {reps} replicates, 2 workers, cold cache): "
              f"{time.perf_counter() - t0:.0f} s wall")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cell-replicates", type=int, default=200, help="replicates of the one-cell timing (0: skip)")
    ap.add_argument("--cell-n", type=int, default=120)
    ap.add_argument("--grid", type=int, default=0, help="also time the whole grid with this many replicates per cell")
    args = ap.parse_args()
    per_replicate()
    if args.cell_replicates:
        one_cell(args.cell_replicates, args.cell_n)
    if args.grid:
        grid(args.grid)


if __name__ == "__main__":
    main()
