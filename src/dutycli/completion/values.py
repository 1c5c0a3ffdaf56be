"""Completion values from the data: unit and leader names, goals, sections, task ids, fields,
formats.

Every TAB re-runs dutycli, so this module stays light: it imports neither Polars, Rich,
Typer nor typing, and works from the small per-file summaries of ``summaries`` (names with
task counts, goals, ids), cached until a dataset file changes. Its callers are the fast path
(``protocol``) and Typer's hooks (``hooks``).

Matching: a value whose start matches what was typed comes first, then values that merely
contain it (``改`` offers 发改局); whitespace and Latin case are ignored, as in queries.
"""

from __future__ import annotations

import os

from dutycli.completion.command_table import COMMANDS
from dutycli.completion.summaries import MATRIX, NAME_SETS, file_summary
from dutycli.locations import dataset_files as _dataset_files
from dutycli.locations import dataset_name, default_dataset
from dutycli.names import fold
from dutycli.pinyin import is_latin

# Not "from typing import ...": typing costs milliseconds on every TAB, and mypy reads
# any TYPE_CHECKING constant as typing's.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

Item = tuple[str, str]  # a value and its description

# --explode gives one row per leader × lead unit, under these names.
EXPLODED_FIELDS = {"leaders": "leader", "lead_units": "lead_unit"}


# --- the dataset, read lightly --------------------------------------------------------


def dataset_files(data: str | None) -> list[str]:
    """The dataset files ``--data`` names (locations.dataset_files); none when unlistable."""
    root = os.path.expanduser(data or os.environ.get("DUTYCLI_DATA") or default_dataset())
    try:
        return _dataset_files(root)
    except OSError:
        return []


def summaries(data: str | None, only: list[str] | None = None) -> list[dict[str, Any]]:
    """What completion knows of every dataset (or of the ``--dataset`` ones).

    A file that cannot be read adds nothing: completion stays quiet about errors.
    """
    read = [
        file_summary(path) for path in dataset_files(data) if not only or dataset_name(path) in only
    ]
    return [summary for summary in read if summary]


def _count_label(count: int) -> str:
    return f"{count} 条任务"


# --- matching -------------------------------------------------------------------------


def ranked(items: Iterable[Item], incomplete: str) -> list[Item]:
    """Items whose value starts with ``incomplete``, then those that contain it, order kept."""
    wanted = fold(incomplete)
    prefix: list[Item] = []
    inside: list[Item] = []
    for item in items:
        folded = fold(item[0])
        if folded.startswith(wanted):
            prefix.append(item)
        elif wanted in folded:
            inside.append(item)
    return prefix + inside


def names_ranked(
    items: list[Item], typed: str, data: str | None, person: bool = False
) -> list[Item]:
    """``ranked``, and when Latin letters were typed, the names they spell in pinyin after
    (``lqm`` offers 陆秋明): whole ones first, then those spelled in part. The pinyin comes
    from its cache (``pinyin.spellings``): only a name never spelled before needs pypinyin."""
    found = ranked(items, typed)
    wanted = fold(typed)
    if not is_latin(wanted):
        return found
    from dutycli.pinyin import match, spellings

    root = os.path.expanduser(data or os.environ.get("DUTYCLI_DATA") or default_dataset())
    rest = [item for item in items if item not in found]
    spelled = spellings(root, [name for name, _ in rest], person)
    tiers: list[list[Item]] = [[], [], []]  # the whole name, its start, a part of it
    for item in rest:
        spelling = spelled[item[0]]
        if match(wanted, spelling, whole=True):
            tiers[0].append(item)
        elif match(wanted, spelling, start=True):
            tiers[1].append(item)
        elif match(wanted, spelling):
            tiers[2].append(item)
    return found + tiers[0] + tiers[1] + tiers[2]


# --- candidates per kind --------------------------------------------------------------


def name_items(summaries: list[dict[str, Any]], key: str) -> list[Item]:
    """Every name of a name set with its task count, most tasks first (as ``dutycli units``)."""
    counts: dict[str, int] = {}
    for summary in summaries:
        for name, count in summary["names"].get(key, {}).items():
            counts[name] = counts.get(name, 0) + count
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [(name, _count_label(count)) for name, count in ordered]


def goal_items(summaries: list[dict[str, Any]], incomplete: str) -> list[Item]:
    """Goal numbers (described by name and count) and goal names (described by count)."""
    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    name_counts: dict[str, int] = {}
    # Goals come in the order tasks first name them: the first name of a number is its name.
    for summary in summaries:
        for number, goal, count in summary["goals"]:
            counts[number] = counts.get(number, 0) + count
            names.setdefault(number, goal)
            name_counts[goal] = name_counts.get(goal, 0) + count
    typed = fold(incomplete)  # ４ typed full-width is 4, as in the query
    numbers = [
        (str(n), f"{names[n]} · {_count_label(counts[n])}")
        for n in sorted(counts)
        if str(n).startswith(typed)
    ]
    if typed.isdigit():
        return numbers
    by_name = ranked(((name, _count_label(n)) for name, n in name_counts.items()), incomplete)
    return (numbers if not typed else []) + by_name


def section_items(summaries: list[dict[str, Any]], incomplete: str) -> list[Item]:
    """Sections (类别) with their task counts, in the order the tables give them."""
    counts: dict[str, int] = {}
    for summary in summaries:
        for section, count in summary["sections"]:
            counts[section] = counts.get(section, 0) + count
    return ranked(((s, _count_label(n)) for s, n in counts.items()), incomplete)


