"""The competition experiment end to end through the CLI, with small settings."""

from __future__ import annotations

import json

import numpy as np

from cli_helpers import gapstudy

FAST = ["competition.n_worlds=20", "competition.fit_draws=30", "competition.fit_accept=0.2",
        "competition.predict_draws=3", "competition.predict_worlds_per_draw=2", "competition.costs=[simple]",
        "competition.deficit_worlds=5", "competition.deficit_n_sim=200"]




def test_competition_run_writes_results(tmp_path, epoch_dir):
    out = tmp_path / "run"
    proc = gapstudy("experiment=competition", "data=epoch", f"data.path={epoch_dir / 'all_ai_models_2026-03-30.csv'}",
                    f"hydra.run.dir={out}", "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "results.json").read_text())
    assert doc["experiment"] == "competition" and len(doc["scenarios"]) == 4
    assert {s["name"] for s in doc["scenarios"]} >= {"anchor=on, beliefs=switch, cost=simple"}
    from gapstudy.competition.fit import DEFAULT_FREE

    assert set(doc["fit"]["estimate"]) == set(DEFAULT_FREE)
    assert all(s["deficit"]["worlds_tested"] == 5 for s in doc["scenarios"])
    assert 0 <= doc["scenarios"][0]["deficit"]["share_significant"] <= 1
    assert len(doc["prediction"]) == 4
    # release rates matched to the data, a posterior predictive check per year with a verdict
    assert doc["release_rates"]["matched"] and doc["release_rates"]["growth_per_year"] > 1
    ppc = {p["year"]: p for p in doc["ppc_per_year"]}
    assert {2020, 2023, 2025} <= set(ppc) and all(p["verdict"].startswith(("fits", "observed")) for p in ppc.values())
    for p in ppc.values():
        assert p["obs_below"] + p["obs_inside"] + p["obs_above"] == p["n"]
        assert all(p[f"sim_{b}_q05"] <= p[f"sim_{b}_q95"] <= p["n"] for b in ("below", "inside", "above"))
    # H2 as a likelihood model on the same rows as H0, with the measured compute of the snapshot
    h2 = doc["h2_likelihood"]
    assert h2["scores"]["H2"]["n"] == h2["scores"]["H0"]["n"] and h2["scores"]["H2"]["k"] == 9
    assert h2["frontier"]["measured_compute"] > 100
    assert all(abs(c["fitted_below"] + c["fitted_inside"] + c["fitted_above"] - 1) < 1e-9 for c in h2["counterfactual"])
    assert "Competition with the frontier" in (out / "summary.md").read_text()
    # the smoothing rule of the simulated density and its effect: every log score at each width, H0 beside them
    sm = doc["smoothing"]
    assert sm["widths"] == [0.05, 0.1, 0.2] and sm["default"] == 0.1 and set(sm["per_width"]) == {"0.05", "0.1", "0.2"}
    for s in doc["scenarios"]:
        by = s["log_score_2023_2025_by_width"]
        assert by["0.1"] == s["log_score_2023_2025"] and len(set(by.values())) == 3
    for p in doc["prediction"]:
        if p["observed_n"]:
            assert p["log_score_by_width"]["0.1"] == p["log_score"] and np.isfinite(p["h0_log_score"])
    assert "Smoothing width of the simulated density" in (out / "summary.md").read_text()
    # the deployment-share sensitivity: the default first, then each configured vector, each refitted
    sens = doc["deploy_sensitivity"]
    assert [v["label"] for v in sens] == ["default (assumption)", "single GPU only", "single-GPU-heavy", "even", "node-heavy",
                                          "consumer cards 30%"]
    assert sens[0]["estimate"] == doc["fit"]["estimate"] and sens[0]["deploy_device_probs"] == [0.4, 0.2, 0.2, 0.2, 0.0]
    assert sens[1]["deploy_device_probs"] == [1.0, 0.0, 0.0, 0.0, 0.0] and sens[1]["estimate"] != sens[0]["estimate"]
    for v in sens:
        assert set(v["fits"]) | {int(y) for y in v["misfits"]} == {y for y in ppc if y >= 2018}
        assert 0 <= v["share_inside_gap_window"]["anchor_on"] <= 1 and 0 <= v["predicted_inside_2023_2026"] <= 1
    assert "Sensitivity to the shares of own-use deployment targets" in (out / "summary.md").read_text()


def test_competition_bad_setting_is_one_line(tmp_path):
    for arg, text in (("competition.beliefs=[gpt4]", "competition.beliefs='gpt4'"),
                      ("+competition.params.n_labs=0", "competition.n_labs=0"),
                      ("competition.deploy_sensitivity.even=[0.5,0.5]", "competition.deploy_device_probs=(0.5, 0.5)")):
        proc = gapstudy("experiment=competition", arg, f"hydra.run.dir={tmp_path / 'x'}", cwd=tmp_path)
        assert proc.returncode == 2 and text in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
