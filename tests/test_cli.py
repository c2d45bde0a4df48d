"""The command line as a user runs it: a subprocess, its files, and every bad-input case."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import HOSTILE, assert_clean_error, gapstudy, write_hostile_csv

FAST_TRENDS = ["trends.n_boot=200", "trends.n_null=200"]






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
    assert doc["data"]["rows_read"] == 512 and doc["data"]["dropped"]["missing parameter count"] == 249
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
                    "gap.upper=50e9,70e9", f"hydra.sweep.dir={sweep}", "-q", *FAST_TRENDS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((sweep / "results.json").read_text())
    assert len(doc["jobs"]) == 4 and not doc["failed"]
    assert (sweep / "report.html").exists() and (sweep / "summary.md").exists()
    assert len({j["overrides"] for j in doc["jobs"]}) == 4
