"""Settings of the trends experiment: eras, domains, bootstrap size and the break tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class EraConfig:
    """A date range over which one straight line is fitted."""

    name: str = "era"
    start: Optional[str] = None  # ISO date, inclusive; None = from the first model
    end: Optional[str] = None  # ISO date, exclusive; None = to the newest model


@dataclass
class BreakTestConfig:
    """One line or two? Data in [start, end), breakpoint searched in [search_start, search_end]."""

    name: str = "break"
    domain: Optional[str] = None  # None = every domain
    start: Optional[str] = None
    end: Optional[str] = None
    search_start: str = "2010-01-01"
    search_end: str = "2014-01-01"


def _default_eras() -> list[EraConfig]:
    # Era boundaries of Sevilla et al. (2022, "Compute trends across three eras of machine
    # learning") and the parameter-count papers (science.md section 1): before/after 2010,
    # a large-scale era from late 2015 (AlphaGo Fan, Sept/Oct 2015), and the 2018 split.
    return [
        EraConfig("pre-deep-learning", None, "2010-01-01"),
        EraConfig("deep-learning", "2010-01-01", None),
        EraConfig("large-scale", "2015-09-01", None),
        EraConfig("2010-2018", "2010-01-01", "2018-01-01"),
        EraConfig("since-2018", "2018-01-01", None),
    ]


def _default_breaks() -> list[BreakTestConfig]:
    # The two claims of science.md section 1: no discontinuity around 2011-2012 (all domains),
    # and a discontinuity for language somewhere in 2016-2018.
    return [
        BreakTestConfig("deep-learning revolution (all domains)", None, "2000-01-01", "2018-01-01", "2009-01-01", "2015-01-01"),
        BreakTestConfig("language 2016-2018", "Language", "2010-01-01", "2023-01-01", "2015-01-01", "2020-01-01"),
    ]


@dataclass
class TrendsConfig:
    """Settings of the trends experiment."""

    domains: list[str] = field(default_factory=lambda: ["Language", "Vision", "Multimodal", "Games", "Speech"])
    eras: list[EraConfig] = field(default_factory=_default_eras)
    break_tests: list[BreakTestConfig] = field(default_factory=_default_breaks)
    n_boot: int = 1000  # bootstrap replicates for every interval
    n_null: int = 1000  # residual-bootstrap replicates for the break test's p-value
    level: float = 0.95  # confidence level of intervals
    min_models: int = 6  # fewer models than this: no trend is fitted (reported as such)
    min_segment: int = 5  # each side of a breakpoint needs this many models
    gap_split: str = "2018-01-01"  # trends above and below the gap are fitted from this date
