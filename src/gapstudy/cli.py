"""Command line: check the experiment and every job's settings first, then hand over to Hydra."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from gapstudy.errors import GapstudyError

# Flags after which Hydra only prints information; nothing to validate then.
_INFO_FLAGS = {"--help", "-h", "--hydra-help", "--version", "--info", "-i", "--cfg", "-c", "--shell-completion", "-sc"}
_MULTIRUN_FLAGS = {"-m", "--multirun"}
_QUIET_FLAGS = {"-q", "--quiet"}  # shorthand for the override quiet=true


def _first_line(exc: BaseException) -> str:
    """The most useful one-line message of a Hydra/OmegaConf error chain: the first link that
    names the offending key (OmegaConf's `full_key:`), else the outermost message."""
    chain = []
    while exc is not None:
        text = str(exc).strip()
        if text:
            chain.append(text)
        exc = exc.__cause__ or exc.__context__
    if not chain:
        return "invalid configuration"
    for text in chain:
        lines = text.splitlines()
        key = next((ln.split(":", 1)[1].strip() for ln in lines if ln.strip().startswith("full_key:")), "")
        if key:
            return f"{key}: {lines[0].strip()}"
    return " ".join(chain[0].split())


def _job_overrides(overrides: list[str], multirun: bool) -> list[list[str]]:
    """Each job's override list: the sweep expanded (Cartesian product) when multirun."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    choices = []
    for ov in parsed:
        if ov.key_or_group.startswith("hydra"):
            continue
        if multirun and ov.is_sweep_override():
            values = list(ov.sweep_string_iterator())
        else:
            values = [ov.get_value_element_as_str()]
        prefix = ov.get_key_element()
        choices.append([f"{prefix}={v}" for v in values])
    return [list(combo) for combo in itertools.product(*choices)]


def _experiment_of(overrides: list[str]) -> list[str]:
    names = []
    for ov in overrides:
        key, sep, value = ov.partition("=")
        if sep and key.lstrip("+~") == "experiment":
            names += [v.strip() for v in value.split(",")]
    return names


def _output_dir(overrides: list[str], multirun: bool) -> Path:
    """The folder a run (hydra.run.dir) or sweep (hydra.sweep.dir) writes into, up to its first
    interpolation; the defaults live under the working directory (outputs/, multirun/)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    value = None
    for ov in OverridesParser.create().parse_overrides(overrides):
        if ov.key_or_group == key:
            value = ov.get_value_element_as_str()
    if value is None:
        return Path.cwd() / ("multirun" if multirun else "outputs")
    return Path(value.split("${", 1)[0] or ".").expanduser().absolute()


def check_output_dir(overrides: list[str], multirun: bool) -> None:
    """Fail before the run when its output folder cannot be created or written (Hydra would stop
    with a traceback, or the run would lose its results at the end)."""
    import tempfile

    target = _output_dir(overrides, multirun)
    what = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    probe = target
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise GapstudyError(f"cannot create the output folder {target}: {probe} is a file; set {what}= to a writable folder")
    try:
        Path(tempfile.mkdtemp(prefix=".gapstudy-write-test-", dir=probe)).rmdir()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise GapstudyError(f"cannot create the output folder {target}: {reason} in {probe}; set {what}= to a writable folder") from None


# Launchers that need an optional extra of gapstudy (pyproject.toml), by config name.
_LAUNCHER_EXTRAS = {"ray_local": "ray", "ray": "ray", "slurm": "slurm", "slurm_local": "slurm",
                    "submitit_local": "slurm", "submitit_slurm": "slurm"}


def check_launcher(overrides: list[str]) -> None:
    """A hydra/launcher=NAME choice must exist and its plugin be installed (inside a compose context)."""
    from hydra import compose
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    names = [ov.split("=", 1)[1].strip() for ov in overrides if ov.split("=", 1)[0].lstrip("+~") == "hydra/launcher"]
    for name in names:
        try:
            compose(config_name="config", overrides=[f"hydra/launcher={name}"], return_hydra_config=True)
        except (HydraException, OmegaConfBaseException, ImportError):
            extra = _LAUNCHER_EXTRAS.get(name)
            if extra:
                raise GapstudyError(f"hydra/launcher={name} needs the optional launcher: pip install 'gapstudy[{extra}]'") from None
            options = GlobalHydra.instance().config_loader().get_group_options("hydra/launcher")
            raise GapstudyError(f"unknown launcher hydra/launcher={name}; choose one of {', '.join(sorted(options))}") from None


def preflight(overrides: list[str], multirun: bool) -> int:
    """Validate the experiment name and compose every job's config; returns the number of jobs."""
    from hydra import compose, initialize_config_module
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from gapstudy import experiments, schema
    from gapstudy.experiments.common import validate_common

    names = experiments.available()
    requested = _experiment_of(overrides)
    if not requested:
        raise GapstudyError(f"choose an experiment: experiment= one of {', '.join(names)}")
    for name in requested:
        if name not in names:
            raise GapstudyError(f"unknown experiment {name!r}; choose experiment= one of {', '.join(names)}")
    try:
        jobs = _job_overrides(overrides, multirun)
    except (HydraException, OmegaConfBaseException) as exc:
        raise GapstudyError(f"cannot parse the overrides: {_first_line(exc)}") from None
    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        for job in jobs:
            try:
                cfg = compose(config_name="config", overrides=job)
            except (HydraException, OmegaConfBaseException, ValueError) as exc:
                raise GapstudyError(f"invalid setting: {_first_line(exc)}") from None
            validate_common(cfg)
            module = experiments.get(cfg.experiment_name)
            validate = getattr(module, "validate", None)
            if validate is not None:
                validate(cfg)
        check_launcher(overrides)
    try:
        check_output_dir(overrides, multirun)
    except (HydraException, OmegaConfBaseException) as exc:
        raise GapstudyError(f"cannot parse the overrides: {_first_line(exc)}") from None
    return len(jobs)


def main(argv: list[str] | None = None) -> None:
    """Entry point of `gapstudy` and `python -m gapstudy`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if set(argv) & _QUIET_FLAGS:
        argv = [a for a in argv if a not in _QUIET_FLAGS] + ["quiet=true"]
    if any(a.lower() in ("quiet=true", "quiet=1", "quiet=yes") for a in argv) and not any(
        a.startswith("hydra/hydra_logging=") for a in argv
    ):
        argv.append("hydra/hydra_logging=disabled")  # quiet silences Hydra's own launcher lines too
    if not (set(argv) & _INFO_FLAGS):
        overrides = [a for a in argv if not a.startswith("-")]
        multirun = bool(set(argv) & _MULTIRUN_FLAGS)
        try:
            preflight(overrides, multirun)
        except GapstudyError as exc:
            print(f"gapstudy: error: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
    from gapstudy import app, sweep

    sys.argv = ["gapstudy", *argv]
    app.hydra_app()
    if sweep.FAILED_JOBS:
        print(f"gapstudy: error: {len(sweep.FAILED_JOBS)} job(s) of the sweep failed; see the combined report",
              file=sys.stderr, flush=True)
        raise SystemExit(2)
