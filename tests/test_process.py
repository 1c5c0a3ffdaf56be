"""The installed ``dutycli`` as a real process: pipes, exit codes, signals, imports."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dutycli import dataset
from dutycli.schema import TASK_FIELDS

from .conftest import DATASET, dutycli_executable, run_process


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


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "md", "table"])
def test_head_closing_the_pipe_ends_quietly(fmt: str) -> None:
    command = f"'{dutycli_executable()}' list -f {fmt} | head -1"
    completed = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == b""
    assert len(completed.stdout.splitlines()) == 1


def test_large_output_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    # Enough rows that dutycli is still writing when the reader leaves.
    records = dataset.read(DATASET).tasks
    copies = [{**r, "id": n + 1} for n, r in enumerate(records * 100)]
    big = tmp_path / "big.yaml"
    big.write_text(dataset.dump({"dutycli_dataset": 1, "tasks": copies}), encoding="utf-8")
    for fmt in ("csv", "json", "table"):
        command = f"'{dutycli_executable()}' --data '{big}' list -f {fmt} | head -1"
        completed = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command], capture_output=True, timeout=120, check=False
        )
        assert completed.stderr == b"", (fmt, completed.stderr)
        assert completed.returncode == 0, fmt


def test_full_disk_is_a_clear_error() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        completed = subprocess.run(
            [dutycli_executable(), "list", "-f", "csv"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    assert completed.returncode == 2
    message = completed.stderr.decode()
    assert message.startswith("dutycli: cannot write output") and len(message.splitlines()) == 1


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


HEAVY = ("polars", "rich", "pydantic", "yaml")


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


def test_csv_output_loads_neither_rich_nor_pydantic() -> None:
    # Typer would convert arguments with Pydantic (about 50 ms): dutycli.fastargs avoids it.
    flat = [["by-unit", "发改局", "-f", fmt] for fmt in ("csv", "tsv", "json", "jsonl", "md")]
    for args in [*flat, ["show", "12", "-f", "json"], ["units", "-f", "csv"]]:
        modules = imported_modules(*args)
        assert "polars" in modules
        assert "rich" not in modules, args
        assert "pydantic" not in modules, args


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

    from dutycli.cli import GROUP_VALUE_OPTIONS, app

    # run() skips the values of these options when it looks for the command name.
    group = get_command(app)
    takes_value = {
        name
        for p in group.params
        if p.param_type_name == "option" and not getattr(p, "is_flag", False)
        for name in p.opts
    }
    assert takes_value == set(GROUP_VALUE_OPTIONS)
    # A dataset file named like a command is still the --data value.
    named = tmp_path / "units"
    named.write_bytes(DATASET.read_bytes())
    result = run_process("--data", "units", "by-unit", "发改局", cwd=str(tmp_path))
    assert result.exit_code == 0 and result.stdout == run_process("by-unit", "发改局").stdout
    # Help before the command, and a mistyped command, still see every command.
    assert "by-leader" in run_process("--help", "by-unit").stdout
    assert "'by-unit'" in run_process("bu-unit", "x").stderr
