"""The experiments: one module each, found by name (see CONTRIBUTING.md for the protocol)."""

from __future__ import annotations

import importlib
from importlib import resources
from types import ModuleType

from gapstudy.errors import GapstudyError


def available() -> list[str]:
    """Experiment names, one per conf/experiment/<name>.yaml shipped with the package."""
    folder = resources.files("gapstudy.conf").joinpath("experiment")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def get(name: str) -> ModuleType:
    """The module implementing experiment `name`."""
    names = available()
    if name not in names:
        raise GapstudyError(f"unknown experiment {name!r}; choose experiment= one of: {', '.join(names)}")
    return importlib.import_module(f"gapstudy.experiments.{name}")
