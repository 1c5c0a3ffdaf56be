"""Completion values from the data: unit and leader names, goals, task ids, fields, formats.

Every TAB re-runs dutycli, so this module stays light: it imports neither Polars, Rich,
Typer nor typing, reads datasets with PyYAML's C safe loader only, and keeps the few fields
it needs in a small cache until a dataset file changes. Two callers:

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

from dutycli.locations import DATASET_SUFFIXES, cache_home

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
    """The dataset files ``--data`` names: the file itself, or a folder's YAML files by name."""
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


def read_tasks(data: str | None, only: list[str] | None = None) -> list[dict[str, Any]]:
    """The tasks of every dataset (or of the ``--dataset`` ones): the fields completion uses.

    A file that cannot be read adds nothing: completion stays quiet about errors.
    """
    tasks: list[dict[str, Any]] = []
    for path in dataset_files(data):
        if not only or dataset_name(path) in only:
            tasks += file_tasks(path)
    return tasks


# Only what completion shows is kept (a task's text only as far as its description needs).
TASK_KEYS = ("id", "goal_no", "goal", "task", "leaders", "lead_units", "partner_units")
CACHE_VERSION = 1


def file_tasks(path: str) -> list[dict[str, Any]]:
    """One dataset file's tasks, from the cache while the file is unchanged, else parsed."""
    try:
        stat = os.stat(path)
    except OSError:
        return []
    absolute = os.path.abspath(path)
    key = [absolute, stat.st_mtime_ns, stat.st_size, stat.st_ino, CACHE_VERSION]
    cache = cache_path(absolute)
    if cache is not None:
        import json

        try:
            with open(cache, encoding="utf-8") as handle:
                cached = json.load(handle)
            if cached["key"] == key:
                return [dict(zip(TASK_KEYS, row, strict=True)) for row in cached["tasks"]]
        except (OSError, ValueError, LookupError, TypeError):
            pass  # no cache yet, or an unusable one: parse the file
    tasks = parse_tasks(path)
    import time

    # A file changed within the last seconds could change again within the clock's
    # granularity, unseen by its mtime: cache it only once it has settled.
    if cache is not None and tasks and stat.st_mtime < time.time() - 2:
        write_cache(cache, key, tasks)
    return tasks


def parse_tasks(path: str) -> list[dict[str, Any]]:
    import yaml

    try:
        with open(path, encoding="utf-8-sig") as handle:
            document = yaml.load(
                handle.read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            )
    except (OSError, ValueError, yaml.YAMLError):
        return []
    if not isinstance(document, dict) or not isinstance(document.get("tasks"), list):
        return []
    tasks = []
    for task in document["tasks"]:
        if isinstance(task, dict):
            kept = {key: task.get(key) for key in TASK_KEYS}
            kept["task"] = " ".join(str(task.get("task", "")).split())[:40]
            tasks.append(kept)
    return tasks


def cache_path(dataset: str) -> str | None:
    """Where the tasks of ``dataset`` are cached: $XDG_CACHE_HOME (or ~/.cache)/dutycli."""
    base = cache_home()
    if base is None:
        return None
    import zlib

    digest = zlib.crc32(dataset.encode("utf-8", "surrogateescape"))
    name = f"{digest:08x}-{os.path.basename(dataset)}.json"
    return os.path.join(base, "dutycli", "completion", name)


def write_cache(cache: str, key: list[Any], tasks: list[dict[str, Any]]) -> None:
    import json

    rows = [[task[k] for k in TASK_KEYS] for task in tasks]
    text = json.dumps({"key": key, "tasks": rows}, ensure_ascii=False)
    from pathlib import Path

    from dutycli.files import write_atomically

    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        # A TAB running alongside sees the old file or the new, never half of one.
        write_atomically(Path(cache), lambda out: out.write(text.encode("utf-8")), durable=False)
    except (OSError, TypeError, ValueError):
        pass  # no cache: the next TAB reads the dataset again


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


def name_items(tasks: list[dict[str, Any]], *columns: str) -> list[Item]:
    """Every name of the columns with its task count, most tasks first (as ``dutycli units``)."""
    counts: dict[str, int] = {}
    for task in tasks:
        names = [n for c in columns if isinstance(task.get(c), list) for n in task[c]]
        for name in dict.fromkeys(names):
            if isinstance(name, str):
                counts[name] = counts.get(name, 0) + 1
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [(name, _count_label(count)) for name, count in ordered]


def goal_items(tasks: list[dict[str, Any]], incomplete: str) -> list[Item]:
    """Goal numbers (described by name and count) and goal names (described by count)."""
    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    name_counts: dict[str, int] = {}
    for task in tasks:
        number, goal = task.get("goal_no"), task.get("goal")
        if isinstance(number, int) and isinstance(goal, str):
            counts[number] = counts.get(number, 0) + 1
            names.setdefault(number, goal)
            name_counts[goal] = name_counts.get(goal, 0) + 1
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


def task_items(tasks: list[dict[str, Any]], incomplete: str) -> list[Item]:
    """Task ids that start with what was typed, described by the start of their text."""
    items: dict[str, str] = {}
    for task in tasks:
        task_id, text = task.get("id"), task.get("task")
        if isinstance(task_id, int) and str(task_id).startswith(incomplete.strip()):
            short = " ".join(str(text).split())
            items.setdefault(str(task_id), short if len(short) <= 20 else short[:19] + "…")
    return sorted(items.items(), key=lambda item: int(item[0]))


def dataset_items(data: str | None, incomplete: str) -> list[Item]:
    """The dataset names of a ``--data`` folder (file names without .yaml), with task counts."""
    items = [
        (dataset_name(path), _count_label(len(read_tasks(path))))
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
        tasks = [t for t in read_tasks(wanted.data, wanted.datasets) if t.get("leaders")]
        units = name_items(tasks, "lead_units")
        return field_items(wanted.command, typed, extra=units)
    if kind == "field":
        several = wanted.command != "diff" and len(dataset_files(wanted.data)) > 1
        return field_items(wanted.command, typed, several, explode=wanted.explode)
    if kind == "format":
        return format_items(typed)
    if kind == "dataset":
        return dataset_items(wanted.data, typed)
    tasks = read_tasks(wanted.data, wanted.datasets)
    if kind == "unit" and wanted.role == "lead":
        return ranked(name_items(tasks, "lead_units"), typed)  # the usual case: no schema import
    if kind in ("unit", "partner"):
        from dutycli.schema import UNIT_ROLES

        columns = UNIT_ROLES.get("partner" if kind == "partner" else wanted.role, ())
        return ranked(name_items(tasks, *columns), typed)
    if kind == "leader":
        return ranked(name_items(tasks, "leaders"), typed)
    if kind == "target":
        return goal_items(tasks, typed)
    if kind == "task":
        return task_items(tasks, typed)
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
