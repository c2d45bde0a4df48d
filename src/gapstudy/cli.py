"""Command line: check the experiment and every job's settings first, then hand over to Hydra."""

from __future__ import annotations

import itertools
import sys

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
    return len(jobs)


def main(argv: list[str] | None = None) -> None:
    """Entry point of `gapstudy` and `python -m gapstudy`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if set(argv) & _QUIET_FLAGS:
        argv = [a for a in argv if a not in _QUIET_FLAGS] + ["quiet=true"]
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
