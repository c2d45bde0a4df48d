"""Exhaustive layout search: every valid layout evaluated at once as numpy arrays, cheapest fitting one returned."""

from __future__ import annotations

import functools
import math
import sys
import types
from dataclasses import dataclass

import numpy as np

from gapstudy.costmodel.architecture import DEFAULT_SEQ_LEN, DEFAULT_VOCAB, Shape, make_shape
from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION, Calibration
from gapstudy.costmodel.hardware import Hardware, get_hardware
from gapstudy.costmodel.memory import RECOMPUTE_CODES
from gapstudy.costmodel.step import StepEstimate, describe_invalid, estimate_step, evaluate
from gapstudy.errors import GapstudyError

RECOMPUTE_NAMES = {v: k for k, v in RECOMPUTE_CODES.items()}
MICRO_BATCHES = (1, 2, 4, 8, 16)  # Megatron-LM / DeepSpeed runs use small powers of two
INTERLEAVES = (1, 2, 4)  # Narayanan et al. (2021) use a few chunks per device
MAX_TENSOR = 64  # beyond 64-way, tensor parallel GEMMs are too thin to be worth searching
CHINCHILLA_TOKENS_PER_PARAM = 20.0  # Hoffmann et al. (2022)
SECONDS_PER_DAY = 86400.0


def default_global_batch(params: float, seq_len: int = DEFAULT_SEQ_LEN) -> int:
    """Sequences per step: ~2M tokens x (N/1e10)^0.2, rounded to 2^k or 3*2^k.

    Eyeballed to GPT-3's batch sizes (Brown et al. 2020 Table 2.1: 1M tokens at 1.3B, 2M at
    6.7B-13B, 3.2M at 175B); gives 1536 sequences of 2048 at 175B, as GPT-3 used.
    """
    tokens = 2.0e6 * (float(params) / 1e10) ** 0.2
    seqs = tokens / seq_len
    candidates = [c * 2**k for k in range(0, 16) for c in (1, 3)]
    return int(min(candidates, key=lambda c: abs(math.log(c / seqs))))


