"""Data is shown, never obeyed: markup, ANSI escapes and control characters in every field.

A dataset may come from anyone. In the terminal table (and in stderr notes that echo
names or paths) such characters appear as visible escapes (``\\x1b``); CSV and JSON keep
them exactly, because they are the data.
"""

from __future__ import annotations

import csv
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from dutycli.output import text
from dutycli.schema import TASK_FIELDS
from dutycli.store import loader, yaml_file

from .conftest import Outcome, run_cli, run_in_terminal, run_process

MARKUP = "[bold]粗[/bold][/][link=https://evil.example/]点我[/link]:smile:[red]"
ANSI = "\x1b[31m红\x1b[0m\x1b]8;;https://evil.example/\x07链\x1b]8;;\x07\x1b[2J\x1b[H"
CONTROLS = "甲\x00乙\x07丙\x08丁\r戊\x7f己\x85庚\x9b辛\t壬\x0b癸"
INVISIBLE = "发\u200b改\u202e局\u2066\u2028末\ufeff"
PAYLOAD = f"{MARKUP}|{ANSI}|{CONTROLS}|{INVISIBLE}"
# Everything a terminal must not receive raw from data (newlines are layout).
RAW_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
WIDE = {"COLUMNS": "2000"}  # no folding: a payload stays on one line of the table


def hostile_names(mark: str) -> list[str]:
    # No line break inside a name: the importer splits names there, and so does validation.
    return [f"{mark}[bold]甲[/]", f"{mark}\x1b[31m乙", f"{mark}\x00丙\x0e丁", f"{mark}\u202e戊"]


def hostile_task(task_id: int) -> dict[str, Any]:
    """A task with a payload in every text and name field of the schema."""
    record: dict[str, Any] = {}
    for name, kind in TASK_FIELDS.items():
        if kind == "int":
            record[name] = 1 if name == "goal_no" else task_id
        elif kind == "str":
            record[name] = f"{name}{task_id}{PAYLOAD}"
        elif kind == "names":
            record[name] = hostile_names(f"{name[:4]}{task_id}")
        else:
            record[name] = task_id % 2 == 0
    return record


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    tasks = [hostile_task(n) for n in (1, 2)]
    goal = tasks[0]["goal"]
    for task in tasks:
        task["goal"] = goal
    document = {
        "dutycli_dataset": 1,
        "title": f"标题{PAYLOAD}",
        "label": f"附件{ANSI}",
        "goals": [{"number": 1, "name": goal}],
        "tasks": tasks,
    }
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(yaml_file.dump(document), encoding="utf-8")
    # A changed copy for diff: other units on task 2, and a third task.
    changed = [tasks[0], {**tasks[1], "lead_units": hostile_names("新")}, hostile_task(3)]
    changed[2]["goal"] = goal
    other = path.with_name("hostile-changed.yaml")
    other.write_text(yaml_file.dump({**document, "tasks": changed}), encoding="utf-8")
    assert loader.read_dataset(path).tasks == tasks  # the YAML keeps every character
    return path, tasks


TABLE_COMMANDS = [
    [],
    ["list"],
    ["list", "--strict"],
    ["by-unit", "lead"],
    ["by-leader", "lead"],
    ["by-target", "1"],
    ["by-target", "goal"],
    ["search", "task"],
    ["search", "--regex", "红|粗"],
    ["show", "1"],
    ["show", "2"],
    ["leaders"],
    ["units"],
    ["targets"],
    ["stats"],
    ["matrix"],
    ["metrics"],
    ["datasets"],
    ["diff", "{path}", "{other}"],
]


def table_args(path: Path, command: list[str]) -> list[str]:
    other = path.with_name("hostile-changed.yaml")
    command = [{"{path}": str(path), "{other}": str(other)}.get(part, part) for part in command]
    return ["--data", str(path), *command, *(["-f", "table"] if command else [])]


def assert_nothing_raw(outcome: Outcome) -> None:
    assert outcome.exit_code == 0, outcome
    for stream in (outcome.stdout, outcome.stderr):
        raw = RAW_UNSAFE.findall(stream)
        assert not raw, (sorted(set(raw)), stream[:2000])


