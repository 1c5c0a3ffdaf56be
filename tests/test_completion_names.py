"""Command names, option names and fixed option values: the fast path answers as Typer does.

Typer's answer is computed in the same process (its completion class on the app), the fast
path's through ``protocol.answer``; both must be byte-identical for bash, zsh and fish, at
several terminal widths (zsh and fish wrap help texts to the terminal as Rich does).
"""

from __future__ import annotations

import pytest
from typer._click.shell_completion import get_completion_class
from typer.main import get_command

from dutycli.cli.app import app
from dutycli.completion import names, names_table
from dutycli.completion import protocol as completion_protocol
from dutycli.completion.command_names import HELPS, ROWS
from dutycli.completion.generate import NAMES_FILE
from dutycli.completion.scripts import register

SHELLS = ("bash", "zsh", "fish")


def lines() -> list[str]:
    """Command lines covering every command, subcommand, option and fixed value of the app."""
    table = names._table()
    assert table is not None
    params, groups = table
    found = ["dutycli ", "dutycli by-", "dutycli -", "dutycli progress ", "dutycli progress s"]
    found += ["dutycli --color never by-unit --", "dutycli --color=never --c"]
    found += ["dutycli by-unit --strict --st", "dutycli list --unit x -u y --un"]
    found += ["dutycli show 1 ", "dutycli show 1 --f", "dutycli diff a b --", "dutycli 发"]
    found += ["dutycli --data x --d", "dutycli by-unit --role=", "dutycli by-unit --role=p"]
    found += ["dutycli search a b -", "dutycli progress forms --as d", "dutycli --color "]
    for command, group in params.items():
        start = f"dutycli {command} ".replace("  ", " ")
        found += [start + "-", start + "--", start + "--h"]
        for param in group:
            if param[0] == "O" and param[7].startswith("?"):
                for name in param[2]:
                    found += [start + name + " ", start + name + " " + param[8][0][:1]]
                    if name.startswith("--"):
                        found.append(start + name + "=")
    for command in groups:
        found.append(f"dutycli {command} ".replace("  ", " "))
    return found


LINES = lines()


def environ_for(shell: str, line: str) -> dict[str, str]:
    words = line.split(" ")
    return {
        "_DUTYCLI_COMPLETE": f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": line,
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "COMP_WORDS": "\n".join(words),
        "COMP_CWORD": str(len(words) - 1),
    }


@pytest.fixture(scope="module")
def typer_group() -> object:
    register()  # dutycli's bash word reading and zsh script, as its Typer path has them
    return get_command(app)


@pytest.mark.parametrize("columns", ["80", "41", "200"])
@pytest.mark.parametrize("shell", SHELLS)
def test_names_and_fixed_values_answer_as_typer(
    shell: str, columns: str, typer_group: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TERMINAL_WIDTH", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", columns)
    completer = get_completion_class(shell)
    assert completer is not None
    for line in LINES:
        environ = environ_for(shell, line)
        for key, value in environ.items():
            monkeypatch.setenv(key, value)
        fast = completion_protocol.answer(environ | {"COLUMNS": columns, "TERM": "xterm"})
        typer = completer(typer_group, {}, "dutycli", "_DUTYCLI_COMPLETE").complete()  # type: ignore[arg-type]
        assert fast is not None, (shell, line)
        assert fast == typer, (shell, line)


def test_help_texts_wrap_as_rich_wraps_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer import rich_utils

    texts = [part for entry in HELPS if entry != "!" for part in entry.split("\t")]
    texts += ["目标任务 分管领导  牵头单位 " * 6, "a  b   c " * 9, " x", "yy   "]
    assert texts
    for width in (12, 20, 33, 40, 57, 80, 101):
        monkeypatch.setattr(rich_utils, "MAX_WIDTH", width)
        for text in texts:
            ours = names.wrap(text, width)
            if ours is not None:  # None: a word wider than a line, left to Typer
                assert ours == rich_utils.rich_render_text(text), (width, text)


def test_console_width_is_typers(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer import rich_utils

    monkeypatch.setenv("TERM", "xterm")
    for columns in ("57", "200"):
        monkeypatch.setenv("COLUMNS", columns)
        assert names.console_width({"COLUMNS": columns}) == rich_utils._get_rich_console().width
    assert names.console_width({"TERMINAL_WIDTH": "90"}) is None  # Typer's own setting


@pytest.mark.parametrize(
    "line",
    [
        "dutycli nope ",  # not a command
        "dutycli by-unit --nope --",  # not an option of it
        "dutycli by-unit -- -",  # after --
        "dutycli --help --",  # an eager option
        "dutycli by-unit --fields --role ",  # a value that looks like an option
        "dutycli show 1 2 ",  # more words than arguments
    ],
)
def test_anything_unusual_is_left_to_typer(line: str) -> None:
    words = line.split(" ")
    assert names.complete(words[1:-1], words[-1]) is None


def test_the_names_table_is_generated_from_the_app() -> None:
    assert NAMES_FILE.read_text(encoding="utf-8") == names_table.names_text(), (
        "completion/command_names.py is stale: run .venv/bin/python -m dutycli.completion.generate"
    )
    assert not ROWS[0].startswith("!")  # every option starts with "-": the fast path answers
