"""The step-time model against published measurements: fitted on one set, judged on a held-out set.

Constants (gemm.Calibration) are fitted on Narayanan et al. (2021) Table 1, the 2022 efficiency on
Korthikanti et al. (2022) Table 5, the FlashAttention kernel's speed on Dao (2023) Table 1 and the per-step cost
of DeepSpeed's pipeline engine on GLM-130B's speed test, and the H100's own e_max with the 2023+ tensor- and data-parallel
overlap on Nemotron-4 340B's and 15B's batch-ramp stages and FlagPerf's Llama 3 rows (fit_comm_overlap); the held-out rows (measurements.HELD_OUT: BLOOM, GPT-NeoX-20B,
Llama 3, Megatron-Turing NLG, Pythia) are never used to choose them. HELD_OUT informed one structural judgement (how the
engine cost scales, commit 533153f), so measurements.HELD_OUT_2 (MosaicML's MPT benchmarks, PyTorch FSDP) was fixed before
any error on it was computed and is reported beside it, as is measurements.HELD_OUT_3 (AI2's OLMo-core on H100),
fixed after the H100 e_max was fitted and before any error on it was computed, and measurements.HELD_OUT_4
(torchtitan's FSDP2 runs on A100-80GB), fixed after the fit of commit 6db8f05 and before any error on it was computed, and
measurements.HELD_OUT_5 (IBM's fms-fsdp runs on 128 A100s), fixed in commit 5cd1eeb after all four had been seen, and
measurements.HELD_OUT_6 (OPT-175B with metaseq's FSDP, BloombergGPT with SageMaker's ZeRO-3, TinyLlama with Lightning's
FSDP), fixed in commit 9c30b63 and the next (TinyLlama) after all five had been seen and before any error on it was computed, and
measurements.HELD_OUT_7 (InternLM 7B on 8-1024 A100-80GB, InternLM's hybrid ZeRO-1), fixed in commit 3d0caf9 after all six
had been seen and before any error on it was computed, and measurements.HELD_OUT_8 (the DeepSpeed team's ZeRO-3 runs of
175B-2T models on 256-1,024 A100-80GB, 2022, and Megatron-LM's 2019 scaling study on 1-512 V100-32GB), fixed after all
seven had been seen and before any error on it was computed.
Since the round on sharded data parallelism, the rows of HELD_OUT_2,
HELD_OUT_5 and HELD_OUT_6 are fit side (measurements.FIT_SHARDED): they fit the sharded overlap rate (fit_sharded) and no
longer judge anything; HELD_OUT, HELD_OUT_3 and HELD_OUT_4 stay held out (all seen; reported for information), and
HELD_OUT_7 judged that round once. Since the round on the per-step cost of data parallelism, the rows of HELD_OUT_7 are
fit side too (measurements.FIT_WIDTH, with MegaScale's Megatron-LM baseline): they fit the data-parallel overlap rate of pure
data-parallel runs (fit_width) and no longer judge anything. Since the V100 round, HELD_OUT_8's Megatron-LM 2019 rows
are fit side (measurements.FIT_V100): they fit the V100's e_max of the software before 2022 (fit_v100) and no longer
judge anything; its DeepSpeed Azure rows stay out of every fit. measurements.HELD_OUT_9 (BigScience's tr1-13B on V100s,
StarCoderBase, NVIDIA's Pax benchmarks), fixed after all eight had been seen and before any error on it was computed, was
evaluated once on the V100 round's model (held_out_9). Since the engine round, HELD_OUT's Pythia rows (measurements.FIT_PYTHIA:
they decided that DeepSpeed's engine cost is paid only with pipelining, engine_structure_scores) and HELD_OUT_9's tr1-13B rows
(measurements.FIT_V100_2021: the V100's e_max of 2021 software, fit_v100_2021) are fit side; the other rows of both sets fit
nothing. measurements.HELD_OUT_10 (the Zero Bubble
paper's Megatron-LM 1F1B baseline on A100s, SmolLM3 3B and NVIDIA's DGX Cloud GPT-3 175B and Llama 2 70B benchmarks on
H100s), fixed after all nine had been seen and before any error on it was computed, was evaluated once on the engine
round's model, which cannot move its rows (held_out_10), and fits nothing. measurements.HELD_OUT_11, fixed after all ten had been seen and before
any error on it was computed, was evaluated once on the engine round's model (held_out_11) and fits nothing.
measurements.HELD_OUT_12, fixed after all eleven had been seen and before any error on it was computed, and
measurements.HELD_OUT_13, fixed after all twelve had been seen or reserved and before any error on it was computed, were
evaluated once together on the engine round's model, unchanged since the eleventh set's evaluation (held_out_12,
held_out_13), and fit nothing. measurements.HELD_OUT_14 (KempnerForge's 175B on H200, the NeMo Megatron launcher's 2022
GPT-3 5B scaling on A100-80GB, LitGPT's TinyLlama 1.1B on A100-40GB), fixed after all thirteen had been seen and before any
error on it was computed, was kept for the next change to the model; none came, and it was evaluated once on the same
model (held_out_14). It fits nothing.
Errors are of throughput: predicted / measured - 1 (for step times, measured / predicted - 1), so a negative error means
the model is too slow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gapstudy.costmodel import measurements as _m
from gapstudy.costmodel.architecture import param_count
from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION, Calibration
from gapstudy.costmodel.hardware import get_hardware
from gapstudy.costmodel.memory import RECOMPUTE_CODES
from gapstudy.costmodel.step import _hardware_flops, evaluate
from gapstudy.costmodel.techniques import NO_OVERLAP, software_overlap

# Backward compatibility: the fit set as the old tuple of Table 1 rows
# (params B, heads, hidden, layers, t, p, GPUs, global batch, TFLOP/s per GPU).
NARAYANAN_TABLE1 = tuple((float(r.label[:-1]), r.heads, r.hidden, r.layers, r.tensor, r.pipeline,
                          r.tensor * r.pipeline * r.data, r.global_batch, r.value) for r in _m.FIT)


@dataclass(frozen=True)
class ValidationRow:
    source: str
    label: str
    chip: str
    params_b: float
    tensor: int
    pipeline: int
    data: int
    micro_batch: int
    interleave: int
    recompute: str
    metric: str
    measured: float
    predicted: float

    @property
    def error(self) -> float:
        if self.metric == "step_time":
            return self.measured / self.predicted - 1.0
        return self.predicted / self.measured - 1.0

    # names the old Table-1 API used
    @property
    def measured_tflops(self) -> float:
        return self.measured

    @property
    def predicted_tflops(self) -> float:
        return self.predicted


def run_overlap(run: _m.Run):
    """Overlap of the software a run used: Megatron-LM / DeepSpeed before 2023 hid no
    communication (even pure data parallelism: Megatron's own DDP); later, the era's default."""
    return NO_OVERLAP if run.year < 2023 else software_overlap(run.year)


FRAMEWORKS = ("megatron", "deepspeed")


def framework_overhead(run: _m.Run, calibration: Calibration = DEFAULT_CALIBRATION) -> float | None:
    """Seconds per parameter held by a GPU that the run's framework adds once a step (step.evaluate
    step_overhead_per_param): DeepSpeed's pipeline engine the fitted constant when the run is pipelined (p > 1; at every
    depth if calibration.deepspeed_engine_pipelined_only is False, the model before the engine round), Megatron-LM nothing."""
    if run.framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {run.framework!r} of {run.label}; known: {FRAMEWORKS}")
    if run.framework != "deepspeed" or (calibration.deepspeed_engine_pipelined_only and run.pipeline == 1):
        return None
    return calibration.deepspeed_step_seconds_per_param


def neox_2021_flops(run: _m.Run) -> float:
    """FLOPs per step as GPT-NeoX logged them in 2021-23 (megatron/logging.py get_flops before PR #1044):
    B s (6 N + 60 s h L), N the counted parameters; recomputation is not counted."""
    n = run.counted_params if run.counted_params is not None else param_count(run.layers, run.hidden, run.vocab, run.seq_len)
    return float(run.global_batch * run.seq_len * (6.0 * n + 60.0 * run.seq_len * run.hidden * run.layers))


def run_params(run: _m.Run) -> float:
    """Parameters of the run's model: the blocks plus its embeddings (Narayanan et al.'s (V + s) h unless the run
    says otherwise)."""
    if run.embedding_params is None and run.layer_weights is None:
        return float(param_count(run.layers, run.hidden, run.vocab, run.seq_len))
    w = 12.0 if run.layer_weights is None else run.layer_weights
    embed = (run.vocab + run.seq_len) * run.hidden if run.embedding_params is None else run.embedding_params
    return float(run.layers * (w * run.hidden**2 + 13.0 * run.hidden) + embed)


def predict(run: _m.Run, calibration: Calibration = DEFAULT_CALIBRATION, overlap=None) -> ValidationRow:
    """The model's value of the run's metric, with the choices the paper leaves open made for best throughput.
    `overlap`: the run's communication overlap in place of its software's (run_overlap; fit_data_overlap only)."""
    hw = get_hardware(run.chip)
    if run.hardware_changes:
        hw = hw.replace(**run.hardware_changes)
    rcs = (run.recompute,) if isinstance(run.recompute, str) else tuple(run.recompute)
    b, v, rc = (x.ravel() for x in np.meshgrid(np.array(run.micro_batches), np.array(run.interleaves),
                                               np.array([RECOMPUTE_CODES[r] for r in rcs]), indexing="ij"))
    timed = run.timed_layers or run.layers
    r = evaluate(layers=timed, hidden=run.hidden, heads=run.heads, seq_len=run.seq_len, vocab=run.vocab,
                 global_batch=run.global_batch, micro_batch=b, tensor=run.tensor, pipeline=run.pipeline, data=run.data,
                 zero_stage=run.zero_stage, recompute=rc, sequence_parallel=run.sequence_parallel, interleave=v,
                 hardware=hw, bytes_per_param=run.bytes_per_param, reserve=0.0, calibration=calibration,
                 flash_attention=run.flash_attention, overlap=run_overlap(run) if overlap is None else overlap, era=run.year,
                 last_stage_layers=run.last_stage_layers, embedding_params=run.embedding_params,
                 step_overhead_per_param=framework_overhead(run, calibration), layer_weights=run.layer_weights,
                 op_recompute_weights=run.op_recompute_weights)
    ok = r["fits"]
    if not ok.any():
        ok = r["invalid"] == 0  # nothing fits the memory model: still report the best valid choice
    step = np.where(ok, r["step_time"], np.inf)
    i = int(np.argmin(step))
    gpus = run.tensor * run.pipeline * run.data
    if run.metric == "step_time":
        value = float(step[i])
    elif run.metric == "tflops":
        value = float(_hardware_flops(run.global_batch, run.seq_len, run.layers, run.hidden, run.vocab, rc[i])
                      / (gpus * step[i]) / 1e12)
    elif run.metric == "tflops_neox2021":
        value = float(neox_2021_flops(run) / (gpus * step[i]) / 1e12)
    elif run.metric == "mfu":
        h, L, s, V = run.hidden, run.layers, run.seq_len, run.vocab
        flops = 72.0 * run.global_batch * s * L * h * h * (1.0 + s / (6.0 * h) + V / (12.0 * h * L))
        value = float(flops / (gpus * step[i] * hw.peak_flops))
    else:
        raise ValueError(f"unknown metric {run.metric!r}")
    return ValidationRow(run.source, run.label, run.chip, run_params(run) / 1e9,
                         run.tensor, run.pipeline, run.data, int(b[i]), int(v[i]),
                         {c: n for n, c in RECOMPUTE_CODES.items()}[int(rc[i])], run.metric, run.value, value)


def validate(calibration: Calibration = DEFAULT_CALIBRATION, rows=None) -> list[ValidationRow]:
    """Predicted vs measured for each run (default: the fit set, Narayanan et al. 2021 Table 1)."""
    rows = _m.FIT if rows is None else rows
    return [predict(r, calibration) for r in rows]


def held_out(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the held-out runs (never used to fit)."""
    return validate(calibration, _m.HELD_OUT)


