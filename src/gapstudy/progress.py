"""Progress lines on stderr for long work, silenced by the `quiet` setting."""

from __future__ import annotations

import sys
import time


class Progress:
    """Counts steps of a named task and prints at most about once a second (plus the end)."""

    def __init__(self, total: int, label: str, *, quiet: bool = False, stream=None):
        self.total, self.label, self.quiet = max(int(total), 1), label, quiet
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self._start = self._last = time.perf_counter()

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if not self.quiet and (now - self._last >= 1.0 or self.done >= self.total):
            self._last = now
            pct = 100.0 * self.done / self.total
            print(f"[gapstudy] {self.label}: {self.done}/{self.total} ({pct:.0f}%, {now - self._start:.1f}s)",
                  file=self.stream, flush=True)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        return None


def note(message: str, *, quiet: bool = False) -> None:
    """One status line on stderr unless quiet."""
    if not quiet:
        print(f"[gapstudy] {message}", file=sys.stderr, flush=True)
