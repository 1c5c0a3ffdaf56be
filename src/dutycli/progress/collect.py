"""Collecting filled forms (回收): each form read back, checked against the dataset, recorded.

A form is read for its values only (openpyxl's cached values, python-docx's text: a formula a
clerk typed is never run, and text is never markup). Its metadata names the dataset and period
it was made for; a form of a dataset not loaded (or of another table of the same name) is
refused whole. Row by row, an answer is recorded only when its task is still the one the form
was made with (the dataset's text hashes as the form says, and the form's 工作标准 cell was not
edited) and its 完成状态 is one of ``STATUSES``; every other row is a line of the report, and
nothing else of the form is lost. The answers of one form are one ``store.record`` transaction.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dutycli.errors import DataError, DutyError
from dutycli.i18n import t
from dutycli.progress import store
from dutycli.progress.forms import FILL_COLUMNS, META_SHEET, FormMeta, column_map, docx_meta
from dutycli.progress.store import STATUSES, Answer, Form, Recorded, task_hash

SUFFIXES = (".xlsx", ".docx")
# A returned form larger than this is not a form (a zip bomb, a wrong file).
MAX_FORM_BYTES = 50 * 1024 * 1024
_SPACE = re.compile(r"\s+")


@dataclass
class Sheet:
    """A form as read: its metadata, and its table's rows (row number, cells by column)."""

    meta: FormMeta
    rows: list[tuple[int, dict[str, str]]]


@dataclass
class Outcome:
    """What collecting one file did: refused whole, or its answers recorded and its problems."""

    file: str
    meta: FormMeta | None = None
    refused: str = ""
    problems: list[str] = field(default_factory=list)  # rows not recorded
    notes: list[str] = field(default_factory=list)  # worth saying, nothing lost
    empty: int = 0  # rows with nothing filled in
    answers: int = 0
    recorded: Recorded | None = None

    @property
    def failed(self) -> bool:
        """Refused, or a row not recorded (a form collected before counts as done)."""
        already = self.recorded is not None and self.recorded.already
        return bool(self.refused) or (bool(self.problems) and not already)


