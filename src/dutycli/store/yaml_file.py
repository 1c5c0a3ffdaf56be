"""The YAML dataset: its text, and reading it back safely (validated by ``validation``).

Only PyYAML's safe loader is used: a dataset is data from anyone, and a tag that
would build a Python object must be refused, not obeyed. It is also bounded: aliases
(``*name``) may repeat a value, but never expand a file beyond ``MAX_EXPANSION`` times its
size (a few hundred bytes of nested aliases would otherwise take minutes and gigabytes), and
a value that contains itself is refused. Every YAML file dutycli reads (datasets, aliases
files, and completion's reading of them) goes through ``load_yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.schema import SPARSE_FIELDS
from dutycli.store.validation import FORMAT_VERSION, Dataset, SchemaError, shorten, validate
from dutycli.store.whole_file import MAX_FILE_BYTES, read_failure, read_whole, said

__all__ = [
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "Dataset",
    "dump",
    "load_yaml",
    "parse",
    "read_failure",
    "read_whole",
    "said",
]

# Aliases (*name) repeat a value without writing it again. Expanded, a file may hold at most
# this many values and characters per byte of the file (and MIN_EXPANSION in any case): a
# few merge keys are fine, a "billion laughs" of nested aliases is refused before it is built.
MAX_EXPANSION = 16
MIN_EXPANSION = 1_000_000

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# How a value of a YAML tag is named when it cannot be read as one.
_KINDS = {
    "timestamp": "a date",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
}


class _StrictLoader(_SafeLoader):  # type: ignore[misc]
    """The safe loader, bounded (see ``MAX_EXPANSION``), refusing a key written twice in one
    mapping, and wording every value it cannot build as a YAML error at its line.

    PyYAML would keep the last of two keys and drop the first without a word: data lost
    silently. A scalar it cannot build (``2019-02-30``, ``!!int x``, a 5,000-digit number)
    would escape as a Python error.
    """

    budget = MIN_EXPANSION  # set per file by load_yaml
    has_anchors = True

    def construct_document(self, node: Any) -> Any:
        if self.has_anchors:
            _check_expansion(node, self.budget)
        return super().construct_document(node)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
            kind = str(node.tag).rsplit(":", 1)[-1]
            value = node.value if isinstance(node, yaml.ScalarNode) else node.id
            problem = f"{shorten(value)!r} is not {_KINDS.get(kind, kind)}"
            if kind == "timestamp" and isinstance(exc, ValueError):
                problem += f" ({shorten(str(exc), 60)})"  # "day is out of range for month"
            if kind == "int" and len(value) > 100:  # beyond Python's 4,300 digits
                problem = f"a number of {len(value):,} characters (no field holds one)"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if not isinstance(node, yaml.MappingNode):  # a !!map or !!set tag on a list or text
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, but found a {node.id}", node.start_mark
            )
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    t("while reading a mapping"),
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def dump(document: dict[str, Any]) -> str:
    """A dataset document as YAML text; a task's ``SPARSE_FIELDS`` are left out when empty
    (``validation`` reads them back as ""), so a table without them reads as it always did."""
    tasks = document.get("tasks")
    if isinstance(tasks, list):
        document = {**document, "tasks": [_without_empty_sparse(task) for task in tasks]}
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


def _without_empty_sparse(task: Any) -> Any:
    if not isinstance(task, dict) or all(task.get(name) for name in SPARSE_FIELDS):
        return task
    return {k: v for k, v in task.items() if k not in SPARSE_FIELDS or v != ""}


def parse(path: Path, raw: bytes) -> Dataset:
    """Validate the bytes of a YAML dataset read from ``path``."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            t(
                "{path}: not a YAML dataset (not UTF-8 text at byte {start})",
                path=path,
                start=exc.start,
            )
        ) from None
    document = load_yaml(path, text)
    if document is None and not text.strip():
        raise DataError(t("{path}: empty file, not a dataset", path=path))
    try:
        return validate(path, document)
    except SchemaError as exc:
        line = _line_of(text, exc.location)
        where = f":{line}" if line else ""
        raise DataError(t("{path}{where}: {exc}", path=path, where=where, exc=exc)) from None


def load_yaml(path: Path, text: str) -> Any:
    """Parse YAML text with the safe, strict loader; a failure is one line naming file and line."""
    loader = _StrictLoader(text)
    loader.has_anchors = "&" in text  # no anchor, no alias: nothing to expand
    loader.budget = max(MIN_EXPANSION, MAX_EXPANSION * len(text))
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise DataError(
            t("{path}{where}: not valid YAML: {problem}", path=path, where=where, problem=problem)
        ) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow in a file (NUL, most C0 controls): name it and its line.
        at = text.count("\n", 0, exc.position) + 1
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise DataError(
            t(
                "{path}:{at}: not valid YAML: unacceptable character #x{character:04x}: {reason}",
                path=path,
                at=at,
                character=character,
                reason=exc.reason,
            )
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(
            t(
                "{path}: not valid YAML: {problem}",
                path=path,
                problem=str(exc).splitlines()[0],
            )
        ) from None
    except _Expansion as exc:
        raise DataError(t("{path}:{line}: {exc}", path=path, line=exc.line, exc=exc)) from None
    except RecursionError:
        raise DataError(t("{path}: not valid YAML: values nested too deeply", path=path)) from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        raise DataError(
            t("{path}: not valid YAML: {exc}", path=path, exc=shorten(str(exc), 80))
        ) from None
    finally:
        loader.dispose()


class _Expansion(Exception):
    """Aliases that expand a file beyond its bounds, or a value that contains itself."""

    def __init__(self, message: str, node: Any) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1


def _check_expansion(root: Any, budget: int) -> None:
    """Refuse a node graph whose aliases expand beyond ``budget`` values and characters, or
    that contains itself: the size of the expanded tree is counted bottom-up, each node once
    (a shared node's size is remembered), so the count itself is linear in the file."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the nodes on the way from the root to the current one
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1 + len(node.value)
            continue
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > budget:
                raise _Expansion(
                    f"aliases (*name) here expand the file beyond {MAX_EXPANSION} times its "
                    f"size (more than {budget:,} values and characters); write the values out",
                    node,
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise _Expansion(
                "an alias (*name) inside its own anchor: a value that holds itself", node
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


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
