"""A result laid out as a document: its title, the table's own columns, groups, merged cells.

The Word table, the web page (and its PDF), the grouped terminal table and Markdown read this
one layout. Cells are the data's text, unescaped: each writer makes it safe for its medium.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from dutycli.output.text import cell_text, has_value
from dutycli.schema import (
    DATASET_FIELD,
    DOCUMENT_FIELDS,
    INHERITABLE_COLUMNS,
    NAME_COLUMNS,
    NAME_JOINER,
    PROGRESS_FIELDS,
    label,
)

if TYPE_CHECKING:
    import polars as pl

    from dutycli.output.result import Result

# Always in a document of tasks (the rest of DOCUMENT_FIELDS only where a row has a value):
# the task text, and the columns a duty table is made of unless no row has one.
ALWAYS_SHOWN = ("task",)
SHOWN_WHEN_ANY = ("goal_no", "goal", "leaders", "lead_units")
# The columns a goal heading stands for: left out of the rows grouped under it.
GOAL_COLUMNS = ("goal_no", "goal")
# Exploded results (--explode) name one leader/unit per row; their flags keep the list's name.
EXPLODED_NAMES = {"leader": "leaders", "lead_unit": "lead_units"}
NUMBER_COLUMNS = {"id", "goal_no", "tasks", "inherited", "source_line", "old_id", "new_id"}
NUMBER_COLUMNS |= {"goals", "leader_count", "unit_count", "similarity", "value", "count"}
# The diff's change kinds, for people; CSV and JSON keep the machine values.
CHANGE_LABELS = {"added": "新增", "removed": "删除", "changed": "变更"}
# The heading of a group of tasks that have no leader / lead unit.
NONE_HEADINGS = {"leader": "（未列分管领导）", "unit": "（未列牵头单位）", "goal": "（无目标）"}
# stats' sections, for people.
STATS_SECTIONS = {"dataset": "总计", "leader": "分管领导", "unit": "牵头单位"}
# A goal written with its own number: 一、 （三） 5、 5. １２、
_NUMBERED = re.compile(
    r"\s*(?:[（(][^）)]{1,4}[）)]|[一二三四五六七八九十百零〇0-9０-９]+\s*[、.．])"
)
# The kinds of rows that are tasks, and so may be grouped (the 督办 report by goal).
GROUPED_KINDS = ("tasks", "report")
GROUP_NOUNS = {"goal": "目标", "leader": "分管领导", "unit": "牵头单位"}


@dataclass
class Group:
    """Rows under one heading: their indexes in the document's rows ("" heading: no groups)."""

    heading: str
    rows: list[int] = field(default_factory=list)
    # Per row of the group, per column: the cell continues the one above it in this group
    # (a Word merge). Kept per group: a task under two leaders has another row above it in each.
    merged: list[list[bool]] = field(default_factory=list)


@dataclass
class Document:
    title: str  # the dataset's title
    asked: str  # what was asked: 分管领导：陆秋明
    columns: list[str]  # field names, in reading order
    kinds: list[str]  # per column: number, names or text
    rows: list[list[str]]  # every row's cells as text
    groups: list[Group]
    count_line: str  # 共 43 条任务
    group_by: str | None = None
    notes: list[str] = field(default_factory=list)  # lines after the table

    @property
    def labels(self) -> list[str]:
        return [label(c) for c in self.columns]

    @property
    def subtitle(self) -> str:
        return f"{self.asked}　{self.count_line}" if self.asked else self.count_line


def own_columns(frame: pl.DataFrame) -> list[str]:
    """The table's own columns for a document of tasks: 序号, 目标名称, 工作标准, 分管领导,
    牵头单位, and 类别, 任务序号, 配合单位, 完成时限 where a row has one."""
    present = set(frame.columns)
    shown = [DATASET_FIELD] if DATASET_FIELD in present else []
    for column in DOCUMENT_FIELDS:
        if column not in present:
            continue
        if column in ALWAYS_SHOWN or has_value(frame.get_column(column)):
            shown.append(column)
    return shown + [c for c in PROGRESS_FIELDS if c in present]  # --with-progress


def marked_open(frame: pl.DataFrame, shown: list[str] | None) -> pl.DataFrame:
    """The ``shown`` columns of a flat frame; a name list left open in the source (发改局等)
    ends with 等 where its flag is not shown beside it, so no document drops that word."""
    import polars as pl

    if shown is None:
        return frame
    marked = [
        pl.when(pl.col(f"{c}_open_ended") & (pl.col(c) != ""))
        .then(pl.col(c) + "等")
        .otherwise(pl.col(c))
        .alias(c)
        for c in NAME_COLUMNS
        if c in shown and f"{c}_open_ended" in frame.columns and f"{c}_open_ended" not in shown
    ]
    return frame.with_columns(marked).select(shown)


def build(result: Result, group_by: str | None = None) -> Document:
    """``result`` as a document; ``group_by`` (else the result's --group-by) names the groups."""
    from dutycli.output.record import reading_order

    frame = result.rows
    by = result.group_by or group_by
    if by is not None and (
        result.kind_name not in GROUPED_KINDS or not {"task", "work"} & set(frame.columns)
    ):
        by = None  # only tasks are grouped (an html page of names is one table)
    columns = reading_order(result.shown if result.shown is not None else list(frame.columns))
    if by == "goal":
        columns = [c for c in columns if c not in GOAL_COLUMNS]
    records = list(frame.iter_rows(named=True))
    rows = [[cell(record, column) for column in columns] for record in records]
    if result.kind_name == "stats":
        rows = [stats_row(columns, row) for row in rows]
    groups = group_rows(records, by)
    for group in groups:
        group.merged = [[False] * len(columns)] if group.rows else []
        for previous, index in itertools.pairwise(group.rows):
            group.merged.append(
                [
                    _continues(records[previous], records[index], column)
                    and rows[previous][position] == rows[index][position]
                    for position, column in enumerate(columns)
                ]
            )
    return Document(
        title=result.title,
        asked=result.asked or result.kind.sheet,
        columns=columns,
        kinds=[kind(frame, c) for c in columns],
        rows=rows,
        groups=groups,
        count_line=count_line(result, frame),
        group_by=by,
        notes=list(result.notes),
    )


