"""GEMM efficiency as a smooth function of the per-GPU matrix dimensions, and the calibration constants."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# The V100's e_max of the 2021 software (Calibration chip_max_efficiency_2021): validation.fit_v100_2021's value on
# measurements.FIT_V100_2021, set after that fit (a test checks it is the grid's minimum)
V100_2021 = 0.53


@dataclass(frozen=True)
class Calibration:
    """The few global constants of the step-time model; never set per row, per chip only through
    chip_max_efficiency_2022 and chip_max_efficiency_before_2022 (fitted on that chip's own fit rows).

    The first three are fitted jointly on a coarse grid (0.01 / 0.1 / 0.25 steps) minimising the
    mean absolute error over the ten rows of Narayanan et al. (2021) Table 1 (A100-80GB, 2021
    software); the 2022+ efficiency is then fitted alone on Korthikanti et al. (2022) Table 5
    (same cluster, 2022 software), and the FlashAttention kernel's speed alone on the FlashAttention
    rows of Dao (2023) Table 1 (one 8 x A100-80GB node, 2023 software), and the per-step cost of DeepSpeed's
    pipeline engine alone on GLM-130B's speed test (two batch sizes, 768 A100-40GB), and the H100's own e_max (with FlagPerf's
    Llama 3 rows too, and the 2023+ tensor-parallel overlap, since commit 702b764)
    on Nemotron-4 340B's and 15B's iteration times (jointly with the 2023+ data-parallel overlap, techniques); the later
    rounds' constants each on their own fit-side set (measurements.FIT_SHARDED, FIT_WIDTH, FIT_V100, FIT_V100_2021; FIT_PYTHIA
    decided a structure). validation.py holds the fit; held-out rows never enter it.
    """

    # Largest fraction of peak a big 16-bit GEMM reaches inside a training step. cuBLAS alone
    # sustains ~80-90% on large square GEMMs (NVIDIA "Matrix multiplication background" guide);
    # the fitted 0.64 also absorbs what the model leaves out (kernel launches, framework gaps).
    gemm_max_efficiency: float = 0.64
    # Dimension scale of the efficiency roll-off, in units of the chip's ridge point
    # (peak FLOP/s / HBM bytes/s): a GEMM with all three sides equal to x runs at
    # max_efficiency / (1 + 3 k ridge / x). Roofline reasoning (Williams et al. 2009) gives k ~ 1
    # for a pure memory-bound start-up; fitted value 0.2.
    gemm_size_scale: float = 0.2
    # Passes over the stored activations that elementwise kernels (layer norm, GeLU, dropout,
    # softmax, residual adds) make per forward pass, at HBM bandwidth; fitted value 1.75.
    elementwise_passes: float = 1.75
    # gemm_max_efficiency of the software from 2022 on (Megatron-LM of Korthikanti et al. 2022 and
    # later): the same model runs ~7% faster per FLOP than in Narayanan et al. (2021); fitted value (0.73).
    gemm_max_efficiency_2022: float = 0.73
    # Speed of the FlashAttention (1.x) kernel (Dao et al. 2022) relative to the attention core's two GEMMs at
    # the GEMM efficiency of the run's era (the s^2 FLOPs' time is divided by this). Fitted value 1.00 on Dao
    # (2023) Table 1's FlashAttention column (mean 1.1%; 0.95: 2.3%, 1.05: 1.5%; 1.05 if the 2.7B 8k row ran
    # 32 heads instead of 20, which its source leaves open): the kernel runs the causal s^2 work (half of the
    # FLOPs counted) at about half the GEMM rate, consistent with Dao 2023 (FlashAttention 25-40% of peak).
    flash_attention_efficiency: float = 1.0
    # Per-step cost of runs on DeepSpeed's pipeline engine (measurements.Run framework "deepspeed"), in seconds
    # per parameter held by a GPU (step.evaluate params_per_gpu): what the engine spends once a step after the
    # pipeline flush (tied-weight and data-parallel gradient reduction, the ZeRO-1 optimizer step and parameter
    # gather, run one after another) beyond the model's own data-parallel and optimizer terms. Fitted value
    # 3.0e-9 on the two speed-test rows of the GLM-130B training log (THUDM/GLM-130B logs/main-log-en.md: one
    # layout at global batch 4224 and 6144): the step grows by 34.0 s per 1920 sequences there, which the model
    # matches within 4% (32.7 s), but the model's step at 4224 is 13 s short, a batch-independent cost (13.6 s
    # at 4.55e9 parameters per GPU). One layout cannot tell how the cost scales; per parameter held is the
    # assumption (the post-flush phases all move or update each parameter once), not measured. 0 for every
    # other framework (Megatron-LM, PyTorch DDP/FSDP): the fit set's Megatron rows need no such term.
    # Structure re-examined (commit c90795b): no other published DeepSpeed-engine measurement with its layout, cluster and
    # step time was found to add to the fit set (searched: GLM-130B's other logs, GPT-NeoX issues, DeepSpeed's
    # blog posts, Megatron-DeepSpeed forks; parallelism_cost README, validation), so the scaling is unchanged.
    # Against it at one stage: GPT-NeoX's maintainers report the engine with pipe-parallel-size 1 runs about as fast
    # as their non-pipeline model (EleutherAI/gpt-neox issue 574, 2022), which a per-parameter engine cost would not
    # allow unless the cost is one both engines pay (e.g. ZeRO-1's gradient reduction); the fit set cannot tell.
    deepspeed_step_seconds_per_param: float = 3.0e-9
    # Whether only runs with pipeline parallelism (p > 1) pay the engine cost above. True since the engine round
    # (validation.engine_structure_scores), decided on measurements.FIT_PYTHIA: Pythia's five GPT-NeoX runs at
    # pipe-parallel-size 1 (DeepSpeed's pipeline engine with one stage, pure data parallelism; the first held-out set's rows,
    # seen, fit side since that round) are 52-61% too slow with the cost at every pipeline depth and +2..+20% without it at
    # one stage (their measured steps are wall-clock averages, an upper bound); GPT-NeoX's maintainers report the engine at
    # one stage about as fast as their sequential model ("not much noticeable difference, the overhead is quite small",
    # EleutherAI/gpt-neox issue 574, 2022). GLM-130B's rows (p = 8), which fit the cost, do not move. Against it: the
    # three one-node, one-stage rows of measurements.DEEPSPEED_LAYOUTS (iteration-2 snapshots of 6-10 layer models, the
    # two identical ones 9% apart) are +10..+20% too fast without it (+3..+13% with it); reported, not fitted.
    deepspeed_engine_pipelined_only: bool = True
    # e_max of the 2022+ software on particular chips, as (chip name, value) pairs, where fit rows on that chip
    # show the shared gemm_max_efficiency_2022 (fitted on A100-80GB) does not carry over; a chip not listed uses
    # the shared value and differs only through its ridge point. validation.fit_calibration (5th stage) fits each
    # listed chip alone on its fit rows. H100: fitted value 0.58 on the six H100 fit rows (measurements.FIT_H100:
    # Nemotron-4 340B's three batch-ramp stages and Nemotron-4 15B's three, Megatron-Core 2024), jointly with the
    # 2023+ data-parallel overlap (techniques.OVERLAP_FROM_2023 data 0.25; validation.fit_data_overlap): mean 2.3%,
    # max 9.9%. With the shared 0.73 the 340B rows are ~25% too fast. So a big BF16 GEMM inside a Megatron step
    # reaches ~58% of H100's 989 TFLOP/s datasheet peak against ~73% of A100's 312: the H100's peak grew 3.2x, its HBM
    # bandwidth 1.6x, and clocks under load sit below the boost clock the peak assumes (power limit). commit 8f8afba fitted 0.57
    # on the 340B's last stage alone. The roll-off with matrix shape stays shared (gemm_size_scale in units of the
    # ridge point): an H100 roll-off fitted with e_max on the same six rows (commit 6db8f05) wants k = 2.0, ten times the A100
    # value, at the grid's edge, with e_max 0.78 (mean 2.8%): not adopted, the rows' spread comes from data-parallel
    # width at fixed shape (Nemotron-4 15B), which no roll-off can produce. Refitted with three more H100 fit rows from a
    # second source (measurements.FLAGPERF: BAAI's FlagPerf, Megatron-Core 0.6, Llama 3 8B on 8 / 16 and 70B on 64 H100s):
    # still 0.58 with overlap 0.25 on the nine rows (mean 3.5%, max 9.9%; the 8B rows -8.8 / -6.8%), and the larger H100
    # roll-off is rejected there (k 0.5 / 1.0 / 2.0: mean 6.0 / 9.7 / 13.5%, the 8B rows -15 / -29 / -42%). Then the 2023+
    # tensor-parallel overlap, a priori 0.5 until then, was fitted with it on the nine rows (validation.fit_comm_overlap,
    # techniques.OVERLAP_FROM_2023): tensor 0, data 0.25, H100 e_max 0.62 (mean 2.9%, max 6.3%: Nemotron-4 15B on 768 GPUs
    # -6.3%, on 2,304 +4.6%); with TP traffic no longer half hidden, a GEMM reaches 62% of H100's peak instead of 58%.
    chip_max_efficiency_2022: tuple[tuple[str, float], ...] = (("h100", 0.62),)
    # Sharded data parallelism (ZeRO-3 / FSDP): the fraction of their stand-alone speed at which the per-layer parameter
    # gathers and gradient reduce-scatters progress while compute kernels run (step.evaluate: compute of length c hides at
    # most rate x c of that traffic, the rest is exposed; with per-layer collectives each paying the ring's d - 1 latency
    # steps). 1 would hide traffic up to the whole step's compute, the model before this constant. Fitted value 0.05
    # (validation.fit_sharded, 0.00-0.20 in 0.01 steps, smallest mean absolute error) on measurements.FIT_SHARDED only
    # (MosaicML's MPT benchmarks, IBM's fms-fsdp, OPT-175B, BloombergGPT 50B, TinyLlama 1.1B: 25 rows, 1-175B, A100-40GB /
    # A100-80GB / H100, 8-992 GPUs): mean error 11.1% -> 5.0%, max 89.1% -> 38.6% (BloombergGPT 50B), 0.06 ties at 5.0%,
    # 0 gives 7.1%, 0.10 5.8%, 0.20 8.3%. Leave one source out (the rate fitted on the other two): mean 6.0%. Read as: the
    # sharded collectives are hardly hidden at all, so runs with little work per GPU (1-2 sequences, no recomputation) expose
    # them, while runs with full recomputation and 6-8 sequences hide a few percent of a step. The structures the rows
    # rejected (a lower achievable network bandwidth, a layer's gather hidden only behind one layer's compute, small-message
    # bandwidth loss, a fixed cost per layer and micro-batch) are listed with their errors in the parallelism_cost README.
    sharded_overlap_rate: float = 0.05
    # e_max of the software before 2022 on particular chips, as (chip name, value) pairs, as chip_max_efficiency_2022 is for
    # the 2022+ software; a chip not listed uses gemm_max_efficiency (fitted on A100-80GB, Narayanan et al. 2021).
    # V100: fitted value 0.33 (validation.fit_v100, 0.30-0.70 in 0.01 steps, smallest mean absolute error) on
    # measurements.FIT_V100 only (Shoeybi et al. 2019's 13 Megatron-LM rows on DGX-2H, the V100 rows of the eighth held-out
    # set, fit side since the V100 round): mean error 63.6% -> 11.1%, max 136.6% -> 65.9% (0.32: 12.1%, 0.34: 11.2%, the
    # a priori 0.64: 63.6%). Given to both V100 parts (validation.V100_CHIPS: same GPU). Leave one table out
    # (validation.v100_leave_one_table_out): fitted on Figure 5's eight weak-scaling rows 0.35, Tables 7-8 then 23.2% mean
    # (1.2B on 8 GPUs +72%); on Tables 7-8 0.32, Figure 5 then 7.4%; 13.5% over all rows left out. Read as: a big FP16
    # GEMM inside a 2019 Megatron-LM step on V100 reaches about a third of the 125-130 TFLOP/s peak (the paper: 39 TFLOP/s,
    # "30% of peak", on one GPU with recomputation counted), half the A100's 0.64 of 2021; the value is pulled below the
    # one-GPU row's (that row is -13% at 0.33) by the 1.2B strong-scaling rows, whose loss at 4-8-way tensor parallelism
    # the model does not produce (+28% / +66% at 0.33): not the NVSwitch bandwidth (the catalogue's 150 GB/s each way is
    # NVIDIA's published figure; a lower one trades those rows against the 8.3B rows, README), not the overlap (2019
    # Megatron-LM runs with none, validation.run_overlap). Recomputation-free FLOP counting would give 0.50 instead (README).
    chip_max_efficiency_before_2022: tuple[tuple[str, float], ...] = (("v100_16gb", 0.33), ("v100_32gb", 0.33))
    # e_max of the software of 2021 on particular chips, where it differs from the software before (the value above or
    # gemm_max_efficiency). V100: fitted value V100_2021 (validation.fit_v100_2021) on measurements.FIT_V100_2021 only
    # (BigScience's tr1-13B run on 16-512 V100-32GB, Megatron-DeepSpeed of 2021 with its fused kernels; the ninth held-out
    # set's rows, evaluated once, fit side since the engine round). The 2019 value (0.33, Megatron-LM 2019 without fused
    # kernels) left those rows 25-47% too slow, the model's compute alone above three of the four measured steps. 2020
    # software on a V100 keeps the 2019 value: no V100 row of 2020 has been found (untested).
    chip_max_efficiency_2021: tuple[tuple[str, float], ...] = (("v100_16gb", V100_2021), ("v100_32gb", V100_2021))
    # The per-step cost of data parallelism (the round on data-parallel width; validation.fit_width on measurements.FIT_WIDTH:
    # InternLM 7B's ZeRO-1 rows on 8-1,024 A100s and MegaScale's Megatron-LM baseline). Each field below is one candidate
    # structure that round scored (scripts/width_candidates.py prints the table); the default of each is the value the
    # round chose, and a neutral default (1, 0 or False) means the rows rejected the candidate: step.evaluate then does no
    # array work for it. Values and errors are in the parallelism_cost README's history.
    # (1a) the stage 0-2 gradient traffic of pure data-parallel runs (techniques.Overlap data_parallel_only, a priori full)
    # progresses alongside compute at this fraction of its stand-alone speed, as sharded_overlap_rate does for ZeRO-3 (1:
    # hidden up to the bounding compute, the model before the round). Model-parallel runs keep their fitted fraction
    # (techniques.OVERLAP_FROM_2023 data): applied to them as well, it makes Nemotron-4 15B's fit rows 11-12% too slow.
    # ADOPTED. Fitted value 0.02 (validation.fit_width, 0-0.1 in 0.01 steps then 0.2 / 0.3 / 0.5 / 1, smallest mean
    # absolute error) on measurements.FIT_WIDTH: InternLM's rows 22.5% -> 3.9% mean (0: 4.2%, 0.05: 4.7%, 0.1: 7.4%, 1:
    # 22.5%); MegaScale's rows run without overlap and do not depend on it. Leave one InternLM table out (fitted on the
    # checkpointed rows: 0.02, the others 6.0%; on the others: 0, the checkpointed 2.6%): mean 4.3%. Read as: a pure
    # data-parallel gradient all-reduce across nodes is hardly hidden behind compute in practice (InternLM overlaps it by
    # its config), not as a measured kernel rate; the fit set's pure data-parallel rows are on one node (Dao 2023: NVLink,
    # traffic small), so they move by <= 0.3 points.
    dp_overlap_rate: float = 0.02
    # (1b) the stage 0-1 all-reduce is hidden at most behind the last micro-batch's backward pass (buckets become ready
    # only during it), not behind its whole forward + backward.
    dp_hide_backward_only: bool = False
    # (2) seconds per step per log2(data-parallel ranks) and per rank, paid when the data-parallel group crosses nodes
    # (tree / ring collective latency beyond the hardware's per-hop latency already in the ring term).
    dp_latency_log2_seconds: float = 0.0
    dp_latency_linear_seconds: float = 0.0
    # (3) achievable fraction of the node network's bandwidth for data-parallel collectives that cross nodes.
    dp_bandwidth_fraction: float = 1.0
    # (4) a fixed cost per step of every run (optimizer step launch, gradient-norm all-reduce, data loading), seconds.
    step_fixed_seconds: float = 0.0
    # Sensitivity only, never fitted (costmodel.sensitivity VARIANTS "model-parallel steps +-20%", "size error drift +-20
    # points"): how far the band moves if the step model is as wrong as it is on the held-out rows never used to fit (the
    # parallelism_cost README's "Validation by set": mean error ~20%, drift of the signed error +17 points from 1B to 1T).
    # model_parallel_time_factor multiplies the step time of every layout that pays an adoption cost (tensor or pipeline
    # parallelism, or ZeRO-3 / FSDP sharding: size_choice.CLASS_BITS); size_error_drift_points multiplies every layout's
    # step time by 1 + points / 100 x log10(N / 1B) / 3 (N the model's parameters: 1 at 1B, 1 + points / 100 at 1T).
    # Neutral defaults (1, 0): step.evaluate then does no array work for them.
    model_parallel_time_factor: float = 1.0
    size_error_drift_points: float = 0.0

    def max_efficiency(self, year: float | None, chip: str | None = None) -> float:
        """e_max of the software of `year` (None: the newest) on `chip` (None: the shared value)."""
        if year is not None and year < 2022:
            if year >= 2021:
                for name, value in self.chip_max_efficiency_2021:
                    if name == chip:
                        return value
            for name, value in self.chip_max_efficiency_before_2022:
                if name == chip:
                    return value
            return self.gemm_max_efficiency
        if chip is not None:
            for name, value in self.chip_max_efficiency_2022:
                if name == chip:
                    return value
        return self.gemm_max_efficiency_2022

    def replace(self, **changes) -> "Calibration":
        values = dict(self.__dict__)
        values.update(changes)
        return Calibration(**values)


DEFAULT_CALIBRATION = Calibration()


def gemm_efficiency(m, k, n, ridge, calibration: Calibration = DEFAULT_CALIBRATION):
    """Fraction of peak for an (m x k) @ (k x n) GEMM on one GPU.

    eff = e_max / (1 + x0 (1/m + 1/k + 1/n)), x0 = k_scale * ridge: smooth in every dimension,
    close to e_max for large matrices, falling as 1/x when any side gets small (the matrix's
    arithmetic intensity ~ 1/(1/m + 1/k + 1/n) drops below the ridge point).
    """
    x0 = calibration.gemm_size_scale * ridge
    return calibration.gemm_max_efficiency / (1.0 + x0 * (1.0 / m + 1.0 / k + 1.0 / n))
