"""The progress forms (督办填报表): one per unit and period, its tasks locked, its answers to fill.

A form carries what it was made from (``FormMeta``: dataset, period, unit, and per task its id,
the hash of its text and the unit's role), so that ``collect`` can tell which dataset and period
a returned form answers and whether a task text was edited since. In an xlsx form that is a
very hidden sheet ``_dutycli``; in a docx form, a custom XML part of the document (JSON in
``<dutycli xmlns="urn:dutycli:progress-form">``: Word keeps such parts when it saves; a core
property holds at most 255 characters).

The xlsx form is the documents' workbook (``spreadsheet.build_workbook``: title lines, header
on every page, A4 landscape) with the task columns locked (sheet protection, no password: the
hashes catch an edit anyway), the fill columns unlocked and typed as text (a phone number stays
as written), and a drop-down of the statuses. The docx form is the documents' Word table.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any, BinaryIO

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.progress.store import STATUSES, task_hash
from dutycli.schema import NAME_JOINER

if TYPE_CHECKING:
    import polars as pl

    from dutycli.progress.periods import Period

FORM_KIND = "dutycli progress form"
FORM_VERSION = 1
META_SHEET = "_dutycli"
META_NAMESPACE = "urn:dutycli:progress-form"
# The columns of a form: the task's (locked), then the unit's answers (to fill, in the order of
# store.ANSWER_FIELDS).
TASK_COLUMNS = ("编号", "目标", "工作标准", "分管领导", "角色", "完成时限")
FILL_COLUMNS = ("进展情况", "完成状态", "存在问题", "下步计划", "填报人", "联系电话")
COLUMNS = (*TASK_COLUMNS, *FILL_COLUMNS)
LEAD, PARTNER = "牵头", "配合"
# Widths (in half-width characters) of the columns to fill: room to write in.
FILL_WIDTHS = {"进展情况": 40, "完成状态": 10, "存在问题": 24, "下步计划": 24, "填报人": 8}
FILL_WIDTHS["联系电话"] = 14
# A file name: what Windows, macOS and Linux all accept (a unit's name is data).
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
NAME_LIMIT = 80


@dataclass
class FormTask:
    id: int
    goal: str
    task: str
    leaders: str
    role: str  # 牵头 or 配合
    deadline: str

    def cells(self) -> list[Any]:
        return [self.id, self.goal, self.task, self.leaders, self.role, self.deadline]


@dataclass
class FormMeta:
    """What a form was made from; ``tasks``: (task id, hash of its text, role) per row."""

    dataset: str
    period: str
    unit: str
    title: str = ""
    tasks: list[tuple[int, str, str]] = field(default_factory=list)

    def to_json(self) -> str:
        body = {
            "format": FORM_KIND,
            "version": FORM_VERSION,
            "dataset": self.dataset,
            "title": self.title,
            "period": self.period,
            "unit": self.unit,
            "tasks": [list(task) for task in self.tasks],
        }
        return json.dumps(body, ensure_ascii=True)  # ASCII: safe in any property

    @classmethod
    def from_json(cls, text: str) -> FormMeta | None:
        """The metadata in ``text``, None when it is not a dutycli form's."""
        try:
            body = json.loads(text)
            if body.get("format") != FORM_KIND:
                return None
            return cls.checked(body, [tuple(task) for task in body["tasks"]])
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    @classmethod
    def checked(cls, body: dict[str, Any], tasks: list[tuple[Any, ...]]) -> FormMeta:
        if int(body["version"]) > FORM_VERSION:
            raise DataError(
                t("a form made by a newer dutycli (form version {v})", v=body["version"])
            )
        rows = [(int(i), str(h), str(r)) for i, h, r in tasks]
        return cls(
            str(body["dataset"]),
            str(body["period"]),
            str(body["unit"]),
            str(body.get("title") or ""),
            rows,
        )


def units_of(frame: pl.DataFrame) -> list[str]:
    """Every lead unit of the tasks, in order of first appearance."""
    seen: dict[str, None] = {}
    for names in frame.get_column("lead_units").to_list():
        seen.update(dict.fromkeys(names or []))
    return list(seen)


def unit_tasks(frame: pl.DataFrame, unit: str) -> list[FormTask]:
    """The tasks ``unit`` leads (牵头), then those it is a partner in (配合), in table order."""
    lead: list[FormTask] = []
    partner: list[FormTask] = []
    columns = ("id", "goal", "task", "leaders", "lead_units", "partner_units", "deadline")
    for row in frame.select(c for c in columns if c in frame.columns).iter_rows(named=True):
        role = LEAD if unit in (row["lead_units"] or []) else None
        if role is None and unit in (row.get("partner_units") or []):
            role = PARTNER
        if role is None:
            continue
        found = FormTask(
            row["id"],
            row["goal"] or "",
            row["task"] or "",
            NAME_JOINER.join(row["leaders"] or []),
            role,
            row.get("deadline") or "",
        )
        (lead if role == LEAD else partner).append(found)
    return lead + partner


def file_name(unit: str, period: str, suffix: str) -> str:
    """``<unit>-<period>.<suffix>``, the unit's name made safe for any file system."""
    safe = _UNSAFE.sub("_", unit).strip(" .") or "_"
    return f"{safe[:NAME_LIMIT]}-{period}.{suffix}"


