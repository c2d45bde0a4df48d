"""Settings of the parallelism_cost experiment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ParallelismCostConfig:
    """Settings of the parallelism_cost experiment (fields added as the experiment is built)."""

    progress_every: int = 0  # placeholder until the experiment defines its settings
