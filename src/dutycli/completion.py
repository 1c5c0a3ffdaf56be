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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

Item = tuple[str, str]  # a value and its description

# What each command's options and argument complete to. ``None`` marks an option that
# takes a value dutycli does not complete (left to Typer and the shell). A test checks
# this table against the commands cli.py really defines.
_COMMON: dict[str, str | None] = {"--format": "format", "-f": "format", "--fields": "field"}
COMMANDS: dict[str, tuple[str | None, dict[str, str | None]]] = {
    "by-unit": ("unit", _COMMON),
    "by-leader": ("leader", _COMMON),
    "by-target": ("target", _COMMON),
    "search": (None, _COMMON),
    "list": (
        None,
        {
            **_COMMON,
            **{"--unit": "unit", "-u": "unit", "--leader": "leader", "-l": "leader"},
            **{"--target": "target", "-t": "target", "--keyword": None, "-k": None},
        },
    ),
    "show": ("task", _COMMON),
    "leaders": (None, _COMMON),
    "units": (None, _COMMON),
    "targets": (None, _COMMON),
    "import": (None, {"--output": None, "-o": None}),
}
GLOBAL_VALUE_OPTIONS = ("--data",)

# Columns of the results that are not task rows; checked against real output by a test.
RESULT_FIELDS: dict[str, tuple[str, ...]] = {
    "leaders": ("name", "tasks", "inherited"),
    "units": ("name", "tasks", "inherited"),
    "targets": ("goal_no", "goal", "tasks", "leaders", "lead_units"),
}
SHOW_EXTRA_FIELDS = ("leaders_source_id", "lead_units_source_id")

DEFAULT_DATASET = "wujin-2019.yaml"


# --- the dataset, read lightly --------------------------------------------------------


def default_path() -> str:
    """The shipped dataset, found as dataset.default_path finds it (a test keeps them equal)."""
    package = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(package, "data", DEFAULT_DATASET)
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package)), "data", DEFAULT_DATASET)


def read_document(data: str | None) -> dict[str, Any] | None:
    """The dataset as plain YAML data, or None when it cannot be read: completion stays quiet."""
    import yaml

    path = data or os.environ.get("DUTYCLI_DATA") or default_path()
    try:
        with open(os.path.expanduser(path), encoding="utf-8-sig") as handle:
            document = yaml.load(
                handle.read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            )
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("tasks"), list):
        return None
    return document


