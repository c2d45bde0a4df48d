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
