"""Hypotheses about the gap as generative models of log-size, fitted and scored side by side."""

from gapstudy.hypotheses import competition, mixture, notch, parallelism, smooth  # noqa: F401  (registers H0 H1 H2 H1+H2 M2 notch notch-drift)
from gapstudy.hypotheses import engine  # noqa: F401  (the comparison engine: fit all, score, hold out, recover)
from gapstudy.hypotheses.depth import depth_by_year
from gapstudy.hypotheses.band import band_arrays, band_table, costmodel_band_fn, fixed_band_fn
from gapstudy.hypotheses.base import REGISTRY, Hypothesis, Unavailable, create, names, register
from gapstudy.hypotheses.scoring import deficit_check, in_sample, information, mean_log_density, region_probs, yearly_counts

__all__ = [
    "REGISTRY", "Hypothesis", "Unavailable", "band_arrays", "depth_by_year", "engine", "band_table", "costmodel_band_fn", "create",
    "deficit_check", "fixed_band_fn", "in_sample", "information", "mean_log_density", "names", "region_probs",
    "register", "yearly_counts",
]
