"""A sweep's combined report: one results.json, summary.md and report.html at the sweep's root."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from gapstudy import experiments
from gapstudy.report import Section, Table, md_table, render_html, write_atomic, write_json_atomic
from gapstudy.runner import ERROR_FILE, RESULTS_FILE

# Names of failed jobs seen by the last combined report in this process (the CLI exits 2 if any).
FAILED_JOBS: list[str] = []
LAST_REPORT: str | None = None  # the combined report.html written last in this process

# Ray turns a node address of 127.0.0.1 into the machine's reachable IP and listens there (and, in
# places, on every interface) unless multi-node clusters are switched off with this variable; then
# a single-node instance uses the loopback address for all of its servers
# (ray._private.ray_constants.ENABLE_RAY_CLUSTER and services.get_node_ip_address, ray 2.60).
_RAY_SINGLE_NODE_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
# Ray's opt-out of usage-statistics reporting (docs.ray.io, "Usage Stats Collection").
_RAY_NO_USAGE_STATS_ENV = {"RAY_USAGE_STATS_ENABLED": "0"}


def prepare_ray(config: DictConfig) -> bool:
    """Before a Ray launcher imports ray: keep a private local instance on loopback (when the
    launcher config asks for _node_ip_address 127.0.0.1 and no cluster address) and switch off
    usage reporting. Returns whether a loopback instance was requested."""
    launcher = config.hydra.get("launcher") or {}
    if "hydra_ray_launcher" not in str(launcher.get("_target_", "")):
        return False
    for key, value in _RAY_NO_USAGE_STATS_ENV.items():
        os.environ.setdefault(key, value)
    init = (launcher.get("ray") or {}).get("init") or {}
    loopback = init.get("address") in (None, "", "local") and init.get("_node_ip_address") in ("127.0.0.1", "localhost")
    if loopback:
        for key, value in _RAY_SINGLE_NODE_ENV.items():
            os.environ.setdefault(key, value)
    return loopback


def stop_ray() -> None:
    """Shut down the Ray instance this process started, if any (the Ray launcher leaves it running
    until interpreter exit)."""
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()


def _overrides_of(job_dir: Path) -> list[str]:
    path = job_dir / ".hydra" / "overrides.yaml"
    if path.exists():
        return [str(x) for x in (yaml.safe_load(path.read_text()) or [])]
    return []


def collect(sweep_dir: str | Path) -> tuple[list[dict], list[dict]]:
    """Finished jobs (their results.json plus overrides) and failed jobs (their error.json) under a sweep."""
    sweep_dir = Path(sweep_dir)
    done, failed = [], []
    for job_dir in sorted(p for p in sweep_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        overrides = _overrides_of(job_dir)
        if (job_dir / RESULTS_FILE).exists():
            doc = json.loads((job_dir / RESULTS_FILE).read_text())
            doc["_job"] = {"dir": job_dir.name, "overrides": overrides}
            done.append(doc)
        elif (job_dir / ERROR_FILE).exists():
            err = json.loads((job_dir / ERROR_FILE).read_text())
            failed.append({"dir": job_dir.name, "overrides": overrides, "error": err.get("error", "")})
        elif overrides:
            failed.append({"dir": job_dir.name, "overrides": overrides, "error": "did not finish (no results.json)"})
    return done, failed


def _headline(doc: dict) -> dict[str, Any]:
    module = experiments.get(doc["experiment"])
    fn = getattr(module, "headline", None)
    return fn(doc) if fn is not None else {"elapsed_seconds": doc.get("elapsed_seconds")}


def combined(sweep_dir: str | Path) -> dict:
    """Write the combined report of a sweep; returns its results document."""
    sweep_dir = Path(sweep_dir)
    done, failed = collect(sweep_dir)
    rows = []
    for doc in done:
        rows.append({"job": doc["_job"]["dir"], "overrides": " ".join(doc["_job"]["overrides"]), **_headline(doc)})
    columns = list(dict.fromkeys(k for r in rows for k in r))
    names = sorted({d["experiment"] for d in done})
    doc = {"sweep_dir": str(sweep_dir), "experiments": names, "jobs": rows, "failed": failed}
    sections = [
        Section(
            "Jobs of the sweep",
            text=[f"{len(done)} job(s) finished, {len(failed)} failed."],
            tables=[Table(columns, [[r.get(c) for c in columns] for r in rows], caption="Headline numbers per job")],
        )
    ]
    for name in names:
        module = experiments.get(name)
        fn = getattr(module, "combine", None)
        if fn is not None:
            sections += fn([d for d in done if d["experiment"] == name])
    if failed:
        sections.append(
            Section(
                "Failed jobs",
                tables=[Table(["job", "overrides", "error"], [[f["dir"], " ".join(f["overrides"]), f["error"]] for f in failed])],
            )
        )
    summary = [f"# Sweep of {', '.join(names) or 'no finished jobs'}", "", f"{len(done)} job(s) finished, {len(failed)} failed.", ""]
    if rows:
        summary += [md_table(columns, [[r.get(c) for c in columns] for r in rows]), ""]
    if failed:
        summary += ["## Failed jobs", "", md_table(["job", "overrides", "error"], [[f["dir"], " ".join(f["overrides"]), f["error"]] for f in failed]), ""]
    write_atomic(sweep_dir / "summary.md", "\n".join(summary))
    write_atomic(sweep_dir / "report.html", render_html("gapstudy sweep: " + ", ".join(names), sections, {"sweep": str(sweep_dir)}))
    write_json_atomic(sweep_dir / RESULTS_FILE, doc)
    return doc


class CombinedReportCallback(Callback):
    """Hydra callback: after a multirun, write the combined report at the sweep's root."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        prepare_ray(config)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        stop_ray()
        sweep_dir = Path(config.hydra.sweep.dir)
        if not sweep_dir.is_dir():
            return
        global LAST_REPORT
        doc = combined(sweep_dir)
        FAILED_JOBS[:] = [f["dir"] for f in doc["failed"]]
        LAST_REPORT = str(sweep_dir / "report.html")
        # the last line of a sweep names its combined report (printed even when quiet: it is the output)
        print(f"[gapstudy] combined report of {len(doc['jobs'])} job(s): {LAST_REPORT}", flush=True)
