"""Normalize a source table into a dataset: one set of rules for every file format.

The readers in ``dutycli.sources`` turn a file into rows of cells (text, where it
starts, whether it continues a merge). Here those rows become goals and tasks:
the header names the columns, a row without 序号 belongs to the goal above, a
merged leader/unit/partner/deadline cell takes the value of the row above within
its goal, and every change is recorded in the import report.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.names import squeeze
from dutycli.sources.formats import read_source
from dutycli.sources.goals import Builder
from dutycli.sources.header import column_map, find_header, two_row_header
from dutycli.sources.headings import Heading, heading_of
from dutycli.sources.report import ImportReport
from dutycli.sources.table import (
    Cell,
    Note,
    Notes,
    SourceTable,
    counted,
    shorten,
    user_labels,
)
from dutycli.sources.text import table_from_text

__all__ = ["ImportReport", "import_file", "normalize", "parse_text_table"]


def normalize(source: SourceTable, source_name: str) -> tuple[dict[str, Any], ImportReport]:
    """Turn a reader's rows into a dataset document (the YAML structure) and a report."""
    try:
        return _normalize(source, source_name)
    except DataError as exc:
        message = str(exc)
        if message.startswith(f"{source_name}:"):
            raise
        raise DataError(
            t("{source_name}: {message}", source_name=source_name, message=message)
        ) from None


def _normalize(source: SourceTable, source_name: str) -> tuple[dict[str, Any], ImportReport]:
    at = source.unit
    report = ImportReport(unit=at, notes=Notes(source.notes))
    if not source.rows:
        raise DataError(t("{source_name}: no table rows found", source_name=source_name))
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
                t(
                    "{source_name}: {at} {line}: a cell beyond the header's {width} columns: {text!r}",
                    source_name=source_name,
                    at=at,
                    line=extra[0].line,
                    width=width,
                    text=squeeze(extra[0].text)[:20],
                )
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

    _unread_columns(body, columns, header[:width], report)
    builder = Builder(columns, report)
    named, filled = _parts(body, columns)
    for index, (row, heading) in enumerate(body):
        if heading is None:
            builder.row(row)
        elif not filled[index]:
            report.notes.append(
                Note(
                    heading.line,
                    "heading",
                    t(
                        "a heading row with no tasks below it is not read: {heading!r}",
                        heading=shorten(heading.text),
                    ),
                )
            )
        elif heading.top or not builder.goals:
            builder.part(heading, named[index])
        else:
            builder.section(heading)
    if not builder.tasks:
        raise DataError(
            t("{source_name}: the table has a header but no rows", source_name=source_name)
        )
    builder.check_counts()

    label, title = _label_and_title(preamble)
    for line in preamble[2:]:
        report.notes.append(
            Note(
                0,
                "preamble",
                t(
                    "text above the table is not kept (only a label and a title are): {text!r}",
                    text=line[:30],
                ),
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


def _unread_columns(
    body: list[tuple[list[Cell], Heading | None]],
    columns: dict[str, int],
    header: list[Cell],
    report: ImportReport,
) -> None:
    """Note each column dutycli does not read (an unknown label) that holds text: its text
    is in no task, so the summary counts it among what was not read."""
    read = set(columns.values())
    for index, cell in enumerate(header):
        label = squeeze(cell.text)
        if index in read or not label:
            continue
        written = [
            row[index] for row, heading in body if heading is None and row[index].text.strip()
        ]
        if written:
            report.notes.append(
                Note(
                    written[0].line,
                    "column",
                    t(
                        "column {label!r} holds text in {rows} that no task keeps; read it with --column {label}=FIELD",
                        label=shorten(label, 20),
                        rows=counted(len(written), "row"),
                    ),
                )
            )


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
        first = name if start in known else t("{name} (a column not read)", name=name)
        left = "、".join(squeeze(header[i].text) for i in covered)
        report.notes.append(
            Note(
                origin.line,
                "across",
                t(
                    "a cell merged across {first} and {left} is read as {first} only; {left} left empty",
                    first=first,
                    left=left,
                ),
            )
        )


# The line dutycli's documents write under their title (what was asked, and the count).
_DOCUMENT_SUBTITLE = re.compile(r"共 \d+ 条任务$")


def _label_and_title(preamble: list[str]) -> tuple[str, str]:
    """附件1 above the title, as duty tables are headed; a document dutycli wrote has its title
    first and what was asked under it, so it reads back with the title it had."""
    if len(preamble) >= 2 and _DOCUMENT_SUBTITLE.search(preamble[1]):
        return "", preamble[0]
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
