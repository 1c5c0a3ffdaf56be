"""The installed ``dutycli`` as a real process: pipes, exit codes, signals, imports."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dutycli.schema import TASK_FIELDS
from dutycli.store import loader, yaml_file

from .conftest import DATASET, RAW, dutycli_executable, interrupted_while_blocked, run_process


def test_pipe_defaults_to_csv_with_the_public_schema() -> None:
    result = run_process("by-unit", "发改局")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(TASK_FIELDS)
    assert all("发改局" in row["lead_units"].split("、") for row in rows)
    assert "┃" not in result.stdout  # never a Rich table into a pipe
    assert result.stderr == ""


def test_exit_codes_as_documented() -> None:
    assert run_process("by-leader", "陆秋明").exit_code == 0
    assert run_process("search", "不存在的关键词").exit_code == 1
    bad = run_process("by-unit", "不存在的单位")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("dutycli: ") and len(bad.stderr.splitlines()) == 1
    assert "Traceback" not in bad.stderr
    assert run_process("--data", "/nonexistent/x.yaml", "units").exit_code == 2


FORMATS_ALL = ["csv", "tsv", "json", "jsonl", "md", "table"]
# Every kind of output: rows, a record, a directory, goals, the summary, import, help.
OUTPUT_COMMANDS = [
    *(["list", "-f", fmt] for fmt in FORMATS_ALL),
    ["show", "1", "-f", "table"],
    ["units", "-f", "table"],
    ["targets", "-f", "json"],
    [],
    ["import", str(RAW)],
    ["--help"],
]


@pytest.mark.parametrize("args", OUTPUT_COMMANDS, ids=" ".join)
def test_head_closing_the_pipe_ends_quietly(args: list[str]) -> None:
    command = " ".join(shlex.quote(a) for a in [dutycli_executable(), *args]) + " | head -1"
    completed = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    # import reports on stderr by design; nothing else may appear there.
    assert completed.stderr == b"" or args[0] == "import", completed.stderr
    assert b"Traceback" not in completed.stderr and b"Error" not in completed.stderr
    assert len(completed.stdout.splitlines()) == 1


@pytest.fixture(scope="module")
def big_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real tasks ten times: far more output than a pipe buffer (64 KiB) holds."""
    records = loader.read_dataset(DATASET).tasks
    copies = [{**r, "id": n + 1} for n, r in enumerate(records * 10)]
    big = tmp_path_factory.mktemp("big") / "big.yaml"
    big.write_text(yaml_file.dump({"dutycli_dataset": 1, "tasks": copies}), encoding="utf-8")
    return big


def test_large_output_into_a_closed_pipe_is_quiet(big_dataset: Path) -> None:
    # Enough rows that dutycli is still writing when the reader leaves.
    big = big_dataset
    for fmt in ("csv", "json", "table"):
        command = f"'{dutycli_executable()}' --data '{big}' list -f {fmt} | head -1"
        completed = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command], capture_output=True, timeout=120, check=False
        )
        assert completed.stderr == b"", (fmt, completed.stderr)
        assert completed.returncode == 0, fmt


