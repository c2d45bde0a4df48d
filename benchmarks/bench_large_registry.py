"""A large registry-layout CSV (default 353,000 rows, ~50 MB) read, selected and run as a user runs it:
wall time and peak memory of each step, each in a fresh process.

Run: python benchmarks/bench_large_registry.py [--rows N] [--experiments trends ...] [--settings k=v ...]
(prints figures; nothing is asserted). By default only loading and selecting are measured (the
issue-14 target: a 50 MB file in under 2 GB and a few tens of seconds); each named experiment is
then run on the file as a user runs it, with the extra settings. The file is built from the bundled registry's rows, repeated
with distinct names and spread publication dates, so every column is as varied as real data.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gapstudy.data import registry_path

# The size of the file in the report that prompted this benchmark (issue 14: 50 MB, 353k rows).
DEFAULT_ROWS = 353_000
TIMEOUT_SECONDS = 1800  # a step slower than this is reported as timed out

# The in-process step: load + select, as every experiment does first.
LOAD_SNIPPET = """
import sys, time
from gapstudy.data import Selection, load_dataset
t0 = time.perf_counter()
ds = load_dataset("registry", sys.argv[1], Selection())
print(f"{time.perf_counter() - t0:.2f} {len(ds.table)}")
"""


def build(path: Path, rows: int) -> None:
    """Write `rows` data rows: the registry's rows cycled, names made unique, dates spread over 2015-2025."""
    with registry_path().open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        base = list(reader)
    i_name, i_date = header.index("name"), header.index("publication_date")
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(rows):
            row = list(base[i % len(base)])
            row[i_name] = f"{row[i_name]} #{i}"
            row[i_date] = f"{2015 + i % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            writer.writerow(row)


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run a command to the end; its wall time, CPU time and own peak RSS (os.wait4)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = t0 + TIMEOUT_SECONDS
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"status": f"timed out after {TIMEOUT_SECONDS} s"}
        time.sleep(0.05)
    out, err = proc.communicate()
    code = os.waitstatus_to_exitcode(status)
    return {"status": "ok" if code == 0 else f"exit {code}: {(err.strip().splitlines() or [''])[-1][:120]}",
            "wall_s": time.perf_counter() - t0, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "stdout": out, "stderr": err}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--experiments", nargs="*", default=[])
    parser.add_argument("--settings", nargs="*", default=[], help="overrides for every experiment run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gapstudy-bench-") as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "large.csv"
        t0 = time.perf_counter()
        build(csv_path, args.rows)
        print(f"built {csv_path.name}: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB in "
              f"{time.perf_counter() - t0:.1f} s (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
        print(f"{'step':<28} {'status':<8} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12}")
        steps = [("load + select", [sys.executable, "-c", LOAD_SNIPPET, str(csv_path)])]
        for name in args.experiments:
            steps.append((f"experiment={name}", [sys.executable, "-m", "gapstudy", f"experiment={name}",
                                                 f"data.path={csv_path}", f"hydra.run.dir={tmp / name}", *args.settings]))
        for label, cmd in steps:
            row = measure(cmd, tmp)
            if "wall_s" not in row:
                print(f"{label:<28} {row['status']}")
                continue
            print(f"{label:<28} {row['status'][:8]:<8} {row['wall_s']:>8.2f} {row['cpu_s']:>8.2f} {row['peak_rss_mb']:>12.0f}")
            if row["status"] != "ok":
                print(f"    {row['status']}")
            progress = [ln for ln in row["stderr"].splitlines() if ln.startswith("[gapstudy]")]
            if progress:
                print(f"    progress lines: {len(progress)}, e.g. {progress[0][:100]!r}")


if __name__ == "__main__":
    main()
