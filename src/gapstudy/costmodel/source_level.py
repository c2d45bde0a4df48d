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


def _abs_summary(log_errors: np.ndarray) -> dict:
    e = np.abs(np.expm1(log_errors))
    return {"rows": int(e.size), "mean_abs_error": float(e.mean()), "median_abs_error": float(np.median(e)),
            "max_abs_error": float(e.max()), "within_10pct": float(np.mean(e <= 0.10))}


def chip_levels(rows) -> dict | None:
    """What re-fitting one factor per chip (such as each chip's GEMM efficiency) could do for these rows.

    `as_is`: the rows' own errors. `in_sample`: the errors once each chip's level (mean log error) fitted on the same
    rows is taken out, and `smallest_max_abs_error`, the largest error that no choice of one factor per chip can bring
    lower on these rows (an exact bound). `leave_one_source_out`: each source's rows corrected by the level of the other
    sources' rows on its chip, what such a re-fit gives a source it did not see (a row whose chip has no other source
    keeps its own error, counted in `uncorrected_rows`). None without rows."""
    if not rows:
        return None
    le = np.log1p(np.array([r.error for r in rows], dtype=float))
    chips = np.array([r.chip for r in rows])
    sources = np.array([r.source for r in rows])
    in_sample = le.copy()
    smallest_max = 0.0
    for c in dict.fromkeys(chips):
        m = chips == c
        in_sample[m] = le[m] - le[m].mean()
        # the factor that minimises the chip's largest |error|: (1 + lo) / f - 1 = -((1 + hi) / f - 1), f the mean of the
        # extremes' ratios; no factor does better on that chip's rows
        lo, hi = np.expm1(le[m].min()), np.expm1(le[m].max())
        f = (2.0 + lo + hi) / 2.0
        smallest_max = max(smallest_max, (1.0 + hi) / f - 1.0)
    loso = le.copy()
    uncorrected = 0
    for s, c in dict.fromkeys(zip(sources, chips)):
        m = (sources == s) & (chips == c)
        other = (sources != s) & (chips == c)
        if other.any():
            loso[m] = le[m] - le[other].mean()
        else:
            uncorrected += int(m.sum())
    return {"as_is": _abs_summary(le), "in_sample": {**_abs_summary(in_sample), "smallest_max_abs_error": float(smallest_max)},
            "leave_one_source_out": {**_abs_summary(loso), "uncorrected_rows": uncorrected}}
