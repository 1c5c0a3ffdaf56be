"""CSV and TSV, as Excel or WPS save them (merged cells come out empty)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dutycli.errors import DataError
from dutycli.sources.encoding import decode
from dutycli.sources.table import MAX_CELLS, Cell, Limits, SourceTable


def read(data: bytes, path: Path, delimiter: str) -> SourceTable:
    text, _ = decode(data, path)
    return table_from_text(text, path, delimiter)


def table_from_text(text: str, path: Path, delimiter: str) -> SourceTable:
    # The csv module builds a whole record before it is counted: a line of a million
    # separators would be a million cells at once. Every cell but a row's first follows a
    # separator, so this bounds the cells before any is built.
    if text.count(delimiter) > MAX_CELLS:
        name = "TAB" if delimiter == "\t" else repr(delimiter)
        raise DataError(
            f"{path}: more than {MAX_CELLS:,} {name} separators; "
            f"dutycli reads at most {MAX_CELLS:,} cells of a table"
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Cell]] = []
    limits = Limits(path, "line")
    start = 1
    # A cell may hold any text the file holds (the csv module's own limit is 128 KB).
    limit = csv.field_size_limit(max(len(text), csv.field_size_limit()))
    try:
        for record in reader:
            limits.row(start, len(record))
            rows.append([Cell(value, start) for value in record])
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num}: not valid CSV: {exc}") from None
    finally:
        csv.field_size_limit(limit)
    # A sheet saved as CSV keeps a merged value in its first cell only.
    return SourceTable([], rows, unit="line", empty_is_merged=True)
