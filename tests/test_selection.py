"""Selection: each filter, drop counts, and the error naming the filter that emptied it."""

from __future__ import annotations

import pandas as pd
import pytest

from gapstudy.data import Selection, select
from gapstudy.errors import GapstudyError


def table():
    return pd.DataFrame(
        {
            "name": ["a", "b", "c", "d", "e", "f"],
            "date": pd.to_datetime(["2019-05-01", "2020-06-01", "2021-01-01", None, "2022-03-01", "2099-01-01"]),
            "parameters": [1e9, 3e10, None, 5e9, 2e11, 1e9],
            "domains": [("Language",), ("Multimodal", "Language", "Vision"), ("Vision",), ("Language",), ("Vision",), ("Language",)],
            "notable": [True, False, True, True, True, True],
            "confidence": ["confident", "speculative", "likely", None, "likely", "confident"],
            "moe": [False, True, False, False, False, False],
        }
    )


def test_drop_counts_in_order():
    out, rep = select(table(), Selection(start="2020-01-01", domains=["language"]))
    assert list(out["name"]) == ["b"]
    assert rep.dropped == {
        "missing publication date": 1,
        "missing parameter count": 1,
        "dated in the future": 1,
        "before select.start": 1,
        "not in select.domains": 1,
    }
    assert rep.rows_in == 6 and rep.rows_used == 1


def test_filters():
    t = table()
    assert list(select(t, Selection(notable_only=True))[0]["name"]) == ["a", "e"]
    assert list(select(t, Selection(dense_only=True))[0]["name"]) == ["a", "e"]
    assert list(select(t, Selection(min_confidence="likely"))[0]["name"]) == ["a", "e"]
    assert list(select(t, Selection(min_parameters=2e10))[0]["name"]) == ["b", "e"]
    assert list(select(t, Selection(drop_future=False, end="2100-01-01"))[0]["name"]) == ["a", "b", "e", "f"]


def test_empty_selection_names_the_filter():
    with pytest.raises(GapstudyError, match=r"select.domains=\['Games'\] removed the last"):
        select(table(), Selection(domains=["Games"]))
    with pytest.raises(GapstudyError, match="select.start=2100-01-01"):
        select(table(), Selection(start="2100-01-01", drop_future=False))


def test_impossible_selections():
    with pytest.raises(GapstudyError, match="after select.end"):
        select(table(), Selection(start="2022-01-01", end="2021-01-01"))
    with pytest.raises(GapstudyError, match="not a date"):
        select(table(), Selection(start="yesterday-ish"))
    with pytest.raises(GapstudyError, match="min_confidence"):
        select(table(), Selection(min_confidence="sure"))
    t = table().assign(confidence=None)
    with pytest.raises(GapstudyError, match="no confidence column"):
        select(t, Selection(min_confidence="likely"))


def moe_table():
    """Two MoE rows (one with an active count), a fine-tune family and an unrelated model."""
    return pd.DataFrame(
        {
            "name": ["Big-MoE", "Hidden-MoE", "Orca-30B", "Orca-30B Instruct", "Tuned-Orca", "Orca-7B", "Other"],
            "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-01", "2024-05-01", "2024-03-01", "2024-06-01"]),
            "parameters": [141e9, 300e9, 30e9, 30e9, 30e9, 7e9, 90e9],
            "active_parameters": [39e9, None, None, None, None, None, None],
            "domains": [("Language",)] * 7,
            "notable": [True] * 7,
            "confidence": ["confident"] * 7,
            "moe": [True, True, False, False, False, False, False],
            "open_weights": pd.array([True, False, True, True, None, True, False], dtype="boolean"),
            "base_model": [None, None, None, "Orca-30B", "Orca-30B", None, None],
            "family": [None] * 7,
            "derived": pd.array([False, False, False, True, True, False, False], dtype="boolean"),
        }
    )


def test_active_parameters_move_moe_rows():
    out, rep = select(moe_table(), Selection(parameters="active"))
    by = out.set_index("name")["parameters"]
    assert by["Big-MoE"] == 39e9  # 141B total -> 39B active: now inside 20B-70B
    assert "Hidden-MoE" not in by  # no active count: dropped, and counted, not kept at its total
    assert rep.dropped["mixture-of-experts without an active count"] == 1
    assert by["Other"] == 90e9  # dense rows untouched
    total, _ = select(moe_table(), Selection())
    assert total.set_index("name")["parameters"]["Big-MoE"] == 141e9


