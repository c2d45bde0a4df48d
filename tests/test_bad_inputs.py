"""Bad inputs through the real command line: each gets one clear line and exit 2, or, where the
data merely needs cleaning, a run that drops and counts the bad rows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cli_helpers import assert_clean_error, gapstudy

FAST = ["trends.n_boot=200", "trends.n_null=200"]
HEADER = "name,organization,publication_date,parameters,domain,source"
# Memory ceiling for the refused-huge-file case: a run needs well under 1 GB of address space
# beyond what numpy/OpenBLAS reserve; parsing 200 MB of text with pandas would need several GB.
ADDRESS_SPACE_LIMIT = 3 * 1024**3


def rows(n: int = 30, start_year: int = 2018) -> list[str]:
    return [f"model-{i},Org,{start_year + i % 6}-0{1 + i % 9}-01,{10 ** (8 + i % 5)},Language,https://example.org/{i}"
            for i in range(n)]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path






# Each case: a file to make (name -> bytes) or none, the arguments, and the error it must get.
FILE_CASES = {
    "unbalanced quote": (b'%s\n"broken,Org,2020-01-01,1e9,Language,x\nok,Org,2020-01-01,1e9,Language,y\n' % HEADER.encode(),
                         r"is not a readable CSV \(.*EOF inside string.*\); check the file is an unmodified export"),
    "latin-1 encoding": (("%s\nmodèle,Org,2020-01-01,1e9,Language,x\n" % HEADER).encode("latin-1"),
                         r"is not UTF-8 text \(byte \d+: b'\\xe8'\); re-save it as UTF-8 CSV"),
    "utf-16 encoding": (("%s\nm,Org,2020-01-01,1e9,Language,x\n" % HEADER).encode("utf-16"), r"is not UTF-8 text"),
    "binary garbage": (bytes(range(256)) * 64, r"is not UTF-8 text"),
    "empty file": (b"", r"is empty; point data.path at an Epoch models CSV"),
    "header only": (HEADER.encode() + b"\n", r"has a header but no rows"),
    "semicolon separated": (b"name;parameters;date\nm;1e9;2020-01-01\n", r"matches none of the known layouts; closest is .* needs the columns"),
    "extra field in the first row": (("%s\nm,Org,2020-01-01,1e9,Language,x,surplus\n" % HEADER + "\n".join(rows()) + "\n").encode(),
                                     r"the first data row \(line 2\) has 1 more field\(s\) than the header's 6; quote the cell"),
    "absurd parameter count": (("%s\n" % HEADER + "\n".join(rows()) + "\nhuge,Org,2021-01-01,1e20,Language,x\n").encode(),
                               r"1 row\(s\) have absurd parameter counts, e.g. 'huge' with 1e\+20"),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_bad_data_file(tmp_path, case):
    content, pattern = FILE_CASES[case]
    csv = tmp_path / "data.csv"
    csv.write_bytes(content)
    proc = gapstudy("experiment=trends", f"data.path={csv}", f"hydra.run.dir={tmp_path / 'run'}", "-q", *FAST, cwd=tmp_path)
    assert_clean_error(proc, pattern)
    assert not (tmp_path / "run" / "results.json").exists()


def test_huge_file_fails_fast_within_bounded_memory(tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:  # 200 MB: text garbage up front, the rest sparse (no disk used)
        fh.write(b"garbage,more garbage\n" * 1000)
        fh.truncate(200_000_000)
    proc = gapstudy("experiment=trends", f"data.path={huge}", f"hydra.run.dir={tmp_path / 'run'}", "-q", *FAST,
                    cwd=tmp_path, address_space=ADDRESS_SPACE_LIMIT)
    assert_clean_error(proc, r"huge.csv is 200 MB, too large for a table of models \(limit 100 MB")


@pytest.mark.parametrize(
    "path,pattern",
    [
        ("/dev/zero", r"data.path is not a regular file: /dev/zero"),  # would stream forever
        ("{tmp}", r"data.path is a directory, not a CSV file"),
        ("{tmp}/nope.csv", r"data file not found: .*nope.csv \(check data.path\)"),
    ],
)
def test_data_path_that_is_not_a_file(tmp_path, path, pattern):
    proc = gapstudy("experiment=trends", f"data.path={path.format(tmp=tmp_path)}", f"hydra.run.dir={tmp_path / 'run'}",
                    "-q", *FAST, cwd=tmp_path)
    assert_clean_error(proc, pattern)


@pytest.mark.parametrize(
    "args,pattern",
    [
        (["gap.lower=0"], r"gap.lower=0 and gap.upper=7e\+10 must be positive parameter counts"),
        (["gap.lower=-20e9"], r"must be positive parameter counts"),
        (["gap.lower=70e9", "gap.upper=20e9"], r"gap.lower=7e\+10 must be below gap.upper=2e\+10; swap or widen them"),
        (["gap.upper=1e20"], r"outside the range of model sizes"),
        (["trends.n_boot=-5"], r"trends.n_boot=-5 .* must be at least 100"),
        (["select.min_parameters=-1"], r"select.min_parameters=-1.0 must be positive"),
        (["select.start=tomorrow"], r"select.start='tomorrow' is not a date; use the form YYYY-MM-DD"),
        (["seed=1.5"], r"seed: Value '1.5' of type 'float' could not be converted to Integer"),
        (["select.domains=[Astronomy]"], r"the selection is empty: select.domains=\['Astronomy'\] removed the last"),
        (["select.min_confidence=sure"], r"select.min_confidence='sure' is unknown"),
        (["hydra/launcher=nope"], r"unknown launcher hydra/launcher=nope; choose one of .*joblib"),
        (["seed=-1"], r"seed=-1 is invalid: use a non-negative integer"),
        (["seed=9223372036854775808"], r"seed=9223372036854775808 is invalid"),
        (["+nonsense=1"], r"unknown setting 'nonsense' in \+nonsense=1: gapstudy has no such setting"),
        (["++trends.n_bootz=500"], r"unknown setting 'trends.n_bootz'"),
        (["data.path=/data/a, b.csv"], r"""quote it: data.path='"/data/a, b.csv"'"""),
        (["data.path=/data/a=b.csv"], r"""quote it: data.path='"/data/a=b.csv"'"""),
        (["data.path=~/models.csv"], r"""quote it: data.path='"~/models.csv"'"""),
    ],
)
def test_impossible_settings(tmp_path, args, pattern):
    proc = gapstudy("experiment=trends", f"hydra.run.dir={tmp_path / 'run'}", "-q", *FAST, *args, cwd=tmp_path)
    assert_clean_error(proc, pattern)


def test_quoted_path_with_grammar_characters_is_read(tmp_path):
    """The fix the hint gives works: a quoted path holding , = and ~ reaches the loader as one value."""
    from cli_helpers import write_hostile_csv

    folder = tmp_path / "a, b=c"
    folder.mkdir()
    write_hostile_csv(folder / "m.csv")
    proc = gapstudy("experiment=trends", f'data.path="{folder / "m.csv"}"', f"hydra.run.dir={tmp_path / 'run'}", "-q", *FAST,
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "run" / "results.json").read_text())["data"]["path"] == str(folder / "m.csv")


def test_home_relative_quoted_path_is_expanded(tmp_path):
    write(tmp_path / "m.csv", [HEADER, *rows()])
    proc = gapstudy("experiment=trends", 'data.path="~/m.csv"', f"hydra.run.dir={tmp_path / 'run'}", "-q", *FAST,
                    cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr


def test_slurm_launcher_off_a_cluster_is_one_line(tmp_path):
    import importlib.util
    import shutil

    if importlib.util.find_spec("hydra_plugins.hydra_submitit_launcher") is None:
        pytest.skip("the submitit launcher is not installed: pip install 'gapstudy[slurm]'")
    if shutil.which("srun"):
        pytest.skip("this machine has srun: hydra/launcher=slurm is valid here")
    proc = gapstudy("-m", "experiment=trends", "hydra/launcher=slurm", f"hydra.sweep.dir={tmp_path / 's'}", cwd=tmp_path)
    assert_clean_error(proc, r"hydra/launcher=slurm needs a SLURM cluster .*: run the sweep on a SLURM login node, "
                             r"or try it here with hydra/launcher=slurm_local")


def test_launcher_without_its_extra_says_what_to_install(tmp_path):
    import importlib.util

    if importlib.util.find_spec("hydra_plugins.hydra_ray_launcher") is not None:
        pytest.skip("the Ray launcher is installed here, so hydra/launcher=ray_local is valid")
    proc = gapstudy("-m", "experiment=trends", "hydra/launcher=ray_local", f"hydra.sweep.dir={tmp_path / 's'}", cwd=tmp_path)
    assert_clean_error(proc, r"hydra/launcher=ray_local needs the optional launcher: pip install 'gapstudy\[ray\]'")


# ---------------------------------------------------------------- unwritable output folders


@pytest.mark.parametrize("multirun", [False, True])
def test_output_folder_under_proc(tmp_path, multirun):
    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    args = (["-m"] if multirun else []) + ["experiment=trends", f"{key}=/proc/x", "-q", *FAST]
    assert_clean_error(gapstudy(*args, cwd=tmp_path), rf"cannot create the output folder /proc/x: .*; set {key}= to a writable folder")


def test_output_folder_below_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    proc = gapstudy("experiment=trends", f"hydra.run.dir={tmp_path / 'afile' / 'run'}", "-q", *FAST, cwd=tmp_path)
    assert_clean_error(proc, r"cannot create the output folder .*afile/run: .*afile is a file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a chmod 000 folder anyway (the /proc case covers root)")
def test_output_folder_without_permission(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        proc = gapstudy("experiment=trends", f"hydra.run.dir={locked / 'run'}", "-q", *FAST, cwd=tmp_path)
        assert_clean_error(proc, r"cannot create the output folder .*locked/run: Permission denied")
    finally:
        locked.chmod(0o755)


# ---------------------------------------------------------------- rows that are dropped and counted


def run_ok(tmp_path: Path, csv: Path, *args: str) -> dict:
    out = tmp_path / "run"
    proc = gapstudy("experiment=trends", f"data.path={csv}", f"hydra.run.dir={out}", "-q", *FAST, *args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "results.json").read_text())
    doc["_summary"] = (out / "summary.md").read_text()
    return doc


def test_negative_and_zero_counts_are_dropped_and_called_invalid(tmp_path):
    csv = write(tmp_path / "neg.csv", [HEADER, *rows(), "neg,Org,2021-01-01,-5e9,Language,x", "zero,Org,2021-01-01,0,Language,x",
                                       "blank,Org,2021-01-01,,Language,x"])
    doc = run_ok(tmp_path, csv)
    assert doc["data"]["dropped"]["invalid parameter count (zero or negative)"] == 2
    assert doc["data"]["dropped"]["missing parameter count"] == 1
    assert doc["data"]["rows_used"] == 30
    assert "invalid parameter count (zero or negative) 2" in doc["_summary"]


def test_future_dates_are_dropped_counted_and_noted(tmp_path):
    csv = write(tmp_path / "future.csv", [HEADER, *rows(), "f1,Org,2999-01-01,1e9,Language,x", "f2,Org,2998-06-01,2e9,Language,x"])
    doc = run_ok(tmp_path, csv)
    assert doc["data"]["dropped"]["dated in the future"] == 2
    assert "dated in the future 2" in doc["_summary"]


def test_duplicate_models_are_counted_and_deduplicated_on_request(tmp_path):
    lines = rows()
    csv = write(tmp_path / "dup.csv", [HEADER, *lines, lines[3], lines[3], lines[5]])
    kept = run_ok(tmp_path, csv)
    assert kept["data"]["rows_used"] == 33  # without dedupe every row stays
    deduped = run_ok(tmp_path, csv, "select.dedupe=true")
    assert deduped["data"]["dropped"]["duplicate name and date"] == 3
    assert deduped["data"]["rows_used"] == 30
    assert "duplicate name and date 3" in deduped["_summary"]
