"""CSV and TSV, as Excel or WPS save them (merged cells come out empty)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dutycli.errors import DataError
from dutycli.i18n import t
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
            t(
                "{path}: more than {MAX_CELLS:,} {name} separators; dutycli reads at most {MAX_CELLS:,} cells of a table",
                path=path,
                MAX_CELLS=MAX_CELLS,
                name=name,
            )
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
        raise DataError(
            t(
                "{path}: line {line_num}: not valid CSV: {exc}",
                path=path,
                line_num=reader.line_num,
                exc=exc,
            )
        ) from None
    finally:
        csv.field_size_limit(limit)
    # A sheet saved as CSV keeps a merged value in its first cell only.
    return SourceTable([], rows, unit="line", empty_is_merged=True)
