"""A web page read as a browser shows it: text in lines, tables as grids of cells.

``Page`` is the target of lxml's HTML parser: it gets the page's tags and text as they are
parsed (no tree of the page is built) and hands every table, when it closes, to a callback
(``html._Reader.table``), as rows of (text, continues a vertical merge, covered by a span)
per grid column, like Word's reader.

Text is what a browser shows: runs of whitespace are one space, ``<br>`` breaks a line,
``<p>``, ``<div>``, ``<li>`` and other blocks stand on lines of their own, ``&nbsp;`` is a
space, entities are decoded (by the parser), and scripts, styles and comments are not text.
A cell's text is data: markup in it is never kept.

A table is laid out as browsers do (the HTML table model): ``colspan`` at most 1,000,
``rowspan`` at most 65,534, and ``rowspan="0"`` or one reaching beyond the last row ends with
its row group (``<thead>``, ``<tbody>``, ``<tfoot>``, or the table). A row's width is known
before its cells are built, and counted against ``Limits``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from pathlib import Path

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.sources.table import MAX_COLUMNS, Limits

# A grid position of a row: (text, continues a vertical merge, covered by a span).
Position = tuple[str, bool, bool]

# The HTML table model's bounds on spans.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
# Tables inside tables: a page lays out its content in a few; far more is no real page.
MAX_NESTED_TABLES = 64

# Elements that stand on lines of their own.
BLOCKS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "center", "dd", "details", "dir", "div"),
        *("dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3"),
        *("h4", "h5", "h6", "header", "hr", "legend", "li", "listing", "main", "menu", "nav"),
        *("ol", "p", "plaintext", "pre", "section", "summary", "ul", "xmp", "option"),
    )
)
# Elements whose text a browser does not show.
HIDDEN = frozenset(("script", "style", "template", "head", "noframes", "iframe"))
_TO_SPACE = str.maketrans("\t\n\r\f", "    ")
_OTHER_SPACE = re.compile("[\t\n\r\f]")
_JOIN = 1000
_GROUPS = ("thead", "tbody", "tfoot")
# The elements that matter here: every other one is inline (its text flows on).
_WATCHED = frozenset(
    ("title", "br", "table", "td", "th", "tr", "caption", *_GROUPS, *BLOCKS, *HIDDEN)
)


class Lines:
    """Text as a browser lays it out in a block: lines, whitespace collapsed, stripped."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []  # the line under way, as the parser hands its text over
        self.joined: list[str] = []  # ... and its earlier parts, joined a thousand at a time

    def add(self, text: str) -> None:
        parts = self.parts
        parts.append(text)
        if len(parts) >= _JOIN:  # a line of a million tags is not a million strings
            self.joined.append("".join(parts))
            parts.clear()

    def end_line(self, keep_empty: bool) -> str:
        """End the line under way: kept if it has text, or if ``keep_empty`` (a ``<br>``)."""
        if not self.parts and not self.joined:
            line = ""
        else:
            raw = "".join(self.joined) + "".join(self.parts)
            self.parts.clear()
            self.joined.clear()
            line = collapse(raw)
        if line or keep_empty:
            self.lines.append(line)
        return line

    def text(self) -> str:
        self.end_line(False)
        lines = self.lines
        start, end = 0, len(lines)
        while start < end and not lines[start]:
            start += 1
        while end > start and not lines[end - 1]:
            end -= 1
        return "\n".join(lines[start:end])


def collapse(text: str) -> str:
    """A line's text as a browser shows it: every run of whitespace one space (``&nbsp;``
    a space of its own), stripped. No list of a line's pieces is built: a line may hold
    a hundred megabytes."""
    if _OTHER_SPACE.search(text):
        text = text.translate(_TO_SPACE)
    while "  " in text:
        text = text.replace("  ", " ")
    return text.replace("\xa0", " ").strip()


class Table:
    """A table being read: its rows so far, and the cells its row spans cover below."""

    def __init__(self, above: list[str], depth: int) -> None:
        self.above = above  # the lines directly above it
        self.depth = depth  # contexts open outside it
        self.caption = Lines()
        self.rows: list[tuple[int, list[Position]]] = []  # (row number, positions)
        self.row: list[tuple[Lines, int, int]] | None = None  # the open row's cells
        self.line = 0  # the open row's number
        # Per grid column: (rows below still covered, continues a merge there, not covered).
        self.below: list[tuple[int, bool]] = []
        self.around = False  # the duty table is inside it


