"""The README's examples are what dutycli really prints.

Every ``$ dutycli …`` example in a ``console`` block is run against the shipped dataset, in a
pipe (terminal tables with ``-f table`` at 100 columns, the width the samples were made at), and
its output must match the README line for line. Examples that need files the reader makes first
(a ``tables/`` folder, a Word file, an export) are left out by name below.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, dutycli_executable

# Examples that read or write files of their own: shown for the reader, checked elsewhere.
NEEDS_FILES = re.compile(r"--data |tables|\.docx|\.xlsx|-o |2020")


def examples() -> list[tuple[int, str, str]]:
    """(README line, command, expected output) for each checkable example."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").split("\n")
    found: list[tuple[int, str, str]] = []
    in_console = False
    current: tuple[int, str] | None = None
    output: list[str] = []

    def close() -> None:
        if current is not None and not NEEDS_FILES.search(current[1]):
            found.append((current[0], current[1], "\n".join(output).rstrip("\n")))

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
    return [e for e in found if e[1].startswith("dutycli")]


EXAMPLES = examples()


def test_the_readme_has_examples_to_check() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(
    ("line", "command", "expected"), EXAMPLES, ids=[str(e[0]) for e in EXAMPLES]
)
def test_readme_example_matches_real_output(
    line: int, command: str, expected: str, tmp_path: Path
) -> None:
    if "┏" in expected or "█" in expected:
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
    assert got.split("\n") == expected.split("\n"), f"README.md:{line}: {command}"
