"""Settings of the parallelism_cost experiment: which chips, sizes, years and sensitivity variants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class ParallelismCostConfig:
    """Settings of the parallelism_cost experiment (hypothesis (a): parallelism regimes and cost)."""

    hardware: list[str] = field(default_factory=list)  # empty = every chip in conf/hardware
    min_params: float = 1e9  # sweep 1B..1T (science.md §4)
    max_params: float = 1e12
    points_per_decade: int = 5
    years: list[int] = field(default_factory=lambda: list(range(2019, 2026)))
    sensitivity_hardware: list[str] = field(default_factory=lambda: ["a100_40gb", "a100_80gb"])
    max_gpus: int = 16384  # largest cluster a layout may use
    max_days: Optional[float] = None  # deadline for a training run; None = cheapest regardless of time
    bytes_per_param: float = 16.0  # mixed-precision Adam (Rajbhandari et al. 2020)
    reserve: float = 0.1  # memory headroom (science.md §4: 5-10%)