def test_exclude_derived_and_open_weights():
    out, rep = select(moe_table(), Selection(exclude_derived=True))
    assert set(out["name"]) == {"Big-MoE", "Hidden-MoE", "Orca-30B", "Orca-7B", "Other"}
    assert rep.dropped["fine-tune or distillation"] == 2
    opened, rep = select(moe_table(), Selection(open_weights=True))
    assert set(opened["name"]) == {"Big-MoE", "Orca-30B", "Orca-30B Instruct", "Orca-7B"}
    assert rep.dropped["open weights unknown"] == 1 and rep.dropped["closed weights"] == 2
    closed, _ = select(moe_table(), Selection(open_weights=False))
    assert set(closed["name"]) == {"Hidden-MoE", "Other"}
    assert rep.rows_in == rep.rows_used + sum(rep.dropped.values())


def test_dedupe_family_and_base():
    fam, rep = select(moe_table(), Selection(dedupe="family"))
    # Orca-30B, Orca-30B Instruct and Orca-7B are one family: the earliest release, the largest of that day
    assert "Orca-30B" in set(fam["name"]) and "Orca-7B" not in set(fam["name"])
    assert rep.dropped["same family"] == 2  # Orca-30B Instruct, Orca-7B ("Tuned-Orca" is a family of its own)
    base, rep = select(moe_table(), Selection(dedupe="base"))
    assert rep.dropped["same base model"] == 2  # both fine-tunes fold into Orca-30B
    assert set(base["name"]) == {"Big-MoE", "Hidden-MoE", "Orca-30B", "Orca-7B", "Other"}
    legacy, rep = select(moe_table(), Selection(dedupe="true"))
    assert rep.dropped["duplicate name and date"] == 0
    with pytest.raises(GapstudyError, match="select.dedupe='brand' is unknown"):
        select(moe_table(), Selection(dedupe="brand"))
    with pytest.raises(GapstudyError, match="select.parameters='half' is unknown"):
        select(moe_table(), Selection(parameters="half"))


def test_family_key_strips_sizes_and_variants():
    from gapstudy.data.selection import family_key

    assert family_key("Llama 3.1-70B Instruct") == family_key("Llama 3.1-8B") == "llama 3.1"
    assert family_key("Mixtral 8x7B") == family_key("Mixtral 8x22B")
    assert family_key("Qwen3-30B-A3B") == family_key("Qwen3-235B-A22B") == "qwen3"
    assert family_key("Qwen2.5-32B") != family_key("Qwen3-32B")


def test_exclude_derived_needs_the_information():
    t = moe_table().assign(derived=pd.array([None] * 7, dtype="boolean"))
    with pytest.raises(GapstudyError, match="does not say which models are fine-tunes"):
        select(t, Selection(exclude_derived=True))


def test_selections_on_the_extract():
    """On Epoch's notable file: every drop is counted and active parameters move MoE models down."""
    from gapstudy.data import load_dataset

    for kw in ({}, {"parameters": "active"}, {"dedupe": "family"}, {"dedupe": "base"}, {"exclude_derived": True},
               {"open_weights": True}):
        ds = load_dataset("epoch_notable", None, Selection(domains=["Language"], **kw))
        assert ds.selection.rows_in == ds.selection.rows_used + sum(ds.selection.dropped.values()), kw
    tot = load_dataset("epoch_notable", None, Selection(domains=["Language"]))
    act = load_dataset("epoch_notable", None, Selection(domains=["Language"], parameters="active"))
    moe_tot = tot.table.loc[tot.table["moe"], "parameters"]
    moe_act = act.table.loc[act.table["moe"], "parameters"]
    assert moe_act.median() < moe_tot.median() / 5


def test_selections_through_an_experiment(tmp_path):
    """The new selections compose with Hydra and reach an experiment's provenance, each drop counted."""
    import json
    import subprocess
    import sys

    out = tmp_path / "run"
    env = {"GAPSTUDY_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "gapstudy", "experiment=trends", "data=epoch_notable", "-q",
                          "select.parameters=active", "select.dedupe=family", "select.exclude_derived=true",
                          "select.open_weights=true", f"hydra.run.dir={out}"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    data = json.loads((out / "results.json").read_text())["data"]
    for reason in ("mixture-of-experts without an active count", "fine-tune or distillation", "closed weights", "same family"):
        assert data["dropped"][reason] > 0, reason
    assert data["rows_in"] == data["rows_used"] + sum(data["dropped"].values())
