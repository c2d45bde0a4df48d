"""Choose the rows an experiment studies, counting every row dropped and why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gapstudy.data.loader import CONFIDENCE_RANK
from gapstudy.errors import GapstudyError


@dataclass
class Selection:
    """Which models to keep; every field off (None/empty/False) keeps everything with a size and date."""

    start: str | None = None  # first publication date kept, ISO, inclusive
    end: str | None = None  # last publication date kept, ISO, inclusive
    domains: list[str] = field(default_factory=list)  # keep a row having any of these
    notable_only: bool = False
    dense_only: bool = False  # drop mixture-of-experts models
    min_confidence: str | None = None  # speculative | likely | confident
    min_parameters: float | None = None
    drop_future: bool = True  # drop rows dated after today (placeholders, typos)
    # one row per: false (keep all) | true or "name" (name and date) | "family" | "base" (base model)
    dedupe: bool | str | None = False
    parameters: str = "total"  # total | active: count mixture-of-experts models by active parameters
    exclude_derived: bool = False  # drop fine-tunes and distillations of another model
    open_weights: bool | None = None  # true: open-weight models only; false: closed only; null: all


# select.dedupe spellings -> what a row is deduplicated on
_DEDUPE = {"false": None, "none": None, "": None, "no": None, "off": None,
           "true": "name", "yes": "name", "on": "name", "name": "name", "family": "family", "base": "base"}

# Words that name a variant of a model rather than a different model, and size tokens, removed
# from a name to get its family when the dataset has no family column ("Llama 3.1-70B Instruct"
# -> "llama 3.1"). Sizes: 7B, 8x7B, 30B-A3B, 350M, 1.6T; variants as model cards write them.
_SIZE = re.compile(r"\b\d+(?:\.\d+)?x\d+(?:\.\d+)?[bmt]\b|\b\d+(?:\.\d+)?[bmkt]\b(?:-a\d+(?:\.\d+)?b\b)?|-a\d+(?:\.\d+)?b\b", re.I)
_VARIANT = re.compile(r"\b(?:instruct|chat|base|it|preview|thinking|reasoning|sft|rlhf|dpo|online|mini|small|medium|large|xl|xxl|pro|max|flash|turbo|lite|plus)\b", re.I)


def family_key(name: str | None) -> str | None:
    """A family name from a model name: sizes, variant words and bracketed notes removed."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(name))
    text = _SIZE.sub(" ", text)
    text = _VARIANT.sub(" ", text)
    text = re.sub(r"[\s_/-]+", " ", text).strip(" .-").lower()
    return text or str(name).strip().lower()


def dedupe_mode(value) -> str | None:
    """The normalised select.dedupe: None, "name", "family" or "base"."""
    key = str(value).strip().lower() if value is not None else "none"
    if key not in _DEDUPE:
        raise GapstudyError(f"select.dedupe={value!r} is unknown; use false, name (true), family or base")
    return _DEDUPE[key]


@dataclass
class SelectionReport:
    """What the selection kept and, in order, how many rows each step dropped."""

    rows_in: int
    rows_used: int
    dropped: dict[str, int]

    def as_dict(self) -> dict:
        return {"rows_in": self.rows_in, "rows_used": self.rows_used, "dropped": dict(self.dropped)}


def _timestamp(value: str | None, what: str) -> pd.Timestamp | None:
    if value in (None, ""):
        return None
    try:
        return pd.Timestamp(str(value))
    except (ValueError, TypeError):
        raise GapstudyError(f"{what}={value!r} is not a date; use the form YYYY-MM-DD") from None


def validate(sel: Selection) -> None:
    """Reject impossible selections before any data is read."""
    start, end = _timestamp(sel.start, "select.start"), _timestamp(sel.end, "select.end")
    if start is not None and end is not None and start > end:
        raise GapstudyError(f"select.start={sel.start} is after select.end={sel.end}; swap them")
    if sel.min_confidence is not None and sel.min_confidence.lower() not in CONFIDENCE_RANK:
        raise GapstudyError(
            f"select.min_confidence={sel.min_confidence!r} is unknown; use one of speculative, likely, confident"
        )
    if sel.min_parameters is not None and not sel.min_parameters > 0:
        raise GapstudyError(f"select.min_parameters={sel.min_parameters} must be positive (or null)")
    if str(sel.parameters).lower() not in ("total", "active"):
        raise GapstudyError(f"select.parameters={sel.parameters!r} is unknown; use total or active")
    dedupe_mode(sel.dedupe)


