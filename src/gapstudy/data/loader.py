"""Read any known model CSV (Epoch 2022-2026 exports or our registry) into one canonical table."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gapstudy import progress
from gapstudy.data import layouts
from gapstudy.errors import GapstudyError

# Canonical columns, in order. `domains` holds tuples; `moe` and `notable` are booleans;
# `open_weights` and `derived` are nullable booleans (missing where the file has no such column);
# `training_compute` is in FLOP (NaN when unknown); `base_model`, `family` and
# `organization_type` are text or None.
CANONICAL_COLUMNS = (
    "name",
    "organization",
    "date",
    "parameters",
    "active_parameters",
    "training_compute",
    "domains",
    "notable",
    "confidence",
    "moe",
    "open_weights",
    "base_model",
    "family",
    "derived",
    "organization_type",
    "link",
    "origin",
    "invalid_parameters",  # the file gave a parameter count <= 0 (then `parameters` is missing)
)

# Epoch's confidence labels, ranked for `select.min_confidence` (Epoch AI data dictionary:
# Confident > Likely > Speculative; "Unknown"/"Unverified" mean not yet assessed and rank below
# Speculative; "Wrong" marks a known-bad row).
CONFIDENCE_RANK = {"wrong": 0, "unknown": 1, "unverified": 1, "speculative": 2, "likely": 3, "confident": 4}

# Domain tokens as Epoch spells them; keys are lower-case so typos of case (`VIsion` in the 2022
# sheet, PROVENANCE.md) map back to the canonical token.
_DOMAIN_CANON = {
    t.lower(): t
    for t in (
        "Language", "Vision", "Biology", "Multimodal", "Image generation", "Video", "Speech",
        "Robotics", "Games", "Audio", "Medicine", "Other", "3D modeling", "Mathematics",
        "Recommendation", "Materials science", "Earth science", "Driving", "Search", "Psychology",
        "Astronomy", "Cybersecurity", "Drawing",
    )
}

# Evidence of a mixture-of-experts model in free text or names: "41B active", "8 experts",
# "MoE", "mixture of experts", "sparse", and names such as "Mixtral 8x7B" or "Qwen3-30B-A3B".
_MOE_NOTES = re.compile(r"\bactive\b|\bexperts?\b|\bmoe\b|mixture[- ]of[- ]experts|\bsparse\b", re.I)
_MOE_NAME = re.compile(r"\b\d+x\d+(?:\.\d+)?B\b|-A\d+(?:\.\d+)?B\b|\bMoE\b|Switch|GLaM|Mixtral", re.I)

# Active-parameter counts as Epoch's `Parameters notes` state them ("975B total, 41B active",
# "32 billion activated parameters", "Active parameters: 10B", "12.9B params used"), and as MoE
# names carry them ("Qwen3-30B-A3B" = 3B active). Read only for rows flagged MoE, and only when
# below the total count. Scale words from the notes' own vocabulary (B/billion, M/million, T).
_SCALE = {"b": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "t": 1e12, "trillion": 1e12}
_NUM = r"(\d+(?:\.\d+)?)\s*(b|billion|m|million|t|trillion)\b"
_ACTIVE_NOTES = (
    re.compile(_NUM + r"[\s-]*(?:of\s+)?(?:parameters?|params)?\s*(?:are\s+|is\s+)?(?:activ|used)", re.I),
    re.compile(r"active(?:\s+|-)param(?:eter)?s?\s*(?:count)?\s*[:=\-–]?\s*(?:of\s+)?(?:about\s+|~)?" + _NUM, re.I),
)
_ACTIVE_NAME = re.compile(r"-A(\d+(?:\.\d+)?)B\b", re.I)


def _active_from_text(notes: pd.Series, names: pd.Series, total: pd.Series) -> pd.Series:
    """Active parameters stated in free-text notes or an `-A<n>B` name; NaN where neither says."""

    def one(note, name, tot):
        for pattern in _ACTIVE_NOTES:
            m = pattern.search(str(note or ""))
            if m:
                value = float(m.group(1)) * _SCALE[m.group(2).lower()]
                if not np.isfinite(tot) or value < tot:
                    return value
        m = _ACTIVE_NAME.search(str(name or ""))
        if m:
            value = float(m.group(1)) * 1e9
            if not np.isfinite(tot) or value < tot:
                return value
        return np.nan

    return pd.Series([one(a, b, c) for a, b, c in zip(notes, names, total)], index=notes.index, dtype=float)


# Anything bigger than this is a typo, not a model: 1e15 parameters is ~100x the largest
# count in any Epoch snapshot (1e14, PROVENANCE.md) and beyond any announced system.
MAX_PLAUSIBLE_PARAMETERS = 1e15

# Larger files are refused before they are read: the biggest Epoch export (all_ai_models,
# 2026-03-30) is 6.3 MB, so 100 MB leaves room for growth while a wrong file (a 200 MB dump, a log)
# fails at once instead of filling memory while pandas parses it.
MAX_FILE_BYTES = 100_000_000

# Files at least this large say that they are being read and how long it took (Epoch's exports are
# 1-7 MB and read in about a second; a 50 MB file takes several).
PROGRESS_BYTES = 5_000_000


@dataclass(frozen=True)
class Provenance:
    """Where a table came from: enough to check that a rerun used the same bytes."""

    path: str
    sha256: str
    layout: str
    layout_description: str
    rows_read: int

    def as_dict(self) -> dict:
        return asdict(self)


def sha256_of(path: Path) -> str:
    """The file's sha256 hex digest."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_raw(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells as strings (BOM, CRLF and quoted newlines handled by the CSV parser), and the
    sha256 of the bytes read, so the file is read once."""
    if not path.exists():
        raise GapstudyError(f"data file not found: {path} (check data.path)")
    if path.is_dir():
        raise GapstudyError(f"data.path is a directory, not a CSV file: {path}")
    if not path.is_file():  # a device, pipe or socket could stream without end
        raise GapstudyError(f"data.path is not a regular file: {path}; point it at a CSV file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise GapstudyError(
            f"{path} is {size / 1e6:.0f} MB, too large for a table of models (limit {MAX_FILE_BYTES / 1e6:.0f} MB; "
            "Epoch's largest export is 6.3 MB); check data.path"
        )
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise GapstudyError(f"cannot read data file {path}: {exc.strerror} (check its permissions)") from None
    if len(raw) > MAX_FILE_BYTES:  # grew after the size check
        raise GapstudyError(f"{path} is larger than {MAX_FILE_BYTES / 1e6:.0f} MB, too large for a table of models; check data.path")
    if size >= PROGRESS_BYTES:
        progress.note(f"reading {path.name} ({size / 1e6:.0f} MB) ...")
    t0 = time.perf_counter()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GapstudyError(
            f"{path} is not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start+1]!r}); "
            "re-save it as UTF-8 CSV"
        ) from None
    if not text.strip():
        raise GapstudyError(f"{path} is empty; point data.path at an Epoch models CSV")
    del text  # decoded only to check it is UTF-8: the parser reads the bytes (no second copy as str)
    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, na_values=[], engine="c",
                         encoding="utf-8-sig")
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise GapstudyError(f"{path} is not a readable CSV ({first}); check the file is an unmodified export") from None
    if not isinstance(df.index, pd.RangeIndex):
        # pandas takes the leading fields as row labels when the first data row has more fields than
        # the header; every column would then be shifted and every row look incomplete
        extra = df.index.nlevels
        raise GapstudyError(
            f"{path}: the first data row (line 2) has {extra} more field(s) than the header's {len(df.columns)}; "
            "quote the cell that holds a comma, or remove the extra field"
        )
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise GapstudyError(f"{path} has a header but no rows; point data.path at a models CSV with data")
    if size >= PROGRESS_BYTES:
        progress.note(f"read {len(df):,} rows of {path.name} in {time.perf_counter() - t0:.1f}s")
    return df, hashlib.sha256(raw).hexdigest()


def _clean_text(col: pd.Series) -> pd.Series:
    """Strip whitespace (names carry trailing newlines in the 2026 exports); blank -> missing."""
    out = col.astype(str).str.strip()
    return out.where(out != "", None)


def _parse_dates(col: pd.Series, fmt: str) -> pd.Series:
    """DD/MM/YYYY (sheet era, sometimes unpadded) or ISO dates; blank or unparsable -> NaT."""
    text = col.astype(str).str.strip()
    if fmt == "dayfirst":
        parsed = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    else:
        parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    return parsed


def _numbers(col: pd.Series) -> pd.Series:
    """Plain or scientific numbers as floats (thousands commas allowed); unparsable -> NaN."""
    values = pd.to_numeric(col.astype(str).str.replace(",", "", regex=False).str.strip(), errors="coerce")
    return values.astype(float)


def _parse_numbers(col: pd.Series) -> pd.Series:
    """Plain or scientific numbers; blanks, zeros (the sheet's `0.00E+00`) and negatives -> NaN."""
    values = _numbers(col)
    return values.where(values > 0)


def _map_unique(col: pd.Series, fn) -> pd.Series:
    """col.map(fn), computing fn once per distinct value (a 353k-row file has a few hundred domain
    strings): linear in the rows, with Python work only per distinct value."""
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [fn(u) for u in uniques]
    return pd.Series(mapped[codes], index=col.index)


def _contains(col: pd.Series, pattern: re.Pattern) -> pd.Series:
    """Whether each cell matches `pattern`, searched once per distinct value."""
    codes, uniques = pd.factorize(col.astype(str), use_na_sentinel=False)
    hits = np.fromiter((pattern.search(str(u)) is not None for u in uniques), dtype=bool, count=len(uniques))
    return pd.Series(hits[codes], index=col.index)


def _parse_domains(col: pd.Series) -> pd.Series:
    """Comma lists such as `Multimodal,Language,Vision` -> ('Multimodal', 'Language', 'Vision')."""

    def split(cell: str) -> tuple[str, ...]:
        tokens = [t.strip() for t in str(cell).split(",")]
        return tuple(_DOMAIN_CANON.get(t.lower(), t) for t in tokens if t)

    return _map_unique(col, split)


def _parse_yes_no(col: pd.Series) -> pd.Series:
    """Yes/No, true/false, 1/0 -> boolean; anything else -> missing."""
    lookup = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
    mapped = col.astype(str).str.strip().str.lower().map(lookup)
    return mapped.astype("boolean")


def _parse_organization_type(col: pd.Series) -> pd.Series:
    """Epoch's `Industry,Academia` or `Industry - Academia Collaboration (Industry leaning)` ->
    the sorted distinct kinds joined by '+', lower case (`academia+industry`); blank -> None."""

    def norm(cell: str):
        text = str(cell).strip().lower()
        if not text:
            return None
        kinds = set()
        for token in re.split(r",|\s+-\s+", text):
            token = re.sub(r"\(.*?\)|\bcollaboration\b", "", token).strip()
            if token:
                kinds.add(token)
        return "+".join(sorted(kinds)) if kinds else None

    return col.map(norm).astype(object)


def _optional_text(df: pd.DataFrame, column: str | None) -> pd.Series:
    if column and column in df.columns:
        return _clean_text(df[column])
    return pd.Series(None, index=df.index, dtype=object)


def load(path: str | Path) -> tuple[pd.DataFrame, Provenance]:
    """Read a models CSV of any known layout into the canonical table and its provenance."""
    path = Path(path).expanduser()
    df, digest = _read_raw(path)
    layout = layouts.detect(list(df.columns))
    if layout is None:
        best, missing = layouts.closest_missing(list(df.columns))
        raise GapstudyError(
            f"{path} matches none of the known layouts; closest is {best.description}, "
            f"which needs the columns {', '.join(repr(c) for c in missing)}"
        )
    n = len(df)
    name = _clean_text(df[layout.name])
    if layout.fallback_name and layout.fallback_name in df.columns:
        name = name.fillna(_clean_text(df[layout.fallback_name]))
    stated = _numbers(df[layout.parameters])
    params = stated.where(stated > 0)
    if layout.active_parameters and layout.active_parameters in df.columns:
        active = _parse_numbers(df[layout.active_parameters])
    else:
        active = pd.Series(np.nan, index=df.index)
    if layout.all_notable:
        notable = pd.Series(True, index=df.index)
    else:
        notable = _clean_text(df[layout.notability]).notna()
    if layout.confidence and layout.confidence in df.columns:
        confidence = _clean_text(df[layout.confidence]).str.lower()
    else:
        confidence = pd.Series(None, index=df.index, dtype=object)
    moe = pd.Series(False, index=df.index)
    if layout.parameter_notes and layout.parameter_notes in df.columns:
        moe |= _contains(df[layout.parameter_notes], _MOE_NOTES)
    if layout.sparsity and layout.sparsity in df.columns:
        moe |= df[layout.sparsity].astype(str).str.strip().str.lower().eq("sparse")
    moe |= _contains(name.fillna(""), _MOE_NAME)
    moe |= active.notna()
    if moe.any():
        # MoE rows without an active count column entry: take it from the notes or the name
        notes = df[layout.parameter_notes] if layout.parameter_notes and layout.parameter_notes in df.columns else pd.Series("", index=df.index)
        need = moe & active.isna()
        if need.any():
            found = _active_from_text(notes[need], name[need], params[need])
            active = active.copy()
            active.loc[need] = found
    if layout.open_weights and layout.open_weights in df.columns:
        open_weights = _parse_yes_no(df[layout.open_weights])
    else:
        open_weights = pd.Series(pd.NA, index=df.index, dtype="boolean")
    link = _clean_text(df[layout.link]) if layout.link and layout.link in df.columns else None
    if layout.training_compute and layout.training_compute in df.columns:
        compute = _parse_numbers(df[layout.training_compute])
    else:
        compute = pd.Series(np.nan, index=df.index)
    base_model = _optional_text(df, layout.base_model)
    if layout.derived and layout.derived in df.columns:
        derived = _parse_yes_no(df[layout.derived])
    elif layout.base_model and layout.base_model in df.columns:
        # Epoch fills `Base model` for fine-tunes and distillations of another model
        derived = base_model.notna().astype("boolean")
    else:
        derived = pd.Series(pd.NA, index=df.index, dtype="boolean")
    if layout.organization_type and layout.organization_type in df.columns:
        org_type = _parse_organization_type(df[layout.organization_type])
    else:
        org_type = pd.Series(None, index=df.index, dtype=object)
    out = pd.DataFrame(
        {
            "name": name,
            "organization": _clean_text(df[layout.organization]),
            "date": _parse_dates(df[layout.date], layout.date_format),
            "parameters": params,
            "active_parameters": active,
            "training_compute": compute,
            "domains": _parse_domains(df[layout.domain]),
            "notable": notable.astype(bool),
            "confidence": confidence,
            "moe": moe.astype(bool),
            "open_weights": open_weights,
            "base_model": base_model,
            "family": _optional_text(df, layout.family),
            "derived": derived,
            "organization_type": org_type,
            "link": link if link is not None else pd.Series(None, index=df.index, dtype=object),
            # data row number as a spreadsheet shows it (header is row 1)
            "origin": [f"{path.name}:{i + 2}" for i in range(n)],
            "invalid_parameters": (stated <= 0).to_numpy(),
        },
        columns=list(CANONICAL_COLUMNS),
    )
    too_big = out["parameters"] > MAX_PLAUSIBLE_PARAMETERS
    if too_big.any():
        row = out.loc[too_big].iloc[0]
        raise GapstudyError(
            f"{path}: {int(too_big.sum())} row(s) have absurd parameter counts, e.g. "
            f"{row['name']!r} with {row['parameters']:.3g} (> {MAX_PLAUSIBLE_PARAMETERS:.0e}); fix or remove them"
        )
    prov = Provenance(
        path=str(path.resolve()),
        sha256=digest,
        layout=layout.key,
        layout_description=layout.description,
        rows_read=n,
    )
    return out, prov
