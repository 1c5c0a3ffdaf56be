"""The terminal (issue 15): tables as wide as the terminal with no header or name broken
inside a word at 60–160 columns, the pager for long output, colour as asked, and numbers
and marks that say what they are.

Layouts are rendered in-process (``streams.use(Streams(terminal=True, width=W))``); the pager
and the colour of a real run are checked on a real pseudo-terminal.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from dutycli.output import streams
from dutycli.output.layout import header_words
from dutycli.output.streams import Streams
from dutycli.schema import LABELS, label
from dutycli.store import loader, yaml_file

from .conftest import DATASET, run_cli, run_in_terminal, run_process
from .test_datasets import NEW_UNIT, build_2020

WIDTHS = (60, 80, 100, 120, 160)
TABLE_LINE = "┏┃┡│├└"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
NAME_HEADERS = {"分管领导", "牵头单位", "配合单位"}


@pytest.fixture(scope="module")
def names() -> set[str]:
    tasks = loader.read_dataset(DATASET).tasks
    found = {n for t in tasks for f in ("leaders", "lead_units", "partner_units") for n in t[f]}
    return found | {NEW_UNIT}  # the 2020 table's new name of 发改局


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    source = loader.read_dataset(DATASET)
    new, _ = build_2020(source.tasks)
    after = tmp_path_factory.mktemp("terminal") / "wujin-2020.yaml"
    after.write_text(
        yaml_file.dump({**source.meta, "goals": source.goals, "tasks": new}), encoding="utf-8"
    )
    return str(DATASET), str(after)


@pytest.fixture
def terminal() -> Iterator[None]:
    yield
    streams.use(None)


def shown(*args: str, width: int, **settings: Any) -> str:
    streams.use(Streams(terminal=True, width=width, colour=False, **settings))
    outcome = run_cli(*args)
    assert outcome.exit_code == 0, outcome
    return outcome.stdout


def tables(text: str) -> Iterator[tuple[list[list[str]], list[list[list[str]]]]]:
    """Each table of ``text``: its header cells (each its lines) and rows (cells, lines)."""
    header: list[list[str]] = []
    rows: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in [*text.splitlines(), ""]:
        cells = [c[1:].rstrip() for c in re.split("[│┃]", line)[1:-1]]
        if line.startswith("┃"):
            header.append(cells)
        elif line.startswith("│"):
            if current is None:
                current = []
                rows.append(current)
            current.append(cells)
        elif line.startswith(("├", "┡")):
            current = None
        elif line.startswith("└") or (not line and header):
            yield (
                [list(c) for c in zip(*header, strict=True)],
                [[list(c) for c in zip(*row, strict=True)] for row in rows],
            )
            header, rows, current = [], [], None


def assert_header_whole(lines: list[str], names: set[str]) -> str:
    """A header's lines break only between the words of its label (or it is a whole name)."""
    parts = [p.strip() for p in lines if p.strip()]
    text = "".join(parts)
    if text in names:  # matrix: a unit's name, on one line
        assert len(parts) == 1, parts
        return text
    known = {*LABELS.values(), *(label(f"{p}{c}") for p in ("old_", "new_") for c in LABELS)}
    assert text in known, text
    boundaries, position = set(), 0
    for word in header_words(text):
        position += len(word.strip())
        boundaries.add(position)
    position = 0
    for part in parts:
        position += len(part)
        assert position in boundaries, (parts, header_words(text))  # never 编/号
    return text


def assert_names_whole(cell: list[str], names: set[str]) -> None:
    for line in cell:
        line = line.strip().removesuffix("→").strip().removesuffix("↑").strip().removesuffix("等")
        for name in filter(None, line.split("、")):
            assert name in names, (name, cell)  # never 陆秋/明


