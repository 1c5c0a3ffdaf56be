"""Goals and tasks built from the body rows of a table, one row at a time.

A row's 序号 starts or continues a goal (or, under a heading that is the goal, numbers the
task: ``item_no``); a heading starts a part or a section; a merged leader, unit, partner or
deadline cell takes the value of the row above within its goal.
"""

from __future__ import annotations

import re
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.names import chinese_number, split_names, squeeze
from dutycli.schema import NAME_COLUMNS, TASK_FIELDS
from dutycli.sources.headings import Heading, bare_numeral, heading_number, heading_text
from dutycli.sources.report import ImportReport
from dutycli.sources.table import Cell, shorten

# A heading's count of its items: 一、经济社会发展主要预期目标分解（11项）.
_STATED_COUNT = re.compile(r"[（(]\s*(\d{1,4})\s*项\s*[)）]\s*$")
# The largest goal number (序号): a dataset stores it as a 64-bit integer.
MAX_GOAL_NUMBER = 2**63 - 1


def goal_number(cell: Cell, unit: str) -> int:
    """The goal number a 序号 cell writes, in any of the ways Word users number a list:
    ``3``, ``3.``, ``3、``, ``（3）``, ``三``, ``三、``, ``（三）``."""
    text = squeeze(cell.text)
    bare = bare_numeral(text)
    numeral = chinese_number(bare)
    if numeral is not None:  # 一 二 三 …, as some tables number their goals
        return numeral
    if not bare.isdigit() or not bare.isascii():
        raise DataError(
            t(
                "{unit} {line}: goal number (序号) {text!r} is not a whole number",
                unit=unit,
                line=cell.line,
                text=text[:30],
            )
        )
    # Compared as text first: int() of thousands of digits is itself refused, or slow.
    digits = bare.lstrip("0") or "0"
    if len(digits) > len(str(MAX_GOAL_NUMBER)) or int(digits) > MAX_GOAL_NUMBER:
        raise DataError(
            t(
                "{unit} {line}: goal number (序号) {text} is too large; at most {MAX_GOAL_NUMBER}",
                unit=unit,
                line=cell.line,
                text=text[:30],
                MAX_GOAL_NUMBER=MAX_GOAL_NUMBER,
            )
        )
    return int(digits)


