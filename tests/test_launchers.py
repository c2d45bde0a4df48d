"""Sweeps on every launcher, never losing work (finished jobs reused, failures isolated, the cache),
and runs reproduced from what they recorded."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from cli_helpers import gapstudy

# small bootstrap and null sizes: the numbers are compared, not judged
FAST = ["trends.n_boot=200", "trends.n_null=200"]
TIMING_KEYS = ("elapsed_seconds", "started_utc")  # the only fields allowed to differ between runs




def numbers(path: Path) -> dict:
    """A results.json without its timings."""
    doc = json.loads(path.read_text())
    for key in TIMING_KEYS:
        doc.pop(key, None)
    return doc


def job_dirs(sweep: Path) -> list[Path]:
    return sorted(p for p in sweep.iterdir() if p.is_dir() and not p.name.startswith("."))


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


# ---------------------------------------------------------------- local parallel (joblib)


@pytest.mark.slow
def test_joblib_sweep_equals_jobs_run_one_by_one(tmp_path):
    sweep = tmp_path / "sweep"
    proc = gapstudy("-m", "experiment=trends", "gap.lower=10e9,20e9", "select.dense_only=true,false",
                    "hydra/launcher=local", "hydra.launcher.n_jobs=2", f"hydra.sweep.dir={sweep}", "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    jobs = job_dirs(sweep)
    assert len(jobs) == 4
    for i, job in enumerate(jobs):
        overrides = yaml.safe_load((job / ".hydra" / "overrides.yaml").read_text())
        single = tmp_path / f"single{i}"
        one = gapstudy(*overrides, f"hydra.run.dir={single}", cwd=tmp_path)
        assert one.returncode == 0, one.stderr
        assert numbers(single / "results.json") == numbers(job / "results.json"), job.name


# ---------------------------------------------------------------- never lose work


@pytest.mark.slow
def test_rerun_of_interrupted_sweep_runs_only_unfinished_jobs(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", "experiment=trends", "gap.lower=10e9,20e9", f"hydra.sweep.dir={sweep}", *FAST]
    assert gapstudy(*args, "-q", cwd=tmp_path).returncode == 0
    jobs = job_dirs(sweep)
    # "interrupt" the second job: its results.json never got written
    (jobs[1] / "results.json").unlink()
    kept = {jobs[0]: ((jobs[0] / "results.json").stat().st_mtime_ns, (jobs[0] / "results.json").read_bytes())}
    proc = gapstudy(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("already finished with this config and data") == 1, proc.stdout
    for job, (mtime, content) in kept.items():
        assert (job / "results.json").stat().st_mtime_ns == mtime and (job / "results.json").read_bytes() == content
    assert (jobs[1] / "results.json").exists()
    doc = json.loads((sweep / "results.json").read_text())
    assert len(doc["jobs"]) == 2 and not doc["failed"]
    # GAPSTUDY_FORCE=1 recomputes even finished jobs
    proc = gapstudy(*args, cwd=tmp_path, env={"GAPSTUDY_FORCE": "1"})
    assert proc.returncode == 0 and "already finished" not in proc.stdout
    assert (jobs[0] / "results.json").stat().st_mtime_ns != kept[jobs[0]][0]


def test_finished_run_needs_same_config_and_same_data(tmp_path):
    from omegaconf import OmegaConf

    from gapstudy.data import registry_path
    from gapstudy.runner import finished_run

    csv = tmp_path / "models.csv"
    shutil.copy(registry_path(), csv)
    out = tmp_path / "run"
    proc = gapstudy("experiment=trends", f"data.path={csv}", f"hydra.run.dir={out}", "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "results.json").read_text())
    cfg = OmegaConf.create(doc["config"])
    assert finished_run(cfg, out) is not None
    cfg.quiet = not cfg.quiet  # printing is not a setting of the numbers
    assert finished_run(cfg, out) is not None
    changed = OmegaConf.create(doc["config"])
    changed.seed = changed.seed + 1
    assert finished_run(changed, out) is None
    with csv.open("a") as fh:  # same config, different bytes in the data file
        fh.write("\n")
    assert finished_run(cfg, out) is None


@pytest.mark.slow
def test_one_failing_job_keeps_the_others(tmp_path):
    sweep = tmp_path / "sweep"
    # select.start=2030-01-01 empties the bundled registry at run time, only for that job
    proc = gapstudy("-m", "experiment=trends", "select.start=2018-01-01,2030-01-01,2019-01-01",
                    f"hydra.sweep.dir={sweep}", "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("gapstudy:")]
    assert any("failed: the selection is empty: select.start=2030-01-01" in ln for ln in errors), proc.stderr
    assert errors[-1] == f"gapstudy: error: 1 job(s) of the sweep failed; see the combined report {sweep / 'report.html'}"
    doc = json.loads((sweep / "results.json").read_text())
    assert len(doc["jobs"]) == 2 and len(doc["failed"]) == 1
    assert "select.start=2030-01-01" in doc["failed"][0]["dir"]
    assert "selection is empty" in doc["failed"][0]["error"]
    assert "Failed jobs" in (sweep / "report.html").read_text() and "Failed jobs" in (sweep / "summary.md").read_text()
    failed_dir = sweep / doc["failed"][0]["dir"]
    assert (failed_dir / "error.json").exists() and not (failed_dir / "results.json").exists()


# ---------------------------------------------------------------- reproducible from what a run recorded


@pytest.mark.slow
def test_rerun_from_recorded_overrides_gives_identical_numbers(tmp_path):
    first = tmp_path / "first"
    proc = gapstudy("experiment=trends", "gap.lower=15e9", "select.start=2017-01-01", "seed=7",
                    f"hydra.run.dir={first}", "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    recorded = yaml.safe_load((first / ".hydra" / "overrides.yaml").read_text())
    doc = json.loads((first / "results.json").read_text())
    # what a user does: python -m gapstudy $(overrides of the run) hydra.run.dir=elsewhere
    again = tmp_path / "again"
    proc = gapstudy(*recorded, f"hydra.run.dir={again}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc2 = json.loads((again / "results.json").read_text())
    assert doc2["data"]["sha256"] == doc["data"]["sha256"]  # the same bytes were read
    assert numbers(again / "results.json") == numbers(first / "results.json")


# ---------------------------------------------------------------- the cache


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    from gapstudy import cache

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    for key in cache.STATS:
        monkeypatch.setitem(cache.STATS, key, 0)
    return cache


def test_cache_hits_on_same_inputs_in_any_order(cache_env):
    cache = cache_env
    calls = []

    def compute():
        calls.append(1)
        return {"stat": np.linspace(0, 1, 5), "p": 0.031, "pair": (1, float("nan")), "n": np.int64(3), "none": None}

    a = cache.cached("null", {"n": 1000, "seed": 7, "x": np.arange(4.0)}, compute)
    b = cache.cached("null", {"x": np.arange(4.0), "seed": 7, "n": 1000}, compute)
    assert len(calls) == 1 and cache.STATS == {"hits": 1, "misses": 1, "write_errors": 0}
    np.testing.assert_array_equal(a["stat"], b["stat"])
    assert b["p"] == 0.031 and b["n"] == 3 and b["none"] is None
    assert isinstance(b["pair"], tuple) and np.isnan(b["pair"][1])
    # different inputs, different entries: a value, an array's content, the namespace
    cache.cached("null", {"n": 1001, "seed": 7, "x": np.arange(4.0)}, compute)
    cache.cached("null", {"n": 1000, "seed": 7, "x": np.arange(4.0) + 1}, compute)
    cache.cached("grid", {"n": 1000, "seed": 7, "x": np.arange(4.0)}, compute)
    assert len(calls) == 4


def test_cache_key_holds_the_version(cache_env, monkeypatch):
    cache = cache_env
    key = cache.key_of("ns", [1, 2])
    monkeypatch.setattr(cache, "__version__", "999.0")
    assert cache.key_of("ns", [1, 2]) != key


def test_cache_memoize_binds_arguments(cache_env):
    cache = cache_env
    calls = []

    @cache.memoize("grid")
    def grid(n, scale=2.0):
        calls.append(n)
        return np.full((n, n), scale)

    np.testing.assert_array_equal(grid(3), grid(n=3, scale=2.0))
    assert calls == [3]
    grid(3, scale=3.0)
    assert calls == [3, 3]


def test_cache_recovers_from_corrupt_entry_and_can_be_off(cache_env, monkeypatch, tmp_path):
    cache = cache_env
    cache.cached("ns", 1, lambda: np.arange(3))
    path = cache.entry_path("ns", 1)
    path.write_bytes(b"truncated")
    np.testing.assert_array_equal(cache.cached("ns", 1, lambda: np.arange(3)), np.arange(3))
    assert np.load(path)["a0"].tolist() == [0, 1, 2]  # rewritten whole
    assert not list(path.parent.glob(".*.tmp"))
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert not cache.enabled() and cache.entry_path("ns", 1) is None
    calls = []
    cache.cached("ns", 1, lambda: calls.append(1))
    cache.cached("ns", 1, lambda: calls.append(1))
    assert calls == [1, 1]


def test_cache_unwritable_folder_costs_only_the_saving(cache_env, monkeypatch, tmp_path, capsys):
    cache = cache_env
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    monkeypatch.setattr(cache, "_warned", False)
    assert cache.cached("ns", 1, lambda: 42) == 42
    assert cache.STATS["write_errors"] == 1
    assert "cannot write the cache" in capsys.readouterr().err


def test_cache_rejects_what_it_cannot_key_or_store(cache_env):
    cache = cache_env
    with pytest.raises(TypeError, match="cache keys"):
        cache.key_of("ns", object())
    with pytest.raises(TypeError, match="JSON values and numpy arrays"):
        cache.cached("ns", 2, lambda: object())


# ---------------------------------------------------------------- Ray (extra [ray])


def _tree(root: int) -> set[int]:
    """root and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in out:
            out.add(pid)
            todo += children.get(pid, [])
    return out


