"""Random generators derived from the configured seed and a stable name, never global state."""

from __future__ import annotations

import zlib

import numpy as np


def _key(part: object) -> int:
    """A stable 32-bit integer for a name or number (crc32 is identical across runs and machines)."""
    if isinstance(part, (int, np.integer)):
        return int(part)
    return zlib.crc32(str(part).encode("utf-8"))


def rng_for(seed: int, *names: object) -> np.random.Generator:
    """A Generator for one named stream of work: the same seed and names give the same draws
    whatever order jobs run in or how many run in parallel."""
    seq = np.random.SeedSequence(entropy=int(seed), spawn_key=tuple(_key(n) for n in names))
    return np.random.default_rng(seq)
