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
    # Narayanan 2021 Table 1 (10) + Korthikanti 2022 Table 5 (8) + Dao 2023 Table 1 (4) + GLM-130B's speed test (2)
    # + Nemotron-4 340B and 15B batch-ramp stages on H100 (3 + 3) + FlagPerf's Llama 3 8B / 70B on H100 (3)
    assert len(rows) == 33
    summary = error_summary(rows)
    assert summary["mean_abs_error"] <= 0.05, summary
    assert summary["max_abs_error"] <= 0.10, summary
    for row, ref in zip(rows, NARAYANAN_TABLE1):
        assert row.data == ref[6] // (ref[4] * ref[5])  # d = GPUs / (t p), as the table implies


def test_held_out_is_disjoint_cited_and_reported():
    fit = {(r.source, r.label) for r in fit_rows()}
    out = measurements.HELD_OUT
    assert not fit & {(r.source, r.label) for r in out}
    assert {r.source for r in fit_rows()}.isdisjoint({r.source for r in out})
    assert len({r.source for r in out}) >= 5 and len({r.chip for r in out}) >= 3
    assert all(r.source and r.value > 0 for r in out)
    rows = held_out()
    s = error_summary(rows)
    # The honest figure (the experiment reports it): the goal is mean <= 5%, max <= 10%, not met.
    # This pins what the shipped constants reach, from both sides, so a regression or a silent change
    # shows (an improvement should update this test and the README's caveat).
    assert s["rows"] == len(out) == 12
    # With DeepSpeed's pipeline-engine cost fitted on GLM-130B's speed test (3.0 ns per parameter held by a GPU,
    # gemm.Calibration deepspeed_step_seconds_per_param; held out evaluated once with it, commit 533153f):
    # BLOOM -7.9%, GPT-NeoX-20B -9.9% (its own FLOP count), Llama 3 +1.7% / +1.0%, MT-NLG 530B +3.1% / +2.0% /
    # +2.9%, Pythia 1B / 1.4B / 2.8B / 6.9B / 12B -61% / -58% / -57% / -60% / -52%: mean 26.4%, max 61.2%.
    # The per-parameter scaling, an assumption one GLM layout could not test, is wrong for GPT-NeoX's pure
    # data-parallel Pythia runs (3-9 s a step they do not show). Before (no engine cost): mean 10.5%, max 19.8%,
    # every row too fast (BLOOM +4.8%, NeoX +7.8%, MT-NLG +15..+20%, Pythia +2..+20%).
    # With the H100's own e_max (0.57, fitted on Nemotron-4 340B in commit 8f8afba, held out evaluated once with it) Llama 3's
    # two rows move from +1.7% / +1.0% to -18.9% / -19.4% (the model now too slow there): mean 29.4%, max 61.2%.
    # Evaluated once with the model of commit 6db8f05 (H100 e_max 0.58 and the 2023+ data-parallel overlap 0.25, fitted on the six
    # Nemotron-4 H100 rows): Llama 3 -18.6% / -20.1%, every other row unchanged: mean 29.4%, max 61.2%, drift +67.5.
    # The engine round (DeepSpeed's engine cost only with pipelining, decided on the Pythia rows, which are fit side since:
    # measurements.FIT_PYTHIA): Pythia +2.1..+19.6%, every other row unchanged: mean 10.4%, max 20.1%, drift -20.6. The
    # model before it (the cost at every depth) reproduces the earlier figures:
    before = validate(DEFAULT_CALIBRATION.replace(deepspeed_engine_pipelined_only=False), out)
    b = error_summary(before)
    assert 0.27 <= b["mean_abs_error"] <= 0.32 and 0.55 <= b["max_abs_error"] <= 0.66, b
    assert all(-0.66 <= r.error <= -0.45 for r in before if r.label.startswith("Pythia"))
    assert 0.09 <= s["mean_abs_error"] <= 0.12 and 0.19 <= s["max_abs_error"] <= 0.21, s
    by = {r.label: r for r in rows}
    llama = [r for r in rows if r.chip == "h100"]
    assert len(llama) == 2 and all(-0.23 <= r.error <= -0.16 for r in llama), [r.error for r in llama]
    assert -0.12 <= by["BLOOM-176B"].error <= -0.04  # -11.7% when the last stage was timed with 6 blocks + logits
    assert -0.14 <= by["GPT-NeoX-20B"].error <= -0.06
    # MT-NLG: the published times fall as 378/d + 12.7 s; with the engine's fixed cost the model's intercept is no
    # longer ~6 s short (it was +15..+20% too fast)
    mt = sorted((r for r in rows if r.label.startswith("MT-NLG")), key=lambda r: r.data)
    assert [r.data for r in mt] == [8, 10, 12]
    assert all(abs(r.error) <= 0.05 for r in mt), [r.error for r in mt]
    # Pythia (pipe-parallel-size 1, 64-way data parallelism): no engine cost at one stage since the engine round; too fast
    # by 2-20%, as a wall-clock step (checkpoints, evaluation, restarts included) should be
    py = {r.label: r.error for r in rows if r.label.startswith("Pythia")}
    assert sorted(py) == sorted(f"Pythia-{n}" for n in ("1B", "1.4B", "2.8B", "6.9B", "12B"))
    assert all(0.0 <= e <= 0.22 for e in py.values()), py


def test_size_drift_is_reported_per_set():
    fit, out = error_summary(validate(rows=fit_rows())), error_summary(held_out())
    # fit set: -0.5 points from 1B to 1T (24 rows; -2.5 on the 18 Megatron rows before the Dao 2023 FlashAttention
    # rows at 1.3B-2.7B, errors -2.2..+1.0%; the GLM-130B rows -0.4% / +0.8%; 25 rows with Nemotron-4 340B: -0.5);
    # held out (1.01B-530B): +76.8 with the DeepSpeed engine cost per parameter held (Pythia 1B-12B 52-61% too slow,
    # MT-NLG within 3%), +67.6 once the H100 e_max moved Llama 3 (405B) to -19%; it was +0.1 without the engine
    # cost. Before step.ring_bandwidth: fit -5.0, held out +28.1. Commit 6db8f05 (30 fit rows with the Nemotron-4 340B / 15B
    # stages, H100 e_max 0.58, data-parallel overlap 0.25): fit -1.1, held out +67.5
    assert -2.5 <= fit["size_drift_points"] <= 1.5, fit
    # the engine round (Pythia, the small held-out rows, no longer 52-61% too slow): held out -20.6
    assert -25.0 <= out["size_drift_points"] <= -15.0, out
    sizes = [r.params_b for r in held_out()]
    assert min(sizes) < 1.5 and max(sizes) > 500  # the held-out drift spans ~1B to 530B


def test_size_drift_is_the_slope_over_three_decades():
    from gapstudy.costmodel.validation import ValidationRow, size_drift

    def row(n_b, err):
        return ValidationRow("s", f"{n_b}", "c", n_b, 1, 1, 1, 1, 1, "full", "tflops", 100.0, 100.0 * (1.0 + err))

    # +2 points per decade of size: +6 points from 1B to 1T, whatever the intercept
    assert size_drift([row(1.0, 0.01), row(10.0, 0.03), row(100.0, 0.05)]) == pytest.approx(6.0)
    assert size_drift([row(1.0, 0.5), row(1000.0, 0.5)]) == pytest.approx(0.0, abs=1e-9)
    assert size_drift([row(20.0, 0.1), row(20.0, -0.1)]) == 0.0  # one size: no slope


def test_neox_row_is_compared_in_its_own_flop_count():
    import dataclasses

    from gapstudy.costmodel.step import _hardware_flops
    from gapstudy.costmodel.validation import neox_2021_flops, predict
    run = next(r for r in measurements.HELD_OUT if r.label == "GPT-NeoX-20B")
    assert run.metric == "tflops_neox2021" and run.value == 117.0
    gpus = run.tensor * run.pipeline * run.data
    # GPT-NeoX's 2021 count, B s (6 N + 60 s h L): 117 TFLOP/s on 96 GPUs is 43.85 s a step, as
    # 150,000 steps in 1,830 hours (43.92 s) say independently
    step = neox_2021_flops(run) / (gpus * 117e12)
    assert step == pytest.approx(1830 * 3600 / 150_000, rel=0.005)
    # the same run in the Megatron count (recomputation counted): 8.7% more FLOPs, 117 -> 127 TFLOP/s
    mega = float(_hardware_flops(run.global_batch, run.seq_len, run.layers, run.hidden, run.vocab, 2))
    assert mega / neox_2021_flops(run) == pytest.approx(1.0869, abs=5e-4)
    own, megatron = predict(run), predict(dataclasses.replace(run, metric="tflops"))
    assert own.micro_batch == megatron.micro_batch
    assert megatron.predicted / own.predicted == pytest.approx(mega / neox_2021_flops(run), rel=1e-9)


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


def test_flash_attention_rows_pin_the_kernel_speed():
    import dataclasses

    from gapstudy.costmodel.validation import FLASH_GRID
    runs = measurements.FIT_FLASH
    # Dao 2023 Table 1, FlashAttention column: GPT3-1.3B / 2.7B at 2k / 8k on one node of 8 A100-80GB, d = 8,
    # 1M tokens a step, as MFU of the 312 TFLOP/s peak
    assert [round(r.value * 312.0) for r in runs] == [189, 170, 189, 175]
    assert all(r.flash_attention and r.tensor * r.pipeline * r.data == 8 and r.data == 8 for r in runs)
    assert all(r.global_batch * r.seq_len == 2**20 for r in runs)
    assert {r.source for r in runs}.isdisjoint({r.source for r in measurements.HELD_OUT})
    # identified from both sides: the fitted speed (1.00) is a strict minimum of the mean error on the grid, and
    # the 8k rows (attention ~40% of the FLOPs) move most: a kernel 20% slower or faster is off by > 4% on average
    score = {f: error_summary(validate(DEFAULT_CALIBRATION.replace(flash_attention_efficiency=f), runs))["mean_abs_error"]
             for f in FLASH_GRID}
    assert min(score, key=score.get) == DEFAULT_CALIBRATION.flash_attention_efficiency == 1.0
    assert score[1.0] <= 0.02 and score[0.8] > 0.06 and score[1.2] > 0.04, score
    rows = validate(rows=runs)
    assert all(abs(r.error) <= 0.03 for r in rows), [(r.label, r.error) for r in rows]
    # the kernel speed changes only rows with FlashAttention
    fast = DEFAULT_CALIBRATION.replace(flash_attention_efficiency=1.3)
    plain = dataclasses.replace(runs[1], flash_attention=False, recompute="full")
    assert validate(fast, [plain])[0].predicted == validate(rows=[plain])[0].predicted
    assert validate(fast, [runs[1]])[0].predicted > rows[1].predicted


def test_flash_attention_baselines_are_reported_not_fitted():
    # The same table without FlashAttention: plain PyTorch attention (separate score, mask, softmax, dropout
    # kernels), which the model does not describe (its score traffic is fitted on Megatron's fused softmax).
    # The model is too fast on every row, most at 8k where the s^2 scores dominate: 1.3B 2k +12.0%, 8k +24.6%,
    # 2.7B 2k +12.0%, 8k +18.6%. They are not in the fit (an attention implementation no held-out run used).
    runs = measurements.FLASH_BASELINES
    assert [round(r.value * 312.0) for r in runs] == [142, 72, 149, 80]
    assert not {(r.source, r.label) for r in runs} & {(r.source, r.label) for r in fit_rows()}
    errs = {r.label: r.error for r in validate(rows=runs)}
    assert all(0.08 <= e <= 0.30 for e in errs.values()), errs
    assert errs["GPT3-1.3B 8k without FlashAttention"] > errs["GPT3-1.3B 2k without FlashAttention"]


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


def test_embedding_params_set_the_state_outside_the_blocks():
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.step import evaluate
    V, s, h = 50304, 2048, 2048
    kw = dict(layers=16, hidden=h, heads=8, seq_len=s, vocab=V, global_batch=1024, micro_batch=16, tensor=1,
              pipeline=1, data=64, zero_stage=1, recompute=2, sequence_parallel=False, interleave=1,
              hardware=get_hardware("a100_40gb"))
    base, same = evaluate(**kw), evaluate(**kw, embedding_params=(V + s) * h)  # the default, spelled out
    assert all(np.allclose(base[k], same[k]) for k in ("step_time", "dp_comm_time", "memory"))
    untied = evaluate(**kw, embedding_params=2 * V * h)  # untied output layer, rotary positions (Pythia)
    assert untied["params_per_gpu"] - base["params_per_gpu"] == pytest.approx((V - s) * h)
    assert np.allclose(untied["compute_time"], base["compute_time"])  # the logits GEMM is there either way
    # the gradient all-reduce's bandwidth part grows with the parameters it carries (the ring latency does not)
    lat = 2.0 * 63 * kw["hardware"].inter_node_latency_s
    ratio = (untied["dp_comm_time"] - lat) / (base["dp_comm_time"] - lat)
    assert ratio == pytest.approx(untied["params_per_gpu"] / base["params_per_gpu"], rel=1e-3)


def test_pythia_rows_are_the_papers_hours_per_step():
    from gapstudy.costmodel.validation import run_params
    runs = {r.label: r for r in measurements.HELD_OUT if r.source == measurements.PYTHIA}
    # Biderman et al. 2023 Table 5: A100-hours for 300B tokens, and the GPUs each model trained on
    table5 = {"1B": (4830, 64), "1.4B": (7120, 64), "2.8B": (14240, 64), "6.9B": (33500, 128), "12B": (72300, 256)}
    for n, (hours, gpus) in table5.items():
        run = runs[f"Pythia-{n}"]
        assert run.metric == "step_time" and run.tensor * run.pipeline * run.data == gpus
        assert run.value * measurements.PYTHIA_STEPS * gpus / 3600.0 == pytest.approx(hours)
        # 1024 sequences of 2048 per step (micro-batch x accumulation x 64 replicas): 143,000 steps is 300B tokens
        assert run.global_batch * run.seq_len * measurements.PYTHIA_STEPS == 299_892_736_000
        assert run.data == 64 and run.global_batch % (run.micro_batches[0] * run.data) == 0
    assert runs["Pythia-12B"].value == pytest.approx(7.11, abs=0.005)
    # untied output layer: the suite's parameter counts (Hugging Face model cards) within 0.01%
    assert run_params(runs["Pythia-1B"]) == pytest.approx(1_011_781_632, rel=1e-4)
    assert run_params(runs["Pythia-12B"]) == pytest.approx(11_846_072_320, rel=1e-4)


def test_glm_speed_test_rows_fit_the_deepspeed_engine_cost():
    import dataclasses

    from gapstudy.costmodel.step import _hardware_flops
    from gapstudy.costmodel.validation import DEEPSPEED_GRID, framework_overhead, predict
    runs = measurements.FIT_DEEPSPEED
    # GLM-130B's log: 768 GPUs (96 nodes x 8), MP 4 x PP 8 x 24 replicas, 176 and 256 sequences per replica
    assert [(r.tensor * r.pipeline * r.data, r.global_batch) for r in runs] == [(768, 176 * 24), (768, 256 * 24)]
    assert all(r.framework == "deepspeed" and r.year == 2021 and not r.flash_attention for r in runs)
    # the log's 134 and 141 TFLOPS are the Megatron formula with recomputation at its 88.5 and 122.5 s a step
    for run, tflops in zip(runs, (134.0, 141.0)):
        flops = float(_hardware_flops(run.global_batch, run.seq_len, run.layers, run.hidden, run.vocab, 2))
        assert flops / (768 * run.value) / 1e12 == pytest.approx(tflops, abs=0.5)
    # the engine cost is a strict minimum on the grid, and it is what makes the rows fit: without it both are
    # 13-18% too fast (the batch-independent part of the step is missing; the per-sequence slope agrees within 4%)
    score = {c: error_summary(validate(DEFAULT_CALIBRATION.replace(deepspeed_step_seconds_per_param=c), runs))
             ["mean_abs_error"] for c in DEEPSPEED_GRID}
    best = min(score, key=score.get)
    assert best == DEFAULT_CALIBRATION.deepspeed_step_seconds_per_param == 3.0e-9
    assert score[best] <= 0.01 and score[0.0] > 0.12 and score[2.0e-9] > 0.04 and score[4.0e-9] > 0.04, score
    none = validate(DEFAULT_CALIBRATION.replace(deepspeed_step_seconds_per_param=0.0), runs)
    assert all(0.12 <= r.error <= 0.19 for r in none), [r.error for r in none]
    slope_measured = runs[1].value - runs[0].value
    slope_model = none[1].predicted - none[0].predicted
    assert abs(slope_measured / slope_model - 1.0) <= 0.05
    # the cost applies to DeepSpeed-engine runs only: the same run on Megatron's schedule is unchanged by it
    mega = dataclasses.replace(runs[0], framework="megatron")
    assert framework_overhead(mega) is None and framework_overhead(runs[0]) == 3.0e-9
    assert predict(mega, DEFAULT_CALIBRATION.replace(deepspeed_step_seconds_per_param=5e-9)).predicted == predict(mega).predicted
    with pytest.raises(ValueError, match="unknown framework"):
        predict(dataclasses.replace(runs[0], framework="colossal"))
    # every other fit row is on Megatron-LM or PyTorch: the earlier fit stages do not see the constant
    assert all(r.framework == "megatron" for r in measurements.FIT + measurements.FIT_2022 + measurements.FIT_FLASH)


