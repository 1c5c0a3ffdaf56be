"""The text a Word table becomes when copied out: a TAB starts each cell.

A line starting with a TAB starts a cell; a line without one continues the cell
before it. Lines before the first cell are the preamble (label, title). The row
width is the header's: the cells before the first goal number. A .txt that Excel
saved as tab-delimited text (one row a line) is read as TSV instead.
"""

from __future__ import annotations

from pathlib import Path

from dutycli.errors import DataError
from dutycli.names import squeeze
from dutycli.sources.encoding import decode
from dutycli.sources.table import (
    HEADER_MIN_LABELS,
    HEADER_SEARCH_ROWS,
    Cell,
    SourceTable,
    column_of,
    header_score,
)


def read_cells(text: str) -> tuple[list[str], list[Cell]]:
    """Split the text format into preamble lines and cells."""
    preamble: list[str] = []
    cells: list[Cell] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            cells.append(Cell(line[1:], number))
        elif cells:
            cells[-1].text += "\n" + line
        elif line.strip():
            preamble.append(line.strip())
    return preamble, cells


def header_width(cells: list[Cell], source: str) -> int:
    """Cells in the header: up to the first row's goal number (序号 is the first column)."""
    if not cells:
        raise DataError(f"{source}: no table cells (no line starts with a TAB)")
    if column_of(cells[0].text) != "goal_no":
        found = squeeze(cells[0].text) or "(empty)"
        raise DataError(
            f"{source}: line {cells[0].line}: the table must start with the 序号 column; found {found}"
        )
    for index, cell in enumerate(cells[1:], start=1):
        text = squeeze(cell.text)
        if text.isdigit() and text.isascii():
            return index
    # No goal number anywhere: the header is its run of known labels (the importer then
    # says what is wrong with the rows).
    labels = 0
    while labels < len(cells) and column_of(cells[labels].text) is not None:
        labels += 1
    return labels


def table_from_text(text: str, source: str) -> SourceTable:
    preamble, cells = read_cells(text)
    width = header_width(cells, source)
    if len(cells) % width:
        last = cells[-(len(cells) % width)]
        raise DataError(
            f"{source}: line {last.line}: {len(cells)} cells do not make rows of {width}; "
            "a row has missing or extra cells"
        )
    rows = [cells[i : i + width] for i in range(0, len(cells), width)]
    return SourceTable(preamble, rows, unit="line", empty_is_merged=True)


def is_tab_separated(text: str) -> bool:
    """A .txt saved by Excel (text, tab-delimited): the header is one line of TAB-separated labels."""
    for line in text.split("\n")[:HEADER_SEARCH_ROWS]:
        if header_score(line.split("\t")) >= HEADER_MIN_LABELS:
            return True
    return False


def read(data: bytes, path: Path) -> SourceTable:
    text, _ = decode(data, path)
    if is_tab_separated(text):
        from dutycli.sources import delimited

        return delimited.table_from_text(text, path, "\t")
    return table_from_text(text, path.name)
