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
# Ray 2.60 turns token authentication on for a new local instance and then warns about it and, with
# no token anywhere, writes one to ~/.ray/auth_token (ray._private.authentication.
# authentication_token_setup). A private instance keeps token authentication, since other users of
# a shared machine can reach its loopback ports, but with a fresh token per sweep that lives only
# in the environment of this process and its Ray children (RAY_AUTH_TOKEN, read before any file):
# setting the mode explicitly silences the warning, and nothing is written to the home folder.
_RAY_AUTH_MODE_ENV = "RAY_AUTH_MODE"
_RAY_AUTH_TOKEN_ENV = "RAY_AUTH_TOKEN"


def prepare_ray(config: DictConfig) -> bool:
    """Before a Ray launcher imports ray: keep a private local instance on loopback (when the
    launcher config asks for _node_ip_address 127.0.0.1 and no cluster address), guarded by a
    per-sweep token kept out of ~/.ray, and switch off usage reporting. Returns whether a
    loopback instance was requested."""
    launcher = config.hydra.get("launcher") or {}
    if "hydra_ray_launcher" not in str(launcher.get("_target_", "")):
        return False
    for key, value in _RAY_NO_USAGE_STATS_ENV.items():
        os.environ.setdefault(key, value)
    init = (launcher.get("ray") or {}).get("init") or {}
    loopback = init.get("address") in (None, "", "local") and init.get("_node_ip_address") in ("127.0.0.1", "localhost")
    if loopback:
        import secrets

        for key, value in _RAY_SINGLE_NODE_ENV.items():
            os.environ.setdefault(key, value)
        if _RAY_AUTH_MODE_ENV not in os.environ and _RAY_AUTH_TOKEN_ENV not in os.environ:
            os.environ[_RAY_AUTH_MODE_ENV] = "token"
            os.environ[_RAY_AUTH_TOKEN_ENV] = secrets.token_hex(32)  # 256 bits, as Ray's own generator
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


# Overrides that change only what is printed, never a number: left out of the sweep's tables.
_PRINT_ONLY = ("quiet=", "hydra/hydra_logging=")


def _varying(jobs_overrides: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The overrides every job shares, and each job's own (the settings the sweep varies)."""
    jobs_overrides = [[o for o in ovs if not o.startswith(_PRINT_ONLY)] for ovs in jobs_overrides]
    if not jobs_overrides:
        return [], []
    common = [o for o in jobs_overrides[0] if all(o in ovs for ovs in jobs_overrides[1:])]
    return common, [[o for o in ovs if o not in common] for ovs in jobs_overrides]


def _numeric(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")


# At most this many headline numbers get a chart at the sweep's root (one small panel each).
MAX_HEADLINE_PANELS = 4


def headline_figure(rows: list[dict], columns: list[str]):
    """Small multiples: one bar per job for each numeric headline column; None if there is nothing to draw."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from gapstudy.report.html import safe_labels

    numeric = [c for c in columns if c != "job" and sum(_numeric(r.get(c)) for r in rows) >= 2][:MAX_HEADLINE_PANELS]
    if not numeric:
        return None
    fig = make_subplots(rows=len(numeric), cols=1, subplot_titles=safe_labels(numeric), vertical_spacing=0.12)
    labels = safe_labels(r["job"] for r in rows)
    for i, col in enumerate(numeric, start=1):
        fig.add_trace(go.Bar(x=labels, y=[r.get(col) if _numeric(r.get(col)) else None for r in rows], name=col,
                             marker_color="#1f77b4", showlegend=False, hovertemplate="%{x}<br>%{y:.4g}<extra></extra>"),
                      row=i, col=1)
    fig.update_xaxes(showticklabels=False)
    fig.update_xaxes(showticklabels=True, tickangle=-30, row=len(numeric), col=1)
    fig.update_layout(height=220 * len(numeric) + 140, title="Headline numbers per job", margin={"b": 140})
    return fig


def combined(sweep_dir: str | Path) -> dict:
    """Write the combined report of a sweep; returns its results document."""
    sweep_dir = Path(sweep_dir)
    done, failed = collect(sweep_dir)
    common, own = _varying([d["_job"]["overrides"] for d in done] + [f["overrides"] for f in failed])
    failed_own = own[len(done):]
    rows = []
    for doc, varying in zip(done, own):
        # one job column: the settings this job varies (the folder name spells the same overrides)
        rows.append({"job": " ".join(varying) or doc["_job"]["dir"], **_headline(doc)})
    columns = list(dict.fromkeys(k for r in rows for k in r))
    names = sorted({d["experiment"] for d in done})
    doc = {"sweep_dir": str(sweep_dir), "experiments": names, "common_overrides": common,
           "jobs": [{**r, "dir": d["_job"]["dir"], "overrides": " ".join(d["_job"]["overrides"])} for r, d in zip(rows, done)],
           "failed": failed}
    intro = [f"{len(done)} job(s) finished, {len(failed)} failed."]
    if common:
        intro.append("Settings shared by every job: " + " ".join(common) + ". Each row names the settings its job varies;"
                     " the job's folder under this one is named after them.")
    fig = headline_figure(rows, columns)
    sections = [
        Section(
            "Jobs of the sweep",
            text=intro,
            figures=[fig] if fig is not None else [],
            captions=["How to read this: one bar per finished job (labelled by the settings it varies), one panel per "
                      "headline number; bars of equal height mean the swept settings do not change that number. "
                      "The table below gives the same numbers exactly."] if fig is not None else [],
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
                tables=[Table(["job", "error"], [[" ".join(o) or f["dir"], f["error"]] for f, o in zip(failed, failed_own)])],
            )
        )
    summary = [f"# Sweep of {', '.join(names) or 'no finished jobs'}", "", *intro, ""]
    if rows:
        summary += [md_table(columns, [[r.get(c) for c in columns] for r in rows]), ""]
    if failed:
        summary += ["## Failed jobs", "", md_table(["job", "error"], [[" ".join(o) or f["dir"], f["error"]] for f, o in zip(failed, failed_own)]), ""]
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
