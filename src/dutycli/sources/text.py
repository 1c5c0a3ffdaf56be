"""The text a Word table becomes when copied out: a TAB starts each cell.

A line starting with a TAB starts a cell; a line without one continues the cell
before it. Lines before the first cell are the preamble (label, title). The row
width is the header's: the cells before the first goal number. A .txt that Excel
saved as tab-delimited text (one row a line) is read as TSV instead.
"""

from __future__ import annotations

from pathlib import Path

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.names import squeeze
from dutycli.sources.encoding import decode
from dutycli.sources.table import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    Cell,
    Limits,
    SourceTable,
    column_of,
    header_found,
    shorten,
)


def read_cells(text: str, source: object = "text") -> tuple[list[str], list[Cell]]:
    """Split the text format into preamble lines and cells."""
    preamble: list[str] = []
    cells: list[Cell] = []
    lines: list[str] = []  # the lines of the last cell: joined once, not one by one
    limits = Limits(source, "line")
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            if cells:
                cells[-1].text = "\n".join(lines)
            limits.row(number, 1, rows=0)
            cells.append(Cell("", number))
            lines = [line[1:]]
        elif cells:
            lines.append(line)
        elif line.strip():
            preamble.append(line.strip())
    if cells:
        cells[-1].text = "\n".join(lines)
    return preamble, cells


def header_width(cells: list[Cell], source: str) -> int:
    """Cells in the header: up to the first row's goal number when 序号 is the first column,
    else its run of known labels (工作任务 | 责任单位)."""
    if not cells:
        raise DataError(t("{source}: no table cells (no line starts with a TAB)", source=source))
    labels = 0
    while labels < len(cells) and column_of(cells[labels].text) is not None:
        labels += 1
    if column_of(cells[0].text) != "goal_no":
        if header_found([c.text for c in cells[:labels]]):
            return labels
        found = shorten(squeeze(cells[0].text)) or "(empty)"
        raise DataError(
            t(
                "{source}: line {line}: the table must start with its header (序号, 工作任务, 牵头单位, …); found {found}",
                source=source,
                line=cells[0].line,
                found=found,
            )
        )
    for index, cell in enumerate(cells[1:], start=1):
        text = squeeze(cell.text)
        if text.isdigit() and text.isascii():
            if index > MAX_COLUMNS:
                raise DataError(
                    t(
                        "{source}: line {line}: a header of {index:,} cells; dutycli reads at most {MAX_COLUMNS:,} columns",
                        source=source,
                        line=cells[0].line,
                        index=index,
                        MAX_COLUMNS=MAX_COLUMNS,
                    )
                )
            return index
    # No goal number anywhere: the header is its run of known labels (the importer then
    # says what is wrong with the rows).
    return labels


def table_from_text(text: str, source: str) -> SourceTable:
    preamble, cells = read_cells(text, source)
    width = header_width(cells, source)
    if len(cells) % width:
        last = cells[-(len(cells) % width)]
        raise DataError(
            t(
                "{source}: line {line}: {count} cells do not make rows of {width}; a row has missing or extra cells",
                source=source,
                line=last.line,
                count=len(cells),
                width=width,
            )
        )
    limits = Limits(source, "line")
    rows = []
    for start in range(0, len(cells), width):
        limits.row(cells[start].line, width)
        rows.append(cells[start : start + width])
    return SourceTable(preamble, rows, unit="line", empty_is_merged=True)


def is_tab_separated(text: str) -> bool:
    """A .txt saved by Excel (text, tab-delimited): the header is one line of TAB-separated labels."""
    start = 0
    for _ in range(HEADER_SEARCH_ROWS):  # the first lines only, without splitting the rest
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if header_found(line.split("\t")[:MAX_COLUMNS]):
            return True
        if end < 0:
            break
        start = end + 1
    return False


def read(data: bytes, path: Path) -> SourceTable:
    text, _ = decode(data, path)
    if is_tab_separated(text):
        from dutycli.sources import delimited

        return delimited.table_from_text(text, path, "\t")
    return table_from_text(text, path.name)
