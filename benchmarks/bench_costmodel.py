"""Cost-model benchmark: layouts evaluated per second on one core, a full regime sweep, peak memory.

Run: python benchmarks/bench_costmodel.py   (prints figures; nothing is asserted)
"""

from __future__ import annotations

import os

# one core: keep any BLAS/OpenMP pools to a single thread before numpy loads
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import resource  # noqa: E402
import time  # noqa: E402

from gapstudy.costmodel.hardware import get_hardware, load_catalogue  # noqa: E402
from gapstudy.costmodel.regimes import SIZES, _sweep_cached, regime_map  # noqa: E402
from gapstudy.costmodel.search import default_global_batch, enumerate_layouts, make_shape, scan_layouts  # noqa: E402


def main() -> None:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # pin to one core where supported
    except (AttributeError, OSError):
        pass
    hw = get_hardware("a100_80gb")
    shape = make_shape(1.75e11)
    batch = default_global_batch(shape.params)
    t0 = time.perf_counter()
    lay = enumerate_layouts(shape, batch, 16384)
    t_enum = time.perf_counter() - t0
    scan_layouts(shape, batch, lay, hw, steps=1.0)  # warm-up
    reps = 5
    t0 = time.perf_counter()
    for _ in range(reps):
        scan = scan_layouts(shape, batch, lay, hw, steps=1.0)
    t_kernel = (time.perf_counter() - t0) / reps
    print(f"175B on a100_80gb: {len(lay):,} layouts ({scan.valid:,} valid, {scan.fitting:,} fit)")
    print(f"  enumeration: {t_enum * 1e3:.1f} ms (cached afterwards)")
    print(f"  evaluation:  {t_kernel * 1e3:.1f} ms = {len(lay) / t_kernel:,.0f} layouts/s on one core")

    from gapstudy.costmodel import size_choice as sc

    a = sc.Assumptions()
    for year, chip in ((2020, "a100_40gb"), (2024, "h100")):
        sc._curve_for_size(11.24, year, chip, a)  # warm-up
        t0 = time.perf_counter()
        for _ in range(reps):
            full = sc._curve_for_size(11.24, year, chip, a)
        t_full = (time.perf_counter() - t0) / reps
        print(f"size-choice scan, 175B, {year} on {chip} (techniques of the year, overlap, deadline, GPU cap, critical batch,"
              f" failures, cheapest per adoption class, chunked enumeration included): {full['evaluated']:,} layouts, {full['evaluated'] / t_full:,.0f} layouts/s on one core")

    _sweep_cached.cache_clear()
    names = sorted(load_catalogue())
    t0 = time.perf_counter()
    maps = regime_map(names)
    t_sweep = time.perf_counter() - t0
    total = sum(s.evaluated for s in maps.values())
    print(f"regime sweep: {len(SIZES)} sizes x {len(names)} chips, {total:,} layouts in {t_sweep:.2f} s "
          f"({total / t_sweep:,.0f} layouts/s including enumeration and verification)")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS): {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()
