"""Per-experiment config schemas, one module each, so each experiment owns its settings."""

from gapstudy.schema.experiments.calibration import CalibrationConfig
from gapstudy.schema.experiments.compare import CompareConfig
from gapstudy.schema.experiments.competition import CompetitionConfig
from gapstudy.schema.experiments.gap_tests import GapTestsConfig
from gapstudy.schema.experiments.parallelism_cost import ParallelismCostConfig
from gapstudy.schema.experiments.trends import TrendsConfig

__all__ = [
    "CalibrationConfig",
    "CompareConfig",
    "CompetitionConfig",
    "GapTestsConfig",
    "ParallelismCostConfig",
    "TrendsConfig",
]
