"""Run one experiment and write results.json, summary.md and report.html into its run directory."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import platform
import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from gapstudy import __version__, experiments
from gapstudy.report import render_html, write_atomic, write_json_atomic

# Packages whose versions decide the numbers; recorded so a run can be reproduced from results.json.
RECORDED_PACKAGES = ("numpy", "pandas", "scipy", "scikit-learn", "diptest", "plotly", "hydra-core", "omegaconf")

RESULTS_FILE = "results.json"  # written last: its presence means the run finished
ERROR_FILE = "error.json"  # written instead when a job of a sweep fails


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


def execute(cfg: DictConfig, output_dir: str | Path) -> dict:
    """Run the configured experiment; write its three files atomically (results.json last)."""
    output_dir = Path(output_dir)
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
        "data": f"{doc.get('data', {}).get('path', '-')} (sha256 {str(doc.get('data', {}).get('sha256', '-'))[:12]}...)",
        "seed": doc["seed"],
        "gapstudy": __version__,
        "run": doc["started_utc"],
    }
    html = render_html(f"gapstudy: {name}", module.sections(doc), meta)
    write_atomic(output_dir / "summary.md", summary)
    write_atomic(output_dir / "report.html", html)
    write_json_atomic(output_dir / RESULTS_FILE, doc)
    return doc
