"""Settings of the compare experiment: which hypotheses, the out-of-sample design, checks and robustness variants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional


@dataclass
class RobustnessVariant:
    """One rerun of the comparison on other data or another selection; unset fields keep the main run's."""

    name: str = "variant"
    source: Optional[str] = None  # registry | epoch; None = the main run's source
    path: Optional[str] = None  # file name in compare.snapshot_dir, or an absolute path
    domains: Optional[list[str]] = None  # None = the main run's select.domains
    dense_only: Optional[bool] = None
    notable_only: Optional[bool] = None


def _default_variants() -> list[RobustnessVariant]:
    # The snapshots named in the issue (science.md section 1 table): what the 2022 paper saw, the
    # newest notable list, and the newest all-models list; then domain and MoE choices.
    return [
        RobustnessVariant("notable, 2022-09 snapshot", "epoch", "notable_ml_systems_2022-09-01.csv"),
        RobustnessVariant("notable, 2026-07 snapshot", "epoch", "notable_ai_models_2026-07-19.csv"),
        RobustnessVariant("all models, 2026-03 snapshot", "epoch", "all_ai_models_2026-03-30.csv"),
        RobustnessVariant("Language + Multimodal", domains=["Language", "Multimodal"]),
        RobustnessVariant("dense only", dense_only=True),
    ]


def _default_windows() -> list[list[float]]:
    # The paper's 20B-70B window and two neighbours (a lower and a higher window of similar width
    # in log terms), so the checks show how much the verdict depends on the post-hoc window.
    return [[20e9, 70e9], [10e9, 50e9], [30e9, 100e9]]


@dataclass
class RecoveryConfig:
    """The model-recovery study: synthetic datasets at the observed dates and n from each fitted hypothesis."""

    enabled: bool = True
    n_datasets: int = 100  # per generator (the issue asks at least 100)
    # which compared hypotheses generate and fit (null = all in compare.hypotheses, the default: H2 and
    # H1+H2 too, fitted in batches; H1+H2's job also makes H2's fits, which it starts from)
    hypotheses: Optional[list[str]] = None
    criterion: str = "bic"  # the winner of each synthetic dataset: lowest BIC (or aic)
    # processes fitting the hypotheses side by side (the machine has 2 cores; 1 = all in this
    # process); the numbers do not depend on it
    workers: int = 2
    # the extra generator: H0 as fitted with this window thinned by this depth (the test: 85% of 20B-70B)
    notch_lower: float = 20e9
    notch_upper: float = 70e9
    notch_depth: float = 0.85


@dataclass
class CompareConfig:
    """Settings of the compare experiment."""

    # registry names (gapstudy.hypotheses.names()); a new hypothesis is one class plus one entry here
    hypotheses: list[str] = field(default_factory=lambda: ["H0", "notch", "notch-drift", "H1", "H2", "H1+H2", "M2"])
    # per-hypothesis constructor options, e.g. {"H1": {"band": [20e9, 70e9]}} or {"H2": {"cost": "costmodel"}}
    hypothesis_options: Dict[str, Any] = field(default_factory=dict)
    cutoff: str = "2022-07-01"  # fit on data before it, score after it (the 2022 paper's data end, July 2022)
    period_months: int = 6  # out-of-sample scoring periods (half-years)
    rolling: bool = True  # also score from rolling origins
    rolling_step_months: int = 12  # origins every year from the cutoff
    rolling_horizon_months: int = 12  # each origin is scored on the following year
    min_train: int = 20  # fewer training models: the fit at that origin is skipped (5 per parameter of M2, roughly)
    min_test: int = 3  # fewer models in a scoring period: no score for that period
    n_sim: int = 2000  # simulated data sets per predictive check (Monte Carlo error of a p near 0.05: ~0.005)
    robustness: bool = True  # rerun on the variants and gap windows below
    # Variants that bring their own data file (the Epoch snapshots below) check the verdict on other
    # datasets of the same models. null (auto): run them when the main data are the suite's own (the
    # bundled registry or Epoch extract, or a file in the snapshot folder), skip them with a note when
    # the main data are any other file (a user's own or synthetic data: other datasets would say nothing
    # about it); true / false: always / never.
    other_data_variants: Optional[bool] = None
    snapshot_dir: Optional[str] = None  # folder of Epoch snapshots; None = $GAPSTUDY_SHARED/data/epoch or ../shared/data/epoch
    variants: list[RobustnessVariant] = field(default_factory=_default_variants)
    gap_windows: list[list[float]] = field(default_factory=_default_windows)
    recovery: RecoveryConfig = field(default_factory=RecoveryConfig)
    # Kass & Raftery (1995): a BIC difference above 6 is "strong" evidence, 2-6 "positive".
    bic_strong: float = 6.0
    bic_positive: float = 2.0
    # mean log predictive densities closer than this (nats per model) are called a tie
    lpd_tie: float = 0.02
    alpha: float = 0.05  # a predictive check fails when the observed count is outside the central 1 - alpha
