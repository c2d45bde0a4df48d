"""Fit times of H2 as a likelihood model: one fit on the bundled data, and fit_many vs one fit per dataset (prints figures)."""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from gapstudy import hypotheses as H
from gapstudy.data import Selection, load_dataset
from gapstudy.growth import decimal_year
from gapstudy.hypotheses.frontier import frontier_from_table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--datasets", type=int, default=20, help="synthetic datasets for fit_many")
    args = ap.parse_args()
    full = load_dataset("registry", None, Selection(domains=["Language"])).table
    sel = load_dataset("registry", None, Selection(domains=["Language"], start="2020-01-01")).table
    t = decimal_year(sel["date"])
    y = np.log10(sel["parameters"].to_numpy(float))
    fr = frontier_from_table(full)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    h = H.create("H2", frontier=fr).fit(t, y, rng=rng)
    one = time.perf_counter() - t0
    print(f"H2 on the bundled registry (language since 2020, n={t.size}, lag grid of 13): {one:.2f} s per fit, "
          f"load average {os.getloadavg()[0]:.1f}")
    Y = np.stack([h.sample(t, rng) for _ in range(args.datasets)])
    t0 = time.perf_counter()
    H.create("H2", frontier=fr).fit_many(t, Y, rng=rng)
    many = time.perf_counter() - t0
    k = min(5, args.datasets)
    t0 = time.perf_counter()
    for row in Y[:k]:
        H.create("H2", frontier=fr).fit(t, row, rng=rng)
    loop = (time.perf_counter() - t0) / k
    print(f"fit_many on {args.datasets} simulated datasets: {many:.2f} s ({many / args.datasets:.2f} s each); "
          f"one fit per dataset: {loop:.2f} s each")


if __name__ == "__main__":
    main()
