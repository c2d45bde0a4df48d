"""The data layer: read Epoch snapshots or the bundled registry, select rows, record provenance."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from gapstudy.data.loader import CANONICAL_COLUMNS, Provenance, load
from gapstudy.data.selection import Selection, SelectionReport, select
from gapstudy.errors import GapstudyError

__all__ = [
    "CANONICAL_COLUMNS",
    "Dataset",
    "Provenance",
    "Selection",
    "SelectionReport",
    "load",
    "load_dataset",
    "registry_path",
    "select",
]

# Where to get Epoch's current data (Epoch AI, "Data on AI Models", CC-BY 4.0).
EPOCH_DOWNLOAD_URL = "https://epoch.ai/data/all_ai_models.csv"


def registry_path() -> Path:
    """The bundled registry, data/models.csv, wherever the package is installed."""
    return Path(str(resources.files("gapstudy.bundled").joinpath("models.csv")))


@dataclass
class Dataset:
    """A selected table of models with its provenance and selection report."""

    table: pd.DataFrame
    provenance: Provenance
    selection: SelectionReport

    def provenance_dict(self) -> dict:
        return {**self.provenance.as_dict(), **self.selection.as_dict()}


def resolve_path(source: str, path: str | None) -> Path:
    """The CSV a `data` config points at."""
    if source == "registry":
        return Path(path) if path else registry_path()
    if source == "epoch":
        if not path:
            raise GapstudyError(
                f"data=epoch needs data.path=FILE (an Epoch models CSV, e.g. downloaded from {EPOCH_DOWNLOAD_URL})"
            )
        return Path(path)
    raise GapstudyError(f"data.source={source!r} is unknown; use data=registry or data=epoch data.path=FILE")


def load_dataset(source: str, path: str | None, sel: Selection) -> Dataset:
    """Load and select in one step, as every experiment does."""
    table, prov = load(resolve_path(source, path))
    chosen, report = select(table, sel)
    return Dataset(chosen, prov, report)
