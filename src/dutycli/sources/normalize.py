"""Normalize a source table into a dataset: one set of rules for every file format.

The readers in ``dutycli.sources`` turn a file into rows of cells (text, where it
starts, whether it continues a merge). Here those rows become goals and tasks:
the header names the columns, a row without 序号 belongs to the goal above, a
merged leader/unit/partner/deadline cell takes the value of the row above within
its goal, and every change is recorded in the import report.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.names import chinese_number, split_names, squeeze
from dutycli.schema import NAME_COLUMNS, TASK_FIELDS
from dutycli.sources.formats import read_source
from dutycli.sources.header import column_map, find_header, two_row_header
from dutycli.sources.headings import Heading, heading_number, heading_of, heading_text
from dutycli.sources.report import ImportReport
from dutycli.sources.table import Cell, Note, Notes, SourceTable, shorten, user_labels
from dutycli.sources.text import table_from_text

__all__ = ["ImportReport", "import_file", "normalize", "parse_text_table"]

# The largest goal number (序号): a dataset stores it as a 64-bit integer.
MAX_GOAL_NUMBER = 2**63 - 1


def _goal_number(cell: Cell, unit: str) -> int:
    text = squeeze(cell.text)
    numeral = chinese_number(text.rstrip("、.．"))
    if numeral is not None:  # 一 二 三 …, as some tables number their goals
        return numeral
    if not text.isdigit() or not text.isascii():
        raise DataError(
            f"{unit} {cell.line}: goal number (序号) {text[:30]!r} is not a whole number"
        )
    # Compared as text first: int() of thousands of digits is itself refused, or slow.
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(MAX_GOAL_NUMBER)) or int(digits) > MAX_GOAL_NUMBER:
        raise DataError(
            f"{unit} {cell.line}: goal number (序号) {text[:30]} is too large; "
            f"at most {MAX_GOAL_NUMBER}"
        )
    return int(digits)


def normalize(source: SourceTable, source_name: str) -> tuple[dict[str, Any], ImportReport]:
    """Turn a reader's rows into a dataset document (the YAML structure) and a report."""
    try:
        return _normalize(source, source_name)
    except DataError as exc:
        message = str(exc)
        if message.startswith(f"{source_name}:"):
            raise
        raise DataError(f"{source_name}: {message}") from None


def _normalize(source: SourceTable, source_name: str) -> tuple[dict[str, Any], ImportReport]:
    at = source.unit
    report = ImportReport(unit=at, notes=Notes(source.notes))
    if not source.rows:
        raise DataError(f"{source_name}: no table rows found")
    start = find_header(source.rows)
    preamble = list(source.preamble)
    for row in source.rows[:start]:
        text = " ".join(c.text.strip() for c in row if c.text.strip())
        if text:
            preamble.append(text)
    header, header_rows = two_row_header(source.rows, start)
    columns = column_map(header, at, report)
    # A sheet pads every row to its widest one: empty header cells at the end are not columns,
    # so a value written beyond the last labelled column is reported, not silently dropped.
    width = len(header)
    while width > 1 and not header[width - 1].text.strip():
        width -= 1
    header_labels = [[squeeze(c.text) for c in row] for row in source.rows[start:][:header_rows]]

    body: list[tuple[list[Cell], Heading | None]] = []
    for raw in source.rows[start + header_rows :]:
        if not any(c.text.strip() for c in raw):
            continue  # an empty row (often trailing rows of a sheet) holds no data
        extra = [c for c in raw[width:] if c.text.strip()]
        if extra:
            raise DataError(
                f"{source_name}: {at} {extra[0].line}: a cell beyond the header's {width} "
                f"columns: {squeeze(extra[0].text)[:20]!r}"
            )
        row = raw[:width] + [Cell("", raw[0].line)] * (width - len(raw))
        if source.empty_is_merged:
            row = [Cell(c.text, c.line, c.merged or not c.text.strip(), c.covered) for c in row]
        if [squeeze(c.text) for c in row] in header_labels:
            report.skipped_headers.append(row[0].line)
            continue
        heading = heading_of(row, columns)
        if heading is None:
            _merged_across(row, columns, header, report)
        body.append((row, heading))

    builder = _Builder(columns, report)
    named, filled = _parts(body, columns)
    for index, (row, heading) in enumerate(body):
        if heading is None:
            builder.row(row)
        elif not filled[index]:
            report.notes.append(
                Note(
                    heading.line,
                    "heading",
                    f"a heading row with no tasks below it is not read: {shorten(heading.text)!r}",
                )
            )
        elif heading.top or not builder.goals:
            builder.part(heading, named[index])
        else:
            builder.section(heading)
    if not builder.tasks:
        raise DataError(f"{source_name}: the table has a header but no rows")

    label, title = _label_and_title(preamble)
    for line in preamble[2:]:
        report.notes.append(
            Note(
                0,
                "preamble",
                f"text above the table is not kept (only a label and a title are): {line[:30]!r}",
            )
        )
    document: dict[str, Any] = {
        "dutycli_dataset": 1,
        "title": title,
        "label": label,
        "source": {"file": source_name, **source.meta},
        "headers": {column: header[index].text.strip() for column, index in columns.items()},
        "goals": builder.goals,
        "tasks": builder.tasks,
    }
    return document, report