def test_framework_overhead_adds_per_parameter_time_to_the_step():
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.step import evaluate
    kw = dict(layers=72, hidden=12288, heads=96, seq_len=2048, vocab=150528, global_batch=4224,
              micro_batch=np.array([1, 2]), tensor=4, pipeline=8, data=24, zero_stage=1, recompute=2,
              sequence_parallel=False, interleave=1, hardware=get_hardware("a100_40gb"))
    base, more = evaluate(**kw), evaluate(**kw, step_overhead_per_param=2e-9)
    assert np.all(base["framework_time"] == 0.0)
    assert np.allclose(more["framework_time"], 2e-9 * more["params_per_gpu"])
    assert np.allclose(more["step_time"] - base["step_time"], more["framework_time"])
    assert np.allclose(more["memory"], base["memory"]) and np.allclose(more["compute_time"], base["compute_time"])


def test_second_held_out_set_is_fixed_cited_and_reported():
    from gapstudy.costmodel.validation import held_out_2, run_params
    runs = measurements.HELD_OUT_2
    fit = {r.source for r in fit_rows()}
    # a source used nowhere else: neither fitted on nor in the first held-out set (which informed a structure)
    assert {r.source for r in runs} == {measurements.MOSAIC}
    assert measurements.MOSAIC not in fit | {r.source for r in measurements.HELD_OUT}
    # MosaicML's tables, as transcribed: 6 models x 3 chips, FSDP FULL_SHARD (pure data parallelism), s 2048
    assert len(runs) == 18 and {r.chip for r in runs} == {"h100", "a100_80gb", "a100_40gb"}
    assert all(r.tensor == r.pipeline == 1 and r.zero_stage == 3 and r.seq_len == 2048 and r.framework == "megatron"
               for r in runs)
    assert all(r.global_batch % (r.micro_batches[0] * r.data) == 0 for r in runs)
    by = {r.label: r for r in runs}
    assert by["MPT-7b a100_80gb, 8 GPUs"].value == pytest.approx(0.6423)
    assert by["MPT-70b a100_40gb, 128 GPUs"].value == pytest.approx(0.4891)
    # shapes from the mpt-<size>.yaml configs reproduce the tables' NumParams
    num_params = {"1b": 1315950592, "3b": 2651837440, "7b": 6658859008, "13b": 12853954560, "30b": 29975214080,
                  "70b": 64862437376}
    for r in runs:
        assert run_params(r) == pytest.approx(num_params[r.label.split()[0][4:]], rel=1e-4), r.label
    # Evaluated once, after the rows were committed (commit 3702217), with the model of commit 533153f unchanged: mean 12.1%,
    # max 53.4%, drift -10.9 points over 1.3B-65B; H100 rows 13-53% too fast (MFU 50-61% against 40-46%).
    # Evaluated once more with the H100's own e_max (0.57, fitted on Nemotron-4 340B alone, commit 8f8afba): mean 5.5%, max
    # 22.1%, drift -10.8. A100 rows unchanged (-6.3..+10.0%, mean 3.8%); H100 rows -10.6..+22.1% (1b +3.1, 3b +7.9,
    # 7b +2.1, 13b +22.1, 30b -10.6, 70b -7.1). Goal not met. Pinned from both sides so that a change shows here.
    # Evaluated once with the model of commit 6db8f05 (H100 e_max 0.58, 2023+ data-parallel overlap 0.25; pure-FSDP rows keep full
    # overlap): mean 5.7%, max 24.1%, drift -10.8; H100 rows 1b +4.7, 3b +9.6, 7b +3.7, 13b +24.1, 30b -9.1, 70b -5.5.
    # With the 2023+ tensor overlap fitted (0, was 0.5 a priori) and the H100 e_max refitted with it (0.62) on nine H100 fit
    # rows (Nemotron-4 and FlagPerf): mean 6.6%, max 32.0%, drift -10.9; the pure-FSDP H100 rows (no tensor parallelism) only
    # see the higher e_max: 1b +10.9, 3b +16.2, 7b +10.2, 13b +32.0, 30b -3.2, 70b +0.7. A100 rows unchanged.
    # Fit side since the round on sharded data parallelism (measurements.FIT_SHARDED): these rows fit the ZeRO-3 overlap
    # rate (0.05) with per-layer collectives; mean 3.1%, max 8.5% (A100-80GB MPT-30B, full recomputation, 21 micro-batches),
    # drift -6.9; H100 1b +7.8, 3b -0.0, 7b +7.2, 13b -3.0, 30b -3.2, 70b -1.4. Fit-side errors now, pinned from both sides.
    rows = held_out_2()
    s = error_summary(rows)
    assert s["rows"] == 18
    assert 0.025 <= s["mean_abs_error"] <= 0.036 and 0.075 <= s["max_abs_error"] <= 0.095, s
    assert -9.0 <= s["size_drift_points"] <= -5.0, s
    a100 = [r.error for r in rows if r.chip != "h100"]
    h100 = {r.label.split()[0]: r.error for r in rows if r.chip == "h100"}
    assert all(abs(e) <= 0.095 for e in a100) and 0.02 <= float(np.mean(np.abs(a100))) <= 0.04, a100
    assert all(-0.05 <= e <= 0.09 for e in h100.values()) and -0.05 <= h100["MPT-13b"] <= 0.0, h100
    assert h100["MPT-30b"] < 0.0 and h100["MPT-70b"] < 0.0, h100


def test_h100_fit_rows_pin_the_chip_efficiency_and_data_overlap_from_both_sides():
    from gapstudy.costmodel.techniques import OVERLAP_FROM_2023
    from gapstudy.costmodel.validation import DATA_OVERLAP_GRID, fit_data_overlap, predict, run_params
    runs = measurements.FIT_H100
    assert len(runs) == 9 and all(r.chip == "h100" for r in runs)
    assert {r.source for r in runs} == {measurements.NEMOTRON4_340B, measurements.NEMOTRON4_15B, measurements.FLAGPERF}
    # FlagPerf's H100 rows (a second source): step = 512 x 8192 / (token/p/s x GPUs), the benchmark script's own relation
    flag = [r for r in runs if r.source == measurements.FLAGPERF]
    assert [(r.tensor, r.pipeline, r.data, r.global_batch, r.seq_len) for r in flag] == [
        (2, 1, 4, 512, 8192), (2, 1, 8, 512, 8192), (8, 4, 2, 512, 8192)]
    assert [round(r.value, 2) for r in flag] == [round(512 * 8192 / (8103 * 8), 2), round(512 * 8192 / (7914 * 16), 2),
                                                 round(512 * 8192 / (851 * 64), 2)]
    assert [round(run_params(r) / 1e9, 2) for r in flag] == [8.03, 8.03, 70.56]
    held = (measurements.HELD_OUT + measurements.HELD_OUT_2 + measurements.HELD_OUT_3 + measurements.HELD_OUT_4
            + measurements.HELD_OUT_5)
    assert measurements.FLAGPERF not in {r.source for r in held}
    # Nemotron-4 340B Table 2: TP 8 x PP 12 x DP 16 / 32 / 64, batch 768 / 1536 / 2304 x 4096 tokens, 10.3 / 10.3 / 8.0 s
    big = [r for r in runs if r.source == measurements.NEMOTRON4_340B]
    assert [(r.tensor, r.pipeline, r.data, r.global_batch, r.value) for r in big] == [
        (8, 12, 16, 768, 10.3), (8, 12, 32, 1536, 10.3), (8, 12, 64, 2304, 8.0)]
    assert run_params(big[0]) == pytest.approx(341.0e9, rel=0.002)  # GQA (8 KV heads) + 4h squared-ReLU MLP, untied
    # Nemotron-4 15B Table 2: TP 8, DP 96 / 192 / 288, batch 384 / 768 / 1152, 0.57 / 0.58 / 0.64 s; 12.5B + 3.2B
    small = [r for r in runs if r.source == measurements.NEMOTRON4_15B]
    assert [(r.tensor, r.pipeline, r.data, r.global_batch, r.value) for r in small] == [
        (8, 1, 96, 384, 0.57), (8, 1, 192, 768, 0.58), (8, 1, 288, 1152, 0.64)]
    assert run_params(small[0]) == pytest.approx(15.63e9, rel=0.005)
    assert dict(DEFAULT_CALIBRATION.chip_max_efficiency_2022) == {"h100": 0.62}
    assert OVERLAP_FROM_2023.data == 0.25 and OVERLAP_FROM_2023.tensor == 0.0
    # history: the joint grid fit of commit 6db8f05 (six Nemotron rows, the a priori tensor overlap 0.5) gave 0.25 and 0.58, and
    # so did the refit on all nine rows with FlagPerf's at that tensor overlap
    six = fit_data_overlap(rows=big + small, tensor=0.5)
    assert six["data"] == 0.25 and dict(six["chip_max_efficiency_2022"]) == {"h100": 0.58}
    assert 0.020 <= six["scores"][0.25] <= 0.026 and 0.026 <= six["scores"][0.0] <= 0.033, six["scores"]
    nine = fit_data_overlap(tensor=0.5)
    assert nine["data"] == 0.25 and dict(nine["chip_max_efficiency_2022"]) == {"h100": 0.58}
    assert 0.032 <= nine["scores"][0.25] <= 0.038, nine["scores"]
    # the tensor overlap fitted with them on the nine rows (validation.fit_comm_overlap): 0, data 0.25, e_max 0.62 (2.9%)
    from gapstudy.costmodel.validation import TENSOR_OVERLAP_GRID, fit_comm_overlap
    comm = fit_comm_overlap()
    assert (comm["tensor"], comm["data"], dict(comm["chip_max_efficiency_2022"])) == (0.0, 0.25, {"h100": 0.62})
    sc = comm["scores"]
    assert set(sc) == {(ft, fd) for ft in TENSOR_OVERLAP_GRID for fd in DATA_OVERLAP_GRID}
    assert 0.026 <= sc[(0.0, 0.25)] <= 0.031 and sc[(0.5, 0.25)] - sc[(0.0, 0.25)] >= 0.005 and sc[(1.0, 1.0)] >= 0.10, sc
    # the sources alone: FlagPerf's rows want no tensor overlap; the Nemotron rows alone are nearly indifferent (a valley
    # where tensor overlap trades against data overlap), their best pair 1 / 0
    alone = fit_comm_overlap(rows=flag)
    assert alone["tensor"] == 0.0 and alone["scores"][(0.5, 0.25)] - alone["scores"][(0.0, 0.25)] >= 0.02, alone["scores"]
    nem = fit_comm_overlap(rows=big + small)
    assert nem["tensor"] == 1.0 and nem["scores"][(0.0, 0.25)] - nem["mean_abs_error"] <= 0.01, nem["scores"]
    fit = fit_data_overlap()  # at the shipped tensor overlap
    assert fit["data"] == 0.25 and dict(fit["chip_max_efficiency_2022"]) == {"h100": 0.62}
    assert tuple(sorted(fit["scores"])) == DATA_OVERLAP_GRID and fit["scores"][1.0] >= 0.08, fit["scores"]
    # FlagPerf's rows: the 8B ones a little too slow, the 70B one close; a larger H100 roll-off (k = 2.0, left open by the
    # Nemotron rows in commit 6db8f05) would make the 8B rows ~40% too slow
    ferr = [predict(r).error for r in flag]
    assert -0.07 <= ferr[0] <= -0.03 and -0.05 <= ferr[1] <= -0.01 and -0.02 <= ferr[2] <= 0.01, ferr
    k2 = DEFAULT_CALIBRATION.replace(gemm_size_scale=2.0, chip_max_efficiency_2022=(("h100", 0.79),))
    assert predict(flag[0], k2).error <= -0.35
    errs = {r.label: predict(r).error for r in runs}
    assert all(abs(e) <= 0.02 for k, e in errs.items() if "340B" in k), errs
    e15 = [errs[f"Nemotron-4 15B, {g}"] for g in ("768 GPUs", "1,536 GPUs", "2,304 GPUs")]
    # the 15B step grows with data-parallel width at fixed per-GPU work; the model's grows less: the widest is too fast
    assert -0.08 <= e15[0] <= -0.05 and -0.07 <= e15[1] <= -0.03 and 0.03 <= e15[2] <= 0.06, e15
    assert e15[2] - e15[0] >= 0.09  # the spread with width stays (about 11 points)
    # with the shared (A100-fitted) 0.73 the 340B rows are ~20% too fast
    shared = predict(big[-1], DEFAULT_CALIBRATION.replace(chip_max_efficiency_2022=()))
    assert 0.12 <= shared.error <= 0.32, shared.error
    # only the named chip and only the 2022+ software move
    cal = DEFAULT_CALIBRATION
    assert cal.max_efficiency(2024, "h100") == 0.62
    assert cal.max_efficiency(2024, "a100_80gb") == cal.max_efficiency(2024) == cal.gemm_max_efficiency_2022
    assert cal.max_efficiency(2021, "h100") == cal.gemm_max_efficiency


def test_layer_weights_scale_the_block_gemms_and_parameters():
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.step import evaluate
    kw = dict(layers=32, hidden=4096, heads=32, seq_len=4096, vocab=50304, global_batch=64, micro_batch=np.array([1, 2]),
              tensor=np.array([1, 2]), pipeline=1, data=8, zero_stage=1, recompute=0, sequence_parallel=False,
              interleave=1, hardware=get_hardware("h100"), era=2024)
    base, twelve = evaluate(**kw), evaluate(**kw, layer_weights=12.0)
    for k in ("step_time", "compute_time", "params_per_gpu", "memory"):
        assert np.allclose(base[k], twelve[k]), k  # GPT's 12 h^2 is the default path
    gqa = evaluate(**kw, layer_weights=10.0)
    assert np.all(gqa["compute_time"] < base["compute_time"]) and np.all(gqa["params_per_gpu"] < base["params_per_gpu"])
    # the parameters a GPU holds move by exactly the weights removed, 2 h^2 per layer split over t
    assert np.allclose(base["params_per_gpu"] - gqa["params_per_gpu"], 2.0 * 4096**2 * 32 / np.array([1, 2]))


def test_third_held_out_set_is_fixed_cited_and_reported():
    from gapstudy.costmodel.validation import held_out_3, run_params
    runs = measurements.HELD_OUT_3
    # a source used nowhere else: not fitted on, in neither earlier held-out set
    assert {r.source for r in runs} == {measurements.OLMO_CORE}
    assert measurements.OLMO_CORE not in ({r.source for r in fit_rows()} | {r.source for r in measurements.HELD_OUT}
                                          | {r.source for r in measurements.HELD_OUT_2})
    assert [r.label for r in runs] == ["OLMo-core 7B, 8 GPUs", "OLMo-core 13B, 8 GPUs"]
    assert all(r.chip == "h100" and r.zero_stage == 3 and r.tensor == r.pipeline == 1 for r in runs)
    # tokens per second per device, as step times on 8 GPUs: 1024 x 4096 / (10,000 x 8), 2048 x 4096 / (4,600 x 8)
    assert [round(r.value, 2) for r in runs] == [52.43, 227.95]
    assert [round(run_params(r) / 1e9, 2) for r in runs] == [7.30, 13.72]
    # Evaluated once, after the rows were committed (commit 70caca8), with the model of commit 8f8afba (H100
    # e_max 0.57 fitted on Nemotron-4 340B): 7B -5.3% (model too slow), 13B +13.4% (too fast); mean 9.3%, max 13.4%.
    # Goal not met. Pinned from both sides.
    # Evaluated once with the model of commit 6db8f05 (H100 e_max 0.58, fitted on six Nemotron-4 rows): 7B -3.7%, 13B +15.3%.
    # With the tensor overlap fitted on nine H100 fit rows (0) and the H100 e_max with it (0.62): 7B +2.4%, 13B +22.7%.
    # With per-layer ZeRO-3 collectives and the sharded overlap rate 0.05 fitted on measurements.FIT_SHARDED (this set
    # stays held out, all seen, reported for information): 7B -3.5%, 13B +4.3% (256 micro-batches of one sequence: its
    # gathers are no longer hidden behind the step's compute).
    rows = {r.label: r.error for r in held_out_3()}
    assert -0.05 <= rows["OLMo-core 7B, 8 GPUs"] <= -0.02, rows
    assert 0.02 <= rows["OLMo-core 13B, 8 GPUs"] <= 0.06, rows


