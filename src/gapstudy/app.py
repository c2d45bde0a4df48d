"""The Hydra application: compose the config, run the experiment, report errors in one line."""

from __future__ import annotations

import hashlib
import re
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from gapstudy import progress, schema, signals
from gapstudy.errors import GapstudyError
from gapstudy.report import write_json_atomic
from gapstudy.runner import ERROR_FILE, execute

schema.register()


def job_dirname(override_dirname: str) -> str:
    """A sweep job's folder name from its overrides: readable, filesystem-safe, and stable, so a
    rerun of an interrupted sweep into the same hydra.sweep.dir finds its finished jobs."""
    if not override_dirname:
        return "default"
    safe = re.sub(r"[^A-Za-z0-9._=,+-]+", "_", override_dirname).strip("_")
    if len(safe) > 80:  # well under the 255-byte file-name limit of common filesystems
        digest = hashlib.sha256(override_dirname.encode()).hexdigest()[:12]
        safe = f"{safe[:60]}-{digest}"
    return safe


OmegaConf.register_new_resolver("gapstudy_job_dir", job_dirname, replace=True)


def fail(message: str) -> None:
    """Print one clear line and exit with status 2."""
    print(f"gapstudy: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def _log_warnings() -> None:
    """Python warnings still print as usual and are also written to the run's app.log."""
    import logging
    import warnings

    show = warnings.showwarning
    if getattr(show, "_gapstudy", False):
        return

    def showwarning(message, category, filename, lineno, file=None, line=None):
        logging.getLogger("py.warnings").warning("%s:%s: %s: %s", filename, lineno, category.__name__, message)
        show(message, category, filename, lineno, file, line)

    showwarning._gapstudy = True  # type: ignore[attr-defined]
    warnings.showwarning = showwarning


@hydra.main(version_base="1.3", config_path="pkg://gapstudy.conf", config_name="config")
def hydra_app(cfg: DictConfig) -> None:
    """One job: run the experiment into Hydra's output directory."""
    import logging

    hc = HydraConfig.get()
    out = hc.runtime.output_dir
    multirun = hc.mode == RunMode.MULTIRUN
    # a sweep's jobs may print side by side: each line carries the job's folder name
    progress.configure(quiet=bool(cfg.get("quiet", False)), job=job_dirname(hc.job.override_dirname) if multirun else None)
    _log_warnings()
    log = logging.getLogger("gapstudy")
    try:
        execute(cfg, out)
    except GapstudyError as exc:
        log.error(str(exc))
        # the run folder says why it has no results.json, rather than looking merely unfinished
        write_json_atomic(f"{out}/{ERROR_FILE}", {"error": str(exc), "overrides": list(hc.overrides.task)})
        if multirun:
            # one failing job must not discard the others: let the sweep go on
            print(f"gapstudy: job {hc.job.num} failed: {exc}", file=sys.stderr, flush=True)
            return
        fail(str(exc))
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM (gapstudy.signals): no results.json was written
        message = f"interrupted by {signals.signal_name(exc)} before the results were written; run the same command again to resume (finished work comes from the cache)"
        log.error(message)
        write_json_atomic(f"{out}/{ERROR_FILE}", {"error": message, "overrides": list(hc.overrides.task)})
        raise
    except Exception as exc:  # a bug, not a user mistake: keep its traceback in the job folder
        log.exception("the run failed")
        if not multirun:
            raise
        import traceback

        message = f"{type(exc).__name__}: {exc}"
        write_json_atomic(f"{out}/{ERROR_FILE}", {"error": message, "overrides": list(hc.overrides.task),
                                                  "traceback": traceback.format_exc()})
        # the other jobs of the sweep go on; the combined report lists this one under 'Failed jobs'
        print(f"gapstudy: job {hc.job.num} failed: {message} (traceback in {out}/{ERROR_FILE})", file=sys.stderr, flush=True)
        return
    done = f"results in {out}: report.html, summary.md, results.json"
    log.info(done)
    if multirun:
        progress.note(f"done: {out}")
    else:
        # the last line of a run names its folder (a sweep's last line names its combined report)
        print(f"[gapstudy] {done}", flush=True)
