"""Training cost of a model: 6ND FLOP at the price of the time, or dollars from gapstudy.costmodel."""

from __future__ import annotations

from typing import Callable

import numpy as np

from gapstudy.competition import constants as K
from gapstudy.competition import scaling
from gapstudy.errors import GapstudyError

TrainingCost = Callable[..., np.ndarray]  # (params, tokens, hardware[, software_year=Y]) -> dollars
HardwareInUse = Callable[[float], str]  # fractional year -> hardware name

GRID_LOG10_MIN = 5.0  # smallest size costed on the grid (1e5 parameters, below any LM in the data)
GRID_LOG10_MAX = 14.5  # largest size costed on the grid (3e14, far above any frontier reached)
GRID_STEP = 0.01  # dex between grid sizes (2.3%), fine enough to resolve a cost jump


def price_per_flop(year: np.ndarray, price_ref: float, halving_years: float) -> np.ndarray:
    """Dollars per training FLOP at `year`: price_ref at K.PRICE_REF_YEAR, halving every halving_years."""
    return price_ref * np.exp2(-(np.asarray(year, dtype=float) - K.PRICE_REF_YEAR) / halving_years)


def simple_cost(params: np.ndarray, belief: int, year: float, price_ref: float, halving_years: float) -> np.ndarray:
    """Dollars to train N parameters on the belief's tokens: 6 N D x price per FLOP of the year."""
    return scaling.compute_for_size(params, belief) * price_per_flop(year, price_ref, halving_years)


def resolve_costmodel(
    training_cost: TrainingCost | None = None, hardware_in_use: HardwareInUse | None = None
) -> tuple[TrainingCost, HardwareInUse]:
    """The cost functions to use with cost='costmodel': the injected ones, else gapstudy.costmodel's
    (whose training_cost takes software_year=, see uses_software_year)."""
    if training_cost is None or hardware_in_use is None:
        try:
            from gapstudy import costmodel
        except ImportError as exc:  # pragma: no cover - the package exists in the skeleton
            raise GapstudyError(f"competition.cost=costmodel needs gapstudy.costmodel ({exc}); use competition.cost=simple") from exc
        training_cost = training_cost or getattr(costmodel, "training_cost", None)
        hardware_in_use = hardware_in_use or getattr(costmodel, "hardware_in_use", None)
    if not callable(training_cost) or not callable(hardware_in_use):
        raise GapstudyError(
            "competition.cost=costmodel needs gapstudy.costmodel.training_cost(params, tokens, hardware) and "
            "hardware_in_use(year), which are not available yet; use competition.cost=simple "
            "(or pass training_cost=... and hardware_in_use=... to simulate())"
        )
    return training_cost, hardware_in_use


def uses_software_year(training_cost: TrainingCost) -> bool:
    """Whether training_cost is gapstudy.costmodel's own, which prices a month with the software of its year (an
    injected function keeps the three-argument call)."""
    try:
        from gapstudy import costmodel
    except ImportError:  # pragma: no cover - the package exists in the skeleton
        return False
    return training_cost is getattr(costmodel, "training_cost", None)


class GridCost:
    """Costs of compute-optimal models (for one belief and hardware) on a log-spaced size grid,
    with the two questions the simulation asks answered without calling the cost model again."""

    def __init__(self, training_cost: TrainingCost, hardware: str, belief: int, software_year: int | None = None) -> None:
        """`software_year`: passed on to training_cost as software_year= (gapstudy.costmodel.training_cost: the
        techniques, overlap and GEMM efficiency of that year's software); None: training_cost(params, tokens, hardware)."""
        self.log10_n = np.arange(GRID_LOG10_MIN, GRID_LOG10_MAX + GRID_STEP / 2, GRID_STEP)
        n = 10.0**self.log10_n
        year_kw = {} if software_year is None else {"software_year": int(software_year)}
        dollars = np.asarray(training_cost(n, scaling.tokens_for(n, belief), hardware, **year_kw), dtype=float)
        if dollars.shape != n.shape:
            raise GapstudyError(
                f"gapstudy.costmodel.training_cost returned shape {dollars.shape} for {n.shape} sizes on {hardware!r}; "
                "it must return one dollar cost per size"
            )
        dollars = np.where(np.isfinite(dollars) & (dollars > 0), dollars, np.inf)  # infeasible sizes cost infinity
        if not np.isfinite(dollars).any():
            raise GapstudyError(f"gapstudy.costmodel.training_cost gave no finite cost on hardware {hardware!r}; check the hardware name")
        self.log_cost = np.log(dollars)
        # suffix minimum: the cheapest model at least this large, and where it is
        self.suffix_min = np.minimum.accumulate(self.log_cost[::-1])[::-1]
        records = np.flatnonzero(self.log_cost == self.suffix_min)
        self.suffix_arg = records[np.searchsorted(records, np.arange(self.log_cost.size))]

    def log_cost_at(self, log10_n: np.ndarray) -> np.ndarray:
        """Natural-log dollars at any size, linear in log-log between grid points."""
        return np.interp(log10_n, self.log10_n, self.log_cost)

    def cheapest_at_least(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(size, log dollars) of the cheapest model at least `params` large: `params` itself
        unless some larger grid size costs less (then sizes just past a cost jump are skipped)."""
        x = np.log10(np.asarray(params, dtype=float))
        own = self.log_cost_at(x)
        nxt = np.clip(np.searchsorted(self.log10_n, x, side="right"), 0, self.log10_n.size - 1)
        j = self.suffix_arg[nxt]
        cheaper = (self.log_cost[j] < own) & (self.log10_n[j] > x)
        size = np.where(cheaper, 10.0 ** self.log10_n[j], 10.0**x)
        return size, np.where(cheaper, self.log_cost[j], own)

    def largest_affordable(self, log_dollars: np.ndarray) -> np.ndarray:
        """The largest size whose cost is within budget (the smallest grid size if none is)."""
        a = np.asarray(log_dollars, dtype=float)
        g = np.searchsorted(self.suffix_min, a, side="right") - 1  # suffix_min is non-decreasing
        g = np.clip(g, 0, self.log10_n.size - 1)
        g1 = np.minimum(g + 1, self.log10_n.size - 1)
        c0, c1 = self.log_cost[g], self.log_cost[g1]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where((g1 > g) & np.isfinite(c1) & (c1 > c0), (a - c0) / (c1 - c0), 0.0)
        frac = np.clip(frac, 0.0, 1.0)
        return 10.0 ** (self.log10_n[g] + frac * (self.log10_n[g1] - self.log10_n[g]))
