"""Step time, memory and throughput of one training layout: one array kernel, a scalar wrapper on top."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapstudy.costmodel.architecture import param_count
from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION, Calibration
from gapstudy.costmodel.hardware import Hardware, get_hardware
from gapstudy.costmodel.memory import ACT_BYTES, RECOMPUTE_CODES, model_state_coefficients
from gapstudy.errors import GapstudyError

LOGIT_BYTES = 4.0  # fp32 logits and cross-entropy buffers (Korthikanti et al. 2022: 4 s b V / t)
SELECTIVE_ATTN_RECOMPUTE = 3.0  # extra attention-core forwards so timed FLOPs match the s/(3h) formula (science.md §4)

# Invalid-layout bits (several can be set); messages say what is wrong and how to fix it.
BAD_TENSOR = 1
BAD_PIPELINE = 2
BAD_BATCH = 4
BAD_INTERLEAVE = 8
TOO_MANY_GPUS = 16
BAD_DEGREE = 32
REASONS = {
    BAD_TENSOR: "heads (and hidden) must be divisible by the tensor-parallel degree",
    BAD_PIPELINE: "layers must be divisible by pipeline stages x interleave (no more stages than layers)",
    BAD_BATCH: "global batch must be divisible by micro-batch x data-parallel degree",
    BAD_INTERLEAVE: "interleaving needs pipeline > 1 and a micro-batch count divisible by the pipeline degree",
    TOO_MANY_GPUS: "the layout needs more GPUs (tensor x pipeline x data) than available",
    BAD_DEGREE: "every degree, the micro-batch and interleave must be positive integers; ZeRO stage 0-3",
}


def _f(x):
    return np.asarray(x, dtype=np.float64)


def evaluate(*, layers, hidden, heads, seq_len, vocab, global_batch, micro_batch, tensor, pipeline, data,
             zero_stage, recompute, sequence_parallel, interleave, hardware: Hardware, bytes_per_param=16.0,
             reserve=0.1, calibration: Calibration = DEFAULT_CALIBRATION, max_gpus=None,
             flash_attention=False, overlap: "Overlap | None" = None, era: float | None = 2021,
             last_stage_layers=None, embedding_params=None, step_overhead_per_param=None,
             layer_weights=None, op_recompute_weights=None) -> dict[str, np.ndarray]:
    """The model, on broadcastable arrays: every output is an array over the layouts given.

    With `flash_attention` (Dao et al. 2022) the attention scores are never stored or written to
    HBM: the 5as/h activation term and its elementwise traffic vanish, and the backward pass
    recomputes the attention core once (as FlashAttention does) whatever `recompute` says; the attention
    core runs at calibration.flash_attention_efficiency times the speed of its two GEMMs (fitted on
    Dao 2023 Table 1).

    `last_stage_layers`: transformer layers on the stage that also holds the logits, when a run
    rebalances its pipeline (BLOOM, Llama 3 give the end stages one layer fewer); None: L / p. The
    slowest stage then sets the micro-batch time.

    `embedding_params`: parameters outside the transformer blocks, held on the fullest stage (they set the
    gradient traffic and optimizer state with the blocks); None: (V + s) h, one embedding tied to the
    output layer plus a learned position table. A run with an untied output layer and rotary positions
    (GPT-NeoX, Pythia) on a single stage has 2 V h.

    `step_overhead_per_param`: seconds per parameter held by a GPU (params_per_gpu) paid once a step by the
    training framework beyond the terms above (gemm.Calibration deepspeed_step_seconds_per_param for DeepSpeed's
    pipeline engine); None: none (Megatron-LM). Reported as framework_time.

    `layer_weights`: weight matrices of one transformer block in units of h^2, for blocks that are not GPT's
    (4 h^2 attention projections + a 4h MLP = 12): 2 + 2 g / a for the attention projections with g key-value
    heads (grouped-query attention) plus 3 f / h for a gated (SwiGLU) MLP of width f, or 8 for a 4h one. Sets
    the four projection GEMMs' FLOPs (2 w b s h^2 / t forward) and roll-off terms, and the parameters a GPU
    holds; activation memory and elementwise traffic keep GPT's. None: 12 (no extra array work).

    `op_recompute_weights`: makes selective recomputation (code 1) op-level, as PyTorch's torchtitan does it (its
    "selective op" activation checkpointing, torchtitan/parallelisms/parallelize_llama.py, 2024: inside each block the
    outputs of the matrix multiplies are saved except every second one, and of the attention kernel (SDPA); every other
    op is recomputed in the backward pass). The value is the weights, in units of h^2, of the projections whose forward
    GEMMs are recomputed (for a Llama block wq, wk, wv, wo, w1, w3, w2 in that order: wk, wo and w3, i.e. g / a + 1 + f / h);
    their share of the projection GEMMs' time (of `layer_weights`, or 12) is recomputed with every elementwise kernel of
    the forward pass, and the attention core is not (with FlashAttention its backward still recomputes it once). Activation
    memory is kept at Megatron's selective value. No fitted constant: the FLOPs follow from the source's rule. None
    (the layout search): Megatron's selective recomputation of the attention core (no extra array work).

    `recompute` is an integer code (memory.RECOMPUTE_CODES: 0 none, 1 selective, 2 full).
    Ranks are placed tensor-fastest, then data, then pipeline (Megatron-LM's default order), so a
    group crosses nodes when its span (tensor x inner degrees) exceeds chips_per_node and then pays
    the inter-node latency and the node network's bandwidth its ranks in each node share (ring_bandwidth).
    """
    hw = hardware
    L, h, a, s, V, B = _f(layers), _f(hidden), _f(heads), _f(seq_len), _f(vocab), _f(global_batch)
    b, t, p, d, v = _f(micro_batch), _f(tensor), _f(pipeline), _f(data), _f(interleave)
    zero = np.asarray(zero_stage)
    rc = np.asarray(recompute)
    sp = np.asarray(sequence_parallel, dtype=bool)
    bpp = _f(bytes_per_param)
    peak, hbm, node = hw.peak_flops, hw.hbm_bandwidth, float(hw.chips_per_node)
    cal = calibration

    # ---- validity -------------------------------------------------------------------------
    invalid = np.zeros(np.broadcast(L, h, a, b, t, p, d, v, zero, rc, B).shape, dtype=np.int64)
    invalid |= np.where((np.fmod(a, t) != 0) | (np.fmod(h, t) != 0), BAD_TENSOR, 0)
    invalid |= np.where((p * v > L) | (np.fmod(L, p * v) != 0), BAD_PIPELINE, 0)
    invalid |= np.where(np.fmod(B, b * d) != 0, BAD_BATCH, 0)
    m = B / (b * d)  # micro-batches per pipeline per step
    invalid |= np.where((v > 1) & ((p == 1) | (np.fmod(m, p) != 0)), BAD_INTERLEAVE, 0)
    n = t * p * d
    if max_gpus is not None:
        invalid |= np.where(n > max_gpus, TOO_MANY_GPUS, 0)
    invalid |= np.where((np.minimum(np.minimum(t, p), np.minimum(d, b)) < 1) | (v < 1) | (zero < 0) | (zero > 3)
                        | (rc < 0) | (rc > 2), BAD_DEGREE, 0)

    # ---- compute per layer per micro-batch, forward (seconds) -------------------------------
    e = cal.max_efficiency(era, hw.name) * peak
    x0 = cal.gemm_size_scale * peak / hbm  # efficiency roll-off scale: k x ridge point (gemm.py)
    bs = b * s
    bsh = bs * h
    h2t = h * h / t
    # QKV (bs,h,3h/t), out-proj (bs,h/t,h), fc1 (bs,h,4h/t), fc2 (bs,4h/t,h): time of each GEMM
    # is 2MKN/(e_max peak) x (1 + x0 (1/M + 1/K + 1/N)) = [2MKN + 2 x0 (KN + MN + MK)] / (e_max peak).
    if layer_weights is None:
        lin = (24.0 * bs * h2t + 2.0 * x0 * (12.0 * h2t + 12.0 * bsh / t + 4.0 * bsh)) / e
    else:  # w h^2 weights split over t: the same four GEMMs' sum, each side scaled with its width (docstring)
        w = _f(layer_weights)
        lin = (2.0 * w * bs * h2t + 2.0 * x0 * (w * h2t + w * bsh / t + 4.0 * bsh)) / e
    dh = h / a
    # attention core: b a/t batched (s,dh,s) and (s,s,dh) GEMMs per layer
    attn = (b * a / t) * (4.0 * s * s * dh + 4.0 * x0 * (s * s + 2.0 * s * dh)) / e
    if flash_attention:  # one fused kernel instead of two GEMMs: its own efficiency relative to them (gemm.py)
        attn = attn / cal.flash_attention_efficiency
    # elementwise kernels move the layer's stored activations (no recompute) c times at HBM speed
    # softmax/dropout bytes: the 5as/h term times sbh, split over t (none with FlashAttention)
    score = 0.0 * b if flash_attention else 5.0 * a * s * s * b / t
    stored_full = np.where(sp, 34.0 * bsh / t, bsh * (10.0 + 24.0 / t)) + score
    elem = cal.elementwise_passes * stored_full / hbm
    fwd = lin + attn + elem
    if flash_attention:
        recompute_t = np.where(rc == 2, fwd, attn)
    else:
        recompute_t = np.where(rc == 2, fwd,
                               np.where(rc == 1, SELECTIVE_ATTN_RECOMPUTE * attn + cal.elementwise_passes * score / hbm, 0.0))
    if op_recompute_weights is not None:  # op-level selective (torchtitan): some projections + all elementwise kernels
        w_all = 12.0 if layer_weights is None else _f(layer_weights)
        op_part = _f(op_recompute_weights) / w_all * lin + elem + (attn if flash_attention else 0.0)
        recompute_t = np.where(rc == 1, op_part, recompute_t)
    layer_compute = 3.0 * fwd + recompute_t  # backward = 2x forward

    # ---- tensor-parallel all-reduces: 4 per layer per micro-batch, 6 with full recompute ----
    tp_cross = t > node
    tp_bw = np.where(tp_cross, ring_bandwidth(hw, node), hw.intra_bandwidth)
    tp_lat = np.where(tp_cross, hw.inter_node_latency_s, hw.intra_node_latency_s)
    n_ar = np.where(rc == 2, 6.0, 4.0)
    tp_layer = n_ar * (2.0 * (t - 1.0) / t * ACT_BYTES * bsh / tp_bw + 2.0 * (t - 1.0) * tp_lat)

    # ---- logits (last stage): GEMM (bs,h,V/t) forward + 2x backward, fp32 cross-entropy -----
    logits = 3.0 * ((2.0 * bs * h * V / t + 2.0 * x0 * (h * V / t + bs * V / t + bsh)) / e
                    + cal.elementwise_passes * LOGIT_BYTES * bs * V / t / hbm)

    layers_per_stage = L / p
    if last_stage_layers is None:
        mb_compute = layers_per_stage * layer_compute + logits
        mb_tp = layers_per_stage * tp_layer
    else:  # the slowest stage: a middle one (L/p layers) or the last (fewer layers + logits)
        k_last = _f(last_stage_layers)
        last_slower = k_last * (layer_compute + tp_layer) + logits >= layers_per_stage * (layer_compute + tp_layer)
        k = np.where(last_slower, k_last, layers_per_stage)
        mb_compute = k * layer_compute + np.where(last_slower, logits, 0.0)
        mb_tp = k * tp_layer
    mb_time = mb_compute + mb_tp
    bubble_mb = (p - 1.0) / v
    compute_time = m * mb_compute
    tp_time = m * mb_tp
    bubble_time = bubble_mb * mb_time

    # ---- pipeline point-to-point: one send forward and one backward per chunk boundary -----
    pp_cross = (t * d * p > node) & (p > 1)
    pp_bw = np.where(pp_cross, hw.inter_bandwidth, hw.intra_bandwidth)
    pp_lat = np.where(pp_cross, hw.inter_node_latency_s, hw.intra_node_latency_s)
    pp_msgs = np.where(p > 1, 2.0 * (m * v + p - 1.0), 0.0)
    pp_time = pp_msgs * (pp_lat + ACT_BYTES * bsh / t / pp_bw)  # scatter/gather over the t ranks

    # ---- model state and data-parallel traffic ---------------------------------------------
    embed = (V + s) * h if embedding_params is None else _f(embedding_params)
    block = 12.0 * h * h if layer_weights is None else _f(layer_weights) * h * h
    psi = ((block + 13.0 * h) * layers_per_stage + embed) / t  # parameters on the fullest stage
    replicated, sharded = model_state_coefficients(zero, bpp)
    state_bytes = psi * (replicated + sharded / d)
    dp_cross = t * d > node
    # a data-parallel group has node / t ranks in each node (tensor-fastest placement): its rings share
    # the node's links with the t - 1 other groups of the node (see ring_bandwidth)
    dp_bw = np.where(dp_cross, ring_bandwidth(hw, np.clip(node / t, 1.0, d)), hw.intra_bandwidth)
    dp_lat = np.where(dp_cross, hw.inter_node_latency_s, hw.intra_node_latency_s)
    # gradient payloads of 2 psi bytes: all-reduce (stages 0-1) = 2 collectives' worth; stage 2
    # reduce-scatters every micro-batch and all-gathers once; stage 3 gathers weights forward and
    # backward and reduce-scatters, every micro-batch (Rajbhandari et al. 2020 §7).
    n_coll = np.where(zero <= 1, 2.0, np.where(zero == 2, m + 1.0, 3.0 * m))
    # ZeRO-3 / FSDP gathers and reduce-scatters block by block (FSDP's unit of wrapping, DeepSpeed's per-module hooks), so
    # its 3m collectives' worth of bytes is paid in 3m x L/p collectives, each a ring of d - 1 steps paying the link
    # latency (the hardware's: no fitted constant). Chosen on measurements.FIT_SHARDED with the overlap rate below
    # (scripts/sharded_candidates.py of commit 3dab05f: mean error 6.4% with the rate alone, 5.0% with both).
    n_lat = np.where(zero == 3, n_coll * layers_per_stage, n_coll)
    if cal.dp_bandwidth_fraction != 1.0:  # candidate (3) of the width round (gemm.Calibration)
        dp_bw = np.where(dp_cross, cal.dp_bandwidth_fraction * dp_bw, dp_bw)
    dp_time = np.where(d > 1, n_coll * (d - 1.0) / d * PARAM_GRAD_BYTES * psi / dp_bw + n_lat * (d - 1.0) * dp_lat, 0.0)

    # ---- optimizer: read and write the local optimizer state once at HBM speed ------------
    opt_params = np.where(zero >= 1, psi / d, psi)
    opt_time = 2.0 * bpp * opt_params / hbm

    if overlap is not None:
        pure_dp = (t == 1) & (p == 1)
        f_dp = np.where(pure_dp, overlap.data_parallel_only, overlap.data)
        bound = mb_compute
        if cal.dp_hide_backward_only:  # candidate (1b): the all-reduce hides only behind the last backward pass
            bound = np.where(zero <= 1, mb_compute - layers_per_stage * fwd - logits / 3.0, mb_compute)
        # data-parallel traffic progresses alongside compute at only a fraction of its stand-alone speed (fitted
        # Calibration rates): compute of length c hides at most rate x c of it, the rest is exposed. ZeRO-3's collectives
        # at sharded_overlap_rate; pure data parallelism's stage 0-2 traffic at dp_overlap_rate (candidate 1a of the
        # width round); model-parallel runs' stage 0-2 traffic at the whole bound
        rate = np.where(zero == 3, cal.sharded_overlap_rate, np.where(pure_dp, cal.dp_overlap_rate, 1.0))
        hide = rate * (bound * np.where(zero >= 2, m, 1.0))
        dp_time = dp_time - np.minimum(f_dp * dp_time, hide)
        tp_hidden = overlap.tensor * tp_time
        tp_time = tp_time - tp_hidden
        bubble_time = bubble_time - overlap.tensor * bubble_mb * mb_tp
        pp_time = (1.0 - overlap.pipeline) * pp_time
    if cal.dp_latency_log2_seconds or cal.dp_latency_linear_seconds:  # candidate (2) of the width round
        dp_time = dp_time + np.where(dp_cross & (d > 1), cal.dp_latency_log2_seconds * np.log2(np.maximum(d, 1.0))
                                     + cal.dp_latency_linear_seconds * d, 0.0)
    step_time = compute_time + bubble_time + tp_time + pp_time + dp_time + opt_time
    if cal.step_fixed_seconds:  # candidate (4) of the width round: a fixed cost per step
        step_time = step_time + cal.step_fixed_seconds
    if cal.model_parallel_time_factor != 1.0:  # sensitivity only (gemm.Calibration): layouts that pay an adoption cost
        step_time = step_time * np.where((t > 1) | (p > 1) | (zero == 3), cal.model_parallel_time_factor, 1.0)
    if cal.size_error_drift_points:  # sensitivity only: an error growing linearly in log size, 0 at 1B
        n_params = (block + 13.0 * h) * L + embed
        step_time = step_time * (1.0 + cal.size_error_drift_points / 100.0 * np.log10(n_params / 1e9) / 3.0)
    framework_time = 0.0  # no array work on the search's path when the framework adds nothing
    if step_overhead_per_param is not None:
        framework_time = _f(step_overhead_per_param) * psi
        step_time = step_time + framework_time

    # ---- activations on the first stage -----------------------------------------------------
    stored = np.where(rc == 2, np.where(sp, 2.0 * bsh / t, 2.0 * bsh),
                      np.where(rc == 1, stored_full - score, stored_full)) * ACT_BYTES / 2.0
    in_flight = np.minimum(p, m) * np.where(v > 1, 1.0 + (p - 1.0) / (p * v), 1.0)
    act_bytes = (stored * layers_per_stage * in_flight
                 + np.where(rc == 2, stored_full, 0.0)  # one layer recomputed at a time
                 + LOGIT_BYTES * bs * V / t)
    memory = state_bytes + act_bytes
    fits = memory <= (1.0 - reserve) * hw.memory_bytes

    hw_flops = _hardware_flops(B, s, L, h, V, rc)
    mdl_flops = 72.0 * B * s * L * h * h * (1.0 + s / (6.0 * h) + V / (12.0 * h * L))
    gpu_seconds = n * step_time
    return {
        "invalid": invalid,
        "fits": fits & (invalid == 0),
        "gpus": n,
        "micro_batches": m,
        "step_time": step_time,
        "compute_time": compute_time,
        "bubble_time": bubble_time,
        "tp_comm_time": tp_time,
        "pp_comm_time": pp_time,
        "dp_comm_time": dp_time,
        "optimizer_time": opt_time,
        "framework_time": framework_time,
        "hardware_flops": hw_flops,
        "model_flops": mdl_flops,
        "achieved_flops_per_gpu": hw_flops / gpu_seconds,
        "mfu": mdl_flops / (gpu_seconds * peak),
        "memory": memory,
        "state_memory": state_bytes,
        "activation_memory": act_bytes,
        "params_per_gpu": psi,
        "tokens_per_step": B * s,
        "dollars_per_step": gpu_seconds * hw.price_per_chip_hour / 3600.0,
    }


def ring_bandwidth(hw: Hardware, ranks_per_node):
    """Bytes/s per rank of a ring (or tree) collective whose group crosses nodes with `ranks_per_node`
    of its ranks in each node.

    NCCL chains the group's ranks inside a node over NVLink and leaves the node once per ring channel,
    one channel per NIC (NCCL's ring and tree algorithms; Jeaugey, "Massively scale your deep learning
    training with NCCL 2.4", NVIDIA blog 2019): the 2(n-1)/n x S bytes each rank sends cross the node
    boundary once per node, not once per rank, so a group with g ranks in a node moves them at g x one
    NIC's share of the node's network (the node's whole bandwidth when all its GPUs are in the group),
    capped by NVLink; g = 1 is one NIC's share. Measured: all-reduce bus bandwidth (2(n-1)/n x S per rank /
    time) of 91 GB/s over 2 HGX A100 nodes with 4 x 200 Gb/s NICs each (NVIDIA/nccl-tests issue #100, 2022)
    and 85-96 GB/s over 3 such nodes (issue #119, 2022): the node's 100 GB/s, not one NIC's 12.5 GB/s share.
    """
    return np.minimum(hw.intra_bandwidth, hw.inter_bandwidth * _f(ranks_per_node))


PARAM_GRAD_BYTES = 2.0  # 16-bit gradients on the wire (Megatron-LM and DeepSpeed default)


def _hardware_flops(B, s, L, h, V, rc):
    """FLOPs the hardware executes per step: science.md §4 formulas by recompute code."""
    base = B * s * L * h * h
    full = 96.0 * base * (1.0 + s / (6.0 * h) + V / (16.0 * L * h))
    selective = 72.0 * base * (1.0 + s / (3.0 * h) + V / (12.0 * h * L))
    none = 72.0 * base * (1.0 + s / (6.0 * h) + V / (12.0 * h * L))
    return np.where(rc == 2, full, np.where(rc == 1, selective, none))


def describe_invalid(code: int) -> str:
    """The reasons encoded in an invalid bitmask, joined."""
    return "; ".join(msg for bit, msg in REASONS.items() if code & bit)


@dataclass(frozen=True)
class StepEstimate:
    """One layout's predicted step: time and its parts (s), throughput, memory per GPU (bytes)."""

    gpus: int
    micro_batches: int
    step_time: float
    compute_time: float
    bubble_time: float
    tp_comm_time: float
    pp_comm_time: float
    dp_comm_time: float
    optimizer_time: float
    hardware_flops: float
    model_flops: float
    achieved_flops_per_gpu: float
    mfu: float
    memory: float
    state_memory: float
    activation_memory: float
    memory_limit: float
    params_per_gpu: float
    params: float
    dollars_per_step: float
    fits: bool
    framework_time: float = 0.0

    @property
    def achieved_tflops_per_gpu(self) -> float:
        return self.achieved_flops_per_gpu / 1e12

    @property
    def memory_gb(self) -> float:
        return self.memory / 1e9


def _check_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise GapstudyError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def estimate_step(*, layers, hidden, heads, seq_len, vocab, global_batch, micro_batch, tensor, pipeline, data,
                  zero_stage=0, recompute="full", sequence_parallel=False, interleave=1, hardware="a100_80gb",
                  bytes_per_param=16, reserve=0.1, calibration: Calibration = DEFAULT_CALIBRATION,
                  max_gpus=None, flash_attention: bool = False, overlap=None, era=2021) -> StepEstimate:
    """Predict one layout (the array kernel on size-1 arrays); impossible layouts raise GapstudyError."""
    hw = get_hardware(hardware)
    ints = dict(layers=layers, hidden=hidden, heads=heads, seq_len=seq_len, vocab=vocab, global_batch=global_batch,
                micro_batch=micro_batch, tensor=tensor, pipeline=pipeline, data=data, interleave=interleave)
    ints = {k: _check_int(k, v) for k, v in ints.items()}
    zero_stage = _check_int("zero_stage", zero_stage, 0)
    if zero_stage > 3:
        raise GapstudyError(f"zero_stage must be 0, 1, 2 or 3, got {zero_stage}")
    if recompute not in RECOMPUTE_CODES:
        raise GapstudyError(f"recompute must be one of {list(RECOMPUTE_CODES)}, got {recompute!r}")
    if bytes_per_param < 14:
        raise GapstudyError(f"bytes_per_param must be >= 14 (2 weights + 12 optimizer), got {bytes_per_param!r}")
    if not 0 <= reserve < 1:
        raise GapstudyError(f"reserve must be in [0, 1), got {reserve!r}")
    out = evaluate(**{k: np.array([v]) for k, v in ints.items()}, zero_stage=np.array([zero_stage]),
                   recompute=np.array([RECOMPUTE_CODES[recompute]]), sequence_parallel=np.array([bool(sequence_parallel)]),
                   hardware=hw, bytes_per_param=float(bytes_per_param), reserve=float(reserve),
                   calibration=calibration, max_gpus=max_gpus, flash_attention=bool(flash_attention),
                   overlap=overlap, era=era)
    code = int(out["invalid"][0])
    if code:
        layout = (f"t={ints['tensor']} p={ints['pipeline']} d={ints['data']} b={ints['micro_batch']} "
                  f"v={ints['interleave']} (heads={ints['heads']}, layers={ints['layers']}, B={ints['global_batch']})")
        raise GapstudyError(f"impossible layout {layout}: {describe_invalid(code)}")
    vals = {k: float(np.asarray(v).ravel()[0]) for k, v in out.items() if k not in ("invalid", "fits", "tokens_per_step")}
    return StepEstimate(
        gpus=int(vals.pop("gpus")), micro_batches=int(vals.pop("micro_batches")),
        memory_limit=(1.0 - reserve) * hw.memory_bytes,
        params=float(param_count(layers, hidden, vocab, seq_len)),
        fits=bool(out["fits"][0]), **vals,
    )
