"""The one validation of a dataset, whatever its format: task fields and metadata.

A YAML dataset (``yaml_file``), an export read back (``readback``, via ``validate_tasks``)
and a Parquet or Arrow IPC file (``columnar``: ``check_meta``, and ``names.name_list_fault`` for the
rows its scan finds suspect) are held to the same rules with the same words: every field of its
type, every name a name as the importer makes them (``names.name_list_fault``), ids unique,
and metadata that every format can hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.names import name_list_fault
from dutycli.schema import SPARSE_FIELDS, TASK_FIELDS

FORMAT_VERSION = 1
# Metadata values (title, source, headers...) nest at most this deep.
MAX_META_DEPTH = 16


@dataclass
class Dataset:
    """A validated dataset: metadata plus task records in schema order."""

    path: Path
    meta: dict[str, Any]
    goals: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


def validate_tasks(path: Path, tasks: list[Any], meta: dict[str, Any]) -> Dataset:
    """Validate task records read from another format (``readback``); goals are derived, the
    first name of each number in task order."""
    goals: list[dict[str, Any]] = []
    document = {"dutycli_dataset": FORMAT_VERSION, **meta, "goals": goals, "tasks": tasks}
    try:
        data = validate(path, document)
    except SchemaError as exc:
        raise DataError(t("{path}: {exc}", path=path, exc=exc)) from None
    seen: set[int] = set()  # a set, not a search of the list: 20k goals stay linear
    for task in data.tasks:
        if task["goal_no"] not in seen:
            seen.add(task["goal_no"])
            goals.append({"number": task["goal_no"], "name": task["goal"]})
    return data


class SchemaError(Exception):
    """A rule broken, with where (``location``: keys and indexes into the document)."""

    def __init__(self, message: str, location: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.location = location


def validate(path: Path, document: Any) -> Dataset:
    """A parsed document (metadata, goals, tasks) checked against the schema."""
    if not isinstance(document, dict) or "tasks" not in document:
        raise SchemaError(t("not a dutycli dataset (expected a mapping with 'tasks')"))
    _validate_meta(document, version_required=True)
    tasks = document["tasks"]
    if not isinstance(tasks, list):
        raise SchemaError(t("'tasks' must be a list"), ("tasks",))
    seen: set[int] = set()
    for index, task in enumerate(tasks):
        if isinstance(task, dict) and "section" not in task:
            # Left out when empty (as dutycli writes YAML), or written before they existed;
            # the last fields of the schema, so they are added last (setdefault is cheap).
            for name in SPARSE_FIELDS:
                task.setdefault(name, "")
        elif isinstance(task, dict) and "item_no" not in task:
            task = tasks[index] = _with_sparse(task)  # item_no before section
        _validate_task(task, index)
        if task["id"] in seen:
            raise SchemaError(
                t("task {number}: duplicate id {task_id}", number=index + 1, task_id=task["id"]),
                ("tasks", index, "id"),
            )
        seen.add(task["id"])
    meta = {k: v for k, v in document.items() if k not in ("tasks", "goals")}
    return Dataset(path=path, meta=meta, goals=document.get("goals", []), tasks=tasks)


def check_meta(path: Path, meta: Any) -> None:
    """Validate a Parquet file's metadata as a YAML dataset's (its version may be absent)."""
    if not isinstance(meta, dict):
        raise DataError(t("{path}: the dataset's metadata is not a mapping", path=path))
    try:
        _validate_meta(meta, version_required=False)
    except SchemaError as exc:
        raise DataError(t("{path}: metadata: {exc}", path=path, exc=exc)) from None


def _validate_meta(document: dict[Any, Any], version_required: bool) -> None:
    """The metadata beside the tasks: the version, title, label and goals by their types, and
    every other value plain data (text, numbers, true/false, lists, mappings with text keys),
    so that it survives every format a dataset is written in."""
    version = document.get("dutycli_dataset")
    if (version_required or version is not None) and not (
        _is_int(version) and version == FORMAT_VERSION
    ):
        raise SchemaError(
            t(
                "unsupported dataset version {version} (this dutycli reads {FORMAT_VERSION})",
                version=shorten(repr(version)),
                FORMAT_VERSION=FORMAT_VERSION,
            ),
            ("dutycli_dataset",),
        )
    for key in ("title", "label"):
        if not isinstance(document.get(key, ""), str):
            raise SchemaError(t("'{key}' must be text", key=key), (key,))
    goals = document.get("goals", [])
    if not isinstance(goals, list) or not all(
        isinstance(g, dict)
        and _is_int(g.get("number"))
        and -(2**63) <= g["number"] < 2**63
        and isinstance(g.get("name"), str)
        for g in goals
    ):
        raise SchemaError(t("'goals' must be a list of {number, name}"), ("goals",))
    for key, value in document.items():
        if key == "tasks":
            continue
        if not isinstance(key, str):
            raise SchemaError(t("metadata key {key} must be text", key=shorten(repr(key))))
        problem = _not_plain(value)
        if problem:
            raise SchemaError(
                t(
                    "{key!r} {problem}; metadata holds only text, numbers, true/false, lists and mappings",
                    key=key,
                    problem=problem,
                ),
                (key,),
            )


# Values YAML can build that JSON (Parquet's metadata) and every other format cannot hold.
_NOT_PLAIN = {
    "date": "a date",
    "datetime": "a date and time",
    "bytes": "binary data (!!binary)",
    "set": "a set (!!set)",
    "tuple": "pairs (!!omap or !!pairs)",
}


def _not_plain(value: Any) -> str | None:
    """Why ``value`` is not plain data, or None (iterative: nesting is what is measured)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_META_DEPTH:
            return f"is nested deeper than {MAX_META_DEPTH} levels"
        if item is None or isinstance(item, (str, bool, int)):
            continue
        if isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                return "holds a number that is not finite (NaN or infinity)"
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict):
            if not all(isinstance(k, str) for k in item):
                return "holds a mapping with a key that is not text"
            stack.extend((v, depth + 1) for v in item.values())
        else:
            kind = type(item).__name__
            return f"holds {_NOT_PLAIN.get(kind, kind)}"
    return None