def _parts(
    body: list[tuple[list[Cell], Heading | None]], columns: dict[str, int]
) -> tuple[list[bool], list[bool]]:
    """For each heading row: whether the rows of its part (up to the next heading of the
    table) name their goals, and whether a task follows it before the next heading that
    ends it (a heading of nothing is only noted)."""
    goal = columns.get("goal")
    named, filled = [False] * len(body), [False] * len(body)
    part_named = part_filled = section_filled = False
    for index in range(len(body) - 1, -1, -1):  # from the end: each part is seen once
        row, heading = body[index]
        if heading is None:
            part_named |= goal is not None and bool(row[goal].text.strip())
            part_filled = section_filled = True
            continue
        named[index] = part_named
        filled[index] = part_filled if heading.top else section_filled
        section_filled = False
        if heading.top:
            part_named = part_filled = False
    return named, filled


def _merged_across(
    row: list[Cell], columns: dict[str, int], header: list[Cell], report: ImportReport
) -> None:
    """Note a cell spanning columns of different meaning: it is read in its first column only."""
    known = {index for index in columns.values()}
    spanned = sorted(i for i in known if row[i].covered)
    if not spanned:
        return
    starts: dict[int, list[int]] = {}
    for index in spanned:
        start = index
        while start > 0 and row[start].covered:
            start -= 1
        starts.setdefault(start, []).append(index)
    for start, covered in starts.items():
        origin = row[start]
        if not (origin.text.strip() or origin.merged):
            continue  # an empty cell spanning empty columns: nothing is lost
        name = squeeze(header[start].text) or f"column {start + 1}"
        first = name if start in known else f"{name} (a column not read)"
        left = "、".join(squeeze(header[i].text) for i in covered)
        report.notes.append(
            Note(
                origin.line,
                "across",
                f"a cell merged across {first} and {left} is read as {first} only; "
                f"{left} left empty",
            )
        )


class _Builder:
    """Goals and tasks as the rows come: a heading starts a part (or a section), a row a task."""

    def __init__(self, columns: dict[str, int], report: ImportReport) -> None:
        self.columns = columns
        self.report = report
        self.goals: list[dict[str, Any]] = []
        self.tasks: list[dict[str, Any]] = []
        self.numbers: set[int] = set()  # every goal number met: a goal may not come back later
        self.previous: dict[str, Any] | None = None  # the previous task in the same goal
        # The part's heading is the goal of its rows, whose 序号 numbers them (item_no).
        self.heading_goal = False
        self.part_section = ""  # a heading above named goals
        self.inner = ""  # a heading inside a goal, up to the next heading or goal

    def part(self, heading: Heading, named: bool) -> None:
        """A heading of the table: the goal of the rows below it, or, above rows naming their
        own goals, their section."""
        self.inner = ""
        self.heading_goal = not named
        if named:
            self.part_section = heading.text
            self.report.headings.append((heading.line, "the section of the goals below it"))
            return
        self.part_section = ""
        number = heading_number(heading.text)
        if number is None or number in self.numbers:
            number = max(self.numbers, default=0) + 1
        self._start_goal(number, heading.text)
        self.report.headings.append((heading.line, f"goal {number}"))

    def section(self, heading: Heading) -> None:
        self.inner = heading.text
        self.report.headings.append((heading.line, "the section of the tasks below it"))

    def _start_goal(self, number: int, name: str) -> None:
        self.goals.append({"number": number, "name": name})
        self.numbers.add(number)
        self.previous = None
        self.inner = ""

    def row(self, row: list[Cell]) -> None:
        at, columns = self.report.unit, self.columns
        item = ""
        if self.heading_goal:
            if "goal_no" in columns:
                item = self._item(row[columns["goal_no"]])
        elif "goal_no" in columns:
            self._numbered_goal(row)
        elif "goal" in columns:
            name = row[columns["goal"]].text.strip()
            if not self.goals or (name and name != self.goals[-1]["name"]):
                self._start_goal(max(self.numbers, default=0) + 1, name)
        elif not self.goals:
            self._start_goal(1, "")  # no 序号, no goal names, no headings: one goal
        task_cell = row[columns["task"]]
        task_text = task_cell.text.strip()
        if not task_text:
            raise DataError(f"{at} {task_cell.line}: a row without task text (工作标准)")
        if "item_no" in columns:  # a column the user named with --column
            item = self._item(row[columns["item_no"]])
        section = " / ".join(
            s for s in (self.part_section, self.inner, self._own_section(row)) if s
        )
        goal = self.goals[-1]
        task = {
            "id": len(self.tasks) + 1,
            "goal_no": goal["number"],
            "goal": goal["name"],
            "task": task_text,
            "source_line": task_cell.line,
            "item_no": item,
            "section": section,
        }
        task = _fill(task, row, columns, self.previous, self.report)
        self.tasks.append(task)
        self.previous = task

    def _own_section(self, row: list[Cell]) -> str:
        """The section a row's own column gives (a column mapped with --column)."""
        if "section" not in self.columns:
            return ""
        cell = row[self.columns["section"]]
        if cell.text.strip():
            return heading_text(cell.text)
        if cell.merged and self.previous is not None:
            return str(self.previous["section"]).rpartition(" / ")[2]
        return ""

    def _item(self, cell: Cell) -> str:
        """The task's own number; rows under one merged 序号 share the item."""
        if cell.text.strip():
            return squeeze(cell.text)
        if cell.merged and self.previous is not None:
            return str(self.previous["item_no"])
        return ""

    def _numbered_goal(self, row: list[Cell]) -> None:
        """The goal a row's 序号 starts or continues (goal names checked against it)."""
        at, columns = self.report.unit, self.columns
        no_cell = row[columns["goal_no"]]
        goal_cell = row[columns["goal"]] if "goal" in columns else Cell("", no_cell.line)
        goal_name = goal_cell.text.strip()
        if no_cell.text.strip():
            number = _goal_number(no_cell, at)
            if self.goals and self.goals[-1]["number"] == number:
                if goal_name not in ("", self.goals[-1]["name"]):
                    raise DataError(
                        f"{at} {no_cell.line}: goal {number} is named {shorten(goal_name)!r} "
                        f"here but {shorten(self.goals[-1]['name'])!r} above"
                    )
                self.report.continued_goals.append((no_cell.line, number))
            elif number in self.numbers:
                raise DataError(
                    f"{at} {no_cell.line}: goal {number} appears again after other goals"
                )
            else:
                self._start_goal(number, goal_name)
        elif not self.goals:
            raise DataError(f"{at} {no_cell.line}: the first row has no goal number (序号)")
        elif goal_name and goal_name != self.goals[-1]["name"]:
            raise DataError(
                f"{at} {goal_cell.line}: a goal name {shorten(goal_name)!r} without a goal number"
            )


