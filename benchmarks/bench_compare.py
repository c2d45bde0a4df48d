"""Wall time, CPU time and peak RSS of `python -m gapstudy experiment=compare` (recovery study included) on the bundled data: cold cache, then cached."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

TARGET_SECONDS = 60.0  # the target for one compare run with the recovery study on 2 cores
TARGET_CACHED_SECONDS = 10.0  # and for the same run again with the cache warm


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _run(out: Path, cache_dir: str, argv: list[str]) -> dict:
    """One run as a user runs it, in its own process: wall, CPU (user + system) and peak RSS of that process."""
    env = dict(os.environ, GAPSTUDY_CACHE=cache_dir)
    cmd = [sys.executable, "-m", "gapstudy", "experiment=compare", "-q", f"hydra.run.dir={out}", *argv]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench_compare: the run failed (exit {proc.returncode}): {' '.join(cmd)}")
    doc = json.loads((out / "results.json").read_text())
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "user": usage.ru_utime, "sys": usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024.0, "in_run": doc["elapsed_seconds"], "doc": doc}


def main(argv: list[str]) -> None:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as cache_dir, tempfile.TemporaryDirectory() as out:
        # a cold cache of its own (the cost model's grid included), then the same run again
        cold = _run(Path(out) / "cold", cache_dir, argv)
        warm = _run(Path(out) / "cached", cache_dir, argv)
    load_after = os.getloadavg()
    doc = cold["doc"]
    rec = doc.get("recovery") or {}
    done = sum("ranking" in v for v in doc["robustness"])
    same = _numbers(cold["doc"]) == _numbers(warm["doc"])
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {_cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{v:.2f}' for v in load_before)}; "
          f"after {', '.join(f'{v:.2f}' for v in load_after)}")
    print(f"compare on {doc['data']['path']}: {doc['main']['n']} models, {len(doc['main']['ranking'])} hypotheses, "
          f"{done}/{len(doc['robustness'])} robustness variants run")
    if "rows" in rec:
        fits = ", ".join(f"{k} {v:.1f} s" for k, v in rec["fit_seconds"].items())
        print(f"recovery: {len(rec['rows'])} generators x {rec['n_datasets']} datasets, fitted by {len(rec['fitters'])} hypotheses ({fits})")
    for label, r, target in (("cold cache", cold, TARGET_SECONDS), ("cached    ", warm, TARGET_CACHED_SECONDS)):
        print(f"{label}: {r['wall']:.1f} s wall (target < {target:.0f} s), {r['in_run']:.1f} s in the run, "
              f"{r['cpu']:.1f} s CPU ({r['user']:.1f} user + {r['sys']:.1f} system), peak RSS {r['rss_mb']:.0f} MB")
    print(f"results.json numbers cold vs cached: {'identical' if same else 'DIFFERENT'} (timings and the clock aside)")


def _numbers(doc):
    """results.json without the fields a cached run may change (its clock and fit timings)."""
    if isinstance(doc, dict):
        return {k: _numbers(v) for k, v in doc.items() if k not in ("started_utc", "elapsed_seconds", "fit_seconds")}
    if isinstance(doc, list):
        return [_numbers(v) for v in doc]
    return doc


if __name__ == "__main__":
    main(sys.argv[1:])
