"""Ending a run cleanly on SIGINT (Ctrl-C) and SIGTERM (what SLURM sends at a time limit or on
preemption): one line, every worker process ended, nothing half-written left looking complete."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Iterator


class Interrupted(KeyboardInterrupt):
    """Raised in the main process when a stop signal arrives; `signum` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise(signum, frame) -> None:
    raise Interrupted(signum)


def install() -> None:
    """In the main process: SIGTERM and SIGINT raise Interrupted (so `finally` blocks and pools'
    clean-up run) instead of killing the process outright or printing a traceback."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _raise)


def exit_status(exc: BaseException) -> int:
    """The shell's convention for a process ended by a signal: 128 + its number (130 for Ctrl-C)."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


def signal_name(exc: BaseException) -> str:
    return signal.Signals(int(getattr(exc, "signum", signal.SIGINT))).name


# Linux prctl option: deliver a signal to this process when its parent dies
# (PR_SET_PDEATHSIG = 1 in <linux/prctl.h>).
_PR_SET_PDEATHSIG = 1


def _worker_term(signum, frame) -> None:
    """In a worker, on SIGTERM (the parent ending the pool, or the parent's death): remove any
    half-written cache or output temporary, then exit at once with the signal's status. Raising
    instead would not end the worker: the pool's task loop catches BaseException and goes on."""
    from gapstudy.report.files import remove_pending

    remove_pending()
    os._exit(128 + signum)


def _worker_init() -> None:
    """In each worker: leave Ctrl-C to the parent (which ends the workers itself, so the terminal
    shows one line, not one traceback per worker), and die with the parent even if it is killed
    outright (SIGKILL), so no orphan keeps computing."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_term)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # no libc prctl: the parent's clean-up below still applies
            pass


def _wait_ended(proc: multiprocessing.process.BaseProcess, timeout: float) -> bool:
    """True once `proc`'s exit status is known, waiting up to `timeout` seconds. A join alone can
    report a dead worker alive: the pool's management thread may reap it first and record its
    status a moment later (seen in about one run in four)."""
    deadline = time.monotonic() + timeout
    proc.join(timeout)
    while proc.exitcode is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc.exitcode is not None


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate a pool's worker processes now, without waiting for their tasks."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        if not _wait_ended(proc, timeout=5):
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def process_pool(max_workers: int) -> Iterator[ProcessPoolExecutor]:
    """A ProcessPoolExecutor (fork where available) whose workers end with the run: on any
    exception in the body, KeyboardInterrupt and SIGTERM (Interrupted) included, they are
    terminated at once instead of being waited for; they also die if this process is killed."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=max_workers, mp_context=ctx, initializer=_worker_init)
    try:
        yield pool
    except BaseException:
        _end_workers(pool)
        raise
    else:
        pool.shutdown(wait=True)

