"""The streams object decides what a terminal gets: tests set it instead of opening a pty.

One real pseudo-terminal run checks the contract: what ``Streams(terminal=True)`` makes
in-process is what a user's terminal shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from dutycli.errors import EXIT_FOUND, EXIT_USAGE
from dutycli.output import streams
from dutycli.output.streams import Streams

from .conftest import run_cli, run_in_terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def terminal() -> Iterator[None]:
    streams.use(Streams(terminal=True, width=100, colour=False))
    yield
    streams.use(None)


def test_a_terminal_gets_a_table_and_a_pipe_csv(terminal: None) -> None:
    shown = run_cli("by-unit", "商务局")
    assert shown.exit_code == EXIT_FOUND
    assert shown.stdout.startswith("┏") and "共 6 条任务" in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 100
    streams.use(Streams(terminal=False))
    piped = run_cli("by-unit", "商务局")
    assert piped.stdout.splitlines()[0].startswith("id,goal_no,goal,task")


def test_the_table_is_as_wide_as_the_terminal(terminal: None) -> None:
    for width in (60, 120):
        streams.use(Streams(terminal=True, width=width, colour=False))
        lines = run_cli("by-unit", "发改局").stdout.splitlines()
        assert max(len(line) for line in lines if line.startswith(("┏", "│", "└"))) == width


def test_binary_output_is_refused_on_a_terminal_only(terminal: None) -> None:
    refused = run_cli("by-unit", "商务局", "-f", "xlsx")
    assert refused.exit_code == EXIT_USAGE and "not for a terminal" in refused.stderr
    assert run_cli("export", "-o", "-", "-f", "parquet").exit_code == EXIT_USAGE
    streams.use(Streams(terminal=False))
    assert run_cli("export", "-o", "-", "-f", "parquet").exit_code == EXIT_FOUND


def test_colour_is_off_when_the_streams_say_so(terminal: None) -> None:
    plain = run_cli("by-unit", "商务局").stdout
    assert "\x1b[" not in plain
    streams.use(Streams(terminal=True, width=100, colour=True))
    coloured = run_cli("by-unit", "商务局").stdout
    assert "\x1b[" in coloured and ANSI.sub("", coloured) == plain


def test_in_process_terminal_is_what_a_real_terminal_shows(terminal: None) -> None:
    in_process = run_cli("by-leader", "陆秋明").stdout
    code, screen = run_in_terminal("by-leader", "陆秋明", columns=100)
    assert code == EXIT_FOUND
    assert ANSI.sub("", screen).replace("\r\n", "\n") == in_process
