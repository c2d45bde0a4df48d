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
    # the step model as wrong as on the held-out rows never used to fit (gemm.Calibration sensitivity fields; the
    # parallelism_cost README's "Validation by set": mean error 9-22% per clean set, signed error drifting +17 points
    # from 1B to 1T when these were set)
    "model-parallel steps 20% longer": {"calibration_changes": {"model_parallel_time_factor": 1.2}},
    "model-parallel steps 20% shorter": {"calibration_changes": {"model_parallel_time_factor": 0.8}},
    # the largest error between layout kinds of one stack on rows never used to fit (costmodel.source_level, with each
    # source's own level taken out): tensor-parallel layouts ~33 points slower than predicted against the same stack's
    # data-parallel ones (KempnerForge's Llama-3 8B on H200, TP 2 +33% vs FSDP 2 +0.4%; DLPerf's Megatron-LM on V100s, TP
    # within a node or pipelined up to +36% vs data parallelism +1..+9%)
    "model-parallel steps 35% longer": {"calibration_changes": {"model_parallel_time_factor": 1.35}},
    "model-parallel steps 35% shorter": {"calibration_changes": {"model_parallel_time_factor": 0.65}},
    "step error +20 points at 1T": {"calibration_changes": {"size_error_drift_points": 20.0}},
    "step error -20 points at 1T": {"calibration_changes": {"size_error_drift_points": -20.0}},
}


def variant_assumptions(base: sc.Assumptions, name: str) -> sc.Assumptions:
    """The run's assumptions with variant `name` applied on top (a variant's calibration_changes change the run's own
    calibration, field by field)."""
    changes = dict(VARIANTS[name])
    cal_changes = changes.pop("calibration_changes", None)
    if cal_changes:
        changes["calibration"] = base.calibration.replace(**cal_changes)
    return sc.Assumptions.make(base, **changes)


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
        a = variant_assumptions(base, name)
        for year in years:
            row = {"variant": name, "year": int(year), "hardware": a.chip(year),
                   "opening_cost": sc.smallest_opening_cost(int(year), assumptions=a)}
            for label, cost in costs.items():
                b = sc.band(int(year), cost, assumptions=a)
                row[f"band_{label}"] = None if b is None else list(b)
            rows.append(row)
    return rows
