"""Readers of source tables: each turns one file format into rows of cells.

A reader only finds cells and merges; what the cells mean (goals, names,
inheritance) is decided once, in ``dutycli.importer``, for every format alike.
Heavy readers (Word, Excel) are imported only when such a file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.names import squeeze

# Header labels seen in real tables, compared with whitespace and line breaks removed.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "goal_no": ("序号", "编号"),
    "goal": ("目标名称", "名称", "项目名称"),
    "task": ("工作标准", "工作任务", "主要内容", "目标内容"),
    "leaders": ("区政府分管领导", "分管领导", "责任领导", "牵头领导"),
    "lead_units": ("牵头责任单位", "牵头单位", "责任单位", "牵头部门"),
    "partner_units": ("配合单位", "协办单位", "主要配合部门", "协同责任单位"),
    "deadline": ("完成时限", "时间节点", "完成时间"),
}
REQUIRED_COLUMNS = ("goal_no", "goal", "task", "leaders", "lead_units")
# A row with this many recognized labels is taken for the header row.
HEADER_MIN_LABELS = 3
# Headers are looked for among the first rows only (title and notes come above them).
HEADER_SEARCH_ROWS = 30


@dataclass
class Cell:
    text: str
    line: int  # the line (text, CSV) or row (Word, Excel) where the cell starts
    merged: bool = False  # the cell continues a vertical merge from the row above


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
    notes: list[tuple[int, str]] = field(default_factory=list)  # for the import report


def column_of(label: str) -> str | None:
    """The schema column a header label names, or None."""
    text = squeeze(label)
    for column, aliases in HEADER_ALIASES.items():
        if text in aliases:
            return column
    return None


def header_score(texts: list[str]) -> int:
    """How many distinct columns a row's texts name: a header row names several."""
    return len({c for c in map(column_of, texts) if c is not None})


FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".csv": "csv",
    ".tsv": "tsv",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}

# Binary formats of older Office and WPS versions: not read, but named in the error.
OLD_FORMATS = {".doc": ".docx", ".wps": ".docx", ".xls": ".xlsx", ".et": ".xlsx"}


def read_source(path: Path, sheet: str | None = None) -> tuple[SourceTable, bytes]:
    """Read a source file with the reader its extension names; also return its bytes."""
    kind = FORMATS.get(path.suffix.lower())
    if path.suffix.lower() in OLD_FORMATS:
        raise DataError(
            f"{path}: {path.suffix} is an old binary format; open it in Word, Excel or WPS and "
            f"save it as {OLD_FORMATS[path.suffix.lower()]}"
        )
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise DataError(f"{path}: unknown source format {path.suffix or '(none)'!r}; use {known}")
    if sheet is not None and kind != "xlsx":
        raise DataError(f"{path}: --sheet applies to Excel workbooks (.xlsx) only")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read source: {exc.strerror or exc}") from None
    if kind == "text":
        from dutycli.sources import text

        return text.read(data, path), data
    if kind in ("csv", "tsv"):
        from dutycli.sources import delimited

        return delimited.read(data, path, "\t" if kind == "tsv" else ","), data
    if kind == "docx":
        from dutycli.sources import word

        return word.read(data, path), data
    from dutycli.sources import excel

    return excel.read(data, path, sheet), data


def missing_extra(extra: str, module: str) -> DataError:
    return DataError(
        f"reading this file needs {module}, which is not installed; "
        f"install it with: pip install 'dutycli[{extra}]' (from a checkout: pip install '.[{extra}]')"
    )