def _divisors(n: int) -> list[int]:
    small = [i for i in range(1, int(math.isqrt(n)) + 1) if n % i == 0]
    return sorted(set(small + [n // i for i in small]))


@dataclass(frozen=True)
class Layout:
    """How a model is split: degrees, micro-batch and memory-saving options."""

    tensor: int
    pipeline: int
    data: int
    micro_batch: int
    zero_stage: int
    recompute: str
    sequence_parallel: bool
    interleave: int

    @property
    def gpus(self) -> int:
        return self.tensor * self.pipeline * self.data


@dataclass(frozen=True)
class SearchResult:
    """The best fitting layout (or why there is none) and how many layouts were evaluated."""

    shape: Shape
    hardware: str
    global_batch: int
    tokens: float
    objective: str  # "cost" (dollars for the token budget) or "time" (days on a GPU budget)
    evaluated: int
    valid: int
    fitting: int
    layout: Layout | None
    estimate: StepEstimate | None
    dollars: float
    days: float
    reason: str | None = None

    @property
    def found(self) -> bool:
        return self.layout is not None


@dataclass
class LayoutArrays:
    """The candidate layouts as flat integer arrays (one element per layout)."""

    tensor: np.ndarray
    pipeline: np.ndarray
    data: np.ndarray
    micro_batch: np.ndarray
    zero_stage: np.ndarray
    recompute: np.ndarray
    sequence_parallel: np.ndarray
    interleave: np.ndarray

    def __len__(self) -> int:
        return int(self.tensor.size)

    def layout(self, i: int) -> Layout:
        return Layout(int(self.tensor[i]), int(self.pipeline[i]), int(self.data[i]), int(self.micro_batch[i]),
                      int(self.zero_stage[i]), RECOMPUTE_NAMES[int(self.recompute[i])],
                      bool(self.sequence_parallel[i]), int(self.interleave[i]))


def enumerate_layouts(shape: Shape, global_batch: int, max_gpus: int, *, zero_stages=(0, 1, 2, 3),
                      recomputes=("none", "selective", "full"), sequence_parallel=(False, True),
                      micro_batches=MICRO_BATCHES, interleaves=INTERLEAVES, max_tensor: int = MAX_TENSOR,
                      max_pipeline: int | None = None, max_data: int | None = None) -> LayoutArrays:
    """Cartesian product of the options, without duplicates that cannot differ (cached).

    Structural rules are applied here only where the product would otherwise explode (tensor
    degrees are powers of two up to the head count, pipeline degrees divide the layers, data
    degrees divide the batch, micro-batch x data divides the batch, at most max_gpus); the kernel
    checks every rule again. Dropped as duplicates: sequence parallel without tensor parallel,
    ZeRO without data parallel, interleave without pipeline.
    """
    return _enumerate(shape.layers, shape.heads, int(global_batch), int(max_gpus), tuple(zero_stages),
                      tuple(RECOMPUTE_CODES[r] for r in recomputes), tuple(int(x) for x in sequence_parallel),
                      tuple(micro_batches), tuple(interleaves), int(max_tensor),
                      int(max_pipeline) if max_pipeline is not None else int(max_gpus),
                      int(max_data) if max_data is not None else int(max_gpus))


def _degree_rows(layers, heads, batch, cap, mbs, max_tensor, max_pipe, max_data):
    """Tensor, pipeline, data degrees and micro-batch of every structurally possible combination (int64)."""
    tensors = [2**k for k in range(0, 12) if 2**k <= min(max_tensor, heads, cap)]
    pipes = [p for p in _divisors(layers) if p <= min(cap, max_pipe)]
    datas = [d for d in _divisors(batch) if d <= min(cap, max_data)]
    T, P, D, Bm = (np.asarray(x, dtype=np.int64).ravel()
                   for x in np.meshgrid(tensors, pipes, datas, list(mbs), indexing="ij"))
    keep = (T * P * D <= cap) & (batch % (Bm * D) == 0)
    return T[keep], P[keep], D[keep], Bm[keep]


def _parts(T, P, D, zeros, rcs, sps, vs):
    """Per (tensor > 1, data > 1, pipeline > 1) group, in enumeration order: the group's degree rows, its
    option columns (ZeRO, recompute, sequence parallel, interleave; 4 x k, int64) and its flags."""
    for has_t in (False, True):
        for has_d in (False, True):
            for has_p in (False, True):
                rows = ((T > 1) == has_t) & ((D > 1) == has_d) & ((P > 1) == has_p)
                if not rows.any():
                    continue
                opts = np.array(np.meshgrid(list(zeros) if has_d else [0], list(rcs),
                                            list(sps) if has_t else [0], list(vs) if has_p else [1],
                                            indexing="ij"), dtype=np.int64).reshape(4, -1)
                yield np.flatnonzero(rows), opts, (has_t, has_d, has_p)


@functools.lru_cache(maxsize=1024)
def _enumerate(layers, heads, batch, cap, zeros, rcs, sps, mbs, vs, max_tensor, max_pipe, max_data) -> LayoutArrays:
    T, P, D, Bm = _degree_rows(layers, heads, batch, cap, mbs, max_tensor, max_pipe, max_data)
    parts = []
    for r, opts, _ in _parts(T, P, D, zeros, rcs, sps, vs):
        idx = np.repeat(r, opts.shape[1])
        parts.append(np.vstack([T[idx], P[idx], D[idx], Bm[idx], np.tile(opts, r.size)]))
    out = np.hstack(parts) if parts else np.zeros((8, 0), dtype=np.int64)
    arrays = [out[i] for i in range(8)]
    for a in arrays:
        a.flags.writeable = False
    return LayoutArrays(*arrays)


def layout_chunks(shape: Shape, global_batch: int, max_gpus: int, *, chunk: int | None = None,
                  zero_stages=(0, 1, 2, 3), recomputes=("none", "selective", "full"), sequence_parallel=(False, True),
                  micro_batches=MICRO_BATCHES, interleaves=INTERLEAVES, max_tensor: int = MAX_TENSOR,
                  max_pipeline: int | None = None, max_data: int | None = None):
    """enumerate_layouts' layouts in the same order, at most `chunk` (default CHUNK) at a time and never all
    at once (not cached): yields (LayoutArrays, (tensor > 1, data > 1, pipeline > 1)), every layout of a
    chunk having those flags. For scans that reduce as they go; memory stays at one chunk."""
    chunk = CHUNK if chunk is None else int(chunk)
    if chunk < 1:
        raise GapstudyError(f"chunk must be a positive number of layouts, got {chunk!r}")
    cap = int(max_gpus)
    T, P, D, Bm = _degree_rows(shape.layers, shape.heads, int(global_batch), cap, tuple(micro_batches),
                               int(max_tensor), int(max_pipeline) if max_pipeline is not None else cap,
                               int(max_data) if max_data is not None else cap)
    rcs = tuple(RECOMPUTE_CODES[r] for r in recomputes)
    sps = tuple(int(x) for x in sequence_parallel)
    for r, opts, flags in _parts(T, P, D, tuple(zero_stages), rcs, sps, tuple(interleaves)):
        k = opts.shape[1]
        step = max(1, chunk // k)  # whole degree rows (all their k option combinations) per chunk
        for start in range(0, r.size, step):
            idx = np.repeat(r[start:start + step], k)
            cols = np.tile(opts, idx.size // k)
            for s in range(0, idx.size, chunk):  # more than one piece only when k > chunk
                i = idx[s:s + chunk]
                yield LayoutArrays(T[i], P[i], D[i], Bm[i], *cols[:, s:s + chunk]), flags


def evaluate_layouts(shape: Shape, global_batch: int, layouts: LayoutArrays, hardware: Hardware, *,
                     bytes_per_param=16.0, reserve=0.1, calibration: Calibration = DEFAULT_CALIBRATION,
                     max_gpus=None, flash_attention=False, overlap=None, era=2021) -> dict[str, np.ndarray]:
    """The shared kernel (step.evaluate) on every layout at once."""
    return evaluate(layers=shape.layers, hidden=shape.hidden, heads=shape.heads, seq_len=shape.seq_len,
                    vocab=shape.vocab, global_batch=global_batch, micro_batch=layouts.micro_batch,
                    tensor=layouts.tensor, pipeline=layouts.pipeline, data=layouts.data,
                    zero_stage=layouts.zero_stage, recompute=layouts.recompute,
                    sequence_parallel=layouts.sequence_parallel, interleave=layouts.interleave,
                    hardware=hardware, bytes_per_param=bytes_per_param, reserve=reserve,
                    calibration=calibration, max_gpus=max_gpus, flash_attention=flash_attention, overlap=overlap,
                    era=era)


def search(params: float | None = None, *, layers=None, hidden=None, heads=None, seq_len: int = DEFAULT_SEQ_LEN,
           vocab: int = DEFAULT_VOCAB, global_batch: int | None = None, hardware: str | Hardware = "a100_80gb",
           tokens: float | None = None, gpus: int | None = None, max_gpus: int = 16384, max_days: float | None = None,
           zero_stages=(0, 1, 2, 3), recomputes=("none", "selective", "full"), sequence_parallel=(False, True),
           micro_batches=MICRO_BATCHES, interleaves=INTERLEAVES, max_tensor: int = MAX_TENSOR,
           max_pipeline: int | None = None, flash_attention: bool = False, failure_overhead_per_gpu: float = 0.0,
           overlap=None, era: float | None = 2021,
           bytes_per_param: float = 16.0, reserve: float = 0.1,
           calibration: Calibration = DEFAULT_CALIBRATION, verify: bool = True) -> SearchResult:
    """Cheapest fitting layout for training `tokens` (default 20/param): by dollars, or by time if `gpus` is given.

    Cost mode minimises dollars (GPU-hours x price) over layouts using at most max_gpus GPUs and,
    if max_days is set, finishing within it. Time mode (gpus=G) minimises wall-clock time over
    layouts using at most G GPUs. The winner is re-evaluated by the scalar estimate_step (the
    same kernel) so the returned estimate carries all the parts. `failure_overhead_per_gpu` k
    stretches wall time and GPU-hours by 1 + k x GPUs (restarts and lost work, constraints.py);
    `max_pipeline` / `max_tensor` / the option tuples restrict the techniques (techniques.py).
    """
    hw = get_hardware(hardware)
    shape = make_shape(params, layers=layers, hidden=hidden, heads=heads, vocab=vocab, seq_len=seq_len)
    batch = int(global_batch) if global_batch is not None else default_global_batch(shape.params, seq_len)
    if batch < 1:
        raise GapstudyError(f"global_batch must be a positive integer, got {global_batch!r}")
    tokens = float(tokens) if tokens is not None else CHINCHILLA_TOKENS_PER_PARAM * shape.params
    if not tokens > 0:
        raise GapstudyError(f"tokens must be positive, got {tokens!r}")
    if gpus is not None and gpus < 1:
        raise GapstudyError(f"gpus must be a positive integer, got {gpus!r}")
    cap = int(gpus) if gpus is not None else int(max_gpus)
    lay = enumerate_layouts(shape, batch, cap, zero_stages=zero_stages, recomputes=recomputes,
                            sequence_parallel=sequence_parallel, micro_batches=micro_batches,
                            interleaves=interleaves, max_tensor=max_tensor, max_pipeline=max_pipeline)
    objective = "time" if gpus is not None else "cost"
    base = dict(shape=shape, hardware=hw.name, global_batch=batch, tokens=tokens, objective=objective,
                evaluated=len(lay))
    if len(lay) == 0:
        why = []
        if not any(batch % b == 0 for b in micro_batches):
            why.append(f"global batch {batch} is not divisible by any micro-batch in {tuple(micro_batches)}")
        if cap < 1:
            why.append("no GPUs allowed")
        reason = "; ".join(why) or "no combination of degrees fits the constraints"
        return SearchResult(**base, valid=0, fitting=0, layout=None, estimate=None, dollars=math.nan, days=math.nan,
                            reason=f"no layout to evaluate with at most {cap} GPUs: {reason}")
    steps = tokens / (batch * seq_len)
    scan = scan_layouts(shape, batch, lay, hw, steps=steps, objective=objective, max_days=max_days,
                        failure_overhead_per_gpu=failure_overhead_per_gpu, bytes_per_param=bytes_per_param,
                        reserve=reserve, calibration=calibration, max_gpus=cap, flash_attention=flash_attention,
                        overlap=overlap, era=era)
    if scan.best < 0:
        return SearchResult(**base, valid=scan.valid, fitting=scan.fitting, layout=None, estimate=None,
                            dollars=math.nan, days=math.nan, reason=scan.reason(hw, reserve, cap, max_days))
    i = scan.best
    best = lay.layout(i)
    est = None
    if verify:
        est = estimate_step(layers=shape.layers, hidden=shape.hidden, heads=shape.heads, seq_len=seq_len, vocab=vocab,
                            global_batch=batch, micro_batch=best.micro_batch, tensor=best.tensor,
                            pipeline=best.pipeline, data=best.data, zero_stage=best.zero_stage,
                            recompute=best.recompute, sequence_parallel=best.sequence_parallel,
                            interleave=best.interleave, hardware=hw, bytes_per_param=bytes_per_param,
                            reserve=reserve, calibration=calibration, flash_attention=flash_attention,
                            overlap=overlap, era=era)
    return SearchResult(**base, valid=scan.valid, fitting=scan.fitting, layout=best, estimate=est,
                        dollars=scan.best_dollars, days=scan.best_days)


CHUNK = 8192  # layouts per kernel call: temporaries stay in cache (several times faster than one big call)


@dataclass
class Scan:
    """Reduction of a chunked evaluation: counts, the best index, and what ruled layouts out."""

    evaluated: int = 0
    valid: int = 0
    fitting: int = 0
    feasible: int = 0
    best: int = -1
    best_score: float = math.inf
    best_dollars: float = math.nan
    best_days: float = math.nan
    invalid_codes: int = 0
    min_memory: float = math.inf
    min_days: float = math.inf

    def reason(self, hw: Hardware, reserve: float, cap: int, max_days) -> str:
        """Which constraint ruled every layout out, with the numbers."""
        if self.evaluated == 0:
            return f"no layout to evaluate with at most {cap} GPUs"
        if self.valid == 0:
            return f"no valid layout with at most {cap} GPUs: {describe_invalid(self.invalid_codes)}"
        if self.fitting == 0:
            limit = (1.0 - reserve) * hw.memory_bytes
            return (f"no valid layout fits in memory: the smallest needs {self.min_memory / 1e9:.1f} GB per GPU, "
                    f"{hw.name} allows {limit / 1e9:.1f} GB ({hw.memory_gb:g} GB less {reserve:.0%} reserve); "
                    f"allow more GPUs (max {cap}), ZeRO or recomputation")
        return (f"no fitting layout finishes within {max_days:g} days: the fastest with at most {cap} GPUs "
                f"takes {self.min_days:.0f} days; allow more GPUs or days")


def scan_layouts(shape: Shape, batch: int, lay: LayoutArrays, hw: Hardware, *, steps: float, objective: str = "cost",
                 max_days=None, chunk: int = CHUNK, failure_overhead_per_gpu: float = 0.0, **kernel) -> Scan:
    """Evaluate every layout (in cache-sized chunks) and keep the best feasible one by dollars or days."""
    out = Scan(evaluated=len(lay))
    for start in range(0, len(lay), chunk):
        sub = LayoutArrays(*(getattr(lay, f)[start:start + chunk] for f in LAYOUT_FIELDS))
        r = evaluate_layouts(shape, batch, sub, hw, **kernel)
        valid = r["invalid"] == 0
        fits = r["fits"]
        stretch = 1.0 + failure_overhead_per_gpu * r["gpus"]  # restarts and lost work (constraints.py)
        days = r["step_time"] * stretch * (steps / SECONDS_PER_DAY)
        ok = fits & (days <= max_days) if max_days is not None else fits
        out.valid += int(valid.sum())
        out.fitting += int(fits.sum())
        out.feasible += int(ok.sum())
        out.invalid_codes |= int(np.bitwise_or.reduce(r["invalid"])) if r["invalid"].size else 0
        if valid.any():
            out.min_memory = min(out.min_memory, float(r["memory"][valid].min()))
        if fits.any():
            out.min_days = min(out.min_days, float(days[fits].min()))
        if ok.any():
            dollars = r["dollars_per_step"] * stretch * steps
            score = np.where(ok, days if objective == "time" else dollars, np.inf)
            i = int(np.argmin(score))
            if score[i] < out.best_score:
                out.best_score = float(score[i])
                out.best = start + i
                out.best_dollars = float(dollars[i])
                out.best_days = float(days[i])
    return out


LAYOUT_FIELDS = ("tensor", "pipeline", "data", "micro_batch", "zero_stage", "recompute", "sequence_parallel", "interleave")


class _CallableModule(types.ModuleType):
    """`gapstudy.costmodel.search` is this module (import gapstudy.costmodel.search gives it) and,
    for the callers that use it as the package's function, calling it runs search()."""

    def __call__(self, *args, **kwargs) -> SearchResult:
        return search(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
