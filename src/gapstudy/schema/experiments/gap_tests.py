"""Settings of the gap_tests experiment: which tests, their Monte Carlo sizes, grids and periods."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GapTestsConfig:
    """Settings of the gap_tests experiment."""

    tests: list[str] = field(
        default_factory=lambda: ["dip", "silverman", "silverman_whole_line", "excess_mass", "mixture", "deficit", "scan", "trough"]
    )
    n_boot: int = 1000  # bootstrap replicates of dip/Silverman/excess-mass/mixture/trough
    n_sim: int = 10_000  # Monte Carlo replicates of the deficit test and the window scan
    null: str = "kde"  # smooth unimodal null of the deficit test and scan: kde | normal | skewnormal
    scan_points: int = 60  # grid points for the window scan (60 points -> 1,770 windows)
    # the (lower, upper) threshold maps, in parameters
    map_lowers: list[float] = field(default_factory=lambda: [5e9, 10e9, 15e9, 20e9, 25e9, 30e9, 40e9])
    map_uppers: list[float] = field(default_factory=lambda: [40e9, 50e9, 60e9, 70e9, 100e9, 150e9, 200e9])
    map_n_sim: int = 2000  # Monte Carlo replicates per map cell
    # out of sample: the paper's window on models published after its data ended (July 2022)
    oos_start: str = "2022-07-01"
    oos_lower: float = 20e9  # Villalobos et al. (2022)
    oos_upper: float = 70e9  # idem
    # over time: per year from this year, and rolling windows of this many months
    first_year: int = 2018
    rolling_months: int = 24
    rolling_step_months: int = 6
    min_n: int = 10  # fewest models for a test (per year / window: below it the test is skipped)
    size_flag: float = 0.075  # flag a test whose measured size exceeds this (issue #3)
    # where the measured sizes come from: "table" (the bundled calibration table, gapstudy/stats/
    # calibration_table.json; falls back to "simulate" for an n or null it does not cover) or
    # "simulate" (an in-run Monte Carlo check at the sample's own n under the data-like null)
    size_source: str = "table"
    size_replicates: int = 200  # replicates of the in-run size check at the sample's own n
