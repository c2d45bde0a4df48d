"""Workers ended mid-write leave no half-written temporaries behind (the cache must stay clean)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gapstudy import signals
from gapstudy.report.files import atomic_open


def _write_slowly(path: str) -> int:
    with atomic_open(path, "w") as fh:
        fh.write("partial")
        fh.flush()
        time.sleep(60)
    return os.getpid()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX signals and fork")
def test_worker_ended_mid_write_removes_its_temporary(tmp_path):
    target = tmp_path / "entry.npz"
    started = time.time()
    with pytest.raises(RuntimeError, match="stop"):
        with signals.process_pool(1) as pool:
            future = pool.submit(_write_slowly, str(target))
            while not list(tmp_path.glob(".*.tmp")) and time.time() - started < 30:
                time.sleep(0.05)
            assert list(tmp_path.glob(".*.tmp")), "the worker never started writing"
            procs = list(pool._processes.values())
            raise RuntimeError("stop")  # what an Interrupted in the parent does: end the workers
    assert time.time() - started < 20, "the worker was not ended promptly"
    assert not future.done() or future.cancelled() or future.exception() is not None
    for proc in procs:
        # Not proc.is_alive(): the pool's management thread may have reaped the worker and not yet
        # recorded its status, so wait (briefly) for the status itself.
        deadline = time.monotonic() + 5
        while proc.exitcode is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.exitcode in (-15, 128 + 15)  # ended by SIGTERM, through our handler
    assert not list(tmp_path.glob(".*.tmp")) and not target.exists()


def test_atomic_open_registers_and_forgets_its_temporary(tmp_path):
    from gapstudy.report import files

    with atomic_open(tmp_path / "a.txt") as fh:
        fh.write("x")
        assert len(files._PENDING) == 1 and Path(next(iter(files._PENDING))).exists()
    assert not files._PENDING and (tmp_path / "a.txt").read_text() == "x"
