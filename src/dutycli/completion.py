"""Completion values from the data: unit and leader names, goals, task ids, fields, formats.

Every TAB re-runs dutycli, so this module stays light: it imports neither Polars, Rich,
Typer nor typing, and works from the small per-file summaries of ``completion_data`` (names
with task counts, goals, ids), cached until a dataset file changes. Two callers:

- ``completion_protocol``: the entry point's fast path, which answers a value completion
  in Typer's completion protocol without starting Typer;
- ``complete_*``: the ``autocompletion=`` hooks cli.py gives Typer, used when Typer itself
  answers (a completion the fast path does not recognise). Typer keeps only the values
  that start with the typed word, so part-matches come from the fast path alone.

Matching: a value whose start matches what was typed comes first, then values that merely
contain it (``改`` offers 发改局); whitespace and Latin case are ignored, as in queries.
"""

from __future__ import annotations

import os

from dutycli.completion_data import MATRIX, NAME_SETS, file_summary
from dutycli.locations import DATASET_SUFFIXES

# Not "from typing import ...": typing costs milliseconds on every TAB, and mypy reads
# any TYPE_CHECKING constant as typing's.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

Item = tuple[str, str]  # a value and its description

# Columns of the results that are not task rows; checked against real output by a test.
RESULT_FIELDS: dict[str, tuple[str, ...]] = {
    "stats": ("section", "name", "count", "explicit", "inherited"),
    "metrics": (
        *("id", "goal_no", "indicator", "verb", "value", "unit", "qualifier", "phrase"),
        *("leaders", "lead_units", "leaders_inherited", "lead_units_inherited"),
    ),
    "leaders": ("name", "tasks", "inherited"),
    "units": ("name", "tasks", "inherited"),
    "targets": ("goal_no", "goal", "tasks", "leaders", "lead_units"),
    "datasets": (
        "dataset",
        "title",
        "label",
        "goals",
        "tasks",
        "leader_count",
        "unit_count",
        "path",
    ),
    # diff: then old_/new_ of every name column, then similarity (see field_names).
    "diff": ("change", "old_id", "new_id", "goal_no", "goal", "old_task", "new_task"),
}
# --explode gives one row per leader × lead unit, under these names.
EXPLODED_FIELDS = {"leaders": "leader", "lead_units": "lead_unit"}
# With several datasets: leaders/units add which datasets name each; other rows say their dataset.
SEVERAL_FIELDS = {"leaders": ("", "datasets"), "units": ("", "datasets")}
SEVERAL_FIELDS.update(dict.fromkeys(("datasets", "diff", "stats", "matrix", "metrics"), ("", "")))

# As collection.dataset_paths reads a --data folder (a test keeps the two in step).
ALIASES_FILES = ("aliases.yaml", "aliases.yml")

DEFAULT_DATASET = "wujin-2019.yaml"


# --- the dataset, read lightly --------------------------------------------------------


def default_path() -> str:
    """The shipped dataset, found as dataset.default_path finds it (a test keeps them equal)."""
    package = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(package, "data", DEFAULT_DATASET)
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package)), "data", DEFAULT_DATASET)


def dataset_files(data: str | None) -> list[str]:
    """The dataset files ``--data`` names: the file itself, or a folder's dataset files by name."""
    root = os.path.expanduser(data or os.environ.get("DUTYCLI_DATA") or default_path())
    if not os.path.isdir(root):
        return [root]
    try:
        names = os.listdir(root)
    except OSError:
        return []
    files = [
        os.path.join(root, name)
        for name in names
        if os.path.splitext(name)[1].lower() in DATASET_SUFFIXES
        and name.lower() not in ALIASES_FILES
        and not name.startswith(".")
        and os.path.isfile(os.path.join(root, name))
    ]
    return sorted(files, key=lambda path: (dataset_name(path), os.path.basename(path)))


