"""Settings of the calibration experiment: nulls, alternatives, sample sizes and Monte Carlo sizes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class CalibrationConfig:
    """Settings of the calibration experiment (sizes and power of the gap tests by simulation)."""

    # the gap tests (gapstudy.stats.calibrate.TESTS), as gap_tests runs them
    tests: list[str] = field(default_factory=lambda: ["dip", "silverman", "silverman_whole_line", "excess_mass", "mixture", "deficit", "scan"])
    sizes: list[int] = field(default_factory=lambda: [30, 60, 120, 300])  # sample sizes n (the data: 49 to 289 models)
    replicates: int = 1000  # replicate samples per cell (Wilson half-width ~0.014 at a size of 0.05)
    shapes: list[str] = field(default_factory=lambda: ["normal", "skewnormal", "t4"])  # unimodal nulls
    # Nulls are also rounded to this many significant figures in linear space: the median of the
    # language-model counts 2020-2022 in the bundled registry and both Epoch snapshots is 2.
    round_sig: int = 2
    # Centre and spread of the nulls in log10 parameters: the 2020-2022 language samples have mean
    # 10.28 / 10.07 / 9.14 and sd 0.96 / 1.23 / 1.31 (bundled registry / Epoch 2022 / Epoch 2026).
    loc: float = 10.0
    scale: float = 1.0
    # Gapped alternatives: gapped_1.0 and gapped_0.7 empty the gap window (cfg.gap) of a normal
    # with loc/scale fully or by 70%; mixture is stats.sample_mixture's two-group default.
    alternatives: list[str] = field(default_factory=lambda: ["gapped_1.0", "gapped_0.7", "mixture"])
    # The mixture test by the warp-speed method (one bootstrap draw per replicate, pooled; see
    # gapstudy.stats.calibrate.mixture_rejects) in every cell: each of its draws is a skew-t and a
    # two-normal fit, so the full Monte Carlo test costs ~50 draws per replicate (~1 min per cell of
    # 1,000 samples of 60, ~5 min at 300). false: the full sequential Monte Carlo test, as the
    # library runs it (how the warp-speed sizes were checked, experiments/calibration/README.md).
    mixture_warp: bool = True
    inner_boot: int = 199  # inner bootstrap draws per replicate (see gapstudy.stats.calibrate.INNER_B)
    workers: int = 2  # processes computing cells in parallel (1: in this process)
    export: Optional[str] = None  # write the size table as JSON to this path (the bundled one: src/gapstudy/stats/calibration_table.json)
