"""The loader on every Epoch snapshot: layouts, row counts, dates, domains, parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gapstudy.data import load
from gapstudy.errors import GapstudyError

# (file, layout, data records, blank-or-zero parameters, blank dates): records and blanks as
# documented in ../shared/data/epoch/PROVENANCE.md (the sheet files' two 0.00E+00 count as missing).
SNAPSHOTS = [
    ("notable_ml_systems_2022-09-01.csv", "epoch-sheet-notable", 512, 247 + 2, 0),
    ("all_ml_systems_sheet_2023-03-03.csv", "epoch-sheet-all", 534, None, None),
    ("all_ml_systems_2023-12-14.csv", "epoch-airtable", 1117, 482, 2),
    ("all_ml_systems_2024-02-05.csv", "epoch-airtable", 1107, 382, 28),
    ("all_ai_models_2025-04-23.csv", "epoch-public-all", 2228, 852, 40),
    ("all_ml_systems_2025-08-07.csv", "epoch-public-all", 1892, 617, 0),
    ("all_ai_models_2026-03-30.csv", "epoch-public-all", 3237, 1146, 18),
    ("notable_ai_models_2026-07-19.csv", "epoch-public-notable", 1036, 328, 5),
]

# Language models per year with a size, <20B / [20B,70B] / >70B, from science.md's table.
PUBLISHED_COUNTS = {
    "notable_ml_systems_2022-09-01.csv": {2020: (12, 0, 2), 2021: (11, 0, 10), 2022: (6, 4, 4)},
    "all_ai_models_2026-03-30.csv": {
        2020: (62, 0, 2), 2021: (96, 1, 18), 2022: (79, 11, 20), 2023: (216, 54, 35), 2024: (222, 78, 64), 2025: (114, 71, 72),
    },
}


@pytest.mark.parametrize("fname,layout,rows,blank_params,blank_dates", SNAPSHOTS)
def test_every_snapshot_loads(epoch_dir, fname, layout, rows, blank_params, blank_dates):
    df, prov = load(epoch_dir / fname)
    assert prov.layout == layout
    assert prov.rows_read == rows == len(df)
    assert len(prov.sha256) == 64
    if blank_params is not None:
        assert df["parameters"].isna().sum() == blank_params
    if blank_dates is not None:
        assert df["date"].isna().sum() == blank_dates
    assert (df["parameters"].dropna() > 0).all()
    assert df["domains"].map(lambda d: isinstance(d, tuple)).all()
    assert df["name"].notna().mean() > 0.95  # blank sheet names fall back to the reference


@pytest.mark.parametrize("fname", sorted(PUBLISHED_COUNTS))
def test_language_counts_match_published_table(epoch_dir, fname):
    df, _ = load(epoch_dir / fname)
    lang = df[df["domains"].map(lambda d: "Language" in d) & df["parameters"].notna() & (df["date"] >= "2020-01-01")]
    for year, expected in PUBLISHED_COUNTS[fname].items():
        p = lang.loc[lang["date"].dt.year == year, "parameters"].to_numpy()
        got = (int((p < 2e10).sum()), int(((p >= 2e10) & (p <= 7e10)).sum()), int((p > 7e10).sum()))
        assert got == expected, (fname, year)


def test_dates_in_both_layouts(epoch_dir):
    sheet, _ = load(epoch_dir / "notable_ml_systems_2022-09-01.csv")
    chinchilla = sheet.loc[sheet["name"] == "Chinchilla"].iloc[0]
    assert chinchilla["date"] == pd.Timestamp("2022-03-29")  # written 29/03/2022 (day first)
    assert chinchilla["parameters"] == 7e10
    old_sheet, _ = load(epoch_dir / "all_ml_systems_sheet_2023-03-03.csv")
    bloom = old_sheet.loc[old_sheet["name"] == "BLOOM"].iloc[0]
    assert bloom["date"] == pd.Timestamp("2022-08-11")  # the unpadded 11/8/2022
    iso, _ = load(epoch_dir / "notable_ai_models_2026-07-19.csv")
    assert iso["date"].max() == pd.Timestamp("2026-07-15")


def test_domains_split_and_typos_fixed(epoch_dir):
    sheet, _ = load(epoch_dir / "notable_ml_systems_2022-09-01.csv")
    tokens = {t for d in sheet["domains"] for t in d}
    assert "VIsion" not in tokens and "Vision" in tokens
    modern, _ = load(epoch_dir / "all_ai_models_2026-03-30.csv")
    multi = modern["domains"].map(len) > 1
    assert multi.sum() == 524  # PROVENANCE.md: 524 multi-valued rows
    assert ("Multimodal", "Language", "Vision") in set(modern["domains"])


def test_zero_parameters_are_missing(epoch_dir):
    sheet, _ = load(epoch_dir / "notable_ml_systems_2022-09-01.csv")
    for name in ("SqueezeNet", "ALBERT"):
        assert sheet.loc[sheet["name"] == name, "parameters"].isna().all()


def test_mixture_of_experts_flag(epoch_dir):
    df, _ = load(epoch_dir / "notable_ai_models_2026-07-19.csv")
    flagged = set(df.loc[df["moe"], "name"])
    assert {"Mixtral 8x7B", "Inkling"} <= flagged
    assert "Chinchilla" not in flagged and "GPT-3 175B (davinci)" not in flagged


def test_names_stripped_and_notable_flag(epoch_dir):
    df, _ = load(epoch_dir / "all_ai_models_2026-03-30.csv")
    assert not df["name"].dropna().str.contains(r"^\s|\s$").any()
    assert df["notable"].sum() == 932  # rows with Notability criteria (PROVENANCE.md)


def _write(tmp_path, text, name="x.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_bad_files(tmp_path):
    with pytest.raises(GapstudyError, match="not found"):
        load(tmp_path / "nope.csv")
    with pytest.raises(GapstudyError, match="empty"):
        load(_write(tmp_path, ""))
    with pytest.raises(GapstudyError, match="none of the known layouts.*'Parameters'"):
        load(_write(tmp_path, "Model,Publication date,Domain,Organization\nA,2020-01-01,Language,X\n"))
    with pytest.raises(GapstudyError, match="not UTF-8"):
        load(_write(tmp_path, "name,x\nCaf\u00e9,1\n", encoding="latin-1"))
    with pytest.raises(GapstudyError, match="directory"):
        load(tmp_path)


def test_absurd_parameters_rejected(tmp_path):
    head = "name,organization,publication_date,parameters,domain,source\n"
    with pytest.raises(GapstudyError, match="absurd"):
        load(_write(tmp_path, head + "Huge,X,2021-01-01,1e20,Language,https://a\n"))
    df, _ = load(_write(tmp_path, head + "Neg,X,2021-01-01,-5,Language,https://a\n", name="neg.csv"))
    assert np.isnan(df["parameters"].iloc[0])  # negative counts are missing, and counted as dropped


# Training compute (FLOP) in every layout that has the column: values as the files write them.
COMPUTE = [
    ("notable_ml_systems_2022-09-01.csv", "Chinchilla", 5.8e23),  # `5.8E+23` in `Training compute (FLOPs)`
    ("notable_ai_models_2026-07-19.csv", "Inkling", 1.845e24),
]


@pytest.mark.parametrize("fname,model,flop", COMPUTE)
def test_training_compute_read(epoch_dir, fname, model, flop):
    df, _ = load(epoch_dir / fname)
    assert df["training_compute"].dtype == float
    row = df.loc[df["name"] == model].iloc[0]
    assert row["training_compute"] == pytest.approx(flop, rel=1e-9)
    # blank cells are NaN, never 0
    assert (df["training_compute"].dropna() > 0).all()
    assert df["training_compute"].isna().any()


def test_base_model_and_derived(epoch_dir):
    df, _ = load(epoch_dir / "notable_ai_models_2026-07-19.csv")
    # PROVENANCE/Epoch: 136 rows name a base model; those and only those are derived
    assert df["base_model"].notna().sum() == 136
    assert (df["derived"].astype(bool) == df["base_model"].notna()).all()
    sheet, _ = load(epoch_dir / "notable_ml_systems_2022-09-01.csv")
    assert sheet["base_model"].isna().all() and sheet["derived"].isna().all()  # the 2022 sheet has no such column
    assert set(sheet["organization_type"].dropna()) >= {"industry", "academia", "academia+industry"}


def test_registry_has_canonical_columns():
    from gapstudy.data import CANONICAL_COLUMNS, registry_path

    df, _ = load(registry_path())
    assert list(df.columns) == list(CANONICAL_COLUMNS)
    assert df["training_compute"].dtype == float