COMMANDS = [
    ["by-unit", "发改局"],
    ["by-leader", "陆秋明"],
    ["list"],
    ["metrics"],
    ["units"],
    ["matrix"],
]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_row_is_the_terminals_width_and_nothing_breaks_mid_word(
    width: int, names: set[str], two_years: tuple[str, str], terminal: None
) -> None:
    for command in [*COMMANDS, ["diff", *two_years]]:
        text = shown(*command, width=width)
        rows_seen = 0
        for line in text.splitlines():
            if line and line[0] in TABLE_LINE:
                assert cell_len(line) == width, (command, line)  # East-Asian wide counted as 2
        for header, rows in tables(text):
            headers = [assert_header_whole(h, names) for h in header]
            for row in rows:
                rows_seen += 1
                for title, cell in zip(headers, row, strict=True):
                    if title in NAME_HEADERS or (command == ["matrix"] and title == "分管领导"):
                        assert_names_whole(cell, names)
        assert rows_seen, command
        first = ["".join(p.strip() for p in h) for h in next(tables(text))[0]]
        if "工作标准" in first:
            # The task text gets the room: ten characters a line from 80 columns on; at 60
            # the name columns take their longest names (文体广电和旅游局、 whole) first.
            widths = [len(p) - 2 for p in re.split("┳", text.split("┏", 1)[1].split("\n")[0])]
            assert widths[first.index("工作标准")] >= (14 if width < 80 else 20), (command, widths)


@pytest.mark.parametrize("width", (60, 100, 160))
def test_stats_lines_fit_and_name_whole_names(width: int, names: set[str], terminal: None) -> None:
    text = shown("stats", "--top", "0", width=width)
    for line in text.splitlines():
        assert cell_len(line) <= width, line
    bars = [
        line.split(" ")[0]
        for line in text.splitlines()
        if ("█" in line or "░" in line) and not line.startswith("█")
    ]
    assert bars and set(bars) <= names


def test_a_narrow_terminal_moves_the_goal_to_a_heading(terminal: None) -> None:
    narrow = shown("by-unit", "发改局", width=60)
    assert "1　主要预期目标（3 条任务）" in narrow and "目标名称" not in narrow
    wide = shown("by-unit", "发改局", width=120)
    assert "目标名称" in wide and "（3 条任务）" not in wide
    assert wide.count("┏") == 1


def test_a_narrow_metrics_table_says_what_it_left_to_the_text(terminal: None) -> None:
    streams.use(Streams(terminal=True, width=80, colour=False))
    english = run_cli("metrics", env={"LANG": "C.UTF-8"})
    chinese = run_cli("metrics", env={"LANG": "zh_CN.UTF-8"})
    for outcome in (english, chinese):
        headers = "".join(line for line in outcome.stdout.splitlines()[:3])
        assert "指标" in headers and "原文" in headers and "数值" not in headers
    assert (
        "A narrow terminal leaves out 序号、动作、数值、计量单位、限定, which 原文"
        in english.stdout
    )
    assert "终端较窄，未列出序号、动作、数值、计量单位、限定，可从原文和编号看出" in chinese.stdout
    wide = shown("metrics", width=160)
    assert "数值" in wide and "终端较窄" not in wide and "narrow" not in wide


# --- say what a number is ----------------------------------------------------------------


def test_matrix_counts_each_leaders_tasks_and_says_so(terminal: None) -> None:
    text = shown("matrix", width=120)
    row = next(line for line in text.splitlines() if line.startswith("│ 陆秋明"))
    assert row.split("│")[-2].strip() == "43"  # his 43 tasks, not 54 leader × unit pairs
    listed = run_cli("by-leader", "陆秋明", "-f", "csv").stdout
    assert len(list(csv.DictReader(io.StringIO(listed)))) == 43
    assert "任务数：该领导的任务，几个单位牵头的只计一次" in text


def test_marks_follow_the_data_whatever_fields_show(terminal: None) -> None:
    text = shown("by-unit", "发改局", "--fields", "id,task,lead_units", width=120)
    four = next(line for line in text.splitlines() if line.startswith("│    4 "))
    assert "发改局 ↑" in four  # lead_units_inherited is not among --fields, the mark stays
    assert "↑ 合并单元格" in text and "沿用上行" not in text.split("┡")[0]
    open_ended = shown("show", "39", "--fields", "id,leaders,lead_units", width=120)
    assert "卫生健康局等" in open_ended.replace("\n", "").replace("│", "").replace(" ", "")
    assert "39" in shown("list", "--fields", "id,lead_units", width=120)
    flat = run_cli("by-unit", "发改局", "--fields", "id,task,lead_units", "-f", "csv").stdout
    assert flat.splitlines()[0] == "id,task,lead_units"  # flat formats: exactly the fields