class Page:
    """The parser's target: the page's events in, tables out to ``taken`` as they close."""

    def __init__(self, path: Path, taken: Callable[[Table], bool]) -> None:
        self.taken = taken
        self.limits = Limits(path, "row")
        self.number = 0  # rows (<tr>) of the page so far
        self.tables: list[Table] = []  # open tables, innermost last
        self.tables_seen = 0
        self.page = Lines()
        # Where text goes: a block of lines, None (dropped: inside a table, between cells).
        self.contexts: list[Lines | None] = [self.page]
        self.hidden = 0  # depth inside elements whose text is not shown
        self.title_lines: Lines | None = None
        self.title = ""
        self.recent: deque[str] = deque(maxlen=2)  # lines since the last table closed
        self.found = False  # the duty table has closed
        self.below = 0  # lines of the page's text below it
        self.below_first = ""
        self.below_line = 0  # the rows (<tr>) of the page above its first line

    # --- the parser target's interface ----------------------------------------------------

    def start(self, name: str, attrib: dict[str, str]) -> None:
        # The parser gives HTML names in lower case.
        if name not in _WATCHED:
            return
        if name == "title" and self.title_lines is None:
            self.title_lines = Lines()
            self.contexts.append(self.title_lines)
        elif name in HIDDEN:
            self.hidden += 1
        elif name == "br":
            self._end_line(True)
        elif name in BLOCKS:
            self._end_line(False)
        elif name == "table":
            self._table()
        elif name in ("td", "th"):
            self._cell(attrib)
        elif name == "tr":
            table = self._open_table()
            if table is not None:
                self._start_row(table)
        elif name in _GROUPS:
            table = self._open_table()
            if table is not None:
                self._end_row(table)
                table.below = []  # a row group ends the row spans of the one before
        elif name == "caption":
            table = self._open_table()
            if table is not None:
                self._end_row(table)
                self.contexts.append(table.caption)

    def end(self, name: str) -> None:
        if name not in _WATCHED:
            return
        if (
            name == "title"
            and self.title_lines is not None
            and self.contexts[-1] is self.title_lines
        ):
            self.contexts.pop()
            self.title = " ".join(self.title_lines.text().split("\n"))
        elif name in HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif name in BLOCKS:
            self._end_line(False)
        elif name == "table":
            if self._open_table() is not None:
                self._close_table()
        elif name in ("td", "th"):
            table = self._open_table()
            if table is not None and table.row and self.contexts[-1] is table.row[-1][0]:
                self._end_line(False)
                self.contexts.pop()
        elif name == "tr":
            table = self._open_table()
            if table is not None:
                self._end_row(table)
        elif name in _GROUPS:
            table = self._open_table()
            if table is not None:
                self._end_row(table)
                table.below = []
        elif name == "caption":
            table = self._open_table()
            if table is not None and self.contexts[-1] is table.caption:
                self.contexts.pop()

    def data(self, text: str) -> None:
        context = self.contexts[-1]
        if context is not None and (not self.hidden or context is self.title_lines):
            context.add(text)

    def comment(self, text: str) -> None:
        pass

    def close(self) -> None:
        while self.tables:
            self._close_table()
        self._end_line(False)

    # --- text ------------------------------------------------------------------------------

    def _end_line(self, keep_empty: bool) -> None:
        context = self.contexts[-1]
        if context is None or context is self.title_lines:
            return
        line = context.end_line(keep_empty)
        if not line or (self.tables and context is self.tables[-1].caption):
            return
        self.recent.append(line)
        if self.found and (not self.tables or self.tables[-1].around):
            if not self.below:
                self.below_first, self.below_line = line, self.number
            self.below += 1
        if context is self.page:
            self.page.lines.clear()  # the page's own lines are not kept, only the recent ones

    # --- tables ----------------------------------------------------------------------------

    def _open_table(self) -> Table | None:
        """The innermost open table, when the parser is inside it (not in a hidden element)."""
        return self.tables[-1] if self.tables and not self.hidden else None

    def _table(self) -> None:
        if self.hidden:
            return
        self._end_line(False)
        if len(self.tables) >= MAX_NESTED_TABLES:
            raise DataError(
                t(
                    "{where} {number}: tables nested more than {MAX_NESTED_TABLES} deep; not a page dutycli reads",
                    where=self.limits.where,
                    number=self.number,
                    MAX_NESTED_TABLES=MAX_NESTED_TABLES,
                )
            )
        self.tables_seen += 1
        self.tables.append(Table(list(self.recent), len(self.contexts)))
        self.contexts.append(None)

    def _close_table(self) -> None:
        table = self.tables[-1]
        self._end_row(table)
        del self.contexts[table.depth :]
        self.tables.pop()
        self.recent.clear()
        if self.taken(table):
            self.found = True
            for outer in self.tables:
                outer.around = True

    def _start_row(self, table: Table) -> None:
        self._end_row(table)
        self.number += 1
        self.limits.row(self.number, 0)  # counts the row; its cells are counted at its end
        table.row, table.line = [], self.number

    def _cell(self, attrib: dict[str, str]) -> None:
        table = self._open_table()
        if table is None:
            self._end_line(False)
            return
        if table.row is None:
            self._start_row(table)  # a cell outside any <tr> starts a row of its own
        row = table.row
        assert row is not None
        if row and self.contexts[-1] is row[-1][0]:
            self._end_line(False)
            self.contexts.pop()  # the cell before it was not closed
        if len(row) >= MAX_COLUMNS:
            self.limits.row(table.line, len(row) + 1, rows=0)  # every cell is a column at least
        colspan = _span(attrib.get("colspan"), MAX_COLSPAN) or 1
        rowspan = _span(attrib.get("rowspan"), MAX_ROWSPAN)
        lines = Lines()
        row.append((lines, rowspan, colspan))
        self.contexts.append(lines)

    def _end_row(self, table: Table) -> None:
        """Lay the open row out on the grid, under the cells spanning from above."""
        row, table.row = table.row, None
        if row is None:
            return
        if row and self.contexts[-1] is row[-1][0]:
            self._end_line(False)
            self.contexts.pop()  # the row's last cell was not closed
        below = table.below
        places = []
        x = 0
        for lines, rowspan, colspan in row:
            while x < len(below) and below[x][0] > 0:
                x += 1
            places.append((x, lines, rowspan, colspan))
            x += colspan
        spanned = max((i + 1 for i, (rows, _) in enumerate(below) if rows > 0), default=0)
        width = max(x, spanned)
        self.limits.row(table.line, width, rows=0)  # before the row is built
        positions: list[Position] = [("", False, False)] * width
        for i, (rows, first) in enumerate(below):
            if rows > 0:
                positions[i] = ("", first, not first)
        for start, lines, _, colspan in places:
            positions[start] = (lines.text(), False, False)
            for i in range(start + 1, start + colspan):
                if i >= len(below) or below[i][0] == 0:
                    positions[i] = ("", False, True)
        after = [(rows - 1, first) if rows > 1 else (0, False) for rows, first in below]
        after += [(0, False)] * (width - len(after))
        for start, _, rowspan, colspan in places:
            if rowspan == 1:
                continue
            rest = rowspan - 1 if rowspan else MAX_ROWSPAN  # 0: to the row group's end
            for i in range(start, start + colspan):
                if i >= len(below) or below[i][0] == 0:
                    after[i] = (rest, i == start)
        table.below = after
        table.rows.append((table.line, positions))


_NUMBER = re.compile(r"[ \t\n\f\r]*\+?([0-9]+)")


def _span(value: str | None, most: int) -> int:
    """A span attribute as browsers read it: its leading digits ("2px" is 2), at most
    ``most``; 1 when it has none; 0 stays 0 (a colspan of 0 is 1, a rowspan of 0 reaches
    the end of the row group)."""
    match = _NUMBER.match(value or "")
    if match is None:
        return 1
    digits = match.group(1).lstrip("0")
    return most if len(digits) > len(str(most)) else min(int(digits or "0"), most)
