"""The Hypothesis interface (a conditional density of log10 size given date) and the registry by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable

import numpy as np

from gapstudy.errors import GapstudyError

# A fitted value within this share (of max(1, |bound|)) of a bound is at it: L-BFGS-B stops on the bound
# itself and the depth cap MAX_DEPTH is 1e-6 from 1, so any tolerance well below that spacing works.
AT_BOUND_TOLERANCE = 1e-7


class Unavailable(Exception):
    """A hypothesis cannot be fitted here (a dependency is missing); the message says why."""


class Hypothesis(ABC):
    """A generative model of log10(parameters) given the publication date (fractional year).

    Subclasses set `key` (the registry name), `label` and `description`, and implement `fit`,
    `logpdf`, `cdf` and `sample`. `n_params` is the number of parameters fitted to data (it
    drives AIC and BIC); settings taken from elsewhere (a cost model's band) do not count."""

    key: str = ""
    label: str = ""
    description: str = ""
    allowed_options: tuple[str, ...] = ()  # constructor options the class understands

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(self.allowed_options))
        if unknown:
            raise GapstudyError(f"hypothesis {self.key}: unknown option(s) {unknown}; allowed: {list(self.allowed_options) or 'none'}")
        self.options = dict(options)
        self.fitted = False
        self.notes: list[str] = []

    def availability(self) -> str | None:
        """None when the hypothesis can be fitted, else the reason it cannot."""
        return None

    @property
    @abstractmethod
    def n_params(self) -> int:
        """Number of parameters fitted to data."""

    @abstractmethod
    def fit(self, t: np.ndarray, y: np.ndarray, *, rng: np.random.Generator) -> "Hypothesis":
        """Fit by maximum likelihood to dates t (fractional years) and sizes y (log10); returns self."""

    @abstractmethod
    def logpdf(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        """log density of log10 size y for a model released at t (elementwise)."""

    @abstractmethod
    def cdf(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        """P(log10 size <= y | date t) (elementwise)."""

    @abstractmethod
    def sample(self, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One simulated log10 size per date in t."""

    def params(self) -> dict[str, float]:
        """The fitted parameters by name (for the report)."""
        return {}

    def fit_many(self, t: np.ndarray, Y: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
        """Maximised log-likelihood of each row of Y (B, n) at the shared dates t, each row fitted
        afresh with this hypothesis' options (the model-recovery workhorse). This default fits one
        row at a time; hypotheses with a vectorised fit override it. Leaves self unchanged."""
        Y = np.atleast_2d(np.asarray(Y, float))
        out = np.empty(Y.shape[0])
        for i, row in enumerate(Y):
            h = type(self)(**self.options).fit(t, row, rng=rng)
            lp = np.asarray(h.logpdf(row, np.asarray(t, float)), float)
            out[i] = float(np.sum(lp)) if np.all(np.isfinite(lp)) else -np.inf
        return out

    def sample_many(self, t: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
        """size simulated datasets at the dates t, shape (size, n)."""
        return np.stack([self.sample(np.asarray(t, float), rng) for _ in range(int(size))])

    def prob_between(self, lo: np.ndarray | float, hi: np.ndarray | float, t: np.ndarray) -> np.ndarray:
        """P(lo <= log10 size <= hi | t) for each date."""
        t = np.asarray(t, float)
        lo = np.broadcast_to(np.asarray(lo, float), t.shape)
        hi = np.broadcast_to(np.asarray(hi, float), t.shape)
        return np.clip(self.cdf(hi, t) - self.cdf(lo, t), 0.0, 1.0)

    def param_bounds(self) -> dict[str, tuple[float | None, float | None]]:
        """The allowed range of fitted parameters, named as in params() and in their units (none by default)."""
        return {}

    def at_bounds(self) -> list[str]:
        """Fitted parameters at an end of their allowed range (param_bounds): there the range, not the data,
        sets the value, and the likelihood would move further if it could."""
        p = self.params()
        out = []
        for name, ends in self.param_bounds().items():
            v = p.get(name)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            for side, b in zip(("lower", "upper"), ends):
                if b is not None and np.isfinite(b) and abs(v - b) <= AT_BOUND_TOLERANCE * max(1.0, abs(b)):
                    out.append(f"{name} at its {side} bound {b:g}")
        return out

    def _need_fit(self) -> None:
        if not self.fitted:
            raise GapstudyError(f"hypothesis {self.key} is not fitted; call .fit(t, y, rng=...) first")


REGISTRY: dict[str, type[Hypothesis]] = {}  # name -> class, filled by @register as the modules are imported


def register(cls: type[Hypothesis]) -> type[Hypothesis]:
    """Class decorator: make a hypothesis available by its `key` (one class = one config entry)."""
    if not cls.key:
        raise GapstudyError(f"{cls.__name__} has no key; set key = 'NAME' on the class")
    if cls.key in REGISTRY and REGISTRY[cls.key] is not cls:
        raise GapstudyError(f"hypothesis key {cls.key!r} is taken by {REGISTRY[cls.key].__name__}; choose another key")
    REGISTRY[cls.key] = cls
    return cls


def names() -> list[str]:
    """Registered hypothesis names, in registration order."""
    return list(REGISTRY)


def create(name: str, **options: Any) -> Hypothesis:
    """A fresh, unfitted hypothesis by registry name."""
    if name not in REGISTRY:
        raise GapstudyError(f"unknown hypothesis {name!r}; choose from {', '.join(REGISTRY)} (compare.hypotheses)")
    return REGISTRY[name](**options)


def check_inputs(t, y, *, need: int, what: str = "training data") -> tuple[np.ndarray, np.ndarray]:
    """Dates and sizes as equal-length finite float arrays with at least `need` points."""
    t = np.asarray(t, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if t.shape != y.shape:
        raise GapstudyError(f"{what}: {t.size} dates but {y.size} sizes; pass one date per model")
    if not (np.isfinite(t).all() and np.isfinite(y).all()):
        raise GapstudyError(f"{what} has non-finite dates or sizes; drop models without a date or a parameter count")
    if t.size < need:
        raise GapstudyError(f"{what} has {t.size} models but a fit needs at least {need}; widen the selection")
    return t, y


BandFn = Callable[[int], "tuple[float, float] | None"]  # year -> (lower, upper) parameter counts, or None
