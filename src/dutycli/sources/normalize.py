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
from dutycli.names import split_names, squeeze
from dutycli.schema import NAME_COLUMNS, TASK_FIELDS
from dutycli.sources.formats import read_source
from dutycli.sources.report import ImportReport
from dutycli.sources.table import (
    GOAL_OR_TASK_LABELS,
    HEADER_SEARCH_ROWS,
    MAPPABLE_FIELDS,
    OWNER_COLUMNS,
    WEAK_LEAD_LABELS,
    Cell,
    Note,
    Notes,
    SourceTable,
    column_of,
    columns_suffice,
    header_found,
    header_score,
    shorten,
)
from dutycli.sources.text import table_from_text

__all__ = ["ImportReport", "import_file", "normalize", "parse_text_table"]

# The largest goal number (序号): a dataset stores it as a 64-bit integer.
MAX_GOAL_NUMBER = 2**63 - 1


def _column_map(header: list[Cell], unit: str, report: ImportReport) -> dict[str, int]:
    found: dict[str, int] = {}
    weak_lead: int | None = None  # 责任单位 and the like: lead units unless a 牵头 column exists
    for index, cell in enumerate(header):
        column = column_of(cell.text)
        weak = column == "lead_units" and squeeze(cell.text) in WEAK_LEAD_LABELS
        if weak and weak_lead is None:
            weak_lead = index
            continue
        if column is not None and column not in found:
            found[column] = index
        elif squeeze(cell.text):
            report.ignored_columns.append(squeeze(cell.text))
    if weak_lead is not None:
        role = "lead_units" if "lead_units" not in found else "partner_units"
        if role in found:
            report.ignored_columns.append(squeeze(header[weak_lead].text))
        else:
            found[role] = weak_lead
    if "task" not in found and squeeze(header[found.get("goal", 0)].text) in GOAL_OR_TASK_LABELS:
        # 序号 | 工作目标 | 责任单位: without a task column, the goal column holds the tasks.
        found["task"] = found.pop("goal")
    if not columns_suffice(set(found)):
        missing = "a task column (工作标准, 工作任务, …)" if "task" not in found else ""
        if not any(c in found for c in OWNER_COLUMNS):
            owners = "a leaders or lead units column (分管领导, 牵头单位, 责任单位, …)"
            missing = f"{missing} and {owners}" if missing else owners
        seen = ", ".join(shorten(squeeze(c.text), 20) or "(empty)" for c in header[:30])
        seen += ", …" if len(header) > 30 else ""
        raise DataError(
            f"{unit} {header[0].line}: the header lacks {missing}; labels found: {seen}; "
            "name a column with --column LABEL=FIELD (fields: "
            f"{', '.join(MAPPABLE_FIELDS)})"
        )
    report.columns = {column: squeeze(header[index].text) for column, index in found.items()}
    return found


def _find_header(rows: list[list[Cell]]) -> int:
    """The first row naming enough columns; else the first non-empty row (its error lists it)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if header_found([c.text for c in row]):
            return index
    for index, row in enumerate(rows):
        if any(c.text.strip() for c in row):
            return index
    return 0


def _two_row_header(rows: list[list[Cell]], start: int) -> tuple[list[Cell], int]:
    """The header, and how many rows it takes.

    A header of two rows (``责任分工`` spanning ``牵头单位`` and ``配合单位`` below it) is
    read column by column: the lower label where there is one, else the upper.
    """
    upper = rows[start]
    if start + 1 >= len(rows) or all(column_of(c.text) for c in upper if c.text.strip()):
        return upper, 1
    lower = rows[start + 1]
    if not any(column_of(c.text) for c in lower):
        return upper, 1
    combined = [
        lower[i] if i < len(lower) and lower[i].text.strip() else cell
        for i, cell in enumerate(upper)
    ]
    if header_score([c.text for c in combined]) <= header_score([c.text for c in upper]):
        return upper, 1
    return combined, 2


def _goal_number(cell: Cell, unit: str) -> int:
    text = squeeze(cell.text)
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
    numbers: set[int] = set()  # every goal number met: a goal may not come back later
    if not source.rows:
        raise DataError(f"{source_name}: no table rows found")
    start = _find_header(source.rows)
    preamble = list(source.preamble)
    for row in source.rows[:start]:
        text = " ".join(c.text.strip() for c in row if c.text.strip())
        if text:
            preamble.append(text)
    header, header_rows = _two_row_header(source.rows, start)
    columns = _column_map(header, at, report)
    # A sheet pads every row to its widest one: empty header cells at the end are not columns,
    # so a value written beyond the last labelled column is reported, not silently dropped.
    width = len(header)
    while width > 1 and not header[width - 1].text.strip():
        width -= 1
    header_labels = [[squeeze(c.text) for c in row] for row in source.rows[start:][:header_rows]]

    goals: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None  # previous task in the same goal
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
        _merged_across(row, columns, header, report)
        task, goal_started = _task(row, columns, goals, numbers, tasks, report)
        if goal_started:
            previous = None
        task = _fill(task, row, columns, previous, report)
        tasks.append(task)
        previous = task
    if not tasks:
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
        "goals": goals,
        "tasks": tasks,
    }
    return document, report


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


def _task(
    row: list[Cell],
    columns: dict[str, int],
    goals: list[dict[str, Any]],
    numbers: set[int],
    tasks: list[dict[str, Any]],
    report: ImportReport,
) -> tuple[dict[str, Any], bool]:
    """The task's goal and text; also whether the row starts a new goal."""
    at = report.unit
    no_cell, goal_cell = row[columns["goal_no"]], row[columns["goal"]]
    goal_name = goal_cell.text.strip()
    started = False
    if no_cell.text.strip():
        number = _goal_number(no_cell, at)
        if goals and goals[-1]["number"] == number:
            if goal_name not in ("", goals[-1]["name"]):
                raise DataError(
                    f"{at} {no_cell.line}: goal {number} is named {shorten(goal_name)!r} here "
                    f"but {shorten(goals[-1]['name'])!r} above"
                )
            report.continued_goals.append((no_cell.line, number))
        elif number in numbers:
            raise DataError(f"{at} {no_cell.line}: goal {number} appears again after other goals")
        else:
            goals.append({"number": number, "name": goal_name})
            numbers.add(number)
            started = True
    elif not goals:
        raise DataError(f"{at} {no_cell.line}: the first row has no goal number (序号)")
    elif goal_name and goal_name != goals[-1]["name"]:
        raise DataError(
            f"{at} {goal_cell.line}: a goal name {shorten(goal_name)!r} without a goal number"
        )

    task_cell = row[columns["task"]]
    task_text = task_cell.text.strip()
    if not task_text:
        raise DataError(f"{at} {task_cell.line}: a row without task text (工作标准)")
    task = {
        "id": len(tasks) + 1,
        "goal_no": goals[-1]["number"],
        "goal": goals[-1]["name"],
        "task": task_text,
        "source_line": task_cell.line,
    }
    return task, started


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
    for name in ("item_no", "section"):  # bridge until the importer fills them (lead's work)
        fields.setdefault(name, "")
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


def import_file(path: Path, sheet: str | None = None) -> tuple[dict[str, Any], ImportReport]:
    """Read a source table file of any supported format and normalize it."""
    source, data = read_source(path, sheet)
    document, report = normalize(source, path.name)
    document["source"]["sha256"] = hashlib.sha256(data).hexdigest()
    return document, report