def dataset_name(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


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


def _fold(text: str) -> str:
    # As names.squeeze + casefold in the queries, without importing the regex machinery.
    return "".join(text.split()).casefold()


def ranked(items: Iterable[Item], incomplete: str) -> list[Item]:
    """Items whose value starts with ``incomplete``, then those that contain it, order kept."""
    wanted = _fold(incomplete)
    prefix: list[Item] = []
    inside: list[Item] = []
    for item in items:
        folded = _fold(item[0])
        if folded.startswith(wanted):
            prefix.append(item)
        elif wanted in folded:
            inside.append(item)
    return prefix + inside


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
    typed = incomplete.strip()
    numbers = [
        (str(n), f"{names[n]} · {_count_label(counts[n])}")
        for n in sorted(counts)
        if str(n).startswith(typed)
    ]
    if typed.isdigit():
        return numbers
    by_name = ranked(((name, _count_label(n)) for name, n in name_counts.items()), incomplete)
    return (numbers if not typed else []) + by_name


def task_items(summaries: list[dict[str, Any]], incomplete: str) -> list[Item]:
    """Task ids that start with what was typed, described by the start of their text.

    A dataset of more than completion_data.MAX_IDS tasks offers none.
    """
    items: dict[str, str] = {}
    for summary in summaries:
        for task_id, short in summary["ids"] or ():
            if str(task_id).startswith(incomplete.strip()):
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
    """The fields ``--fields`` accepts for a command's result.

    ``several``: the data is a folder of datasets; ``explode``: ``--explode`` was given.
    """
    from dutycli.schema import DATASET_FIELD, INHERITABLE_COLUMNS, NAME_COLUMNS, TASK_FIELDS

    if command == "matrix":
        fields = ["leader"]  # then one column per unit: see values()
    elif command == "diff":
        changes = [f"{age}_{column}" for column in NAME_COLUMNS for age in ("old", "new")]
        fields = [*RESULT_FIELDS["diff"], *changes, "similarity"]
    elif command in RESULT_FIELDS:
        fields = list(RESULT_FIELDS[command])
    else:
        fields = list(TASK_FIELDS)
        if command == "show":
            fields += [f"{column}_source_id" for column in INHERITABLE_COLUMNS]
        elif explode:
            fields = [EXPLODED_FIELDS.get(name, name) for name in fields]
    if several:
        before, after = SEVERAL_FIELDS.get(command or "", (DATASET_FIELD, ""))
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
        return ranked(name_items(read, "lead_units"), typed)  # the usual case: no schema import
    if kind in ("unit", "partner"):
        from dutycli.schema import UNIT_ROLES

        columns = UNIT_ROLES.get("partner" if kind == "partner" else wanted.role, ())
        key = next((k for k, named in NAME_SETS.items() if named == columns), "")
        return ranked(name_items(read, key), typed)
    if kind == "leader":
        return ranked(name_items(read, "leaders"), typed)
    if kind == "target":
        return goal_items(read, typed)
    if kind == "task":
        return task_items(read, typed)
    raise ValueError(f"unknown completion kind {kind!r}")


# --- Typer's hooks (the slow path) ----------------------------------------------------


# ``ctx`` is Typer's Context. The hooks type it ``object``: Typer evaluates their annotations
# at run time, and this module imports neither Typer nor typing.
def _from_context(kind: str, ctx: Any, incomplete: str) -> list[Item]:
    data = ctx.find_root().params.get("data")
    params = ctx.params
    role = params.get("role")
    wanted = Request(
        kind,
        incomplete,
        ctx.info_name,
        str(data) if data else None,
        list(params.get("dataset") or []),
        role=getattr(role, "value", role),
        explode=bool(params.get("explode")),
    )
    return values(wanted)


def complete_unit(ctx: object, incomplete: str) -> list[Item]:
    return _from_context("unit", ctx, incomplete)


def complete_partner(ctx: object, incomplete: str) -> list[Item]:
    return _from_context("partner", ctx, incomplete)


def complete_leader(ctx: object, incomplete: str) -> list[Item]:
    return _from_context("leader", ctx, incomplete)


def complete_target(ctx: object, incomplete: str) -> list[Item]:
    return _from_context("target", ctx, incomplete)


def complete_task(ctx: object, incomplete: str) -> list[Item]:
    return _from_context("task", ctx, incomplete)


def complete_field(ctx: object, incomplete: str) -> list[Item]:
    return _from_context("field", ctx, incomplete)


def complete_format(ctx: object, incomplete: str) -> list[Item]:
    return _from_context("format", ctx, incomplete)


def complete_dataset(ctx: object, incomplete: str) -> list[Item]:
    return _from_context("dataset", ctx, incomplete)
