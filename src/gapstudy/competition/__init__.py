"""Hypothesis (b) as a generative agent simulation: labs compete with the frontier or build for themselves."""

from gapstudy.competition.constants import GAP_LOWER, GAP_UPPER, KIND_NAMES
from gapstudy.competition.params import CompetitionParams
from gapstudy.competition.simulate import SimulationResult, simulate

__all__ = [
    "GAP_LOWER",
    "GAP_UPPER",
    "KIND_NAMES",
    "CompetitionParams",
    "SimulationResult",
    "simulate",
]
