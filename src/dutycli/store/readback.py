"""Reading dutycli's own flat exports (CSV, TSV, JSON, JSONL) back as a dataset.

What ``dutycli list -f csv > tasks.csv`` wrote, ``dutycli --data tasks.csv`` reads again,
every field exactly: lists were joined with 、 and are split again as the importer splits
(validation holds every name to that: see ``names.name_list_fault``), and booleans were
written as true/false. A file must hold every task field, so a ``--fields``
subset, a several-dataset export (its ``dataset`` column) or an ``--excel`` CSV (whose
formula guards change the text) is refused with a message, never read half right.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.names import split_joined
from dutycli.schema import NAME_JOINER, TASK_FIELDS
from dutycli.store.validation import Dataset, validate_tasks

SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_BOM = "\ufeff"


def kind_of(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


def parse(path: Path, raw: bytes, kind: str) -> Dataset:
    """Validate an exported file's bytes as a dataset; every problem is a DataError naming it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if text.startswith(_BOM):
        raise DataError(
            f"{path}: an --excel export (BOM, formula guards) cannot be read back; "
            "export without --excel"
        )
    if not text.strip():
        raise DataError(f"{path}: empty file, not a dataset")
    tasks = (
        _json_rows(path, text, kind) if kind in ("json", "jsonl") else _csv_rows(path, text, kind)
    )
    meta = {"title": "", "label": "", "source": {"file": path.name, "format": kind}}
    return validate_tasks(path, tasks, meta)


def _json_rows(path: Path, text: str, kind: str) -> list[Any]:
    try:
        if kind == "json":
            rows = json.loads(text)
        else:
            rows = [json.loads(line) for line in text.split("\n") if line.strip()]
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(rows, list):
        raise DataError(f"{path}: expected a JSON array of tasks")
    return rows


def _csv_rows(path: Path, text: str, kind: str) -> list[Any]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="," if kind == "csv" else "\t")
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(f"{path}:{reader.line_num}: not valid {kind.upper()}: {exc}") from None
    header, body = rows[0], rows[1:]
    missing = [f for f in TASK_FIELDS if f not in header]
    extra = [f for f in header if f not in TASK_FIELDS]
    if missing or extra:
        problem = f"lacks {', '.join(missing)}" if missing else f"has {', '.join(extra)}"
        raise DataError(
            f"{path}: not a whole dutycli export: the header {problem} "
            f"(it needs exactly: {','.join(TASK_FIELDS)}); a source table is read by dutycli import"
        )
    tasks = []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataError(
                f"{path}: record {number} has {len(row)} cells, the header {len(header)}"
            )
        tasks.append(
            {name: _value(path, number, name, cell) for name, cell in zip(header, row, strict=True)}
        )
    return tasks


def _value(path: Path, number: int, name: str, cell: str) -> Any:
    kind = TASK_FIELDS[name]
    if kind == "names":
        # Split as the importer splits (a 、 inside brackets is part of a name); a cell that is
        # not names as an export writes them is kept as its pieces, for validation to refuse.
        names = split_joined(cell)
        return names if NAME_JOINER.join(names) == cell else cell.split(NAME_JOINER)
    if kind == "bool":
        if cell not in ("true", "false"):
            raise DataError(
                f"{path}: record {number}: field {name!r} must be true or false, got {cell!r}"
            )
        return cell == "true"
    if kind == "int":
        try:
            return int(cell)
        except ValueError:
            raise DataError(
                f"{path}: record {number}: field {name!r} must be a whole number, got {cell!r}"
            ) from None
    return cell
