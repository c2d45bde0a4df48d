"""Worlds per second and peak memory of the competition simulation (prints figures, asserts nothing)."""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from gapstudy.competition import CompetitionParams, simulate
from gapstudy.competition.summaries import simulate_histograms


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--worlds", type=int, default=10_000)
    ap.add_argument("--labs", type=int, default=50)
    ap.add_argument("--end", type=float, default=2027.0, help="2027.0 = 120 months from 2017-01")
    ap.add_argument("--chunk", type=int, default=1000, help="worlds per streamed chunk (bounds memory)")
    ap.add_argument("--cost", default="simple", choices=["simple", "costmodel"])
    args = ap.parse_args()
    p = CompetitionParams(n_labs=args.labs, end=args.end, cost=args.cost)
    simulate(p, n_worlds=2, seed=0)  # warm-up (imports, cost-model grids)
    base = peak_rss_mb()
    t0 = time.perf_counter()
    h = simulate_histograms(p, n_worlds=args.worlds, seed=1, chunk_worlds=args.chunk)
    dt = time.perf_counter() - t0
    releases = int(h.counts.sum())
    months = int(round((args.end - 2017.0) * 12))
    print(f"competition: {args.worlds} worlds x {args.labs} labs x {months} months, cost={args.cost}")
    print(f"  releases simulated : {releases:,} ({releases / args.worlds:.0f} per world)")
    print(f"  wall time          : {dt:.2f} s (one core)")
    print(f"  worlds per second  : {args.worlds / dt:,.0f}")
    print(f"  releases per second: {releases / dt:,.0f}")
    print(f"  peak memory        : {peak_rss_mb():.0f} MB (process; {base:.0f} MB before the run)")
    share = h.bands[:, 3:6, 1].sum() / max(h.bands[:, 3:6, :].sum(), 1)
    print(f"  check: share of 2020-2022 releases in 20-70B = {share:.3f}; mean per year = "
          f"{np.round(h.bands.sum(axis=2).mean(axis=0)).astype(int).tolist()}")


if __name__ == "__main__":
    main()
