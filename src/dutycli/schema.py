"""The public task schema: field names, order, kinds and Chinese labels.

Kept free of Polars so that light code paths (help, completion) can use it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: completion imports this module on a TAB
if TYPE_CHECKING:
    from typing import Literal

    FieldKind = Literal["int", "str", "names", "bool"]

# Order is the public order of YAML, CSV and JSON output.
TASK_FIELDS: dict[str, FieldKind] = {
    "id": "int",
    "goal_no": "int",
    "goal": "str",
    "task": "str",
    "leaders": "names",
    "lead_units": "names",
    "leaders_inherited": "bool",
    "lead_units_inherited": "bool",
    "leaders_open_ended": "bool",
    "lead_units_open_ended": "bool",
    "partner_units": "names",
    "partner_units_inherited": "bool",
    "partner_units_open_ended": "bool",
    "deadline": "str",
    "deadline_inherited": "bool",
    "source_line": "int",
    "item_no": "str",
    "section": "str",
}

# Cells of names, each with *_inherited and *_open_ended flags.
NAME_COLUMNS = ("leaders", "lead_units", "partner_units")
# Columns a merged cell can fill from the row above (each has an *_inherited flag).
INHERITABLE_COLUMNS = ("leaders", "lead_units", "partner_units", "deadline")
# Columns a table may lack: they are then empty in every task.
OPTIONAL_COLUMNS = ("partner_units", "deadline")
# Text that only some layouts have (a task's own number when heading rows carry the goals;
# the heading a task stands under): "" when none. A YAML dataset leaves them out when empty,
# and a dataset or export written before them reads them as ""; the terminal shows them only
# when a row has one. Every other format always has both.
SPARSE_FIELDS = ("item_no", "section")
# The fields diff compares between a pair of tasks (shown as old_/new_ columns).
DIFF_FIELDS = (*NAME_COLUMNS, *SPARSE_FIELDS)
# --role of by-unit and units: which unit columns a unit is looked up in.
UNIT_ROLES: dict[str, tuple[str, ...]] = {
    "lead": ("lead_units",),
    "partner": ("partner_units",),
    "any": ("lead_units", "partner_units"),
}

# With several datasets loaded, every row says which one it came from (first column).
DATASET_FIELD = "dataset"

LABELS: dict[str, str] = {
    "id": "编号",
    "goal_no": "序号",
    "goal": "目标名称",
    "task": "工作标准",
    "leaders": "分管领导",
    "lead_units": "牵头单位",
    "leaders_inherited": "领导沿用上行",
    "lead_units_inherited": "单位沿用上行",
    "leaders_open_ended": "领导名单含等",
    "lead_units_open_ended": "单位名单含等",
    "partner_units": "配合单位",
    "partner_units_inherited": "配合单位沿用上行",
    "partner_units_open_ended": "配合单位名单含等",
    "deadline": "完成时限",
    "deadline_inherited": "时限沿用上行",
    "source_line": "源文件行号",
    "item_no": "任务序号",
    "section": "类别",  # a task's heading; also the kind of names in a stats row
    # Columns of the directory and summary results.
    "name": "名称",
    "tasks": "任务数",
    "inherited": "其中沿用",
    "leaders_source_id": "领导出自编号",
    "lead_units_source_id": "单位出自编号",
    "partner_units_source_id": "配合单位出自编号",
    "deadline_source_id": "时限出自编号",
    # Several datasets: the row's dataset, and the columns of `dutycli datasets`.
    "dataset": "数据集",
    "datasets": "所在数据集",
    "title": "标题",
    "label": "标签",
    "goals": "目标数",
    "leader_count": "领导数",
    "unit_count": "单位数",
    "path": "文件",
    # `dutycli diff`: old_/new_ columns take the field's label with 原/新 (see label()).
    "change": "变化",
    "similarity": "相似度",
    # Columns of --explode, stats, matrix and metrics.
    "leader": "分管领导",
    "lead_unit": "牵头单位",
    "count": "数量",
    "explicit": "本行填写",
    "indicator": "指标",
    "verb": "动作",
    "value": "数值",
    "unit": "计量单位",
    "qualifier": "限定",
    "phrase": "原文",
    # 督办 (dutycli progress): what a unit answered, when, and the deadline read as a date.
    "status": "完成状态",
    "progress": "进展情况",
    "problems": "存在问题",
    "next_steps": "下步计划",
    "reporter": "填报人",
    "phone": "联系电话",
    "period": "填报期",
    "deadline_date": "截止日期",
    "overdue": "逾期",
    "version": "版本",
    # The summary report in the 苏州 shape.
    "number": "序号",
    "work": "工作任务",
    "lead_depts": "牵头部门",
    "partner_depts": "主要配合部门",
}
# The answers --with-progress adds to tasks, shown in documents beside the table's own columns.
PROGRESS_FIELDS = ("status", "progress")

DIFF_PREFIXES = {"old_": "原", "new_": "新"}


def labelled(columns: list[str]) -> list[str]:
    """Column names as Chinese labels (``label``), for --header zh; a label that two columns
    would share (a matrix column named as a label) leaves those two as they are."""
    labels = [label(c) for c in columns]
    return [
        lab if labels.count(lab) == 1 and lab not in columns[:i] + columns[i + 1 :] else c
        for i, (c, lab) in enumerate(zip(columns, labels, strict=True))
    ]


def label(column: str) -> str:
    """The Chinese header of a column; ``old_task`` is 原工作标准, ``new_id`` is 新编号."""
    if column in LABELS:
        return LABELS[column]
    for prefix, mark in DIFF_PREFIXES.items():
        if column.startswith(prefix) and column[len(prefix) :] in LABELS:
            return mark + LABELS[column[len(prefix) :]]
    return column


FORMATS = ("table", "csv", "tsv", "json", "jsonl", "md", "xlsx", "docx", "html", "pdf")
# The format an --output file gets from its suffix when --format is not given.
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "table",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".md": "md",
    ".markdown": "md",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
# Suffixes a clerk may try that dutycli does not write (output.emit says what to use instead).
REFUSED_SUFFIXES = (".doc", ".xls", ".wps", ".et", ".rtf", ".odt", ".ods")
# Formats made to be read, printed or handed on (a .txt file is the table format): they show
# the table's own columns unless --fields or --all-fields asks for more.
DOCUMENT_FORMATS = ("xlsx", "docx", "html", "pdf")
# The table's own columns, in a document: the first five always, the rest where a row has one.
DOCUMENT_FIELDS = (
    *("goal_no", "goal", "section", "item_no", "task"),
    *("leaders", "lead_units", "partner_units", "deadline"),
)
# --group-by: a heading per group, then its rows (html is grouped by goal unless told).
GROUP_BY = ("goal", "leader", "unit")
# … each also by its Chinese name (--group-by 牵头单位).
GROUP_BY_LABELS = {"目标": "goal", "分管领导": "leader", "牵头单位": "unit"}
# The formats that name columns by field (--header zh: by label); the others by label.
FLAT_FORMATS = ("csv", "tsv", "json", "jsonl", "md")
# The formats that can show groups; the others are rows for programs.
GROUPED_FORMATS = ("table", "md", "docx", "html", "pdf")

# Joins a list of names in flat formats (CSV, TSV, Markdown); the splitter never leaves one inside a name.
NAME_JOINER = "、"


class ResultKind:
    """What a command's rows are: how they are counted, their sheet, their fields.

    Each command declares its kind beside itself (``cli.registry.command``); the output
    (count line, xlsx sheet) and completion (``--fields``) read it from here.
    """

    __slots__ = ("fields", "name", "noun", "several", "sheet")

    def __init__(
        self,
        name: str,
        noun: str,
        sheet: str,
        fields: tuple[str, ...] = (),
        several: tuple[str, str] = (DATASET_FIELD, ""),
    ) -> None:
        self.name = name
        self.noun = noun  # 共 N {noun}
        self.sheet = sheet  # the xlsx sheet's title
        self.fields = fields  # the result's columns; () for task rows (TASK_FIELDS)
        # With several datasets: the field added before and after these (none when empty).
        self.several = several


_KINDS: tuple[ResultKind, ...] = (
    ResultKind("tasks", "条任务", "任务"),
    ResultKind("record", "条任务", "任务"),
    ResultKind("names", "个名称", "名录", ("name", "tasks", "inherited"), ("", "datasets")),
    ResultKind("goals", "个目标", "目标", ("goal_no", "goal", "tasks", "leaders", "lead_units")),
    ResultKind(
        "datasets",
        "个数据集",
        "数据集",
        ("dataset", "title", "label", "goals", "tasks", "leader_count", "unit_count", "path"),
        ("", ""),
    ),
    # diff: then old_/new_ of every DIFF_FIELDS column, then similarity (see query.diff.columns).
    ResultKind(
        "changes",
        "处变化",
        "变化",
        ("change", "old_id", "new_id", "goal_no", "goal", "old_task", "new_task"),
        ("", ""),
    ),
    ResultKind(
        "stats", "行", "统计", ("section", "name", "count", "explicit", "inherited"), ("", "")
    ),
    # matrix: then one column per lead unit.
    ResultKind("matrix", "位领导", "领导×单位", ("leader",), ("", "")),
    ResultKind(
        "metrics",
        "个量化指标",
        "量化指标",
        (
            *("id", "goal_no", "indicator", "verb", "value", "unit", "qualifier", "phrase"),
            *("leaders", "lead_units", "leaders_inherited", "lead_units_inherited"),
        ),
        ("", ""),
    ),
)
_KINDS += (
    # dutycli progress status: a row per task × lead unit (then the answer's period, version).
    ResultKind(
        "progress",
        "条任务",
        "督办进展",
        (
            *("id", "goal_no", "goal", "task", "lead_unit", "leaders", "deadline"),
            *("deadline_date", "overdue", "status", "progress", "problems", "next_steps"),
            *("reporter", "phone", "period", "version"),
        ),
    ),
    # dutycli progress status --silent: the lead units that did not report.
    ResultKind("silent", "个单位", "未报送单位", ("lead_unit", "tasks")),
    # dutycli progress report: the summary in the 苏州 shape.
    ResultKind(
        "report",
        "条任务",
        "进展情况汇总",
        ("goal_no", "goal", "number", "work", "lead_depts", "partner_depts", "status", "progress"),
    ),
)
RESULT_KINDS: dict[str, ResultKind] = {kind.name: kind for kind in _KINDS}
