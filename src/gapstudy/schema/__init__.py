"""Typed configuration: the root schema, registered in Hydra's ConfigStore, that every run validates against."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from gapstudy.schema.experiments import (
    CalibrationConfig,
    CompareConfig,
    CompetitionConfig,
    GapTestsConfig,
    ParallelismCostConfig,
    TrendsConfig,
)


@dataclass
class DataConfig:
    """Which dataset: the bundled registry, the bundled Epoch extract, or an Epoch CSV given by path."""

    source: str = "registry"  # registry | epoch_notable | epoch
    path: Optional[str] = None  # required for epoch (a path, or a file name in snapshots_dir); optional override otherwise
    # folder of Epoch snapshots; None = $GAPSTUDY_SHARED/data/epoch, else ../shared/data/epoch
    snapshots_dir: Optional[str] = None


@dataclass
class SelectConfig:
    """Row selection (see gapstudy.data.selection.Selection)."""

    start: Optional[str] = None
    end: Optional[str] = None
    domains: list[str] = field(default_factory=list)
    notable_only: bool = False
    dense_only: bool = False
    min_confidence: Optional[str] = None
    min_parameters: Optional[float] = None
    drop_future: bool = True
    dedupe: Optional[str] = "false"  # false | name (= true) | family | base
    parameters: str = "total"  # total | active (MoE models by active parameters)
    exclude_derived: bool = False  # drop fine-tunes and distillations
    open_weights: Optional[bool] = None  # true: open weights only; false: closed only


@dataclass
class GapConfig:
    """The gap window in parameters; bounds inclusive, as in the paper's 20B-70B reading."""

    lower: float = 20e9  # Villalobos et al. (2022), arXiv 2207.02852
    upper: float = 70e9  # idem


@dataclass
class Config:
    """Everything a run needs; each experiment file overrides only what it changes."""

    experiment_name: str = MISSING
    seed: int = 20220706  # any fixed integer; this one is the parameter-gap paper's arXiv date
    quiet: bool = False
    data: DataConfig = field(default_factory=DataConfig)
    select: SelectConfig = field(default_factory=SelectConfig)
    gap: GapConfig = field(default_factory=GapConfig)
    trends: TrendsConfig = field(default_factory=TrendsConfig)
    gap_tests: GapTestsConfig = field(default_factory=GapTestsConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    parallelism_cost: ParallelismCostConfig = field(default_factory=ParallelismCostConfig)
    # hardware=<chip> (conf/hardware/<chip>.yaml): parallelism_cost uses that chip for every year
    hardware: Optional[Dict[str, Any]] = None
    competition: CompetitionConfig = field(default_factory=CompetitionConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)


def register() -> None:
    """Put the schemas where config.yaml's defaults list finds them."""
    cs = ConfigStore.instance()
    cs.store(name="base_config", node=Config)
    cs.store(group="data", name="base_data", node=DataConfig)
