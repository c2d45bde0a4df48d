"""Memory per GPU: model state by ZeRO stage (Rajbhandari et al. 2020) and activations (Korthikanti et al. 2022)."""

from __future__ import annotations

import numpy as np

PARAM_BYTES = 2.0  # 16-bit weights (mixed precision; Micikevicius et al. 2018)
OPTIMIZER_BYTES = 12.0  # fp32 master weights + Adam m + v (Rajbhandari et al. 2020, K = 12)
ACT_BYTES = 2.0  # 16-bit activations, as in Korthikanti et al. (2022)
RECOMPUTE_CODES = {"none": 0, "selective": 1, "full": 2}


def model_state_coefficients(zero_stage, bytes_per_param=16.0):
    """(replicated, sharded) bytes per local parameter: state = psi * (replicated + sharded / d).

    With K = 12 optimizer bytes and g = bytes_per_param - 14 gradient bytes (2 at 16 bytes/param,
    4 for Megatron's fp32 gradients at 18): stage 0 keeps everything, stage 1 shards the optimizer,
    stage 2 also the gradients, stage 3 also the weights (Rajbhandari et al. 2020, Fig. 1).
    At 18 bytes/param stage 1 is Megatron's distributed optimizer, 6 + 12/d.
    """
    zero_stage = np.asarray(zero_stage)
    k = np.asarray(bytes_per_param, dtype=float)
    grad = k - PARAM_BYTES - OPTIMIZER_BYTES
    replicated = np.select([zero_stage == 0, zero_stage == 1, zero_stage == 2], [k, PARAM_BYTES + grad, PARAM_BYTES], 0.0)
    sharded = k - replicated
    return replicated, sharded


def model_state_bytes(psi, data, zero_stage, bytes_per_param=16.0):
    """Bytes of weights, gradients and optimizer state per GPU for psi local parameters."""
    replicated, sharded = model_state_coefficients(zero_stage, bytes_per_param)
    return np.asarray(psi, dtype=float) * (replicated + sharded / np.asarray(data, dtype=float))


def activation_bytes_per_layer(seq_len, micro_batch, hidden, heads, tensor, sequence_parallel, recompute_code):
    """Activation bytes one layer stores for one micro-batch on one GPU (Korthikanti et al. 2022, Table 2).

    none:      s b h (10 + 24/t + 5 a s/(h t))       [with SP: s b h/t (34 + 5 a s/h)]
    selective: the 5 a s/h attention term is dropped
    full:      only the layer input, 2 s b h (with SP: 2 s b h / t)
    """
    s, b, h, a, t = (np.asarray(x, dtype=float) for x in (seq_len, micro_batch, hidden, heads, tensor))
    sp = np.asarray(sequence_parallel, dtype=bool)
    rc = np.asarray(recompute_code)
    sbh = s * b * h
    attn = np.where(rc == 0, 5.0 * a * s / h, 0.0)
    stored = np.where(sp, sbh / t * (34.0 + attn), sbh * (10.0 + 24.0 / t + attn / t))
    return np.where(rc == 2, np.where(sp, 2.0 * sbh / t, 2.0 * sbh), stored)


def working_layer_bytes(seq_len, micro_batch, hidden, heads, tensor, sequence_parallel):
    """One layer's full activations for one micro-batch: the transient of full recomputation."""
    return activation_bytes_per_layer(seq_len, micro_batch, hidden, heads, tensor, sequence_parallel, 0)


def in_flight_factor(pipeline, interleave, micro_batches):
    """Layers' worth of activations the first stage holds, in units of L/p layers x micro-batch.

    1F1B keeps min(p, m) micro-batches in flight on the first stage; the interleaved schedule
    multiplies that by (1 + (p-1)/(p v)) (Korthikanti et al. 2022, section 4.2.3).
    """
    p = np.asarray(pipeline, dtype=float)
    v = np.asarray(interleave, dtype=float)
    m = np.asarray(micro_batches, dtype=float)
    extra = np.where(v > 1, 1.0 + (p - 1.0) / (p * v), 1.0)
    return np.minimum(p, m) * extra
