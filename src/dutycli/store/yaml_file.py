"""The YAML dataset: its text, and reading it back safely with validation.

Only PyYAML's safe loader is used: a dataset is data from anyone, and a tag that
would build a Python object must be refused, not obeyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dutycli.errors import DataError
from dutycli.schema import TASK_FIELDS

FORMAT_VERSION = 1

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _StrictLoader(_SafeLoader):  # type: ignore[misc]
    """The safe loader, refusing a key written twice in one mapping.

    PyYAML would keep the last value and drop the first without a word: data lost silently.
    """

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass
class Dataset:
    """A validated dataset: metadata plus task records in schema order."""

    path: Path
    meta: dict[str, Any]
    goals: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


def dump(document: dict[str, Any]) -> str:
    # Wide lines: folding a task text would make the file harder to diff and review.
    text: str = yaml.dump(
        document,
        Dumper=_SafeDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=1 << 20,
    )
    return text


def read_failure(path: Path, what: str, exc: OSError) -> DataError:
    """The one-line error for a file that could not be read (``what``: dataset, aliases…)."""
    if isinstance(exc, FileNotFoundError):
        return DataError(f"{path}: {what} file not found")
    if isinstance(exc, IsADirectoryError):
        article = "an" if what[0] in "aeiou" else "a"
        return DataError(f"{path}: is a directory, not {article} {what} file")
    return DataError(f"{path}: cannot read {what}: {exc.strerror or exc}")


def parse(path: Path, raw: bytes) -> Dataset:
    """Validate the bytes of a YAML dataset read from ``path``."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not a YAML dataset (not UTF-8 text at byte {exc.start})"
        ) from None
    document = load_yaml(path, text)
    if document is None and not text.strip():
        raise DataError(f"{path}: empty file, not a dataset")
    try:
        return _validate(path, document)
    except _SchemaError as exc:
        line = _line_of(text, exc.location)
        where = f":{line}" if line else ""
        raise DataError(f"{path}{where}: {exc}") from None


def validate_tasks(path: Path, tasks: list[Any], meta: dict[str, Any]) -> Dataset:
    """Validate task records read from another format (see ``exported``); goals are derived."""
    goals: list[dict[str, Any]] = []
    document = {"dutycli_dataset": FORMAT_VERSION, **meta, "goals": goals, "tasks": tasks}
    try:
        data = _validate(path, document)
    except _SchemaError as exc:
        raise DataError(f"{path}: {exc}") from None
    for task in data.tasks:
        if not any(g["number"] == task["goal_no"] for g in goals):
            goals.append({"number": task["goal_no"], "name": task["goal"]})
    return data


def load_yaml(path: Path, text: str) -> Any:
    """Parse YAML text with the safe, strict loader; a failure is one line naming file and line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise DataError(f"{path}{where}: not valid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow in a file (NUL, most C0 controls): name it and its line.
        at = text.count("\n", 0, exc.position) + 1
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise DataError(
            f"{path}:{at}: not valid YAML: unacceptable character #x{character:04x}: {exc.reason}"
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None


class _SchemaError(Exception):
    def __init__(self, message: str, location: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.location = location


def _validate(path: Path, document: Any) -> Dataset:
    if not isinstance(document, dict) or "tasks" not in document:
        raise _SchemaError("not a dutycli dataset (expected a mapping with 'tasks')")
    version = document.get("dutycli_dataset")
    if version != FORMAT_VERSION:
        raise _SchemaError(
            f"unsupported dataset version {version!r} (this dutycli reads {FORMAT_VERSION})",
            ("dutycli_dataset",),
        )
    tasks = document["tasks"]
    if not isinstance(tasks, list):
        raise _SchemaError("'tasks' must be a list", ("tasks",))
    seen: set[int] = set()
    for index, task in enumerate(tasks):
        _validate_task(task, index)
        if task["id"] in seen:
            raise _SchemaError(
                f"task {index + 1}: duplicate id {task['id']}", ("tasks", index, "id")
            )
        seen.add(task["id"])
    goals = document.get("goals", [])
    if not isinstance(goals, list) or not all(
        isinstance(g, dict) and _is_int(g.get("number")) and isinstance(g.get("name"), str)
        for g in goals
    ):
        raise _SchemaError("'goals' must be a list of {number, name}", ("goals",))
    for key in ("title", "label"):
        if not isinstance(document.get(key, ""), str):
            raise _SchemaError(f"'{key}' must be text", (key,))
    meta = {k: v for k, v in document.items() if k not in ("tasks", "goals")}
    return Dataset(path=path, meta=meta, goals=goals, tasks=tasks)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_task(task: Any, index: int) -> None:
    where = f"task {index + 1}"
    if not isinstance(task, dict):
        raise _SchemaError(f"{where}: must be a mapping of fields", ("tasks", index))
    unknown = [k for k in task if k not in TASK_FIELDS]
    if unknown:
        raise _SchemaError(
            f"{where}: unknown field {unknown[0]!r}; valid fields: {', '.join(TASK_FIELDS)}",
            ("tasks", index, unknown[0]),
        )
    for name, kind in TASK_FIELDS.items():
        if name not in task:
            raise _SchemaError(f"{where}: missing field {name!r}", ("tasks", index))
        value = task[name]
        if kind == "int":
            ok = _is_int(value) and -(2**63) <= value < 2**63
            expected = "a whole number"
        elif kind == "str":
            ok = isinstance(value, str)
            expected = "text"
        elif kind == "bool":
            ok = isinstance(value, bool)
            expected = "true or false"
        else:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            expected = "a list of names"
        if not ok:
            got = type(value).__name__ if value is not None else "nothing"
            raise _SchemaError(
                f"{where}: field {name!r} must be {expected}, got {got}", ("tasks", index, name)
            )


def _line_of(text: str, location: tuple[str | int, ...]) -> int | None:
    """The 1-based line of a node, found by composing the document again (error path only)."""
    if not location:
        return None
    try:
        node = yaml.compose(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for step in location:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            node = node.value[step]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line