def task_items(summaries: list[dict[str, Any]], incomplete: str) -> list[Item]:
    """Task ids that start with what was typed, described by the start of their text.

    A dataset of more than completion_data.MAX_IDS tasks offers none.
    """
    items: dict[str, str] = {}
    typed = fold(incomplete)
    for summary in summaries:
        for task_id, short in summary["ids"] or ():
            if str(task_id).startswith(typed):
                items.setdefault(str(task_id), short)
    return sorted(items.items(), key=lambda item: int(item[0]))


def dataset_items(data: str | None, incomplete: str) -> list[Item]:
    """The dataset names of a ``--data`` folder (file names without .yaml), with task counts."""
    items = [
        (dataset_name(path), _count_label(sum(s["tasks"] for s in summaries(path))))
        for path in dataset_files(data)
        if os.path.isfile(path)
    ]
    return ranked(items, incomplete)


def field_names(command: str | None, several: bool = False, explode: bool = False) -> list[str]:
    """The fields ``--fields`` accepts for a command's result (its kind: schema.RESULT_KINDS).

    ``several``: the data is a folder of datasets; ``explode``: ``--explode`` was given.
    """
    from dutycli.schema import (
        DIFF_FIELDS,
        INHERITABLE_COLUMNS,
        RESULT_KINDS,
        TASK_FIELDS,
    )

    entry = COMMANDS.get(command or "")
    kind = RESULT_KINDS[entry[2] if entry and entry[2] else "tasks"]
    if kind.name == "changes":
        changes = [f"{age}_{column}" for column in DIFF_FIELDS for age in ("old", "new")]
        fields = [*kind.fields, *changes, "similarity"]
    elif kind.fields:
        fields = list(kind.fields)  # a matrix then has one column per unit: see values()
    else:
        fields = list(TASK_FIELDS)
        if kind.name == "record":
            fields += [f"{column}_source_id" for column in INHERITABLE_COLUMNS]
        elif explode:
            fields = [EXPLODED_FIELDS.get(name, name) for name in fields]
    if several:
        before, after = kind.several
        fields = [f for f in (before, *fields, after) if f]
    return fields


def field_items(
    command: str | None,
    incomplete: str,
    several: bool = False,
    extra: list[Item] | None = None,
    explode: bool = False,
) -> list[Item]:
    """Field names, completing the last of a comma list (``id,ta`` → ``id,task``)."""
    from dutycli.schema import LABELS

    head, _, last = incomplete.rpartition(",")
    head = head + "," if head or incomplete.startswith(",") else ""
    chosen = {part.strip() for part in head.split(",")}
    fields = [(name, LABELS.get(name, "")) for name in field_names(command, several, explode)]
    items = [(name, label) for name, label in fields + (extra or []) if name not in chosen]
    if last and not last.isascii():
        # Chinese typed: the fields by their labels (编 offers 编号), as --fields takes them.
        labelled = [(label, name) for name, label in fields if label and label not in chosen]
        items = labelled + [item for item in extra or [] if item[0] not in chosen]
    return [(head + name, label) for name, label in ranked(items, last)]


def format_items(incomplete: str) -> list[Item]:
    from dutycli.schema import FORMATS

    return ranked(((name, "") for name in FORMATS), incomplete)


class Request:
    """A value to complete: its kind, what was typed of it, and the command line's context."""

    def __init__(
        self,
        kind: str,
        typed: str,
        command: str | None = None,
        data: str | None = None,
        datasets: list[str] | None = None,
        role: str | None = None,
        explode: bool = False,
    ) -> None:
        self.kind = kind
        self.typed = typed
        self.command = command
        self.data = data
        self.datasets = datasets or []
        self.role = role or "lead"  # --role of by-unit: which unit columns
        self.explode = explode


def values(wanted: Request) -> list[Item]:
    """The completions of one value, best first."""
    kind, typed = wanted.kind, wanted.typed
    if kind == "field" and wanted.command == "matrix":
        # The matrix has a column per lead unit sharing a task with a leader.
        units = name_items(summaries(wanted.data, wanted.datasets), MATRIX)
        return field_items(wanted.command, typed, extra=units)
    if kind == "field":
        several = wanted.command != "diff" and len(dataset_files(wanted.data)) > 1
        return field_items(wanted.command, typed, several, explode=wanted.explode)
    if kind == "format":
        return format_items(typed)
    if kind == "dataset":
        return dataset_items(wanted.data, typed)
    read = summaries(wanted.data, wanted.datasets)
    if kind == "unit" and wanted.role == "lead":
        # the usual case: no schema import
        return names_ranked(name_items(read, "lead_units"), typed, wanted.data)
    if kind in ("unit", "partner"):
        from dutycli.schema import UNIT_ROLES

        columns = UNIT_ROLES.get("partner" if kind == "partner" else wanted.role, ())
        key = next((k for k, named in NAME_SETS.items() if named == columns), "")
        return names_ranked(name_items(read, key), typed, wanted.data)
    if kind == "leader":
        return names_ranked(name_items(read, "leaders"), typed, wanted.data, person=True)
    if kind == "target":
        return goal_items(read, typed)
    if kind == "section":
        return section_items(read, typed)
    if kind == "task":
        return task_items(read, typed)
    raise ValueError(f"unknown completion kind {kind!r}")
