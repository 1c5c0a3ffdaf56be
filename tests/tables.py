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
    layout: bool = False,
    split: int = 0,
) -> Path:
    """A web page as a government site publishes the table, in ``encoding`` (declared in a
    ``<meta charset>``; characters it lacks written as character references).

    The preamble lines are paragraphs above the table, between the site's navigation and
    its footer. Merged cells are written once, in their first row, with ``rowspan`` and
    ``colspan``; a line break in a cell is ``<br>`` (``line_break="br"``) or a paragraph per
    line (``"p"``), a run of spaces keeps its width with ``&nbsp;``; header cells are
    ``<td>`` as on most such pages, or ``<th>``. With ``layout`` the content sits in a
    layout table beside a menu, as older
    sites lay out their pages; with ``split`` the table is two tables, the second starting
    at row ``split`` of rows() with the header repeated (a table split in two; no merge may
    cross that row).
    """
    from html import escape

    rows = table.rows()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for column, first, last in table.merges():
        spans[(first, column)] = (last - first + 1, 1)
    for at, column, height, width in table.spans:
        spans[(at, column)] = (height, width)
    covered = table.covered()

    def cell(r: int, c: int, text: str) -> str:
        tag = header_tag if rows[r] == table.header else "td"
        height, width = spans.get((r, c), (1, 1))
        attributes = (f' rowspan="{height}"' if height > 1 else "") + (
            f' colspan="{width}"' if width > 1 else ""
        )
        lines = [escape(line, quote=False).replace("  ", " &nbsp;") for line in text.split("\n")]
        if line_break == "p" and len(lines) > 1:
            shown = "".join(f"<p>{line}</p>" for line in lines)
        else:
            shown = "<br>".join(lines)
        return f"<{tag}{attributes}>{shown}</{tag}>"

    def grid(indexes: range) -> str:
        lines = ['<table border="1" cellspacing="0" cellpadding="4">']
        for r in indexes:
            cells = [cell(r, c, text) for c, text in enumerate(rows[r]) if (r, c) not in covered]
            lines.append("<tr>" + "".join(cells) + "</tr>")
        return "\n".join([*lines, "</table>"])

    title = escape(table.preamble[-1] if table.preamble else "分解表")
    content = "".join(f"<p>{escape(line)}</p>\n" for line in table.preamble)
    if split:
        content += grid(range(split)) + "\n<p>&nbsp;</p>\n"
        rows = [*rows[:split], table.header, *rows[split:]]
        covered = {(r + (r >= split), c) for r, c in covered}
        spans = {(r + (r >= split), c): s for (r, c), s in spans.items()}
        content += grid(range(split, len(rows)))
    else:
        content += grid(range(len(rows)))
    navigation = '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>'
    if layout:
        content = (
            '<table width="100%"><tr><td class="menu"><a href="/">首页</a><br>'
            f'<a href="/zwgk/">政务公开</a></td><td class="main">\n{content}\n</td></tr></table>'
        )
    page = (
        f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{encoding}">\n'
        f"<title>{title}_人民政府</title>\n<style>td {{ font-size: 12px; }}</style>\n</head>\n"
        f'<body>\n{navigation}\n<div class="content">\n{content}\n</div>\n'
        '<div class="footer">主办单位：人民政府办公室</div>\n</body>\n</html>\n'
    )
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path
