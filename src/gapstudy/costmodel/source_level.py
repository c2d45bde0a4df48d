"""A held-out error split in two: each source's own level, and the error between layouts of one source.

A published measurement carries its cluster's and software's own speed (network tuning, kernel versions, a framework's
overheads) besides what the step model describes. A constant factor per source moves every layout of that source alike;
what can move a band (sizes less cost-effective than both neighbours, compared on one stack) is the part of the error
that differs between layouts of one source. For every source (and chip) with at least two rows, each row's error is
measured against the source's level estimated from its *other* rows (leave one out), so no row judges a level it helped
to set. Errors are the validation's throughput errors (predicted / measured - 1), combined on a log scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def source_key(row) -> tuple[str, str]:
    """The group a row's level is shared with: its source and chip (one source's A100 and H100 rows are two stacks)."""
    return row.source, row.chip


@dataclass(frozen=True)
class SourceLevel:
    """One source's rows on one chip: their common level and each row's error once that level is taken out."""

    source: str
    chip: str
    labels: tuple[str, ...]
    errors: tuple[float, ...]  # the rows' own errors, predicted / measured - 1
    within: tuple[float, ...]  # each row's error against the level of the group's other rows (leave one out)

    @property
    def rows(self) -> int:
        return len(self.labels)

    @property
    def level(self) -> float:
        """The group's geometric-mean error: the factor its rows share."""
        return float(np.expm1(np.log1p(self.errors).mean()))


def by_source(rows, key=source_key) -> list[SourceLevel]:
    """The rows grouped by `key` (in first-seen order), each group of two or more rows with its leave-one-out errors."""
    groups: dict = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    out = []
    for (source, chip), members in groups.items():
        if len(members) < 2:
            continue
        le = np.log1p([r.error for r in members])
        others = (le.sum() - le) / (le.size - 1)  # mean log error of every other row, all rows at once
        out.append(SourceLevel(source, chip, tuple(r.label for r in members), tuple(float(e) for e in np.expm1(le)),
                               tuple(float(w) for w in np.expm1(le - others))))
    return out


def split_summary(rows, key=source_key) -> dict:
    """Pooled figures: the rows' own mean/max absolute error, the same within sources (leave one out), how many rows stand
    alone in their source (no level to take out: not compared), and the share of the squared log error that the sources'
    levels account for (0: every source is on average right; 1: every layout of a source is off alike)."""
    groups = by_source(rows, key)
    own = np.array([e for g in groups for e in g.errors])
    within = np.array([w for g in groups for w in g.within])
    if own.size == 0:
        return {"groups": 0, "compared_rows": 0, "alone_rows": len(rows), "mean_abs_error": None, "max_abs_error": None,
                "within_mean_abs_error": None, "within_max_abs_error": None, "level_share": None}
    le = np.log1p(own)
    levels = np.concatenate([np.full(g.rows, np.log1p(g.errors).mean()) for g in groups])
    total = float(np.sum(le ** 2))
    return {"groups": len(groups), "compared_rows": int(own.size), "alone_rows": len(rows) - int(own.size),
            "mean_abs_error": float(np.abs(own).mean()), "max_abs_error": float(np.abs(own).max()),
            "within_mean_abs_error": float(np.abs(within).mean()), "within_max_abs_error": float(np.abs(within).max()),
            "level_share": float(np.sum(levels ** 2) / total) if total > 0 else None}
