"""How much each assumption (ZeRO, bytes/param, interconnect, GEMM efficiency) moves thresholds and the band."""

from __future__ import annotations

import numpy as np

from gapstudy.costmodel.regimes import SIZES, band, regime_changes, state_threshold, sweep

# Each variant changes one assumption from the baseline (Assumptions defaults).
VARIANTS: dict[str, dict] = {
    "baseline": {},
    "no ZeRO": {"zero_stages": (0,)},
    "18 bytes/param": {"bytes_per_param": 18.0},
    "no ZeRO, 18 bytes/param": {"zero_stages": (0,), "bytes_per_param": 18.0},
    "inter-node bandwidth / 4": {"inter_bandwidth_scale": 0.25},
    "inter-node bandwidth x 4": {"inter_bandwidth_scale": 4.0},
    "NVLink bandwidth / 4": {"intra_bandwidth_scale": 0.25},
    "constant GEMM efficiency": {"gemm_size_scale": 0.0},
    "GEMM roll-off x 3": {"gemm_size_scale": 0.9},
}


def first_cross_node(s) -> float | None:
    """Smallest size whose cheapest layout spans nodes (None if none does)."""
    for n, r in zip(s.params, s.regimes):
        if "across nodes" in r:
            return float(n)
    return None


def sensitivity(hardware_names=("a100_40gb", "a100_80gb"), variants=None, sizes=SIZES) -> list[dict]:
    """One row per (variant, chip): band, first cross-node size, largest regime-change cost jump."""
    rows = []
    for name, kw in (variants or VARIANTS).items():
        for hw in hardware_names:
            s = sweep(hw, sizes, **kw)
            b = band(s)
            jumps = [c["cost_jump"] for c in regime_changes(s)]
            bpp = kw.get("bytes_per_param", 16.0)
            rows.append({
                "variant": name,
                "hardware": hw,
                "band_low": None if b is None else b[0],
                "band_high": None if b is None else b[1],
                "first_cross_node": first_cross_node(s),
                "state_threshold": state_threshold(hw, bytes_per_param=bpp),
                "max_jump": float(max(jumps)) if jumps else 1.0,
                "cost_spread": float(np.nanmax(s.dollars_per_param_token) / np.nanmin(s.dollars_per_param_token)),
                "layouts": s.evaluated,
            })
    return rows
