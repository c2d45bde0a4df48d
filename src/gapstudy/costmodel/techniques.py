"""Technique history: when each parallelism and memory technique became publicly usable, with its source.

A search for year Y only uses techniques released by the end of Y (minus an optional lag), so a
2020 run cannot pick sequence parallelism (2022). Dates are decimal years of the first public
paper or release that made the technique usable for training large language models.
"""

from __future__ import annotations

from dataclasses import dataclass

from gapstudy.errors import GapstudyError


@dataclass(frozen=True)
class Technique:
    """One technique: a short name, the date it became usable, the source, what the search does with it."""

    name: str
    date: float  # decimal year
    source: str
    effect: str
    modelled: bool = True  # False: recorded in the history but not used by the search (see effect)


TECHNIQUES: tuple[Technique, ...] = (
    Technique("data_parallel", 2012.0, "Dean et al. 2012 (DistBelief); synchronous all-reduce data parallelism",
              "replicas of the model over data-parallel ranks"),
    Technique("full_recompute", 2016.3, "Chen et al. 2016, arXiv:1604.06174 (activation checkpointing)",
              "store only each layer's input, recompute the layer in the backward pass"),
    Technique("pipeline", 2019.0, "Huang et al. 2018, GPipe, arXiv:1811.06965 (code in Lingvo 2019); "
              "Narayanan et al. 2019, PipeDream, SOSP",
              "pipeline degrees > 1 (1F1B schedule)"),
    Technique("tensor", 2019.7, "Shoeybi et al. 2019, Megatron-LM, arXiv:1909.08053 (Sept 2019)",
              "tensor-parallel degrees > 1"),
    Technique("zero1", 2020.1, "Rajbhandari et al. 2019, ZeRO, arXiv:1910.02054; DeepSpeed public release Feb 2020",
              "ZeRO stage 1 (optimizer state sharded over data-parallel ranks)"),
    Technique("zero2", 2020.4, "DeepSpeed ZeRO-2 release, May 2020 (Microsoft Research blog, 19 May 2020)",
              "ZeRO stage 2 (gradients sharded too)"),
    Technique("zero3", 2021.2, "DeepSpeed ZeRO-3 Offload, March 2021; Rajbhandari et al. 2021, ZeRO-Infinity, "
              "arXiv:2104.07857; PyTorch FSDP (PyTorch 1.11, March 2022) is the same sharding",
              "ZeRO stage 3 / FSDP (parameters sharded too)"),
    Technique("interleaved", 2021.3, "Narayanan et al. 2021, arXiv:2104.04473 (interleaved 1F1B)",
              "interleaved pipeline chunks v > 1"),
    Technique("sequence_parallel", 2022.4, "Korthikanti et al. 2022, arXiv:2205.05198 (May 2022)",
              "sequence parallelism of the non-tensor-parallel regions"),
    Technique("selective_recompute", 2022.4, "Korthikanti et al. 2022, arXiv:2205.05198 (May 2022)",
              "recompute only the attention core"),
    Technique("flash_attention", 2022.4, "Dao et al. 2022, FlashAttention, arXiv:2205.14135 (May 2022)",
              "attention scores never stored: the 5as/h activation term and its memory traffic vanish"),
    Technique("comm_overlap", 2023.0, "Megatron-Core (NVIDIA, 2023): --overlap-grad-reduce / --overlap-param-gather "
              "(data parallel), --overlap-p2p-communication (pipeline), --tp-comm-overlap with Transformer Engine "
              "userbuffers (tensor parallel)",
              "communication of model-parallel runs hidden behind compute (see Overlap)"),
    Technique("fp8", 2023.0, "Micikevicius et al. 2022, arXiv:2209.05433; NVIDIA Transformer Engine with H100 (2023)",
              "not used by the search: published large dense runs through 2024 trained in BF16 (e.g. Llama 3, "
              "Dubey et al. 2024); FP8 pre-training at scale was first reported by DeepSeek-V3 (Dec 2024)",
              modelled=False),
)
BY_NAME = {t.name: t for t in TECHNIQUES}


def available(year: float, lag: float = 0.0) -> frozenset[str]:
    """Names of the techniques usable in `year`: released before the end of year - lag."""
    return frozenset(t.name for t in TECHNIQUES if t.date < float(year) + 1.0 - float(lag))


def search_options(year: float | None, lag: float = 0.0) -> dict:
    """Keyword arguments for costmodel.search restricting it to what existed in `year` (None: everything)."""
    have = frozenset(BY_NAME) if year is None else available(year, lag)
    if "data_parallel" not in have:
        raise GapstudyError(f"year {year} is before data-parallel training ({BY_NAME['data_parallel'].date:g}); use 2012 or later")
    recomputes = ["none"]
    if "full_recompute" in have:
        recomputes.append("full")
    if "selective_recompute" in have:
        recomputes.append("selective")
    return {
        "zero_stages": tuple(s for s, name in ((0, None), (1, "zero1"), (2, "zero2"), (3, "zero3"))
                             if name is None or name in have),
        "recomputes": tuple(recomputes),
        "sequence_parallel": (False, True) if "sequence_parallel" in have else (False,),
        "interleaves": (1, 2, 4) if "interleaved" in have else (1,),
        "max_tensor": 64 if "tensor" in have else 1,
        "max_pipeline": None if "pipeline" in have else 1,
        "flash_attention": "flash_attention" in have,
    }


