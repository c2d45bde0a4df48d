"""Rerun every experiment on its default data (compare also on the newest Epoch snapshot) and rewrite the findings section of experiments/<name>/README.md."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent  # experiments/, one folder per experiment
# markers around the generated part of each README; everything outside them is written by hand
START = "<!-- findings:start (written by experiments/regenerate.py; edits here are overwritten) -->"
END = "<!-- findings:end -->"
_BLOCK = re.compile(  # the whole generated block, markers included
    r"<!-- findings:start[^>]*-->.*?<!-- findings:end -->", re.S)
# markers around the calibration tables (sizes and power of the gap tests), rendered from the table
# bundled in the package (gapstudy/stats/calibration_table.json, written by the calibration
# experiment with calibration.export=...) into the gap_tests and calibration READMEs
TABLE_START = "<!-- calibration-tables:start (written by experiments/regenerate.py from gapstudy/stats/calibration_table.json) -->"
TABLE_END = "<!-- calibration-tables:end -->"
_TABLE_BLOCK = re.compile(r"<!-- calibration-tables:start[^>]*-->.*?<!-- calibration-tables:end -->", re.S)
TABLE_READMES = ("gap_tests", "calibration")  # the READMEs that carry the calibration tables

# The experiments with a folder here, in the order of the science (science.md sections 1, 3, 4, 5, 6);
# extra overrides per experiment (none: the findings come from the defaults a user gets).
EXPERIMENTS: dict[str, list[str]] = {
    "trends": [],
    "gap_tests": [],
    "calibration": [],
    "parallelism_cost": [],
    "competition": [],
    "compare": [],
}

# Further runs whose findings follow the default run's in the same README: (what they run on, overrides).
# compare's findings must stand on the bundled registry and on the newest Epoch snapshot (issue 12's
# "done when"); the robustness variants give only a row of that snapshot, this gives its whole summary.
ALSO_ON: dict[str, list[tuple[str, list[str]]]] = {
    "compare": [("the newest Epoch notable snapshot (the bundled 2026-07-19 extract)", ["data=epoch_notable"])],
}


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _demote(markdown: str, levels: int = 2) -> str:
    """Headings one or two levels down so the findings sit under the README's own headings."""
    return re.sub(r"^(#+) ", lambda m: "#" * min(len(m.group(1)) + levels, 6) + " ", markdown, flags=re.M)


def run_one(name: str, overrides: list[str]) -> tuple[str, float]:
    """Run an experiment through gapstudy.runner.execute into a temporary folder; its summary.md and wall time."""
    from hydra import compose, initialize_config_module

    from gapstudy import schema
    from gapstudy.runner import execute

    schema.register()
    with initialize_config_module(config_module="gapstudy.conf", version_base="1.3"):
        cfg = compose(config_name="config", overrides=[f"experiment={name}", "quiet=true", *overrides])
    with tempfile.TemporaryDirectory(prefix=f"gapstudy-{name}-") as out:
        t0 = time.perf_counter()
        execute(cfg, out)
        wall = time.perf_counter() - t0
        return (Path(out) / "summary.md").read_text(encoding="utf-8"), wall


