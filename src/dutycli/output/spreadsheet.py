"""Output for spreadsheets: xlsx workbooks, and CSV that Excel and WPS open safely.

Called by ``emit`` and ``flat`` only. openpyxl is an optional extra, imported here when a workbook is
written, so that every other path works without it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, BinaryIO

from dutycli.errors import DutyError
from dutycli.output.text import display_width

if TYPE_CHECKING:
    import polars as pl

UTF8_BOM = b"\xef\xbb\xbf"
# What Excel, WPS and LibreOffice read as the start of a formula (or strip before one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# openpyxl refuses these control characters in a cell; they are shown as escapes instead.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A column fits its longest cell up to this width (in half-width characters); longer text wraps.
MAX_COLUMN_WIDTH = 50


def neutralize(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula get a leading ``'`` (shown, not run)."""
    import polars as pl

    pattern = "^[" + re.escape("".join(FORMULA_START)) + "]"
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def write_xlsx(frame: pl.DataFrame, headers: list[str], out: BinaryIO, title: str) -> None:
    """A workbook with one sheet: bold frozen header row, wrapped text, fitted column widths.

    ``frame`` must be flat (no list columns). Text is always stored as text, so a cell starting
    with ``=`` is never a formula.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise DutyError(
            "xlsx output needs openpyxl, the xlsx extra: pip install 'dutycli[xlsx]' (from a checkout: pip install '.[xlsx]')"
        ) from None

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = title[:31]
    sheet.append(headers)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [display_width(h) for h in headers]
    for row in frame.iter_rows():
        values = [_xlsx_value(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values):
            if value is not None:
                widths[index] = max(widths[index], display_width(str(value)))
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with "="
            cell.alignment = wrap
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width, 4) + 2, MAX_COLUMN_WIDTH
        )
    sheet.freeze_panes = "A2"
    book.save(out)
