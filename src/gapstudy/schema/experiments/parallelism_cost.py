"""Settings of the parallelism_cost experiment: years, chips, constraints, adoption costs, budgets, sensitivity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from gapstudy.costmodel.constraints import DEFAULT_MAX_DAYS


@dataclass
class ParallelismCostConfig:
    """Settings of the parallelism_cost experiment (hypothesis (a): parallelism regimes and cost)."""

    years: list[int] = field(default_factory=lambda: list(range(2019, 2027)))
    hardware: list[str] = field(default_factory=lambda: ["a100_40gb", "a100_80gb", "h100"])  # chips compared in compare_year
    compare_year: int = 2023  # techniques, constraints and practice of this year for the chip comparison
    min_params: float = 1e9  # sizes shown in the per-size tables (the search grid is 316M..3.2T)
    max_params: float = 1e12
    points_per_decade: int = 5
    max_days: Optional[float] = DEFAULT_MAX_DAYS  # deadline per run (constraints.py); null = none
    max_gpus: Optional[int] = None  # cap on every year's GPUs per lab (null: the sourced table)
    critical_batch: bool = True  # cap the global batch at Kaplan et al.'s critical batch
    failures: bool = True  # failure/restart overhead growing with GPU count (Llama 3 logbook figures)
    bytes_per_param: float = 16.0  # mixed-precision Adam (Rajbhandari et al. 2020)
    reserve: float = 0.1  # memory headroom (science.md section 4: 5-10%)
    technique_lag: float = 0.0  # years between a technique's release and its use
    runs_per_lab: float = 1.0  # runs a one-time adoption cost is spread over
    lab_spread_dex: float = 0.5  # sd of log10 adoption cost across labs
    histogram_cost_usd: Optional[float] = None  # adoption cost of the size histograms (null: geometric middle of the sourced range)
    budget_median_2020: float = 1.0e6  # lab budgets per run: lognormal median in 2020 (dollars) ...
    budget_growth: float = 2.4  # ... growing this much per year (Cottier et al. 2024) ...
    budget_spread_dex: float = 1.0  # ... with this sd in log10
    sensitivity_years: list[int] = field(default_factory=lambda: [2021, 2023])
    # variants of costmodel.sensitivity.VARIANTS (those that change the search cost a few seconds each)
    sensitivity: list[str] = field(default_factory=lambda: [
        "baseline", "no deadline", "5 runs per lab", "no lab spread", "techniques one year late",
        "model-parallel steps 20% longer", "model-parallel steps 20% shorter", "model-parallel steps 35% longer",
        "model-parallel steps 35% shorter", "step error +20 points at 1T", "step error -20 points at 1T"])
