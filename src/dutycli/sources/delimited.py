"""CSV and TSV, as Excel or WPS save them (merged cells come out empty)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dutycli.errors import DataError
from dutycli.sources.encoding import decode
from dutycli.sources.table import Cell, SourceTable


def read(data: bytes, path: Path, delimiter: str) -> SourceTable:
    text, _ = decode(data, path)
    return table_from_text(text, path, delimiter)


def table_from_text(text: str, path: Path, delimiter: str) -> SourceTable:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Cell]] = []
    start = 1
    try:
        for record in reader:
            rows.append([Cell(value, start) for value in record])
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num}: not valid CSV: {exc}") from None
    # A sheet saved as CSV keeps a merged value in its first cell only.
    return SourceTable([], rows, unit="line", empty_is_merged=True)
