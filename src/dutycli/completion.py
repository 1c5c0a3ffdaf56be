"""Shell completion of data values: unit and leader names, goals, task ids, fields, formats.

Every TAB re-runs dutycli, so this module stays light: it imports neither Polars, Rich
nor Typer, and reads the dataset with PyYAML's C safe loader only. Two ways lead here:

- ``answer``: the fast path the entry point takes for a value completion, speaking
  Typer's completion protocol (``_DUTYCLI_COMPLETE=complete_bash|zsh|fish``) itself;
- ``complete_*``: the ``autocompletion=`` hooks cli.py gives Typer, used when Typer itself
  answers (a completion the fast path does not recognise). Typer keeps only the values
  that start with the typed word, so part-matches come from the fast path alone.

Matching: a value whose start matches what was typed comes first, then values that merely
contain it (``改`` offers 发改局); whitespace and Latin case are ignored, as in queries.
"""

from __future__ import annotations

import os
import sys

# Not "from typing import ...": typing costs milliseconds on every TAB, and mypy reads
# any TYPE_CHECKING constant as typing's.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

Item = tuple[str, str]  # a value and its description

# What each command's options and argument complete to. ``None`` marks an option that
# takes a value dutycli does not complete (left to Typer and the shell). A test checks
# this table against the commands cli.py really defines.
_COMMON: dict[str, str | None] = {"--format": "format", "-f": "format", "--fields": "field"}
_DATASET: dict[str, str | None] = {**_COMMON, "--dataset": "dataset"}
_QUERY: dict[str, str | None] = {**_DATASET, "--output": None, "-o": None}
COMMANDS: dict[str, tuple[str | None, dict[str, str | None]]] = {
    "by-unit": ("unit", {**_QUERY, "--role": None}),
    "by-leader": ("leader", _QUERY),
    "by-target": ("target", _QUERY),
    "search": (None, _QUERY),
    "list": (
        None,
        {
            **_QUERY,
            **{"--unit": "unit", "-u": "unit", "--leader": "leader", "-l": "leader"},
            **{"--partner": "partner", "-p": "partner"},
            **{"--target": "target", "-t": "target", "--keyword": None, "-k": None},
        },
    ),
    "show": ("task", _QUERY),
    "leaders": (None, _QUERY),
    "units": (None, {**_QUERY, "--role": None}),
    "targets": (None, _QUERY),
    "stats": (None, {**_QUERY, "--top": None}),
    "matrix": (None, {**_QUERY, "--top": None}),
    "metrics": (None, _QUERY),
    "datasets": (None, _DATASET),
    "diff": (None, {**_COMMON, "--cutoff": None}),
    "import": (None, {"--output": None, "-o": None, "--sheet": None}),
}
GLOBAL_VALUE_OPTIONS = ("--data", "--aliases")

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
DATASET_SUFFIXES = (".yaml", ".yml")
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
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None  # as the XDG spec says: a relative path is ignored (and no cache is kept)
    import zlib

    digest = zlib.crc32(dataset.encode("utf-8", "surrogateescape"))
    name = f"{digest:08x}-{os.path.basename(dataset)}.json"
    return os.path.join(base, "dutycli", "completion", name)


def write_cache(cache: str, key: list[Any], tasks: list[dict[str, Any]]) -> None:
    import json

    rows = [[task[k] for k in TASK_KEYS] for task in tasks]
    text = json.dumps({"key": key, "tasks": rows}, ensure_ascii=False)
    temporary = f"{cache}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, cache)  # a TAB running alongside sees the old file or the new
    except (OSError, TypeError, ValueError):
        import contextlib

        with contextlib.suppress(OSError):
            os.unlink(temporary)


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


# --- the fast path: Typer's protocol, answered without Typer ---------------------------


def request(args: list[str], incomplete: str) -> Request | None:
    """What a command line asks to complete, or None when it is not a data value.

    ``args`` are the words before the one being completed, without the program name.
    None covers option and command names, files, anything unusual: Typer answers those.
    """
    data: str | None = None
    index = 0
    while index < len(args) and args[index].startswith("-"):
        word = args[index]
        name, equals, value = word.partition("=")
        if word in GLOBAL_VALUE_OPTIONS:
            if index + 1 == len(args):
                return None  # completing a path: the shell's business
            value = args[index + 1]
            index += 1
        if name == "--data" and (equals or word == name):
            data = value
        index += 1
    if index == len(args) or args[index] not in COMMANDS:
        return None
    command = args[index]
    argument, options = COMMANDS[command]
    positionals = 0
    given: dict[str, list[str]] = {"--dataset": [], "--role": []}
    explode = False
    pending: str | None = None
    for word in args[index + 1 :]:
        if pending is not None:
            if word == "=":  # bash splits --unit=发 into three words
                continue
            given.get(pending, []).append(word)
            pending = None
        elif word == "--":
            return None
        elif word.startswith("-") and word != "-":
            name, equals, value = word.partition("=")
            explode = explode or word == "--explode"
            if word in options:
                pending = word
            elif equals and name in given:
                given[name].append(value)
        else:
            positionals += 1
    kind: str | None = None
    typed = incomplete
    if pending is not None:
        kind = options[pending]
    elif incomplete.startswith("--"):
        name, equals, typed = incomplete.partition("=")
        kind = options.get(name) if equals else None
    elif argument is not None and positionals == 0 and not incomplete.startswith("-"):
        kind = argument
    if kind is None:
        return None
    role = given["--role"][-1] if given["--role"] else None
    return Request(kind, typed, command, data, given["--dataset"], role, explode)


