"""The YAML dataset: its text, and reading it back safely (validated by ``validation``).

Only PyYAML's safe loader is used: a dataset is data from anyone, and a tag that
would build a Python object must be refused, not obeyed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dutycli.errors import DataError
from dutycli.store.validation import FORMAT_VERSION, Dataset, SchemaError, validate

__all__ = ["FORMAT_VERSION", "Dataset", "dump", "load_yaml", "parse"]

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
        return validate(path, document)
    except SchemaError as exc:
        line = _line_of(text, exc.location)
        where = f":{line}" if line else ""
        raise DataError(f"{path}{where}: {exc}") from None


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
