"""What every reader produces: a source table of cells, and how a header is recognized.

A reader also says what it did not read, or read only in part (a later table, another
sheet, a value hidden under a merge): each such thing is a ``Note``, and the import's
summary line counts them, so nothing of a file is dropped without a word. And every reader
counts what it builds against the same limits (``Limits``), so no file makes it work without
bound.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import language, t
from dutycli.names import squeeze
from dutycli.schema import LABELS

# Header labels seen in real tables, compared with whitespace and line breaks removed.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "goal_no": ("序号", "编号"),
    "goal": ("目标名称", "名称", "项目名称", "目标", "工作目标", "目标任务"),
    # 类别 and 任务序号: the labels dutycli's own documents give a task's section and number.
    "section": ("类别",),
    "item_no": ("任务序号",),
    "task": (
        *("工作标准", "工作任务", "主要内容", "目标内容", "民生实事", "实事项目", "项目"),
        *("重点工作", "任务", "工作内容", "具体任务", "任务内容", "主要任务", "工作要求"),
    ),
    "leaders": ("区政府分管领导", "分管领导", "责任领导", "牵头领导"),
    "lead_units": (
        *("牵头责任单位", "牵头单位", "牵头部门", "牵头责任部门", "主办单位", "责任单位"),
        *("责任部门", "承办单位", "责任主体"),
    ),
    "partner_units": (
        *("配合单位", "协办单位", "主要配合部门", "协同责任单位", "配合部门", "协同单位"),
        *("参与单位", "协助单位", "配合责任单位"),
    ),
    "deadline": (
        *("完成时限", "时间节点", "完成时间", "进度安排", "完成时间节点", "时限", "完成期限"),
        *("时间要求", "时间安排", "完成时限要求", "进度要求", "时序进度"),
    ),
}
# Goal labels that name the tasks of a table without a task column (序号 | 工作目标 | 责任单位).
GOAL_OR_TASK_LABELS = ("工作目标", "目标任务", "目标")
# 责任单位 and the like name the lead units of a table without a 牵头 column; beside one,
# they name the units sharing the work.
WEAK_LEAD_LABELS = ("责任单位", "责任部门", "承办单位", "责任主体")
# A label ending so names the leaders (分管区领导, 牵头县领导, 联系领导 …), unless it names helpers.
LEADER_ENDING = "领导"
HELPER_MARKS = ("配合", "协助", "协同", "协办")
# The fields a header label may be mapped to with ``import --column LABEL=FIELD``.
MAPPABLE_FIELDS = (
    *("goal_no", "goal", "item_no", "section", "task"),
    *("leaders", "lead_units", "partner_units", "deadline"),
)

# The way out of "no recognizable header", for a table whose header has labels of its own.


def column_hint() -> str:
    """What to do when a header is not recognized, in the user's language."""
    return t(
        "if its header uses labels of its own, name them with --column LABEL=FIELD "
        "(fields: {fields})",
        fields=", ".join(MAPPABLE_FIELDS),
    )


# A table is read when it has a task column and one of these.
OWNER_COLUMNS = ("leaders", "lead_units")
# A row with this many recognized labels is taken for the header row (two when they are the
# task and its owners: the smallest table there is).
HEADER_MIN_LABELS = 3
# Headers are looked for among the first rows only (title and notes come above them).
HEADER_SEARCH_ROWS = 30

# Labels the user maps with --column, for the import under way (``user_labels``).
_USER_LABELS: ContextVar[dict[str, str]] = ContextVar("user_labels", default={})  # noqa: B039


@contextmanager
def user_labels(labels: dict[str, str]) -> Iterator[None]:
    """Read header labels with the user's mapping (``import --column``) while inside."""
    token = _USER_LABELS.set({squeeze(label): field for label, field in labels.items()})
    try:
        yield
    finally:
        _USER_LABELS.reset(token)


def user_labels_given() -> list[str]:
    """The labels the user maps with --column, spaces removed, for the import under way."""
    return list(_USER_LABELS.get())


# What a source table may hold. A duty table has tens of columns at most and some thousands
# of rows; these bounds are far above any real table, and keep a hostile file from taking
# minutes and gigabytes: beyond them the import stops with an error naming the limit.
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELLS = 2_000_000


@dataclass(slots=True)
class Cell:
    text: str
    line: int  # the line (text, CSV) or row (Word, Excel) where the cell starts
    merged: bool = False  # the cell continues a vertical merge from the row above
    covered: bool = False  # the cell is covered by a cell spanning it from the left


