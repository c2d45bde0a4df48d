"""gap_tests benchmark: wall time of the whole experiment on the bundled data from a cold and a warm
cache, and of gap_scan with 10,000 null replicates over >= 1,000 windows on n = 500.

Run: python benchmarks/bench_gap_tests.py [--skip-experiment]   (prints figures; nothing is asserted)
"""

from __future__ import annotations

import os

# one core for the numerical work, as in bench_stats.py
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

N_SCAN = 500  # sample size of the scan benchmark (the brief's figure)
SCAN_SIMS = 10_000  # null replicates of the scan (gap_scan's default)
SCAN_POINTS = 50  # 50 grid points -> 1,225 windows (>= the 1,000 the brief asks for)


def _experiment_times() -> tuple[float, float, dict]:
    from hydra import compose, initialize_config_module

    from gapstudy import schema
    from gapstudy.runner import execute

    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        cfg = compose(config_name="config", overrides=["experiment=gap_tests", "quiet=true"])
    with tempfile.TemporaryDirectory(prefix="gapstudy-bench-") as tmp:
        os.environ["GAPSTUDY_CACHE"] = str(Path(tmp) / "cache")  # a fresh, empty cache: cold
        t0 = time.perf_counter()
        doc = execute(cfg, Path(tmp) / "cold")
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        execute(cfg, Path(tmp) / "warm")  # a new folder, so only the cache can help
        warm = time.perf_counter() - t0
    return cold, warm, doc


def _scan_time() -> tuple[float, int, float]:
    from gapstudy import stats

    x = stats.sample_null("normal", N_SCAN, rng=np.random.default_rng(0), loc=10.0, scale=1.0)[0]
    grid = np.linspace(x.min(), x.max(), SCAN_POINTS)
    stats.gap_scan(x, grid=grid, n_sim=100, rng=np.random.default_rng(1))  # warm-up (imports)
    t0 = time.perf_counter()
    res = stats.gap_scan(x, grid=grid, n_sim=SCAN_SIMS, rng=np.random.default_rng(1))
    return time.perf_counter() - t0, len(res.windows), res.pvalue


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip-experiment", action="store_true", help="only time gap_scan")
    args = ap.parse_args()
    if not args.skip_experiment:
        cold, warm, doc = _experiment_times()
        sources = sorted({t.get("size_source", "-").split(":")[0] for t in doc["tests"].values()})
        print(f"gap_tests on the bundled data (n={doc['main_sample']['n']}), cold cache  {cold:8.2f} s")
        print(f"gap_tests on the bundled data, warm cache                {warm:8.2f} s   (sizes from: {', '.join(sources)})")
    dt, windows, p = _scan_time()
    print(f"gap_scan n={N_SCAN}, {SCAN_SIMS:,} null replicates, {windows:,} windows     {dt:8.2f} s   p={p:.4g}")


if __name__ == "__main__":
    main()
