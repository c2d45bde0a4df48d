"""Input checks shared by the tests: one GapstudyError with one clear message per mistake."""

from __future__ import annotations

import numpy as np

from gapstudy.errors import GapstudyError


def sample(x, *, need: int, what: str = "x") -> np.ndarray:
    """`x` as a 1-D float array of finite values with at least `need` points, else GapstudyError."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise GapstudyError(f"{what} must be numbers; could not read it as an array ({exc})") from None
    if arr.ndim != 1:
        raise GapstudyError(f"{what} must be one-dimensional; got shape {arr.shape}: pass a flat array")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise GapstudyError(
            f"{what} has {int(bad.sum())} non-finite value(s) (NaN or inf) at positions "
            f"{np.flatnonzero(bad)[:5].tolist()}; drop them before testing"
        )
    if arr.size < need:
        raise GapstudyError(f"{what} has {arr.size} point(s) but this test needs at least {need}")
    return arr


def spread(x: np.ndarray, *, need_distinct: int = 2, what: str = "x") -> None:
    """Raise unless `x` has at least `need_distinct` distinct values."""
    distinct = np.unique(x).size
    if distinct < need_distinct:
        raise GapstudyError(
            f"{what} has {distinct} distinct value(s) but this test needs at least {need_distinct}"
        )


def positive_int(value, *, name: str, minimum: int = 1) -> int:
    """An integer option at least `minimum`, else GapstudyError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise GapstudyError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def generator(rng) -> np.random.Generator:
    """A numpy Generator: the one given, or a fresh one from OS entropy when rng is None."""
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)):  # True would silently be seed 1
        raise GapstudyError(f"rng must be a numpy Generator, an int seed >= 0 or None; got {rng!r}")
    if isinstance(rng, (int, np.integer)):
        if rng < 0:
            raise GapstudyError(f"rng must be a numpy Generator, an int seed >= 0 or None; got the negative seed {int(rng)}")
        return np.random.default_rng(int(rng))
    raise GapstudyError(f"rng must be a numpy Generator, an int seed >= 0 or None; got {type(rng).__name__}")


def choice(value, *, name: str, allowed) -> str:
    """One of the allowed string options, else GapstudyError listing them."""
    if value not in allowed:
        raise GapstudyError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def window(lower, upper) -> tuple[float, float]:
    """log10 of a [lower, upper] window given in parameters, checked."""
    try:
        lo, hi = float(lower), float(upper)
    except (TypeError, ValueError):
        raise GapstudyError(f"window bounds must be numbers; got lower={lower!r}, upper={upper!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise GapstudyError(f"window bounds must be finite; got lower={lo}, upper={hi}")
    if lo <= 0:
        raise GapstudyError(f"window bounds are parameter counts and must be > 0; got lower={lo:g}")
    if lo >= upper:
        raise GapstudyError(f"lower must be below upper; got lower={lo:g} >= upper={hi:g}")
    if hi <= MAX_LOG10_PARAMS:
        raise GapstudyError(
            f"window bounds are parameter counts (e.g. lower=20e9, upper=70e9), but lower={lo:g}, upper={hi:g} look "
            f"like log10 values: pass 10**lower and 10**upper"
        )
    return float(np.log10(lo)), float(np.log10(hi))


def window_in_data(x: np.ndarray, a: float, b: float) -> None:
    """Raise unless the log10 window [a, b] overlaps the range of the sample x (log10 parameters)."""
    if b < x.min() or a > x.max():
        raise GapstudyError(
            f"the window 10^{a:.3g}-10^{b:.3g} parameters lies outside the data (10^{x.min():.3g}-10^{x.max():.3g}); "
            "a deficit there means nothing: pick a window inside the range of the sample"
        )


# Largest accepted log10(parameter count). Raw counts of real models are >= ~1e3, so any value
# above 100 is a count that was not log-transformed; 100 (not ~13, the largest real model) leaves
# room for heavy-tailed simulated nulls such as Student t with 4 df.
MAX_LOG10_PARAMS = 100.0


def log10_params(x: np.ndarray, what: str = "x") -> None:
    """Raise if `x` looks like raw parameter counts instead of log10(parameters)."""
    if x.max() > MAX_LOG10_PARAMS:
        raise GapstudyError(
            f"{what} must be log10(parameters) but has values up to {x.max():.3g}, which look like "
            f"raw counts: pass np.log10(parameters)"
        )
