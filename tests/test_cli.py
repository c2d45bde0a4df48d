"""The command line as a user runs it: a subprocess, its files, and every bad-input case."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import HOSTILE, assert_clean_error, gapstudy, write_hostile_csv

FAST_TRENDS = ["trends.n_boot=200", "trends.n_null=200"]


def test_version_names_gapstudy_and_hydra(tmp_path):
    import hydra

    from gapstudy import __version__

    proc = gapstudy("--version", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith(f"gapstudy {__version__} (Hydra {hydra.__version__}"), proc.stdout


def test_progress_lines_prefix_quiet_and_log(capsys, caplog):
    import logging

    from gapstudy import progress

    caplog.set_level(logging.INFO, logger="gapstudy")
    try:
        progress.configure(quiet=False, job="gap.lower=10e9")
        progress.note("loading")
        with progress.step("fitting"):
            pass
        bar = progress.Progress(3, "cells")
        for _ in range(3):
            bar.update()
        progress.configure(quiet=True)
        progress.note("hidden")
        progress.Progress(1, "hidden cells").update()
    finally:
        progress.configure()
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "[gapstudy] [gap.lower=10e9] loading"
    assert err[1] == "[gapstudy] [gap.lower=10e9] fitting ..." and err[2].startswith("[gapstudy] [gap.lower=10e9] fitting: done (")
    assert err[3].startswith("[gapstudy] [gap.lower=10e9] cells: 1/3 (33%") and err[-1].startswith("[gapstudy] [gap.lower=10e9] cells: 3/3 (100%")
    assert not any("hidden" in line for line in err)  # quiet: nothing on the terminal ...
    logged = [r.getMessage() for r in caplog.records]
    assert "loading" in logged and "hidden" in logged and any(m.startswith("hidden cells: 1/1") for m in logged)  # ... all in the log


def test_run_names_its_folder_last_logs_and_shares_its_files(tmp_path):
    """Under umask 022 every file a run writes is readable by others (0644), the last line names the
    run folder, and app.log holds what the run printed."""
    import os
    import stat

    out = tmp_path / "run"
    cache = tmp_path / "cache"
    old = os.umask(0o022)
    try:
        proc = gapstudy("experiment=trends", f"hydra.run.dir={out}", *FAST_TRENDS, cwd=tmp_path,
                        env={"GAPSTUDY_CACHE": str(cache)})
        bad = gapstudy("experiment=trends", "select.start=2030-01-01", f"hydra.run.dir={tmp_path / 'failed'}", "-q",
                       *FAST_TRENDS, cwd=tmp_path)
        from gapstudy import cache as cache_mod

        os.environ[cache_mod.CACHE_ENV] = str(cache)
        try:
            cache_mod.cached("test.modes", 1, lambda: 1)
        finally:
            del os.environ[cache_mod.CACHE_ENV]
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == f"[gapstudy] results in {out}: report.html, summary.md, results.json"
    assert "[gapstudy] trends:" in proc.stderr  # progress on stderr when not quiet
    files = [out / n for n in ("results.json", "summary.md", "report.html", "app.log")]
    files += [tmp_path / "failed" / "error.json", *cache.rglob("*.npz")]
    assert len(files) >= 6
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, (path, oct(path.stat().st_mode))
    log = (out / "app.log").read_text()
    assert "trends:" in log and f"results in {out}" in log
    assert bad.returncode == 2 and "selection is empty" in (tmp_path / "failed" / "app.log").read_text()






def test_missing_and_unknown_experiment(tmp_path):
    assert_clean_error(gapstudy(cwd=tmp_path), r"choose an experiment.*trends")
    assert_clean_error(gapstudy("experiment=nope", cwd=tmp_path), r"unknown experiment 'nope'.*trends")
    assert not (tmp_path / "outputs").exists()


def test_console_script_matches_module(tmp_path):
    exe = Path(sys.executable).with_name("gapstudy")
    if not exe.exists():
        pytest.skip("console script not installed beside this interpreter")
    proc = subprocess.run([str(exe)], cwd=tmp_path, capture_output=True, text=True)
    assert_clean_error(proc, r"choose an experiment")


def test_trends_run_writes_three_files(tmp_path, epoch_dir):
    out = tmp_path / "run"
    proc = gapstudy("experiment=trends", "data=epoch", f"data.path={epoch_dir / 'notable_ml_systems_2022-09-01.csv'}",
                    f"hydra.run.dir={out}", "-q", *FAST_TRENDS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "results.json").read_text())
    assert doc["experiment"] == "trends"
    assert doc["data"]["sha256"] == "f7228a860f33d3b79a25b25bfe156b82b888be54193842fd4b7fc66850153a68"
    # the sheet's two 0.00E+00 placeholders count as invalid, the other 247 rows have no count at all
    assert doc["data"]["rows_read"] == 512 and doc["data"]["dropped"]["missing parameter count"] == 247
    assert doc["data"]["dropped"]["invalid parameter count (zero or negative)"] == 2
    assert doc["config"]["trends"]["n_boot"] == 200 and doc["seed"] == doc["config"]["seed"]
    assert {"numpy", "pandas", "scipy", "python"} <= set(doc["versions"])
    langs = [f for f in doc["fits"] if f["domain"] == "Language" and f["era"] == "since-2018" and f["variant"] == "all models"]
    assert langs and 0 < langs[0]["doubling_ci"][0] < langs[0]["doubling_months"] < langs[0]["doubling_ci"][1]
    assert {b["name"] for b in doc["breaks"]} >= {"language 2016-2018"}
    summary = (out / "summary.md").read_text()
    assert "doubling" in summary and "Breaks in trend" in summary
    html = (out / "report.html").read_text()
    assert html.count("plotly.js v") == 1  # the library embedded once
    assert "<script src" not in html and "<link " not in html  # nothing fetched from the network
    assert html.count('class="plotly-graph-div"') >= 1
    assert not list(out.glob(".*.tmp"))
    # same seed, same numbers
    out2 = tmp_path / "run2"
    gapstudy("experiment=trends", "data=epoch", f"data.path={epoch_dir / 'notable_ml_systems_2022-09-01.csv'}",
             f"hydra.run.dir={out2}", "-q", *FAST_TRENDS, cwd=tmp_path)
    doc2 = json.loads((out2 / "results.json").read_text())
    assert doc2["fits"] == doc["fits"] and doc2["breaks"] == doc["breaks"]




def test_hostile_names_are_escaped(tmp_path):
    csv = write_hostile_csv(tmp_path / "hostile.csv")
    out = tmp_path / "run"
    proc = gapstudy("experiment=trends", f"data.path={csv}", f"hydra.run.dir={out}", "-q", *FAST_TRENDS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    html = (out / "report.html").read_text()
    assert HOSTILE not in html
    assert "onerror=alert(1)&gt;" in html or "onerror=alert(1)\\u0026gt;" in html


@pytest.mark.parametrize(
    "args,pattern",
    [
        (["data=epoch"], r"data=epoch needs data.path"),
        (["data=epoch", "data.path=/no/such/file.csv"], r"not found: /no/such/file.csv"),
        (["seed=abc"], r"seed: Value 'abc'"),
        (["no_such_key=1"], r"no_such_key"),
        (["select.start=2022-01-01", "select.end=2021-01-01"], r"after select.end"),
        (["select.min_confidence=sure"], r"min_confidence"),
        (["gap.lower=80e9"], r"gap.lower=8e\+10 must be below gap.upper"),
        (["gap.lower=1", "gap.upper=10"], r"outside the range"),
        (["trends.n_boot=3"], r"n_boot"),
        (["select.domains=Language"], r"select.domains"),
    ],
)
def test_bad_settings(tmp_path, args, pattern):
    proc = gapstudy("experiment=trends", *args, cwd=tmp_path)
    assert_clean_error(proc, pattern)
    assert not (tmp_path / "outputs").exists()  # rejected before any output folder exists


def test_a_new_entry_of_a_mapping_setting_is_told_to_take_a_plus(tmp_path):
    proc = gapstudy("experiment=competition", "competition.deploy_sensitivity={a: [1, 0, 0, 0, 0]}", cwd=tmp_path)
    assert_clean_error(proc, r"competition.deploy_sensitivity.a: .*leading \+: \+competition.deploy_sensitivity.a=")
    assert not (tmp_path / "outputs").exists()


def test_bad_files_and_empty_selection(tmp_path, epoch_dir):
    chips = epoch_dir / "chips_2025-11-28.csv"
    assert_clean_error(gapstudy("experiment=trends", "data=epoch", f"data.path={chips}", cwd=tmp_path),
                       r"none of the known layouts.*'Parameters'")
    sheet = epoch_dir / "notable_ml_systems_2022-09-01.csv"
    proc = gapstudy("experiment=trends", "data=epoch", f"data.path={sheet}", "select.domains=[Astronomy]", cwd=tmp_path)
    assert_clean_error(proc, r"selection is empty: select.domains=\['Astronomy'\]")
    # the run folder says why it is incomplete and holds no results.json
    runs = list((tmp_path / "outputs").rglob("error.json"))
    assert runs and not list((tmp_path / "outputs").rglob("results.json"))
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe\x00garbage")
    assert_clean_error(gapstudy("experiment=trends", f"data.path={broken}", cwd=tmp_path), r"not UTF-8")


def test_sweep_writes_one_combined_report(tmp_path, epoch_dir):
    sweep = tmp_path / "sweep"
    sheet = epoch_dir / "notable_ml_systems_2022-09-01.csv"
    proc = gapstudy("-m", "experiment=trends", "data=epoch", f"data.path={sheet}", "gap.lower=10e9,20e9",
                    "gap.upper=50e9,70e9", f"hydra.sweep.dir={sweep}", "hydra.launcher.n_jobs=2", *FAST_TRENDS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((sweep / "results.json").read_text())
    assert len(doc["jobs"]) == 4 and not doc["failed"]
    assert (sweep / "report.html").exists() and (sweep / "summary.md").exists()
    assert len({j["overrides"] for j in doc["jobs"]}) == 4
    # jobs running side by side: each progress line names its job; the last line names the combined report
    for job in doc["jobs"]:
        assert f"[gapstudy] [{job['dir']}] trends:" in proc.stderr, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == f"[gapstudy] combined report of 4 job(s): {sweep / 'report.html'}"
    # one job column naming what varies; what every job shares is said once above the table
    assert len({j["job"] for j in doc["jobs"]}) == 4
    assert all(j["job"].startswith("gap.lower=") and " gap.upper=" in j["job"] and "data" not in j["job"] for j in doc["jobs"])
    assert "data=epoch" in doc["common_overrides"]
    html = (sweep / "report.html").read_text()
    assert "<th>overrides</th>" not in html and "Settings shared by every job" in html


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _descendants(root: int) -> set[int]:
    """Every process below root, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = set(), list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if pid not in out:
            out.add(pid)
            todo += children.get(pid, [])
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to see the worker processes")
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_signal_ends_run_and_workers_and_rerun_resumes(tmp_path, sig):
    """SIGTERM (a SLURM time limit) or Ctrl-C during calibration with 2 worker processes: one line,
    exit 128+signal, every worker gone, error.json and no results.json; the rerun reuses the cells
    finished before the signal from the cache and completes."""
    import os
    import signal
    import time

    cache = tmp_path / "cache"
    out = tmp_path / "run"
    args = [sys.executable, "-m", "gapstudy", "experiment=calibration", f"hydra.run.dir={out}", "calibration.replicates=40",
            "calibration.sizes=[30,60,120]", "calibration.workers=2", "calibration.tests=[dip,deficit]"]
    env = {**os.environ, "GAPSTUDY_CACHE": str(cache)}
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    workers: set[int] = set()
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        workers |= _descendants(proc.pid)
        if len(list(cache.rglob("*.npz"))) >= 2 and workers:  # some cells are finished and cached
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    workers |= _descendants(proc.pid)
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + getattr(signal, sig), err
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.startswith("gapstudy:")]
    assert lines == [ln for ln in err.splitlines() if not ln.startswith("[gapstudy]")], err
    assert len(lines) == 1 and lines[0].startswith(f"gapstudy: interrupted ({sig})"), err
    assert "run the same command again" in lines[0]
    time.sleep(1)
    assert workers and not [p for p in workers if _alive(p)], "worker processes outlived the run"
    assert not (out / "results.json").exists() and (out / "error.json").exists()
    assert not list(out.glob(".*.tmp")) and not list(cache.rglob(".*.tmp"))
    kept = {p: p.stat().st_mtime_ns for p in cache.rglob("*.npz")}
    again = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert again.returncode == 0, again.stderr
    assert (out / "results.json").exists() and not (out / "error.json").exists()
    assert all(p.stat().st_mtime_ns == m for p, m in kept.items())  # read back, not recomputed
    assert len(list(cache.rglob("*.npz"))) > len(kept)


