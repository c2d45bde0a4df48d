"""Running the command line from tests: one subprocess helper, the one-line error check, hostile data."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

# A model name that would run script if any report inserted it unescaped.
HOSTILE = "<img src=x onerror=alert(1)>"


def gapstudy(*args: str, cwd: Path, env: dict | None = None, timeout: float = 600,
             address_space: int | None = None) -> subprocess.CompletedProcess:
    """`python -m gapstudy ARGS` in `cwd`; optionally with extra environment variables or a cap on
    the child's address space (bytes)."""

    def limit():  # runs in the child before exec
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return subprocess.run([sys.executable, "-m", "gapstudy", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})},
                          preexec_fn=limit if address_space else None)


def assert_clean_error(proc: subprocess.CompletedProcess, pattern: str) -> None:
    """Exit status 2, exactly one line on stderr starting `gapstudy: error:`, matching `pattern`."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("gapstudy: error: "), lines[0]
    assert re.search(pattern, lines[0]), lines[0]


def write_hostile_csv(path: Path) -> Path:
    """A 40-model registry-layout CSV in which one model is named HOSTILE."""
    rows = ["name,organization,publication_date,parameters,domain,source"]
    for i in range(40):
        name = HOSTILE if i == 7 else f"model-{i}"
        rows.append(f"{name},Org,{2018 + i % 5}-0{1 + i % 9}-01,{10 ** (8 + i % 5)},Language,https://example.org/{i}")
    path.write_text("\n".join(rows) + "\n")
    return path