def test_deepspeed_layout_rows_are_reported_not_fitted():
    # BigScience's 3D-topology benchmarks (Megatron-DeepSpeed, PP 1-24, TP 2-8; commit 030c669): in neither the fit nor any
    # held-out set, and they cannot decide how the engine cost scales (measurements.DEEPSPEED_LAYOUTS comment)
    runs = measurements.DEEPSPEED_LAYOUTS
    assert len(runs) == 23 and {r.source for r in runs} == {measurements.BIGSCIENCE_PREQUEL}
    assert all(r.framework == "deepspeed" and r.chip == "a100_80gb" for r in runs)
    held = measurements.HELD_OUT + measurements.HELD_OUT_2 + measurements.HELD_OUT_3
    assert measurements.BIGSCIENCE_PREQUEL not in {r.source for r in fit_rows() + held}
    assert sorted({r.pipeline for r in runs}) == [1, 2, 4, 6, 8, 12, 24]
    s = error_summary(validate(rows=runs))
    # shipped model (3.0 ns per parameter held): mean 10.2%, max 23.7% (TP2 PP12 too slow); 11.1% since the engine round
    # (no cost at one stage: the three one-node rows +10..+20% too fast, were +3..+13%)
    assert 0.08 <= s["mean_abs_error"] <= 0.12 and 0.20 <= s["max_abs_error"] <= 0.27, s
    # refitting the per-parameter cost on GLM-130B's rows and these together moves it by at most 1 ns (2.0 ns since the
    # engine round, within 0.1 point of 2.5 ns)
    both = measurements.FIT_DEEPSPEED + runs
    score = {c: error_summary(validate(DEFAULT_CALIBRATION.replace(deepspeed_step_seconds_per_param=c), both))
             ["mean_abs_error"] for c in (2.0e-9, 2.5e-9, 3.0e-9, 3.5e-9)}
    assert min(score, key=score.get) in (2.0e-9, 2.5e-9, 3.0e-9) and max(score.values()) - min(score.values()) < 0.02, score


def test_megascale_width_rows_are_fit_side_reported_and_decide_no_width_term():
    # MegaScale's Megatron-LM baseline (Jiang et al. 2024, Table 2 and Table 3's ablation baseline): GPT-3 175B, TP 8 x PP 8 on
    # 256-12,288 A100s, 4-192 data-parallel replicas. Fit side (a source used in no held-out set), no constant fitted on them.
    runs = measurements.MEGASCALE_BASELINE
    assert len(runs) == 9 and {r.source for r in runs} == {measurements.MEGASCALE}
    held = (measurements.HELD_OUT + measurements.HELD_OUT_2 + measurements.HELD_OUT_3 + measurements.HELD_OUT_4
            + measurements.HELD_OUT_5)
    assert measurements.MEGASCALE not in {r.source for r in fit_rows() + held}
    assert all(r.tensor == 8 and r.pipeline == 8 and r.year == 2022 and r.framework == "megatron" for r in runs)
    assert sorted(r.data for r in runs) == [4, 4, 8, 12, 16, 48, 96, 128, 192]
    # the transcription's reading: the model's MFU formula at 312 TFLOP/s reproduces the table's MFU column (53.0 / 41.2%)
    from gapstudy.costmodel.validation import predict
    by = {r.label: r for r in runs}
    for label, mfu in (("Megatron-LM 175B, 256 GPUs, batch 768", 0.530), ("Megatron-LM 175B, 12,288 GPUs, batch 6144", 0.412)):
        r = by[label]
        h, L, s, V = r.hidden, r.layers, r.seq_len, r.vocab
        flops = 72.0 * r.global_batch * s * L * h * h * (1.0 + s / (6.0 * h) + V / (12.0 * h * L))
        assert flops / (64 * r.data * r.value * 312e12) == pytest.approx(mfu, abs=0.002)
    # what they decide: width costs nothing measurable. The three rows with 64 sequences per replica (4, 12, 96 replicas)
    # err alike (+13.8 / +16.2 / +12.7%), while the error follows the micro-batches per step (+5.8% at 192, +24.5% at 32):
    # a cost per step the model misses, not a width term. Pinned from both sides (model of commit b0c8b0c).
    err = {r.label: predict(r).error for r in runs}
    same_m = [err["Megatron-LM 175B, 256 GPUs, batch 256 (ablation baseline)"], err["Megatron-LM 175B, 768 GPUs, batch 768"],
              err["Megatron-LM 175B, 6,144 GPUs, batch 6144"]]
    assert all(0.10 <= e <= 0.19 for e in same_m) and max(same_m) - min(same_m) < 0.05, same_m
    assert all(0.03 <= e <= 0.27 for e in err.values()), err  # every row too fast
    assert err["Megatron-LM 175B, 256 GPUs, batch 768"] < 0.08 < 0.22 < err["Megatron-LM 175B, 12,288 GPUs, batch 6144"]
    # a least-squares fit of the measured steps: ~0.2 s per micro-batch, ~2.4 s per step, ~1 ms per replica
    steps = [(r.global_batch / r.data, r.data, r.value) for r in runs if r.metric == "step_time"]
    x = np.array([[m, 1.0, d] for m, d, _ in steps])
    coef = np.linalg.lstsq(x, np.array([t for _, _, t in steps]), rcond=None)[0]
    assert 0.19 <= coef[0] <= 0.21 and 1.8 <= coef[1] <= 2.8 and abs(coef[2]) < 0.003, coef


def test_fourth_held_out_set_is_fixed_cited_and_reported():
    from gapstudy.costmodel.validation import held_out_4, run_params
    runs = measurements.HELD_OUT_4
    # a source used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    assert {r.source for r in runs} == {measurements.TORCHTITAN}
    earlier = _rows_before(4)
    assert measurements.TORCHTITAN not in {r.source for r in earlier}
    assert len(runs) == 6 and all(r.chip == "a100_80gb" and r.zero_stage == 3 and r.tensor == r.pipeline == 1
                                  and r.data == 64 for r in runs)
    assert not any("selective layer" in r.label for r in runs)  # left out by the rule (no such recompute option)
    # tokens per second per GPU as step times: local batch x sequence / WPS
    by = {r.label: r for r in runs}
    assert by["torchtitan Llama 3 70B, local batch 1, AC full"].value == pytest.approx(8192 / 331.0)
    assert by["torchtitan Llama 2 13B, local batch 2, AC no"].value == pytest.approx(2 * 4096 / 2162.0)
    assert [round(run_params(r) / 1e9, 2) for r in runs] == [8.03, 70.56, 13.02, 13.02, 68.98, 68.98]
    # Evaluated ONCE, after the rows were committed (commit ff228e1), with the final model (commit 6db8f05's
    # constants): Llama 3 8B selective +9.4%, Llama 3 70B full +0.6%, Llama 2 13B none +6.3%, selective +20.7%,
    # Llama 2 70B selective +32.2%, full +3.1%: mean 12.1%, max 32.2%, drift +0.7 points. Every row too fast; the
    # rows without or with full recomputation are within 6.3%, the "selective op" rows 9-32% too fast (torchtitan's
    # selective op checkpointing recomputes more than the attention core the model's "selective" recomputes).
    # Goal (mean <= 5%, max <= 10%) not met.
    # Commit b825a6a then remapped the three "selective op" rows to torchtitan's op-level recomputation
    # (op_recompute_weights: wk, wo, w3 and the elementwise kernels), the source's definition, no constant fitted, but
    # decided after the errors above were seen, so this set no longer tests it cleanly. Evaluated with the final model
    # (after HELD_OUT_5 was committed, 5cd1eeb): Llama 3 8B op +0.7%, Llama 3 70B full +0.6%, Llama 2 13B none +6.3%,
    # op +8.3%, Llama 2 70B op +18.8%, full +3.1%: mean 6.3%, max 18.8%, drift +11.3 points. Pinned from both sides.
    # With per-layer ZeRO-3 collectives and the sharded overlap rate 0.05 fitted on measurements.FIT_SHARDED (this set stays
    # held out, all seen, reported for information): Llama 3 8B op -4.9%, Llama 3 70B full -3.4%, Llama 2 13B none -1.5%,
    # op +1.6%, Llama 2 70B op +1.1%, full -1.5%: mean 2.3%, max 4.9%, drift +3.1 points.
    rows = held_out_4()
    s = error_summary(rows)
    assert s["rows"] == 6
    assert 0.018 <= s["mean_abs_error"] <= 0.03 and 0.04 <= s["max_abs_error"] <= 0.06, s
    assert 1.0 <= s["size_drift_points"] <= 5.0, s
    sel = {r.label: r.error for r in rows if r.recompute == "selective"}
    other = [r.error for r in rows if r.recompute != "selective"]
    assert len(sel) == 3 and all(-0.06 <= e <= 0.03 for e in sel.values()), sel
    assert 0.0 <= sel["torchtitan Llama 2 70B, local batch 1, AC selective op"] <= 0.03, sel
    assert len(other) == 3 and all(-0.05 <= e <= 0.0 for e in other), other
    assert all(r.op_recompute_weights is not None for r in runs if "selective op" in r.label)
    assert [round(r.op_recompute_weights, 3) for r in runs if r.op_recompute_weights] == [4.75, 4.7, 4.625]


def test_op_level_selective_recompute_is_torchtitans_rule_and_off_the_search_path():
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.step import evaluate
    kw = dict(layers=32, hidden=4096, heads=32, seq_len=4096, vocab=32000, global_batch=64, micro_batch=1, tensor=1,
              pipeline=1, data=64, zero_stage=3, recompute=np.array([0, 1, 2]), sequence_parallel=False, interleave=1,
              hardware=get_hardware("a100_80gb"), bytes_per_param=16.0, flash_attention=True, layer_weights=12.0)
    base = evaluate(**kw)
    op = evaluate(**kw, op_recompute_weights=4.7)
    # only the selective entry changes; none and full are untouched
    assert op["compute_time"][0] == base["compute_time"][0] and op["compute_time"][2] == base["compute_time"][2]
    # op-level recomputes wk + wo + w3 (4.7 of 12 h^2) and the elementwise kernels: more than Megatron's selective
    # (which with FlashAttention adds nothing beyond FlashAttention's backward), less than full recomputation
    assert base["compute_time"][0] == pytest.approx(base["compute_time"][1])
    assert base["compute_time"][1] < op["compute_time"][1] < base["compute_time"][2]
    # recomputing every weight's GEMM and the elementwise kernels is exactly full recomputation
    assert evaluate(**kw, op_recompute_weights=12.0)["compute_time"][1] == pytest.approx(base["compute_time"][2])


def test_fifth_held_out_set_is_fixed_cited_and_reported():
    from gapstudy.costmodel.validation import held_out_5, run_params
    runs = measurements.HELD_OUT_5
    # a source used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    assert {r.source for r in runs} == {measurements.FMS_FSDP}
    earlier = _rows_before(5)
    assert measurements.FMS_FSDP not in {r.source for r in earlier}
    assert len(runs) == 4 and all(r.chip == "a100_80gb" and r.zero_stage == 3 and r.tensor == r.pipeline == 1
                                  and r.data == 128 and r.op_recompute_weights is None for r in runs)
    # tokens per GPU per second as step times: batch per GPU x 4096 / throughput
    assert [round(r.value, 3) for r in runs] == [round(2 * 4096 / 3760, 3), round(4096 / 1700, 3),
                                                 round(8 * 4096 / 772, 3), round(6 * 4096 / 380, 3)]
    assert [r.recompute for r in runs] == ["none", "none", "full", "full"]
    assert [round(run_params(r) / 1e9, 2) for r in runs] == [6.74, 13.02, 33.75, 68.98]
    # Evaluated ONCE, after the rows were committed (commit 5cd1eeb), with the final model of this round (commit
    # b825a6a: the constants of 6db8f05; the op-level option does not touch these rows): 7b +12.9%, 13b +34.8% (model
    # too fast: pure FSDP with one or two sequences a GPU, as MPT-13B and OLMo 13B on H100), 34b -5.4%, 70b -3.9%
    # (full recomputation, 6-8 sequences: slightly too slow). Mean 14.3%, max 34.8%, drift -85.3 points (over one
    # decade, 6.7B-69B, extrapolated to three). Goal not met. Pinned from both sides.
    # Fit side since the round on sharded data parallelism (measurements.FIT_SHARDED): with per-layer ZeRO-3 collectives and
    # the overlap rate 0.05 fitted there, 7b +1.0%, 13b +7.7%, 34b -5.4%, 70b -3.9%: mean 4.5%, max 7.7%, drift -26.4.
    rows = {r.label: r.error for r in held_out_5()}
    assert 0.0 <= rows["fms-fsdp Llama 7b, 128 GPUs, HSDP"] <= 0.03, rows
    assert 0.06 <= rows["fms-fsdp Llama 13b, 128 GPUs, HSDP"] <= 0.10, rows
    assert -0.08 <= rows["fms-fsdp Llama 34b, 128 GPUs, FSDP"] <= -0.03, rows
    assert -0.06 <= rows["fms-fsdp Llama 70b, 128 GPUs, FSDP"] <= -0.02, rows
    s = error_summary(held_out_5())
    assert 0.035 <= s["mean_abs_error"] <= 0.055 and 0.06 <= s["max_abs_error"] <= 0.10, s
    assert -35.0 <= s["size_drift_points"] <= -18.0, s


def _rows_before(n: int) -> tuple:
    """Every row the n-th held-out set must not repeat: the fit rows, the held-out sets before it (HELD_OUT to
    HELD_OUT_{n-1}: for the fourteenth, through HELD_OUT_13) and the reported-only rows. The later rounds' fit-side sets (FIT_SHARDED, FIT_WIDTH, FIT_V100, FIT_PYTHIA, FIT_V100_2021) are drawn from these
    (test_later_fit_side_sets_are_drawn_from_earlier_rows), so they add nothing here."""
    held = (measurements.HELD_OUT,) + tuple(getattr(measurements, f"HELD_OUT_{k}") for k in range(2, n))
    return (fit_rows() + sum(held, ()) + measurements.DEEPSPEED_LAYOUTS + measurements.FLASH_BASELINES
            + measurements.MEGASCALE_BASELINE)


def test_rows_before_fourteen_holds_every_earlier_set():
    ids = lambda runs: {(r.source, r.label) for r in runs}
    rows = ids(_rows_before(14))
    for k in range(2, 14):
        assert ids(getattr(measurements, f"HELD_OUT_{k}")) <= rows, k
    assert ids(measurements.HELD_OUT) <= rows and ids(fit_rows()) <= rows
    assert ids(measurements.HELD_OUT_14).isdisjoint(rows)


def test_later_fit_side_sets_are_drawn_from_earlier_rows():
    rows = {(r.source, r.label) for r in _rows_before(13)}
    for fit_side in (measurements.FIT_SHARDED, measurements.FIT_WIDTH, measurements.FIT_V100, measurements.FIT_PYTHIA,
                     measurements.FIT_V100_2021):
        assert fit_side and {(r.source, r.label) for r in fit_side} <= rows