def meta_for(dataset: str, title: str, period: str, unit: str, tasks: list[FormTask]) -> FormMeta:
    rows = [(task.id, task_hash(task.task), task.role) for task in tasks]
    return FormMeta(dataset, period, unit, title, rows)


def _titles(meta: FormMeta, period: Period) -> tuple[str, str]:
    heading = f"{meta.unit}　{meta.period} 工作任务进展情况填报表"
    span = f"填报期 {period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}"
    return heading, f"{meta.title}　{span}" if meta.title else span


def write_xlsx(meta: FormMeta, tasks: list[FormTask], period: Period, out: BinaryIO) -> None:
    """The xlsx form: the documents' workbook, locked but for the answers, with its metadata."""
    import polars as pl

    from dutycli.output import spreadsheet

    frame = pl.DataFrame(
        [[*task.cells(), *[None] * len(FILL_COLUMNS)] for task in tasks],
        schema={name: pl.Int64 if name == "编号" else pl.String for name in COLUMNS},
        orient="row",
    )
    book, _ = spreadsheet.build_workbook(
        frame, list(COLUMNS), "填报表", _titles(meta, period), [task.id for task in tasks]
    )
    from openpyxl.styles import Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.active
    first, last = spreadsheet.HEADER_ROW + 1, spreadsheet.HEADER_ROW + len(tasks)
    for offset, name in enumerate(FILL_COLUMNS):
        column = len(TASK_COLUMNS) + 1 + offset
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = FILL_WIDTHS[name]
        for row in range(first, last + 1):
            cell = sheet.cell(row=row, column=column)
            cell.protection = Protection(locked=False)
            cell.number_format = "@"  # text: a phone number keeps its leading 0
    status = get_column_letter(len(TASK_COLUMNS) + 1 + FILL_COLUMNS.index("完成状态"))
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成状态",
        error="请从下拉列表中选择：" + "、".join(STATUSES),
    )
    sheet.add_data_validation(choice)
    if tasks:
        choice.add(f"{status}{first}:{status}{last}")
    protection = sheet.protection
    protection.sheet = True
    # Clerks may still widen columns, heighten rows and filter.
    protection.formatColumns = protection.formatRows = protection.autoFilter = False
    hidden = book.create_sheet(META_SHEET)
    hidden.sheet_state = "veryHidden"
    header = {"format": FORM_KIND, "version": FORM_VERSION, "dataset": meta.dataset}
    header |= {"title": meta.title, "period": meta.period, "unit": meta.unit}
    rows: list[list[Any]] = [[key, value] for key, value in header.items()]
    rows.append(["task_id", "task_sha256", "role"])
    rows.extend(list(task) for task in meta.tasks)
    for values in rows:
        hidden.append(values)
    for line in hidden.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # data, never a formula
    hidden.protection.sheet = True
    spreadsheet.save(book, out)


def write_docx(meta: FormMeta, tasks: list[FormTask], period: Period, out: BinaryIO) -> None:
    """The docx form: the documents' Word table with the columns to fill, metadata in a custom
    XML part."""
    import io

    from dutycli.output import word
    from dutycli.output.document import Document, Group

    heading, subtitle = _titles(meta, period)
    rows = [[str(c) for c in task.cells()] + [""] * len(FILL_COLUMNS) for task in tasks]
    columns = ["id", "goal", "task", "leaders", "角色", "deadline", *FILL_COLUMNS]
    kinds = ["number", "text", "text", "names", "text", "text", *["text"] * len(FILL_COLUMNS)]
    merged = [[False] * len(columns) for _ in rows]
    document = Document(
        heading,
        subtitle,
        columns,
        kinds,
        rows,
        [Group("", list(range(len(rows))), merged)],
        f"共 {len(rows)} 条任务",
    )
    buffer = io.BytesIO()
    word.write_docx(document, buffer)
    import docx

    made = docx.Document(io.BytesIO(buffer.getvalue()))
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    body = f'<dutycli xmlns="{META_NAMESPACE}">{escape(meta.to_json())}</dutycli>'
    package = made.part.package
    name = package.next_partname("/customXml/item%d.xml")  # the template has one already
    part = Part(PackURI(name), "application/xml", body.encode(), package)
    made.part.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_XML)
    made.core_properties.subject = FORM_KIND
    final = io.BytesIO()
    made.save(final)
    out.write(final.getvalue())


def docx_meta(made: Any) -> FormMeta | None:
    """The metadata of a docx form (a python-docx Document), None when it has none."""
    from xml.etree import ElementTree

    from docx.opc.constants import RELATIONSHIP_TYPE

    for relation in made.part.rels.values():
        if relation.reltype != RELATIONSHIP_TYPE.CUSTOM_XML or relation.is_external:
            continue
        try:
            root = ElementTree.fromstring(relation.target_part.blob)
        except ElementTree.ParseError:
            continue
        if root.tag == f"{{{META_NAMESPACE}}}dutycli":
            return FormMeta.from_json(root.text or "")
    return None


def column_map(labels: list[Any]) -> dict[str, int] | None:
    """Where each column of a form is, from its header row; None when it is not one."""
    found = {str(text).strip(): index for index, text in enumerate(labels) if text is not None}
    # The Word form's header names goal/leaders/deadline by their schema labels.
    for alias, name in (("目标名称", "目标"), ("分管领导", "分管领导"), ("编号", "编号")):
        if alias in found and name not in found:
            found[name] = found[alias]
    if not all(name in found for name in ("编号", "工作标准", *FILL_COLUMNS)):
        return None
    return found