def _fill(
    task: dict[str, Any],
    row: list[Cell],
    columns: dict[str, int],
    previous: dict[str, Any] | None,
    report: ImportReport,
) -> dict[str, Any]:
    """The task with its names and deadline; a merged cell takes the value above in its goal."""
    values: dict[str, Any] = {}
    for column in (*NAME_COLUMNS, "deadline"):
        is_names = column in NAME_COLUMNS
        empty: Any = [] if is_names else ""
        if column not in columns:  # the table has no such column
            values[column] = (empty, False, False)
            continue
        cell = row[columns[column]]
        if is_names:
            parsed = split_names(cell.text)
            report.joined_names += [(cell.line, name) for name in parsed.joined_spaces]
            report.wrapped_names += [(cell.line, name) for name in parsed.wrapped]
            if parsed.open_ended:
                report.open_lists.append((cell.line, column))
            own: Any = parsed.names
            open_ended = parsed.open_ended
        else:
            own, open_ended = cell.text.strip(), False
        if own:
            values[column] = (own, False, open_ended)
        elif cell.merged and previous is not None and previous[column]:
            # A merged cell: Word and Excel show its value only in the first row it spans.
            inherited = list(previous[column]) if is_names else previous[column]
            values[column] = (inherited, True, previous.get(f"{column}_open_ended", False))
            report.inherited_cells.append((cell.line, column))
        else:
            values[column] = (empty, False, False)
            if previous is None:
                report.empty_first_cells.append((cell.line, column))
    fields = dict(task)
    for column, (value, inherited, open_ended) in values.items():
        fields[column] = value
        fields[f"{column}_inherited"] = inherited
        if column in NAME_COLUMNS:
            fields[f"{column}_open_ended"] = open_ended
    return {name: fields[name] for name in TASK_FIELDS}  # the public field order


def _label_and_title(preamble: list[str]) -> tuple[str, str]:
    if len(preamble) >= 2:
        return preamble[0], preamble[1]
    if preamble:
        return "", preamble[0]
    return "", ""


def parse_text_table(text: str, source_name: str) -> tuple[dict[str, Any], ImportReport]:
    """Parse the text format (already decoded) into a dataset document and a report."""
    return normalize(table_from_text(text, source_name), source_name)


def import_file(
    path: Path, sheet: str | None = None, labels: dict[str, str] | None = None
) -> tuple[dict[str, Any], ImportReport]:
    """Read a source table file of any supported format and normalize it.

    ``labels`` maps header labels dutycli does not know to fields (``import --column``).
    """
    with user_labels(labels or {}):
        source, data = read_source(path, sheet)
        document, report = normalize(source, path.name)
    document["source"]["sha256"] = hashlib.sha256(data).hexdigest()
    return document, report