@pytest.mark.parametrize("command", TABLE_COMMANDS, ids=" ".join)
def test_table_output_shows_escapes_never_raw_controls(
    hostile: tuple[Path, list[dict[str, Any]]], command: list[str]
) -> None:
    path, _ = hostile
    outcome = run_cli(*table_args(path, command), env=WIDE)
    assert_nothing_raw(outcome)
    assert "\\x1b" in outcome.stdout  # shown, visibly
    assert "\\x00" in outcome.stdout + outcome.stderr or command in (["leaders"], ["units"])


def test_installed_command_is_as_safe_for_every_command(
    hostile: tuple[Path, list[dict[str, Any]]],
) -> None:
    path, _ = hostile
    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(
            pool.map(lambda c: run_process(*table_args(path, c), env=WIDE), TABLE_COMMANDS)
        )
    for command, outcome in zip(TABLE_COMMANDS, outcomes, strict=True):
        assert_nothing_raw(outcome)
        assert "\\x1b" in outcome.stdout, command


def test_markup_is_shown_literally_and_escapes_are_visible(
    hostile: tuple[Path, list[dict[str, Any]]],
) -> None:
    path, tasks = hostile
    shown = run_cli("--data", str(path), "show", "1", "-f", "table", env=WIDE).stdout
    for name, kind in TASK_FIELDS.items():
        if kind == "str":
            assert f"{name}1{MARKUP}|" in shown, name
            assert text.escape_controls(f"{name}1{PAYLOAD}") in shown, name
        elif kind == "names":
            for value in tasks[0][name]:
                assert text.escape_controls(value, keep_newlines=False) in shown, value


def test_notes_on_stderr_escape_the_names_they_echo(
    hostile: tuple[Path, list[dict[str, Any]]],
) -> None:
    path, _ = hostile
    for runner in (run_cli, run_process):
        outcome = runner("--data", str(path), "by-unit", "lead", "-f", "csv")
        assert outcome.exit_code == 0
        assert len(outcome.stderr.splitlines()) == 1
        assert "\\x1b[31m乙" in outcome.stderr and "\\x00丙\\x0e丁" in outcome.stderr
        assert not RAW_UNSAFE.findall(outcome.stderr)


def test_paths_and_arguments_in_errors_are_escaped(tmp_path: Path) -> None:
    missing = tmp_path / "bad\x1b[31m\nname.yaml"
    for runner in (run_cli, run_process):
        for args in (
            ["--data", str(missing), "units"],
            ["\x1b]0;title\x07"],
            ["list", "-f", "\x1b[2J"],
            ["by-unit", "\x1b[31m"],
        ):
            outcome = runner(*args)
            assert outcome.exit_code == 2, args
            assert len(outcome.stderr.splitlines()) == 1, outcome.stderr
            assert not RAW_UNSAFE.findall(outcome.stderr), outcome.stderr
            assert "\\x1b" in outcome.stderr


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_flat_formats_keep_every_character(
    hostile: tuple[Path, list[dict[str, Any]]], fmt: str
) -> None:
    path, tasks = hostile
    for runner in (run_cli, run_process):
        out = runner("--data", str(path), "list", "-f", fmt).stdout
        if fmt == "json":
            assert json.loads(out) == tasks
        elif fmt == "jsonl":
            # split on newlines only: U+2028 and NEL are data inside the JSON strings
            assert [json.loads(line) for line in out.rstrip("\n").split("\n")] == tasks
        else:
            rows = list(
                csv.DictReader(
                    io.StringIO(out, newline=""), delimiter="," if fmt == "csv" else "\t"
                )
            )
            for row, task in zip(rows, tasks, strict=True):
                for name, kind in TASK_FIELDS.items():
                    if kind == "str":
                        assert row[name] == task[name]
                    elif kind == "names":
                        assert row[name] == "、".join(task[name])


def test_a_real_terminal_gets_no_escape_sequence_from_the_data(
    hostile: tuple[Path, list[dict[str, Any]]],
) -> None:
    path, _ = hostile
    for command in (["list"], ["show", "1"], ["units"]):
        code, screen = run_in_terminal(
            "--data", str(path), *command, env={"COLUMNS": "300", "LINES": "50"}
        )
        assert code == 0
        assert "━" in screen or "─" in screen  # it is a table, with Rich's own styling
        # The payload's sequences never reach the terminal: no colour, link, clear or bell.
        for sequence in ("\x1b[31m红", "\x1b]8;;https://evil", "\x1b[2J", "\x07", "\x00", "\u202e"):
            assert sequence not in screen, (command, sequence)
        assert "\\x1b" in screen  # shown as a visible escape instead
