"""Detect how parameter counts were rounded and jitter them uniformly within that precision."""

from __future__ import annotations

import numpy as np

from gapstudy.errors import GapstudyError

# Digits kept when turning log10 values back into counts: float64 carries ~15.9 significant
# digits and 10**log10(v) loses a few ulps, so 12 digits recover the written count exactly.
RECOVER_DIGITS = 12
# Largest number of significant (or decimal) digits we try: beyond 12 the float round trip noise
# above makes the answer meaningless, so such values count as unrounded.
MAX_DIGITS = 12
# Largest log10 value turned back into a count: 10**300 is near float64's limit (1.8e308).
MAX_LOG10 = 300.0
# Relative tolerance for "v is already rounded to s digits": a few float64 ulps (2.2e-16 each).
REL_TOL = 1e-9


def _round_sig(v: np.ndarray, digits: np.ndarray | int) -> np.ndarray:
    """Round positive values to `digits` significant figures, elementwise."""
    v = np.asarray(v, dtype=float)
    exponent = np.floor(np.log10(v))
    scale = 10.0 ** (exponent - np.asarray(digits) + 1)
    return np.round(v / scale) * scale


def significant_digits(values) -> np.ndarray:
    """Fewest significant figures that reproduce each positive value (7e9 -> 1, 175e9 -> 3).

    Values that need more than MAX_DIGITS get MAX_DIGITS (effectively unrounded)."""
    v = np.asarray(values, dtype=float)
    if v.size and (not np.all(np.isfinite(v)) or np.any(v <= 0)):
        raise GapstudyError("significant_digits needs finite positive values (parameter counts)")
    v = _round_sig(v, RECOVER_DIGITS)
    digits = np.full(v.shape, MAX_DIGITS, dtype=int)
    for s in range(MAX_DIGITS, 0, -1):
        ok = np.abs(_round_sig(v, s) - v) <= REL_TOL * v
        digits = np.where(ok, s, digits)
    return digits


def log10_rounding_interval(x_log10) -> tuple[np.ndarray, np.ndarray]:
    """For log10 values of rounded counts, the log10 interval each true count could lie in.

    A count written with s significant figures, v = d.dd..e, stands for anything in
    [v - u/2, v + u/2] with u = 10**(floor(log10 v) - s + 1); we return log10 of those ends."""
    x = np.asarray(x_log10, dtype=float)
    if x.size and x.max() > MAX_LOG10:
        raise GapstudyError(
            f"jitter='log10' expects log10(parameters) but x has values up to {x.max():.4g}; "
            "for data on their own scale use jitter='decimal', a half-width, or None"
        )
    v = _round_sig(10.0**x, RECOVER_DIGITS)
    s = significant_digits(v)
    unit = 10.0 ** (np.floor(np.log10(v)) - s + 1)
    return np.log10(v - unit / 2), np.log10(v + unit / 2)


def decimal_unit(x) -> float:
    """The recording unit of a sample written with a common number of decimals (3.600 -> 0.001).

    The finest decimal place any value needs is taken for the whole sample, since a value like 3.6
    in a column recorded to 3 decimals is really 3.600."""
    x = np.asarray(x, dtype=float)
    for d in range(0, MAX_DIGITS + 1):
        scaled = x * 10.0**d
        if np.all(np.abs(scaled - np.round(scaled)) <= REL_TOL * np.maximum(1.0, np.abs(scaled))):
            return 10.0**-d
    return 0.0


def jitter_bounds(x, mode) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper ends of the uniform jitter for each value of `x`.

    mode "log10": x are log10 of rounded counts (significant figures in linear space);
    "decimal": x itself was recorded to a common number of decimals; a float: +- that half-width."""
    x = np.asarray(x, dtype=float)
    if isinstance(mode, str):
        if mode == "log10":
            return log10_rounding_interval(x)
        if mode == "decimal":
            half = decimal_unit(x) / 2
            return x - half, x + half
        raise GapstudyError(f"jitter must be 'log10', 'decimal', a half-width or None; got {mode!r}")
    half = float(mode)
    if not np.isfinite(half) or half < 0:
        raise GapstudyError(f"a numeric jitter is a half-width and must be finite and >= 0; got {mode!r}")
    return x - half, x + half


def jitter(x, mode, *, size: int, rng: np.random.Generator) -> np.ndarray:
    """`size` jittered copies of `x` (shape (size, n)): each value uniform within its rounding interval."""
    lo, hi = jitter_bounds(x, mode)
    u = rng.random((size, np.asarray(x).size))
    return lo + u * (hi - lo)


def has_ties(x_sorted):
    """Whether a sorted sample has tied values (per row of the last axis for an array of sorted samples)."""
    return np.any(np.diff(x_sorted, axis=-1) == 0, axis=-1)


JITTER_MODES = ("auto", "log10", "decimal")  # the named tie-breaking modes (or a half-width, or None)


def resolve_jitter(x, mode):
    """The tie-breaking mode a test uses on sample `x`: "auto" (the tests' default) means "decimal"
    (uniform within the sample's recording unit, see decimal_unit) when x has tied values and at
    least two distinct ones, else no jitter (None); "log10" (log10 of rounded parameter counts),
    "decimal", a half-width or None are used as given."""
    if mode is None:
        return None
    if isinstance(mode, str):
        if mode not in JITTER_MODES:
            raise GapstudyError(f"jitter must be one of {', '.join(map(repr, JITTER_MODES))}, a half-width or None; got {mode!r}")
        if mode == "auto":
            x = np.asarray(x, dtype=float)
            distinct = np.unique(x).size
            return "decimal" if 1 < distinct < x.size and decimal_unit(x) > 0 else None
        return mode
    if isinstance(mode, bool):
        raise GapstudyError(f"jitter must be one of {', '.join(map(repr, JITTER_MODES))}, a half-width or None; got {mode!r}")
    return mode


def jitter_once(x, mode, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """One randomised tie-breaking draw of `x` (mode resolved by resolve_jitter) and a label of what
    was done. A single uniform draw inside each value's rounding interval gives a valid randomised
    test (the draw is independent of everything else); averaging p-values over many draws would not."""
    x = np.asarray(x, dtype=float)
    used = resolve_jitter(x, mode)
    if used is None:
        return x, "none"
    label = used if isinstance(used, str) else f"+-{float(used):g}"
    return jitter(x, used, size=1, rng=rng)[0], label


def jitter_draws(x, mode, n_jitter: int, rng: np.random.Generator) -> np.ndarray:
    """(n_jitter, n) jittered copies of x, or x itself as one row when mode is None or n_jitter is 0."""
    x = np.asarray(x, dtype=float)
    if mode is None or n_jitter == 0:
        return x[None, :]
    if isinstance(n_jitter, bool) or not isinstance(n_jitter, (int, np.integer)) or n_jitter < 0:
        raise GapstudyError(f"n_jitter must be an integer >= 0; got {n_jitter!r}")
    return jitter(x, mode, size=int(n_jitter), rng=rng)


def round_counts(x_log10, sig: int) -> np.ndarray:
    """Round log10(parameters) the way counts get written: to `sig` significant figures in linear space."""
    return np.log10(_round_sig(10.0 ** np.asarray(x_log10, dtype=float), sig))