def _base_of(text) -> str | None:
    """The first model a `Base model` cell names (Epoch lists several, comma-separated)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    first = str(text).split(",")[0].strip()
    return first or None


def _group_key(df: pd.DataFrame, mode: str) -> pd.Series:
    """What rows are grouped on: the family (the family column, else one derived from the name),
    or the base model (a derived row's base, else the row's own name), compared case-folded."""
    if mode == "family":
        fam = df["family"] if "family" in df else pd.Series(None, index=df.index, dtype=object)
        own = df["name"].map(family_key)
        return fam.where(fam.notna(), own).map(lambda k: str(k).strip().lower() if k is not None else None)
    base = df["base_model"].map(_base_of) if "base_model" in df else pd.Series(None, index=df.index, dtype=object)
    derived = df["derived"].fillna(False).astype(bool) if "derived" in df else pd.Series(False, index=df.index)
    key = base.where(derived & base.notna(), df["name"])
    return key.map(lambda k: str(k).strip().lower() if k is not None else None)


def select(df: pd.DataFrame, sel: Selection, *, today: pd.Timestamp | None = None) -> tuple[pd.DataFrame, SelectionReport]:
    """Apply the selection step by step; an empty result names the step that emptied it."""
    validate(sel)
    today = today or pd.Timestamp.today().normalize()
    start, end = _timestamp(sel.start, "select.start"), _timestamp(sel.end, "select.end")
    active_mode = str(sel.parameters).lower() == "active"
    if active_mode:
        # MoE rows are counted by their active parameters; an MoE row with no active count is
        # dropped (and counted) rather than silently kept at its total
        df = df.copy()
        moe = df["moe"].astype(bool)
        has_active = df["active_parameters"].notna()
        df["parameters"] = df["parameters"].where(~(moe & has_active), df["active_parameters"])
    steps: list[tuple[str, str, pd.Series | None]] = [
        ("missing publication date", "rows with no publication date", df["date"].isna()),
        ("missing parameter count", "rows with no parameter count", df["parameters"].isna()),
    ]
    if "invalid_parameters" in df.columns:  # counts <= 0 in the file: invalid, not merely missing
        steps.insert(1, ("invalid parameter count (zero or negative)", "rows whose parameter count is zero or negative",
                         df["invalid_parameters"].astype(bool)))
    if sel.drop_future:
        steps.append(("dated in the future", f"dates after {today.date()}", df["date"] > today))
    if start is not None:
        steps.append(("before select.start", f"select.start={sel.start}", df["date"] < start))
    if end is not None:
        steps.append(("after select.end", f"select.end={sel.end}", df["date"] > end))
    if sel.domains:
        wanted = {d.lower() for d in sel.domains}
        codes, uniques = pd.factorize(df["domains"], use_na_sentinel=False)  # once per distinct domain list
        has = pd.Series([any(d.lower() in wanted for d in ds) for ds in uniques], dtype=bool).to_numpy()[codes]
        has = pd.Series(has, index=df.index)
        steps.append(("not in select.domains", f"select.domains={list(sel.domains)}", ~has))
    if active_mode:
        steps.append((
            "mixture-of-experts without an active count", "select.parameters=active",
            df["moe"].astype(bool) & df["active_parameters"].isna(),
        ))
    if sel.notable_only:
        steps.append(("not notable", "select.notable_only=true", ~df["notable"]))
    if sel.dense_only:
        steps.append(("mixture-of-experts", "select.dense_only=true", df["moe"]))
    if sel.min_confidence is not None:
        if df["confidence"].isna().all():
            raise GapstudyError(
                "select.min_confidence is set but this dataset has no confidence column; set select.min_confidence=null"
            )
        floor = CONFIDENCE_RANK[sel.min_confidence.lower()]
        rank = df["confidence"].map(lambda c: CONFIDENCE_RANK.get(str(c).lower(), -1) if c is not None else -1)
        steps.append(("below select.min_confidence", f"select.min_confidence={sel.min_confidence}", rank < floor))
    if sel.exclude_derived:
        if df["derived"].isna().all():
            raise GapstudyError(
                "select.exclude_derived is set but this dataset does not say which models are fine-tunes or distillations "
                "(no base-model column); set select.exclude_derived=false or use data=epoch_notable / the registry"
            )
        steps.append(("fine-tune or distillation", "select.exclude_derived=true", df["derived"].fillna(False).astype(bool)))
    if sel.open_weights is not None:
        if df["open_weights"].isna().all():
            raise GapstudyError(
                "select.open_weights is set but this dataset has no open-weights column; set select.open_weights=null"
            )
        want = bool(sel.open_weights)
        steps.append(("open weights unknown", f"select.open_weights={str(want).lower()}", df["open_weights"].isna()))
        steps.append((
            "closed weights" if want else "open weights", f"select.open_weights={str(want).lower()}",
            df["open_weights"].fillna(not want).astype(bool) != want,
        ))
    if sel.min_parameters is not None:
        steps.append(
            ("below select.min_parameters", f"select.min_parameters={sel.min_parameters:g}", df["parameters"] < sel.min_parameters)
        )
    keep = pd.Series(True, index=df.index)
    dropped: dict[str, int] = {}
    for reason, setting, mask in steps:
        newly = keep & mask.fillna(False).astype(bool)
        dropped[reason] = int(newly.sum())
        keep &= ~newly
        if dropped[reason] and not keep.any():
            raise GapstudyError(
                f"the selection is empty: {setting} removed the last {dropped[reason]} of {len(df)} rows; relax it"
            )
    mode = dedupe_mode(sel.dedupe)
    if mode == "name":
        dup = keep & df.duplicated(subset=["name", "date"], keep="first")
        dropped["duplicate name and date"] = int(dup.sum())
        keep &= ~dup
    elif mode in ("family", "base"):
        key = _group_key(df, mode)
        # one row per group: the earliest published; among same-day releases the largest
        # (the headline model of a multi-size release)
        order = df.loc[keep].assign(_key=key[keep]).sort_values(["date", "parameters"], ascending=[True, False], kind="stable")
        first = order.drop_duplicates("_key", keep="first").index
        dup = keep & ~df.index.isin(first)
        dropped["same family" if mode == "family" else "same base model"] = int(dup.sum())
        keep &= ~dup
    if not keep.any():
        raise GapstudyError(f"the selection is empty: no row of {len(df)} has both a date and a parameter count")
    out = df.loc[keep].reset_index(drop=True)
    return out, SelectionReport(rows_in=len(df), rows_used=len(out), dropped=dropped)
