"""The Hydra application: compose the config, run the experiment, report errors in one line."""

from __future__ import annotations

import hashlib
import re
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from gapstudy import schema
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


@hydra.main(version_base="1.3", config_path="pkg://gapstudy.conf", config_name="config")
def hydra_app(cfg: DictConfig) -> None:
    """One job: run the experiment into Hydra's output directory."""
    hc = HydraConfig.get()
    out = hc.runtime.output_dir
    try:
        execute(cfg, out)
    except GapstudyError as exc:
        # the run folder says why it has no results.json, rather than looking merely unfinished
        write_json_atomic(f"{out}/{ERROR_FILE}", {"error": str(exc), "overrides": list(hc.overrides.task)})
        if hc.mode == RunMode.MULTIRUN:
            # one failing job must not discard the others: let the sweep go on
            print(f"gapstudy: job {hc.job.num} failed: {exc}", file=sys.stderr, flush=True)
            return
        fail(str(exc))
    except Exception as exc:  # a bug, not a user mistake: keep its traceback in the job folder
        if hc.mode != RunMode.MULTIRUN:
            raise
        import traceback

        message = f"{type(exc).__name__}: {exc}"
        write_json_atomic(f"{out}/{ERROR_FILE}", {"error": message, "overrides": list(hc.overrides.task),
                                                  "traceback": traceback.format_exc()})
        # the other jobs of the sweep go on; the combined report lists this one under 'Failed jobs'
        print(f"gapstudy: job {hc.job.num} failed: {message} (traceback in {out}/{ERROR_FILE})", file=sys.stderr, flush=True)
