"""Every experiment on the bundled data, as a user runs it: wall time and peak memory of each run.

Run: python benchmarks/bench_experiments.py [--settings key=value ...]   (prints figures; nothing is asserted)
Each experiment runs once in a fresh `python -m gapstudy experiment=NAME -q` process with its default
settings (extra overrides after --settings apply to all); the figures include interpreter start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gapstudy import experiments

# A run that takes longer than this is reported as timed out rather than waited for.
TIMEOUT_SECONDS = 1800


def run_one(name: str, settings: list[str], out: Path) -> dict:
    """Start one run, wait for it with os.wait4 so its own peak RSS is read, not the sum of others."""
    cmd = [sys.executable, "-m", "gapstudy", f"experiment={name}", f"hydra.run.dir={out}", "-q", *settings]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = t0 + TIMEOUT_SECONDS
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"experiment": name, "status": f"timed out after {TIMEOUT_SECONDS} s"}
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    stderr = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    row = {"experiment": name, "wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}
    results = out / "results.json"
    if proc.returncode != 0 or not results.exists():
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        row["status"] = f"failed (exit {proc.returncode}): {last[:120]}"
    else:
        row["status"] = "ok"
        row["experiment_s"] = json.loads(results.read_text()).get("elapsed_seconds")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="experiment names (default: all that exist)")
    parser.add_argument("--settings", nargs="*", default=[], help="overrides for every run")
    args = parser.parse_args()
    names = args.only or experiments.available()
    print(f"experiments: {', '.join(names)}  (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print(f"{'experiment':<22}{'wall s':>9}{'in-run s':>10}{'cpu s':>9}{'peak RSS MB':>13}  status")
    with tempfile.TemporaryDirectory(prefix="gapstudy-bench-") as tmp:
        for name in names:
            r = run_one(name, args.settings, Path(tmp) / name)
            if "wall_s" not in r:
                print(f"{name:<22}{'-':>9}{'-':>10}{'-':>9}{'-':>13}  {r['status']}")
                continue
            inrun = r.get("experiment_s")
            print(f"{name:<22}{r['wall_s']:>9.2f}{(f'{inrun:.2f}' if inrun is not None else '-'):>10}"
                  f"{r['cpu_s']:>9.2f}{r['peak_rss_mb']:>13.0f}  {r['status']}", flush=True)


if __name__ == "__main__":
    main()
