"""Constraints real training runs had, each with its source: deadline, cluster size per year, critical
batch size, failure/restart overhead, and the tokens-per-parameter practice of each year."""

from __future__ import annotations

import math

import numpy as np

from gapstudy.errors import GapstudyError

# Wall-clock deadline of one pre-training run, days. Published runs: LLaMA-65B ~21 days on 2,048
# A100-80GB (Touvron et al. 2023, section 2.4); OPT-175B ~56 days of training with 53-54 restarts
# (Zhang et al. 2022, logbook); Llama 3 405B reported over a 54-day snapshot (Dubey et al. 2024,
# section 3.3.4); BLOOM-176B ~117 days, 11 March - 6 July 2022 (BigScience 2022). 90 days sits
# inside that range; the experiment shows what a shorter or longer deadline changes.
DEFAULT_MAX_DAYS = 90.0

# Largest accelerator count one lab is known to have used for one run (or to have had as one
# cluster) by each year; a layout may not use more. Carried forward to later years.
GPUS_PER_LAB: dict[int, tuple[int, str]] = {
    2018: (512, "Shoeybi et al. 2019 (Megatron-LM): 512 V100 GPUs (32 DGX-2H nodes), trained 2019; used for 2018 too"),
    2019: (512, "Shoeybi et al. 2019 (Megatron-LM 8.3B): 512 V100 GPUs"),
    2020: (10_000, "Microsoft, 19 May 2020: the supercomputer built for OpenAI has 10,000 GPUs (GPT-3's cluster, Brown et al. 2020)"),
    2021: (10_000, "carried forward (MT-NLG 530B used 4,480 A100-80GB in 2021: Smith et al. 2022)"),
    2022: (10_000, "carried forward (PaLM: 6,144 TPU v4, Chowdhery et al. 2022; OPT-175B: 992 A100, Zhang et al. 2022)"),
    2023: (16_000, "Meta AI Research SuperCluster, 16,000 A100 GPUs (Meta AI blog, Jan 2022; complete 2022)"),
    2024: (16_384, "Dubey et al. 2024 (Llama 3 405B): 16,384 H100 GPUs in one run"),
    2025: (100_000, "xAI Colossus, 100,000 H100 GPUs in one cluster (xAI, Sept 2024)"),
    2026: (100_000, "carried forward"),
}


def gpus_per_lab(year: int, table: dict | None = None) -> int:
    """Accelerators one lab could use in `year` (latest entry at or before it)."""
    table = GPUS_PER_LAB if table is None else table
    known = sorted(int(y) for y in table)
    before = [y for y in known if y <= int(year)]
    if not before:
        raise GapstudyError(f"no GPU-count entry at or before {year}; the table starts in {known[0]}")
    value = table[before[-1]]
    return int(value[0] if isinstance(value, (tuple, list)) else value)


# Tokens per parameter labs trained on, by year. 2019-2022: Kaplan-era practice, GPT-3 300B tokens
# for 175B parameters (Brown et al. 2020), OPT-175B 180B (Zhang et al. 2022), BLOOM 366B for 176B
# (BigScience 2022), MT-NLG 270B for 530B (Smith et al. 2022): ~1-2, GPT-3's 1.7 taken. From 2023
# compute-optimal practice after Hoffmann et al. (2022): LLaMA-65B 1.4T tokens (21.5/param,
# Touvron et al. 2023), Llama 2-70B 2T (29/param, Touvron et al. 2023b); 20 taken.
KAPLAN_TOKENS_PER_PARAM = 300e9 / 175e9
CHINCHILLA_TOKENS_PER_PARAM = 20.0
TOKENS_PER_PARAM: dict[int, float] = {y: (KAPLAN_TOKENS_PER_PARAM if y <= 2022 else CHINCHILLA_TOKENS_PER_PARAM)
                                      for y in range(2017, 2027)}


def tokens_per_param(year: int, table: dict | None = None) -> float:
    """Tokens per parameter of the practice of `year` (latest entry at or before it)."""
    table = TOKENS_PER_PARAM if table is None else table
    known = sorted(int(y) for y in table)
    before = [y for y in known if y <= int(year)]
    if not before:
        raise GapstudyError(f"no tokens-per-parameter entry at or before {year}; the table starts in {known[0]}")
    return float(table[before[-1]])


# Critical batch size (Kaplan et al. 2020, eq. 1.4 / section 5.1): B_crit(L) = B* / L^(1/alpha_B)
# tokens, B* ~ 2e8 tokens, alpha_B ~ 0.21, L the loss in nats (their WebText2 fit). Batches much
# larger than B_crit waste tokens, so the global batch (and with it the data-parallel width) is
# capped there.
CRITICAL_BATCH_TOKENS = 2.0e8
CRITICAL_BATCH_ALPHA = 0.21
# Kaplan et al. (2020) eq. 1.5: L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D
KAPLAN_NC, KAPLAN_DC, KAPLAN_ALPHA_N, KAPLAN_ALPHA_D = 8.8e13, 5.4e13, 0.076, 0.095


def kaplan_loss(params, tokens):
    """L(N, D) of Kaplan et al. (2020), eq. 1.5 (nats per token)."""
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    return ((KAPLAN_NC / n) ** (KAPLAN_ALPHA_N / KAPLAN_ALPHA_D) + KAPLAN_DC / d) ** KAPLAN_ALPHA_D


def critical_batch_tokens(params, tokens):
    """Critical batch in tokens at the loss a model of `params` reaches after `tokens` (Kaplan et al. 2020)."""
    return CRITICAL_BATCH_TOKENS / kaplan_loss(params, tokens) ** (1.0 / CRITICAL_BATCH_ALPHA)


def capped_batch(default_sequences: int, params: float, tokens: float, seq_len: int) -> int:
    """The global batch in sequences: the default, capped at the critical batch (a 2^k or 3*2^k count)."""
    cap = critical_batch_tokens(params, tokens) / seq_len
    if default_sequences <= cap:
        return int(default_sequences)
    candidates = [c * 2**k for k in range(0, 20) for c in (1, 3) if c * 2**k <= cap]
    return int(max(candidates)) if candidates else 1


# Failures: Llama 3 405B saw 419 unexpected interruptions in a 54-day snapshot on 16,384 H100s and
# kept over 90% effective training time (Dubey et al. 2024, section 3.3.4). Rate per GPU-hour, and
# hours lost per interruption (restart plus lost work since the checkpoint) from the 10% lost over
# 466 interruptions (419 unexpected + 47 planned).
FAILURES_PER_GPU_HOUR = 419.0 / (54.0 * 24.0 * 16_384.0)
HOURS_LOST_PER_FAILURE = 0.10 * 54.0 * 24.0 / 466.0


def failure_overhead_per_gpu(rate: float = FAILURES_PER_GPU_HOUR, hours_lost: float = HOURS_LOST_PER_FAILURE) -> float:
    """k in the stretch 1 + k x GPUs of wall time and GPU-hours (failures grow with the GPU count)."""
    if not (math.isfinite(rate) and rate >= 0 and math.isfinite(hours_lost) and hours_lost >= 0):
        raise GapstudyError(f"failure rate ({rate!r}) and hours lost ({hours_lost!r}) must be non-negative numbers")
    return float(rate * hours_lost)
