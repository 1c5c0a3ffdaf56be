"""Output for spreadsheets: xlsx workbooks, and CSV that Excel and WPS open safely.

Every cell a spreadsheet gets passes through here, header and sheet title included: data is
never a formula (an xlsx cell is typed as text; an ``--excel`` CSV cell that would start a
formula gets a leading ``'``), never a character Excel refuses, and what Excel cannot hold
(a cell over 32,767 characters) is cut visibly and reported, never silently.

Called by ``emit`` and ``flat`` only. openpyxl is an optional extra, imported here when a workbook is
written, so that every other path works without it.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from dutycli.errors import DutyError
from dutycli.i18n import t
from dutycli.output.text import display_width

if TYPE_CHECKING:
    import polars as pl

    from dutycli.output.result import Result

UTF8_BOM = b"\xef\xbb\xbf"
# What Excel, WPS and LibreOffice read as the start of a formula (or strip before one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# openpyxl refuses these control characters in a cell; they are shown as escapes instead.
# XML cannot hold U+FFFE, U+FFFF or a lone surrogate either.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A column fits its longest cell up to this width (in half-width characters); longer text wraps.
MAX_COLUMN_WIDTH = 50
# Excel holds at most this many characters (UTF-16 code units) in a cell; longer text is cut
# and ends with CUT_MARK, and the command says which cells on stderr.
EXCEL_CELL_LIMIT = 32_767
CUT_MARK = "…（已截断）"
# Excel's numbers are doubles: a whole number beyond this is rounded, so it is written as text.
EXCEL_EXACT_INT = 2**53
# A sheet title: at most 31 characters, none of these, not starting or ending with '.
SHEET_TITLE_LIMIT = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# The header row: the title and what was asked come above it.
HEADER_ROW = 3
# How many cut cells the note names one by one.
CUT_NAMED = 10


@dataclass(frozen=True)
class CutCell:
    """A cell cut to Excel's limit: its sheet row, the task id on that row (if any), its column."""

    row: int
    task_id: Any
    column: str


def neutralize(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula get a leading ``'`` (shown, not run)."""
    import polars as pl

    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )


_FORMULA_PATTERN = "^[" + re.escape("".join(FORMULA_START)) + "]"


def neutralize_text(text: str) -> str:
    """One text (a CSV header) as ``neutralize`` treats a cell."""
    return "'" + text if text.startswith(FORMULA_START) else text


def sheet_title(text: str) -> str:
    """A title Excel (and openpyxl) accepts: forbidden characters replaced, at most 31 long."""
    title = _SHEET_FORBIDDEN.sub("_", _XLSX_ILLEGAL.sub("", text)).strip("'")
    title = _cut_units(title, SHEET_TITLE_LIMIT).strip("'")
    return title if title.strip() else "Sheet1"


