"""The header of a source table: where it is, and which column each of its labels names.

A table needs a task column and its owners (leaders or lead units); every other column may
be absent. The report records the columns found, so a user sees what was read as what.
"""

from __future__ import annotations

from dutycli.errors import DataError, DutyError
from dutycli.i18n import t
from dutycli.names import squeeze
from dutycli.schema import LABELS
from dutycli.sources.report import ImportReport
from dutycli.sources.table import (
    GOAL_OR_TASK_LABELS,
    HEADER_SEARCH_ROWS,
    MAPPABLE_FIELDS,
    OWNER_COLUMNS,
    WEAK_LEAD_LABELS,
    Cell,
    column_of,
    columns_suffice,
    field_name,
    header_found,
    header_score,
    shorten,
    user_labels_given,
)


def column_map(header: list[Cell], unit: str, report: ImportReport) -> dict[str, int]:
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
        elif column is not None:
            report.ignored_columns.append((squeeze(cell.text), _second(column, header, found)))
        elif squeeze(cell.text):
            report.ignored_columns.append((squeeze(cell.text), t("not a known header")))
    if weak_lead is not None:
        role = "lead_units" if "lead_units" not in found else "partner_units"
        if role in found:
            label = squeeze(header[weak_lead].text)
            report.ignored_columns.append((label, _second(role, header, found)))
        else:
            found[role] = weak_lead
    if "task" not in found and squeeze(header[found.get("goal", 0)].text) in GOAL_OR_TASK_LABELS:
        # 序号 | 工作目标 | 责任单位: without a task column, the goal column holds the tasks.
        found["task"] = found.pop("goal")
    _unmatched_labels(header, unit)
    if not columns_suffice(set(found)):
        missing = "a task column (工作标准, 工作任务, …)" if "task" not in found else ""
        if not any(c in found for c in OWNER_COLUMNS):
            owners = "a leaders or lead units column (分管领导, 牵头单位, 责任单位, …)"
            missing = f"{missing} and {owners}" if missing else owners
        raise DataError(
            t(
                "{unit} {line}: the header lacks {missing}; labels found: {header}; name a column with --column LABEL=FIELD (fields: {names})",
                unit=unit,
                line=header[0].line,
                missing=missing,
                header=_labels_seen(header),
                names=", ".join(MAPPABLE_FIELDS),
            )
        )
    in_order = sorted(found.items(), key=lambda item: item[1])
    report.columns = {column: squeeze(header[index].text) for column, index in in_order}
    return found


def _second(column: str, header: list[Cell], found: dict[str, int]) -> str:
    """Why a column naming a field already read is not read: the first column names it."""
    return t(
        "a second {column} column; {first!r} is read as {column}",
        column=field_name(column),
        first=squeeze(header[found[column]].text),
    )


def _labels_seen(header: list[Cell]) -> str:
    """A header's labels as an error lists them: the first thirty, each cut short."""
    seen = ", ".join(shorten(squeeze(c.text), 20) or "(empty)" for c in header[:30])
    return seen + (", …" if len(header) > 30 else "")


def _unmatched_labels(header: list[Cell], unit: str) -> None:
    """Refuse a ``--column`` label the header does not have: a mistyped label would leave
    its column unread (or empty a field) without a word."""
    labels = {squeeze(c.text) for c in header}
    missing = [label for label in user_labels_given() if label not in labels]
    if missing:
        more = f" (and {len(missing) - 1:,} more)" if len(missing) > 1 else ""
        raise DataError(
            t(
                "{unit} {line}: --column {missing!r}{more}: no such label in the header; labels found: {header}",
                unit=unit,
                line=header[0].line,
                missing=shorten(missing[0], 20),
                more=more,
                header=_labels_seen(header),
            )
        )


def find_header(rows: list[list[Cell]]) -> int:
    """The first row naming enough columns; else the first non-empty row (its error lists it)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if header_found([c.text for c in row]):
            return index
    for index, row in enumerate(rows):
        if any(c.text.strip() for c in row):
            return index
    return 0


def two_row_header(rows: list[list[Cell]], start: int) -> tuple[list[Cell], int]:
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


def parse_labels(values: list[str]) -> dict[str, str]:
    """``--column LABEL=FIELD`` values as {label: field}; FIELD a field name or its Chinese
    label (``民生项目=task``, ``民生项目=工作标准``)."""
    chinese = {LABELS.get(field, field): field for field in reversed(MAPPABLE_FIELDS)}
    labels: dict[str, str] = {}
    for value in values:
        label, equals, name = value.rpartition("=")
        field = name.strip() if name.strip() in MAPPABLE_FIELDS else chinese.get(squeeze(name))
        if not equals or not squeeze(label) or field is None:
            raise DutyError(
                t(
                    "--column {value!r}: expected LABEL=FIELD, FIELD one of {names} (or its Chinese name: {names2})",
                    value=shorten(value),
                    names=", ".join(MAPPABLE_FIELDS),
                    names2=", ".join(LABELS.get(f, f) for f in MAPPABLE_FIELDS),
                )
            )
        if squeeze(label) in labels and labels[squeeze(label)] != field:
            raise DutyError(t("--column: {label!r} is mapped twice", label=shorten(squeeze(label))))
        labels[squeeze(label)] = field
    return labels