def test_bootstrap_memory_stays_flat_for_large_samples():
    """A trend fit on 400k models must not hold its (n_boot x n) resamples at once (the 353k-row
    registry in issue 14 reached 19.5 GB)."""
    import tracemalloc

    import numpy as np

    from gapstudy.growth import fit_trend

    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(2015, 2025, 400_000))
    y = 9 + 0.3 * (x - 2015) + rng.normal(0, 1, x.size)
    tracemalloc.start()
    try:
        fit = fit_trend(x, y, n_boot=100, level=0.95, rng=np.random.default_rng(1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert 0.25 < fit.slope < 0.35 and fit.slope_ci[0] < fit.slope < fit.slope_ci[1]
    assert peak < 250e6, f"peak {peak / 1e6:.0f} MB"  # one (100 x 400k) float array alone is 320 MB
    from gapstudy.growth import break_test

    tracemalloc.start()
    try:
        res = break_test(x[::4], y[::4], search=(2017.0, 2023.0), n_null=100, n_boot=100, rng=np.random.default_rng(2))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert 2017 <= res.breakpoint <= 2023 and 0 < res.pvalue <= 1
    assert peak < 250e6, f"break test peak {peak / 1e6:.0f} MB"  # a dozen (100 x 100k) temporaries are ~1 GB