def write_findings(readme: Path, body: str) -> None:
    """Replace the text between the markers (append the markers if the README has none)."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else f"# {readme.parent.name}\n"
    block = f"{START}\n{body.strip()}\n{END}"
    if _BLOCK.search(text):
        text = _BLOCK.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip() + "\n\n## Latest findings\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def write_calibration_tables() -> None:
    """Render the bundled calibration table into TABLE_READMES (between their own markers)."""
    from gapstudy.experiments.calibration import tables_markdown
    from gapstudy.stats.calibrate import load_table

    block = f"{TABLE_START}\n{tables_markdown(load_table())}\n{TABLE_END}"
    for name in TABLE_READMES:
        readme = HERE / name / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.exists() else f"# {name}\n"
        if _TABLE_BLOCK.search(text):
            text = _TABLE_BLOCK.sub(lambda _: block, text, count=1)
        else:
            text = text.rstrip() + "\n\n## Calibration tables\n\n" + block + "\n"
        readme.write_text(text, encoding="utf-8")
        print(f"[regenerate] {name}: calibration tables refreshed")


def _previous(readme: Path) -> str:
    if not readme.exists():
        return ""
    m = _BLOCK.search(readme.read_text(encoding="utf-8"))
    if not m:
        return ""
    inner = m.group(0).split("\n", 1)[1].rsplit("\n", 1)[0]
    return "\n".join(ln for ln in inner.splitlines() if not ln.startswith("> Not refreshed"))


def _relative(summary: str) -> str:
    """Paths inside this checkout as the README reader sees them (relative to the repository), not the
    absolute path of whichever clone regenerated them."""
    return summary.replace(f"{HERE.parent}{os.sep}", "")


def _command(name: str, overrides: list[str]) -> str:
    return " ".join(["python -m gapstudy", f"experiment={name}", *overrides])


def _also_on(name: str, what: str, overrides: list[str]) -> str:
    """The findings of one further run (ALSO_ON) under their own heading: its summary's title line
    becomes "... on <what>", its sections sit at the default run's level. Raises if the run fails, so
    the README never mixes a fresh default run with a stale or missing second one."""
    summary, wall = run_one(name, overrides)
    print(f"[regenerate] {name} on {what}: ok ({wall:.0f} s)")
    lines = _demote(_relative(summary)).splitlines()
    if lines and lines[0].startswith("#"):
        lines[0] = f"{lines[0].rstrip()}: on {what}"
    else:
        lines.insert(0, f"### {name} on {what}")
    return "\n".join([lines[0], "", f"_By `{_command(name, overrides)}` ({wall:.0f} s)._", *lines[1:]])


def regenerate(names: list[str], dry_run: bool = False) -> int:
    """Regenerate the named experiments; returns the number that failed (skipped ones do not count)."""
    from gapstudy import __version__, experiments

    available = experiments.available()
    failures = 0
    stamp = f"{dt.date.today().isoformat()}, gapstudy {__version__}, commit {_git_commit()}"
    for name in names:
        readme = HERE / name / "README.md"
        missing = None
        if name not in available:
            missing = f"there is no `conf/experiment/{name}.yaml` in this version"
        elif importlib.util.find_spec(f"gapstudy.experiments.{name}") is None:
            missing = f"there is no module `gapstudy.experiments.{name}` in this version"
        if missing:
            body = f"> Not available yet: {missing} ({stamp}).\n\n{_previous(readme)}"
            print(f"[regenerate] {name}: skipped (experiment not available yet)")
        else:
            try:
                overrides = EXPERIMENTS.get(name, [])
                summary, wall = run_one(name, overrides)
                body = f"_Regenerated {stamp} by `{_command(name, overrides)}` ({wall:.0f} s)._\n\n{_demote(_relative(summary))}"
                print(f"[regenerate] {name}: ok ({wall:.0f} s)")
                for what, extra in ALSO_ON.get(name, []):
                    body = body.rstrip() + "\n\n" + _also_on(name, what, [*overrides, *extra])
            except Exception as exc:  # one broken experiment must not stop the others
                failures += 1
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                body = f"> Not refreshed on {stamp}: the run failed ({type(exc).__name__}: {first}).\n\n{_previous(readme)}"
                print(f"[regenerate] {name}: FAILED\n{traceback.format_exc()}", file=sys.stderr)
        if dry_run:
            print(body[:2000])
        else:
            readme.parent.mkdir(parents=True, exist_ok=True)
            write_findings(readme, body)
    if not dry_run and set(names) & set(TABLE_READMES) and (HERE / TABLE_READMES[0]).is_dir():
        write_calibration_tables()
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("names", nargs="*", help=f"experiments to regenerate (default: all of {', '.join(EXPERIMENTS)})")
    ap.add_argument("--dry-run", action="store_true", help="print the findings instead of writing the READMEs")
    ap.add_argument("--tables-only", action="store_true",
                    help="only render the bundled calibration table into the gap_tests and calibration READMEs")
    args = ap.parse_args(argv)
    if args.tables_only:
        write_calibration_tables()
        return 0
    unknown = [n for n in args.names if n not in EXPERIMENTS]
    if unknown:
        print(f"regenerate: error: unknown experiment(s) {unknown}; choose from {', '.join(EXPERIMENTS)}", file=sys.stderr)
        return 2
    return 1 if regenerate(args.names or list(EXPERIMENTS), args.dry_run) else 0


if __name__ == "__main__":
    raise SystemExit(main())
