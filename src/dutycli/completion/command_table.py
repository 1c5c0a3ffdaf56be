"""What each command's argument and options complete to, and its result kind.

Generated from the app by ``python -m dutycli.completion.generate``; do not edit by hand
(a test fails while it is stale). Standard library only: the TAB fast path reads it.
"""

# The options before the command that take a value.
GLOBAL_VALUE_OPTIONS = ("--data", "--aliases")

# command: (what its first argument completes to, {option that takes a value: what its value
# completes to}, the kind of its rows (schema.RESULT_KINDS)); None: nothing dutycli completes.
COMMANDS: dict[str, tuple[str | None, dict[str, str | None], str | None]] = {
    "by-unit": (
        "unit",
        {
            "--role": None,
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "tasks",
    ),
    "by-leader": (
        "leader",
        {
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "tasks",
    ),
    "by-target": (
        "target",
        {
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "tasks",
    ),
    "search": (
        None,
        {
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "tasks",
    ),
    "list": (
        None,
        {
            "--unit": "unit",
            "-u": "unit",
            "--partner": "partner",
            "-p": "partner",
            "--leader": "leader",
            "-l": "leader",
            "--target": "target",
            "-t": "target",
            "--keyword": None,
            "-k": None,
            "--section": "section",
            "--item": None,
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "tasks",
    ),
    "show": (
        "task",
        {
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "record",
    ),
    "leaders": (
        None,
        {
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "names",
    ),
    "units": (
        None,
        {
            "--role": None,
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "names",
    ),
    "targets": (
        None,
        {
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "goals",
    ),
    "stats": (
        None,
        {
            "--top": None,
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "stats",
    ),
    "matrix": (
        None,
        {
            "--top": None,
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "matrix",
    ),
    "metrics": (
        None,
        {
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
            "--output": None,
            "-o": None,
        },
        "metrics",
    ),
    "datasets": (
        None,
        {
            "--dataset": "dataset",
            "--format": "format",
            "-f": "format",
            "--fields": "field",
        },
        "datasets",
    ),
    "diff": (
        None,
        {
            "--cutoff": None,
            "--format": "format",
            "-f": "format",
            "--fields": "field",
        },
        "changes",
    ),
    "import": (
        None,
        {
            "--output": None,
            "-o": None,
            "--sheet": None,
            "--column": None,
        },
        None,
    ),
    "export": (
        None,
        {
            "--output": None,
            "-o": None,
            "--format": None,
            "-f": None,
            "--dataset": "dataset",
        },
        None,
    ),
}
