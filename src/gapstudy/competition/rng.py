"""Counter-based random numbers: each world's draws are a pure function of (seed, world, stream, counter)."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

# SplitMix64 (Steele, Lea, Flood 2014, "Fast splittable pseudorandom number generators"; the
# constants are those of Java's SplittableRandom and Vigna's reference C code).
_GAMMA = np.uint64(0x9E3779B97F4A7C15)  # SplitMix64 increment (golden ratio * 2^64)
_M1 = np.uint64(0xBF58476D1CE4E5B9)  # SplitMix64 finaliser multiplier 1
_M2 = np.uint64(0x94D049BB133111EB)  # SplitMix64 finaliser multiplier 2
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)  # SplitMix64 finaliser shifts
_WORLD_SALT = np.uint64(0x5851F42D4C957F2D)  # PCG's LCG multiplier (O'Neill 2014), used as a fixed odd salt
_TO_UNIT = 2.0**-53  # 53 random bits -> a double in [0, 1)

# Stream identifiers: distinct purposes never share counters.
STREAM_POISSON = 1  # release counts per (kind, month)
STREAM_BUDGET = 2  # lab budget levels
STREAM_GROWTH = 3  # lab budget growth rates
STREAM_RELEASE = 4  # one 64-bit hash per release, split into its lab, day, compete and share draws
STREAM_DEPLOY = 5  # a second hash per release: its deployment target and its competitor size spread


def _mix(z: np.ndarray) -> np.ndarray:
    """The SplitMix64 output function (a bijection on 64-bit integers)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def world_keys(seed: int, worlds: np.ndarray) -> np.ndarray:
    """A 64-bit key per world: the root comes from np.random.SeedSequence(seed), each world's key
    from the root and the world's global index only, so chunking worlds never changes a world."""
    root = np.random.SeedSequence(int(seed)).generate_state(1, dtype=np.uint64)[0]
    w = np.asarray(worlds, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix(_mix(root + (w + np.uint64(1)) * _GAMMA) ^ _WORLD_SALT)


def hash64(keys: np.ndarray, stream: int, counter: np.ndarray) -> np.ndarray:
    """64 random bits per (key, counter) pair (broadcast) for the given stream: SplitMix64's
    output at position `counter` of the sequence seeded by (key, stream)."""
    k = np.asarray(keys, dtype=np.uint64)
    c = np.asarray(counter, dtype=np.uint64)
    with np.errstate(over="ignore"):
        skey = _mix(k ^ (np.uint64(stream) * _M2))
        z = (c + np.uint64(1)) * _GAMMA + skey  # a new array of the broadcast shape
        t = z >> _S30
        z ^= t
        z *= _M1
        np.right_shift(z, _S27, out=t)
        z ^= t
        z *= _M2
        np.right_shift(z, _S31, out=t)
        z ^= t
    return z


def uniform(keys: np.ndarray, stream: int, counter: np.ndarray) -> np.ndarray:
    """Uniform doubles in (0, 1), one per (key, counter) pair (broadcast), for the given stream."""
    z = hash64(keys, stream, counter)
    return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT


def normal(keys: np.ndarray, stream: int, counter: np.ndarray) -> np.ndarray:
    """Standard normal draws by inversion of uniform()."""
    return ndtri(uniform(keys, stream, counter))