def cell_text(value: Any) -> str:
    """A cell's value as the text a clerk sees: 13800000000 not 13800000000.0, a date as a date."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | datetime):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value).strip()


def read(path: Path) -> tuple[Sheet, bytes]:
    """The form in ``path`` and its bytes; a DataError (the form refused whole) otherwise."""
    if path.suffix.lower() not in SUFFIXES:
        raise DataError(t("not a form: dutycli reads back .xlsx and .docx forms"))
    try:
        if path.stat().st_size > MAX_FORM_BYTES:
            raise DataError(t("larger than any form ({size} bytes)", size=path.stat().st_size))
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(t("cannot read: {reason}", reason=exc.strerror or exc)) from None
    try:
        sheet = _read_xlsx(data) if path.suffix.lower() == ".xlsx" else _read_docx(data)
    except DutyError:
        raise
    except ImportError:
        raise DataError(t("reading it needs the xlsx or docx extra of dutycli")) from None
    except Exception as exc:  # a damaged zip, XML a library refuses: the form refused whole
        raise DataError(t("cannot open it: {reason}", reason=_first_line(exc))) from None
    return sheet, data


def _first_line(exc: BaseException) -> str:
    from dutycli.errors import first_line

    return first_line(exc)


def _table_rows(rows: list[list[Any]], first: int) -> list[tuple[int, dict[str, str]]]:
    """The rows below the header (found among the first ten), as cells by column name."""
    for index, row in enumerate(rows[:10]):
        columns = column_map(list(row))
        if columns is None:
            continue
        found = []
        for number, line in enumerate(rows[index + 1 :], start=first + index + 1):
            cells = {
                name: cell_text(line[where]) if where < len(line) else ""
                for name, where in columns.items()
            }
            found.append((number, cells))
        return found
    raise DataError(t("its header row (编号 … 联系电话) is not there"))


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if META_SHEET not in book.sheetnames:
            raise DataError(t("not a dutycli form (no form metadata in it)"))
        meta = _xlsx_meta([list(r) for r in book[META_SHEET].iter_rows(values_only=True)])
        main = next(name for name in book.sheetnames if name != META_SHEET)
        rows = [list(r) for r in book[main].iter_rows(values_only=True)]
    finally:
        book.close()
    # A cell a clerk began with "=" is a formula; its value is what Excel last showed, and a
    # file saved by a program that computes nothing has none: its text is kept instead, as
    # typed, never lost and never run.
    written = load_workbook(io.BytesIO(data), read_only=True)
    try:
        sheet = written[next(name for name in written.sheetnames if name != META_SHEET)]
        for row, typed in zip(rows, sheet.iter_rows(values_only=True), strict=False):
            for index, value in enumerate(typed[: len(row)]):
                if row[index] is None and isinstance(value, str) and value.startswith("="):
                    row[index] = value
    finally:
        written.close()
    return Sheet(meta, _table_rows(rows, 1))


def _xlsx_meta(rows: list[list[Any]]) -> FormMeta:
    body: dict[str, Any] = {}
    tasks: list[tuple[Any, ...]] = []
    in_tasks = False
    for row in rows:
        if not row or row[0] is None:
            continue
        if row[0] == "task_id":
            in_tasks = True
        elif in_tasks:
            tasks.append(tuple(row[:3]))
        else:
            body[str(row[0])] = row[1] if len(row) > 1 else None
    if body.get("format") != "dutycli progress form":
        raise DataError(t("not a dutycli form (no form metadata in it)"))
    try:
        return FormMeta.checked(body, tasks)
    except (ValueError, TypeError, KeyError):
        raise DataError(t("its form metadata is damaged")) from None


def _read_docx(data: bytes) -> Sheet:
    import docx

    document = docx.Document(io.BytesIO(data))
    meta = docx_meta(document)
    if meta is None:
        raise DataError(t("not a dutycli form (no form metadata in it)"))
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and column_map(rows[0]) is not None:
            return Sheet(meta, _table_rows(rows, 1))
    raise DataError(t("its header row (编号 … 联系电话) is not there"))


def _same_text(cell: str, text: str) -> bool:
    """The form's 工作标准 cell still says the task's text (spacing and line breaks aside;
    the escapes a workbook or Word gives a control character count as the character)."""
    from dutycli.output.spreadsheet import CUT_MARK
    from dutycli.output.text import escape_controls

    cell, text = _SPACE.sub("", cell), _SPACE.sub("", text)
    if cell in (text, _SPACE.sub("", escape_controls(text))):
        return True
    return cell.endswith(CUT_MARK) and text.startswith(cell.removesuffix(CUT_MARK))


def check(sheet: Sheet, texts: dict[int, str], outcome: Outcome) -> list[Answer]:
    """The answers of ``sheet`` that can be recorded; every other row a line in ``outcome``.
    ``texts``: the dataset's task texts by id, as they are now."""
    made = {task_id: (sha, role) for task_id, sha, role in sheet.meta.tasks}
    answers: list[Answer] = []
    seen: set[int] = set()
    allowed = "、".join(STATUSES)
    for number, cells in sheet.rows:
        said = [cells.get(name, "") for name in FILL_COLUMNS]
        written = cells.get("编号", "")
        if not written:
            if any(said) or cells.get("工作标准"):
                outcome.problems.append(
                    t("row {row}: a row added to the form (no 编号): not recorded", row=number)
                )
            continue
        try:
            task_id = int(written)
        except ValueError:
            task_id = -1
        if task_id not in made:
            outcome.problems.append(
                t(
                    "row {row}: 编号 {id} is not a task of this form: not recorded",
                    row=number,
                    id=written,
                )
            )
            continue
        if task_id in seen:
            outcome.problems.append(
                t(
                    "task {id}: a second row for it (row {row}): not recorded",
                    id=task_id,
                    row=number,
                )
            )
            continue
        seen.add(task_id)
        if not any(said):
            outcome.empty += 1
            continue
        sha = made[task_id][0]
        if task_id not in texts:
            outcome.problems.append(
                t(
                    "task {id}: no longer in dataset {dataset}: not recorded",
                    id=task_id,
                    dataset=sheet.meta.dataset,
                )
            )
        elif task_hash(texts[task_id]) != sha:
            outcome.problems.append(
                t(
                    "task {id}: its text in dataset {dataset} changed since the form was made: not recorded",
                    id=task_id,
                    dataset=sheet.meta.dataset,
                )
            )
        elif not _same_text(cells.get("工作标准", ""), texts[task_id]):
            outcome.problems.append(
                t("task {id}: its 工作标准 was edited on the form: not recorded", id=task_id)
            )
        elif not said[1]:
            outcome.problems.append(
                t(
                    "task {id}: answered without a 完成状态 (one of {allowed}): not recorded",
                    id=task_id,
                    allowed=allowed,
                )
            )
        elif said[1] not in STATUSES:
            outcome.problems.append(
                t(
                    "task {id}: 完成状态 {value!r} is not one of {allowed}: not recorded",
                    id=task_id,
                    value=said[1],
                    allowed=allowed,
                )
            )
        else:
            answers.append(Answer(task_id, sha, *said))
    missing = [str(task_id) for task_id in made if task_id not in seen]
    if missing:
        outcome.notes.append(
            t("the rows of tasks {ids} were taken off the form", ids=", ".join(missing))
        )
    return answers


def collect(path: Path, datasets: dict[str, dict[int, str]], store_path: Path) -> Outcome:
    """Read, check and record one returned form; ``datasets``: the loaded datasets' task
    texts by id, by dataset name."""
    from dutycli.progress import periods

    outcome = Outcome(str(path))
    try:
        sheet, data = read(path)
        outcome.meta = meta = sheet.meta
        periods.parse(meta.period)
        if meta.dataset not in datasets:
            raise DataError(
                t(
                    "made from dataset {name!r}, which is not loaded (datasets: {names})",
                    name=meta.dataset,
                    names=", ".join(datasets),
                )
            )
        texts = datasets[meta.dataset]
        hashes = {task_hash(text) for text in texts.values()}
        if meta.tasks and not any(sha in hashes for _, sha, _ in meta.tasks):
            raise DataError(
                t(
                    "made from another table named {name!r}: none of its task texts is in it",
                    name=meta.dataset,
                )
            )
    except DutyError as exc:
        outcome.refused = str(exc)
        return outcome
    answers = check(sheet, texts, outcome)
    outcome.answers = len(answers)
    if answers:
        form = Form(
            meta.dataset, meta.period, meta.unit, path.name, hashlib.sha256(data).hexdigest()
        )
        outcome.recorded = store.record(store_path, form, answers)
    return outcome
