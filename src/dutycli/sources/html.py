"""Web pages (.html, .htm): the duty table of a saved government page, merges read as merges.

Offices publish their tables on websites; a clerk saves the page. The page is decoded by its
BOM, else the charset its ``<meta>`` declares (GB2312 and GBK read as GB18030, their
superset), else as UTF-8 or GB18030 (``encoding.decode``). lxml's HTML parser then streams
it (``html_page``): no tree of the page is built, and every row is counted against
``Limits`` before its cells are.

The duty table is the first table whose own rows hold a recognizable header: a layout table
around it is not (its cells' text is never mixed in), and a table nested in another closes,
and so is judged, first. ``rowspan`` continues a cell in the rows below (``merged``),
``colspan`` covers the cells to its right (``covered``), as Word's merges do; rows are
numbered by the page's ``<tr>`` elements. A later table with the same labels (or none) and
the same width continues it (a table split in two); other tables holding text are noted,
and the page's text below the table in one note.

Above the table, the lines directly above it (since the last table that closed, or the
page's start) give the label and title, as Word's paragraphs do: the nearest line (or the
table's ``<caption>``) is the title, the one above it the label when it names an
attachment (附件, 附表…). When no short line stands there, the page's ``<title>`` is the
title. The page's navigation further up is not read.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import TYPE_CHECKING

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.names import squeeze
from dutycli.sources.encoding import at, decode
from dutycli.sources.table import (
    Cell,
    Note,
    Notes,
    SourceTable,
    column_hint,
    counted,
    first_labels,
    header_found,
    missing_extra,
    unmatched_table,
)

if TYPE_CHECKING:
    from dutycli.sources.html_page import Position, Table

LABEL = "HTML (.html)"
# Rows of a table searched for its header row (as in Word).
_HEADER_ROWS = 5
# The first bytes searched for a declared charset (browsers look at the first 1,024; pages
# with long comments or scripts in their head put it further).
_PRESCAN = 4096
# A line above the table longer than this is a paragraph of the page, not the table's title.
MAX_TITLE = 80
# The page is handed to the parser in pieces of this many characters.
_CHUNK = 2**20

_DECLARED = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE
)
_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})""")
# Labels of GB2312 and GBK: read as GB18030, which holds them both (as browsers do).
_GB_LABELS = {
    *("gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936"),
    *("gb18030", "chinese", "csgb2312", "iso-ir-58", "csiso58gb231280"),
}
# Python codecs that are no web page's encoding: a label naming one is ignored, as browsers
# ignore a label they do not know.
_NOT_PAGE_CODECS = {"unicode-escape", "raw-unicode-escape", "utf-7", "idna", "punycode"}
# The characters of markup: a page's encoding reads them as ASCII does.
_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_ASCII_TEXT = _ASCII.decode("ascii")
# An attachment's label above a table's title: 附件, 附件1, 附表2：…
_LABEL_LINE = re.compile(r"(附件|附表)\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?")


def read(data: bytes, path: Path) -> SourceTable:
    try:
        from lxml import etree
    except ImportError:
        raise missing_extra("html", "lxml") from None
    from dutycli.sources.html_page import Page

    text = decode_page(data, path)
    reader = _Reader()
    page = Page(path, reader.table)
    parser = etree.HTMLParser(target=page, no_network=True)
    for start in range(0, len(text), _CHUNK):
        parser.feed(text[start : start + _CHUNK])
    parser.feed("")  # a parser fed nothing at all still closes
    parser.close()
    if reader.width is None:
        if not page.tables_seen:
            raise DataError(
                t(
                    "{path}: no table with a recognizable header (序号, 目标名称, 工作标准, …) "
                    "(the page has no table)",
                    path=path,
                )
            )
        seen = (
            t("; labels found in the first table's first row: {seen}", seen=reader.seen)
            if reader.seen
            else ""
        )
        raise DataError(
            t(
                "{path}: no table with a recognizable header (序号, 目标名称, 工作标准, …) "
                "in the page{seen}; {hint}",
                path=path,
                seen=seen,
                hint=column_hint(),
            )
        )
    if page.below:
        more = (
            t(" and {lines}", lines=counted(page.below - 1, "more line")) if page.below > 1 else ""
        )
        reader.notes.append(
            Note(
                page.below_line,
                "outside",
                t(
                    "page text below the table is not read: {text!r}{more}",
                    text=page.below_first[:30],
                    more=more,
                ),
            )
        )
    preamble = reader.preamble(page.title)
    return SourceTable(preamble, reader.rows, unit="row", notes=reader.notes)


# --- encoding -------------------------------------------------------------------------------


