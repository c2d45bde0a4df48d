"""Settings of the calibration experiment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CalibrationConfig:
    """Settings of the calibration experiment (fields added as the experiment is built)."""

    progress_every: int = 0  # placeholder until the experiment defines its settings
