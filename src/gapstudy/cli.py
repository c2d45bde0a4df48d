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
            hint = ""
            if "is not in struct" in lines[0] and "." in key:  # a new entry of a mapping setting needs Hydra's '+'
                hint = f" (a misspelt name? a new entry of a mapping such as {key.rsplit('.', 1)[0]} takes a leading +: +{key}=...)"
            return f"{key}: {lines[0].strip()}{hint}"
    return " ".join(chain[0].split())


# Characters that Hydra's override grammar reads as syntax (sweep separator, key/value sign, the
# delete prefix, whitespace), so a value holding them has to be quoted.
_GRAMMAR_CHARS = set(",=~ ")


def _quote_hint(overrides: list[str]) -> str:
    """A hint for the first override whose value holds grammar characters unquoted: how to quote it."""
    for ov in overrides:
        key, sep, value = ov.partition("=")
        if sep and value and value[0] not in "'\"" and _GRAMMAR_CHARS & set(value):
            return f"; if {key} is one value holding , = ~ or a space, quote it: {key}='\"{value}\"'"
    return ""


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


def _unknown_addition(key: str) -> str | None:
    """The first part of a dotted key that the typed schema does not have (None if it has it all,
    or if the key goes into a free-form mapping such as competition.params)."""
    from omegaconf import DictConfig, OmegaConf

    from gapstudy.schema import Config

    node = OmegaConf.structured(Config)
    parts = key.split(".")
    for i, part in enumerate(parts):
        if not isinstance(node, DictConfig) or OmegaConf.get_type(node) is dict:
            return None  # a list, a value, or a mapping that takes any key: Hydra/the experiment judge it
        if part not in node:
            return ".".join(parts[: i + 1])
        node = node._get_node(part)
        node = node._dereference_node() if hasattr(node, "_dereference_node") else node
    return None


def check_additions(overrides: list[str]) -> None:
    """`+key=value` adds a setting Hydra would otherwise reject as unknown; refuse keys the schema
    does not have, so a typo (`+tends.n_boot=500`) is not silently ignored."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    for ov in OverridesParser.create().parse_overrides(overrides):
        key = ov.key_or_group
        if not (ov.is_add() or ov.is_force_add()) or key.startswith("hydra") or "/" in key or key in ("experiment", "data"):
            continue
        unknown = _unknown_addition(key)
        if unknown is not None:
            raise GapstudyError(f"unknown setting {unknown!r} in {ov.input_line}: gapstudy has no such setting; "
                                "remove it (`gapstudy experiment=NAME --cfg job` lists every setting)")


# Launchers that need an optional extra of gapstudy (pyproject.toml), by config name.
_LAUNCHER_EXTRAS = {"ray_local": "ray", "ray": "ray", "slurm": "slurm", "slurm_local": "slurm",
                    "submitit_local": "slurm", "submitit_slurm": "slurm"}


# Launchers that submit to a real SLURM cluster (they call srun/sbatch), by config name.
_SLURM_LAUNCHERS = {"slurm", "submitit_slurm"}


def check_launcher(overrides: list[str], multirun: bool = True) -> None:
    """A hydra/launcher=NAME choice must exist and its plugin be installed (inside a compose
    context); a SLURM launcher needs a SLURM login node (submitit fails deep inside otherwise)."""
    import shutil

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
        if multirun and name in _SLURM_LAUNCHERS and shutil.which("srun") is None:
            raise GapstudyError(f"hydra/launcher={name} needs a SLURM cluster and this machine has no srun: run the sweep "
                                "on a SLURM login node, or try it here with hydra/launcher=slurm_local")


def preflight(overrides: list[str], multirun: bool) -> int:
    """Validate the experiment name and compose every job's config; returns the number of jobs."""
    from hydra import compose, initialize_config_module
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from gapstudy import experiments, schema
    from gapstudy.experiments.common import validate_common
    from gapstudy.seeding import check_seed

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
        raise GapstudyError(f"cannot parse the overrides: {_first_line(exc)}{_quote_hint(overrides)}") from None
    check_additions(overrides)
    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        for job in jobs:
            try:
                cfg = compose(config_name="config", overrides=job)
            except (HydraException, OmegaConfBaseException, ValueError) as exc:
                raise GapstudyError(f"invalid setting: {_first_line(exc)}") from None
            check_seed(cfg.seed)
            validate_common(cfg)
            module = experiments.get(cfg.experiment_name)
            validate = getattr(module, "validate", None)
            if validate is not None:
                validate(cfg)
        check_launcher(overrides, multirun)
    try:
        check_output_dir(overrides, multirun)
    except (HydraException, OmegaConfBaseException) as exc:
        raise GapstudyError(f"cannot parse the overrides: {_first_line(exc)}") from None
    return len(jobs)


def version_line() -> str:
    """What --version prints: gapstudy's version and the Hydra and Python it runs on."""
    import platform

    import hydra

    from gapstudy import __version__

    return f"gapstudy {__version__} (Hydra {hydra.__version__}, Python {platform.python_version()})"


def main(argv: list[str] | None = None) -> None:
    """Entry point of `gapstudy` and `python -m gapstudy`."""
    from gapstudy import signals

    argv = list(sys.argv[1:] if argv is None else argv)
    if "--version" in argv:
        print(version_line(), flush=True)
        return
    signals.install()  # Ctrl-C and SIGTERM end the run with one line (below), workers included
    from gapstudy import malloc

    malloc.tune()  # numpy temporaries reuse heap memory instead of page-faulting fresh mmaps (gapstudy.malloc)
    try:
        _main(argv)
    except KeyboardInterrupt as exc:
        print(f"gapstudy: interrupted ({signals.signal_name(exc)}); no results were written for the unfinished run "
              "(its folder holds error.json, not results.json); run the same command again to resume from the cache",
              file=sys.stderr, flush=True)
        raise SystemExit(signals.exit_status(exc)) from None


def _main(argv: list[str]) -> None:
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
        print(f"gapstudy: error: {len(sweep.FAILED_JOBS)} job(s) of the sweep failed; see the combined report "
              f"{sweep.LAST_REPORT or ''}".rstrip(), file=sys.stderr, flush=True)
        raise SystemExit(2)