def _assert_new_rows_well_formed(runs, earlier, metrics, uneven_pipeline=False, stated_interleave=False,
                                 op_level_recompute=False, per_chip=False):
    """A later held-out set's rows, by form only (nothing predicted): no label and no shape-and-layout shared with the
    `earlier` rows, labels unique, chips in the catalogue with known hardware changes, shapes and layouts that
    step.evaluate accepts (checked by hand), a catalogued framework, a metric of `metrics`, a positive value, and none of
    the options only earlier sets use. With `uneven_pipeline`, a row may also split its layers with one fewer on the first
    and the last stage (timed as L + 2 layers, the last stage one fewer than a middle one, as BLOOM's and Llama 3's rows).
    With `stated_interleave`, a row may carry one stated interleave that splits each stage's layers evenly, with sequence
    parallelism only under tensor parallelism (Narayanan's and Korthikanti's rows). With `op_level_recompute`, a row may
    name the weights its op-level selective recomputation recomputes (torchtitan's rows). With `per_chip`, a shape and
    layout may repeat an earlier row's on another chip. Returns the shape-and-layout key (with the chip, if `per_chip`)."""
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.validation import FRAMEWORKS
    key = lambda r: (r.layers, r.hidden, r.heads, r.seq_len, r.vocab, r.tensor, r.pipeline, r.data, r.global_batch) + (
        (r.chip,) if per_chip else ())
    assert {r.label for r in runs}.isdisjoint({r.label for r in earlier}) and len({r.label for r in runs}) == len(runs)
    assert {key(r) for r in runs}.isdisjoint({key(r) for r in earlier})
    for r in runs:
        hw = get_hardware(r.chip)
        assert all(hasattr(hw, k) for k in r.hardware_changes)
        assert r.hidden % r.heads == 0 and r.heads % r.tensor == 0 and r.hidden % r.tensor == 0 and r.vocab % r.tensor == 0
        if uneven_pipeline and r.timed_layers is not None:
            assert r.timed_layers == r.layers + 2 and r.timed_layers % r.pipeline == 0
            assert r.last_stage_layers == r.timed_layers // r.pipeline - 1 >= 1
        else:
            assert r.layers % r.pipeline == 0 and r.timed_layers is None and r.last_stage_layers is None
        if stated_interleave and r.interleaves != (1,):
            (v,) = r.interleaves
            assert r.pipeline > 1 and r.layers % (r.pipeline * v) == 0
        else:
            assert r.interleaves == (1,)
        assert all(r.global_batch % (r.data * b) == 0 for b in r.micro_batches)
        assert r.framework in FRAMEWORKS and r.metric in metrics and r.value > 0
        assert r.op_recompute_weights is None or (op_level_recompute and r.recompute == "selective")
        assert not r.sequence_parallel or (stated_interleave and r.tensor > 1)
    return key


def test_sixth_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed, 9c30b63, before any error on it was
    # computed, after the five earlier sets had been seen; the experiment reports its errors).
    from gapstudy.costmodel.validation import held_out_6, run_params
    runs = measurements.HELD_OUT_6
    assert held_out_6.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    sources = {measurements.OPT175B, measurements.BLOOMBERGGPT, measurements.TINYLLAMA}
    assert [r.source for r in runs] == [measurements.OPT175B, measurements.BLOOMBERGGPT, measurements.TINYLLAMA]
    # every row cited: a paper or README, its section or table, and the repository files a layout was read from
    assert all("section" in r.source or "Table" in r.source or "Training Details" in r.source for r in runs)
    assert "arXiv:" in measurements.OPT175B and "arXiv:" in measurements.BLOOMBERGGPT
    assert "metaseq" in measurements.OPT175B and "commit" in measurements.TINYLLAMA
    # sources used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(6)
    assert sources.isdisjoint({r.source for r in earlier})
    _assert_new_rows_well_formed(runs, earlier, ("tflops", "step_time"))
    opt, bbg, tiny = runs
    assert [(r.recompute, r.flash_attention) for r in runs] == [("full", False), ("full", False), ("none", True)]
    # OPT-175B: 992 GPUs = TP 8 x 124 replicas, 8 sequences each (the launcher's ddp_bsz for 2M tokens), FSDP without
    # resharding after forward as ZeRO-2, FP16 weights with FP32 Adam state, the paper's "up to 147 TFLOP/s" recompute-counted
    assert (opt.chip, opt.tensor * opt.pipeline * opt.data, opt.tensor, opt.pipeline) == ("a100_80gb", 992, 8, 1)
    assert opt.global_batch == 124 * 8 == 2 * 1024 * 1024 // 124 // 2048 * 124 and opt.micro_batches == (8,)
    assert (opt.zero_stage, opt.bytes_per_param, opt.metric, opt.value, opt.year) == (2, 12.0, "tflops", 147.0, 2021)
    assert opt.embedding_params is None and opt.layer_weights is None and opt.hardware_changes == {}  # tied + learned pos.
    # BloombergGPT: 512 A100-40GB on EFA, ZeRO-3 over all GPUs (the paper's 128-GPU sharding groups not modelled),
    # batch 2048 of 2048 tokens, 32.5 s a step; ALiBi and tied embeddings: V h outside the blocks
    assert (bbg.chip, bbg.tensor, bbg.pipeline, bbg.data, bbg.global_batch) == ("a100_40gb", 1, 1, 512, 2048)
    assert (bbg.zero_stage, bbg.bytes_per_param, bbg.metric, bbg.value, bbg.year) == (3, 16.0, "step_time", 32.5, 2023)
    assert bbg.embedding_params == 131072 * 7680 and bbg.hardware_changes == {"inter_node_bandwidth_gbs": 6.25}
    assert bbg.layer_weights is None
    # TinyLlama: 16 A100-40GB, pure FSDP (Fabric's default FULL_SHARD), 1,024 sequences, 8 per GPU per micro-step, no
    # checkpointing; 24k tokens/s per GPU as a step time; GQA (4 groups of 32 heads) and SwiGLU 5632: 10.5 h^2 a block
    assert (tiny.chip, tiny.tensor, tiny.pipeline, tiny.data, tiny.global_batch, tiny.micro_batches) == (
        "a100_40gb", 1, 1, 16, 1024, (8,))
    assert (tiny.zero_stage, tiny.bytes_per_param, tiny.metric, tiny.year) == (3, 16.0, "step_time", 2023)
    assert tiny.value == pytest.approx(1024 * 2048 / (24_000 * 16)) and tiny.layer_weights == pytest.approx(10.5)
    assert tiny.embedding_params == 2 * 32000 * 2048 and tiny.hardware_changes == {}
    assert run_params(tiny) / 1e9 == pytest.approx(1.1, rel=0.01)
    # the papers' parameter counts (OPT-175B; BloombergGPT 50.6B) and the published rates' arithmetic
    assert run_params(opt) / 1e9 == pytest.approx(175.0, rel=0.005)
    assert run_params(bbg) / 1e9 == pytest.approx(50.6, rel=0.002)
    assert 102e12 * 512 * bbg.value / (bbg.global_batch * bbg.seq_len) == pytest.approx(8 * 50.6e9, rel=0.001)
    L, h, s, V = opt.layers, opt.hidden, opt.seq_len, opt.vocab
    per_token = 96.0 * L * h * h * (1 + s / (6 * h) + V / (16 * L * h))  # Megatron formula, recompute counted
    assert 300e9 * per_token / (1024 * opt.value * 1e12) / 86400 == pytest.approx(33.0, abs=0.2)  # the team's 33 days


def test_sharded_fit_set_fits_the_overlap_rate_and_per_layer_collectives():
    """The round on sharded data parallelism: FIT_SHARDED is the rows of held-out sets 2, 5 and 6 (fit side since), the
    sharded overlap rate is fitted there alone, and ZeRO-3 pays one ring latency per layer collective."""
    from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.step import evaluate
    from gapstudy.costmodel.validation import fit_sharded
    assert measurements.FIT_SHARDED == measurements.HELD_OUT_2 + measurements.HELD_OUT_5 + measurements.HELD_OUT_6
    assert not {r.label for r in measurements.FIT_SHARDED} & {r.label for r in fit_rows()}  # the 33 rows: no ZeRO-3
    assert all(r.zero_stage != 3 for r in fit_rows())
    # the fit: 0.05 (0.06 ties within 0.01 point), 11.1% -> 5.0% mean on the 25 rows; 0 (nothing hidden) 7.1%, 0.2 8.3%
    r = fit_sharded()
    assert r["sharded_overlap_rate"] == DEFAULT_CALIBRATION.sharded_overlap_rate == 0.05
    assert 0.045 <= r["mean_abs_error"] <= 0.055 and r["scores"][0.0] > 0.065 and r["scores"][0.2] > 0.08
    s = error_summary(validate(rows=measurements.FIT_SHARDED))
    assert 0.045 <= s["mean_abs_error"] <= 0.055 and 0.35 <= s["max_abs_error"] <= 0.42 and abs(s["size_drift_points"]) <= 4.0
    worst = max(validate(rows=measurements.FIT_SHARDED), key=lambda row: abs(row.error))
    assert worst.label == "BloombergGPT 50B, 512 GPUs" and worst.error > 0.3  # EFA, MiCS groups: still too fast
    # the 33-row fit set does not move (no ZeRO-3 row in it)
    f = error_summary(validate(rows=fit_rows()))
    assert f["mean_abs_error"] <= 0.025 and f["max_abs_error"] <= 0.065
    # per-layer collectives: ZeRO-3's latency term is L/p times that of one collective per phase; stage 2 unchanged
    hw = get_hardware("a100_80gb")
    kw = dict(layers=40, hidden=5120, heads=40, seq_len=2048, vocab=50368, global_batch=256, micro_batch=2, tensor=1,
              pipeline=1, data=128, recompute=0, sequence_parallel=False, interleave=1, hardware=hw, bytes_per_param=16.0)
    z3 = evaluate(**kw, zero_stage=3)
    slow = evaluate(**{**kw, "hardware": hw.replace(inter_node_latency_s=2.0 * hw.inter_node_latency_s)}, zero_stage=3)
    added = float(slow["dp_comm_time"][()] - z3["dp_comm_time"][()])
    assert added == pytest.approx(3.0 * 1 * 40 * 127 * hw.inter_node_latency_s, rel=1e-9)  # 3m x L collectives
    # the overlap rate: compute c hides at most rate x c of the ZeRO-3 traffic (full overlap of pure data parallelism)
    from gapstudy.costmodel.techniques import OVERLAP_FROM_2023
    raw = evaluate(**kw, zero_stage=3)["dp_comm_time"]
    hid = evaluate(**kw, zero_stage=3, overlap=OVERLAP_FROM_2023)
    expect = raw - np.minimum(raw, DEFAULT_CALIBRATION.sharded_overlap_rate * hid["compute_time"])
    assert float(hid["dp_comm_time"][()]) == pytest.approx(float(expect[()]), rel=1e-9)