@pytest.mark.parametrize("args", [*OUTPUT_COMMANDS, ["--version"]], ids=" ".join)
def test_full_disk_is_a_clear_error(args: list[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        completed = subprocess.run(
            [dutycli_executable(), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    assert completed.returncode == 2
    lines = completed.stderr.decode().splitlines()
    # import's own report comes first; the error is the one last line.
    assert lines[-1] == "dutycli: cannot write output: No space left on device", lines
    assert len(lines) == (2 if args and args[0] == "import" else 1), lines


def test_sigint_exits_130_without_traceback(tmp_path: Path) -> None:
    # A fifo nobody opens for reading: dutycli blocks reading its dataset until interrupted.
    fifo = tmp_path / "data.yaml"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [dutycli_executable(), "--data", str(fifo), "units"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # As from a terminal: a parent started in the background may have SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"Traceback" not in stderr


def test_python_dash_m_runs_the_same_program() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "dutycli", "by-unit", "发改局", "-f", "json"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0
    assert all("发改局" in r["lead_units"] for r in json.loads(completed.stdout))


def test_works_from_any_directory(tmp_path: Path) -> None:
    result = run_process("leaders", "-f", "json", cwd=str(tmp_path))
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 8


def test_environment_variable_selects_the_dataset(tmp_path: Path) -> None:
    other = tmp_path / "d.yaml"
    other.write_text(
        DATASET.read_text(encoding="utf-8").replace("陆秋明", "甲乙丙"), encoding="utf-8"
    )
    assert run_process("by-leader", "甲乙丙", env={"DUTYCLI_DATA": str(other)}).exit_code == 0


def imported_modules(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """Modules loaded by running dutycli with ``args`` (reported by an atexit hook)."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join(sys.modules) + '\\n'))\n"
        "from dutycli.__main__ import main\n"
        f"sys.argv = ['dutycli', *{list(args)!r}]\n"
        "main()\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )
    line = [ln for ln in completed.stderr.decode().splitlines() if ln.startswith("MODULES ")][-1]
    return set(line.split()[1:])


HEAVY = ("polars", "rich", "pydantic", "yaml", "pypinyin")


def test_help_version_and_completion_load_nothing_heavy() -> None:
    for args in (["--help"], ["--version"], ["by-unit", "--help"], ["export", "--help"]):
        modules = imported_modules(*args)
        assert not [m for m in HEAVY if m in modules], args
    completion = {
        "_DUTYCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": "dutycli by-u",
        "COMP_CWORD": "1",
    }
    modules = imported_modules(env=completion)
    assert not [m for m in HEAVY if m in modules]


def test_csv_output_loads_neither_rich_nor_pydantic_nor_yaml() -> None:
    # Typer would convert arguments with Pydantic (about 50 ms): dutycli.fastargs avoids it.
    flat = [["by-unit", "发改局", "-f", fmt] for fmt in ("csv", "tsv", "json", "jsonl", "md")]
    for args in [*flat, ["show", "12", "-f", "json"], ["units", "-f", "csv"]]:
        modules = imported_modules(*args)
        assert "polars" in modules
        assert "rich" not in modules, args
        assert "pydantic" not in modules, args
        # The dataset and its aliases file come from the cache, parsed: no PyYAML.
        assert "yaml" not in modules, args


def test_table_output_loads_rich() -> None:
    assert "rich" in imported_modules("by-unit", "发改局", "-f", "table")


def test_bad_arguments_keep_typers_own_messages() -> None:
    # Values fastargs cannot convert go to Typer, which words the error as always.
    bad_id = run_process("show", "abc")
    assert bad_id.exit_code == 2
    assert "Invalid value for 'ID'" in bad_id.stderr
    bad_format = run_process("by-unit", "发改局", "-f", "xml")
    assert bad_format.exit_code == 2
    assert "'xml' is not one of" in bad_format.stderr
    assert run_process("show", "+12", "-f", "csv").exit_code == 0
    # A range on a whole number is Typer's to check, too.
    below = run_process("stats", "--top", "-1", "-f", "csv")
    assert below.exit_code == 2 and "--top" in below.stderr
    assert run_process("stats", "--top", "2", "-f", "csv").exit_code == 0


# --- interrupted while writing ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_sigint_while_blocked_writing_exits_130(big_dataset: Path, fmt: str) -> None:
    assert interrupted_while_blocked("--data", str(big_dataset), "list", "-f", fmt) == (
        130,
        "dutycli: interrupted\n",
    )


# --- locales that are not UTF-8 -----------------------------------------------------

LOCALES = {
    "LANG=C": {"LANG": "C", "LC_ALL": ""},
    "LC_ALL=C": {"LC_ALL": "C", "LANG": "C"},
    "ascii-io": {"PYTHONIOENCODING": "ascii"},
    "C-no-utf8-mode": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"},
    "C-ascii-io": {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"},
}
LOCALE_COMMANDS = [
    # With a Chinese stderr note; the other flat formats share the byte-writing path of csv/json.
    # (csv and the other flat formats share json's byte-writing path; show, the table's.)
    *(["by-unit", "纪委", "-f", fmt] for fmt in ("json", "table")),
    [],
    ["by-unit", "法改局"],  # an error with Chinese in it
    ["--data", "/nonexistent/数据.yaml", "units"],  # a Chinese path in an error
]


def run_raw(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("DUTYCLI_DATA", "LC_ALL")}
    full_env.update({"COLUMNS": "200", **env})
    return subprocess.run(
        [dutycli_executable(), *args], capture_output=True, env=full_env, timeout=60, check=False
    )


@pytest.mark.parametrize("args", LOCALE_COMMANDS, ids=" ".join)
def test_non_utf8_locales_still_write_utf8(args: list[str]) -> None:
    reference = run_raw(args, {"LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    with ThreadPoolExecutor(max_workers=len(LOCALES)) as pool:
        outcomes = dict(
            zip(LOCALES, pool.map(lambda env: run_raw(args, env), LOCALES.values()), strict=True)
        )
    for name, got in outcomes.items():
        # The same bytes as in a UTF-8 locale: correct UTF-8, no \\u escapes, no traceback.
        assert got.returncode == reference.returncode, (name, got.stderr)
        assert got.stdout == reference.stdout, name
        assert got.stderr == reference.stderr, (name, got.stderr)
        assert b"Traceback" not in got.stderr and b"\\u" not in got.stderr, name
        got.stdout.decode("utf-8")
        got.stderr.decode("utf-8")


def test_a_gbk_terminal_gets_gbk_table_and_utf8_csv() -> None:
    env = {"PYTHONIOENCODING": "gbk"}
    table = run_raw(["by-unit", "纪委", "-f", "table"], env)
    assert table.returncode == 0
    assert "纪委监委" in table.stdout.decode("gbk")  # readable on that terminal
    assert "纪委监委" in table.stderr.decode("gbk")
    flat = run_raw(["by-unit", "纪委", "-f", "csv"], env)
    assert "纪委监委" in flat.stdout.decode("utf-8")  # CSV is documented as UTF-8


# --- queries never write; import never leaves half a file ---------------------------

READ_ONLY_COMMANDS = [
    [],
    ["list"],
    ["by-unit", "发改局"],
    ["by-leader", "陆秋明", "--strict"],
    ["by-target", "4"],
    ["search", "石墨烯"],
    ["show", "7", "-f", "table"],
    ["leaders"],
    ["units"],
    ["targets", "-f", "json"],
    ["by-unit", "法改局"],  # an error
    ["search", "不存在的关键词"],  # no rows
]


def test_every_query_leaves_the_dataset_and_its_folder_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / "d.yaml"
    target.write_bytes(DATASET.read_bytes())
    os.chmod(target, 0o444)  # a query must not even need to write

    def snapshot() -> list[tuple[str, bytes, int, int]]:
        return [
            (p.name, p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
            for p in sorted(folder.iterdir())
        ]

    before = snapshot()
    for args in READ_ONLY_COMMANDS:
        outcome = run_process("--data", str(target), *args, cwd=str(folder))
        assert outcome.exit_code in (0, 1, 2) and "Traceback" not in outcome.stderr
        assert snapshot() == before, args


# Runs the import in a Python process whose fsync stops halfway: the dataset text has been
# written to the temporary file and not yet renamed. The test then kills it with SIGKILL.
STALLED_IMPORT = """
import os, sys, time
def stall(fd):
    sys.stderr.write("WRITTEN\\n"); sys.stderr.flush()
    time.sleep(60)
os.fsync = stall
from dutycli.cli.app import run
sys.exit(run(sys.argv[1:]))
"""


@pytest.mark.parametrize("existing", [False, True], ids=["new", "replacing"])
def test_import_killed_mid_write_leaves_no_half_file(tmp_path: Path, existing: bool) -> None:
    target = tmp_path / "out.yaml"
    if existing:
        target.write_text("old\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", STALLED_IMPORT, "import", str(RAW), "-o", str(target), "--force"],
        stderr=subprocess.PIPE,
        cwd=str(tmp_path),
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line == b"WRITTEN\n":
            break
    process.kill()
    process.wait(timeout=30)
    # The target is the old file or absent, never a partial one.
    if existing:
        assert target.read_text(encoding="utf-8") == "old\n"
    else:
        assert not target.exists()
    # Only the documented temporary file may remain (SIGKILL cannot be caught), full-sized.
    leftovers = [p for p in tmp_path.iterdir() if p != target]
    assert [p.name.startswith(".out.yaml.") and p.name.endswith(".tmp") for p in leftovers] == [
        True
    ]
    assert leftovers[0].read_bytes() == DATASET.read_bytes()


def test_import_interrupted_mid_write_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    code = STALLED_IMPORT.replace("time.sleep(60)", "raise KeyboardInterrupt")
    completed = subprocess.run(
        [sys.executable, "-c", code, "import", str(RAW), "-o", str(target)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 130
    assert completed.stderr.decode().splitlines()[-1] == "dutycli: interrupted"
    assert list(tmp_path.iterdir()) == []  # neither the target nor the temporary file


def test_import_writes_a_readable_file_not_a_private_one(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    assert run_process("import", str(RAW), "-o", str(target)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_installed_command_imports_a_word_table(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    from .tables import Table, write_docx

    header = ["序号", "目标名称", "工作任务", "责任领导", "责任单位", "协办单位", "时间节点"]
    body = [
        ["1", "甲", "任务一", "张三", "某局", "各街道", "6月底"],
        ["", "", "任务二", "", "", "", ""],
    ]
    table = Table(["附件", "标题"], header, body, merge_columns=(0, 1, 3, 4, 5, 6))
    source = write_docx(table, tmp_path / "t.docx")
    result = run_process("import", str(source), "-o", str(tmp_path / "t.yaml"))
    assert result.exit_code == 0, result.stderr
    listed = run_process("--data", str(tmp_path / "t.yaml"), "list", "-f", "json")
    tasks = json.loads(listed.stdout)
    assert [t["partner_units"] for t in tasks] == [["各街道"], ["各街道"]]
    assert [t["deadline_inherited"] for t in tasks] == [False, True]


def test_only_the_command_asked_for_is_built_and_it_behaves_the_same(tmp_path: Path) -> None:
    from typer.main import get_command

    from dutycli.cli.app import app
    from dutycli.completion.command_table import GLOBAL_VALUE_OPTIONS

    # run() skips the values of these options when it looks for the command name.
    group = get_command(app)
    takes_value = {
        name
        for p in group.params
        if p.param_type_name == "option" and not getattr(p, "is_flag", False)
        for name in p.opts
    }
    assert takes_value == set(GLOBAL_VALUE_OPTIONS)
    # A dataset file named like a command is still the --data value.
    named = tmp_path / "units"
    named.write_bytes(DATASET.read_bytes())
    result = run_process("--data", "units", "by-unit", "发改局", cwd=str(tmp_path))
    assert result.exit_code == 0 and result.stdout == run_process("by-unit", "发改局").stdout
    # Help before the command, and a mistyped command, still see every command.
    assert "by-leader" in run_process("--help", "by-unit").stdout
    assert "'by-unit'" in run_process("bu-unit", "x").stderr
