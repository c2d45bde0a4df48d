"""The snapshot folder: data.snapshots_dir, then $GAPSTUDY_SHARED, then ../shared; lookups say why a file is missing."""

from __future__ import annotations

from gapstudy.data import find_snapshot, resolve_path, snapshots_dir


def test_configured_folder_wins(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("x\n")
    monkeypatch.setenv("GAPSTUDY_SHARED", str(tmp_path / "elsewhere"))
    assert snapshots_dir(tmp_path) == tmp_path
    hit = find_snapshot("a.csv", tmp_path)
    assert hit.found and hit.path == tmp_path / "a.csv" and hit.reason == ""
    miss = find_snapshot("b.csv", tmp_path)
    assert not miss.found and "b.csv not in the snapshot folder" in miss.reason


def test_environment_variable(tmp_path, monkeypatch):
    epoch = tmp_path / "data" / "epoch"
    epoch.mkdir(parents=True)
    (epoch / "s.csv").write_text("x\n")
    monkeypatch.setenv("GAPSTUDY_SHARED", str(tmp_path))
    assert snapshots_dir() == epoch
    assert resolve_path("epoch", "s.csv") == epoch / "s.csv"


def test_no_folder_is_reported(tmp_path, monkeypatch):
    missing = tmp_path / "none"
    miss = find_snapshot("s.csv", missing)
    assert not miss.found and miss.reason.startswith("no snapshot folder") and "data.snapshots_dir" in miss.reason
    assert snapshots_dir(missing) is None


def test_explicit_paths_are_not_searched(tmp_path):
    f = tmp_path / "x.csv"
    assert not find_snapshot(str(f)).found
    f.write_text("x\n")
    assert find_snapshot(str(f)).path == f
