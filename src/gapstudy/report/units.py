"""One unit convention for parameter counts everywhere (20B, 1.5T, 350M), for text, hover and axis ticks."""

from __future__ import annotations

import math

import numpy as np

# Decimal prefixes used in the field's own writing (GPT-3 "175B", Switch "1.6T"); K for thousands.
_PREFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def params_label(value, digits: int = 3) -> str:
    """A parameter count as the field writes it: 20e9 -> '20B', 1.6e12 -> '1.6T', 3.55e8 -> '355M'.
    `digits` significant figures at most, trailing zeros dropped; NaN/None -> '-'."""
    if value is None:
        return "-"
    v = float(value)
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v <= 0:
        return f"{v:g}"
    for scale, suffix in _PREFIXES:
        if v >= scale * (1 - 5e-4):  # 999.96M reads as 1B, not 1000M
            return f"{float(f'{v / scale:.{digits}g}'):g}{suffix}"
    return f"{float(f'{v:.{digits}g}'):g}"


def log10_params_label(value, digits: int = 3) -> str:
    """params_label of 10**value (axes and tables that work on log10 sizes)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return params_label(10.0 ** float(value), digits)


def log10_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Tick positions on a log10-parameter axis spanning [lo, hi] and their labels (1B, 3B, 10B, ...):
    1-3-10 steps, or decades only where the axis spans more than four decades."""
    lo_i, hi_i = math.floor(lo), math.ceil(hi)
    mantissas = (1.0,) if hi_i - lo_i > 4 else (1.0, 3.0)
    vals = [math.log10(m) + e for e in range(lo_i, hi_i + 1) for m in mantissas]
    vals = [v for v in vals if lo - 1e-9 <= v <= hi + 1e-9] or [float(np.round(lo, 2))]
    return vals, [log10_params_label(v, 2) for v in vals]


def log10_axis(lo: float, hi: float) -> dict:
    """Plotly axis settings for a log10-parameter axis labelled in B/T (use as xaxis=... or yaxis=...)."""
    vals, text = log10_ticks(lo, hi)
    return {"tickmode": "array", "tickvals": vals, "ticktext": text}
