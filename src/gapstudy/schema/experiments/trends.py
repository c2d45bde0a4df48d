"""Settings of the trends experiment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TrendsConfig:
    """Settings of the trends experiment (fields added as the experiment is built)."""

    progress_every: int = 0  # placeholder until the experiment defines its settings
