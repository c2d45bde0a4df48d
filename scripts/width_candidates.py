"""The round on the per-step cost of data parallelism: score each candidate structure on measurements.FIT_WIDTH only.

Each candidate is a set of gemm.Calibration fields (dp_overlap_rate, dp_hide_backward_only, dp_latency_log2_seconds,
dp_latency_linear_seconds, dp_bandwidth_fraction, step_fixed_seconds; their neutral values switch them off) fitted on a
grid by the smallest mean absolute error on FIT_WIDTH (InternLM 7B's ZeRO-1 rows + MegaScale's Megatron-LM baseline), with
a leave-one-source-out check (the constants fitted on one source, the other predicted). The fit set (33 rows) and
FIT_SHARDED are reported at each candidate's best constants, not fitted. Runs at the commit it is in:

    PYTHONPATH=src python scripts/width_candidates.py
"""

from __future__ import annotations

import itertools

import numpy as np

from gapstudy.costmodel import measurements as m
from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION
from gapstudy.costmodel.validation import error_summary, fit_rows, validate

NEUTRAL = dict(dp_overlap_rate=1.0, dp_hide_backward_only=False, dp_latency_log2_seconds=0.0,
               dp_latency_linear_seconds=0.0, dp_bandwidth_fraction=1.0, step_fixed_seconds=0.0)
GRIDS = {
    "dp_overlap_rate": tuple(round(0.01 * i, 2) for i in range(11)) + (0.2, 0.3, 0.5, 1.0),
    "dp_hide_backward_only": (True,),
    "dp_latency_log2_seconds": (0.0, 0.01, 0.02, 0.05, 0.1, 0.2),
    "dp_latency_linear_seconds": (0.0, 1e-4, 2e-4, 5e-4, 1e-3),
    "dp_bandwidth_fraction": (0.3, 0.5, 0.7, 0.85, 1.0),
    "step_fixed_seconds": (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5),
}
CANDIDATES = {
    "none (the model before the round)": (),
    "(1a) rate r: compute c hides at most r x c of pure data parallelism's stage 0-2 traffic": ("dp_overlap_rate",),
    "(1b) all-reduce hidden only behind the last backward pass": ("dp_hide_backward_only",),
    "(1a) + (1b)": ("dp_overlap_rate", "dp_hide_backward_only"),
    "(2) latency x log2(ranks) across nodes": ("dp_latency_log2_seconds",),
    "(2) latency x ranks across nodes": ("dp_latency_linear_seconds",),
    "(3) achievable fraction of the node network": ("dp_bandwidth_fraction",),
    "(4) fixed cost per step": ("step_fixed_seconds",),
    "(1a) + (3)": ("dp_overlap_rate", "dp_bandwidth_fraction"),
    "(1a) + (2 log2)": ("dp_overlap_rate", "dp_latency_log2_seconds"),
    "(1a) + (2 linear)": ("dp_overlap_rate", "dp_latency_linear_seconds"),
    "(1a) + (4)": ("dp_overlap_rate", "step_fixed_seconds"),
    "(1b) + (4)": ("dp_hide_backward_only", "step_fixed_seconds"),
    "(1a) + (2 log2) + (4)": ("dp_overlap_rate", "dp_latency_log2_seconds", "step_fixed_seconds"),
    "(1a) + (3) + (4)": ("dp_overlap_rate", "dp_bandwidth_fraction", "step_fixed_seconds"),
}
SOURCES = {"InternLM": m.HELD_OUT_7, "MegaScale": m.MEGASCALE_BASELINE}
# MegaScale's rows run without overlap, so they cannot fit (1a) / (1b): a second check splits InternLM's two tables
# (activation checkpointing on / off), each predicted with the constants fitted on the other table and MegaScale's rows
TABLES = {"AC on": tuple(r for r in m.HELD_OUT_7 if r.recompute == "full"),
          "AC off": tuple(r for r in m.HELD_OUT_7 if r.recompute == "none")}


def _mean(cal, rows):
    return error_summary(validate(cal, rows))["mean_abs_error"]


def fit(fields, rows):
    best = None
    for values in itertools.product(*(GRIDS[f] for f in fields)):
        cal = DEFAULT_CALIBRATION.replace(**{**NEUTRAL, **dict(zip(fields, values))})
        err = _mean(cal, rows)
        if best is None or err < best[0] - 1e-12:
            best = (err, cal, dict(zip(fields, values)))
    return best


def main() -> None:
    print("| candidate | best constants | FIT_WIDTH mean | max | InternLM | MegaScale | leave-one-source-out mean | "
          "leave-one-InternLM-table-out mean | fit 33 | FIT_SHARDED |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, fields in CANDIDATES.items():
        err, cal, values = fit(fields, m.FIT_WIDTH)
        s = error_summary(validate(cal, m.FIT_WIDTH))
        per = {k: _mean(cal, rows) for k, rows in SOURCES.items()}
        loso = []
        if fields:
            for k, rows in SOURCES.items():
                other = tuple(r for kk, rr in SOURCES.items() if kk != k for r in rr)
                loso += [r.error for r in validate(fit(fields, other)[1], rows)]
            loso_s = f"{100 * np.mean(np.abs(loso)):.1f}%"
            loto = []
            for k, rows in TABLES.items():
                other = tuple(r for kk, rr in TABLES.items() if kk != k for r in rr) + m.MEGASCALE_BASELINE
                loto += [r.error for r in validate(fit(fields, other)[1], rows)]
            loto_s = f"{100 * np.mean(np.abs(loto)):.1f}%"
        else:
            loso_s = loto_s = "-"
        print(f"| {name} | {values or '-'} | {100 * s['mean_abs_error']:.1f}% | {100 * s['max_abs_error']:.1f}% | "
              f"{100 * per['InternLM']:.1f}% | {100 * per['MegaScale']:.1f}% | {loso_s} | {loto_s} | "
              f"{100 * _mean(cal, fit_rows()):.1f}% | {100 * _mean(cal, m.FIT_SHARDED):.1f}% |", flush=True)


if __name__ == "__main__":
    main()