def cell(record: dict[str, Any], column: str) -> str:
    """A value as a document shows it: names joined with 、 (and 等 where the list was left
    open), flags as 是/否, whole numbers without .0, the diff's changes in Chinese."""
    value = record[column]
    names_of = EXPLODED_NAMES.get(column, column)
    if names_of in NAME_COLUMNS:
        names = ([value] if value else []) if column in EXPLODED_NAMES else (value or [])
        text = NAME_JOINER.join(names)
        return text + "等" if names and record.get(f"{names_of}_open_ended") else text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if column == "change":
        value = CHANGE_LABELS.get(value, value)
    return cell_text(value)


def stats_row(columns: list[str], row: list[str]) -> list[str]:
    """A row of ``stats`` in the words its terminal view uses (分管领导, 无分管领导的任务),
    not its machine keys (leader, tasks_without_leader), which CSV and JSON keep."""
    from dutycli.output.charts import TOTAL_LABELS

    values = dict(zip(columns, row, strict=True))
    section = values.get("section")
    out = []
    for column, text in zip(columns, row, strict=True):
        if column == "section":
            text = STATS_SECTIONS.get(text, text)
        elif column == "name" and section == "dataset":
            text = TOTAL_LABELS.get(text, text)
        out.append(text)
    return out


def kind(frame: pl.DataFrame, column: str) -> Literal["number", "names", "text"]:
    """How a column is shown: numbers right-aligned and unbroken, names broken only after 、."""
    import polars as pl

    if column in NUMBER_COLUMNS or frame.schema[column].is_numeric():
        return "number"  # counts of other names too: a matrix's units, stats' explicit
    base = column.removeprefix("old_").removeprefix("new_")
    if base in NAME_COLUMNS or column in EXPLODED_NAMES or frame.schema[column] == pl.List:
        return "names"
    return "text"


def _goal_key(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record.get(c) for c in (DATASET_FIELD, *GOAL_COLUMNS))


def _continues(previous: dict[str, Any], record: dict[str, Any], column: str) -> bool:
    """Whether ``record``'s cell continues ``previous``'s as the source's merged cell did:
    the same goal; and for leaders, units and deadlines, a value the source merged down
    from the task just above (kept where the source wrote it again)."""
    if _goal_key(previous) != _goal_key(record):
        return False
    if column in (DATASET_FIELD, *GOAL_COLUMNS):
        return True
    if column not in INHERITABLE_COLUMNS or not record.get(f"{column}_inherited"):
        return False
    ids = previous.get("id"), record.get("id")
    return isinstance(ids[0], int) and isinstance(ids[1], int) and ids[1] == ids[0] + 1


def group_rows(records: list[dict[str, Any]], by: str | None) -> list[Group]:
    """The groups in order of first appearance; a task with two leaders is in both groups."""
    if by is None:
        return [Group("", list(range(len(records))))]
    found: dict[Any, Group] = {}
    none: Group | None = None
    for index, record in enumerate(records):
        keys: list[tuple[Any, str]]
        if by == "goal":
            keys = [(_goal_key(record), goal_heading(record))]
        else:
            column = "leaders" if by == "leader" else "lead_units"
            keys = [((name,), name) for name in record.get(column) or []]
        if not keys:
            none = none or Group(NONE_HEADINGS[by])
            none.rows.append(index)
            continue
        for key, heading in keys:
            found.setdefault(key, Group(heading)).rows.append(index)
    return [*found.values(), *([none] if none else [])]


def goal_heading(record: dict[str, Any]) -> str:
    """``4　优化营商环境``; the dataset first when several are loaded; a goal that carries its
    own number (一、…, as a heading row of the source) is not numbered twice."""
    goal = cell_text(record.get("goal"))
    number = "" if _NUMBERED.match(goal) else cell_text(record.get("goal_no"))
    parts = [str(record.get(DATASET_FIELD) or ""), number, goal]
    heading = "　".join(p for p in parts if p)
    return heading or NONE_HEADINGS["goal"]


def group_title(by: str | None, group: Group) -> str:
    """A group's heading with its count: ``分管领导：陆秋明（12 条任务）``."""
    noun = GROUP_NOUNS.get(by or "", "")
    prefix = (
        f"{noun}：" if noun and by != "goal" and group.heading not in NONE_HEADINGS.values() else ""
    )
    return f"{prefix}{group.heading}（{len(group.rows)} 条任务）"


def count_line(result: Result, frame: pl.DataFrame) -> str:
    count = len(frame)
    if result.kind_name == "tasks" and EXPLODED_NAMES.keys() & set(frame.columns):
        # --explode: a row is a task × leader × unit, so rows and tasks are different counts.
        if "id" not in frame.columns:
            return f"共 {count} 行"
        keys = [c for c in ("dataset", "id") if c in frame.columns]
        return f"共 {count} 行（{frame.select(keys).n_unique()} 条任务）"
    return f"共 {count} {result.kind.noun}"
