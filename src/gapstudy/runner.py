"""Run one experiment and write results.json, summary.md and report.html into its run directory."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from gapstudy import __version__, experiments
from gapstudy.errors import GapstudyError
from gapstudy.report import render_html, write_atomic, write_json_atomic

# Packages whose versions decide the numbers; recorded so a run can be reproduced from results.json.
RECORDED_PACKAGES = ("numpy", "pandas", "scipy", "scikit-learn", "diptest", "plotly", "hydra-core", "omegaconf")

RESULTS_FILE = "results.json"  # written last: its presence means the run finished
ERROR_FILE = "error.json"  # written instead when a job of a sweep fails
# Set to 1 to recompute a run even when its folder already holds results.json for the same config.
FORCE_ENV = "GAPSTUDY_FORCE"
# Settings that change what is printed, never the numbers; ignored when matching a finished run.
_NOT_IN_RESULTS = ("quiet",)


def versions() -> dict[str, str]:
    """Versions of Python, gapstudy and the packages that compute the results."""
    out = {"python": platform.python_version(), "gapstudy": __version__}
    for name in RECORDED_PACKAGES:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "not installed"
    return out


def config_dict(cfg) -> dict:
    """The resolved config as plain data."""
    if isinstance(cfg, DictConfig):
        return OmegaConf.to_container(cfg, resolve=True)
    return dict(cfg)


def _comparable(config: dict) -> dict:
    """A config as JSON would hold it, less the settings that do not change the numbers."""
    from gapstudy.report.files import to_jsonable

    doc = json.loads(json.dumps(to_jsonable(config)))
    for key in _NOT_IN_RESULTS:
        doc.pop(key, None)
    return doc


def finished_run(cfg: DictConfig, output_dir: str | Path) -> dict | None:
    """The results of an earlier run in `output_dir` made with the same config, the same data bytes
    and the same gapstudy version, or None (then the run has to be done)."""
    path = Path(output_dir) / RESULTS_FILE
    if os.environ.get(FORCE_ENV, "").strip() not in ("", "0") or not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # unreadable: run again and replace it
    if not isinstance(doc, dict) or doc.get("versions", {}).get("gapstudy") != __version__:
        return None
    if _comparable(doc.get("config") or {}) != _comparable(config_dict(cfg)):
        return None
    recorded = (doc.get("data") or {}).get("sha256")
    if recorded:
        from gapstudy.data import resolve_path
        from gapstudy.data.loader import sha256_of

        try:
            if sha256_of(resolve_path(cfg.data.source, cfg.data.path)) != recorded:
                return None
        except (OSError, GapstudyError):
            return None
    return doc


def execute(cfg: DictConfig, output_dir: str | Path) -> dict:
    """Run the configured experiment; write its three files atomically (results.json last).
    A folder that already holds the results of the same config and data is left as it is, so a
    sweep rerun into the same hydra.sweep.dir only runs its unfinished jobs (GAPSTUDY_FORCE=1
    recomputes)."""
    output_dir = Path(output_dir)
    previous = finished_run(cfg, output_dir)
    if previous is not None:
        if not cfg.get("quiet", False):
            print(f"[gapstudy] already finished with this config and data; kept {output_dir / RESULTS_FILE}", flush=True)
        return previous
    name = cfg.experiment_name
    module = experiments.get(name)
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    results = module.run(cfg)
    elapsed = time.perf_counter() - t0
    doc = {
        "experiment": name,
        "seed": int(cfg.seed),
        "config": config_dict(cfg),
        "versions": versions(),
        "started_utc": started.isoformat(timespec="seconds"),
        "elapsed_seconds": round(elapsed, 3),
        **results,
    }
    summary = module.summarize(doc)
    meta = {
        "experiment": name,
        "data": (f"{doc['data'].get('path', '-')} (sha256 {str(doc['data'].get('sha256', '-'))[:12]}...)"
                 if doc.get("data") else "none (simulated samples)"),
        "seed": doc["seed"],
        "gapstudy": __version__,
        "run": doc["started_utc"],
    }
    html = render_html(f"gapstudy: {name}", module.sections(doc), meta)
    write_atomic(output_dir / "summary.md", summary)
    write_atomic(output_dir / "report.html", html)
    write_json_atomic(output_dir / RESULTS_FILE, doc)
    (output_dir / ERROR_FILE).unlink(missing_ok=True)  # an earlier failure here is now superseded
    return doc