def _tasks(document: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if document is None:
        return []
    return [task for task in document["tasks"] if isinstance(task, dict)]


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


def name_items(document: Mapping[str, Any] | None, column: str) -> list[Item]:
    """Every leader or unit name with its task count, most tasks first (as ``dutycli units``)."""
    counts: dict[str, int] = {}
    for task in _tasks(document):
        names = task.get(column)
        for name in dict.fromkeys(names) if isinstance(names, list) else ():
            if isinstance(name, str):
                counts[name] = counts.get(name, 0) + 1
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [(name, _count_label(count)) for name, count in ordered]


def goal_items(document: Mapping[str, Any] | None, incomplete: str) -> list[Item]:
    """Goal numbers (described by name and count) and goal names (described by count)."""
    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    for task in _tasks(document):
        number, goal = task.get("goal_no"), task.get("goal")
        if isinstance(number, int) and isinstance(goal, str):
            counts[number] = counts.get(number, 0) + 1
            names.setdefault(number, goal)
    numbers = [
        (str(n), f"{names[n]} · {_count_label(counts[n])}")
        for n in sorted(counts)
        if str(n).startswith(incomplete.strip())
    ]
    if incomplete.strip().isdigit():
        return numbers
    by_name = ranked(((names[n], _count_label(counts[n])) for n in sorted(counts)), incomplete)
    return (numbers if not incomplete.strip() else []) + by_name


def task_items(document: Mapping[str, Any] | None, incomplete: str) -> list[Item]:
    """Task ids that start with what was typed, described by the start of their text."""
    items = []
    for task in _tasks(document):
        task_id, text = task.get("id"), task.get("task")
        if isinstance(task_id, int) and str(task_id).startswith(incomplete.strip()):
            short = " ".join(str(text).split())
            items.append((str(task_id), short if len(short) <= 20 else short[:19] + "…"))
    return items


def field_names(command: str | None) -> list[str]:
    """The fields ``--fields`` accepts for a command's result."""
    from dutycli.schema import TASK_FIELDS

    if command in RESULT_FIELDS:
        return list(RESULT_FIELDS[command])
    fields = list(TASK_FIELDS)
    return fields + list(SHOW_EXTRA_FIELDS) if command == "show" else fields


def field_items(command: str | None, incomplete: str) -> list[Item]:
    """Field names, completing the last of a comma list (``id,ta`` → ``id,task``)."""
    from dutycli.schema import LABELS

    head, _, last = incomplete.rpartition(",")
    head = head + "," if head or incomplete.startswith(",") else ""
    chosen = {part.strip() for part in head.split(",")}
    items = [(name, LABELS.get(name, "")) for name in field_names(command) if name not in chosen]
    return [(head + name, label) for name, label in ranked(items, last)]


def format_items(incomplete: str) -> list[Item]:
    from dutycli.schema import FORMATS

    return ranked(((name, "") for name in FORMATS), incomplete)


def values(kind: str, incomplete: str, data: str | None, command: str | None) -> list[Item]:
    """The completions of one kind of value, best first."""
    if kind == "field":
        return field_items(command, incomplete)
    if kind == "format":
        return format_items(incomplete)
    document = read_document(data)
    if kind == "unit":
        return ranked(name_items(document, "lead_units"), incomplete)
    if kind == "leader":
        return ranked(name_items(document, "leaders"), incomplete)
    if kind == "target":
        return goal_items(document, incomplete)
    if kind == "task":
        return task_items(document, incomplete)
    raise ValueError(f"unknown completion kind {kind!r}")


# --- Typer's hooks (the slow path) ----------------------------------------------------


# ``ctx`` is Typer's Context; typed Any because Typer reads these annotations at run time
# and this module must not import Typer.
def _from_context(kind: str, ctx: Any, incomplete: str) -> list[Item]:
    root = ctx.find_root()
    data = root.params.get("data")
    return values(kind, incomplete, str(data) if data else None, ctx.info_name)


def complete_unit(ctx: Any, incomplete: str) -> list[Item]:
    return _from_context("unit", ctx, incomplete)


def complete_leader(ctx: Any, incomplete: str) -> list[Item]:
    return _from_context("leader", ctx, incomplete)


def complete_target(ctx: Any, incomplete: str) -> list[Item]:
    return _from_context("target", ctx, incomplete)


def complete_task(ctx: Any, incomplete: str) -> list[Item]:
    return _from_context("task", ctx, incomplete)


def complete_field(ctx: Any, incomplete: str) -> list[Item]:
    return _from_context("field", ctx, incomplete)


def complete_format(ctx: Any, incomplete: str) -> list[Item]:
    return _from_context("format", ctx, incomplete)


# --- the fast path: Typer's protocol, answered without Typer ---------------------------


def request(args: list[str], incomplete: str) -> tuple[str, str | None, str | None, str] | None:
    """What a command line asks to complete: (kind, data, command, value prefix), or None.

    ``args`` are the words before the one being completed, without the program name.
    None means "not a data value": option and command names, files, anything unusual;
    Typer answers those.
    """
    data: str | None = None
    index = 0
    while index < len(args) and args[index].startswith("-"):
        word = args[index]
        if word in GLOBAL_VALUE_OPTIONS:
            if index + 1 == len(args):
                return None  # completing the --data path itself
            data = args[index + 1]
            index += 2
            continue
        if word.startswith("--data="):
            data = word.partition("=")[2]
        index += 1
    if index == len(args) or args[index] not in COMMANDS:
        return None
    command = args[index]
    argument, options = COMMANDS[command]
    positionals = 0
    pending: str | None = None
    for word in args[index + 1 :]:
        if pending is not None:
            if word != "=":  # bash splits --unit=发 into three words
                pending = None
        elif word == "--":
            return None
        elif word.startswith("-") and word != "-":
            if word in options:
                pending = word
        else:
            positionals += 1
    if pending is not None:
        kind = options[pending]
        return (kind, data, command, incomplete) if kind else None
    if incomplete.startswith("-"):
        name, equals, value = incomplete.partition("=")
        kind = options.get(name) if equals and name.startswith("--") else None
        return (kind, data, command, value) if kind else None
    if argument is not None and positionals == 0:
        return argument, data, command, incomplete
    return None


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
    kind, data, command, typed = wanted
    prefix = incomplete[: len(incomplete) - len(typed)]  # "--fields=" when completing --fields=…
    items = [(prefix + value, help) for value, help in values(kind, typed, data, command)]
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
