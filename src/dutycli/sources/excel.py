"""Excel (.xlsx) sheets, streamed: only cells holding a value are kept, merges read as merges.

The sheet is the one named by ``--sheet``, or else the first one with a recognizable
header row. Rows above the header (附件, the title) are the preamble.

A sheet is read as a stream of its XML rows, never as its "used range": a styled empty
cell at row 1,048,576 or column XFD costs nothing, and the table ends at the last cell
with a value. Merged ranges are clipped to that table. What is not read is noted: other
sheets holding values, a value hidden under a merge, a formula whose value was never
saved (the file was written by a program that does not calculate), a date outside the
calendar (read as its number).

openpyxl's own reader of sheet rows is used (``_Parser`` below): its private API is used
here only.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.sources import package
from dutycli.sources.excel_dates import render, shown_dates
from dutycli.sources.table import (
    HEADER_SEARCH_ROWS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    Cell,
    Limits,
    Note,
    Notes,
    SourceTable,
    column_hint,
    counted,
    first_labels,
    header_found,
    missing_extra,
)

LABEL = "Excel (.xlsx)"


def read(data: bytes, path: Path, sheet: str | None) -> SourceTable:
    try:
        import openpyxl
    except ImportError:
        raise missing_extra("xlsx", "openpyxl") from None
    package.check(data, path, LABEL)
    with warnings.catch_warnings():
        # openpyxl warns of what it drops of a workbook's features (extensions, validation,
        # styles): none of them is a value of the table.
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return _read_book(book, path, sheet)
        finally:
            book.close()


def _read_book(book: Any, path: Path, sheet: str | None) -> SourceTable:
    sheets = list(book.worksheets)
    names = [s.title for s in sheets]
    if sheet is not None:
        if sheet not in names:
            raise DataError(
                t(
                    "{path}: no sheet {sheet!r}; sheets: {names}",
                    path=path,
                    sheet=sheet,
                    names=", ".join(names),
                )
            )
        chosen = sheets[names.index(sheet)]
    else:
        found = [s for s in sheets if _has_header(s)]
        if not found:
            seen = next(filter(None, (_first_row(s) for s in sheets)), "")
            raise DataError(
                t(
                    "{path}: no sheet has a recognizable header (序号, 目标名称, 工作标准, …); sheets: {names}{seen}; choose one with --sheet; {hint}",
                    path=path,
                    names=", ".join(names),
                    seen=seen,
                    hint=column_hint(),
                )
            )
        chosen = found[0]
    table = _sheet_table(chosen, path)
    for other in sheets:
        if other is chosen:
            continue
        rows, has_header = _survey(other)
        if rows:
            also = t(
                "; it has a table header too: import it with --sheet {sheet}", sheet=other.title
            )
            table.notes.append(
                Note(
                    0,
                    "sheet",
                    t(
                        "sheet {sheet!r} ({rows} with values) is not read",
                        sheet=other.title,
                        rows=counted(rows, "row"),
                    )
                    + (also if has_header else ""),
                    rows,
                )
            )
    return table


class _Rows:
    """The rows of a sheet that hold a value: (row number, {column: text})."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.notes = Notes()
        self.merges: list[str] = []

    def __iter__(self) -> Iterator[tuple[int, dict[int, str]]]:
        from openpyxl.worksheet._reader import WorkSheetParser

        book = self.sheet.parent
        with self.sheet._get_source() as source:
            parser = _parser_class(WorkSheetParser)(
                source,
                self.sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            parser.notes = self.notes
            parser.shown = shown_dates(book)
            for number, cells in parser.parse():
                values = {}
                for cell in cells:
                    text = _text(cell["value"])
                    if text:
                        values[cell["column"]] = text
                if values:
                    yield number, values
            if parser.merged_cells is not None:
                self.merges = [merge.ref for merge in parser.merged_cells.mergeCell]


def _parser_class(base: type) -> type:
    """openpyxl's sheet parser, reading a cell without losing what it cannot convert."""
    from openpyxl.cell.text import Text
    from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, VALUE_TAG

    class Parser(base):  # type: ignore[misc]
        notes: Notes
        shown: dict[int, str]  # date styles written in Chinese: {style: number format}

        def parse_cell(self, element: Any) -> dict[str, Any]:
            kind = element.get("t", "n")
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            # The cell's name (B3), said in the user's language only when a message needs it.
            cell = f"{get_column_letter(column)}{row}"
            value: Any = None
            raw = element.findtext(VALUE_TAG)
            try:
                if kind == "inlineStr":
                    child = element.find(INLINE_STRING)
                    parsed = Text.from_tree(child) if child is not None else None
                    value = parsed.content if parsed is not None else None
                elif raw is None or (raw == "" and kind != "str"):
                    # No value, or an empty one where only a text can be empty: a formula
                    # here was never calculated (openpyxl and others write it so).
                    formula = element.find(FORMULA_TAG)
                    if formula is not None:
                        shown = f" (={formula.text})" if formula.text else ""
                        self.note(
                            row,
                            "formula",
                            t(
                                "{where}: a formula{shown} without a saved value is read as empty; open the file in Excel or WPS, save it and import it again",
                                where=t("cell {cell}", cell=cell),
                                shown=shown,
                            ),
                        )
                elif kind == "s":
                    value = self.shared_strings[int(raw)]
                elif kind == "b":
                    value = bool(int(raw))
                elif kind in ("str", "e"):  # a formula's text, an error (#N/A)
                    value = raw
                elif kind == "d":
                    value = from_ISO8601(raw)  # type: ignore[no-untyped-call]
                elif raw:
                    value = float(raw) if any(c in raw for c in ".eE") else int(raw)
                    style = int(element.get("s", 0))
                    if style in self.date_formats or style in self.shown:
                        value = self.date(value, style, row, cell)
                    if style in self.shown and isinstance(value, (dt.date, dt.time)):
                        value = render(value, self.shown[style])
            except (ValueError, IndexError, TypeError, OverflowError):
                raise DataError(
                    t(
                        "row {row}, {where}: value {raw!r} of type {kind!r} cannot be read: the file is damaged",
                        row=row,
                        where=t("cell {cell}", cell=cell),
                        raw=raw,
                        kind=kind,
                    )
                ) from None
            return {"row": row, "column": column, "value": value}

        def date(self, number: Any, style: int, row: int, cell: str) -> Any:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.timedelta_formats)
            except (OverflowError, ValueError):
                self.note(
                    row,
                    "date",
                    t(
                        "{where}: a date outside the calendar is read as its number {number}",
                        where=t("cell {cell}", cell=cell),
                        number=number,
                    ),
                )
                return number

        def note(self, row: int, kind: str, text: str) -> None:
            self.notes.append(Note(row, kind, text))

    return Parser


