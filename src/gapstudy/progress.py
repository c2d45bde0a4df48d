"""Progress lines on stderr for long work: silenced by `quiet`, prefixed with the job's name in a
sweep, and always written to the run's log file (app.log in the run folder)."""

from __future__ import annotations

import logging
import sys
import time
from contextlib import contextmanager
from typing import Iterator

_log = logging.getLogger("gapstudy")

# Set once per run by gapstudy.app (configure): whether lines go to the terminal, and the name
# of the sweep job this process runs (None for a single run).
_state = {"quiet": False, "job": None}

# A counting Progress prints at most this often (seconds), plus its last step: often enough to see
# that work goes on, rarely enough that a 7-minute calibration writes a page, not a book.
MIN_INTERVAL = 2.0


def configure(*, quiet: bool = False, job: str | None = None) -> None:
    """Set the defaults every progress line of this process uses (the runner calls it per job)."""
    _state["quiet"] = bool(quiet)
    _state["job"] = job or None


def _quiet(quiet: bool | None) -> bool:
    return _state["quiet"] if quiet is None else bool(quiet)


def _line(message: str) -> str:
    job = _state["job"]
    return f"[gapstudy] [{job}] {message}" if job else f"[gapstudy] {message}"


def note(message: str, *, quiet: bool | None = None) -> None:
    """One status line on stderr unless quiet (default: the run's `quiet` setting); always logged."""
    _log.info(message)
    if not _quiet(quiet):
        print(_line(message), file=sys.stderr, flush=True)


def warn(message: str, *, quiet: bool | None = None) -> None:
    """A warning line on stderr (shown even when quiet) and in the log."""
    _log.warning(message)
    print(_line(f"warning: {message}"), file=sys.stderr, flush=True)


class Progress:
    """Counts steps of a named task; prints `label: done/total (pct, elapsed)` at most every
    MIN_INTERVAL seconds and at the end. Usable as a context manager."""

    def __init__(self, total: int, label: str, *, quiet: bool | None = None, stream=None):
        self.total, self.label, self.quiet = max(int(total), 1), label, _quiet(quiet)
        self.stream = stream
        self.done = 0
        self._start = time.perf_counter()
        self._last = self._start - MIN_INTERVAL  # the first step always shows

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self._last >= MIN_INTERVAL or self.done >= self.total:
            self._last = now
            pct = 100.0 * min(self.done, self.total) / self.total
            text = f"{self.label}: {self.done}/{self.total} ({pct:.0f}%, {now - self._start:.1f}s)"
            _log.info(text)
            if not self.quiet:
                print(_line(text), file=self.stream or sys.stderr, flush=True)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        return None


@contextmanager
def step(label: str, *, quiet: bool | None = None) -> Iterator[None]:
    """A long step without a count: `label ...` when it starts, `label: done (12.3s)` when it ends.

        with progress.step("compare: fitting the competition model"):
            ...
    """
    note(f"{label} ...", quiet=quiet)
    t0 = time.perf_counter()
    yield
    note(f"{label}: done ({time.perf_counter() - t0:.1f}s)", quiet=quiet)
