"""Random generators derived from the configured seed and a stable name, never global state."""

from __future__ import annotations

import zlib

import numpy as np

from gapstudy.errors import GapstudyError

# numpy's SeedSequence takes entropy as a non-negative integer; 2**63 keeps a seed within the
# signed 64-bit integers every config format and JSON reader handles exactly.
MAX_SEED = 2**63 - 1


def check_seed(seed) -> int:
    """The seed as an int, or one clear error for a negative or oversized one."""
    value = int(seed)
    if not 0 <= value <= MAX_SEED:
        raise GapstudyError(f"seed={value} is invalid: use a non-negative integer below 2**63, e.g. seed=1")
    return value


def _key(part: object) -> int:
    """A stable 32-bit integer for a name or number (crc32 is identical across runs and machines)."""
    if isinstance(part, (int, np.integer)):
        return int(part)
    return zlib.crc32(str(part).encode("utf-8"))


def rng_for(seed: int, *names: object) -> np.random.Generator:
    """A Generator for one named stream of work: the same seed and names give the same draws
    whatever order jobs run in or how many run in parallel."""
    seq = np.random.SeedSequence(entropy=check_seed(seed), spawn_key=tuple(_key(n) for n in names))
    return np.random.default_rng(seq)
