"""Word (.docx) tables, read from their XML so merged cells are known, not guessed.

python-docx repeats a merged cell's text at every grid position it covers, so
merges are read from the cell elements: ``w:vMerge`` (continue) marks a cell
that continues the one above, ``w:gridSpan`` one cell spanning several columns.

The duty table is the first table with a recognizable header. A later table of the same
width continues it (a table split across pages). A later table of another width is read
too when its columns can be matched to the table's: by its own header's labels, or, without
a header, when the columns it leaves empty are all that differ. Whatever is not read
(another table, a paragraph after the table, text under a merge) is noted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.names import squeeze
from dutycli.sources import package
from dutycli.sources.table import (
    Cell,
    Limits,
    Note,
    Notes,
    SourceTable,
    column_hint,
    column_of,
    columns_suffice,
    counted,
    first_labels,
    header_found,
    header_keys,
    missing_extra,
    shorten,
    unmatched_table,
)

LABEL = "Word (.docx)"
# Rows of a table searched for its header row.
_HEADER_ROWS = 5

# WordprocessingML's namespace, as lxml writes a tag of it.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A grid position of a row: (text, continues a vertical merge, covered by a span).
Position = tuple[str, bool, bool]


def read(data: bytes, path: Path) -> SourceTable:
    try:
        import docx
    except ImportError:
        raise missing_extra("docx", "python-docx") from None
    package.check(data, path, LABEL)
    document = docx.Document(io.BytesIO(data))
    reader = _Reader(path)
    for element in _blocks(document.element.body):
        if element.tag == _W + "tbl":
            reader.table(element)
        else:
            reader.paragraph(element)
    if reader.width is None:
        seen = (
            t("; labels found in the first table's first row: {seen}", seen=reader.seen)
            if reader.seen
            else ""
        )
        raise DataError(
            t(
                "{path}: no table with a recognizable header (序号, 目标名称, 工作标准, …) in the document{seen}; {hint}",
                path=path,
                seen=seen,
                hint=column_hint(),
            )
        )
    return SourceTable(reader.preamble, reader.rows, unit="row", notes=reader.notes)


def _blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in document order, also inside content controls and custom XML."""
    paragraph, table = _W + "p", _W + "tbl"
    wrappers = (_W + "sdt", _W + "customXml")
    content = _W + "sdtContent"
    pending = [iter(parent.iterchildren())]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
        elif child.tag in (paragraph, table):
            yield child
        elif child.tag in wrappers:
            inner = child.find(content) if child.tag == wrappers[0] else child
            if inner is not None:
                pending.append(iter(inner.iterchildren()))


