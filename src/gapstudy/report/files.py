"""Atomic file writes: a reader sees the old file or the complete new one, never half of one."""

from __future__ import annotations

import json
import math
import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it (/proc/self/status),
    else by the set-and-restore idiom."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode an ordinary new file gets here (0o666 less the umask: 0o644 under umask 022)."""
    return 0o666 & ~_umask()


# temporaries an atomic_open in this process has made and not yet renamed or removed: a worker
# ended by SIGTERM mid-write removes them before it exits (gapstudy.signals), since it cannot run
# the `except` clause below when it dies outright
_PENDING: set[str] = set()


def remove_pending() -> None:
    """Remove this process's half-written temporaries (called from a signal handler just before
    the process exits)."""
    for tmp in list(_PENDING):
        try:
            os.unlink(tmp)
        except OSError:
            pass
    _PENDING.clear()


def _block_term():
    """Hold off SIGTERM in this thread; returns the previous mask (None where there are no masks)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})


def _unblock_term(previous) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def atomic_open(path: str | Path, mode: str = "w"):
    """A file handle on a temporary file beside `path`; on success it is fsynced and renamed into
    place, on any error it is removed, so `path` is never seen half-written. The file gets the
    permissions the umask gives ordinary files."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a SIGTERM between creating the temporary and registering it would orphan it: hold it off
    blocked = _block_term()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        _PENDING.add(tmp)
    finally:
        _unblock_term(blocked)
    try:
        # mkstemp makes the file 0600; give it the mode open() would, so others can read results
        # where the user's umask lets them (a lab's shared folder)
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _PENDING.discard(tmp)


def write_atomic(path: str | Path, text: str) -> Path:
    """Write text to `path` atomically (see atomic_open)."""
    with atomic_open(path, "w") as fh:
        fh.write(text)
    return Path(path)


def to_jsonable(obj):
    """numpy scalars and arrays, tuples, NaN and infinities -> plain JSON values (NaN -> null)."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else None
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


def write_json_atomic(path: str | Path, data: dict) -> Path:
    """Write a JSON document atomically; non-finite numbers become null (strict JSON)."""
    return write_atomic(path, json.dumps(to_jsonable(data), indent=2, allow_nan=False) + "\n")