def decode_page(data: bytes, path: Path) -> str:
    """The page's text: by its BOM, else its declared charset, else UTF-8 or GB18030."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, path)[0]
    declared = _declared(data[:_PRESCAN])
    if declared is None:
        return decode(data, path)[0]
    label, codec, where = declared
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise DataError(
            t(
                "{path}: the page declares charset {label!r} (byte {where}) but is not {label} text: invalid bytes at {at}; correct or remove the declaration and import again",
                path=path,
                label=label,
                where=where,
                at=at(data, exc.start, codec),
            )
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise DataError(
            t(
                "{path}: holds NUL characters (first at line {line}): not a web page",
                path=path,
                line=line,
            )
        )
    return text


def _declared(head: bytes) -> tuple[str, str, int] | None:
    """(label, Python codec, byte offset) of the charset the page's start declares, if any
    it names is an encoding (an unknown label is ignored, as browsers ignore it)."""
    for pattern in (_XML_DECLARED, _DECLARED):
        match = pattern.search(head)
        if match is None:
            continue
        label = match.group(1).decode("ascii").lower()
        codec = _codec(label)
        if codec is not None:
            return label, codec, match.start(1)
    return None


def _codec(label: str) -> str | None:
    if label in _GB_LABELS:
        return "gb18030"
    if label.startswith(("utf-16", "utf-32", "ucs")):
        # A page whose markup is read as ASCII is not UTF-16: browsers read it as UTF-8.
        return "utf-8"
    try:
        name = codecs.lookup(label).name
        if name in _NOT_PAGE_CODECS:
            return None
        # A text encoding (not rot13 or base64) that reads the page's markup as ASCII, as the
        # declaration itself was read: a page declaring EBCDIC (cp500) is not EBCDIC.
        if _ASCII.decode(name) != _ASCII_TEXT:
            return None
    except (LookupError, UnicodeDecodeError):
        return None
    # Web pages saying Latin-1 or ASCII mean Windows-1252 (the WHATWG encoding standard).
    return "cp1252" if name in ("iso8859-1", "latin-1", "ascii") else name


# --- which table, and the lines above it ----------------------------------------------------


class _Reader:
    """The page's tables, each handed over when it closes (a nested table before its parent)."""

    def __init__(self) -> None:
        self.rows: list[list[Cell]] = []
        self.notes = Notes()
        self.width: int | None = None  # the duty table's grid columns, once it is found
        self.labels: list[str] = []  # its header row's labels, spaces removed
        self.above: list[str] = []  # the lines directly above it, its caption last
        self.title_rows = False  # rows above its header hold text (its title, inside it)
        self.seen = ""  # the first table's first row of text, for the error when none is read

    def table(self, table: Table) -> bool:
        """Take or note a table that closed; True when it is the duty table."""
        grid_rows = [positions for _, positions in table.rows]
        filled = sum(1 for r in grid_rows if any(text.strip() for text, _, _ in r))
        if not filled:
            return False  # a table without text holds nothing to read
        first = table.rows[0][0]
        header = _header_row(grid_rows)
        if table.around:
            # A table laying out the page around the duty table: not read. But one with a
            # header of its own is a table of tasks holding the one read in a cell: said.
            if header is not None:
                self.notes.append(
                    Note(
                        first,
                        "table",
                        t(
                            "a table of {rows} holding the table read in a cell is not read (it has a header of its own)",
                            rows=counted(len(grid_rows), "row"),
                        ),
                        filled,
                    )
                )
            return False
        grid = max(len(r) for r in grid_rows)
        if self.width is None:
            if header is None:
                self.seen = self.seen or first_labels([[t for t, _, _ in r] for r in grid_rows])
                self.notes.append(
                    Note(
                        first,
                        "table",
                        t(
                            "a table of {rows} (it has no header row) is not read",
                            rows=counted(len(grid_rows), "row"),
                        ),
                        filled,
                    )
                )
                return False
            self.width = grid
            self.labels = [squeeze(t) for t, _, _ in grid_rows[header]]
            caption = one_line(table.caption.text())
            self.above = [*table.above, *([caption] if caption else [])]
            self.title_rows = any(t.strip() for r in grid_rows[:header] for t, _, _ in r)
            self._take(table)
            return True
        own = None if header is None else [squeeze(t) for t, _, _ in grid_rows[header]]
        if grid == self.width and own in (None, self.labels):
            # The table split in two (its header, if repeated, is skipped as such).
            self._take(table)
            return False
        self.notes.append(unmatched_table(first, grid, len(grid_rows), self.width, filled))
        return False

    def _take(self, table: Table) -> None:
        for line, positions in table.rows:
            self.rows.append(
                [Cell(text, line, merged, covered) for text, merged, covered in positions]
            )

    def preamble(self, page_title: str) -> list[str]:
        """The label and title lines, as Word's paragraphs above its table."""
        lines = self.above
        if self.title_rows:
            # The table's own first rows are its title (read as such): only a label above.
            return lines[-1:] if lines and _is_label(lines[-1]) else []
        if not lines or len(lines[-1]) > MAX_TITLE:
            return [page_title] if page_title else []
        if len(lines) >= 2 and _is_label(lines[-2]):
            return lines[-2:]
        return lines[-1:]


def one_line(text: str) -> str:
    """A title broken over lines as one line: no space between two Chinese characters."""
    lines = [line for line in text.split("\n") if line]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        cjk = not joined[-1].isascii() and not line[0].isascii()
        joined += ("" if cjk else " ") + line
    return joined


def _is_label(line: str) -> bool:
    return _LABEL_LINE.fullmatch(line) is not None


def _header_row(grid_rows: list[list[Position]]) -> int | None:
    for index, positions in enumerate(grid_rows[:_HEADER_ROWS]):
        if header_found([t for t, _, _ in positions]):
            return index
    return None