@dataclass(frozen=True)
class Note:
    """Something of the file a reader did not read, read only in part, or read by a guess.

    ``import -v`` lists each note; the summary line of every import counts them by kind.
    """

    line: int  # the row or line it is at; 0 for the file as a whole (another sheet)
    kind: str  # the summary's name for it, a key of NOTE_KINDS
    text: str  # what was found and what was done, for the report's line
    rows: int = 0  # rows it holds that were not read (0: none, or not a matter of rows)
    count: int = 1  # how many things it stands for (one note may stand for many cells)


# Kinds of notes, each as the summary line counts it: (one, several) after the count; English
# the catalog translates (``kinds``).
NOTE_KINDS: dict[str, tuple[str, str]] = {
    "table": ("table not read", "tables not read"),
    "continuation": ("later table read as a continuation", "later tables read as continuations"),
    "sheet": ("other sheet not read", "other sheets not read"),
    "outside": ("text outside the table not read", "texts outside the table not read"),
    "preamble": ("line above the table not kept", "lines above the table not kept"),
    "hidden": ("value hidden under a merge not read", "values hidden under a merge not read"),
    "across": ("cell merged across columns", "cells merged across columns"),
    "heading": ("heading without tasks not read", "headings without tasks not read"),
    "column": ("column with text not read", "columns with text not read"),
    "formula": ("formula without a saved value", "formulas without a saved value"),
    "date": (
        "date outside the calendar read as a number",
        "dates outside the calendar read as numbers",
    ),
}


def kinds(kind: str, count: int) -> str:
    """What ``count`` notes of ``kind`` are, after the count, in the user's language."""
    one, several = NOTE_KINDS[kind]
    return t(one if count == 1 else several)


# Notes of one kind listed one by one; beyond, they are counted in one note of the kind
# (a document of a million paragraphs below its table is a million notes otherwise).
LISTED_NOTES = 1_000


class Notes(list[Note]):
    """Notes, each kind listed up to LISTED_NOTES times, then counted in one more note."""

    def __init__(self, notes: list[Note] | tuple[Note, ...] = ()) -> None:
        super().__init__()
        self.seen: dict[str, int] = {}
        self.rest: dict[str, int] = {}  # by kind, where the note counting the rest is
        for note in notes:
            self.append(note)

    def append(self, note: Note) -> None:
        seen = self.seen[note.kind] = self.seen.get(note.kind, 0) + 1
        if seen <= LISTED_NOTES:
            super().append(note)
            return
        index = self.rest.setdefault(note.kind, len(self))
        if index == len(self):
            super().append(Note(0, note.kind, "", 0, 0))
        rest = self[index]
        count, rows = rest.count + note.count, rest.rows + note.rows
        more = t("{count} more {kinds} (not listed)", count=f"{count:,}", kinds=kinds(note.kind, 2))
        self[index] = Note(0, note.kind, more, rows, count)


@dataclass
class SourceTable:
    """What a reader found: lines above the table, then its rows (header included)."""

    preamble: list[str]
    rows: list[list[Cell]]
    unit: str = "line"  # what Cell.line counts: "line" or "row"
    # Formats that cannot mark merges (text, CSV) lose them: a merged cell comes out empty
    # below its first row, so there every empty cell may be a merged one.
    empty_is_merged: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)  # for the import report


class Limits:
    """Counts what a reader builds against MAX_ROWS, MAX_COLUMNS and MAX_CELLS.

    A reader calls ``row`` before it builds a row, so the limit stops it before the memory
    and time are spent, not after.
    """

    def __init__(self, source: object, unit: str) -> None:
        self.where = f"{source}: {unit}"  # the file, and what its lines count
        self.rows = 0
        self.cells = 0

    def row(self, line: int, width: int, rows: int = 1) -> None:
        """Count a row of ``width`` cells starting at ``line``; refuse it beyond a limit.

        ``rows=0`` counts cells only (the text format finds its rows after its cells).
        """
        self.rows += rows
        self.cells += width
        if width > MAX_COLUMNS:
            raise DataError(
                t(
                    "{where} {line}: a row of {width:,} columns; dutycli reads at most {MAX_COLUMNS:,} columns",
                    where=self.where,
                    line=line,
                    width=width,
                    MAX_COLUMNS=MAX_COLUMNS,
                )
            )
        if self.rows > MAX_ROWS:
            raise DataError(
                t(
                    "{where} {line}: more than {MAX_ROWS:,} rows; dutycli reads at most {MAX_ROWS:,} rows of a table",
                    where=self.where,
                    line=line,
                    MAX_ROWS=MAX_ROWS,
                )
            )
        if self.cells > MAX_CELLS:
            raise DataError(
                t(
                    "{where} {line}: more than {MAX_CELLS:,} cells; dutycli reads at most {MAX_CELLS:,} cells of a table",
                    where=self.where,
                    line=line,
                    MAX_CELLS=MAX_CELLS,
                )
            )