def _listening() -> dict[str, str]:
    """Socket inode -> local address of every listening TCP socket."""
    out = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A":  # TCP_LISTEN
                out[parts[9]] = parts[1].split(":")[0]
    return out


def _is_loopback(hex_addr: str) -> bool:
    if len(hex_addr) == 8:  # IPv4, little-endian: 127.x.x.x ends in 7F
        return hex_addr.endswith("7F")
    raw = bytes.fromhex(hex_addr)  # IPv6 as four little-endian words
    addr = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    return addr == bytes(15) + b"\x01" or (addr[:12] == bytes(10) + b"\xff\xff" and addr[12] == 127)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not has_module("hydra_plugins.hydra_ray_launcher") or not has_module("ray"),
                    reason="the Ray launcher is not installed: pip install 'gapstudy[ray]' (.ci/run does)")
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc to see which addresses Ray listens on")
def test_ray_sweep_on_loopback_leaves_nothing_behind(tmp_path):
    sweep = tmp_path / "sweep"
    ray_tmp = tempfile.mkdtemp(prefix="gsray", dir="/tmp")  # short: Ray's unix socket paths must fit 107 bytes
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gapstudy", "-m", "experiment=trends", "hydra/launcher=ray_local",
             "gap.lower=10e9,20e9", "gap.upper=50e9,70e9", f"hydra.sweep.dir={sweep}",
             f"+hydra.launcher.ray.init._temp_dir={ray_tmp}", *FAST],  # not quiet: Ray's start-up line is checked
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "HOME": str(tmp_path)},  # where Ray would write ~/.ray/auth_token
        )
        seen_pids: set[int] = set()
        addresses: dict[str, str] = {}  # inode -> address of sockets Ray's processes listen on
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                listening = _listening()
                for pid in _tree(proc.pid):
                    seen_pids.add(pid)
                    try:
                        for fd in Path(f"/proc/{pid}/fd").iterdir():
                            target = os.readlink(fd)
                            if target.startswith("socket:["):
                                inode = target[8:-1]
                                if inode in listening:
                                    addresses[inode] = listening[inode]
                    except OSError:
                        continue
                time.sleep(0.3)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        out, err = proc.communicate(timeout=600)
        stop.set()
        watcher.join()
        assert proc.returncode == 0, err
        doc = json.loads((sweep / "results.json").read_text())
        assert len(doc["jobs"]) == 4 and not doc["failed"]
        assert "Started a local Ray instance" in err
        # token authentication on, with a per-sweep token held in the environment: no warning about
        # it and no token file written into the user's home (gapstudy.sweep.prepare_ray)
        assert "Token authentication" not in err, err
        assert not (tmp_path / ".ray" / "auth_token").exists()
        assert len(seen_pids) > 3, "no Ray processes were seen"
        assert addresses, "no listening socket of Ray was seen"
        exposed = sorted({a for a in addresses.values() if not _is_loopback(a)})
        assert not exposed, f"Ray listened beyond loopback on {exposed}"
        deadline = time.time() + 30
        while time.time() < deadline and any(_alive(p) for p in seen_pids):
            time.sleep(0.5)
        left = [p for p in seen_pids if _alive(p)]
        assert not left, f"Ray processes left behind: {left}"
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)


# ---------------------------------------------------------------- submitit (extra [slurm])


@pytest.mark.slow
@pytest.mark.skipif(not has_module("hydra_plugins.hydra_submitit_launcher") or not has_module("submitit"),
                    reason="the submitit launcher is not installed: pip install 'gapstudy[slurm]' (.ci/run does)")
def test_submitit_local_executor_runs_a_sweep(tmp_path):
    sweep = tmp_path / "sweep"
    proc = gapstudy("-m", "experiment=trends", "hydra/launcher=slurm_local", "gap.lower=10e9,20e9",
                    f"hydra.sweep.dir={sweep}", "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((sweep / "results.json").read_text())
    assert len(doc["jobs"]) == 2 and not doc["failed"]
    assert (sweep / ".submitit").is_dir()  # went through submitit's job pickles and logs
    # same numbers as the default launcher
    other = tmp_path / "joblib"
    assert gapstudy("-m", "experiment=trends", "gap.lower=10e9,20e9", f"hydra.sweep.dir={other}", "-q", *FAST,
                    cwd=tmp_path).returncode == 0
    for a, b in zip(job_dirs(sweep), job_dirs(other)):
        assert a.name == b.name and numbers(a / "results.json") == numbers(b / "results.json")
