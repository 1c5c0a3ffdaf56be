"""Writers of source tables in every format, built from rows of cell texts.

Tests use them to write the same table as Word, Excel, CSV, text files and web pages, with
real merged cells where the table leaves a cell empty below a written one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Table:
    """A table as written: preamble lines, the header, body rows of cell texts."""

    preamble: list[str]
    header: list[str]
    body: list[list[str]]
    # Columns whose empty cells continue the written cell above (a merge), never across goals.
    merge_columns: tuple[int, ...] = ()
    # Body row indexes before which the header row is repeated (as at a page break).
    repeat_header_before: tuple[int, ...] = ()
    # Explicit merges: (row, column, rows, columns), row an index into rows(): the cell there
    # spans that many rows and columns (a heading across the table, a 序号 over several rows).
    # The cells it covers must be "" in the rows.
    spans: tuple[tuple[int, int, int, int], ...] = ()

    def covered(self) -> set[tuple[int, int]]:
        """(row, column) of every cell inside a merge but its first: written by no writer."""
        cells = {
            (r, column) for column, first, last in self.merges() for r in range(first + 1, last + 1)
        }
        for row, column, rows, columns in self.spans:
            cells |= {
                (r, c)
                for r in range(row, row + rows)
                for c in range(column, column + columns)
                if (r, c) != (row, column)
            }
        return cells

    def rows(self) -> list[list[str]]:
        """Header and body, with the repeated headers in place."""
        out = [self.header]
        for index, row in enumerate(self.body):
            if index in self.repeat_header_before:
                out.append(self.header)
            out.append(row)
        return out

    def merges(self) -> list[tuple[int, int, int]]:
        """(column, first row, last row) of each vertical merge, as indexes into rows().

        A run of empty cells below a written one is merged with it, within one goal
        (a 序号 repeated at a page break is the same goal) and never across a header row.
        """
        rows = self.rows()
        runs: list[tuple[int, int, int]] = []
        for column in self.merge_columns:
            run: list[int] = []  # the written row, then the empty rows below it
            goal = None
            for index, row in enumerate(rows):
                new_goal = bool(row[0].strip()) and row[0].strip() != goal
                if row == self.header or new_goal or row[column].strip():
                    if len(run) > 1:
                        runs.append((column, run[0], run[-1]))
                    run = []
                if row == self.header:
                    continue
                goal = row[0].strip() or goal
                if row[column].strip() or run:
                    run.append(index)
            if len(run) > 1:
                runs.append((column, run[0], run[-1]))
        return runs


def write_text(table: Table, path: Path, encoding: str = "utf-8", newline: str = "\n") -> Path:
    lines = [*table.preamble, ""]
    for row in table.rows():
        lines += ["\t" + cell for cell in row] + [""]
    path.write_bytes(newline.join(lines).replace("\n", newline).encode(encoding))
    return path


def write_delimited(table: Table, path: Path, delimiter: str, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for line in table.preamble:
        writer.writerow([line] + [""] * (len(table.header) - 1))
    writer.writerows(table.rows())
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_docx(table: Table, path: Path, title_row: bool = False) -> Path:
    """A Word table; merged cells are real ``w:vMerge`` merges, written once in their first row.

    With ``title_row`` the last preamble line is a first table row spanning every column.
    """
    import docx

    document = docx.Document()
    preamble = table.preamble[:-1] if title_row else table.preamble
    for line in preamble:
        document.add_paragraph(line)
    rows = table.rows()
    offset = 1 if title_row else 0
    grid = document.add_table(rows=len(rows) + offset, cols=len(table.header))
    lines = grid.rows  # by row: Table.cell() rebuilds every cell of the table on each call
    if title_row:
        span = lines[0].cells[0].merge(lines[0].cells[len(table.header) - 1])
        span.text = table.preamble[-1]
    for column, first, last in table.merges():
        lines[first + offset].cells[column].merge(lines[last + offset].cells[column])
    for at, column, height, span in table.spans:
        top_left = lines[at + offset].cells[column]
        top_left.merge(lines[at + offset + height - 1].cells[column + span - 1])
    merged = table.covered()
    for r, row in enumerate(rows):
        cells = lines[r + offset].cells
        for c, text in enumerate(row):
            if (r, c) not in merged:
                cells[c].text = text
    document.save(str(path))
    return path


def write_xlsx(table: Table, path: Path, sheet: str = "分解表", blank_sheet: bool = True) -> Path:
    """An Excel sheet with merged ranges; the title row spans every column.

    With ``blank_sheet`` a first sheet without a table comes before it.
    """
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    if blank_sheet:
        first.title = "说明"
        first["A1"] = "本表由督查室整理"
        ws = book.create_sheet(sheet)
    else:
        first.title = sheet
        ws = first
    width = len(table.header)
    for r, line in enumerate(table.preamble, start=1):
        ws.cell(r, 1, line)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    top = len(table.preamble) + 1
    rows = table.rows()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            value: object = int(text) if text.strip().isdigit() else (text or None)
            ws.cell(top + r, c + 1, value)
    for column, first_row, last_row in table.merges():
        ws.merge_cells(
            start_row=top + first_row,
            start_column=column + 1,
            end_row=top + last_row,
            end_column=column + 1,
        )
    for at, column, height, span in table.spans:
        ws.merge_cells(
            start_row=top + at,
            start_column=column + 1,
            end_row=top + at + height - 1,
            end_column=column + span,
        )
    book.save(str(path))
    return path


def write_html(
    table: Table,
    path: Path,
    encoding: str = "utf-8",
    line_break: str = "br",
    header_tag: str = "td",
) -> Path:
    """A saved web page: the preamble as paragraphs, the table with ``rowspan``/``colspan``.

    The page names its encoding in ``<meta charset>`` and is written in it (``gbk``, as many
    government sites are). A line break inside a cell is ``<br>`` (``line_break="br"``) or a
    paragraph per line (``"p"``); header cells are ``<td>`` as on most such pages, or
    ``<th>``. Cells covered by a merge are not written, as a browser expects.
    """
    from html import escape

    def cell_html(text: str) -> str:
        lines = [escape(line) for line in text.split("\n")]
        if line_break == "p" and len(lines) > 1:
            return "".join(f"<p>{line}</p>" for line in lines)
        return "<br>".join(lines)

    extent: dict[tuple[int, int], tuple[int, int]] = {}  # origin: (rows, columns)
    for column, first, last in table.merges():
        extent[(first, column)] = (last - first + 1, 1)
    for at, column, height, span in table.spans:
        extent[(at, column)] = (height, span)
    covered = table.covered()
    title = escape(table.preamble[-1]) if table.preamble else ""
    out = [
        "<!DOCTYPE html>",
        "<html>",
        f'<head><meta charset="{encoding}"><title>{title}</title></head>',
        "<body>",
        *(f"<p>{escape(line)}</p>" for line in table.preamble),
        '<table border="1" cellspacing="0" cellpadding="0">',
    ]
    for r, row in enumerate(table.rows()):
        tag = header_tag if row == table.header else "td"
        cells = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            height, span = extent.get((r, c), (1, 1))
            spans = (f' rowspan="{height}"' if height > 1 else "") + (
                f' colspan="{span}"' if span > 1 else ""
            )
            cells.append(f"<{tag}{spans}>{cell_html(text)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</table>", "</body>", "</html>", ""]
    path.write_bytes("\n".join(out).encode(encoding))
    return path