class _Reader:
    """The document's tables and paragraphs, taken one at a time."""

    def __init__(self, path: Path) -> None:
        self.preamble: list[str] = []
        self.rows: list[list[Cell]] = []
        self.notes = Notes()
        self.width: int | None = None  # the duty table's grid columns, once it is found
        self.keys: list[str] = []  # what each of its columns is (header_keys)
        self.labels: list[str] = []  # its header row's labels, spaces removed
        self.used: set[int] = set()  # its columns holding text below the header
        self.number = 0  # rows counted across every table of the document
        self.limits = Limits(path, "row")
        self.seen = ""  # the first table's first row of text, for the error when none is read

    def paragraph(self, element: Any) -> None:
        text = "".join(t.text or "" for t in element.iter(_W + "t")).strip()
        if not text:
            return
        if self.width is None:
            self.preamble.append(text)
        else:
            self.notes.append(
                Note(
                    self.number,
                    "outside",
                    t(
                        "a paragraph below this row, outside the table, is not read: {text!r}",
                        text=text[:30],
                    ),
                )
            )

    def table(self, element: Any) -> None:
        xpath = "./w:tr | ./w:sdt/w:sdtContent/w:tr | ./w:customXml/w:tr"
        first = self.number + 1
        grid_rows = [self._row(tr, first + i) for i, tr in enumerate(element.xpath(xpath))]
        self.number += len(grid_rows)
        grid = max((len(r) for r in grid_rows), default=0)
        filled = sum(1 for r in grid_rows if any(text.strip() for text, _, _ in r))
        if not filled:
            return  # a table without text holds nothing to read
        if self.width is None:
            header = _header_row(grid_rows)
            if header is None:
                self.seen = self.seen or first_labels([[t for t, _, _ in r] for r in grid_rows])
                self.notes.append(
                    Note(
                        first,
                        "table",
                        t(
                            "a table of {rows} before the duty table (it has no header row) is not read",
                            rows=counted(len(grid_rows), "row"),
                        ),
                        filled,
                    )
                )
                return
            self.width = grid
            lower = _lower_header(grid_rows, header)
            self.labels = [squeeze(t) for t, _, _ in grid_rows[header]]
            self.keys = header_keys(
                [t for t, _, _ in grid_rows[header]],
                [t for t, _, _ in grid_rows[header + 1]] if lower else None,
            )
            self._take(grid_rows, first, list(range(grid)), header + 1 + lower)
            return
        own = _header_row(grid_rows)
        same = own is None or [squeeze(t) for t, _, _ in grid_rows[own]] == self.labels
        if grid == self.width and same:
            # The table split across pages (its header, if repeated, is skipped as such).
            self._take(grid_rows, first, list(range(grid)), 0)
            return
        fitted = self._fit(grid_rows, first)
        if fitted is None:
            self.notes.append(unmatched_table(first, grid, len(grid_rows), self.width, filled))
            return
        columns, skip, how = fitted
        self.notes.append(
            Note(
                first,
                "continuation",
                t(
                    "a later table of {columns} is read as part of the table: {how}",
                    columns=counted(grid, "column"),
                    how=how,
                ),
            )
        )
        self._take(grid_rows, first, columns, skip)

    def _take(
        self, grid_rows: list[list[Position]], first: int, columns: list[int | None], body: int
    ) -> None:
        """Add the rows, the table's column i taken from the grid column ``columns[i]``;
        rows from ``body`` on are the table's body (the header is above)."""
        for offset, positions in enumerate(grid_rows):
            line = first + offset
            cells = []
            for index, source in enumerate(columns):
                if source is None or source >= len(positions):
                    cells.append(Cell("", line))
                    continue
                text, merged, covered = positions[source]
                cells.append(Cell(text, line, merged, covered))
                if offset >= body and text.strip():
                    self.used.add(index)
            self.rows.append(cells)

    def _fit(
        self, grid_rows: list[list[Position]], first: int
    ) -> tuple[list[int | None], int, str] | None:
        """How a later table of another width is laid into the table's columns: the grid column
        of each of the table's columns, the rows to skip (its own header), and how; or None."""
        assert self.width is not None
        header = _header_row(grid_rows)
        if header is not None:
            lower = _lower_header(grid_rows, header)
            keys = header_keys(
                [t for t, _, _ in grid_rows[header]],
                [t for t, _, _ in grid_rows[header + 1]] if lower else None,
            )
            body = header + 1 + lower
            columns: list[int | None] = []
            for key in self.keys:
                columns.append(keys.index(key) if key and key in keys else None)
            taken = {c for c in columns if c is not None}
            unmatched = [j for j, key in enumerate(keys) if j not in taken and key]
            if unmatched or not columns_suffice(keys):
                return None
            if _text_in(grid_rows[body:], set(range(len(keys))) - taken):
                return None
            above = _filled(grid_rows[:header])
            if above:
                self.notes.append(
                    Note(
                        first,
                        "outside",
                        t(
                            "{rows} above the header of a later table not read",
                            rows=counted(above, "row"),
                        ),
                        above,
                    )
                )
            return columns, body, t("its columns matched by their header labels")
        grid = max(len(r) for r in grid_rows)
        holding = [j for j in range(grid) if _text_in(grid_rows, {j})]
        used = sorted(self.used)
        if len(holding) == self.width:
            targets = list(range(self.width))
        elif len(holding) == len(used):
            targets = used
        else:
            return None
        columns = [None] * self.width
        for target, source in zip(targets, holding, strict=True):
            columns[target] = source
        if not self._plausible(grid_rows, columns):
            return None
        return columns, 0, t("without a header row, its columns that hold text matched in order")

    def _plausible(self, grid_rows: list[list[Position]], columns: list[int | None]) -> bool:
        """Rows laid out so would be rows of the table: a goal number (序号) where there is one,
        and a task's text in every row holding text."""
        number = columns[self.keys.index("goal_no")] if "goal_no" in self.keys else None
        task = columns[self.keys.index("task")] if "task" in self.keys else None
        for positions in grid_rows:
            if not any(text.strip() for text, _, _ in positions):
                continue
            goal_no = (
                squeeze(positions[number][0])
                if number is not None and number < len(positions)
                else ""
            )
            if goal_no and not (goal_no.isdigit() and goal_no.isascii()):
                return False
            if task is None or task >= len(positions) or not positions[task][0].strip():
                return False
        return True

    def _row(self, tr: Any, line: int) -> list[Position]:
        """(text, continues a vertical merge, covered by a horizontal span) per grid column."""
        properties = tr.find(_W + "trPr")
        before = _number(properties, "gridBefore", 0, line)
        after = _number(properties, "gridAfter", 0, line)
        # Cells may sit inside content controls (w:sdt) or custom XML: still cells of the row.
        tcs = tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc | ./w:customXml/w:tc")
        spans, merges = [], []
        for tc in tcs:
            tc_properties = tc.find(_W + "tcPr")
            spans.append(max(_number(tc_properties, "gridSpan", 1, line), 1))
            merge = tc_properties.find(_W + "vMerge") if tc_properties is not None else None
            # A w:vMerge without a value continues the cell above, as one saying "continue".
            merges.append(merge is not None and merge.get(_W + "val", "continue") == "continue")
        width = max(before, 0) + sum(spans) + max(after, 0)
        self.limits.row(line, width)  # before the positions are built
        cells: list[Position] = [("", False, False)] * before
        for tc, span, continued in zip(tcs, spans, merges, strict=True):
            text = _cell_text(tc)
            if continued and text.strip():
                self.notes.append(
                    Note(
                        line,
                        "hidden",
                        t(
                            "a cell continuing a merged cell holds text Word does not show; it is not read: {text!r}",
                            text=squeeze(text)[:20],
                        ),
                    )
                )
            cells.append(("" if continued else text, continued, False))
            # The columns a span covers hold no value of their own.
            cells += [("", False, True)] * (span - 1)
        cells += [("", False, False)] * after
        return cells


