"""The documentation — README.md and every page in docs/ — shows what dutycli really prints.

- Every ``$ dutycli …`` example in a ``console`` block is run against the shipped dataset, in a
  pipe (terminal tables with ``-f table`` at 100 columns, the width the samples were made at), and
  its output must match the page line for line. Examples that need files the reader makes first
  (a ``tables/`` folder, a Word file, an export) are left out by ``NEEDS_FILES``.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT, dutycli_executable

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Examples that read or write files of their own: shown for the reader, checked elsewhere.
NEEDS_FILES = re.compile(r"--data |tables|\.docx|\.xlsx|-o |2020")


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
    return [e for e in found if e.command.startswith("dutycli")]


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
    executable = Path(dutycli_executable())
    environment = {k: v for k, v in os.environ.items() if k != "DUTYCLI_DATA"}
    environment.update(PATH=f"{executable.parent}:{environment.get('PATH', '')}", COLUMNS="100")
    completed = subprocess.run(
        ["bash", "-c", f"{command} 2>&1"],
        capture_output=True,
        cwd=tmp_path,
        env=environment,
        timeout=60,
        check=False,
    )
    got = completed.stdout.decode("utf-8").rstrip("\n")
    assert got.split("\n") == example.expected.split("\n"), f"{example.where}: {example.command}"
