"""Settings of the compare experiment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CompareConfig:
    """Settings of the compare experiment (fields added as the experiment is built)."""

    progress_every: int = 0  # placeholder until the experiment defines its settings
