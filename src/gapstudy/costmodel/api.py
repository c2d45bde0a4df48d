"""The functions other parts of gapstudy call: training cost, predicted band, hardware in use."""

from __future__ import annotations

import functools

import numpy as np

from gapstudy.costmodel import hardware as _hardware
from gapstudy.costmodel.regimes import Assumptions, band, sweep
from gapstudy.errors import GapstudyError

COST_GRID = tuple(float(x) for x in np.logspace(8, 13, 21))  # 100M..10T, 4 points per decade


def hardware_in_use(year: int) -> str:
    """The GPU large-LM training commonly used in `year` (conf/hardware in_use_from)."""
    return _hardware.hardware_in_use(int(year))


@functools.lru_cache(maxsize=64)
def _cost_grid(hardware: str, assumptions: Assumptions) -> tuple[np.ndarray, np.ndarray]:
    kw = {k: getattr(assumptions, k) for k in assumptions.__dataclass_fields__}
    s = sweep(hardware, COST_GRID, **kw)
    ok = np.isfinite(s.dollars_per_param_token)
    if ok.sum() < 2:
        raise GapstudyError(f"no feasible layouts on {hardware} under {assumptions}; relax max_gpus/max_days")
    return np.log(s.params[ok]), np.log(s.dollars_per_param_token[ok])


def training_cost(params: np.ndarray, tokens: np.ndarray, hardware: str, **assumptions) -> np.ndarray:
    """Dollars to train each (params, tokens) with the cheapest fitting layout on `hardware`.

    Interpolates log(dollars per parameter-token) in log(params) over a cached grid of searches
    (100M..10T); beyond the grid the end value is held (cost stays proportional to N x D).
    Without max_days the cheapest layout does not depend on the token budget.
    """
    a = Assumptions.make(**assumptions)
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    if np.any(~np.isfinite(n)) or np.any(n <= 0) or np.any(~np.isfinite(d)) or np.any(d <= 0):
        raise GapstudyError("params and tokens must be positive finite numbers")
    x, y = _cost_grid(_hardware.get_hardware(hardware).name, a)
    per = np.exp(np.interp(np.log(n), x, y))
    return per * n * d


def predicted_band(year: int, **assumptions) -> tuple[float, float] | None:
    """Parameter counts predicted less cost-effective than both neighbours on the hardware in use in `year`."""
    hw = assumptions.pop("hardware", None) or hardware_in_use(year)
    window = assumptions.pop("window", None)
    tolerance = assumptions.pop("tolerance", None)
    kw = {k: v for k, v in (("window", window), ("tolerance", tolerance)) if v is not None}
    return band(sweep(hw, **assumptions), **kw)
