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
    """log params and log dollars per parameter-token on COST_GRID (inf where no layout is feasible)."""
    kw = {k: getattr(assumptions, k) for k in assumptions.__dataclass_fields__}
    s = sweep(hardware, COST_GRID, **kw)
    ok = np.isfinite(s.dollars_per_param_token)
    if ok.sum() < 2:
        raise GapstudyError(f"no feasible layouts on {hardware} under {assumptions}; relax max_gpus/max_days"
                            + ("" if assumptions.software_year is None else " or use a later software_year"))
    return np.log(s.params), np.where(ok, np.log(np.where(ok, s.dollars_per_param_token, 1.0)), np.inf)


def training_cost(params: np.ndarray, tokens: np.ndarray, hardware: str, **assumptions) -> np.ndarray:
    """Dollars to train each (params, tokens) with the cheapest fitting layout on `hardware`.

    Interpolates log(dollars per parameter-token) in log(params) over a cached grid of searches
    (100M..10T); beyond the grid the end value is held (cost stays proportional to N x D). A size next to a grid
    size where no layout is feasible (memory, GPUs, deadline, or the techniques of software_year) costs inf:
    infeasible, not extrapolated from the feasible sizes.
    Without max_days the cheapest layout does not depend on the token budget. software_year=Y searches with the
    techniques, overlap and GEMM efficiency of Y's software (regimes.Assumptions); without it, every technique with
    Megatron-LM's 2021 software.
    """
    a = Assumptions.make(**assumptions)
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    if np.any(~np.isfinite(n)) or np.any(n <= 0) or np.any(~np.isfinite(d)) or np.any(d <= 0):
        raise GapstudyError("params and tokens must be positive finite numbers")
    x, y = _cost_grid(_hardware.get_hardware(hardware).name, a)
    ln = np.log(n)
    j = np.clip(np.searchsorted(x, ln, side="right") - 1, 0, x.size - 2)  # bracketing grid sizes j, j + 1
    lo, hi = y[j], y[j + 1]
    below, above = ln <= x[0], ln >= x[-1]
    w = np.clip((ln - x[j]) / (x[j + 1] - x[j]), 0.0, 1.0)
    with np.errstate(invalid="ignore"):
        inner = np.where(np.isfinite(lo) & np.isfinite(hi), (1.0 - w) * lo + w * hi, np.inf)
    log_per = np.where(below, y[0], np.where(above, y[-1], inner))
    return np.exp(log_per) * n * d


def predicted_band(year: int, **assumptions) -> tuple[float, float] | None:
    """Parameter counts predicted less cost-effective than both neighbours on the hardware in use in `year`, with the
    software of `year` (its techniques, overlap and GEMM efficiency; software_year=None: every technique with 2021's) and
    no adoption cost (size_choice.band adds one)."""
    hw = assumptions.pop("hardware", None) or hardware_in_use(year)
    assumptions.setdefault("software_year", int(year))
    window = assumptions.pop("window", None)
    tolerance = assumptions.pop("tolerance", None)
    kw = {k: v for k, v in (("window", window), ("tolerance", tolerance)) if v is not None}
    return band(sweep(hw, **assumptions), **kw)
