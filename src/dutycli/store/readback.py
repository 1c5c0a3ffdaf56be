"""Reading dutycli's own flat exports (CSV, TSV, JSON, JSONL) back as a dataset.

What ``dutycli list -f csv > tasks.csv`` wrote, ``dutycli --data tasks.csv`` reads again,
every field exactly: lists were joined with 、 and are split again as the importer splits
(validation holds every name to that: see ``names.name_list_fault``), and booleans were
written as true/false. A file must hold every task field (but ``item_no`` and ``section``,
which an export written before they existed lacks: they are then ""), so a ``--fields``
subset, a several-dataset export (its ``dataset`` column) or an ``--excel`` CSV (whose
formula guards change the text) is refused with a message, never read half right.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.names import split_joined
from dutycli.schema import LABELS, NAME_JOINER, SPARSE_FIELDS, TASK_FIELDS
from dutycli.store import whole_file
from dutycli.store.validation import Dataset, shorten, validate_tasks

# A whole number of more digits than this is refused as it is read (a field holds at most 19).
MAX_DIGITS = 100
_WHOLE_NUMBER = re.compile(f"-?[0-9]{{1,{MAX_DIGITS}}}")
SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_BOM = "\ufeff"
# An export written with --header zh names its columns by label: read back as the fields.
FIELD_OF_LABEL = {LABELS[field]: field for field in TASK_FIELDS}


def kind_of(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


def parse(path: Path, raw: bytes, kind: str) -> Dataset:
    """Validate an exported file's bytes as a dataset; every problem is a DataError naming it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            t("{path}: not UTF-8 text (byte {start})", path=path, start=exc.start)
        ) from None
    if text.startswith(_BOM):
        raise DataError(
            t(
                "{path}: an --excel export (BOM, formula guards) cannot be read back; export without --excel",
                path=path,
            )
        )
    if not text.strip():
        raise DataError(t("{path}: empty file, not a dataset", path=path))
    tasks = (
        _json_rows(path, text, kind) if kind in ("json", "jsonl") else _csv_rows(path, text, kind)
    )
    meta = {"title": "", "label": "", "source": {"file": path.name, "format": kind}}
    return validate_tasks(path, tasks, meta)


def _json_rows(path: Path, text: str, kind: str) -> list[Any]:
    if kind == "json":
        rows = _json(path, text, 1)
    else:  # a JSON value a line: an error names the file's line, not the value's
        lines = text.split("\n")
        rows = [_json(path, line, number) for number, line in enumerate(lines, 1) if line.strip()]
    if not isinstance(rows, list):
        raise DataError(t("{path}: expected a JSON array of tasks", path=path))
    return [_fields_of_labels(path, row) if isinstance(row, dict) else row for row in rows]


def _fields_of_labels(path: Path, row: dict[str, Any]) -> dict[str, Any]:
    """A task of a --header zh export with its keys as fields (编号 is id)."""
    if not any(key in FIELD_OF_LABEL for key in row):
        return row
    named = {FIELD_OF_LABEL.get(key, key): value for key, value in row.items()}
    if len(named) != len(row):
        twice = sorted(
            key for key in row if FIELD_OF_LABEL.get(key, key) in row and key in FIELD_OF_LABEL
        )
        raise DataError(
            t(
                "{path}: a task names a field twice, by name and by label: {names}",
                path=path,
                names=", ".join(twice),
            )
        )
    return named


class _LongNumber(ValueError):
    def __init__(self, digits: str) -> None:
        super().__init__(digits)
        self.digits = digits


def _whole_number(digits: str) -> int:
    # Python refuses to read a number of more than 4,300 digits (and a task field holds 19).
    if len(digits) > MAX_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key written twice is refused (json would keep the last one)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        twice = next(key for index, (key, _) in enumerate(pairs) if key in dict(pairs[:index]))
        raise _TwiceKey(repr(twice))
    return found


class _TwiceKey(ValueError):
    pass


def _json(path: Path, text: str, first_line: int) -> Any:
    """One JSON value that starts at line ``first_line`` of the file; errors name the line."""
    try:
        return json.loads(text, parse_int=_whole_number, object_pairs_hook=_mapping)
    except _TwiceKey as exc:
        raise DataError(
            t(
                "{path}:{first_line}: a field written twice in one task: {exc!s:.40}",
                path=path,
                first_line=first_line,
                exc=exc,
            )
        ) from None
    except json.JSONDecodeError as exc:
        line = first_line + exc.lineno - 1
        raise DataError(
            t("{path}:{line}: not valid JSON: {msg}", path=path, line=line, msg=exc.msg)
        ) from None
    except _LongNumber as exc:
        line = first_line + text.count("\n", 0, max(text.find(exc.digits), 0))
        raise DataError(
            t(
                "{path}:{line}: a number of {count} digits (no field holds one)",
                path=path,
                line=line,
                count=len(exc.digits),
            )
        ) from None
    except RecursionError:
        raise DataError(
            t(
                "{path}:{first_line}: not a dutycli export: JSON nested too deeply",
                path=path,
                first_line=first_line,
            )
        ) from None


def _csv_rows(path: Path, text: str, kind: str) -> list[Any]:
    # The csv module refuses a cell over 128 KiB, but a task text may be longer (the file as
    # a whole is bounded: MAX_FILE_BYTES).
    csv.field_size_limit(max(csv.field_size_limit(), whole_file.MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="," if kind == "csv" else "\t")
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(
            t(
                "{path}:{line_num}: not valid {kind}: {exc}",
                path=path,
                line_num=reader.line_num,
                kind=kind.upper(),
                exc=exc,
            )
        ) from None
    header, body = [FIELD_OF_LABEL.get(name, name) for name in rows[0]], rows[1:]
    # An export written before SPARSE_FIELDS existed lacks them: they are then "".
    missing = [f for f in TASK_FIELDS if f not in header and f not in SPARSE_FIELDS]
    extra = [f for f in header if f not in TASK_FIELDS]
    twice = [f for f in TASK_FIELDS if header.count(f) > 1]  # one of them would be lost
    if missing or extra or twice:
        problem = (
            f"lacks {', '.join(missing)}"
            if missing
            else f"has {', '.join(extra)}"
            if extra
            else f"has {', '.join(twice)} twice"
        )
        raise DataError(
            t(
                "{path}: not a whole dutycli export: the header {problem} (it needs exactly: {names}); a source table is read by dutycli import",
                path=path,
                problem=problem,
                names=",".join(TASK_FIELDS),
            )
        )
    tasks = []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataError(
                t(
                    "{path}: record {number} has {count} cells, the header {count2}",
                    path=path,
                    number=number,
                    count=len(row),
                    count2=len(header),
                )
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
                t(
                    "{path}: record {number}: field {name!r} must be true or false, got {cell}",
                    path=path,
                    number=number,
                    name=name,
                    cell=shorten(repr(cell)),
                )
            )
        return cell == "true"
    if kind == "int":
        if _WHOLE_NUMBER.fullmatch(cell):  # as written: int() would also take " 1", "1_0", "١"
            return int(cell)
        raise DataError(
            t(
                "{path}: record {number}: field {name!r} must be a whole number, got {cell}",
                path=path,
                number=number,
                name=name,
                cell=shorten(repr(cell)),
            )
        )
    return cell