def test_seventh_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed, 3d0caf9, before any error on it was
    # computed, after the six earlier sets had been seen; the experiment reports its errors).
    from gapstudy.costmodel.validation import held_out_7, run_params
    runs = measurements.HELD_OUT_7
    assert held_out_7.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    assert len(runs) == 22 and {r.source for r in runs} == {measurements.INTERNLM}
    # cited: the page, its versions (commits) and the config the shape was read from
    assert "train_performance.md" in measurements.INTERNLM and "FLOPS Testing" in measurements.INTERNLM
    assert "commit 20fe5ac" in measurements.INTERNLM and "commit 85706ef" in measurements.INTERNLM
    assert "configs/7B_sft.py" in measurements.INTERNLM
    # a source used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(7)
    assert measurements.INTERNLM not in {r.source for r in earlier}
    _assert_new_rows_well_formed(runs, earlier, ("step_time",))
    for r in runs:
        # InternLM 7B (configs/7B_sft.py): 32 x 4096, 32 heads, SwiGLU 11008, V 103,168 untied, 2048 tokens
        assert (r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == (32, 4096, 32, 2048, 103168)
        assert r.layer_weights == pytest.approx(4 + 3 * 11008 / 4096) and r.embedding_params == 2 * 103168 * 4096
        # pure data parallelism over every GPU with the node-local hybrid ZeRO-1 as ZeRO-1 over all, bf16, FlashAttention,
        # 4 x 100 Gb RoCE per 8-GPU node
        assert (r.chip, r.year, r.tensor, r.pipeline, r.zero_stage, r.bytes_per_param) == ("a100_80gb", 2023, 1, 1, 1, 16.0)
        assert r.flash_attention and r.hardware_changes == {"inter_node_bandwidth_gbs": 4 * 100 / 8 / 8}
        assert len(r.micro_batches) == 1 and r.recompute in ("full", "none")
    assert run_params(runs[0]) / 1e9 == pytest.approx(7.32, rel=0.005)
    # the tables: GPU Num, Micro Bsz, Micro Num, Global Bsz (tokens, M = 2^20), TGS
    ckpt = [(8, 8, 1, 0.125, 3314), (16, 8, 1, 0.25, 3268), (32, 8, 1, 0.5, 3323), (64, 8, 1, 1, 3217),
            (128, 8, 1, 2, 3260), (256, 8, 1, 4, 3215), (512, 8, 1, 8, 3199), (1024, 8, 1, 16, 3163),
            (512, 4, 1, 4, 2963), (1024, 2, 1, 4, 2341), (1024, 4, 1, 8, 2796)]
    nockpt = [(8, 2, 4, 0.125, 4103), (16, 2, 4, 0.25, 3939), (32, 2, 4, 0.5, 3919), (64, 2, 4, 1, 3944),
              (128, 2, 4, 2, 3928), (256, 2, 4, 4, 3920), (512, 2, 4, 8, 3900), (1024, 2, 4, 16, 3625),
              (512, 2, 2, 4, 3084), (1024, 2, 1, 4, 2346), (1024, 2, 2, 8, 2817)]
    for r, (gpus, mb, mn, mtok, tgs), ac in zip(runs, ckpt + nockpt, [True] * 11 + [False] * 11):
        assert (r.data, r.micro_batches, r.recompute) == (gpus, (mb,), "full" if ac else "none")
        assert r.global_batch == gpus * mb * mn and r.global_batch * r.seq_len == mtok * 2**20
        assert r.value == pytest.approx(mb * mn * 2048 / tgs)
        assert r.label == f"InternLM 7B, {gpus} GPUs, micro-batch {mb} x {mn}, AC {'on' if ac else 'off'}"
    # the checkpointed table's TFLOPS column against TGS x the Megatron count with recomputation (a check of the shape)
    L, h, s, V = 32, 4096, 2048, 103168
    per_token = 96.0 * L * h * h * (1 + s / (6 * h) + V / (16 * L * h))
    tflops = [193, 191, 188, 188, 187, 187, 186, 184, 173, 136, 160]
    ratios = [tgs * per_token / 1e12 / t - 1 for (_, _, _, _, tgs), t in zip(ckpt, tflops)]
    assert sum(abs(x) < 0.005 for x in ratios) == 8 and max(abs(x) for x in ratios) < 0.035


def test_width_fit_set_fits_the_data_parallel_overlap_rate():
    """The round on the per-step cost of data parallelism: FIT_WIDTH is the seventh held-out set (InternLM 7B, evaluated
    once as held out, fit side since) and MegaScale's Megatron-LM baseline; the overlap rate of pure data parallelism's
    stage 0-2 traffic is fitted there alone, and the fit set and FIT_SHARDED keep their errors."""
    from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.step import evaluate
    from gapstudy.costmodel.techniques import OVERLAP_FROM_2023
    from gapstudy.costmodel.validation import fit_width
    assert measurements.FIT_WIDTH == measurements.HELD_OUT_7 + measurements.MEGASCALE_BASELINE
    assert not {r.label for r in measurements.FIT_WIDTH} & {r.label for r in fit_rows() + measurements.FIT_SHARDED}
    # the fit: 0.02 (InternLM 22.5% -> 3.9%, 0 gives 4.2%, 0.1 7.4%, 1 the model before the round)
    r = fit_width()
    assert r["dp_overlap_rate"] == DEFAULT_CALIBRATION.dp_overlap_rate == 0.02
    assert 0.065 <= r["mean_abs_error"] <= 0.08 and r["scores"][1.0] > 0.19 and r["scores"][0.1] > r["scores"][0.02]
    s7 = error_summary(validate(rows=measurements.HELD_OUT_7))
    assert 0.035 <= s7["mean_abs_error"] <= 0.045 and s7["max_abs_error"] <= 0.25
    before = error_summary(validate(DEFAULT_CALIBRATION.replace(dp_overlap_rate=1.0), measurements.HELD_OUT_7))
    assert 0.22 <= before["mean_abs_error"] <= 0.23 and 0.92 <= before["max_abs_error"] <= 0.93  # the first evaluation
    # MegaScale's rows run without overlap: untouched (their per-step cost stays missing: +5.8..+24.5%)
    ms = error_summary(validate(rows=measurements.MEGASCALE_BASELINE))
    assert 0.15 <= ms["mean_abs_error"] <= 0.16 and ms["mean_error"] > 0.1
    # the fit set and FIT_SHARDED keep their errors
    f = error_summary(validate(rows=fit_rows()))
    assert f["mean_abs_error"] <= 0.025 and f["max_abs_error"] <= 0.065
    sh = error_summary(validate(rows=measurements.FIT_SHARDED))
    assert 0.045 <= sh["mean_abs_error"] <= 0.055
    # the rejected candidates are neutral by default (no array work for them on the search's path)
    d = DEFAULT_CALIBRATION
    assert (d.dp_hide_backward_only, d.dp_latency_log2_seconds, d.dp_latency_linear_seconds, d.dp_bandwidth_fraction,
            d.step_fixed_seconds) == (False, 0.0, 0.0, 1.0, 0.0)
    # the rate: compute c hides at most rate x c of a pure data-parallel ZeRO-1 all-reduce; model-parallel runs keep
    # their fitted fraction bounded by a micro-batch's compute
    hw = get_hardware("a100_80gb")
    kw = dict(layers=32, hidden=4096, heads=32, seq_len=2048, vocab=50304, global_batch=2048, micro_batch=2, pipeline=1,
              zero_stage=1, recompute=0, sequence_parallel=False, interleave=1, hardware=hw, bytes_per_param=16.0, era=2023)
    raw = evaluate(**kw, tensor=1, data=1024)["dp_comm_time"]
    hid = evaluate(**kw, tensor=1, data=1024, overlap=OVERLAP_FROM_2023)
    m_ = float(hid["micro_batches"][()])
    expect = raw - np.minimum(raw, 0.02 * hid["compute_time"] / m_)
    assert float(hid["dp_comm_time"][()]) == pytest.approx(float(expect[()]), rel=1e-9)
    raw_t = evaluate(**kw, tensor=2, data=512)["dp_comm_time"]
    hid_t = evaluate(**kw, tensor=2, data=512, overlap=OVERLAP_FROM_2023)
    expect_t = raw_t - np.minimum(0.25 * raw_t, hid_t["compute_time"] / float(hid_t["micro_batches"][()]))
    assert float(hid_t["dp_comm_time"][()]) == pytest.approx(float(expect_t[()]), rel=1e-9)


def test_eighth_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed after the seven earlier sets had been
    # seen and before any error on it was computed; the experiment reports its errors).
    from gapstudy.costmodel.validation import held_out_8, run_params
    runs = measurements.HELD_OUT_8
    assert held_out_8.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    azure = [r for r in runs if r.source == measurements.DEEPSPEED_AZURE]
    meg = [r for r in runs if r.source == measurements.MEGATRON_2019]
    assert len(runs) == 16 and len(azure) == 3 and len(meg) == 13
    # cited: the post, its versions (commits) and the recipe the layout was read from; the paper and its tables
    assert "2022-07-26-deepspeed-azure.md" in measurements.DEEPSPEED_AZURE and "commit 1db802d" in measurements.DEEPSPEED_AZURE
    assert "2022-07-18-deepspeed-azure.md" in measurements.DEEPSPEED_AZURE and "commit 0108579" in measurements.DEEPSPEED_AZURE
    assert "examples/azure/run-benchmark-model.sh" in measurements.DEEPSPEED_AZURE and "commit 62bc456" in measurements.DEEPSPEED_AZURE
    assert "arXiv:1909.08053v4" in measurements.MEGATRON_2019 and "Figure 5" in measurements.MEGATRON_2019
    assert "Tables 7-8" in measurements.MEGATRON_2019 and "Table 1" in measurements.MEGATRON_2019
    # sources used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(8)
    assert {measurements.DEEPSPEED_AZURE, measurements.MEGATRON_2019}.isdisjoint({r.source for r in earlier})
    key = _assert_new_rows_well_formed(runs, earlier, ("tflops",))
    assert len({key(r) for r in runs}) == len(runs)  # none repeated within the set
    for r in runs:
        assert r.pipeline == 1 and r.framework == "megatron"
        # GPT-2-style blocks: 4h MLP, learned positions, tied embeddings (the defaults); full recomputation; no FlashAttention
        assert r.layer_weights is None and r.embedding_params is None and r.recompute == "full" and not r.flash_attention
        # no accumulation: one micro-batch per replica a step
        assert len(r.micro_batches) == 1 and r.global_batch == r.data * r.micro_batches[0]
    # DeepSpeed on Azure: ZeRO-3 data parallelism over every GPU (TP = PP = 1), FP16, GPT-2 BPE padded to 50,304, NDm A100 v4
    # (one 200 Gb/s HDR link per GPU: the catalogue's a100_80gb, unchanged), software of 2022
    for r in azure:
        assert (r.chip, r.year, r.tensor, r.zero_stage, r.bytes_per_param, r.vocab) == ("a100_80gb", 2022, 1, 3, 16.0, 50304)
        assert r.hardware_changes == {}
    # Table 2 shapes and the post's stated peaks: (layers, hidden, heads, sequence, GPUs, micro-batch, TFLOP/s per GPU)
    table = [(96, 12288, 96, 512, 256, 32, 204.49), (128, 25600, 160, 1024, 1024, 8, 165.36),
             (160, 32768, 128, 1024, 1024, 8, 157.0)]
    for r, (L, h, a, s, gpus, mb, tflops) in zip(azure, table):
        assert (r.layers, r.hidden, r.heads, r.seq_len, r.data, r.micro_batches, r.value) == (L, h, a, s, gpus, (mb,), tflops)
    assert [round(run_params(r) / 1e9, -1) for r in azure] == [170.0, 1010.0, 2060.0]
    # Megatron-LM 2019: V100-32GB in 16-GPU DGX-2H servers (100 GB/s between servers, 130 TFLOP/s peak per the paper's 39 =
    # 30%), Megatron's defaults (18 bytes per parameter, no ZeRO), vocabulary 51,200, sequence 1024, 8 sequences per replica
    for r in meg:
        assert (r.chip, r.year, r.zero_stage, r.bytes_per_param, r.vocab, r.seq_len) == ("v100_32gb", 2019, 0, 18.0, 51200, 1024)
        assert r.hardware_changes == {"chips_per_node": 16, "inter_node_bandwidth_gbs": 100 / 16, "peak_flops": 130e12}
        assert r.micro_batches == (8,) and r.data in (1, 64) and r.tensor in (1, 2, 4, 8)
    shapes = {"1.2B": (40, 1536, 16), "2.5B": (54, 1920, 20), "4.2B": (64, 2304, 24), "8.3B": (72, 3072, 32)}
    # (model, heads if not Table 1's, tensor, data, efficiency against the 39 TFLOP/s single-GPU baseline)
    rows = [("1.2B", None, 1, 1, 1.00), ("2.5B", None, 2, 1, 0.95), ("4.2B", None, 4, 1, 0.82), ("8.3B", None, 8, 1, 0.77),
            ("1.2B", None, 1, 64, 0.96), ("2.5B", None, 2, 64, 0.83), ("4.2B", None, 4, 64, 0.79), ("8.3B", None, 8, 64, 0.74),
            ("8.3B", 16, 8, 1, 0.82), ("8.3B", 24, 8, 1, 0.80),
            ("1.2B", None, 2, 1, 1.64 / 2), ("1.2B", None, 4, 1, 2.34 / 4), ("1.2B", None, 8, 1, 2.98 / 8)]
    for r, (name, heads, t, d, eff) in zip(meg, rows):
        L, h, a = shapes[name]
        assert (r.layers, r.hidden, r.heads, r.tensor, r.data, r.global_batch) == (L, h, heads or a, t, d, 8 * d)
        assert r.value == pytest.approx(39.0 * eff) and name in r.label
    assert [round(run_params(r) / 1e9, 1) for r in meg[:4]] == [1.2, 2.5, 4.2, 8.3]


def test_ninth_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed after the eight earlier sets had been
    # seen and before any error on it was computed; held_out_9 reports its errors, later and elsewhere).
    from gapstudy.costmodel.hardware import get_hardware
    from gapstudy.costmodel.validation import held_out_9, run_params
    runs = measurements.HELD_OUT_9
    assert held_out_9.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    tr1 = [r for r in runs if r.source == measurements.BIGSCIENCE_TR1]
    sc = [r for r in runs if r.source == measurements.STARCODER]
    pax = [r for r in runs if r.source == measurements.PAX]
    assert (len(runs), len(tr1), len(sc), len(pax)) == (11, 4, 1, 6)
    # cited: the pages and their versions (commits), the paper and where its text was read, the configs
    assert "tr1-13B-base/README.md" in measurements.BIGSCIENCE_TR1 and "commit 053adaf" in measurements.BIGSCIENCE_TR1
    assert "chronicles.md" in measurements.BIGSCIENCE_TR1 and "commit 0f19d3f" in measurements.BIGSCIENCE_TR1
    assert "experiments/bandwidth/README.md" in measurements.BIGSCIENCE_TR1
    assert "arXiv:2305.06161" in measurements.STARCODER and "Multi-Node GPU Setup" in measurements.STARCODER
    assert "commit f035c42" in measurements.STARCODER and "model card" in measurements.STARCODER
    assert "rosetta/rosetta/projects/pax/README.md" in measurements.PAX and "commit 12d19d5" in measurements.PAX
    assert "configs.py (commit 04516ac)" in measurements.PAX and "model_params.py (commit 0a866a7)" in measurements.PAX
    # sources used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(9)
    sources = {measurements.BIGSCIENCE_TR1, measurements.STARCODER, measurements.PAX}
    assert sources.isdisjoint({r.source for r in earlier})
    key = _assert_new_rows_well_formed(runs, earlier, ("step_time",))
    assert len({(key(r), r.chip) for r in runs}) == len(runs)  # the same layout only on two chips (Pax)
    assert {r.chip for r in runs} == {"v100_32gb", "a100_80gb", "h100"} and {r.year for r in runs} == {2021, 2023}
    for r in runs:  # one stated micro-batch each; GPT-2 blocks except StarCoder's multi-query attention
        assert len(r.micro_batches) == 1 and (r.layer_weights is None) == (r.source != measurements.STARCODER)
    # tr1-13B: 40 x 5120, 32 heads, s 2048, GPT-2 BPE padded to 128 x TP; TP 2 x PP 4 per replica, micro-batch 1, ZeRO-1,
    # full recomputation, FP16 at 18 bytes a parameter, DeepSpeed's pipeline engine; Jean Zay's 4-GPU V100 nodes with 400 Gb/s
    # of Omni-Path a node (the catalogue's 12.5 GB/s a GPU)
    for r in tr1:
        assert (r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == (40, 5120, 32, 2048, 50432) and 50432 % (128 * 2) == 0
        assert (r.chip, r.year, r.tensor, r.pipeline, r.micro_batches, r.recompute) == ("v100_32gb", 2021, 2, 4, (1,), "full")
        assert (r.zero_stage, r.bytes_per_param, r.framework, r.flash_attention) == (1, 18.0, "deepspeed", False)
        assert r.hardware_changes == {"chips_per_node": 4} and r.embedding_params is None
    assert get_hardware("v100_32gb").inter_node_bandwidth_gbs == 400 / 4 / 8
    # (nodes of 4 GPUs, global batch, seconds per iteration) and micro-batches per replica a step
    stages = [(4, 64, 17.25), (32, 784, 32.0), (64, 1024, 24.5), (128, 1024, 13.2482)]
    for r, (nodes, batch, secs) in zip(tr1, stages):
        assert (r.tensor * r.pipeline * r.data, r.global_batch, r.value) == (4 * nodes, batch, secs)
    assert [r.global_batch // r.data for r in tr1] == [32, 49, 32, 16]  # "GAS=16 per replica" at 128 nodes
    assert tr1[0].value == pytest.approx((17.0 + 17.5) / 2) and tr1[2].value == pytest.approx((23 + 26) / 2)
    assert round(run_params(tr1[0]) / 1e9) == 13
    # StarCoderBase: TP 4 x PP 4 x DP 32 on 512 A100-80GB, micro-batch 1 x 16 accumulation = 512 x 8192 tokens (4M), MQA
    # (one key-value head of 48), 4h MLP, learned positions, tied embeddings, FlashAttention; 24 days for 250k steps
    (s,) = sc
    assert (s.chip, s.year, s.tensor, s.pipeline, s.data, s.global_batch, s.micro_batches) == ("a100_80gb", 2023, 4, 4, 32,
                                                                                             512, (1,))
    assert s.global_batch // (s.data * s.micro_batches[0]) == 16 and s.global_batch * s.seq_len == 512 * 8192
    assert (s.layers, s.hidden, s.heads, s.seq_len, s.vocab) == (40, 6144, 48, 8192, 49152)
    assert s.layer_weights == pytest.approx(2 + 2 / 48 + 8) and s.embedding_params is None and s.flash_attention
    assert (s.zero_stage, s.bytes_per_param, s.framework, s.hardware_changes) == (0, 18.0, "megatron", {})
    assert s.value == pytest.approx(24 * 86400 / 250_000) and s.recompute == ("none", "selective", "full")
    assert run_params(s) / 1e9 == pytest.approx(15.5, rel=0.005)
    assert 250_000 * s.global_batch * s.seq_len / 1e12 == pytest.approx(1.0, rel=0.05)  # "one trillion tokens"
    # Pax (TE BF16 rows): GPT126M pure data parallelism over 64 GPUs, 5B / 175B FSDP (ZeRO-3) over 256; BS / GPU 4 / 8 / 6,
    # no accumulation; FP32 state (16 bytes); remat none / dots without batch dims (selective or full, not pinned) / full
    shapes = {"126M": (12, 768, 12, 50304, 64, 4, 0, "none"), "5B": (24, 4096, 32, 50304, 256, 8, 3, ("selective", "full")),
              "175B": (96, 12288, 96, 50257, 256, 6, 3, "full")}
    table = [("a100_80gb", "126M", 2512.2, 0.71), ("a100_80gb", "5B", 586.82, 3.02), ("a100_80gb", "175B", 19.47, 68.49),
             ("h100", "126M", 4143.21, 0.43), ("h100", "5B", 1066.67, 1.67), ("h100", "175B", 44.01, 30.35)]
    max_steps = {"126M": 600_000, "5B": 75_000, "175B": 75_000}
    for r, (chip, size, seqs, days) in zip(pax, table):
        L, h, a, V, gpus, bs, zero, rc = shapes[size]
        assert (r.chip, r.layers, r.hidden, r.heads, r.vocab, r.seq_len) == (chip, L, h, a, V, 2048) and size in r.label
        assert (r.tensor, r.pipeline, r.data, r.global_batch, r.micro_batches) == (1, 1, gpus, gpus * bs, (bs,))
        assert (r.zero_stage, r.recompute, r.bytes_per_param, r.flash_attention, r.year) == (zero, rc, 16.0, False, 2023)
        assert r.hardware_changes == {} and r.framework == "megatron" and r.embedding_params is None
        assert r.value == pytest.approx(r.global_batch / seqs)
        # the table's estimated walltime is MAX_STEPS steps at this step time: a check of the global batch read
        assert max_steps[size] * r.value / 86400 == pytest.approx(days, rel=0.005)
    assert [round(run_params(r) / 1e9, 2) for r in pax[:3]] == [0.13, 5.05, 174.6]


def test_tenth_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed after the nine earlier sets had been
    # seen and before any error on it was computed; held_out_10 reports its errors, later and elsewhere, once).
    import inspect
    from gapstudy.costmodel.validation import held_out_10, run_params
    from gapstudy.experiments import parallelism_cost
    runs = measurements.HELD_OUT_10
    assert held_out_10.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    # left unevaluated until the engine round's model (which cannot move its rows): then evaluated once, and the
    # experiment reports it (test_tenth_held_out_set_one_evaluation_is_recorded pins that evaluation)
    assert "held_out_10" in inspect.getsource(parallelism_cost)
    zb = [r for r in runs if r.source == measurements.ZERO_BUBBLE]
    sm = [r for r in runs if r.source == measurements.SMOLLM3]
    dg = [r for r in runs if r.source == measurements.DGXC_GPT3]
    mx = [r for r in runs if r.source == measurements.DGXC_MAXTEXT]
    assert (len(runs), len(zb), len(sm), len(dg), len(mx)) == (21, 12, 1, 5, 3)
    # cited: the paper, its tables, where its text was read; the README, the Playbook's copy and the shape's file (commits)
    assert "arXiv:2401.10241" in measurements.ZERO_BUBBLE and "Table 3" in measurements.ZERO_BUBBLE
    assert "Table 4" in measurements.ZERO_BUBBLE and "Markdown conversions" in measurements.ZERO_BUBBLE
    assert "text/pretraining/README.md, commit cdbe30a" in measurements.SMOLLM3
    assert "rio-cAI/nanoGPT" in measurements.SMOLLM3 and "commit 89f2706" in measurements.SMOLLM3
    assert "configuration_smollm3.py, commit 6551e17" in measurements.SMOLLM3
    assert "NVIDIA/dgxc-benchmarking" in measurements.DGXC_GPT3 and "README_175b.md" in measurements.DGXC_GPT3
    assert "gpt3_175b_hydra.yaml" in measurements.DGXC_GPT3 and "commit 35a9aec" in measurements.DGXC_GPT3
    assert "maxtext/README_70b.md" in measurements.DGXC_MAXTEXT and "commit 35a9aec" in measurements.DGXC_MAXTEXT
    assert "MaxText/layers/models.py" in measurements.DGXC_MAXTEXT and "commit 0042423" in measurements.DGXC_MAXTEXT
    # sources used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(10)
    new_sources = {measurements.ZERO_BUBBLE, measurements.SMOLLM3, measurements.DGXC_GPT3, measurements.DGXC_MAXTEXT}
    assert new_sources.isdisjoint({r.source for r in earlier})
    key = _assert_new_rows_well_formed(runs, earlier, ("step_time",), uneven_pipeline=True, stated_interleave=True,
                                       op_level_recompute=True, per_chip=True)
    assert len({key(r) for r in runs}) == len(runs)
    # the one shape and layout an earlier set holds on another chip: torchtitan's Llama 2 70B (A100, local batch 2)
    same = [r for r in earlier if key(r)[:-1] in {key(x)[:-1] for x in runs}]
    assert [(r.source, r.chip) for r in same] == [(measurements.TORCHTITAN, "a100_80gb")]
    assert {r.chip for r in runs} == {"a100_80gb", "h100"} and {r.year for r in runs} == {2023, 2024, 2025}
    assert all(len(r.micro_batches) == 1 and r.hardware_changes == {} and r.framework == "megatron" for r in runs)
    # Zero Bubble (Table 3 shapes; Table 4's 1F1B rows): pure pipeline parallelism over every GPU, one fewer layer on the
    # end stages, s 1024, V 32,000 tied (the stated sizes fix it), no recomputation and no FlashAttention (the memory
    # column), Megatron's 18 bytes a parameter; step = m x b / (samples per GPU per second x GPUs)
    shapes = {"1.5B": (22, 2304, 24, 8, 6), "6.2B": (30, 4096, 32, 8, 3), "14.6B": (46, 5120, 40, 16, 1),
              "28.3B": (62, 6144, 48, 32, 1)}
    table4 = [("1.5B", 24, 11.8), ("1.5B", 32, 12.5), ("1.5B", 64, 13.6), ("6.2B", 24, 3.50), ("6.2B", 32, 3.70),
              ("6.2B", 64, 4.03), ("14.6B", 48, 1.40), ("14.6B", 64, 1.49), ("14.6B", 128, 1.64), ("28.3B", 96, 0.76),
              ("28.3B", 128, 0.80), ("28.3B", 256, 0.88)]
    for r, (size, m, rate) in zip(zb, table4):
        L, h, a, gpus, b = shapes[size]
        assert (r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == (L, h, a, 1024, 32000) and size in r.label
        assert (r.chip, r.year, r.tensor, r.pipeline, r.data) == ("a100_80gb", 2023, 1, gpus, 1)
        assert (r.global_batch, r.micro_batches, r.global_batch // b) == (m * b, (b,), m)
        assert (r.timed_layers, r.last_stage_layers) == (L + 2, (L + 2) // gpus - 1)
        assert (r.recompute, r.flash_attention, r.zero_stage, r.bytes_per_param) == ("none", False, 0, 18.0)
        assert r.layer_weights is None and r.embedding_params is None
        assert r.value == pytest.approx(m * b / (rate * gpus))
    # the stated sizes: 1.5 / 6.2 / 14.6 / 28.3B at V 32,000 with a tied embedding and learned positions
    assert [round(run_params(r) / 1e9, 1) for r in zb[::3]] == [1.5, 6.2, 14.6, 28.3]
    # SmolLM3 3B: TP 2 x DP 192 on 384 H100 (48 nodes), micro-batch 3, no accumulation: 576 x 4096 = 2.36M tokens a step;
    # ZeRO-0; GQA (4 of 16 heads), SwiGLU 11008, V 128,256 tied, rotary / NoPE (no position table); 13,500-14,000 tokens/s
    # a GPU (the band's midpoint), which the README's 24 days for 11.2T tokens confirm to 3%
    (s,) = sm
    assert (s.chip, s.year, s.tensor, s.pipeline, s.data, s.global_batch, s.micro_batches) == ("h100", 2025, 2, 1, 192, 576,
                                                                                             (3,))
    assert s.global_batch * s.seq_len == pytest.approx(2.36e6, rel=0.001) and s.tensor * s.data == 384
    assert (s.layers, s.hidden, s.heads, s.seq_len, s.vocab) == (36, 2048, 16, 4096, 128256)
    assert s.layer_weights == pytest.approx(2 + 2 * 4 / 16 + 3 * 11008 / 2048) and s.embedding_params == 128256 * 2048
    assert (s.zero_stage, s.flash_attention, s.recompute, s.bytes_per_param) == (0, True, ("none", "selective", "full"), 18.0)
    assert s.value == pytest.approx(576 * 4096 / ((13_500 + 14_000) / 2 * 384))
    assert 11.2e12 / (24 * 86400 * 384) == pytest.approx(s.global_batch * s.seq_len / s.value / 384, rel=0.03)
    assert round(run_params(s) / 1e9) == 3
    # NVIDIA DGX Cloud, GPT-3 175B BF16 (the table of the version read with its config at commit 35a9aec): TP 4 x PP 8 with
    # 12 virtual stages (one layer a chunk), sequence parallelism, micro-batch 1, GBS = 2 x GPUs (64 micro-batches a
    # replica), no recomputation, distributed optimizer (ZeRO-1), TE's FlashAttention; GPT-2 BPE padded to 512: 50,688
    steps = [(128, 8.91), (256, 8.95), (512, 9.09), (1024, 9.01), (2048, 9.02)]
    for r, (gpus, secs) in zip(dg, steps):
        assert (r.chip, r.year, r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == ("h100", 2024, 96, 12288, 96, 2048, 50688)
        assert (r.tensor, r.pipeline, r.data, r.tensor * r.pipeline * r.data) == (4, 8, gpus // 32, gpus)
        assert (r.global_batch, r.micro_batches, r.interleaves, r.global_batch // r.data) == (2 * gpus, (1,), (12,), 64)
        assert (r.recompute, r.sequence_parallel, r.zero_stage, r.flash_attention) == ("none", True, 1, True)
        assert (r.bytes_per_param, r.layer_weights, r.embedding_params, r.timed_layers) == (18.0, None, None, None)
        assert r.value == secs and 50688 % (128 * 4) == 0 and 50688 - 512 < 50257 <= 50688
    assert round(run_params(dg[0]) / 1e9) == 175
    # only these rows use interleaving or sequence parallelism, and only the Zero Bubble rows an uneven pipeline
    assert [r for r in runs if r.interleaves != (1,) or r.sequence_parallel] == dg
    assert [r for r in runs if r.timed_layers is not None] == zb
    # DGX Cloud MaxText Llama 2 70B BF16, FSDP over every GPU (64 / 128 / 256), micro-batch 2, no accumulation, s 4096;
    # custom remat saving q / k / v / out projections and the MLP output: the gate and up projections (2 f / h = 7 h^2)
    # and elementwise ops recomputed; cuDNN flash attention; FP32 weights and Adam (16 bytes); Llama 2 shape, untied
    for r, (gpus, secs) in zip(mx, [(64, 6.999), (128, 7.072), (256, 7.153)]):
        assert (r.chip, r.year, r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == ("h100", 2024, 80, 8192, 64, 4096, 32000)
        assert (r.tensor, r.pipeline, r.data, r.global_batch, r.micro_batches, r.zero_stage) == (1, 1, gpus, 2 * gpus, (2,), 3)
        assert (r.recompute, r.op_recompute_weights, r.flash_attention, r.bytes_per_param) == ("selective", 7.0, True, 16.0)
        assert r.layer_weights == pytest.approx(12.75) and r.embedding_params == 2 * 32000 * 8192 and r.value == secs
    assert [r for r in runs if r.op_recompute_weights is not None] == mx
    assert round(run_params(mx[0]) / 1e9) == 69


def test_ninth_held_out_set_one_evaluation_is_recorded():
    """The ninth set's one held-out evaluation, on the model of the V100 round (commit 9dde445; the engine round changed
    the model since, and `before` below undoes it): mean 22.4%, max 47.1%. Pinned so that it stays reproducible. Its largest misses, by the rows' own parts:
    BigScience's tr1-13B (V100, 2021) is 25-47% too slow with the model's compute alone above three of the four measured
    steps (the V100's e_max before 2022 was fitted on 2019 software), and DeepSpeed's engine adds 5.1 s a step on top."""
    from gapstudy.costmodel.validation import held_out_9
    # the model of that evaluation: the engine round's two changes undone (it made the set's tr1-13B rows fit side)
    before = DEFAULT_CALIBRATION.replace(deepspeed_engine_pipelined_only=False, chip_max_efficiency_2021=())
    rows = validate(before, measurements.HELD_OUT_9)
    s = error_summary(rows)
    assert s["rows"] == 11
    assert s["mean_abs_error"] == pytest.approx(0.224, abs=0.001) and s["max_abs_error"] == pytest.approx(0.471, abs=0.001)
    tr1 = [r for r in rows if r.source == measurements.BIGSCIENCE_TR1]
    assert all(r.error < -0.25 for r in tr1)  # every tr1-13B row predicted too slow
    # without the engine cost the tr1-13B rows would still be too slow: the V100's pre-2022 e_max is the larger part
    plain = validate(before.replace(deepspeed_step_seconds_per_param=0.0), measurements.HELD_OUT_9)
    assert all(p.error < -0.05 for p, r in zip(plain, measurements.HELD_OUT_9) if r.source == measurements.BIGSCIENCE_TR1)
    # the run whose step comes from wall-clock days (restarts, evaluation, checkpoints included) is predicted too fast
    (sc,) = [r for r in rows if r.source == measurements.STARCODER]
    assert sc.error == pytest.approx(0.206, abs=0.001)
    # since the engine round only the tr1-13B rows (fit side, FIT_V100_2021) move; StarCoderBase and Pax are unchanged
    now = held_out_9()
    for a, b in zip(rows, now):
        assert (a.error == b.error) == (a.source != measurements.BIGSCIENCE_TR1), a.label
    assert error_summary(now)["mean_abs_error"] == pytest.approx(0.138, abs=0.001)


def test_v100_fit_set_fits_the_v100_e_max_before_2022():
    """The V100 round: FIT_V100 is the eighth held-out set's Megatron-LM 2019 rows (evaluated once as held out, fit side
    since); the V100's e_max of the software before 2022 is fitted there alone, no other set moves, and HELD_OUT_8 keeps
    its rows so its one held-out evaluation (mean 54.8%, max 136.6%) stays reproducible."""
    from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION
    from gapstudy.costmodel.validation import V100_CHIPS, fit_v100, v100_leave_one_table_out
    assert measurements.FIT_V100 == tuple(r for r in measurements.HELD_OUT_8 if r.source == measurements.MEGATRON_2019)
    assert len(measurements.FIT_V100) == 13 and len(measurements.HELD_OUT_8) == 16
    assert {r.chip for r in measurements.FIT_V100} == {"v100_32gb"}
    assert not {r.chip for r in fit_rows() + measurements.FIT_SHARDED + measurements.FIT_WIDTH} & set(V100_CHIPS)
    before = DEFAULT_CALIBRATION.replace(chip_max_efficiency_before_2022=())
    r = fit_v100(calibration=before)
    assert dict(DEFAULT_CALIBRATION.chip_max_efficiency_before_2022) == {c: r["e_max"] for c in V100_CHIPS}
    assert r["e_max"] == 0.33 and 0.10 <= r["mean_abs_error"] <= 0.12 and r["scores"][0.64] > 0.6
    first = error_summary(validate(before, measurements.HELD_OUT_8))  # the set's one held-out evaluation
    assert 0.547 <= first["mean_abs_error"] <= 0.549 and 1.365 <= first["max_abs_error"] <= 1.367
    lo = v100_leave_one_table_out(calibration=before)
    assert (lo["figure_5"]["rows"], lo["tables_7_8"]["rows"]) == (8, 5)
    assert (lo["figure_5"]["e_max"], lo["tables_7_8"]["e_max"]) == (0.35, 0.32) and 0.13 <= lo["mean_abs_error"] <= 0.14
    # only V100 rows move: the other sets' errors are the same with and without the V100 value
    for rows in (fit_rows(), measurements.FIT_SHARDED, measurements.FIT_WIDTH, measurements.HELD_OUT,
                 measurements.HELD_OUT_3, measurements.HELD_OUT_4, measurements.HELD_OUT_8[:3]):
        assert [x.error for x in validate(rows=rows)] == [x.error for x in validate(before, rows)]
    # the A100 / H100 e_max are untouched: the value applies to V100 rows of the software before 2022 only
    assert DEFAULT_CALIBRATION.max_efficiency(2019, "a100_80gb") == DEFAULT_CALIBRATION.gemm_max_efficiency == 0.64
    assert DEFAULT_CALIBRATION.max_efficiency(2023, "v100_32gb") == DEFAULT_CALIBRATION.gemm_max_efficiency_2022


def test_engine_round_decides_on_its_fit_side_rows_and_moves_nothing_else():
    """The engine round: DeepSpeed's engine cost only with pipelining (decided on FIT_PYTHIA, the first held-out set's Pythia
    rows) and the V100's e_max of 2021 software (fitted on FIT_V100_2021, the ninth set's tr1-13B rows). Both sets had been
    seen; both are fit side since. No other row moves, and the tenth set (unevaluated) cannot: it has no DeepSpeed-engine
    and no V100 row."""
    from gapstudy.costmodel.gemm import V100_2021
    from gapstudy.costmodel.validation import V100_2021_GRID, engine_structure_scores, fit_v100_2021
    assert [r.label for r in measurements.FIT_PYTHIA] == [f"Pythia-{n}" for n in ("1B", "1.4B", "2.8B", "6.9B", "12B")]
    assert all(r.pipeline == 1 and r.framework == "deepspeed" for r in measurements.FIT_PYTHIA)
    assert len(measurements.FIT_V100_2021) == 4 and all(r.chip == "v100_32gb" and r.year == 2021
                                                         for r in measurements.FIT_V100_2021)
    # the structure: GLM-130B (p = 8) fits the same cost either way; Pythia at one stage 57.7% -> 11.9%; the reported-only
    # BigScience layouts within a point (their one-stage rows want a cost, their pipelined rows do not care)
    sc = engine_structure_scores()
    assert sc[True]["seconds_per_param"] == sc[False]["seconds_per_param"] == 3.0e-9
    assert sc[True]["glm"] == sc[False]["glm"] <= 0.01
    assert sc[False]["pythia"] > 0.5 and sc[True]["pythia"] < 0.13
    assert abs(sc[True]["deepspeed_layouts"] - sc[False]["deepspeed_layouts"]) < 0.015
    # the V100's 2021 e_max: the grid's minimum on the four tr1-13B rows; leave one out it scatters (-25..+23%)
    fit = fit_v100_2021()
    assert fit["e_max"] == V100_2021 == 0.53 and V100_2021 in V100_2021_GRID
    assert 0.09 <= fit["mean_abs_error"] <= 0.12
    assert 0.15 <= float(np.mean(np.abs(fit["leave_one_out"]))) <= 0.25
    # nothing else moves: every other row of every set, against the model without the round's two changes
    before = DEFAULT_CALIBRATION.replace(deepspeed_engine_pipelined_only=False, chip_max_efficiency_2021=())
    moved = set()
    for rows in (fit_rows(), measurements.FIT_SHARDED, measurements.FIT_WIDTH, measurements.FIT_V100, measurements.HELD_OUT,
                 measurements.HELD_OUT_3, measurements.HELD_OUT_4, measurements.HELD_OUT_8, measurements.HELD_OUT_9,
                 measurements.FLASH_BASELINES):
        for a, b in zip(validate(before, rows), validate(DEFAULT_CALIBRATION, rows)):
            if a.predicted != b.predicted:
                moved.add(a.label)
    assert moved == {r.label for r in measurements.FIT_PYTHIA + measurements.FIT_V100_2021}
    # the tenth set (left unevaluated) by construction: Megatron-style or JAX/PyTorch runs on A100 / H100 only
    assert all(r.framework == "megatron" and not r.chip.startswith("v100") for r in measurements.HELD_OUT_10)


def test_tenth_held_out_set_one_evaluation_is_recorded():
    """The tenth set's one held-out evaluation (commit cbb67ca, the engine round's model; no change of this session moves
    its rows, so it judges the model of the V100 round as the ninth set did): mean 9.2%, max 23.6%, drift -27.0 points.
    Pinned so that a later change which moves it is seen and said."""
    from gapstudy.costmodel.validation import held_out_10
    rows = held_out_10()
    s = error_summary(rows)
    assert s["rows"] == 21
    assert s["mean_abs_error"] == pytest.approx(0.092, abs=0.001) and s["max_abs_error"] == pytest.approx(0.236, abs=0.001)
    by_source = {}
    for r in rows:
        by_source.setdefault(r.source, []).append(r.error)
    # NeMo's GPT-3 175B on 128-2,048 H100 (TP4 PP8 VP12): within 1.5%; the Zero Bubble paper's Megatron-LM 1F1B baseline
    # on A100s: every row too fast by 3-12%; SmolLM3 3B on H100: too fast; MaxText's FSDP on H100: too slow by 19-22%
    assert all(abs(e) <= 0.015 for e in by_source[measurements.DGXC_GPT3])
    assert all(0.03 <= e <= 0.125 for e in by_source[measurements.ZERO_BUBBLE])
    assert by_source[measurements.SMOLLM3][0] == pytest.approx(0.236, abs=0.001)
    assert all(-0.22 <= e <= -0.18 for e in by_source[measurements.DGXC_MAXTEXT])


def test_eleventh_held_out_set_one_evaluation_is_recorded():
    """The eleventh set's one held-out evaluation (commit 65f9b99, the engine round's model, after the twelfth set was in
    the tree): mean 13.4%, max 49.1%. StableLM-3B (GPT-NeoX at one pipeline stage, committed after the engine round) is
    +7.0%, and -75% with the engine cost at every depth, the structure that round replaced: the round's one clean test."""
    from gapstudy.costmodel.validation import held_out_11
    rows = held_out_11()
    s = error_summary(rows)
    assert s["rows"] == 24
    assert s["mean_abs_error"] == pytest.approx(0.134, abs=0.001) and s["max_abs_error"] == pytest.approx(0.491, abs=0.001)
    (sl,) = [r for r in rows if r.source == measurements.STABLELM_3B]
    assert sl.error == pytest.approx(0.070, abs=0.001)
    old = validate(DEFAULT_CALIBRATION.replace(deepspeed_engine_pipelined_only=False),
                   [r for r in measurements.HELD_OUT_11 if r.source == measurements.STABLELM_3B])
    assert old[0].error < -0.7
    # Alpa's V100 with 2022 software takes the shared 2022 e_max (the A100's 0.73): too fast by a third
    (al,) = [r for r in rows if r.source == measurements.ALPA]
    assert al.error == pytest.approx(0.326, abs=0.001)
    kf = [r for r in rows if r.source in (measurements.KEMPNERFORGE, measurements.KEMPNERFORGE_WEAK)]
    # KempnerForge on H200: small models with tensor parallelism too fast, wide FSDP too slow
    assert all(r.error > 0.10 for r in kf if r.params_b < 9 and r.tensor > 1)
    assert all(-0.12 < r.error < -0.06 for r in kf if r.data >= 16)


def test_eleventh_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed after the ten earlier sets had been
    # seen and before any error on it was computed; held_out_11 reports its errors, later and elsewhere, once).
    import inspect
    from gapstudy.costmodel.validation import held_out_11, run_params
    from gapstudy.experiments import parallelism_cost
    runs = measurements.HELD_OUT_11
    assert held_out_11.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    # left unevaluated until set 12 was in the tree; then evaluated once on the engine round's model, and the experiment
    # reports it (test_eleventh_held_out_set_one_evaluation_is_recorded pins that evaluation)
    assert "held_out_11" in inspect.getsource(parallelism_cost)
    kf = [r for r in runs if r.source == measurements.KEMPNERFORGE]
    al = [r for r in runs if r.source == measurements.ALPA]
    kw = [r for r in runs if r.source == measurements.KEMPNERFORGE_WEAK]
    sl = [r for r in runs if r.source == measurements.STABLELM_3B]
    assert (len(runs), len(kf), len(al), len(kw), len(sl)) == (24, 14, 1, 8, 1)
    # cited: the report and the code files read, with their commits
    assert "mfu_scaling_2026-04-05.md" in measurements.KEMPNERFORGE and "commit 9f3f03a" in measurements.KEMPNERFORGE
    assert "tensor_parallel.py (commit 0c4eba1)" in measurements.KEMPNERFORGE
    assert "parallel.py (commit 01b461a)" in measurements.KEMPNERFORGE
    # bf16 parameters, gradients and AdamW moments (8 bytes): the memory column rules out 16 (7B on one GPU: 80.7 GB)
    assert 8.03e9 * 12 / 1e9 > 80.7 > 8.03e9 * 8 / 1e9
    assert "attention.py (commit 00bb284)" in measurements.KEMPNERFORGE
    assert "benchmark/alpa/README.md, commit 0aa0d01" in measurements.ALPA and "OSDI" in measurements.ALPA
    assert "suite_manual_gpt.py (commit 0f0b908" in measurements.ALPA
    assert "weak_scaling_160gpu/README.md, commit e9f9189" in measurements.KEMPNERFORGE_WEAK
    assert "configs/stablelm-3b-4e1t.yml, commit 8a9fb3d" in measurements.STABLELM_3B
    # sources used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(11)
    assert {r.source for r in runs}.isdisjoint({r.source for r in earlier})
    key = _assert_new_rows_well_formed(runs, earlier, ("step_time",), stated_interleave=True, per_chip=True)
    assert len({key(r) for r in runs}) == len(runs)
    assert all(r.metric == "step_time" for r in runs)
    assert [r for r in runs if r.framework != "megatron"] == sl  # GPT-NeoX's DeepSpeed engine, the one such row
    # KempnerForge (the report's 'Full Results Table', fourteen rows): Llama-3 blocks on 4-GPU H200 nodes, s 4096,
    # V 128,256 untied; FSDP2 (ZeRO-3) over d, DTensor TP (with sequence parallelism) over t, no pipeline; full
    # activation checkpointing; micro-batch 4 / 4 / 2 with 2 / 4 / 4 accumulation steps a data-parallel rank
    shapes = {"7B": (32, 4096, 32, 14336, 4, 2), "13B": (40, 5120, 40, 17920, 4, 4), "70B": (80, 8192, 64, 28672, 2, 4)}
    table = [("7B", 1, 1, 3.13, 10471), ("7B", 1, 2, 3.50, 18728), ("7B", 2, 1, 2.49, 13163), ("7B", 1, 4, 3.36, 38983),
             ("7B", 4, 1, 1.30, 25135), ("7B", 2, 2, 2.52, 25980), ("7B", 4, 2, 1.48, 44299), ("13B", 1, 8, 14.81, 35405),
             ("13B", 4, 2, 4.79, 27345), ("7B", 4, 4, 1.58, 82988), ("13B", 4, 4, 4.87, 53814), ("7B", 4, 8, 1.68, 155917),
             ("13B", 4, 8, 5.03, 104309), ("70B", 4, 8, 14.85, 17657)]
    for r, (size, t, d, secs, tok_s) in zip(kf, table):
        L, h, a, f, b, acc = shapes[size]
        assert (r.chip, r.year, r.hardware_changes) == ("h200", 2026, {"chips_per_node": 4}) and size in r.label
        assert (r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == (L, h, a, 4096, 128256)
        assert (r.tensor, r.pipeline, r.data, r.interleaves) == (t, 1, d, (1,))
        assert (r.global_batch, r.micro_batches, r.global_batch // (d * b)) == (d * b * acc, (b,), acc)
        assert (r.recompute, r.sequence_parallel, r.zero_stage) == ("full", t > 1, 3 if d > 1 else 0)
        assert (r.flash_attention, r.bytes_per_param, r.timed_layers, r.op_recompute_weights) == (True, 8.0, None, None)
        assert r.layer_weights == pytest.approx(2 + 2 * 8 / a + 3 * f / h) and r.embedding_params == 2 * 128256 * h
        assert r.value == secs
        # the table's tok/s is one step's tokens over the step time (all the run's GPUs): the global batch read
        assert r.global_batch * 4096 / r.value == pytest.approx(tok_s, rel=0.01)
    # the stated sizes: 8.03B, 14.84B, 70.55B (untied embeddings, GQA with 8 key-value heads)
    # (run_params counts 13 h a layer for norms and biases: 70.56B for the 70B, within 0.02%)
    assert [run_params(kf[i]) / 1e9 for i in (0, 7, 13)] == pytest.approx([8.03, 14.84, 70.55], rel=0.001)
    # KempnerForge's weak-scaling report: TP 4 x FSDP over every node, the rows whose layout the MFU report does not hold
    weak = [("13B", 16, 4.84, 216507), ("13B", 32, 4.95, 423306), ("13B", 40, 4.91, 534644), ("70B", 2, 18.09, 3623),
            ("70B", 16, 14.63, 35824), ("70B", 24, 15.07, 52190), ("70B", 32, 14.98, 69985), ("70B", 40, 15.32, 85571)]
    for r, (size, d, secs, tok_s) in zip(kw, weak):
        L, h, a, f, b, acc = shapes[size]
        assert (r.chip, r.year, r.hardware_changes) == ("h200", 2026, {"chips_per_node": 4}) and size in r.label
        assert (r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == (L, h, a, 4096, 128256)
        assert (r.tensor, r.pipeline, r.data, r.global_batch, r.micro_batches) == (4, 1, d, d * b * acc, (b,))
        assert (r.recompute, r.sequence_parallel, r.zero_stage, r.flash_attention, r.bytes_per_param) == (
            "full", True, 3, True, 8.0)
        assert r.layer_weights == pytest.approx(2 + 2 * 8 / a + 3 * f / h) and r.embedding_params == 2 * 128256 * h
        assert r.value == secs and r.global_batch * 4096 / r.value == pytest.approx(tok_s, rel=0.002)
    # the layouts both reports hold are kept once, from the MFU report
    assert not {key(r) for r in kw} & {key(r) for r in kf}
    # StableLM-3B-4E1T: 256 A100-40GB on AWS P4d (400 Gb/s EFA a node), the config's DP 256 x micro-batch 4, no
    # accumulation (4.19M tokens a step), ZeRO-1, full recomputation, FlashAttention; 30 days / 955,000 steps
    (st,) = sl
    assert (st.chip, st.year, st.hardware_changes, st.framework) == ("a100_40gb", 2023, {"inter_node_bandwidth_gbs": 6.25},
                                                                     "deepspeed")
    assert (st.layers, st.hidden, st.heads, st.seq_len, st.vocab) == (32, 2560, 32, 4096, 50304)
    assert (st.tensor, st.pipeline, st.data, st.global_batch, st.micro_batches) == (1, 1, 256, 1024, (4,))
    assert st.global_batch * st.seq_len * 955_000 == pytest.approx(4.0e12, rel=0.002)
    assert (st.recompute, st.zero_stage, st.flash_attention, st.bytes_per_param) == ("full", 1, True, 18.0)
    assert st.value == pytest.approx(30 * 86400 / 955_000) and st.embedding_params == 2 * 50304 * 2560
    assert st.layer_weights == pytest.approx(4 + 3 * 6912 / 2560)
    # the card's 2,795,443,200 parameters, exactly, from the width 6,912 and V 50,304 (norm weights and biases included)
    assert 32 * (4 * 2560**2 + 3 * 2560 * 6912 + 4 * 2560) + 2 * 50304 * 2560 + 2 * 2560 == 2_795_443_200
    # Alpa's sanity check (README, April 2022): GPT 2.6B on one p3.16xlarge, DP 2 x OP 2 in each of 2 stages, 4 micro-batches
    # of a 32-sequence batch, remat on every layer, reduce-scatter (sharded weight update), fp16 with FP32 master weights
    (a,) = al
    assert (a.chip, a.year, a.hardware_changes, a.framework) == ("v100_16gb", 2022, {}, "megatron")
    assert (a.layers, a.hidden, a.heads, a.seq_len, a.vocab) == (32, 2560, 32, 1024, 51200)
    assert (a.tensor, a.pipeline, a.data, a.global_batch, a.micro_batches) == (2, 2, 2, 32, (4,))
    assert a.global_batch // (a.data * a.micro_batches[0]) == 4  # the four micro-batches
    assert (a.recompute, a.zero_stage, a.flash_attention, a.bytes_per_param, a.sequence_parallel) == ("full", 2, False, 16.0,
                                                                                                   False)
    assert a.value == 2.425 and a.embedding_params == 2 * 51200 * 2560 and a.layer_weights is None
    # the stated size, Alpa's own count: L (12 h^2 + 13 h) + V h = 2.649B (one V h, no position table)
    assert (32 * (12 * 2560**2 + 13 * 2560) + 51200 * 2560) / 1e9 == pytest.approx(2.649, abs=0.0005)


def test_twelfth_and_thirteenth_held_out_sets_one_evaluation_is_recorded():
    """Sets 12 and 13, each committed before any error on it was computed, evaluated once together (commit after
    8ee572e) on the engine round's model, unchanged since the eleventh set's evaluation: no change was being judged, so
    they test the model as it stands, and the thirteenth's DLPerf rows (Megatron-LM 2021 on V100) the V100 e_max of 2021
    software fitted on tr1-13B's DeepSpeed rows. Pinned so that a later change which moves them is seen and said."""
    from gapstudy.costmodel.validation import held_out_12, held_out_13
    r12, r13 = held_out_12(), held_out_13()
    s12, s13 = error_summary(r12), error_summary(r13)
    assert (s12["rows"], s13["rows"]) == (8, 26)
    assert s12["mean_abs_error"] == pytest.approx(0.116, abs=0.001) and s12["max_abs_error"] == pytest.approx(0.206, abs=0.001)
    assert s13["mean_abs_error"] == pytest.approx(1.127, abs=0.001) and s13["max_abs_error"] == pytest.approx(11.452, abs=0.001)

    def errors(rows, source):
        return [r.error for r in rows if r.source == source]
    # llm.c's own CUDA kernels: faster than the model by 13-21%; PaddleNLP's TP 2 x sharding 4 on one node: within +4..+9%
    assert all(-0.21 < e < -0.13 for e in errors(r12, measurements.LLMC))
    assert all(0.04 < e < 0.09 for e in errors(r12, measurements.PADDLENLP))
    # DLPerf's Megatron-LM on V100 (2021 e_max 0.53): one GPU and pure data parallelism to 32 GPUs within 10%; every
    # layout with tensor parallelism too fast (+7..+24% but for tensor parallelism across nodes, 16 or 32 ranks over one
    # 100 Gb/s link a node: 1.5-1.85x slower than predicted)
    dl = [r for r in r13 if r.source == measurements.DLPERF_MEGATRON]
    assert all(abs(r.error) < 0.10 for r in dl if r.tensor == r.pipeline == 1)
    assert all(r.error > 0.07 for r in dl if r.tensor > 1)
    assert [round(r.error, 2) for r in dl if r.tensor >= 16] == [0.50, 0.85]
    assert errors(r13, measurements.OPEN_LLAMA)[0] == pytest.approx(0.407, abs=0.001)
    # Qwen's fine-tuning steps take 2.1-2.3 s from 256 to 2,048 tokens on one GPU: a per-step cost the model lacks (the
    # set's notes named the Trainer's overheads as not modelled before the evaluation), so the short rows are far off
    qw = errors(r13, measurements.QWEN_FINETUNE)
    assert qw[0] == pytest.approx(11.452, abs=0.001) and qw[5] == pytest.approx(-0.101, abs=0.001)
    assert all(a > b for a, b in zip(qw[:6], qw[1:6]))  # the error falls as the sequence (the work a step) grows


def test_twelfth_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed after the eleven earlier sets had been
    # seen or reserved and before any error on it was computed; held_out_12 reports its errors, elsewhere).
    from gapstudy.costmodel.validation import held_out_12
    runs = measurements.HELD_OUT_12
    assert held_out_12.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    # (the experiment reports it since its one evaluation: test_twelfth_held_out_set_one_evaluation_is_recorded)
    lc = [r for r in runs if r.source == measurements.LLMC]
    pd = [r for r in runs if r.source == measurements.PADDLENLP]
    assert (len(lc), len(pd)) == (4, 4) and [r.source for r in runs] == [measurements.LLMC] * 4 + [measurements.PADDLENLP] * 4
    # cited: the scripts read, with their commits
    assert "run_gpt2_1558M.sh, commit 039904e" in measurements.LLMC and "run_gpt2_350M.sh, commit 100bba0" in measurements.LLMC
    assert "llm/docs/pretrain.md, version of commit 74569c0" in measurements.PADDLENLP
    assert "pretrain-llama2_13b-tp2sd4_stage2.json (commit 5a7e097)" in measurements.PADDLENLP
    # sources used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(12)
    assert {r.source for r in runs}.isdisjoint({r.source for r in earlier})
    key = _assert_new_rows_well_formed(runs, earlier, ("step_time",), per_chip=True)
    assert len({key(r) for r in runs}) == len(runs)
    # llm.c: one 8-GPU node, data parallelism 8 with ZeRO-1, no recomputation (-r 0), cuDNN attention, 16 bytes a
    # parameter; -b micro-batch per GPU and -d tokens a step: 524,288 (512 sequences) or 1,048,576 (1,024)
    for r in lc:
        assert (r.tensor, r.pipeline, r.data, r.zero_stage, r.recompute, r.seq_len, r.vocab) == (1, 1, 8, 1, "none", 1024, 50304)
        assert r.flash_attention and r.bytes_per_param == 16.0 and r.framework == "megatron" and r.year == 2024
        (mb,) = r.micro_batches
        assert r.global_batch * 1024 in (524288, 1048576) and r.global_batch % (8 * mb) == 0
    assert [(r.layers, r.hidden, r.heads, r.chip, r.micro_batches[0], r.value) for r in lc] == [
        (12, 768, 12, "a100_80gb", 64, 0.300), (24, 1024, 16, "a100_80gb", 64, 0.820),
        (36, 1280, 20, "a100_80gb", 32, 1.7), (48, 1600, 25, "h100", 16, 2.80)]
    # PaddleNLP: one 8 x A100-80GB node, tensor 2 x sharding 4 (ZeRO-2), no recomputation, FlashAttention, 64 sequences of
    # 4,096 a step; tokens/card/sec converted to seconds a step as 64 x 4,096 / (8 x value)
    for r in pd:
        assert (r.chip, r.year, r.tensor, r.pipeline, r.data, r.zero_stage, r.recompute) == ("a100_80gb", 2023, 2, 1, 4, 2, "none")
        assert r.flash_attention and r.seq_len == 4096 and r.global_batch == 64 and r.framework == "megatron"
        assert r.embedding_params == 2.0 * r.vocab * r.hidden and not r.sequence_parallel
    assert [round(64 * 4096 / (8 * r.value), 2) for r in pd] == [3755.21, 1975.63, 3607.28, 3542.45]
    assert [(r.layers, r.hidden, r.heads, r.vocab, r.micro_batches) for r in pd] == [
        (32, 4096, 32, 32000, (2,)), (40, 5120, 40, 32000, (1,)), (32, 4096, 32, 151936, (2,)), (32, 4096, 32, 125696, (2,))]


def test_thirteenth_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed after the twelve earlier sets had been
    # seen or reserved and before any error on it was computed; held_out_13 reports its errors, elsewhere).
    from gapstudy.costmodel.validation import held_out_13
    runs = measurements.HELD_OUT_13
    assert held_out_13.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    # (the experiment reports it since its one evaluation: test_thirteenth_held_out_set_one_evaluation_is_recorded)
    dl = [r for r in runs if r.source == measurements.DLPERF_MEGATRON]
    ol = [r for r in runs if r.source == measurements.OPEN_LLAMA]
    qw = [r for r in runs if r.source == measurements.QWEN_FINETUNE]
    assert (len(dl), len(ol), len(qw)) == (16, 1, 9) and runs == tuple(dl) + tuple(ol) + tuple(qw)
    # cited: the README, scripts and report read, with their commits
    assert "Megatron-LM/README.md, version of commit 01e43de" in measurements.DLPERF_MEGATRON
    assert "mutil_perf_pretrain_gpt_dp_mp_pp.sh, commit 10f7979" in measurements.DLPERF_MEGATRON
    assert "NVIDIA/Megatron-LM commit 8aa4619" in measurements.DLPERF_MEGATRON
    assert "README_en.md, version of commit 00cda9e" in measurements.OPEN_LLAMA
    assert "configs/default_config.yaml (commit 0377b43)" in measurements.OPEN_LLAMA
    assert "QwenLM/Qwen README.md, version of commit 03cd81f" in measurements.QWEN_FINETUNE
    assert "finetune/finetune_ds.sh (commit 0400505)" in measurements.QWEN_FINETUNE
    # sources used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(13)
    assert {r.source for r in runs}.isdisjoint({r.source for r in earlier})
    key = _assert_new_rows_well_formed(runs, earlier, ("step_time",), per_chip=True)
    assert len({key(r) for r in runs}) == len(runs)
    # DLPerf's Megatron-LM: four 8 x V100-16GB servers on one 100 Gb/s EDR HCA each, fp16 with full recomputation
    # (--checkpoint-activations), sequence 2048, GPT-2's vocabulary padded to 128 x TP, the table's micro-batches
    for r in dl:
        assert (r.chip, r.year, r.seq_len, r.recompute, r.zero_stage, r.framework) == ("v100_16gb", 2021, 2048, "full", 0,
                                                                                        "megatron")
        assert not r.flash_attention and not r.sequence_parallel and r.bytes_per_param == 18.0
        assert r.hardware_changes == {"inter_node_bandwidth_gbs": 12.5 / 8}
        assert r.vocab % (128 * r.tensor) == 0 and r.vocab - 128 * r.tensor < 50257 <= r.vocab
        assert r.tensor * r.pipeline * r.data in (1, 8, 16, 32)
        (mb,) = r.micro_batches
        assert r.global_batch % (r.data * mb) == 0 and (r.pipeline == 1) == (r.global_batch == r.data * mb)
    assert sorted({(r.layers, r.hidden, r.heads) for r in dl}) == [(12, 768, 12), (16, 1536, 16), (16, 3072, 32),
                                                                    (24, 2304, 24), (32, 3072, 32)]
    # the latencies, ms -> s; the two cases measured in two groups are the means of their two latencies
    assert [round(r.value * 1000, 3) for r in dl] == [464.12, 480.59, 664.46, 683.51, 611.2, 678.54, 5610.23, 13037.85,
                                                      576.48, 593.68, 1313.52, 1508.48, 4893.55, 22166.85, 15331.23,
                                                      16281.51]
    # Open-Llama: 20 x 8 A100-80GB, data parallelism 160 with DeepSpeed ZeRO-1, micro-batch 2 x 12 accumulation steps of
    # 1,024 tokens, no recomputation, xformers attention; 3,290 tokens/s/GPU converted to seconds a step
    (o,) = ol
    assert (o.chip, o.year, o.tensor, o.pipeline, o.data, o.global_batch, o.micro_batches) == ("a100_80gb", 2023, 1, 1, 160,
                                                                                                3840, (2,))
    assert (o.layers, o.hidden, o.heads, o.seq_len, o.vocab) == (32, 4096, 32, 1024, 100000)
    assert (o.recompute, o.zero_stage, o.flash_attention, o.framework) == ("none", 1, True, "megatron")
    assert o.global_batch == 160 * 2 * 12 and round(o.global_batch * 1024 / (160 * o.value), 6) == 3290.0
    assert o.embedding_params == 100000 * 4096 and o.layer_weights == 4.0 + 3.0 * 11008 / 4096
    # the stated 6,885,879,808 parameters: 32 decoder layers of 202,383,360, one tied 409,600,000 embedding and the norms
    assert 32 * (4 * 4096**2 + 3 * 4096 * 11008 + 2 * 4096) == 32 * 202_383_360
    assert 32 * 202_383_360 + 409_600_000 + 3 * 4096 == 6_885_879_808
    # Qwen: full-parameter fine-tuning on one A100-80GB server, micro-batch 1 x 8 accumulation steps, sequences padded to
    # the column's length, full recomputation, FlashAttention-2; ZeRO-3 across the 7B's two GPUs (nothing to shard on one)
    for r in qw:
        assert (r.chip, r.year, r.tensor, r.pipeline, r.micro_batches, r.vocab) == ("a100_80gb", 2023, 1, 1, (1,), 151936)
        assert r.global_batch == 8 * r.data and r.zero_stage == (3 if r.data > 1 else 0)
        assert (r.recompute, r.flash_attention, r.framework, r.bytes_per_param) == ("full", True, "megatron", 18.0)
        assert r.embedding_params == 2.0 * 151936 * r.hidden
    assert [(r.layers, r.hidden, r.heads, r.data, r.seq_len, r.value) for r in qw] == [
        (24, 2048, 16, 1, 256, 2.1), (24, 2048, 16, 1, 512, 2.2), (24, 2048, 16, 1, 1024, 2.2), (24, 2048, 16, 1, 2048, 2.3),
        (24, 2048, 16, 1, 4096, 2.8), (24, 2048, 16, 1, 8192, 5.6),
        (32, 4096, 32, 2, 256, 4.0), (32, 4096, 32, 2, 512, 4.0), (32, 4096, 32, 2, 1024, 4.5)]
    # SwiGLU widths 5,504 and 11,008 (the configs' intermediate_size halves) give the models' 1.84B and 7.72B parameters
    assert [r.layer_weights for r in qw] == [4.0 + 3.0 * 5504 / 2048] * 6 + [4.0 + 3.0 * 11008 / 4096] * 3
    assert 24 * (4 * 2048**2 + 3 * 2048 * 5504) + 2 * 151936 * 2048 == 1_836_580_864
    assert 32 * (4 * 4096**2 + 3 * 4096 * 11008) + 2 * 151936 * 4096 == 7_720_665_088


def test_fourteenth_held_out_set_one_evaluation_is_recorded():
    """Set 14, committed before any error on it was computed and kept for the next change to the model, evaluated once
    (commit after f864985) on the engine round's model, unchanged since the eleventh set's evaluation: no change came, so
    it tests the model as it stands, like sets 12 and 13. Pinned so that a later change which moves it is seen and said."""
    from gapstudy.costmodel.validation import held_out_14
    rows = held_out_14()
    s = error_summary(rows)
    assert s["rows"] == 11
    assert s["mean_abs_error"] == pytest.approx(0.168, abs=0.001) and s["max_abs_error"] == pytest.approx(0.492, abs=0.001)

    def errors(source):
        return [r.error for r in rows if r.source == source]
    # KempnerForge's dense 175B on 360 H200 (TP4 x FSDP2 over 90): 19% faster than predicted, where its 71B on 40 H200 (set
    # 11, same project and layout kind) was within 7-9%
    assert errors(measurements.KEMPNERFORGE_175B)[0] == pytest.approx(-0.193, abs=0.001)
    # the NeMo Megatron launcher's 2022 GPT-3 5B (TP2 x data parallelism, 1-20 DGX A100 nodes): a level of +8..+14%, the
    # error growing with the node count
    bn = errors(measurements.BIGNLP_5B)
    assert all(0.08 < e < 0.145 for e in bn) and bn[-1] > bn[0] + 0.04
    # LitGPT's eager TinyLlama 1.1B (single early iterations): slower than predicted by 19-49%, most with replicated DDP
    lg = errors(measurements.LITGPT_THUNDER)
    assert [round(e, 2) for e in lg] == [0.24, 0.49, 0.19]


def test_fourteenth_held_out_set_is_fixed_cited_and_well_formed():
    # Structure only: this test never predicts a row of the set (it was committed after the thirteen earlier sets had been
    # seen and before any error on it was computed; held_out_14 reports its errors, elsewhere).
    from gapstudy.costmodel.validation import held_out_14
    runs = measurements.HELD_OUT_14
    assert held_out_14.__module__ == "gapstudy.costmodel.validation"  # reported like the earlier sets (not called here)
    kf = [r for r in runs if r.source == measurements.KEMPNERFORGE_175B]
    bn = [r for r in runs if r.source == measurements.BIGNLP_5B]
    lg = [r for r in runs if r.source == measurements.LITGPT_THUNDER]
    assert (len(kf), len(bn), len(lg)) == (1, 7, 3) and runs == tuple(kf) + tuple(bn) + tuple(lg)
    assert 8 <= len(runs) <= 30
    # cited: the report, README versions and scripts read, with their commits or stored-file ids
    assert "benchmarks/175b_360gpu/README.md, commit b62d2e3" in measurements.KEMPNERFORGE_175B
    assert "file ids 11928729803 and 12027147675" in measurements.BIGNLP_5B
    assert "conf/training/gpt3/5b.yaml" in measurements.BIGNLP_5B and "NeMo 1.8.2" in measurements.BIGNLP_5B
    assert "extensions/thunder/README.md, version of commit 059941f" in measurements.LITGPT_THUNDER
    assert "extensions/thunder/pretrain.py (commit 03f8ddd" in measurements.LITGPT_THUNDER
    # sources used nowhere else: not fitted on, in no earlier held-out set, not among the reported-only rows
    earlier = _rows_before(14)
    assert {r.source for r in runs}.isdisjoint({r.source for r in earlier})
    key = _assert_new_rows_well_formed(runs, earlier, ("step_time",), stated_interleave=True, per_chip=True)
    # one row per shape, layout and sharding (the LitGPT FSDP and DDP rows share a shape and batch, not a ZeRO stage)
    assert len({(key(r), r.zero_stage) for r in runs}) == len(runs)
    assert all(r.framework == "megatron" and r.metric == "step_time" for r in runs)
    # KempnerForge 175B: 90 nodes of 4 H200, TP 4 (sequence parallel) x FSDP2 over 90, 8 sequences a replica, no accumulation
    (k,) = kf
    assert (k.chip, k.year, k.hardware_changes) == ("h200", 2026, {"chips_per_node": 4})
    assert (k.layers, k.hidden, k.heads, k.seq_len, k.vocab) == (96, 12288, 96, 4096, 128256)
    assert (k.tensor, k.pipeline, k.data, k.global_batch, k.micro_batches) == (4, 1, 90, 720, (8,))
    assert (k.recompute, k.sequence_parallel, k.zero_stage, k.flash_attention, k.bytes_per_param) == ("full", True, 3, True,
                                                                                                       16.0)
    assert k.value == 19.09 and round(720 * 4096 / k.value) == 154485  # the stated 154,523 tokens/s, within rounding
    assert k.layer_weights == 2.0 + 2.0 * 8 / 96 + 3.0 * 39680 / 12288 and k.embedding_params == 2.0 * 128256 * 12288
    # the stated 171.8B in layers and 3.15B of embeddings
    assert round(96 * k.layer_weights * 12288**2 / 1e8) == 1718 and round(k.embedding_params / 1e7) == 315
    # NeMo Megatron 5B: TP 2 on 1-20 DGX A100 80GB nodes (4 replicas a node), global batch 1,440 of 2,048 tokens, the
    # micro-batch and recomputation left to the model; GPT-2 BPE padded to 128 x TP
    for r in bn:
        assert (r.chip, r.year, r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == ("a100_80gb", 2022, 24, 4096, 32, 2048,
                                                                                     50432)
        assert (r.tensor, r.pipeline, r.global_batch, r.micro_batches, r.recompute) == (2, 1, 1440, (1, 2), ("none", "full"))
        assert r.data % 4 == 0 and not r.flash_attention and r.zero_stage == 0 and r.bytes_per_param == 18.0
        assert r.vocab % (128 * r.tensor) == 0 and r.vocab - 128 * r.tensor < 50257 <= r.vocab
        assert r.hardware_changes == {} and r.layer_weights is None and r.embedding_params is None
    assert [(r.data // 4, round(1440 * 2048 / r.value)) for r in bn] == [
        (1, 39660), (2, 78769), (5, 193258), (9, 342920), (10, 383500), (18, 652460), (20, 726384)]
    # LitGPT TinyLlama 1.1B eager: one micro-batch of 4 a GPU per logged iteration, bf16-true (8 bytes), no checkpointing
    for r in lg:
        assert (r.chip, r.year, r.layers, r.hidden, r.heads, r.seq_len, r.vocab) == ("a100_40gb", 2024, 22, 2048, 32, 2048,
                                                                                     32000)
        assert (r.tensor, r.pipeline, r.micro_batches, r.recompute, r.flash_attention) == (1, 1, (4,), "none", True)
        assert r.global_batch == 4 * r.data and r.bytes_per_param == 8.0 and r.hardware_changes == {}
        assert r.layer_weights == 10.5 and r.embedding_params == 2 * 32000 * 2048
    assert [(r.data, r.zero_stage, round(r.value * 1000, 2)) for r in lg] == [(8, 3, 456.57), (8, 0, 569.46), (1, 0, 447.65)]
