"""The documentation — README.md and every page in docs/ — is true, complete and connected.

- Every ``$ dutycli …`` example in a ``console`` block is run against the shipped dataset, in a
  pipe (terminal tables with ``-f table`` at 100 columns, the width the samples were made at), and
  its output must match the page line for line. Examples that need files the reader makes first
  (a ``tables/`` folder, a Word file, an export) are left out by ``NEEDS_FILES``.
- Every command of the app has help text and is named in a heading or table row
  (``dutycli COMMAND``), and every long option of every command, and every global option,
  appears in backticks somewhere.
- Every relative link leads to a file that exists, and its ``#anchor`` to a heading there.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import typer.main

from dutycli.cli.app import app

from .conftest import ROOT, dutycli_executable, run_cli

if TYPE_CHECKING:
    from typer._click.core import Command  # what typer.main.get_command returns

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Examples that read or write files of their own: shown for the reader, checked elsewhere.
NEEDS_FILES = re.compile(r"--data |tables|\.docx|\.xlsx|-o |2020|dutycli import ")


def name_of(page: Path) -> str:
    """The page as the reader finds it in the repository: ``README.md``, ``docs/commands.md``."""
    return page.relative_to(ROOT).as_posix()


def read(page: Path) -> str:
    return page.read_text(encoding="utf-8")


# --- the examples --------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    page: str
    line: int
    command: str
    expected: str

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def examples(page: Path) -> list[Example]:
    """Each checkable ``$ dutycli …`` example of ``page``, with the output the page shows."""
    lines = read(page).split("\n")
    found: list[Example] = []
    in_console = False
    current: tuple[int, str] | None = None
    output: list[str] = []

    def close() -> None:
        if current is not None and not NEEDS_FILES.search(current[1]):
            expected = "\n".join(output).rstrip("\n")
            found.append(Example(name_of(page), current[0], current[1], expected))

    for number, line in enumerate(lines, start=1):
        if line == "```console":
            in_console, current, output = True, None, []
        elif in_console and line == "```":
            close()
            in_console, current = False, None
        elif in_console and line.startswith("$ "):
            close()
            current, output = (number, line[2:]), []
        elif in_console and current is not None:
            output.append(line)
    # An example may set the environment first: DUTYCLI_LANG=zh dutycli …
    return [e for e in found if re.sub(r"^(\w+=\S+ )+", "", e.command).startswith("dutycli")]


EXAMPLES = [example for page in PAGES for example in examples(page)]


def test_the_documentation_has_examples_to_check() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_example_matches_real_output(example: Example, tmp_path: Path) -> None:
    command = example.command
    if "┏" in example.expected or "█" in example.expected:
        # A terminal table: the same rendering, asked for explicitly, at the samples' width.
        head, _, tail = command.partition(" | ")
        command = f"{head} -f table" + (f" | {tail}" if tail else "")
    got = in_process(command, tmp_path)
    if got is None:
        got = in_a_shell(command, tmp_path)
    assert got.split("\n") == example.expected.split("\n"), f"{example.where}: {example.command}"


# ``VAR=value dutycli ARGS [| head -N]``: run in this process, as the shell would show it.
SIMPLE = re.compile(r"((?:\w+=\S+ )*)dutycli ([^|<>;&$`*?]*?)(?: \| head -(\d+))?")


def in_process(command: str, folder: Path) -> str | None:
    """What the shell would show for a simple example, run in this process (a process each
    would cost half a second); None when only a shell can say (stdout and stderr both written,
    their order being the shell's)."""
    import shlex

    found = SIMPLE.fullmatch(command)
    if found is None:
        return None
    environment = dict(pair.split("=", 1) for pair in found.group(1).split())
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        outcome = run_cli(*shlex.split(found.group(2)), env={"COLUMNS": "100", **environment})
    finally:
        os.chdir(cwd)
    if found.group(3):  # | head -N: its first lines; stderr goes to the terminal, not the page
        return "\n".join(outcome.stdout.split("\n")[: int(found.group(3))]).rstrip("\n")
    if outcome.stdout and outcome.stderr:
        return None
    return (outcome.stdout + outcome.stderr).rstrip("\n")


def in_a_shell(command: str, folder: Path) -> str:
    executable = Path(dutycli_executable())
    environment = {k: v for k, v in os.environ.items() if k != "DUTYCLI_DATA"}
    environment.update(PATH=f"{executable.parent}:{environment.get('PATH', '')}", COLUMNS="100")
    completed = subprocess.run(
        ["bash", "-c", f"{command} 2>&1"],
        capture_output=True,
        cwd=folder,
        env=environment,
        timeout=60,
        check=False,
    )
    return completed.stdout.decode("utf-8").rstrip("\n")


# --- every command and option is documented ---------------------------------------------


def prose(text: str) -> str:
    """``text`` without its fenced code blocks: what an example prints documents nothing."""
    return re.sub(r"^```.*?^```[ \t]*$", "", text, flags=re.M | re.S)


DOCUMENTATION = "\n".join(prose(read(page)) for page in PAGES)
CODE_SPANS = re.findall(r"`([^`\n]+)`", DOCUMENTATION)
# Headings and table rows: where a command is introduced.
INTRODUCTIONS = [
    line for line in DOCUMENTATION.split("\n") if line.startswith("#") or line.startswith("|")
]

GROUP = typer.main.get_command(app)
# Every command, a group's by both names (``progress status``).
COMMANDS: dict[str, Command] = {
    f"{name} {sub}" if sub else name: command
    for name, top in getattr(GROUP, "commands", {}).items()
    for sub, command in (getattr(top, "commands", None) or {"": top}).items()
}


def long_options(command: Command) -> list[str]:
    return [
        option
        for param in command.params
        for option in [*param.opts, *param.secondary_opts]
        if option.startswith("--") and option != "--help"
    ]


OPTIONS = [(name, option) for name, command in COMMANDS.items() for option in long_options(command)]
GLOBAL_OPTIONS = long_options(GROUP)


def test_the_app_has_commands_and_options_to_check() -> None:
    assert len(COMMANDS) >= 16 and ("by-unit", "--role") in OPTIONS
    assert {"--data", "--aliases", "--version"} <= set(GLOBAL_OPTIONS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_documented(name: str) -> None:
    assert COMMANDS[name].help, f"{name} has no help text"
    assert run_cli(*name.split(), "--help").exit_code == 0
    named = re.compile(rf"dutycli {re.escape(name)}(?![\w-])")
    assert any(named.search(line) for line in INTRODUCTIONS), (
        f"no heading or table row in README.md or docs/*.md names `dutycli {name}`"
    )


def in_backticks(option: str) -> bool:
    written = re.compile(rf"(?<![\w-]){re.escape(option)}(?![\w-])")
    return any(written.search(span) for span in CODE_SPANS)


@pytest.mark.parametrize(
    ("name", "option"), OPTIONS, ids=[f"{name} {option}" for name, option in OPTIONS]
)
def test_every_option_is_documented(name: str, option: str) -> None:
    assert in_backticks(option), f"`{option}` of dutycli {name} is in no README.md or docs/*.md"


@pytest.mark.parametrize("option", GLOBAL_OPTIONS)
def test_every_global_option_is_documented(option: str) -> None:
    assert in_backticks(option), f"global option `{option}` is in no README.md or docs/*.md"


# --- links and anchors ------------------------------------------------------------------------


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the headings of ``page``: lower case, punctuation dropped
    (letters of any script, digits, ``_`` and ``-`` kept), spaces made ``-``, and ``-1``,
    ``-2``… after a repeated one."""
    found: set[str] = set()
    for match in re.finditer(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", prose(read(page)), flags=re.M):
        anchor = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower()).replace(" ", "-")
        unique, number = anchor, 0
        while unique in found:
            number += 1
            unique = f"{anchor}-{number}"
        found.add(unique)
    return found


def relative_links(page: Path) -> list[str]:
    """The targets of the page's markdown links that stay in the repository."""
    text = re.sub(r"`[^`\n]+`", "", prose(read(page)))
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def broken(page: Path, target: str) -> str | None:
    """Why ``target``, linked from ``page``, leads nowhere; None when it leads somewhere."""
    path, _, anchor = target.partition("#")
    destination = (page.parent / path).resolve() if path else page
    if not destination.exists():
        return f"{target}: no such file"
    if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
        return f"{target}: no heading with anchor #{anchor} in {name_of(destination)}"
    if anchor and destination.suffix != ".md":
        return f"{target}: an anchor into a file that is not a page"
    return None


@pytest.mark.parametrize("page", PAGES, ids=[name_of(p) for p in PAGES])
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    problems = [why for target in relative_links(page) if (why := broken(page, target))]
    assert problems == [], f"{name_of(page)}: " + "; ".join(problems)


def test_every_docs_page_is_reachable_from_the_readme() -> None:
    seen = {ROOT / "README.md"}
    queue = [ROOT / "README.md"]
    while queue:
        page = queue.pop()
        for target in relative_links(page):
            path = target.partition("#")[0]
            destination = (page.parent / path).resolve() if path else page
            if destination.suffix == ".md" and destination.exists() and destination not in seen:
                seen.add(destination)
                queue.append(destination)
    assert [name_of(p) for p in PAGES if p not in seen] == []


def test_the_anchor_rule_is_githubs() -> None:
    page = ROOT / "docs" / "several-tables.md"
    assert "comparing-two-tables-dutycli-diff" in anchors(page)
    assert "several-tables-folders-aliases-and-diff" in anchors(page)
