"""Settings of the gap_tests experiment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class GapTestsConfig:
    """Settings of the gap_tests experiment (fields added as the experiment is built)."""

    progress_every: int = 0  # placeholder until the experiment defines its settings
