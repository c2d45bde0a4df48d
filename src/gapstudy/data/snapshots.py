"""Where Epoch snapshot files are looked up (data.snapshots_dir, $GAPSTUDY_SHARED, ../shared) and whether one is there."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The environment variable naming the shared folder (it holds data/epoch/ and data/reference/);
# tests/conftest.py reads the same one.
SHARED_ENV = "GAPSTUDY_SHARED"


def _candidates(configured: str | os.PathLike | None) -> list[tuple[Path, str]]:
    """Snapshot folders in the order they are tried, each with how it was chosen."""
    if configured:
        return [(Path(configured).expanduser(), "data.snapshots_dir")]
    out = []
    if os.environ.get(SHARED_ENV):
        out.append((Path(os.environ[SHARED_ENV]).expanduser() / "data" / "epoch", f"${SHARED_ENV}/data/epoch"))
    # ../shared beside the checkout (the CI layout; only meaningful for a source checkout) and
    # beside the working directory (a user running from their clone after `pip install .`)
    out.append((Path(__file__).resolve().parents[3].parent / "shared" / "data" / "epoch", "../shared/data/epoch beside the checkout"))
    out.append((Path.cwd().parent / "shared" / "data" / "epoch", "../shared/data/epoch beside the working directory"))
    return out


def snapshots_dir(configured: str | os.PathLike | None = None) -> Path | None:
    """The folder of Epoch snapshots: `configured` (data.snapshots_dir) if given, else
    $GAPSTUDY_SHARED/data/epoch, else ../shared/data/epoch; None when no candidate exists."""
    for path, _ in _candidates(configured):
        if path.is_dir():
            return path
    return None


@dataclass(frozen=True)
class SnapshotLookup:
    """Whether a snapshot file was found, where, and if not, why (one line for a report)."""

    name: str
    path: Path | None
    reason: str  # "" when found

    @property
    def found(self) -> bool:
        return self.path is not None


def find_snapshot(name: str | os.PathLike, configured: str | os.PathLike | None = None) -> SnapshotLookup:
    """Look up a snapshot by file name (in the snapshot folder) or by path; never raises."""
    p = Path(name).expanduser()
    if p.is_absolute() or p.parent != Path("."):
        return SnapshotLookup(str(name), p, "") if p.is_file() else SnapshotLookup(str(name), None, f"file {p} not found")
    folder = snapshots_dir(configured)
    if folder is None:
        tried = "; ".join(f"{how} ({path})" for path, how in _candidates(configured))
        return SnapshotLookup(str(name), None, f"no snapshot folder (tried {tried}; set data.snapshots_dir or {SHARED_ENV})")
    if not (folder / p).is_file():
        return SnapshotLookup(str(name), None, f"{p} not in the snapshot folder {folder}")
    return SnapshotLookup(str(name), folder / p, "")