def column_of(label: str) -> str | None:
    """The schema column a header label names, or None."""
    text = squeeze(label)
    if not text:
        return None
    mapped = _USER_LABELS.get().get(text)
    if mapped is not None:
        return mapped
    for column, aliases in HEADER_ALIASES.items():
        if text in aliases:
            return column
    if text.endswith(LEADER_ENDING) and not any(mark in text for mark in HELPER_MARKS):
        return "leaders"
    return None


def header_score(texts: list[str]) -> int:
    """How many distinct columns a row's texts name: a header row names several."""
    return len({c for c in map(column_of, texts) if c is not None})


def header_found(texts: list[str]) -> bool:
    """Whether a row's texts are a table's header: several known labels, or a task column
    and its owners (the smallest table: 工作任务 | 责任单位)."""
    named = {c for c in map(column_of, texts) if c is not None}
    return len(named) >= HEADER_MIN_LABELS or columns_suffice(named)


def columns_suffice(columns: set[str] | list[str]) -> bool:
    """Whether a header names enough to read tasks: a task column and leaders or lead units."""
    return "task" in columns and any(c in columns for c in OWNER_COLUMNS)


def header_keys(upper: list[str], lower: list[str] | None = None) -> list[str]:
    """What each column of a header is, to match the columns of two tables: the schema
    column its label names, else the label itself (spaces removed); "" for no label.

    With ``lower`` (the row below a header of two rows), its label comes first, as in
    ``normalize``.
    """
    keys = []
    for index, label in enumerate(upper):
        below = lower[index] if lower is not None and index < len(lower) else ""
        text = below if squeeze(below) else label
        keys.append(column_of(text) or squeeze(text))
    return keys


def shorten(text: str, most: int = 40) -> str:
    """A cell's text as an error echoes it: a cell may hold a megabyte, a message one line."""
    return text if len(text) <= most else text[:most] + "…"


# Nouns a count is written with: (one, several), English the catalog translates (``counted``).
COUNTED: dict[str, tuple[str, str]] = {
    "row": ("{count} row", "{count} rows"),
    "column": ("{count} column", "{count} columns"),
    "task": ("{count} task", "{count} tasks"),
    "more line": ("{count} more line", "{count} more lines"),
}


def counted(number: int, noun: str) -> str:
    """'1 row', '4 rows' ('4 行' in Chinese); ``noun`` is a key of COUNTED."""
    one, several = COUNTED[noun]
    return t(one if number == 1 else several, count=f"{number:,}")


def field_name(column: str) -> str:
    """A field as the import report names it: ``lead_units``, 牵头单位（lead_units） in Chinese."""
    if language() == "zh" and column in LABELS:
        return f"{LABELS[column]}（{column}）"
    return column


def listed(items: list[str]) -> str:
    """Items of a message, one after the other: 'a, b' (a、b in Chinese)."""
    return t(", ").join(items)


def clauses(parts: list[str]) -> str:
    """Clauses of a sentence: 'a, b' (a，b in Chinese)."""
    return ("，" if language() == "zh" else ", ").join(parts)


def missing_extra(extra: str, module: str) -> DataError:
    return DataError(
        t(
            "reading this file needs {module}, which is not installed; install it with: pip install 'dutycli[{extra}]' (from a checkout: pip install '.[{extra}]')",
            module=module,
            extra=extra,
        )
    )


def unmatched_table(first: int, columns: int, rows: int, width: int, filled: int) -> Note:
    """The note of a later table of a document (Word, a web page) whose columns cannot be
    laid into the table's ``width``: not read."""
    return Note(
        first,
        "table",
        t(
            "a later table of {columns} and {rows} is not read: its columns do not match the {width} of the table",
            columns=counted(columns, "column"),
            rows=counted(rows, "row"),
            width=width,
        ),
        filled,
    )


def first_labels(rows: list[list[str]]) -> str:
    """What a table without a recognizable header has for one: its first row holding text,
    as an error lists it ("序号, 督办事项, 承办科室"); "" for none."""
    for texts in rows:
        labels = [shorten(squeeze(t), 20) for t in texts if t.strip()]
        if labels:
            more = ", …" if len(labels) > 12 else ""
            return ", ".join(labels[:12]) + more
    return ""
