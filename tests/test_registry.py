"""The bundled registry (data/models.csv): its own invariants, and a cross-check against Epoch.

The registry is compiled from the models' primary sources (see data/README.md). Epoch AI's
"Data on AI Models" snapshots in ../shared are used here only to CROSS-CHECK it: every model
found in both must agree (parameters within 10%, dates within 31 days) unless the disagreement
is listed in data/registry_exceptions.csv with a reason that cites the primary source.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from gapstudy.data import load

REPO = Path(__file__).resolve().parents[1]
REGISTRY = REPO / "data" / "models.csv"
EXCEPTIONS = REPO / "data" / "registry_exceptions.csv"

COLUMNS = [
    "name", "organization", "publication_date", "parameters", "active_parameters",
    "domain", "open_weights", "confidence", "base_model", "family", "derived", "organization_type",
    "source", "notes",
]
EXCEPTION_COLUMNS = ["name", "field", "epoch_value", "registry_value", "reason"]

# The newest Epoch snapshots (PROVENANCE.md in ../shared/data/epoch).
EPOCH_FILES = ("notable_ai_models_2026-07-19.csv", "all_ai_models_2026-03-30.csv")

PARAM_TOLERANCE = 0.10  # relative
DATE_TOLERANCE_DAYS = 31
MIN_MATCHED = 80

# Registry name -> Epoch's name for the same model, where normalising the names is not enough.
# Only models that are the same artefact (same paper, same size) belong here.
ALIASES = {
    "Transformer (big)": "Transformer",
    "GPT": "GPT-1",
    "Transformer-XL Large": "Transformer-XL (257M)",
    "XLNet-Large": "XLNet",
    "ELECTRA-Large": "ELECTRA",
    "CPM": "CPM-Large",
    "GPT-3 175B": "GPT-3 175B (davinci)",
    "Switch-C": "Switch",
    "PanGu-alpha": "PanGu-α",
    "HyperCLOVA": "HyperCLOVA 82B",
    "T0": "T0-XXL",
    "RETRO (7.5B)": "RETRO-7B",
    "WebGPT 175B": "WebGPT",
    "ST-MoE-32B": "ST-MoE",
    "Tk-Instruct 11B": "Tk-Instruct",
    "YaLM 100B": "YaLM",
    "NLLB-200": "NLLB",
    "BLOOM": "BLOOM-176B",
    "BLOOMZ": "BLOOMZ-176B",
    "Flan-T5-XXL": "Flan-T5 11B",
    "U-PaLM": "U-PaLM (540B)",
    "mT0-XXL": "mT0-13B",
    "Galactica 120B": "Galactica",
    "PanGu-Sigma": "PanGu-Σ",
    "Vicuna-13B": "Vicuna-13B v0",
    "Dolly 2.0": "Dolly 2.0-12b",
    "Jais-13B": "Jais",
    "SOLAR 10.7B": "Solar-10.7B (Solar Mini)",
    "Phi-3-mini": "phi-3-mini 3.8B",
    "Phi-3-medium": "phi-3-medium 14B",
    "Snowflake Arctic": "Arctic",
    "DeepSeek-V2": "DeepSeek-V2 (MoE-236B)",
    "DeepSeek-Coder-V2": "DeepSeek-Coder-V2 236B",
    "OLMoE-1B-7B": "OLMoE",
    "Llama 3.2-90B-Vision": "Llama 3.2 90B",
    "OLMo 2-13B": "OLMo 2 Furious 13B",
    "Command A": "Cohere Command A",
    "MiniMax-M1": "MiniMax-M1-80k",
    "Olmo 3 32B": "Olmo 3",
    "Hierarchical Reasoning Model": "Hierarchical Reasoning Model (HPM)",
    "SPHINX": "SPHINX (Llama 2 13B)",
    "Qwen3-235B-A22B-Instruct-2507": "Qwen3-235B-A22B (Jul 2025)",
    "Qwen3-235B-A22B-Thinking-2507": "Qwen3-235B-A22B-Thinking (Jul 2025)",
    "DeepSeek-R1-0528": "DeepSeek-R1 (May 2025)",
    "DeepSeek-V3-0324": "DeepSeek-V3 (Mar 2025)",
    "SeamlessM4T v2": "SeamlessM4T",
    "Llama 3.2-11B-Vision": "Llama 3.2 11B",
}


def norm(name: str) -> str:
    """Lower-case, spaces and punctuation removed: `GPT-3 175B (davinci)` -> `gpt3175bdavinci`.

    A decimal point between digits becomes `p` first, so `OPT-1.3B` and `OPT-13B` stay apart.
    """
    text = re.sub(r"(?<=\d)\.(?=\d)", "p", str(name).lower()).replace("+", "plus")
    return re.sub(r"[\W_]+", "", text)


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    table, prov = load(REGISTRY)
    assert prov.layout == "gapstudy-registry"
    return table


@pytest.fixture(scope="module")
def raw_registry() -> list[dict[str, str]]:
    with open(REGISTRY, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS, f"registry columns must be exactly {COLUMNS}"
        return list(reader)


@pytest.fixture(scope="module")
def exceptions() -> dict[tuple[str, str], dict[str, str]]:
    with open(EXCEPTIONS, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == EXCEPTION_COLUMNS
        rows = list(reader)
    out = {}
    for row in rows:
        key = (row["name"], row["field"])
        assert key not in out, f"duplicate exception {key}"
        out[key] = row
    return out


# ---------------------------------------------------------------- the registry on its own


def test_registry_loads_with_enough_rows(registry):
    assert len(registry) >= 150
    in_window = registry["date"].between(pd.Timestamp("2020-01-01"), pd.Timestamp("2022-12-31"))
    assert in_window.sum() >= 60, "the paper's window 2020-2022 needs at least 60 models"


def test_every_row_is_complete(registry):
    assert registry["name"].notna().all()
    assert registry["organization"].notna().all()
    assert registry["date"].notna().all(), "every publication_date must be an ISO date"
    assert registry["parameters"].notna().all(), "every row needs a total parameter count"
    assert registry["domains"].map(len).gt(0).all()
    unknown = registry.loc[registry["open_weights"].isna()]
    assert len(unknown) <= 5, f"open_weights must be yes or no; blank only where unchecked: {list(unknown['name'])}"
    assert unknown["link"].notna().all()
    assert registry["organization_type"].notna().all(), "every row needs an organization_type"
    assert registry["confidence"].isin(["confident", "likely", "speculative"]).all()


def test_every_row_cites_a_source(registry):
    bad = registry.loc[~registry["link"].fillna("").str.match(r"https?://\S+$"), "name"]
    assert bad.empty, f"rows without an http(s) source: {list(bad)}"


def test_no_duplicate_names(registry):
    dup = registry.loc[registry["name"].duplicated(keep=False), "name"]
    assert dup.empty, f"duplicate names: {sorted(set(dup))}"
    dup_norm = registry["name"].map(norm).duplicated(keep=False)
    assert not dup_norm.any(), f"names equal after normalising: {sorted(registry.loc[dup_norm, 'name'])}"


def test_dates_in_range(registry):
    today = pd.Timestamp(dt.date.today())
    early = registry.loc[registry["date"] < pd.Timestamp("2017-01-01"), "name"]
    late = registry.loc[registry["date"] > today, "name"]
    assert early.empty and late.empty, f"dates outside 2017-01-01..today: {list(early) + list(late)}"


def test_moe_rows_have_active_below_total(registry):
    with_active = registry[registry["active_parameters"].notna()]
    assert len(with_active) >= 20
    assert with_active["moe"].all()
    bad = with_active.loc[with_active["active_parameters"] >= with_active["parameters"], "name"]
    assert bad.empty, f"active >= total for {list(bad)}"


def test_moe_rows_say_so_in_notes(raw_registry):
    """Mixture-of-experts rows carry the wording the loader's MoE detector looks for.

    Rows with an active count must say so in `notes`; MoE rows whose source gives no active
    count (Switch, GShard, NLLB-200 ...) must say "active count not stated". This keeps the
    flag recoverable from `notes` for every MoE row, not only those with `active_parameters`.
    """
    moe_words = re.compile(r"\bactive\b|\bexperts?\b|\bmoe\b|mixture[- ]of[- ]experts|\bsparse\b", re.I)
    for row in raw_registry:
        says_moe = bool(moe_words.search(row["notes"]))
        if row["active_parameters"]:
            assert says_moe, f"{row['name']}: MoE row must mention it in notes"
        elif says_moe:
            assert "active count not stated" in row["notes"], f"{row['name']}: MoE without an active count"


def test_raw_cells_are_plain(raw_registry):
    for row in raw_registry:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["publication_date"]), row["name"]
        assert re.fullmatch(r"[1-9]\d*", row["parameters"]), f"{row['name']}: plain integer count"
        assert re.fullmatch(r"([1-9]\d*)?", row["active_parameters"]), row["name"]
        assert row["open_weights"] in ("yes", "no") or "weights status not checked" in row["notes"], row["name"]
        assert row["derived"] in ("yes", "no", ""), row["name"]
        assert (row["derived"] == "yes") == bool(row["base_model"]) or row["derived"] == "", f"{row['name']}: derived rows name their base"
        assert row["family"] and row["family"] == row["family"].lower(), row["name"]
        assert re.fullmatch(r"[a-z +-]+", row["organization_type"]), row["name"]
        assert " " not in row["domain"].replace("Image generation", "").replace("3D modeling", ""), row["name"]


# ---------------------------------------------------------------- cross-check against Epoch


@pytest.fixture(scope="module")
def epoch_index(epoch_dir) -> dict[str, list[dict]]:
    """Normalised name -> Epoch rows (from both newest snapshots) carrying that name."""
    index: dict[str, list[dict]] = {}
    for fname in EPOCH_FILES:
        table, _ = load(epoch_dir / fname)
        for row in table[["name", "date", "parameters"]].itertuples(index=False):
            if row.name:
                index.setdefault(norm(row.name), []).append(
                    {"file": fname, "name": row.name, "date": row.date, "parameters": row.parameters}
                )
    return index


def _disagreements(registry, epoch_index):
    """(registry name, field) -> list of (epoch file, epoch value, registry value); and the matched count."""
    found: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    matched = 0
    for row in registry.itertuples(index=False):
        hits = epoch_index.get(norm(ALIASES.get(row.name, row.name)), [])
        if not hits:
            continue
        matched += 1
        for hit in hits:
            p = hit["parameters"]
            if pd.notna(p) and abs(p / row.parameters - 1) > PARAM_TOLERANCE:
                found.setdefault((row.name, "parameters"), []).append(
                    (hit["file"], f"{p:.6g}", f"{row.parameters:.6g}")
                )
            d = hit["date"]
            if pd.notna(d) and abs((d - row.date).days) > DATE_TOLERANCE_DAYS:
                found.setdefault((row.name, "publication_date"), []).append(
                    (hit["file"], d.date().isoformat(), row.date.date().isoformat())
                )
    return found, matched


def test_cross_check_is_not_vacuous(registry, epoch_index):
    _, matched = _disagreements(registry, epoch_index)
    assert matched >= MIN_MATCHED, f"only {matched} registry models found in Epoch's snapshots"


def test_aliases_point_at_real_rows(registry, epoch_index):
    names = set(registry["name"])
    for ours, theirs in ALIASES.items():
        assert ours in names, f"alias for unknown registry row {ours!r}"
        assert norm(theirs) in epoch_index, f"alias target {theirs!r} not in Epoch's snapshots"


def test_registry_agrees_with_epoch_or_explains_why(registry, epoch_index, exceptions):
    found, _ = _disagreements(registry, epoch_index)
    unexplained = {k: v for k, v in found.items() if k not in exceptions}
    lines = [f"{n} [{f}]: " + "; ".join(f"{fi}: epoch {e} vs ours {r}" for fi, e, r in v)
             for (n, f), v in sorted(unexplained.items())]
    assert not unexplained, (
        "registry and Epoch disagree; re-check the primary source, then fix the row or add an "
        "exception to data/registry_exceptions.csv:\n" + "\n".join(lines)
    )


def test_exceptions_are_current_and_sourced(registry, epoch_index, exceptions):
    found, _ = _disagreements(registry, epoch_index)
    names = set(registry["name"])
    for (name, field), row in exceptions.items():
        assert name in names, f"exception for unknown registry row {name!r}"
        assert field in ("parameters", "publication_date"), f"{name}: unknown field {field!r}"
        assert (name, field) in found, f"stale exception: {name} {field} now agrees with Epoch; remove it"
        reason = row["reason"]
        assert re.search(r"https?://|arXiv \d{4}\.\d{4,5}", reason), f"{name}: reason must cite the primary source"


# ---------------------------------------------------------------- coverage of Epoch's notable models

COVERAGE_FILE = "notable_ai_models_2026-07-19.csv"
COVERAGE_EXCEPTIONS = REPO / "data" / "registry_coverage_exceptions.csv"
MIN_COVERAGE = 0.90  # issue 13: at least 90% of Epoch's notable language models of 2023-2025 with a size
MIN_WINDOW_COVERAGE = 0.90  # ... and at least 90% of those inside 20B-70B


def _coverage(registry, epoch_dir):
    """Epoch's notable language models of 2023-2025 with a parameter count, and which the registry
    holds: by (aliased) name, or by size within 10% and date within 31 days."""
    ep, _ = load(epoch_dir / COVERAGE_FILE)
    lang = ep[ep["domains"].map(lambda d: "Language" in d) & ep["parameters"].notna()
              & ep["date"].between(pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31"))]
    names = {norm(ALIASES.get(n, n)) for n in registry["name"]}
    rp, rd = registry["parameters"].to_numpy(float), registry["date"]

    def held(row):
        if norm(row["name"]) in names:
            return True
        near = (abs(rp / row["parameters"] - 1) <= PARAM_TOLERANCE) & ((rd - row["date"]).abs().dt.days <= DATE_TOLERANCE_DAYS).to_numpy()
        return bool(near.any())

    return lang.assign(held=lang.apply(held, axis=1))


def test_registry_covers_epochs_notable_language_models(registry, epoch_dir):
    cov = _coverage(registry, epoch_dir)
    assert len(cov) >= 150  # the file's count (154): the check is not vacuous
    share = cov["held"].mean()
    inside = cov[(cov["parameters"] >= 20e9) & (cov["parameters"] <= 70e9)]
    share_in = inside["held"].mean()
    missing = sorted(cov.loc[~cov["held"], "name"])
    assert share >= MIN_COVERAGE, f"registry holds {share:.1%} of Epoch's notable language models 2023-2025; missing {missing}"
    assert share_in >= MIN_WINDOW_COVERAGE, f"only {share_in:.1%} of those inside 20B-70B: missing {sorted(inside.loc[~inside['held'], 'name'])}"


def test_every_uncovered_model_is_explained(registry, epoch_dir):
    """Each notable model the registry leaves out is listed with the reason no primary source gives its size."""
    with open(COVERAGE_EXCEPTIONS, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["name", "epoch_parameters", "reason"]
        listed = {r["name"]: r for r in reader}
    cov = _coverage(registry, epoch_dir)
    missing = set(cov.loc[~cov["held"], "name"])
    assert missing <= set(listed), f"explain in {COVERAGE_EXCEPTIONS.name}: {sorted(missing - set(listed))}"
    stale = set(listed) - missing
    assert not stale, f"now covered, remove from {COVERAGE_EXCEPTIONS.name}: {sorted(stale)}"
    for r in listed.values():
        assert len(r["reason"]) > 40, r["name"]


def test_moe_rows_carry_total_and_active(registry):
    moe = registry[registry["moe"]]
    recent = moe[moe["date"] >= pd.Timestamp("2023-01-01")]
    assert len(recent) >= 40
    assert recent["active_parameters"].notna().mean() >= 0.8, "MoE rows since 2023 need their active count where stated"
