"""How much each assumption moves the band: variants applied on top of the run's own assumptions."""

from __future__ import annotations

import math

from gapstudy.costmodel import size_choice as sc

# Each variant changes one assumption of whatever the run assumes (so overrides carry through).
VARIANTS: dict[str, dict] = {
    "baseline": {},
    "no deadline": {"max_days": None},
    "30-day deadline": {"max_days": 30.0},
    "180-day deadline": {"max_days": 180.0},
    "5 runs per lab": {"runs_per_lab": 5.0},
    "no lab spread": {"lab_spread_dex": 0.0},
    "18 bytes/param": {"bytes_per_param": 18.0},
    "techniques one year late": {"technique_lag": 1.0},
    "no critical batch": {"critical_batch": False},
    "no failures": {"failure_overhead_per_gpu": 0.0},
}


def range_costs() -> dict[str, float]:
    """Low, geometric middle and high of the sourced adoption-cost range."""
    low, high = sc.ADOPTION_COST_RANGE_USD
    return {"low": low, "mid": math.sqrt(low * high), "high": high}


def sensitivity(base: sc.Assumptions, years, names=None) -> list[dict]:
    """One row per (variant, year): smallest cost that opens a band and the band across the sourced range."""
    names = list(VARIANTS) if names is None else list(names)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        from gapstudy.errors import GapstudyError

        raise GapstudyError(f"unknown sensitivity variant(s) {unknown}; choose from {list(VARIANTS)}")
    costs = range_costs()
    rows = []
    for name in names:
        a = sc.Assumptions.make(base, **VARIANTS[name])
        for year in years:
            row = {"variant": name, "year": int(year), "hardware": a.chip(year),
                   "opening_cost": sc.smallest_opening_cost(int(year), assumptions=a)}
            for label, cost in costs.items():
                b = sc.band(int(year), cost, assumptions=a)
                row[f"band_{label}"] = None if b is None else list(b)
            rows.append(row)
    return rows