def _split(text: str) -> list[str]:
    import shlex

    # As Typer's protocol splits: shell words, an unfinished quote tolerated.
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        for token in lexer:
            words.append(token)
    except ValueError:
        words.append(lexer.token)
    return words


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def format_zsh(items: list[Item], incomplete: str) -> str:
    """Code for the zsh script to eval; part-matches need ``compadd -U`` to be shown at all."""
    if not items:
        return "_files"
    if all(value.startswith(incomplete) for value, _ in items):
        # Typer's own format: zsh matches it against the word as usual.
        specs = "\n".join(
            f'"{_zsh_escape(value)}":"{_zsh_escape(help)}"' if help else f'"{_zsh_escape(value)}"'
            for value, help in items
        )
        return f"_arguments '*: :(({specs}))'"
    # Some values only contain the word: offer them as they are (-U), in our order (-V).
    described = " ".join(
        _zsh_quote(value.replace(":", "\\:") + ":" + help) for value, help in items
    )
    return f"local -a _dutycli_values=({described}); _describe -V values _dutycli_values -U"


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def answer(environ: Mapping[str, str]) -> str | None:
    """The protocol's reply for a value completion, or None to let Typer answer."""
    instruction = environ.get("_DUTYCLI_COMPLETE", "")
    shell = instruction.partition("_")[2]
    if not instruction.startswith("complete_") or shell not in ("bash", "zsh", "fish"):
        return None
    if shell == "bash":
        words = _split(environ.get("COMP_WORDS", ""))
        try:
            cword = int(environ.get("COMP_CWORD", ""))
        except ValueError:
            return None
        args = words[1:cword]
        incomplete = words[cword] if cword < len(words) else ""
    else:
        line = environ.get("_TYPER_COMPLETE_ARGS", "")
        args = _split(line)[1:]
        incomplete = ""
        if args and not line.endswith(" "):
            incomplete = args.pop()
    wanted = request(args, incomplete)
    if wanted is None:
        return None
    prefix = incomplete[: len(incomplete) - len(wanted.typed)]  # "--fields=" of --fields=id,…
    items = [(prefix + value, help) for value, help in values(wanted)]
    if shell == "bash":
        return "\n".join(value for value, _ in items)
    if shell == "zsh":
        return format_zsh(items, incomplete)
    if environ.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
        # Typer's fish script asks first whether there are values at all (exit 0) or not.
        sys.exit(0 if items else 1)
    return "\n".join(
        f"{value}\t{' '.join(help.split())}" if help else value for value, help in items
    )


def main_fast() -> bool:
    """Answer a value completion and return True, or return False to let Typer run."""
    reply = answer(os.environ)
    if reply is None:
        return False
    sys.stdout.write(reply + "\n")
    return True


# --- the shipped scripts --------------------------------------------------------------

SCRIPT_FILES = {"bash": "dutycli.bash", "zsh": "_dutycli", "fish": "dutycli.fish"}


def generate_script(shell: str) -> str:
    """The completion script for ``shell``, as Typer's machinery writes it for this app.

    Leading and trailing blank lines are dropped, as ``--show-completion`` drops them:
    compinit registers a function file only when ``#compdef`` is its first line.
    """
    import subprocess

    environ = {**os.environ, "_DUTYCLI_COMPLETE": f"source_{shell}"}
    completed = subprocess.run(
        [sys.executable, "-m", "dutycli"],
        env=environ,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return completed.stdout.decode("utf-8").strip() + "\n"


if __name__ == "__main__":
    # python -m dutycli.completion DIR: (re)write the shipped scripts into DIR.
    target = sys.argv[1] if len(sys.argv) > 1 else "completions"
    os.makedirs(target, exist_ok=True)
    for shell_name, file_name in SCRIPT_FILES.items():
        with open(os.path.join(target, file_name), "w", encoding="utf-8", newline="\n") as out:
            out.write(generate_script(shell_name))
