"""Statistics benchmark: wall time of gap_scan (10,000 null replicates, >= 1,000 windows, n = 500)
and of every test on n = 500, on one core, with peak traced memory per call.

Run: python benchmarks/bench_stats.py   (prints figures; nothing is asserted)
"""

from __future__ import annotations

import os

# one core: keep any BLAS/OpenMP pools to a single thread before numpy loads
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

from gapstudy import stats  # noqa: E402

N = 500


def _measure(label: str, fn, repeats: int = 1) -> None:
    fn()  # warm-up (imports, caches)
    tracemalloc.start()
    t0 = time.perf_counter()
    for _ in range(repeats):
        out = fn()
    dt = (time.perf_counter() - t0) / repeats
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    extra = ""
    if hasattr(out, "pvalue"):
        extra = f"  p={out.pvalue:.4g}"
    print(f"{label:<58s} {dt:8.3f} s   peak {peak / 2**20:7.1f} MiB{extra}")


def main() -> None:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # pin to one core where supported
    except (AttributeError, OSError):
        pass
    rng = np.random.default_rng(2022)
    x = stats.sample_null("skewnormal", N, rng=rng, loc=9.5, scale=1.0)[0]
    windows = stats.gap_scan(x, n_sim=1, rng=rng).windows.shape[0]
    print(f"n = {N} log10 sizes (skew-normal), one core; gap_scan grid: {windows} windows\n")
    for null in ("normal", "kde"):
        _measure(f"gap_scan, 10,000 null replicates, null={null}",
                 lambda null=null: stats.gap_scan(x, n_sim=10_000, null=null, rng=np.random.default_rng(1)), repeats=3)
    _measure("deficit_test, 10,000 draws, null=kde", lambda: stats.deficit_test(x, 20e9, 70e9, n_sim=10_000, rng=np.random.default_rng(1)))
    _measure("dip_test, table, 50 jitter draws", lambda: stats.dip_test(x, rng=np.random.default_rng(1)))
    _measure("dip_test, bootstrap 2,000, 50 jitter draws", lambda: stats.dip_test(x, method="bootstrap", rng=np.random.default_rng(1)))
    _measure("critical_bandwidth, k=1", lambda: stats.critical_bandwidth(x))
    _measure("silverman_test, Hall-York, 1,000 bootstrap", lambda: stats.silverman_test(x, rng=np.random.default_rng(1)))
    _measure("excess_mass_test, k=1, 1,000 bootstrap", lambda: stats.excess_mass_test(x, rng=np.random.default_rng(1)))
    _measure("excess_mass_test, k=2, 200 bootstrap", lambda: stats.excess_mass_test(x, k=2, n_boot=200, rng=np.random.default_rng(1)))
    _measure("mixture_test, 500 parametric bootstrap", lambda: stats.mixture_test(x, rng=np.random.default_rng(1)))
    _measure("kde_trough, 4 rules, 1,000 bootstrap", lambda: stats.kde_trough(x, rng=np.random.default_rng(1)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak resident memory: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
