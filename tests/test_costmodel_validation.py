"""The cost model against published measurements: fitted on one set, judged on a held-out set, and the ZeRO example."""

from __future__ import annotations

import numpy as np
import pytest

from gapstudy.costmodel import measurements, state_threshold
from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION
from gapstudy.costmodel.memory import model_state_bytes
from gapstudy.costmodel.validation import (NARAYANAN_TABLE1, error_summary, fit_calibration, fit_rows, held_out,
                                           leave_one_out, validate)


def test_fit_set_rows_within_tolerance():
    rows = validate(rows=fit_rows())
    assert len(rows) == 18  # Narayanan 2021 Table 1 (10) + Korthikanti 2022 Table 5 (8)
    summary = error_summary(rows)
    assert summary["mean_abs_error"] <= 0.05, summary
    assert summary["max_abs_error"] <= 0.10, summary
    for row, ref in zip(rows, NARAYANAN_TABLE1):
        assert row.data == ref[6] // (ref[4] * ref[5])  # d = GPUs / (t p), as the table implies


def test_held_out_is_disjoint_cited_and_reported():
    fit = {(r.source, r.label) for r in measurements.FIT + measurements.FIT_2022}
    out = measurements.HELD_OUT
    assert not fit & {(r.source, r.label) for r in out}
    assert len({r.source for r in out}) >= 3 and len({r.chip for r in out}) >= 2
    assert all(r.source and r.value > 0 for r in out)
    rows = held_out()
    s = error_summary(rows)
    # The honest figure (validation.md / the experiment report it): the goal is mean <= 5%, max <= 10%.
    # This test pins what the shipped constants reach so a regression shows; it is not the goal.
    assert s["rows"] == len(out)
    # With the papers' rebalanced pipelines (BLOOM, Llama 3: one layer fewer on the end stages) the
    # level is mean 5.9%, max 18.9% (GPT-NeoX-20B, unexplained); before that fix, 10.6% / 18.9%.
    assert s["mean_abs_error"] <= 0.07 and s["max_abs_error"] <= 0.20, s
    llama = [r for r in rows if r.chip == "h100"]
    assert llama and all(abs(r.error) <= 0.05 for r in llama)  # H100 MFU was 27-42% too low before overlap
    bloom = [r for r in rows if r.label == "BLOOM-176B"]
    assert bloom and abs(bloom[0].error) <= 0.05  # -11.7% when the last stage was timed with 6 blocks + logits


def test_rebalanced_last_stage_times_the_slowest_stage():
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.step import evaluate
    kw = dict(layers=72, hidden=14336, heads=112, seq_len=2048, vocab=250880, global_batch=2048, micro_batch=2,
              tensor=4, pipeline=12, data=8, zero_stage=1, recompute=2, sequence_parallel=False, interleave=1,
              hardware=get_hardware("a100_80gb"))
    base = evaluate(**kw)["compute_time"]
    same = evaluate(**kw, last_stage_layers=6)["compute_time"]  # L/p on the last stage: the default layout
    assert np.allclose(base, same)
    fewer = evaluate(**kw, last_stage_layers=5)["compute_time"]
    middle = evaluate(**{**kw, "vocab": 1}, last_stage_layers=0)["compute_time"]  # ~6 blocks, no logits
    assert np.all(fewer < base) and np.all(fewer >= 0.99 * middle)  # one block less, never below a middle stage
    # a tiny vocabulary: the middle stages (6 blocks) become the slowest, the logits drop out of the time
    tiny = evaluate(**{**kw, "vocab": 8}, last_stage_layers=5)["compute_time"]
    assert np.allclose(tiny, evaluate(**{**kw, "vocab": 8}, last_stage_layers=0)["compute_time"])


def test_defaults_are_the_grid_fit():
    # the shipped constants are exactly what the documented fit on the fit set returns
    assert fit_calibration() == DEFAULT_CALIBRATION


def test_software_era_matters_on_the_same_cluster():
    # Korthikanti et al. 2022 run the same model per pipeline ~7% faster than Narayanan et al. 2021
    assert DEFAULT_CALIBRATION.max_efficiency(2022) > DEFAULT_CALIBRATION.max_efficiency(2021)


@pytest.mark.slow
def test_leave_one_out_errors_stay_small():
    grid = {"gemm_max_efficiency": (0.60, 0.62, 0.64, 0.66), "gemm_size_scale": (0.2, 0.3, 0.5),
            "elementwise_passes": (0.75, 1.0, 1.25)}
    errs = np.abs(leave_one_out(grid))
    assert errs.mean() <= 0.06 and errs.max() <= 0.10, errs


@pytest.mark.parametrize("stage,expected_gb", [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)])
def test_zero_paper_worked_example(stage, expected_gb):
    # Rajbhandari et al. (2020) Figure 1: 7.5B parameters, 64-way data parallel, K = 12
    got = model_state_bytes(7.5e9, 64, stage, 16.0) / 1e9
    assert got == pytest.approx(expected_gb, abs=0.05)


def test_node_state_threshold_moves_with_memory_and_zero():
    assert state_threshold("a100_40gb") == pytest.approx(20e9)
    assert state_threshold("a100_80gb") == pytest.approx(40e9)
    assert state_threshold("h100") == pytest.approx(40e9)
    assert state_threshold("v100_32gb") == pytest.approx(16e9)
    assert state_threshold("h200") > 40e9
    # ZeRO-1 across many replicas leaves 4 bytes/param per node: 4x the threshold
    assert state_threshold("a100_40gb", zero_stage=1, data=1e9) == pytest.approx(80e9, rel=1e-6)
    assert state_threshold("a100_40gb", zero_stage=2, data=1e9) == pytest.approx(160e9, rel=1e-6)
    assert state_threshold("a100_40gb", zero_stage=1, data=8) == pytest.approx(320e9 / 5.5)
    assert state_threshold("a100_40gb", zero_stage=3, data=1e9) > 1e15
    # Megatron as run keeps 18 bytes/param
    assert state_threshold("a100_40gb", bytes_per_param=18) == pytest.approx(320e9 / 18)
