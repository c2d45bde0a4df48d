"""Shared fixtures: where ../shared is, and a skip with a reason when it is not there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# ../shared sits beside the clone in CI; GAPSTUDY_SHARED overrides it for other checkouts.
SHARED = Path(os.environ.get("GAPSTUDY_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder with Epoch snapshots and reference samples, or skip."""
    if not (SHARED / "data" / "epoch").is_dir():
        pytest.skip(f"../shared not found at {SHARED} (Epoch snapshots are not bundled; set GAPSTUDY_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def epoch_dir(shared_dir: Path) -> Path:
    return shared_dir / "data" / "epoch"


@pytest.fixture(scope="session")
def reference_dir(shared_dir: Path) -> Path:
    return shared_dir / "data" / "reference"
