"""Excel (.xlsx) sheets: merged ranges are read as merges, not as empty cells.

The sheet is the one named by ``--sheet``, or else the first one with a
recognizable header row. Rows above the header (附件, the title) are the preamble.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.sources import package
from dutycli.sources.table import (
    HEADER_MIN_LABELS,
    HEADER_SEARCH_ROWS,
    Cell,
    SourceTable,
    header_score,
    missing_extra,
)


def read(data: bytes, path: Path, sheet: str | None) -> SourceTable:
    try:
        import openpyxl
    except ImportError:
        raise missing_extra("xlsx", "openpyxl") from None
    package.check(data, path, "Excel (.xlsx)")
    try:
        # Not read-only: merged ranges are only known to a fully loaded sheet.
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DataError(f"{path}: not a readable Excel (.xlsx) file: {exc}") from None
    names = list(book.sheetnames)
    if sheet is not None:
        if sheet not in names:
            raise DataError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(names)}")
        chosen = book[sheet]
    else:
        found = [book[n] for n in names if _has_header(book[n])]
        if not found:
            raise DataError(
                f"{path}: no sheet has a recognizable header (序号, 目标名称, 工作标准, …); "
                f"sheets: {', '.join(names)}; choose one with --sheet"
            )
        chosen = found[0]
    return SourceTable([], _rows(chosen), unit="row", meta={"sheet": chosen.title})


def _has_header(sheet: Any) -> bool:
    for values in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
        if header_score([_text(v) for v in values]) >= HEADER_MIN_LABELS:
            return True
    return False


def _rows(sheet: Any) -> list[list[Cell]]:
    continued: set[tuple[int, int]] = set()  # below a merge's first row, in its first column
    covered: set[tuple[int, int]] = set()  # other positions a merge covers
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                if (row, column) == (merged.min_row, merged.min_col):
                    continue
                if column == merged.min_col:
                    continued.add((row, column))
                else:
                    covered.add((row, column))
    rows: list[list[Cell]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = []
        for column, value in enumerate(values, start=1):
            if (number, column) in continued:
                cells.append(Cell("", number, merged=True))
            elif (number, column) in covered:
                cells.append(Cell("", number))
            else:
                cells.append(Cell(_text(value), number))
        rows.append(cells)
    return rows


def _text(value: Any) -> str:
    """A cell value as the text a reader of the sheet sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n")
