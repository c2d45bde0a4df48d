"""The parallelism_cost experiment end to end: validation, node thresholds, observed counts, bad settings."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hydra import compose, initialize_config_module

from gapstudy import schema
from gapstudy.data import load, registry_path
from gapstudy.experiments import parallelism_cost
from gapstudy.experiments.common import gap_counts, has_domain

QUICK = [
    "experiment=parallelism_cost",
    "parallelism_cost.hardware=[a100_40gb,a100_80gb]",
    "parallelism_cost.sensitivity_hardware=[a100_40gb]",
    "parallelism_cost.points_per_decade=3",
]


@pytest.fixture(scope="module")
def results():
    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        cfg = compose("config", overrides=[*QUICK, "quiet=true"])
    doc = parallelism_cost.run(cfg)
    doc["config"] = {"parallelism_cost": dict(cfg.parallelism_cost)}
    return doc


def test_validation_against_narayanan_table1(results):
    rows = results["validation"]
    assert len(rows) == 10  # every row of Table 1
    errors = np.array([abs(r["predicted"] / r["measured"] - 1) for r in rows])
    assert errors.mean() <= 0.05 and errors.max() <= 0.10
    assert results["validation_summary"]["mean_abs_error"] == pytest.approx(errors.mean())


def test_node_threshold_moves_with_memory(results):
    thresholds = {b["hardware"]: b["state_threshold_16"] for b in results["bands"]}
    assert thresholds["a100_40gb"] == pytest.approx(20e9, rel=1e-9)  # 8 x 40 GB / 16 bytes
    assert thresholds["a100_80gb"] == pytest.approx(40e9, rel=1e-9)


def test_observed_counts_are_the_data(results):
    table, _ = load(registry_path())
    lang = table[has_domain(table, "Language") & table["parameters"].notna()]
    for row in results["years"]:
        p = lang.loc[lang["date"].dt.year == row["year"], "parameters"].to_numpy()
        c = gap_counts(p, 20e9, 70e9)
        assert (row["observed_below"], row["observed_inside"], row["observed_above"]) == (c["below"], c["inside"], c["above"])


def test_regimes_change_with_size(results):
    regimes = [r["regime"] for r in results["regimes"] if r["hardware"] == "a100_40gb"]
    assert regimes[0] != regimes[-1]  # 1B and 1T are not trained the same way
    assert results["layouts_evaluated"] > 1_000_000
    md = parallelism_cost.summarize(results)
    assert "Validation" in md and "Sensitivity" in md


@pytest.mark.parametrize(
    "override,pattern",
    [
        ("parallelism_cost.hardware=[no_such_chip]", "unknown hardware"),
        ("parallelism_cost.min_params=1e13", "min_params"),
        ("parallelism_cost.points_per_decade=0", "points_per_decade"),
    ],
)
def test_bad_settings(tmp_path, override, pattern):
    proc = subprocess.run([sys.executable, "-m", "gapstudy", "experiment=parallelism_cost", override],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert pattern in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
