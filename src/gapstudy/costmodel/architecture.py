"""Transformer shape from a parameter count (aspect-ratio rule fitted to published families) and FLOP counts."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from gapstudy.errors import GapstudyError

HEAD_DIM = 128  # head dimension of GPT-3 >= 1.3B, Gopher, Chinchilla, LLaMA, Megatron Table 1 (mostly)
HIDDEN_MULTIPLE = 1024  # hidden rounded to 8 heads of 128, so tensor parallelism up to 8 divides the heads
LAYER_MULTIPLE = 4  # layers rounded to a multiple of 4 so pipelines of 2 and 4 stages divide them
SMALL_LAYER_MULTIPLE = 2  # below 32 layers round to 2 instead (keeps N within ~6% of the request)
DEFAULT_SEQ_LEN = 2048  # GPT-3 (Brown et al. 2020), Narayanan et al. (2021)
DEFAULT_VOCAB = 51200  # Megatron-LM padded GPT-2 vocabulary (Narayanan et al. 2021 Table 1)

# Published dense decoder shapes (parameters, layers, hidden, heads), from the papers' tables.
PUBLISHED_SHAPES: tuple[tuple[str, float, int, int, int], ...] = (
    # Brown et al. 2020 (GPT-3) Table 2.1
    ("GPT-3 XL", 1.3e9, 24, 2048, 24),
    ("GPT-3 2.7B", 2.7e9, 32, 2560, 32),
    ("GPT-3 6.7B", 6.7e9, 32, 4096, 32),
    ("GPT-3 13B", 13e9, 40, 5140, 40),
    ("GPT-3 175B", 175e9, 96, 12288, 96),
    # Narayanan et al. 2021 Table 1 (Megatron-LM)
    ("Megatron 18.4B", 18.4e9, 40, 6144, 48),
    ("Megatron 39.1B", 39.1e9, 48, 8192, 64),
    ("Megatron 76.1B", 76.1e9, 60, 10240, 80),
    ("Megatron 310.1B", 310.1e9, 96, 16384, 128),
    ("Megatron 1T", 1008e9, 128, 25600, 160),
    # Smith et al. 2022 (Megatron-Turing NLG)
    ("MT-NLG 530B", 530e9, 105, 20480, 128),
    # Rae et al. 2021 (Gopher) Table 1
    ("Gopher 7.1B", 7.1e9, 32, 4096, 32),
    ("Gopher 280B", 280e9, 80, 16384, 128),
    # Hoffmann et al. 2022 (Chinchilla)
    ("Chinchilla 70B", 70e9, 80, 8192, 64),
    # Chowdhery et al. 2022 (PaLM) Table 1
    ("PaLM 8B", 8.63e9, 32, 4096, 16),
    ("PaLM 62B", 62.5e9, 64, 8192, 32),
    ("PaLM 540B", 540.35e9, 118, 18432, 48),
    # Touvron et al. 2023 (LLaMA) Table 2
    ("LLaMA 7B", 6.7e9, 32, 4096, 32),
    ("LLaMA 13B", 13.0e9, 40, 5120, 40),
    ("LLaMA 33B", 32.5e9, 60, 6656, 52),
    ("LLaMA 65B", 65.2e9, 80, 8192, 64),
)


@functools.lru_cache(maxsize=1)
def aspect_fit() -> dict[str, float]:
    """Least-squares fits log h = a_h + b_h log N and log L = a_L + b_L log N over PUBLISHED_SHAPES."""
    n = np.log([s[1] for s in PUBLISHED_SHAPES])
    layers = np.log([s[2] for s in PUBLISHED_SHAPES])
    hidden = np.log([s[3] for s in PUBLISHED_SHAPES])
    b_h, a_h = np.polyfit(n, hidden, 1)
    b_l, a_l = np.polyfit(n, layers, 1)
    return {"a_h": float(a_h), "b_h": float(b_h), "a_L": float(a_l), "b_L": float(b_l)}


def param_count(layers, hidden, vocab=DEFAULT_VOCAB, seq_len=DEFAULT_SEQ_LEN):
    """N = 12 L h^2 (1 + 13/(12h) + (V+s)/(12 L h)) (Narayanan et al. 2021), arrays allowed."""
    layers = np.asarray(layers, dtype=float)
    hidden = np.asarray(hidden, dtype=float)
    return 12.0 * layers * hidden**2 * (1.0 + 13.0 / (12.0 * hidden) + (vocab + seq_len) / (12.0 * layers * hidden))


def hardware_flops(batch, seq_len, layers, hidden, vocab, recompute="full"):
    """FLOPs per iteration the hardware executes: 96BsLh^2(1+s/6h+V/16Lh) with full recompute (Narayanan et al. 2021)."""
    b, s, L, h, V = (np.asarray(x, dtype=float) for x in (batch, seq_len, layers, hidden, vocab))
    if recompute == "full":
        return 96.0 * b * s * L * h**2 * (1.0 + s / (6.0 * h) + V / (16.0 * L * h))
    if recompute == "selective":  # attention-core recompute: s/(3h) in place of s/(6h) (Korthikanti et al. 2022)
        return 72.0 * b * s * L * h**2 * (1.0 + s / (3.0 * h) + V / (12.0 * h * L))
    if recompute == "none":
        return model_flops(batch, seq_len, layers, hidden, vocab)
    raise GapstudyError(f"recompute must be 'full', 'selective' or 'none', got {recompute!r}")


def model_flops(batch, seq_len, layers, hidden, vocab):
    """FLOPs per iteration without recomputation, used for MFU: 72BsLh^2(1+s/6h+V/12hL)."""
    b, s, L, h, V = (np.asarray(x, dtype=float) for x in (batch, seq_len, layers, hidden, vocab))
    return 72.0 * b * s * L * h**2 * (1.0 + s / (6.0 * h) + V / (12.0 * h * L))


@dataclass(frozen=True)
class Shape:
    """A decoder-only transformer shape."""

    layers: int
    hidden: int
    heads: int
    vocab: int = DEFAULT_VOCAB
    seq_len: int = DEFAULT_SEQ_LEN

    @property
    def params(self) -> float:
        return float(param_count(self.layers, self.hidden, self.vocab, self.seq_len))


def shape_for_params(params: float, *, vocab: int = DEFAULT_VOCAB, seq_len: int = DEFAULT_SEQ_LEN) -> Shape:
    """Hidden from the fitted aspect rule (multiple of 1024, head dim 128), layers solved so N matches."""
    params = float(params)
    if not np.isfinite(params) or params < 1e8:
        raise GapstudyError(f"parameter count must be >= 1e8 for the shape rule, got {params!r}")
    fit = aspect_fit()
    h_fit = float(np.exp(fit["a_h"] + fit["b_h"] * np.log(params)))
    hidden = max(HIDDEN_MULTIPLE, int(round(h_fit / HIDDEN_MULTIPLE)) * HIDDEN_MULTIPLE)
    per_layer = 12.0 * hidden**2 + 13.0 * hidden
    layers_exact = (params - (vocab + seq_len) * hidden) / per_layer
    step = LAYER_MULTIPLE if layers_exact >= 32 else SMALL_LAYER_MULTIPLE
    layers = max(step, int(round(layers_exact / step)) * step)
    return Shape(layers=layers, hidden=hidden, heads=hidden // HEAD_DIM, vocab=vocab, seq_len=seq_len)


def make_shape(params: float | None = None, *, layers=None, hidden=None, heads=None,
               vocab: int = DEFAULT_VOCAB, seq_len: int = DEFAULT_SEQ_LEN) -> Shape:
    """A Shape given explicitly (layers, hidden, heads) or from a parameter count."""
    if layers is not None or hidden is not None or heads is not None:
        if layers is None or hidden is None or heads is None:
            raise GapstudyError("give all of layers, hidden and heads, or only a parameter count")
        if min(layers, hidden, heads) <= 0 or hidden % heads:
            raise GapstudyError(f"hidden ({hidden}) must be a positive multiple of heads ({heads}); layers must be positive")
        return Shape(int(layers), int(hidden), int(heads), vocab, seq_len)
    if params is None:
        raise GapstudyError("give a parameter count or an explicit shape (layers, hidden, heads)")
    return shape_for_params(params, vocab=vocab, seq_len=seq_len)
