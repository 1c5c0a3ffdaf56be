"""Heading rows: a row of one cell spanning the table is a heading of the tasks below it.

Tables open each part with such a row (``一、经济社会发展主要预期目标分解（11项）``) or divide a
goal with one (``聚力攻坚项目“双进”`` spanning 工作标准…配合单位). A heading is never a task; what it
becomes (a goal, or the ``section`` of tasks) is decided in ``normalize``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dutycli.names import chinese_number, squeeze
from dutycli.sources.table import Cell

# A heading's leading number: 一、 二． 1、 2. （三） 第四部分 — the number of the goal it becomes.
_NUMBERED = re.compile(
    r"\s*(?:第\s*(?P<nth>[一二三四五六七八九十〇零两]{1,3}|\d{1,9})\s*[部章篇项]"
    r"|[（(]\s*(?P<paren>[一二三四五六七八九十〇零两]{1,3}|\d{1,9})\s*[)）]"
    r"|(?P<plain>[一二三四五六七八九十〇零两]{1,3}|\d{1,9})\s*[、.．,，](?!\d))"
)


@dataclass(frozen=True)
class Heading:
    text: str  # its lines joined (``heading_text``)
    line: int
    # A heading of the table (a part above goals), not one inside a goal: its goal cells do
    # not continue a merge from the row above.
    top: bool


def heading_of(row: list[Cell], columns: dict[str, int]) -> Heading | None:
    """The heading a row is, or None for a row of the table's body.

    A heading has one cell of text, which spans (merged across) every column from it to the
    table's right edge, the task column included; or, where merges are not known (text,
    CSV) or were not made, stands left of the task column and is not a whole number.
    """
    written = [index for index, cell in enumerate(row) if cell.text.strip()]
    if len(written) != 1:
        return None
    index = written[0]
    cell, task = row[index], columns["task"]
    spans = index + 1 < len(row) and all(c.covered for c in row[index + 1 :])
    if not (spans and index <= task) and not (index < task and not numbered(cell.text)):
        return None
    before = [row[columns[c]] for c in ("goal_no", "goal") if c in columns and columns[c] < index]
    return Heading(heading_text(cell.text), cell.line, not any(c.merged for c in before))


def heading_text(text: str) -> str:
    """A heading's lines as one: joined without a space between Chinese characters
    (``聚力攻坚`` / ``项目“双进”`` is 聚力攻坚项目“双进”), with one space where Latin text meets."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        wide = not joined[-1].isascii() and not line[0].isascii()
        joined += ("" if wide else " ") + line
    return joined


def heading_number(text: str) -> int | None:
    """The number a heading starts with (一、 → 1, 2. → 2, （三） → 3), or None."""
    found = _NUMBERED.match(text)
    if found is None:
        return None
    numeral = found.group("nth") or found.group("paren") or found.group("plain")
    if numeral.isdecimal():  # 12, or １２ as a Chinese input method types it
        return int(numeral) or None
    return chinese_number(numeral)


def bare_numeral(text: str) -> str:
    """A numeral without the marks around it: ``（三）`` and ``(3)`` in brackets, ``三、`` and
    ``3.`` with a mark after it."""
    if len(text) > 2 and text[0] in "（(" and text[-1] in ")）":
        return text[1:-1]
    return text.rstrip("、.．")


def numbered(text: str) -> bool:
    """Whether a cell writes a number (3, 3., （3）, 三、): a 序号, never a heading."""
    bare = bare_numeral(squeeze(text))
    return (bare.isdigit() and bare.isascii()) or chinese_number(bare) is not None
