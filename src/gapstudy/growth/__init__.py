"""Growth trends of model size: straight lines on a log scale and tests for breaks in them."""

from gapstudy.growth.breaks import BreakResult, break_test
from gapstudy.growth.lines import TrendFit, decimal_year, doubling_months, fit_trend, record_mask, year_label

__all__ = ["BreakResult", "TrendFit", "break_test", "decimal_year", "doubling_months", "fit_trend", "record_mask", "year_label"]
