"""Word (.docx) tables, read from their XML so merged cells are known, not guessed.

python-docx repeats a merged cell's text at every grid position it covers, so
merges are read from the cell elements: ``w:vMerge`` (continue) marks a cell
that continues the one above, ``w:gridSpan`` one cell spanning several columns.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.sources import package
from dutycli.sources.table import HEADER_MIN_LABELS, Cell, SourceTable, header_score, missing_extra

# Rows of a table searched for its header row.
_HEADER_ROWS = 5


def read(data: bytes, path: Path) -> SourceTable:
    try:
        import docx
        from docx.oxml.ns import qn
    except ImportError:
        raise missing_extra("docx", "python-docx") from None
    package.check(data, path, "Word (.docx)")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DataError(f"{path}: not a readable Word (.docx) file: {exc}") from None

    body = document.element.body
    preamble: list[str] = []
    rows: list[list[Cell]] = []
    notes: list[tuple[int, str]] = []
    width: int | None = None
    number = 0  # rows counted across every table of the document
    for child in body.iterchildren():
        if child.tag == qn("w:p") and width is None:
            text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            if text:
                preamble.append(text)
        elif child.tag == qn("w:tbl"):
            rows_xml = child.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr | ./w:customXml/w:tr")
            table_rows = [_row(tr, qn) for tr in rows_xml]
            start, number = number, number + len(table_rows)
            grid = max((len(r) for r in table_rows), default=0)
            if width is None:
                if not any(
                    header_score([c for c, _, _ in r]) >= HEADER_MIN_LABELS
                    for r in table_rows[:_HEADER_ROWS]
                ):
                    continue  # a table before the duty table (e.g. a form): not ours
                width = grid
            elif grid != width:
                # A later table of another shape (signatures, notes) is not part of the table.
                notes.append((start + 1, f"a later table of {grid} columns is not read"))
                continue
            for offset, cells in enumerate(table_rows, start=start + 1):
                rows.append([Cell(t, offset, merged) for t, merged, _ in cells])
                spans = [t for t, _, spanned in cells if spanned]
                if spans and offset > start + 1:
                    notes.append((offset, "a cell spans several columns; read in its first column"))
    if width is None:
        raise DataError(
            f"{path}: no table with a recognizable header (序号, 目标名称, 工作标准, …) in the document"
        )
    return SourceTable(preamble, rows, unit="row", notes=notes)


def _row(tr: Any, qn: Any) -> list[tuple[str, bool, bool]]:
    """(text, continues a vertical merge, covered by a horizontal span) per grid column."""
    cells: list[tuple[str, bool, bool]] = []
    properties = tr.trPr
    before = properties.grid_before if properties is not None else 0
    after = properties.grid_after if properties is not None else 0
    cells += [("", False, False)] * before
    # Cells may sit inside content controls (w:sdt) or custom XML: still cells of the row.
    for tc in tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc | ./w:customXml/w:tc"):
        continued = tc.vMerge == "continue"
        cells.append(("" if continued else _cell_text(tc, qn), continued, False))
        # The columns a span covers hold no value of their own.
        cells += [("", False, True)] * (tc.grid_span - 1)
    cells += [("", False, False)] * after
    return cells


def _cell_text(tc: Any, qn: Any) -> str:
    """The text Word shows in a cell: paragraphs on lines, tracked insertions included.

    Every w:t counts once, in its own paragraph (python-docx's paragraph text skips runs
    inside w:ins and w:smartTag); deleted text is w:delText and so never read.
    """
    paragraph, text, tab = qn("w:p"), qn("w:t"), qn("w:tab")
    breaks = (qn("w:br"), qn("w:cr"))
    lines = []
    for p in tc.iter(paragraph):
        parts = []
        for node in p.iter(text, tab, *breaks):
            if next(node.iterancestors(paragraph)) is not p:
                continue  # inside a nested paragraph (a text box): read with that one
            if node.tag == text:
                parts.append(node.text or "")
            elif node.tag == tab:
                parts.append("\t")
            else:
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines)