def _number(properties: Any, name: str, default: int, line: int) -> int:
    """A whole-number property of a row or cell (w:gridSpan, w:gridBefore …), or ``default``."""
    element = properties.find(_W + name) if properties is not None else None
    if element is None:
        return default
    value = element.get(_W + "val", str(default))
    try:
        return int(value)
    except ValueError:
        raise DataError(
            t(
                "row {line}: {name} {value!r} is not a number: the file is damaged",
                line=line,
                name=name,
                value=shorten(value),
            )
        ) from None


def _header_row(grid_rows: list[list[Position]]) -> int | None:
    for index, positions in enumerate(grid_rows[:_HEADER_ROWS]):
        if header_found([t for t, _, _ in positions]):
            return index
    return None


def _lower_header(grid_rows: list[list[Position]], header: int) -> int:
    """1 when the row below the header is the lower row of a two-row header, else 0."""
    if header + 1 >= len(grid_rows):
        return 0
    upper = [t for t, _, _ in grid_rows[header]]
    lower = [t for t, _, _ in grid_rows[header + 1]]
    if all(column_of(t) for t in upper if t.strip()) or not any(column_of(t) for t in lower):
        return 0
    return 1


def _filled(grid_rows: list[list[Position]]) -> int:
    return sum(1 for r in grid_rows if any(text.strip() for text, _, _ in r))


def _text_in(grid_rows: list[list[Position]], columns: set[int]) -> bool:
    return any(r[j][0].strip() for r in grid_rows for j in columns if j < len(r))


def _cell_text(tc: Any) -> str:
    """The text Word shows in a cell: paragraphs on lines, tracked insertions included.

    Every w:t counts once, in its own paragraph (python-docx's paragraph text skips runs
    inside w:ins and w:smartTag); deleted text is w:delText and so never read.
    """
    paragraph, text, tab = _W + "p", _W + "t", _W + "tab"
    lines = []
    for p in tc.iter(paragraph):
        parts = []
        for node in p.iter(text, tab, _W + "br", _W + "cr"):
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