class Builder:
    """Goals and tasks as the rows come: a heading starts a part (or a section), a row a task."""

    def __init__(self, columns: dict[str, int], report: ImportReport) -> None:
        self.columns = columns
        self.report = report
        self.goals: list[dict[str, Any]] = []
        self.tasks: list[dict[str, Any]] = []
        self.numbers: set[int] = set()  # every goal number met: a goal may not come back later
        # The highest of them: a goal without a number of its own is numbered after it (kept,
        # not computed per goal: max() over every number made a goal per row quadratic).
        self.highest = 0
        self.previous: dict[str, Any] | None = None  # the previous task in the same goal
        # The part's heading is the goal of its rows, whose 序号 numbers them (item_no).
        self.heading_goal = False
        self.part_section = ""  # a heading above named goals
        self.inner = ""  # a heading inside a goal, up to the next heading or goal
        self.own_section = ""  # the previous task's own section column (--column X=section)
        self.stated: list[tuple[Heading, int, int]] = []  # (heading, goal, the items it counts)

    def part(self, heading: Heading, named: bool) -> None:
        """A heading of the table: the goal of the rows below it, or, above rows naming their
        own goals, their section."""
        self.inner = ""
        self.heading_goal = not named
        if named:
            self.part_section = heading.text
            self._said(heading, t("the section of the goals below it"))
            return
        self.part_section = ""
        number = heading_number(heading.text)
        if number is None or number in self.numbers:
            number = self.highest + 1
        self._start_goal(number, heading.text)
        self._said(
            heading, t("goal {number}; 序号 below it numbers its tasks (item_no)", number=number)
        )
        count = _STATED_COUNT.search(heading.text)
        if count is not None:
            self.stated.append((heading, number, int(count.group(1))))

    def check_counts(self) -> None:
        """Say where a heading's own count (（11项）) differs from the items read below it:
        rows may have been lost on the way (a copy cut short), or the heading is wrong."""
        if not self.stated:
            return
        # The items of every goal in one pass: a scan of all tasks per heading took minutes
        # for a table of a heading (（1项）) per task.
        items: dict[int, set[object]] = {}
        for task in self.tasks:
            items.setdefault(task["goal_no"], set()).add(task["item_no"] or task["id"])
        for heading, number, stated in self.stated:
            found = len(items.get(number, ()))
            if found != stated:
                self.report.count_mismatches.append(
                    (
                        heading.line,
                        t(
                            "heading {heading!r} counts {stated} items; {found} are below it",
                            heading=shorten(heading.text),
                            stated=stated,
                            found=found,
                        ),
                    )
                )

    def section(self, heading: Heading) -> None:
        self.inner = heading.text
        self._said(heading, t("the section of the tasks below it"))

    def _said(self, heading: Heading, role: str) -> None:
        said = t("heading row {heading!r} read as {role}", heading=shorten(heading.text), role=role)
        self.report.headings.append((heading.line, said))

    def _start_goal(self, number: int, name: str) -> None:
        self.goals.append({"number": number, "name": name})
        self.numbers.add(number)
        self.highest = max(self.highest, number)
        self.previous = None
        self.inner = ""

    def row(self, row: list[Cell]) -> None:
        at, columns = self.report.unit, self.columns
        if not self.heading_goal:  # under a heading that is the goal, 序号 numbers the task
            self._row_goal(row)
        task_cell = row[columns["task"]]
        task_text = task_cell.text.strip()
        if not task_text:
            raise DataError(
                t("{at} {line}: a row without task text (工作标准)", at=at, line=task_cell.line)
            )
        # The task's own number: a column named item_no with --column, else 序号 under a goal
        # that is a heading.
        numbering = "item_no" if "item_no" in columns else "goal_no" if self.heading_goal else ""
        item = self._item(row[columns[numbering]]) if numbering in columns else ""
        self.own_section = self._own_section(row)
        section = " / ".join(s for s in (self.part_section, self.inner, self.own_section) if s)
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
        task = fill(task, row, columns, self.previous, self.report)
        if not task["leaders"] and not task["lead_units"]:
            self.report.unowned_tasks.append((task_cell.line, shorten(task_text)))
        self.tasks.append(task)
        self.previous = task

    def _row_goal(self, row: list[Cell]) -> None:
        """The goal a row starts or continues: by its 序号, else by its goal name."""
        if "goal_no" in self.columns:
            self._numbered_goal(row)
        elif "goal" in self.columns:
            name = row[self.columns["goal"]].text.strip()
            if not self.goals or (name and name != self.goals[-1]["name"]):
                self._start_goal(self.highest + 1, name)
        elif not self.goals:
            self._start_goal(1, "")  # no 序号, no goal names, no headings: one goal

    def _own_section(self, row: list[Cell]) -> str:
        """The section a row's own column gives (a column mapped with --column)."""
        if "section" not in self.columns:
            return ""
        cell = row[self.columns["section"]]
        if cell.text.strip():
            return heading_text(cell.text)
        if cell.merged and self.previous is not None:
            return self.own_section
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
            number = goal_number(no_cell, at)
            if self.goals and self.goals[-1]["number"] == number:
                if goal_name not in ("", self.goals[-1]["name"]):
                    raise DataError(
                        t(
                            "{at} {line}: goal {number} is named {goal_name!r} here but {goals!r} above",
                            at=at,
                            line=no_cell.line,
                            number=number,
                            goal_name=shorten(goal_name),
                            goals=shorten(self.goals[-1]["name"]),
                        )
                    )
                self.report.continued_goals.append((no_cell.line, number))
            elif number in self.numbers:
                raise DataError(
                    t(
                        "{at} {line}: goal {number} appears again after other goals",
                        at=at,
                        line=no_cell.line,
                        number=number,
                    )
                )
            else:
                self._start_goal(number, goal_name)
        elif not self.goals:
            raise DataError(
                t("{at} {line}: the first row has no goal number (序号)", at=at, line=no_cell.line)
            )
        elif goal_name and goal_name != self.goals[-1]["name"]:
            raise DataError(
                t(
                    "{at} {line}: a goal name {goal_name!r} without a goal number",
                    at=at,
                    line=goal_cell.line,
                    goal_name=shorten(goal_name),
                )
            )


def fill(
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
