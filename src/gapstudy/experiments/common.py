"""Pieces every experiment uses: loading the configured data, counting below/inside/above the gap."""

from __future__ import annotations

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from gapstudy.data import SOURCES, Dataset, Selection, load_dataset, resolve_path
from gapstudy.data.selection import validate as validate_selection
from gapstudy.errors import GapstudyError


def selection_from(cfg) -> Selection:
    """The Selection described by cfg.select."""
    sel = OmegaConf.to_container(cfg.select, resolve=True) if not isinstance(cfg.select, dict) else dict(cfg.select)
    return Selection(**sel)


def load_data(cfg) -> Dataset:
    """Load and select the dataset named by cfg.data and cfg.select."""
    return load_dataset(cfg.data.source, cfg.data.path, selection_from(cfg), cfg.data.get("snapshots_dir"))


def check_gap(lower: float, upper: float) -> None:
    """Reject impossible gap windows."""
    if not (np.isfinite(lower) and np.isfinite(upper)) or lower <= 0:
        raise GapstudyError(f"gap.lower={lower:g} and gap.upper={upper:g} must be positive parameter counts")
    if lower >= upper:
        raise GapstudyError(f"gap.lower={lower:g} must be below gap.upper={upper:g}; swap or widen them")
    # 1e5..1e14 spans every parameter count in the Epoch snapshots (PROVENANCE.md: 10 .. 1e14 overall,
    # language models from ~1e5 up); a window outside it cannot hold a model.
    if lower < 1e5 or upper > 1e14:
        raise GapstudyError(
            f"gap window {lower:g}..{upper:g} is outside the range of model sizes (1e5..1e14); use e.g. gap.lower=20e9 gap.upper=70e9"
        )


def gap_counts(params: np.ndarray, lower: float, upper: float) -> dict[str, int]:
    """Models below, inside (bounds inclusive, as the paper's table), strictly inside, and above."""
    p = np.asarray(params, dtype=float)
    return {
        "n": int(p.size),
        "below": int((p < lower).sum()),
        "inside": int(((p >= lower) & (p <= upper)).sum()),
        "strictly_inside": int(((p > lower) & (p < upper)).sum()),
        "above": int((p > upper).sum()),
    }


def counts_by_year(table: pd.DataFrame, lower: float, upper: float) -> list[dict]:
    """gap_counts for each publication year."""
    rows = []
    for year, grp in table.groupby(table["date"].dt.year):
        rows.append({"year": int(year), **gap_counts(grp["parameters"].to_numpy(), lower, upper)})
    return rows


def has_domain(table: pd.DataFrame, domain: str) -> pd.Series:
    """Rows whose domains include `domain` (case-insensitive)."""
    d = domain.lower()
    codes, uniques = pd.factorize(table["domains"], use_na_sentinel=False)  # once per distinct domain list
    hits = np.array([any(x.lower() == d for x in ds) for ds in uniques], dtype=bool)
    return pd.Series(hits[codes], index=table.index)


def validate_common(cfg) -> None:
    """Checks every experiment shares: the selection, the gap window, the data source."""
    validate_selection(selection_from(cfg))
    check_gap(float(cfg.gap.lower), float(cfg.gap.upper))
    if cfg.data.source not in SOURCES:
        raise GapstudyError(
            f"data.source={cfg.data.source!r} is unknown; use data=registry, data=epoch_notable or data=epoch data.path=FILE"
        )
    path = resolve_path(cfg.data.source, cfg.data.path, cfg.data.get("snapshots_dir"))
    if not path.exists():
        raise GapstudyError(f"data file not found: {path} (check data.path)")
