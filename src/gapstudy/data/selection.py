"""Choose the rows an experiment studies, counting every row dropped and why."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    dedupe: bool = False  # keep the first of rows sharing name and date


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


def select(df: pd.DataFrame, sel: Selection, *, today: pd.Timestamp | None = None) -> tuple[pd.DataFrame, SelectionReport]:
    """Apply the selection step by step; an empty result names the step that emptied it."""
    validate(sel)
    today = today or pd.Timestamp.today().normalize()
    start, end = _timestamp(sel.start, "select.start"), _timestamp(sel.end, "select.end")
    steps: list[tuple[str, str, pd.Series | None]] = [
        ("missing publication date", "rows with no publication date", df["date"].isna()),
        ("missing parameter count", "rows with no parameter count", df["parameters"].isna()),
    ]
    if sel.drop_future:
        steps.append(("dated in the future", f"dates after {today.date()}", df["date"] > today))
    if start is not None:
        steps.append(("before select.start", f"select.start={sel.start}", df["date"] < start))
    if end is not None:
        steps.append(("after select.end", f"select.end={sel.end}", df["date"] > end))
    if sel.domains:
        wanted = {d.lower() for d in sel.domains}
        has = df["domains"].map(lambda ds: any(d.lower() in wanted for d in ds))
        steps.append(("not in select.domains", f"select.domains={list(sel.domains)}", ~has))
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
    if sel.dedupe:
        dup = keep & df.duplicated(subset=["name", "date"], keep="first")
        dropped["duplicate name and date"] = int(dup.sum())
        keep &= ~dup
    if not keep.any():
        raise GapstudyError(f"the selection is empty: no row of {len(df)} has both a date and a parameter count")
    out = df.loc[keep].reset_index(drop=True)
    return out, SelectionReport(rows_in=len(df), rows_used=len(out), dropped=dropped)