def _has_header(sheet: Any) -> bool:
    for number, values in _Rows(sheet):
        if number > HEADER_SEARCH_ROWS:
            break
        if header_found(list(values.values())):
            return True
    return False


def _first_row(sheet: Any) -> str:
    """The sheet's first row of several values (a header's candidate, not a title), as an
    error names it; "" for none among the rows a header is looked for in."""
    for number, values in _Rows(sheet):
        if number > HEADER_SEARCH_ROWS:
            break
        if len(values) > 1:
            labels = first_labels([[values[c] for c in sorted(values)]])
            return t(
                "; labels found in sheet {title!r}, row {number}: {labels}",
                title=sheet.title,
                number=number,
                labels=labels,
            )
    return ""


def _survey(sheet: Any) -> tuple[int, bool]:
    """How many rows of a sheet hold a value, and whether it has a header row."""
    rows, has_header = 0, False
    for number, values in _Rows(sheet):
        rows += 1
        if number <= HEADER_SEARCH_ROWS and not has_header:
            has_header = header_found(list(values.values()))
    return rows, has_header


def _sheet_table(sheet: Any, path: Path) -> SourceTable:
    stream = _Rows(sheet)
    values: dict[int, dict[int, str]] = {}
    count = 0
    for number, row in stream:
        far = max(row)
        if number > MAX_ROWS or far > MAX_COLUMNS:
            from openpyxl.utils.cell import get_column_letter

            limit = f"{MAX_ROWS:,} rows" if number > MAX_ROWS else f"{MAX_COLUMNS:,} columns"
            raise DataError(
                t(
                    "{path}: sheet {title!r}, cell {column}{number} holds a value; dutycli reads at most {limit} (delete what lies beyond the table)",
                    path=path,
                    title=sheet.title,
                    column=get_column_letter(far),
                    number=number,
                    limit=limit,
                )
            )
        count += len(row)
        if count > MAX_CELLS:
            raise DataError(
                t(
                    "{path}: row {number}: more than {MAX_CELLS:,} cells; dutycli reads at most {MAX_CELLS:,} cells of a table",
                    path=path,
                    number=number,
                    MAX_CELLS=MAX_CELLS,
                )
            )
        values.setdefault(number, {}).update(row)
    last = max(values, default=0)
    width = max((max(row) for row in values.values()), default=0)
    spans = _spans(stream.merges, last, width, path)
    notes = stream.notes
    limits = Limits(path, "row")
    rows: list[list[Cell]] = []
    for number in range(1, last + 1):
        row = values.get(number, {})
        marks = spans.get(number, [])
        length = max(max(row, default=0), max((end for _, end, _ in marks), default=0))
        limits.row(number, length)
        kind = [0] * (length + 1)  # by column: 1 continues a merge above, 2 covered from the left
        for start, end, first in marks:
            if not first:
                kind[start] = 1
            for column in range(start + 1, end + 1):
                kind[column] = 2
        cells = []
        for column in range(1, length + 1):
            text = row.get(column, "")
            if not kind[column]:
                cells.append(Cell(text, number))
                continue
            if text:
                from openpyxl.utils.cell import get_column_letter

                notes.append(
                    Note(
                        number,
                        "hidden",
                        t(
                            "cell {cell} lies inside a merged cell, which shows only its first cell: its value {value!r} is not read",
                            cell=f"{get_column_letter(column)}{number}",
                            value=text[:20],
                        ),
                    )
                )
            cells.append(Cell("", number, merged=kind[column] == 1, covered=kind[column] == 2))
        rows.append(cells)
    return SourceTable([], rows, unit="row", meta={"sheet": sheet.title}, notes=notes)


def _spans(
    merges: list[str], last: int, width: int, path: Path
) -> dict[int, list[tuple[int, int, bool]]]:
    """By row: (first column, last column, whether the row is the merge's first) of each merged
    range, clipped to the table (rows up to ``last``, columns up to ``width``)."""
    from openpyxl.utils.cell import range_boundaries

    spans: dict[int, list[tuple[int, int, bool]]] = {}
    area = 0
    for ref in merges:
        left, top, right, bottom = range_boundaries(ref)
        if left is None or top is None or right is None or bottom is None:
            continue  # a whole row or column: not a merged cell Excel writes
        right, bottom = min(right, width), min(bottom, last)
        if top > bottom or left > right:
            continue  # beyond the table
        area += (bottom - top + 1) * (right - left + 1)
        if area > MAX_CELLS:
            raise DataError(
                t(
                    "{path}: merged ranges cover more than {MAX_CELLS:,} cells of the table (ranges overlap): the file is damaged",
                    path=path,
                    MAX_CELLS=MAX_CELLS,
                )
            )
        for number in range(top, bottom + 1):
            spans.setdefault(number, []).append((left, right, number == top))
    return spans


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
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return value.isoformat() if not isinstance(value, dt.timedelta) else str(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n")
