"""Normalize a source table (the Word-extracted text format) into a dataset.

The text format: a cell starts with a TAB at the start of a line; a line without
a leading TAB continues the previous cell. Every row has the same number of cells,
the first row is the header. Word's vertically merged cells appear only in their
first row, so an empty leader/unit cell inherits the value above within its goal.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.names import split_names, squeeze

# Header labels seen in real tables, compared with whitespace removed.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "goal_no": ("序号", "编号"),
    "goal": ("目标名称", "名称", "项目名称"),
    "task": ("工作标准", "工作任务", "主要内容", "目标内容"),
    "leaders": ("区政府分管领导", "分管领导", "责任领导", "牵头领导"),
    "lead_units": ("牵头责任单位", "牵头单位", "责任单位", "牵头部门"),
}
REQUIRED_COLUMNS = tuple(HEADER_ALIASES)


@dataclass
class Cell:
    text: str
    line: int  # 1-based line where the cell starts


@dataclass
class ImportReport:
    """What the importer changed or inferred, so nothing is normalized silently."""

    joined_names: list[tuple[int, str]] = field(default_factory=list)
    open_lists: list[tuple[int, str]] = field(default_factory=list)
    inherited_cells: list[tuple[int, str]] = field(default_factory=list)
    continued_goals: list[tuple[int, int]] = field(default_factory=list)
    empty_first_cells: list[tuple[int, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"line {ln}: joined name written with spaces: {name!r}"
            for ln, name in self.joined_names
        ]
        out += [f"line {ln}: open-ended list (等) in {column}" for ln, column in self.open_lists]
        out += [
            f"line {ln}: merged cell, {column} inherited from the row above"
            for ln, column in self.inherited_cells
        ]
        out += [
            f"line {ln}: goal {no} repeated at a page break, read as the same goal"
            for ln, no in self.continued_goals
        ]
        out += [
            f"line {ln}: no {column} at the first row of its goal"
            for ln, column in self.empty_first_cells
        ]
        return out

    def summary(self) -> str:
        return (
            f"{len(self.joined_names)} names joined, {len(self.open_lists)} open-ended lists, "
            f"{len(self.inherited_cells)} merged cells inherited, "
            f"{len(self.continued_goals)} page-break goal rows, "
            f"{len(self.empty_first_cells)} empty first cells"
        )


def decode(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_cells(text: str) -> tuple[list[str], list[Cell]]:
    """Split the text format into preamble lines and cells."""
    preamble: list[str] = []
    cells: list[Cell] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            cells.append(Cell(line[1:], number))
        elif cells:
            cells[-1].text += "\n" + line
        elif line.strip():
            preamble.append(line.strip())
    return preamble, cells


def _column_map(header: list[Cell]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = squeeze(cell.text)
        for column, aliases in HEADER_ALIASES.items():
            if label in aliases and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        seen = ", ".join(squeeze(c.text) or "(empty)" for c in header)
        raise DataError(
            f"line {header[0].line}: header lacks {', '.join(missing)} column(s); found: {seen}"
        )
    return found


def _goal_number(cell: Cell) -> int:
    text = squeeze(cell.text)
    if not text.isdigit() or not text.isascii():
        raise DataError(f"line {cell.line}: goal number (序号) {text!r} is not a whole number")
    return int(text)


def parse_text_table(
    text: str, source_name: str, width: int = 5
) -> tuple[dict[str, Any], ImportReport]:
    """Parse the text format into a dataset document (the YAML structure) and a report."""
    preamble, cells = read_cells(text)
    if not cells:
        raise DataError(f"{source_name}: no table cells (no line starts with a TAB)")
    if len(cells) % width:
        last = cells[-(len(cells) % width)]
        raise DataError(
            f"{source_name}: line {last.line}: {len(cells)} cells do not make rows of {width}; "
            "a row has missing or extra cells"
        )
    rows = [cells[i : i + width] for i in range(0, len(cells), width)]
    header, body = rows[0], rows[1:]
    columns = _column_map(header)
    if not body:
        raise DataError(f"{source_name}: the table has a header but no rows")

    report = ImportReport()
    goals: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None  # previous task in the same goal
    for row in body:
        no_cell, goal_cell = row[columns["goal_no"]], row[columns["goal"]]
        goal_name = goal_cell.text.strip()
        if no_cell.text.strip():
            number = _goal_number(no_cell)
            if goals and goals[-1]["number"] == number:
                if goal_name not in ("", goals[-1]["name"]):
                    raise DataError(
                        f"line {no_cell.line}: goal {number} is named {goal_name!r} here "
                        f"but {goals[-1]['name']!r} above"
                    )
                report.continued_goals.append((no_cell.line, number))
            elif any(g["number"] == number for g in goals):
                raise DataError(
                    f"line {no_cell.line}: goal {number} appears again after other goals"
                )
            else:
                goals.append({"number": number, "name": goal_name})
                previous = None
        elif not goals:
            raise DataError(f"line {no_cell.line}: the first row has no goal number (序号)")
        elif goal_name and goal_name != goals[-1]["name"]:
            raise DataError(
                f"line {goal_cell.line}: a goal name {goal_name!r} without a goal number"
            )

        task_cell = row[columns["task"]]
        task_text = task_cell.text.strip()
        if not task_text:
            raise DataError(f"line {task_cell.line}: a row without task text (工作标准)")
        task: dict[str, Any] = {
            "id": len(tasks) + 1,
            "goal_no": goals[-1]["number"],
            "goal": goals[-1]["name"],
            "task": task_text,
        }
        names: dict[str, tuple[list[str], bool, bool]] = {}
        for column in ("leaders", "lead_units"):
            cell = row[columns[column]]
            parsed = split_names(cell.text)
            for written in parsed.joined_spaces:
                report.joined_names.append((cell.line, written))
            if parsed.open_ended:
                report.open_lists.append((cell.line, column))
            if parsed.names:
                names[column] = (parsed.names, False, parsed.open_ended)
            elif previous is not None and previous[column]:
                # A merged cell: Word shows its value only in the first row it spans.
                names[column] = (list(previous[column]), True, previous[f"{column}_open_ended"])
                report.inherited_cells.append((cell.line, column))
            else:
                names[column] = ([], False, False)
                if previous is None:
                    report.empty_first_cells.append((cell.line, column))
        task["leaders"], task["lead_units"] = names["leaders"][0], names["lead_units"][0]
        task["leaders_inherited"] = names["leaders"][1]
        task["lead_units_inherited"] = names["lead_units"][1]
        task["leaders_open_ended"] = names["leaders"][2]
        task["lead_units_open_ended"] = names["lead_units"][2]
        task["partner_units"], task["partner_units_inherited"] = [], False
        task["partner_units_open_ended"] = False
        task["deadline"], task["deadline_inherited"] = "", False
        task["source_line"] = task_cell.line
        tasks.append(task)
        previous = task

    label, title = _label_and_title(preamble)
    document: dict[str, Any] = {
        "dutycli_dataset": 1,
        "title": title,
        "label": label,
        "source": {"file": source_name},
        "headers": {column: header[index].text.strip() for column, index in columns.items()},
        "goals": goals,
        "tasks": tasks,
    }
    return document, report


def _label_and_title(preamble: list[str]) -> tuple[str, str]:
    if len(preamble) >= 2:
        return preamble[0], preamble[1]
    if preamble:
        return "", preamble[0]
    return "", ""


def import_file(path: Path) -> tuple[dict[str, Any], ImportReport]:
    """Read a source table file and normalize it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read source: {exc.strerror or exc}") from None
    document, report = parse_text_table(decode(data, path), path.name)
    document["source"]["sha256"] = hashlib.sha256(data).hexdigest()
    return document, report