def kind_word(kind: str) -> str:
    """What a field of this kind (``schema.TASK_FIELDS``) must be, in the user's language."""
    words = {
        "int": t("a whole number"),
        "str": t("text"),
        "bool": t("true or false"),
        "names": t("a list of names"),
    }
    return words[kind]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _with_sparse(task: dict[Any, Any]) -> dict[Any, Any]:
    """The task with each absent ``SPARSE_FIELDS`` field "", in the schema's order."""
    ordered = {
        name: task.get(name, "") for name in TASK_FIELDS if name in task or name in SPARSE_FIELDS
    }
    return ordered | task  # unknown fields kept, to be refused


def _validate_task(task: Any, index: int) -> None:
    where = t("task {number}", number=index + 1)
    if not isinstance(task, dict):
        raise SchemaError(t("{where}: must be a mapping of fields", where=where), ("tasks", index))
    unknown = [k for k in task if k not in TASK_FIELDS]
    if unknown:
        raise SchemaError(
            t(
                "{where}: unknown field {unknown!r}; valid fields: {names}",
                where=where,
                unknown=unknown[0],
                names=", ".join(TASK_FIELDS),
            ),
            ("tasks", index, unknown[0]),
        )
    for name, kind in TASK_FIELDS.items():
        if name not in task:
            raise SchemaError(
                t("{where}: missing field {name!r}", where=where, name=name), ("tasks", index)
            )
        value = task[name]
        if kind == "int":
            ok = _is_int(value) and -(2**63) <= value < 2**63
        elif kind == "str":
            ok = isinstance(value, str)
        elif kind == "bool":
            ok = isinstance(value, bool)
        else:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if not ok:
            got = type(value).__name__ if value is not None else t("nothing")
            raise SchemaError(
                t(
                    "{where}: field {name!r} must be {expected}, got {got}",
                    where=where,
                    name=name,
                    expected=kind_word(kind),
                    got=got,
                ),
                ("tasks", index, name),
            )
        fault = name_list_fault(value) if kind == "names" else None
        if fault:
            raise SchemaError(
                t("{where}: field {name!r}: {fault}", where=where, name=name, fault=fault),
                ("tasks", index, name),
            )


def shorten(text: str, most: int = 40) -> str:
    """``text`` cut to ``most`` characters (a value quoted in a one-line error)."""
    return text if len(text) <= most else text[: most - 1] + "…"