def _utf16_length(text: str) -> int:
    # Excel counts UTF-16 code units: a character outside the BMP counts two.
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _cut_units(text: str, limit: int) -> str:
    """The longest start of ``text`` at most ``limit`` UTF-16 code units long."""
    if _utf16_length(text) <= limit:
        return text
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text  # pragma: no cover - the length said it was longer


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _xlsx_value(value: Any) -> tuple[Any, bool]:
    """A value as a cell holds it, and whether it had to be cut."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value), False  # nan/inf are not numbers in a workbook
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > EXCEL_EXACT_INT:
        return str(value), False  # Excel would round it: kept as text, every digit
    if not isinstance(value, str):
        return value, False
    text = _XLSX_ILLEGAL.sub(_escape, value)
    if _utf16_length(text) <= EXCEL_CELL_LIMIT:
        return text, False
    return _cut_units(text, EXCEL_CELL_LIMIT - len(CUT_MARK)) + CUT_MARK, True


def cut_note(cut: list[CutCell], where: str) -> str:
    """The stderr line saying which cells were cut: "2 cells ... were cut in x.xlsx: tasks 12, 40"."""
    with_ids = all(c.task_id is not None for c in cut)
    names = [str(c.task_id) if with_ids else str(c.row) for c in cut]
    names = list(dict.fromkeys(names))
    shown = ", ".join(names[:CUT_NAMED]) + (", …" if len(names) > CUT_NAMED else "")
    cells = "1 cell" if len(cut) == 1 else f"{len(cut)} cells"
    whose = "tasks" if with_ids else "rows"
    return (
        f"{cells} longer than Excel's {EXCEL_CELL_LIMIT:,} characters were cut in {where}: "
        f"{whose} {shown} (CSV and JSON keep the whole text)"
    )


def write_xlsx(result: Result, frame: pl.DataFrame, out: BinaryIO) -> list[CutCell]:
    """``result`` as a workbook ready to print and to filter (``write_workbook``): ``frame``
    (its shown columns, flat) with flags as 是/否, the dataset's title and what was asked above
    the header."""
    from dutycli.output.document import count_line
    from dutycli.schema import label

    frame = _yes_no(frame)
    asked, count = result.asked or result.kind.sheet, count_line(result, frame)
    titles = (result.title, f"{asked}　{count}") if result.title else (asked, count)
    headers = [label(c) for c in frame.columns]
    # A cut cell is named by its task's id, shown or not.
    ids = result.rows.get_column("id").to_list() if "id" in result.rows.columns else None
    return write_workbook(frame, headers, out, result.kind.sheet, titles, ids, result.notes)


def write_workbook(
    frame: pl.DataFrame,
    headers: list[str],
    out: BinaryIO,
    sheet_name: str,
    titles: tuple[str, str] = ("", ""),
    ids: list[Any] | None = None,
    notes: list[str] | None = None,
) -> list[CutCell]:
    """A workbook with one sheet: two title lines above a bold header row with filters,
    wrapped text, fitted column widths, A4 landscape fitted to the page's width with the
    header on every page, page numbers.

    ``frame`` must be flat (no list columns). Every text cell, headers included, is stored as
    text, so a cell starting with ``=`` is never a formula. Returns the cells cut to Excel's
    limit, each named by its row's id in ``ids`` where given; ``notes`` are lines below the
    table. The workbook is made in memory and written in one piece: a full disk is one error,
    not a half-closed zip.
    """
    book, cut = build_workbook(frame, headers, sheet_name, titles, ids)
    sheet = book.active
    # Lines after the table (a report's counts), a blank row below it, outside its filter.
    for line, text in enumerate(notes or (), start=HEADER_ROW + len(frame) + 2):
        _text_cell(sheet, line, 1, _xlsx_value(text)[0])
    save(book, out)
    return cut


def save(book: Any, out: BinaryIO) -> None:
    """An openpyxl workbook made in memory, written to ``out`` in one piece."""
    buffer = io.BytesIO()
    book.save(buffer)
    out.write(buffer.getbuffer())


def build_workbook(
    frame: pl.DataFrame,
    headers: list[str],
    sheet_name: str,
    titles: tuple[str, str] = ("", ""),
    ids: list[Any] | None = None,
) -> tuple[Any, list[CutCell]]:
    """The workbook ``write_workbook`` writes, still open (its one sheet is ``book.active``),
    for a caller that adds to it (the progress forms: protection, a drop-down, metadata)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise DutyError(
            t(
                "xlsx output needs openpyxl, the xlsx extra: pip install 'dutycli[xlsx]' (from a checkout: pip install '.[xlsx]')"
            )
        ) from None

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = sheet_title(sheet_name)
    cut: list[CutCell] = []
    last = get_column_letter(max(len(headers), 1))
    for line, text, font in zip((1, 2), titles, (Font(bold=True, size=14), Font()), strict=True):
        value, _ = _xlsx_value(text)
        cell = _text_cell(sheet, line, 1, value)
        cell.font, cell.alignment = font, Alignment(horizontal="center", vertical="center")
        if len(headers) > 1:
            sheet.merge_cells(f"A{line}:{last}{line}")
    header_row = HEADER_ROW
    header_font, header_alignment = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    widths = []
    for index, header in enumerate(headers, start=1):
        value, was_cut = _xlsx_value(header)
        if was_cut:
            cut.append(CutCell(header_row, None, "header"))
        cell = _text_cell(sheet, header_row, index, value)
        cell.font, cell.alignment = header_font, header_alignment
        widths.append(display_width(str(value)))
    wrap = Alignment(wrap_text=True, vertical="top")
    if ids is None and "id" in frame.columns:
        ids = frame.get_column("id").to_list()
    for row_index, row in enumerate(frame.iter_rows(), start=header_row + 1):
        for index, raw in enumerate(row):
            value, was_cut = _xlsx_value(raw)
            if was_cut:
                task_id = ids[row_index - header_row - 1] if ids is not None else None
                cut.append(CutCell(row_index, task_id, frame.columns[index]))
            cell = _text_cell(sheet, row_index, index + 1, value)
            cell.alignment = wrap
            if value is not None:
                widths[index] = max(widths[index], display_width(str(value)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width, 4) + 2, MAX_COLUMN_WIDTH
        )
    _print_ready(sheet, header_row, f"A{header_row}:{last}{header_row + len(frame)}")
    return book, cut


def _print_ready(sheet: Any, header_row: int, table: str) -> None:
    """A4 landscape, as wide as the page, the header row on every page, page numbers; the
    header frozen and filterable on screen."""
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = table
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _yes_no(frame: pl.DataFrame) -> pl.DataFrame:
    """Flags as a clerk writes them, 是/否, not TRUE/FALSE (CSV and JSON keep true/false)."""
    import polars as pl

    flags = [name for name, dtype in frame.schema.items() if dtype == pl.Boolean]
    return frame.with_columns(
        pl.col(name).replace_strict({True: "是", False: "否"}, return_dtype=pl.String)
        for name in flags
    )


def _text_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with "="
    return cell
