"""Regenerate what completion derives from the app: ``python -m dutycli.completion.generate``.

It writes ``completion/command_table.py`` (what the fast path knows of each command and
option), ``completion/command_names.py`` (the names, help texts and fixed values Typer
would offer, see ``completion.names``) and the shell scripts in ``completions/``. Run it after adding or changing a command
or an option; a test fails while either is stale.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

TABLE_FILE = Path(__file__).with_name("command_table.py")
NAMES_FILE = Path(__file__).with_name("command_names.py")

HEADER = '''"""What each command's argument and options complete to, and its result kind.

Generated from the app by ``python -m dutycli.completion.generate``; do not edit by hand
(a test fails while it is stale). Standard library only: the TAB fast path reads it.
"""

# The options before the command that take a value.
GLOBAL_VALUE_OPTIONS = {globals}

# command: (what its first argument completes to, {{option that takes a value: what its value
# completes to}}, the kind of its rows (schema.RESULT_KINDS)); None: nothing dutycli completes.
COMMANDS: dict[str, tuple[str | None, dict[str, str | None], str | None]] = {{
'''


def _value_options(params: list[object]) -> dict[str, str | None]:
    from dutycli.cli.typer_internals import completion_hook
    from dutycli.completion.hooks import kind_of

    options: dict[str, str | None] = {}
    for param in params:
        if getattr(param, "param_type_name", "") != "option" or getattr(param, "is_flag", False):
            continue
        for name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
            options[name] = kind_of(completion_hook(param))
    return options


def table_text() -> str:
    """The command table's source, from the app as Typer builds it."""
    from typer.main import get_command

    from dutycli.cli.app import app
    from dutycli.cli.registry import SPECS
    from dutycli.cli.typer_internals import completion_hook
    from dutycli.completion.hooks import kind_of

    group = get_command(app)
    kinds = {" ".join(filter(None, (spec.group, spec.name))): spec.kind for spec in SPECS}
    global_options = tuple(_value_options(list(group.params)))
    lines = [HEADER.format(globals=f"({', '.join(map(_literal, global_options))})")]
    # A group's commands by their whole name: "progress forms".
    commands = [
        (f"{name} {sub}" if sub else name, found)
        for name, command in group.commands.items()  # type: ignore[attr-defined]
        for sub, found in (getattr(command, "commands", None) or {"": command}).items()
    ]
    for name, command in commands:
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        argument = kind_of(completion_hook(arguments[0])) if arguments else None
        options = _value_options(list(command.params))
        lines.append(f"    {_literal(name)}: (\n        {_literal(argument)},\n        {{")
        lines.append("\n" if options else "")
        for option, kind in options.items():
            lines.append(f"            {_literal(option)}: {_literal(kind)},\n")
        # A group (progress) is a name only: its commands complete through Typer's slow path.
        close = "        }" if options else "}"
        lines.append(f"{close},\n        {_literal(kinds.get(name))},\n    ),\n")
    lines.append("}\n")
    return "".join(lines)


def _literal(value: str | None) -> str:
    # As the formatter writes it: double quotes (the names are plain ASCII).
    return "None" if value is None else json.dumps(value)


def main(argv: list[str]) -> None:
    from dutycli.completion.scripts import SCRIPT_FILES, generate_script

    folder = argv[0] if argv else "completions"
    from dutycli.completion.names_table import names_text

    TABLE_FILE.write_text(table_text(), encoding="utf-8")
    NAMES_FILE.write_text(names_text(), encoding="utf-8")
    os.makedirs(folder, exist_ok=True)
    for shell, file_name in SCRIPT_FILES.items():
        with open(os.path.join(folder, file_name), "w", encoding="utf-8", newline="\n") as out:
            out.write(generate_script(shell))


if __name__ == "__main__":
    main(sys.argv[1:])
