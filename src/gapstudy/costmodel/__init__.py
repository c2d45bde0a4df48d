"""Distributed-training cost model: layouts, memory, step time, regimes and the predicted parameter band."""

from gapstudy.costmodel.api import hardware_in_use, predicted_band, training_cost
from gapstudy.costmodel.architecture import Shape, make_shape, shape_for_params
from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION, Calibration
from gapstudy.costmodel.hardware import Hardware, get_hardware, load_catalogue
from gapstudy.costmodel.regimes import chinchilla_loss, regime_map, state_threshold, sweep
from gapstudy.costmodel.search import Layout, SearchResult  # noqa: F401  (the module `search` is callable: search.search)
from gapstudy.costmodel import search, size_choice  # noqa: E402,F401
from gapstudy.costmodel.step import StepEstimate, estimate_step

__all__ = [
    "Calibration", "DEFAULT_CALIBRATION", "Hardware", "Layout", "SearchResult", "Shape", "StepEstimate",
    "chinchilla_loss", "estimate_step", "get_hardware", "hardware_in_use", "load_catalogue", "make_shape",
    "predicted_band", "regime_map", "search", "shape_for_params", "size_choice", "state_threshold", "sweep",
    "training_cost",
]
