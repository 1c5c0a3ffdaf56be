"""The README serves its first reader: short, the two commands first, real examples.

Its examples are run with those of docs/ by ``test_docs.py``; here only what is the README's own.
"""

from __future__ import annotations

import re

from .conftest import ROOT
from .test_docs import examples

README = ROOT / "README.md"

SETUP_AND_RUN = "python3 -m venv .venv && .venv/bin/pip install '.[docx,xlsx]' && .venv/bin/dutycli by-unit 发改局"
SETUP_AND_TEST = (
    "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest"
)


def fenced_blocks() -> list[tuple[str, str]]:
    """(language, content) of each fenced block of the README, in order."""
    text = README.read_text(encoding="utf-8")
    return re.findall(r"^```(\w*)\n(.*?)^```$", text, flags=re.M | re.S)


def test_the_readme_is_under_15_kb() -> None:
    assert README.stat().st_size < 15 * 1024


def test_the_first_two_blocks_set_up_and_run_then_test() -> None:
    # A reader copies these first, and CI runs the second one exactly as written.
    assert fenced_blocks()[:2] == [("sh", SETUP_AND_RUN + "\n"), ("sh", SETUP_AND_TEST + "\n")]


def test_ci_finds_the_test_command() -> None:
    # What .ci/run's awk takes: the first non-empty line of the second sh or bash block.
    shell_blocks = [content for language, content in fenced_blocks() if language in ("sh", "bash")]
    assert shell_blocks[1].split("\n")[0] == SETUP_AND_TEST


def test_the_readme_keeps_examples_of_its_own() -> None:
    assert len(examples(README)) >= 5