@dataclass(frozen=True)
class Overlap:
    """Fractions of each kind of communication the software of an era hides behind compute."""

    data_parallel_only: float  # gradient all-reduce of pure data-parallel runs (no tensor/pipeline)
    data: float  # data-parallel traffic of model-parallel runs
    tensor: float
    pipeline: float


# Before 2023: PyTorch DDP buckets gradients and overlaps their all-reduce with the backward pass
# by default (Li et al. 2020, "PyTorch Distributed", VLDB), so pure data-parallel runs hide it;
# Megatron-LM (2019-2022) and DeepSpeed's pipeline engine reduce gradients after the last
# micro-batch and run tensor-parallel all-reduces and pipeline sends synchronously (the setting
# of the Narayanan et al. 2021 measurements the constants are fitted on).
OVERLAP_BEFORE_2023 = Overlap(data_parallel_only=1.0, data=0.0, tensor=0.0, pipeline=0.0)
# From 2023 (Megatron-Core, see TECHNIQUES "comm_overlap"): pipeline sends overlap fully (a priori). Tensor-parallel
# traffic: none hidden, FITTED (validation.fit_comm_overlap) jointly with the data-parallel overlap and the H100 e_max on
# the nine H100 fit rows (measurements.FIT_H100: Nemotron-4 340B / 15B at TP 8, FlagPerf's Llama 3 8B at TP 2 and 70B at
# TP 8 PP 4). Mean error over tensor overlap 0 / 0.25 / 0.5 / 0.75 / 1, each with its best data overlap and e_max: 2.9 / 3.1
# / 3.5 / 4.2 / 4.3%. Was 0.5, an a priori value (chunked GEMMs hide communication but its kernels take SMs from them),
# until this fit; Megatron-Core's overlap of tensor-parallel communication with GEMMs (--tp-comm-overlap, Transformer
# Engine userbuffers) is opt-in, and FlagPerf's launch script does not set it. The two sources alone disagree: FlagPerf's
# three rows want 0 (1.5% against 4.0% at 0.5), the Nemotron rows alone lie in a flat valley where more tensor overlap
# trades against less data overlap (1 / 0: 2.2%, 0.5 / 0.25: 2.3%, 0 / 0.25: 3.0%), so NeMo's runs may have enabled it; one
# value per software era cannot say which run did. Data-parallel reduce-scatter and parameter all-gather of
# model-parallel runs (`data`): a quarter hidden (bounded by the compute available, see step.evaluate), FITTED
# (commit 6db8f05, validation.fit_data_overlap; with the tensor overlap since, validation.fit_comm_overlap) jointly with the H100 e_max on the six H100 fit rows (measurements.FIT_H100:
# Nemotron-4 340B's and 15B's batch-ramp stages, Megatron-Core 2024), the only fit rows it acts on. Grid 0 / 0.25 /
# 0.5 / 0.75 / 1: mean error 2.9 / 2.3 / 5.0 / 8.9 / 12.1% (each with its best H100 e_max). The a priori 1.0 (full
# overlap) left Nemotron-4 15B 22-37% too fast: with 4 sequences per replica a step (one micro-batch) the model hid
# all of the 2 x 2 bytes x 1.95e9 parameters' traffic behind compute, but the report's step grows 12% from 96 to 288
# replicas at fixed per-GPU work, which only exposed data-parallel traffic can produce. Was 1.0 (a priori) until commit 6db8f05.
# Refitted on nine H100 rows (the six above and FlagPerf's three Llama 3 rows, measurements.FLAGPERF): 0.25 again, grid mean
# error 3.8 / 3.5 / 5.5 / 8.3 / 11.7% with the a priori tensor overlap 0.5, and 3.5 / 2.9 / 2.9 / 5.3 / 8.3% with the fitted 0.
# Pure data-parallel runs (`data_parallel_only`: PyTorch DDP / FSDP) keep full overlap of their traffic, bounded by compute;
# for ZeRO-3 / FSDP the bound is gemm.Calibration sharded_overlap_rate x compute (0.05, fitted on measurements.FIT_SHARDED,
# the round on sharded data parallelism: the sharded collectives are hardly hidden at all). DDP's all-reduce (stages 0-1)
# kept the whole compute as its bound until the round on the per-step cost of data parallelism: since then pure data
# parallelism's stage 0-2 traffic is bounded by gemm.Calibration dp_overlap_rate x compute (0.02, fitted on
# measurements.FIT_WIDTH: InternLM 7B's ZeRO-1 rows on 8-1,024 A100s expose nearly all of their all-reduce across nodes).
OVERLAP_FROM_2023 = Overlap(data_parallel_only=1.0, data=0.25, tensor=0.0, pipeline=1.0)


# Megatron-LM (2019-2022) and DeepSpeed's pipeline engine as the fit-set papers ran them: nothing hidden.
NO_OVERLAP = Overlap(data_parallel_only=0.0, data=0.0, tensor=0.0, pipeline=0.0)


def software_overlap(year: float | None, lag: float = 0.0) -> Overlap:
    """The communication overlap of the software of `year` (None: the newest)."""
    if year is None or "comm_overlap" in available(year, lag):
        return OVERLAP_FROM_2023
    return OVERLAP_BEFORE_2023


def history() -> list[dict]:
    """The history as plain rows (for results.json and reports)."""
    return [{"technique": t.name, "date": t.date, "source": t.source, "effect": t.effect, "modelled": t.modelled}
            for t in TECHNIQUES]