# --- colour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        ({}, [], True),
        ({"NO_COLOR": "1"}, [], False),
        ({"NO_COLOR": "1"}, ["--color", "always"], True),
        ({}, ["--color", "never"], False),
        ({"TERM": "dumb"}, [], False),
    ],
)
def test_colour_on_a_terminal(
    env: dict[str, str], args: list[str], coloured: bool, terminal: None
) -> None:
    streams.use(Streams(terminal=True, width=100))
    text = run_cli(*args, "matrix", env=env).stdout
    assert ("\x1b[" in text) is coloured
    assert ("颜色越深任务越多" in text) is coloured  # the footnote speaks of colour only with it


@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        ({}, [], False),
        ({"FORCE_COLOR": "1"}, [], True),
        ({"CLICOLOR_FORCE": "1"}, [], True),
        ({"CLICOLOR_FORCE": "0"}, [], False),
        ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
        ({}, ["--color", "always"], True),
    ],
)
def test_colour_into_a_pipe(
    env: dict[str, str], args: list[str], coloured: bool, terminal: None
) -> None:
    streams.use(Streams(terminal=False))
    text = run_cli(*args, "by-unit", "商务局", "-f", "table", env=env).stdout
    assert ("\x1b[" in text) is coloured
    assert ANSI.sub("", text).startswith("┏")


def test_a_bad_colour_choice_is_a_usage_error() -> None:
    outcome = run_cli("--color", "sometimes", "list")
    assert outcome.exit_code == 2 and "--color" in outcome.stderr
    assert "Traceback" not in outcome.stderr


# --- the pager (real pseudo-terminals) ---------------------------------------------------


@pytest.fixture
def fake_pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager that records it ran, with what, and what LESS said."""
    mark = tmp_path / "paged.txt"
    script = tmp_path / "pager"
    script.write_text(f'#!/bin/sh\necho "LESS=$LESS $*" > {mark}\ncat >> {mark}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script), mark


def test_long_output_to_a_terminal_goes_through_the_pager(fake_pager: tuple[str, Path]) -> None:
    pager, mark = fake_pager
    code, screen = run_in_terminal("list", columns=100, env={"DUTYCLI_PAGER": f"{pager} -x"})
    assert code == 0 and mark.exists()
    paged = mark.read_text(encoding="utf-8")
    assert paged.startswith("LESS=FRX -x\n")  # git's defaults when LESS is not set
    assert "共 122 条任务" in ANSI.sub("", paged) and "共 122 条任务" not in screen
    # PAGER when DUTYCLI_PAGER is not set; LESS as the user set it.
    mark.unlink()
    env = {"PAGER": pager, "LESS": "R"}
    assert run_in_terminal("list", columns=100, env=env)[0] == 0
    assert mark.read_text(encoding="utf-8").startswith("LESS=R \n")


def test_short_output_a_pipe_or_no_pager_is_not_paged(fake_pager: tuple[str, Path]) -> None:
    pager, mark = fake_pager
    env = {"DUTYCLI_PAGER": pager}
    code, screen = run_in_terminal("by-unit", "商务局", columns=100, env=env)
    assert code == 0 and "共 6 条任务" in screen and not mark.exists()
    piped = run_process("list", "-f", "table", env=env)
    assert piped.exit_code == 0 and "共 122 条任务" in piped.stdout and not mark.exists()
    code, screen = run_in_terminal("--no-pager", "list", columns=100, env=env)
    assert code == 0 and "共 122 条任务" in screen and not mark.exists()
    code, screen = run_in_terminal("list", columns=100, env={"DUTYCLI_PAGER": "cat"})
    assert code == 0 and "共 122 条任务" in screen


def test_a_missing_pager_or_one_quit_early_is_a_normal_end(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-pager")
    code, screen = run_in_terminal("list", columns=100, env={"DUTYCLI_PAGER": missing})
    assert code == 0 and "共 122 条任务" in screen and "Traceback" not in screen
    code, screen = run_in_terminal("list", columns=100, env={"DUTYCLI_PAGER": "true"})
    assert code == 0 and "Traceback" not in screen and "Broken" not in screen
    assert "共 122 条任务" not in screen


def test_the_pager_is_decided_by_the_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Streams(terminal=True).pager_command() is None  # tests never start less
    assert Streams(terminal=True, pager="less -S").pager_command() == ["less", "-S"]
    assert Streams(terminal=True, pager="").pager_command() is None
    assert Streams(terminal=True, pager="cat").pager_command() is None
    monkeypatch.setattr(os, "environ", {**os.environ, "LINES": "7"})
    assert Streams().lines() == 7
