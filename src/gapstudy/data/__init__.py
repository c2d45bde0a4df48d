"""The data layer: read Epoch snapshots or the bundled registry, select rows, record provenance."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from gapstudy.data.extract import EXTRACT_NAME
from gapstudy.data.loader import CANONICAL_COLUMNS, Provenance, load
from gapstudy.data.selection import Selection, SelectionReport, select
from gapstudy.data.snapshots import SnapshotLookup, find_snapshot, snapshots_dir
from gapstudy.errors import GapstudyError

__all__ = [
    "CANONICAL_COLUMNS",
    "Dataset",
    "Provenance",
    "SOURCES",
    "Selection",
    "SelectionReport",
    "SnapshotLookup",
    "epoch_notable_path",
    "find_snapshot",
    "load",
    "load_dataset",
    "registry_path",
    "resolve_path",
    "select",
    "snapshots_dir",
]

# The values data.source takes (conf/data/<source>.yaml).
SOURCES = ("registry", "epoch_notable", "epoch")

# Where to get Epoch's current data (Epoch AI, "Data on AI Models", CC-BY 4.0).
EPOCH_DOWNLOAD_URL = "https://epoch.ai/data/all_ai_models.csv"


def registry_path() -> Path:
    """The bundled registry, data/models.csv, wherever the package is installed."""
    return Path(str(resources.files("gapstudy.bundled").joinpath("models.csv")))


def epoch_notable_path() -> Path:
    """The bundled extract of Epoch's notable-models CSV (data/epoch_notable_ai_models.csv)."""
    return Path(str(resources.files("gapstudy.bundled").joinpath(EXTRACT_NAME)))


@dataclass
class Dataset:
    """A selected table of models with its provenance and selection report."""

    table: pd.DataFrame
    provenance: Provenance
    selection: SelectionReport

    def provenance_dict(self) -> dict:
        return {**self.provenance.as_dict(), **self.selection.as_dict()}


def resolve_path(source: str, path: str | None, snapshots: str | None = None) -> Path:
    """The CSV a `data` config points at. For data=epoch a bare file name that is not in the
    working directory is looked up in the snapshot folder (data.snapshots_dir, $GAPSTUDY_SHARED)."""
    if source == "registry":
        return Path(path).expanduser() if path else registry_path()
    if source == "epoch_notable":
        return Path(path).expanduser() if path else epoch_notable_path()
    if source == "epoch":
        if not path:
            raise GapstudyError(
                f"data=epoch needs data.path=FILE (an Epoch models CSV, e.g. downloaded from {EPOCH_DOWNLOAD_URL}, "
                "or a file name in data.snapshots_dir); data=epoch_notable needs no file"
            )
        p = Path(path).expanduser()
        if not p.exists() and not p.is_absolute() and p.parent == Path("."):
            found = find_snapshot(p.name, snapshots)
            if found.found:
                return found.path
        return p
    raise GapstudyError(f"data.source={source!r} is unknown; use data=registry, data=epoch_notable or data=epoch data.path=FILE")


def load_dataset(source: str, path: str | None, sel: Selection, snapshots: str | None = None) -> Dataset:
    """Load and select in one step, as every experiment does."""
    table, prov = load(resolve_path(source, path, snapshots))
    chosen, report = select(table, sel)
    return Dataset(chosen, prov, report)