def held_out_2(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the second held-out set (measurements.HELD_OUT_2: MosaicML's MPT benchmarks, PyTorch
    FSDP), fixed before any error on it was computed; never used to fit or to choose a structure."""
    return validate(calibration, _m.HELD_OUT_2)


def held_out_3(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the third held-out set (measurements.HELD_OUT_3: AI2's OLMo-core on H100, PyTorch
    FSDP), fixed before any error on it was computed; never used to fit or to choose a structure."""
    return validate(calibration, _m.HELD_OUT_3)


def held_out_4(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the fourth held-out set (measurements.HELD_OUT_4: torchtitan's FSDP2 runs of Llama 2 /
    Llama 3 on 64 A100-80GB), fixed in commit ff228e1 before any error on it was computed, after the H100 fit rows and the 2023+
    data-parallel overlap were fitted; never used to fit or to choose a structure."""
    return validate(calibration, _m.HELD_OUT_4)


def held_out_5(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the fifth held-out set (measurements.HELD_OUT_5: IBM's fms-fsdp runs of Llama 2 7B-70B
    on 128 A100s, PyTorch FSDP), fixed before any error on it was computed, after all four earlier sets had been seen;
    never used to fit or to choose a structure."""
    return validate(calibration, _m.HELD_OUT_5)


def held_out_6(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the sixth held-out set (measurements.HELD_OUT_6: OPT-175B on 992 A100-80GB, metaseq's FSDP
    with tensor parallelism, BloombergGPT 50B on 512 A100-40GB, SageMaker's ZeRO-3, and TinyLlama 1.1B on 16 A100-40GB,
    Lightning's FSDP), fixed in commit 9c30b63 (TinyLlama in the next) before any error on it was computed, after all five
    earlier sets had been seen; never used to fit or to choose a structure."""
    return validate(calibration, _m.HELD_OUT_6)


def held_out_7(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the seventh held-out set (measurements.HELD_OUT_7: InternLM 7B on 8-1024 A100-80GB over
    RoCE, InternLM's hybrid ZeRO-1, with and without activation checkpointing at several micro-batch sizes), fixed in
    commit 3d0caf9 before any error on it was computed, after all six earlier sets had been seen, and evaluated once as
    held out; fit side since the round on the per-step cost of data parallelism (measurements.FIT_WIDTH, fit_width)."""
    return validate(calibration, _m.HELD_OUT_7)


def held_out_8(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the eighth held-out set (measurements.HELD_OUT_8: the DeepSpeed team's 2022 Azure
    benchmarks, ZeRO-3 data parallelism without tensor or pipeline parallelism, 175B on 256 and 1T / 2T on 1,024
    A100-80GB; Shoeybi et al. 2019's Megatron-LM scaling study, tensor parallelism 1-8 with and without 64-way data
    parallelism on 1-512 V100-32GB), fixed before any error on it was computed, after all seven earlier sets had been seen, and
    evaluated once as held out; its Megatron-LM 2019 rows are fit side since the V100 round (measurements.FIT_V100, fit_v100),
    its DeepSpeed Azure rows fit nothing."""
    return validate(calibration, _m.HELD_OUT_8)


def held_out_9(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the ninth held-out set (measurements.HELD_OUT_9: BigScience's tr1-13B on 16-512 V100-32GB,
    Megatron-DeepSpeed with DeepSpeed's pipeline engine, 2021; StarCoderBase 15.5B on 512 A100-80GB, Megatron-LM, 2023; NVIDIA's
    Pax benchmarks of GPT 126M / 5B / 175B on 64-256 A100-80GB and H100, JAX/XLA, 2023), fixed before any error on it was
    computed, after all eight earlier sets had been seen; never used to fit or to choose a structure."""
    return validate(calibration, _m.HELD_OUT_9)


def held_out_10(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the tenth held-out set (measurements.HELD_OUT_10: the Zero Bubble paper's Megatron-LM 1F1B
    baseline, GPT 1.5B-28.3B on 8-32 A100-80GB with pipeline parallelism only, 2023; SmolLM3 3B's pre-training on 384
    H100, nanotron's data + tensor parallelism, 2025; NVIDIA's DGX Cloud benchmarks of GPT-3 175B on 128-2,048 H100, NeMo's
    interleaved tensor + pipeline + data parallelism, and of Llama 2 70B on 64-256 H100, MaxText's fully sharded data
    parallelism, 2024), fixed before any error on it was computed, after all nine earlier
    sets had been seen; never used to fit or to choose a structure; evaluated once, on the engine round's model."""
    return validate(calibration, _m.HELD_OUT_10)


def held_out_11(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the eleventh held-out set (measurements.HELD_OUT_11: KempnerForge's Llama-3-style 8B-71B on
    1-160 H200, PyTorch FSDP2 + tensor parallelism, 2026; Alpa's GPT 2.6B on 8 V100, JAX/XLA data x operator x pipeline
    parallelism, 2022; StableLM-3B-4E1T on 256 A100-40GB, GPT-NeoX's ZeRO-1 data parallelism, 2023), fixed before any error
    on it was computed, after all ten earlier sets had been seen; never used to fit or to choose a structure; evaluated
    once, on the engine round's model."""
    return validate(calibration, _m.HELD_OUT_11)


def held_out_12(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the twelfth held-out set (measurements.HELD_OUT_12: llm.c's GPT-2 124M-1.6B on one node of
    8 A100-80GB or 8 H100, data parallelism with ZeRO-1, 2024; PaddleNLP's Llama 2 / Qwen / Baichuan 2 7B-13B on 8
    A100-80GB, tensor parallelism 2 x ZeRO-2 sharding 4, 2023), fixed before any
    error on it was computed, after all eleven earlier sets had been seen or reserved; never used to fit or to choose a
    structure; evaluated once, with the thirteenth, on the engine round's model."""
    return validate(calibration, _m.HELD_OUT_12)


def held_out_13(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the thirteenth held-out set (measurements.HELD_OUT_13: OneFlow DLPerf's timing of NVIDIA
    Megatron-LM, GPT 0.1B-3.6B on 1-32 V100-16GB with data, tensor and pipeline parallelism, 2021; Open-Llama's 6.9B on 160
    A100-80GB, Accelerate with DeepSpeed ZeRO-1, 2023; the Qwen team's full-parameter fine-tuning of Qwen-1.8B / 7B on one
    or two A100-80GB, Hugging Face Trainer with DeepSpeed, 2023), fixed before any error on it was computed, after all
    twelve earlier sets had been seen or reserved; never used to fit or to choose a structure; evaluated once, with the
    twelfth, on the engine round's model."""
    return validate(calibration, _m.HELD_OUT_13)


def held_out_14(calibration: Calibration = DEFAULT_CALIBRATION) -> list[ValidationRow]:
    """Predicted vs measured on the fourteenth held-out set (measurements.HELD_OUT_14: KempnerForge's dense 175B on 360
    H200, PyTorch FSDP2 x tensor parallelism 4, 2026; the NeMo Megatron launcher's 2022 README, GPT-3 5B with tensor
    parallelism 2 on 1-20 DGX A100 80GB nodes; LitGPT's plain-PyTorch TinyLlama 1.1B on one or eight A100-40GB with FSDP or
    DDP, 2024), fixed before any error on it was computed, after all thirteen earlier sets had been seen; never used to fit
    or to choose a structure; evaluated once on the engine round's model, unchanged since the eleventh set's evaluation."""
    return validate(calibration, _m.HELD_OUT_14)


def size_drift(rows: list[ValidationRow]) -> float:
    """Change of the signed error from 1B to 1T parameters, in points: least-squares slope of
    error on log10(params) times three decades (0 with fewer than two distinct sizes)."""
    x = np.log10([r.params_b * 1e9 for r in rows])
    y = np.array([r.error for r in rows])
    if np.unique(x).size < 2:
        return 0.0
    slope = np.polyfit(x, y, 1)[0]
    return float(100.0 * slope * 3.0)


def error_summary(rows: list[ValidationRow]) -> dict[str, float]:
    """Mean, median and max absolute relative error, mean signed error and size drift (points, 1B to 1T)."""
    errs = np.array([r.error for r in rows])
    return {"mean_abs_error": float(np.abs(errs).mean()), "median_abs_error": float(np.median(np.abs(errs))),
            "max_abs_error": float(np.abs(errs).max()),
            "mean_error": float(errs.mean()), "size_drift_points": size_drift(rows), "rows": len(rows)}


CALIBRATION_GRID = {  # the grid the defaults in gemm.Calibration were chosen on
    "gemm_max_efficiency": tuple(round(0.60 + 0.01 * i, 2) for i in range(10)),
    "gemm_size_scale": tuple(round(0.2 + 0.1 * i, 1) for i in range(9)),
    "elementwise_passes": (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0),
}


ERA_2022_GRID = tuple(round(0.60 + 0.01 * i, 2) for i in range(15))
FLASH_GRID = tuple(round(0.50 + 0.05 * i, 2) for i in range(21))  # FlashAttention kernel speed, 0.50-1.50
# DeepSpeed pipeline engine's per-step cost, 0 to 6 ns per parameter held by a GPU in 0.1 ns steps
DEEPSPEED_GRID = tuple(i / 1e10 for i in range(61))
# per-chip e_max of the 2022+ software, 0.40-0.85 in 0.01 steps (the shared A100 value 0.73 is inside)
CHIP_GRID = tuple(round(0.40 + 0.01 * i, 2) for i in range(46))


def fit_calibration(rows=None, grid=None, rows_2022=None, grid_2022=ERA_2022_GRID, rows_flash=None,
                    grid_flash=FLASH_GRID, rows_deepspeed=None, grid_deepspeed=DEEPSPEED_GRID, rows_chip=None,
                    grid_chip=CHIP_GRID) -> Calibration:
    """Grid fit, smallest mean absolute error: the three shared constants on `rows` (default
    Narayanan et al. 2021 Table 1), then the 2022+ efficiency alone on `rows_2022` (default
    Korthikanti et al. 2022 Table 5), then the FlashAttention kernel's speed alone on `rows_flash`
    (default the FlashAttention rows of Dao 2023 Table 1; the only fit rows with FlashAttention, so the
    earlier stages do not depend on it), then the per-step cost of DeepSpeed's pipeline engine alone on
    `rows_deepspeed` (default GLM-130B's speed test; the only fit rows on that engine, without FlashAttention,
    software year 2021), then, for each chip with rows in `rows_chip` (default measurements.FIT_H100: FlagPerf's Llama 3 rows and Nemotron-4
    340B and 15B on H100), that chip's e_max of the 2022+ software alone on its rows (Calibration chip_max_efficiency_2022;
    the earlier stages' rows are all A100, so they do not depend on it). Held-out rows are never passed here."""
    grid = grid or CALIBRATION_GRID
    rows = _m.FIT if rows is None else rows
    rows_2022 = _m.FIT_2022 if rows_2022 is None else rows_2022
    rows_flash = _m.FIT_FLASH if rows_flash is None else rows_flash
    rows_deepspeed = _m.FIT_DEEPSPEED if rows_deepspeed is None else rows_deepspeed
    best, best_err = DEFAULT_CALIBRATION, math.inf
    for e in grid["gemm_max_efficiency"]:
        for k in grid["gemm_size_scale"]:
            for c in grid["elementwise_passes"]:
                cal = DEFAULT_CALIBRATION.replace(gemm_max_efficiency=e, gemm_size_scale=k, elementwise_passes=c)
                err = error_summary(validate(cal, rows))["mean_abs_error"]
                if err < best_err - 1e-12:
                    best, best_err = cal, err
    if rows_2022:
        scores = [(error_summary(validate(best.replace(gemm_max_efficiency_2022=e), rows_2022))["mean_abs_error"], e)
                  for e in grid_2022]
        best = best.replace(gemm_max_efficiency_2022=min(scores)[1])
    if rows_flash:
        scores = [(error_summary(validate(best.replace(flash_attention_efficiency=f), rows_flash))["mean_abs_error"], f)
                  for f in grid_flash]
        best = best.replace(flash_attention_efficiency=min(scores)[1])
    if rows_deepspeed:
        scores = [(error_summary(validate(best.replace(deepspeed_step_seconds_per_param=c), rows_deepspeed))
                   ["mean_abs_error"], c) for c in grid_deepspeed]
        best = best.replace(deepspeed_step_seconds_per_param=min(scores)[1])
    rows_chip = _m.FIT_H100 if rows_chip is None else rows_chip
    return best.replace(chip_max_efficiency_2022=_fit_chip_max_efficiency(best, rows_chip, grid_chip))


def _fit_chip_max_efficiency(calibration: Calibration, rows, grid_chip, overlap_of=None) -> tuple[tuple[str, float], ...]:
    """Each chip's e_max of the 2022+ software fitted alone on its rows of `rows`: the value of grid_chip with the
    smallest mean absolute error, chips in name order, each with the values found so far for the others.
    overlap_of(run): the run's communication overlap in place of its software's (fit_data_overlap); None: its own."""
    chips = dict(calibration.chip_max_efficiency_2022)
    for chip in sorted({r.chip for r in rows}):
        mine = tuple(r for r in rows if r.chip == chip)
        others = tuple(sorted((c, e) for c, e in chips.items() if c != chip))
        scores = []
        for e in grid_chip:
            cal = calibration.replace(chip_max_efficiency_2022=others + ((chip, e),))
            errs = [predict(r, cal, None if overlap_of is None else overlap_of(r)) for r in mine]
            scores.append((error_summary(errs)["mean_abs_error"], e))
        chips[chip] = min(scores)[1]
    return tuple(sorted(chips.items()))


# data-parallel overlap of model-parallel runs in the 2023+ software (techniques.OVERLAP_FROM_2023 data), 0 to 1
DATA_OVERLAP_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def fit_data_overlap(rows=None, grid=DATA_OVERLAP_GRID, grid_chip=CHIP_GRID,
                     calibration: Calibration = DEFAULT_CALIBRATION, tensor: float | None = None) -> dict:
    """Joint grid fit of the 2023+ software's data-parallel overlap of model-parallel runs (techniques.Overlap data)
    and each chip's e_max on `rows` (default measurements.FIT_H100, the only fit rows with 2023+ software and tensor
    or pipeline parallelism: the other fit rows do not depend on it). For each overlap value, each chip's e_max is
    fitted alone (as fit_calibration's 5th stage); the pair with the smallest mean absolute error wins. `tensor`: the
    2023+ tensor-parallel overlap to fit with (fit_comm_overlap); None: the shipped one (techniques.OVERLAP_FROM_2023).
    Returns {"data": f, "chip_max_efficiency_2022": pairs, "mean_abs_error": err, "scores": {f: err}}."""
    from dataclasses import replace as _replace
    rows = _m.FIT_H100 if rows is None else rows
    scores, best = {}, None
    for f in grid:
        def overlap_of(r, f=f):
            o = _replace(run_overlap(r), data=f)
            return o if tensor is None else _replace(o, tensor=tensor)

        cal = calibration.replace(chip_max_efficiency_2022=_fit_chip_max_efficiency(calibration, rows, grid_chip, overlap_of))
        err = error_summary([predict(r, cal, overlap_of(r)) for r in rows])["mean_abs_error"]
        scores[f] = err
        if best is None or err < best[0] - 1e-12:
            best = (err, f, cal.chip_max_efficiency_2022)
    return {"data": best[1], "chip_max_efficiency_2022": best[2], "mean_abs_error": best[0], "scores": scores}


# tensor-parallel overlap in the 2023+ software (techniques.OVERLAP_FROM_2023 tensor), 0 to 1
TENSOR_OVERLAP_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def fit_comm_overlap(rows=None, grid_tensor=TENSOR_OVERLAP_GRID, grid=DATA_OVERLAP_GRID, grid_chip=CHIP_GRID,
                     calibration: Calibration = DEFAULT_CALIBRATION) -> dict:
    """Joint grid fit of the 2023+ software's tensor-parallel overlap, its data-parallel overlap of model-parallel runs
    and each chip's e_max on `rows` (default measurements.FIT_H100: tensor-parallel degrees 2 and 8, with and without
    pipelines): for each tensor overlap, fit_data_overlap; the triple with the smallest mean absolute error wins.
    Returns {"tensor": ft, "data": fd, "chip_max_efficiency_2022": pairs, "mean_abs_error": err, "scores": {(ft, fd): err}}."""
    scores, best = {}, None
    for ft in grid_tensor:
        r = fit_data_overlap(rows, grid, grid_chip, calibration, tensor=ft)
        scores.update({(ft, fd): err for fd, err in r["scores"].items()})
        if best is None or r["mean_abs_error"] < best["mean_abs_error"] - 1e-12:
            best = {"tensor": ft, **r}
    return {"tensor": best["tensor"], "data": best["data"], "chip_max_efficiency_2022": best["chip_max_efficiency_2022"],
            "mean_abs_error": best["mean_abs_error"], "scores": scores}


def _grid_fit(rows, grid, calibration_at) -> tuple[float, dict]:
    """One constant fitted on a grid: the value whose calibration (calibration_at(value)) gives `rows` the smallest
    mean absolute error, the first on a tie (errors compared to 12 decimals); and every value's error."""
    scores = {v: error_summary(validate(calibration_at(v), rows))["mean_abs_error"] for v in grid}
    return min(grid, key=lambda v: (round(scores[v], 12), grid.index(v))), scores


# ZeRO-3 collectives' progress rate while compute runs (gemm.Calibration sharded_overlap_rate), 0 to 0.2 in 0.01 steps
SHARDED_GRID = tuple(round(0.01 * i, 2) for i in range(21))


def fit_sharded(rows=None, grid=SHARDED_GRID, calibration: Calibration = DEFAULT_CALIBRATION) -> dict:
    """Grid fit of the sharded-data-parallel overlap rate (gemm.Calibration sharded_overlap_rate) on `rows` (default
    measurements.FIT_SHARDED, the sharded rows of the second, fifth and sixth held-out sets, fit side since the round
    that defined it; the 33 rows of fit_rows() have no ZeRO-3 run, so they do not depend on it): the value with the
    smallest mean absolute error (the first on a tie). Returns {"sharded_overlap_rate": r, "mean_abs_error": err,
    "scores": {r: err}}."""
    best, scores = _grid_fit(_m.FIT_SHARDED if rows is None else rows, grid,
                             lambda r: calibration.replace(sharded_overlap_rate=r))
    return {"sharded_overlap_rate": best, "mean_abs_error": scores[best], "scores": scores}


# pure data parallelism's stage 0-2 gradient traffic: progress rate while compute runs (gemm.Calibration dp_overlap_rate),
# 0 to 0.1 in 0.01 steps, then coarser up to 1 (the model before the round on the per-step cost of data parallelism)
WIDTH_GRID = tuple(round(0.01 * i, 2) for i in range(11)) + (0.2, 0.3, 0.5, 1.0)


def fit_width(rows=None, grid=WIDTH_GRID, calibration: Calibration = DEFAULT_CALIBRATION) -> dict:
    """Grid fit of the data-parallel overlap rate of pure data-parallel runs (gemm.Calibration dp_overlap_rate) on `rows`
    (default measurements.FIT_WIDTH: the rows of the seventh held-out set, InternLM 7B, and MegaScale's Megatron-LM baseline,
    fit side since the round on the per-step cost of data parallelism; the only fit rows with pure data parallelism across
    nodes): the value with the smallest mean absolute error (the first on a tie). The 33 rows of fit_rows() are one-node
    pure data parallelism (Dao 2023) or model-parallel, so they hardly depend on it (reported, not fitted). Returns
    {"dp_overlap_rate": r, "mean_abs_error": err, "scores": {r: err}}."""
    best, scores = _grid_fit(_m.FIT_WIDTH if rows is None else rows, grid, lambda r: calibration.replace(dp_overlap_rate=r))
    return {"dp_overlap_rate": best, "mean_abs_error": scores[best], "scores": scores}


# e_max of the software before 2022 on the V100 (gemm.Calibration chip_max_efficiency_before_2022), 0.30-0.70 in 0.01 steps
V100_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(41))
# the V100 chips the fitted value is given to: the rows are V100-32GB (SXM3 in DGX-2H); the 16GB part is the same GPU
# (same SMs, tensor cores and 900 GB/s HBM2; NVIDIA V100 datasheet), so it takes the same value
V100_CHIPS = ("v100_16gb", "v100_32gb")


def _with_v100_e_max(calibration: Calibration, field: str, e: float) -> Calibration:
    """`calibration` with e_max `e` for every V100 chip in its per-chip table `field` (the other chips' entries kept)."""
    others = tuple(p for p in getattr(calibration, field) if p[0] not in V100_CHIPS)
    return calibration.replace(**{field: tuple(sorted(others + tuple((c, e) for c in V100_CHIPS)))})


def _with_v100(calibration: Calibration, e: float) -> Calibration:
    return _with_v100_e_max(calibration, "chip_max_efficiency_before_2022", e)


def fit_v100(rows=None, grid=V100_GRID, calibration: Calibration = DEFAULT_CALIBRATION) -> dict:
    """Grid fit of the V100's e_max of the software before 2022 (gemm.Calibration chip_max_efficiency_before_2022) on
    `rows` (default measurements.FIT_V100: Shoeybi et al. 2019's 13 Megatron-LM rows on DGX-2H, the V100 rows of the
    eighth held-out set, fit side since the V100 round; no other fit row is on a V100, so none depends on it): the value
    with the smallest mean absolute error (the first on a tie). Returns {"e_max": e, "mean_abs_error": err, "scores": {e: err}}."""
    best, scores = _grid_fit(_m.FIT_V100 if rows is None else rows, grid, lambda e: _with_v100(calibration, e))
    return {"e_max": best, "mean_abs_error": scores[best], "scores": scores}


def v100_leave_one_table_out(rows=None, grid=V100_GRID, calibration: Calibration = DEFAULT_CALIBRATION) -> dict:
    """fit_v100 on one part of FIT_V100, judged on the other: Figure 5's weak-scaling rows (the eight with the paper's
    three default head counts, labels without 'heads' whose GPU count is 1 or ends the weak-scaling series) against
    Tables 7-8 (the 8.3B's 16 / 24 heads and the 1.2B's strong scaling on 2 / 4 / 8 GPUs). Returns per direction the
    fitted e_max and the error summary on the rows left out, and the mean absolute error over all 13 rows left out."""
    rows = _m.FIT_V100 if rows is None else rows
    t78 = tuple(r for r in rows if "heads" in r.label or (r.label.startswith("Megatron-LM 2019 1.2B") and "(t 1," not in r.label))
    fig5 = tuple(r for r in rows if r not in t78)
    out, errs = {}, []
    for name, fit_on, judge in (("figure_5", fig5, t78), ("tables_7_8", t78, fig5)):
        e = fit_v100(fit_on, grid, calibration)["e_max"]
        judged = validate(_with_v100(calibration, e), judge)
        errs += [abs(r.error) for r in judged]
        out[name] = {"e_max": e, "rows": len(fit_on), "left_out": error_summary(judged)}
    out["mean_abs_error"] = float(np.mean(errs))
    return out


# e_max of the 2021 software on the V100 (gemm.Calibration chip_max_efficiency_2021), 0.30-0.80 in 0.01 steps
V100_2021_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(51))


def _with_v100_2021(calibration: Calibration, e: float) -> Calibration:
    return _with_v100_e_max(calibration, "chip_max_efficiency_2021", e)


def fit_v100_2021(rows=None, grid=V100_2021_GRID, calibration: Calibration = DEFAULT_CALIBRATION) -> dict:
    """Grid fit of the V100's e_max of the 2021 software (gemm.Calibration chip_max_efficiency_2021) on `rows` (default
    measurements.FIT_V100_2021: BigScience's tr1-13B on 16-512 V100-32GB, the ninth held-out set's V100 rows, fit side
    since the engine round; no other fit row is a V100 of 2021), with the engine round's structure (calibration): the
    value with the smallest mean absolute error (the first on a tie), and each row's error when the value is fitted on the
    other three (leave one out). Returns {"e_max", "mean_abs_error", "scores", "leave_one_out": [error, ...]}."""
    rows = _m.FIT_V100_2021 if rows is None else rows
    best, scores = _grid_fit(rows, grid, lambda e: _with_v100_2021(calibration, e))
    loo = []
    for i, r in enumerate(rows):
        e = _grid_fit(rows[:i] + rows[i + 1:], grid, lambda x: _with_v100_2021(calibration, x))[0]
        loo.append(predict(r, _with_v100_2021(calibration, e)).error)
    return {"e_max": best, "mean_abs_error": scores[best], "scores": scores, "leave_one_out": loo}


def engine_structure_scores(calibration: Calibration = DEFAULT_CALIBRATION) -> dict:
    """Mean absolute error of the two engine-cost structures (gemm.Calibration deepspeed_engine_pipelined_only True /
    False), each with the cost refitted on GLM-130B's rows (FIT_DEEPSPEED, the grid of fit_calibration), on the rows the
    engine round looked at: FIT_DEEPSPEED, FIT_PYTHIA (which decided it), and the reported-only DEEPSPEED_LAYOUTS."""
    out = {}
    for pipelined_only in (True, False):
        cal = calibration.replace(deepspeed_engine_pipelined_only=pipelined_only)
        c = _grid_fit(_m.FIT_DEEPSPEED, DEEPSPEED_GRID, lambda x: cal.replace(deepspeed_step_seconds_per_param=x))[0]
        cal = cal.replace(deepspeed_step_seconds_per_param=c)
        out[pipelined_only] = {"seconds_per_param": c, **{name: error_summary(validate(cal, rows))["mean_abs_error"]
                               for name, rows in (("glm", _m.FIT_DEEPSPEED), ("pythia", _m.FIT_PYTHIA),
                                                  ("deepspeed_layouts", _m.DEEPSPEED_LAYOUTS))}}
    return out


def fit_rows() -> tuple:
    """Every row the constants are fitted on."""
    return _m.FIT + _m.FIT_2022 + _m.FIT_FLASH + _m.FIT_DEEPSPEED + _m.FIT_H100


def leave_one_out(grid=None) -> list[float]:
    """Relative error on each Table 1 row when the constants are fitted on the other rows."""
    errors = []
    for i, row in enumerate(_m.FIT):
        rest = _m.FIT[:i] + _m.FIT[i + 1:]
        cal = fit_calibration(rest, grid, rows_2022=(), rows_flash=(), rows_deepspeed=(), rows_chip=())
        errors.append(predict(row, cal).error)
    return errors
