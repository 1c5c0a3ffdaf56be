"""Writes ``completion/command_names.py``: what Typer offers for a command or option name.

Part of ``python -m dutycli.completion.generate``; it imports Typer and Rich, so only the
generator and the tests import it. The table holds, for the app and each command (a group's
commands by their whole name, ``progress forms``), its options in Typer's order with their
help text as Typer shows it (markup rendered by Rich, escaped for zsh first), their values
(a fixed choice, a data value, none) and its arguments; for each group, its visible commands
with their short help. ``completion.names`` answers from it; anything it cannot state
exactly is marked ``!`` and left to Typer.
"""

from __future__ import annotations

import re
from typing import Any

HEADER = '''"""The names, help texts and fixed values Typer offers when completing dutycli.

Generated from the app by ``python -m dutycli.completion.generate`` (see
``completion.names_table``); do not edit by hand (a test fails while it is stale). Read by
``completion.names``, the TAB fast path for command and option names: standard library only.
"""

# Help texts as Typer's zsh and fish replies show them on one line (zsh's escaped first),
# a tab between; "!": Typer answers whatever shows it.
HELPS = (
'''

ROWS_HEADER = """
# The characters of HELPS two cells wide in a terminal (the rest take one).
WIDE = {wide}

# Tab-separated. G group command help; O command param names secondary-names help hidden
# multiple value [choices]; A command param nargs value [choices]. A value is "" (a flag),
# "-" (nothing completes), "=kind" (a data value: completion.values), "?" then 1 when the
# choices are case-sensitive, or "!" (Typer answers). help is an index of HELPS, -1 none.
ROWS = (
"""


def _escape_zsh(text: str) -> str:
    # As typer._completion_classes.ZshComplete.format_completion escapes a help text.
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def _render(text: str) -> str:
    """Typer's rendering of a help text (``rich_render_text``) on a console too wide to wrap."""
    from typer import rich_utils

    width = rich_utils.MAX_WIDTH
    rich_utils.MAX_WIDTH = 1_000_000
    try:
        return rich_utils.rich_render_text(text)
    finally:
        rich_utils.MAX_WIDTH = width


def _literal(text: str) -> str:
    """A string literal as ruff's formatter writes it (double quotes unless they cost more)."""
    body = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    if text.count('"') > text.count("'"):
        return "'" + body.replace("'", "\\'") + "'"
    return '"' + body.replace('"', '\\"') + '"'


class _Helps:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.wide: set[str] = set()

    def index(self, help_text: str | None) -> int:
        if not help_text:
            return -1
        shown = [_render(_escape_zsh(help_text)), _render(re.sub(r"\s", " ", help_text))]
        entry = "\t".join(shown) if all(self._plain(text) for text in shown) else "!"
        if entry not in self.texts:
            self.texts.append(entry)
        return self.texts.index(entry)

    def _plain(self, text: str) -> bool:
        """One line of characters whose cell widths add up (1 or 2 each), as names wraps it."""
        from rich.cells import cell_len

        if any(char.isspace() and char != " " for char in text):
            return False  # a line break, a tab, a wide space: Typer shows those
        widths = {char: cell_len(char) for char in text}
        if any(width not in (1, 2) or not char.isprintable() for char, width in widths.items()):
            return False
        words = re.findall(r"\s*\S+\s*", text)
        if any(cell_len(w) != sum(widths[c] for c in w) for w in [text, *words]):
            return False
        self.wide.update(char for char, width in widths.items() if width == 2)
        return True


def _value(param: Any) -> list[str]:
    """How a parameter's value completes, as row fields (see ROWS_HEADER)."""
    from dutycli.cli.typer_internals import completion_hook
    from dutycli.completion.hooks import kind_of

    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return [""]
    if param.nargs != 1 and param.param_type_name == "option":
        return ["!"]
    if getattr(param, "_flag_needs_value", False):
        return ["!"]
    hook = completion_hook(param)
    if hook is not None:
        kind = kind_of(hook)
        return [f"={kind}"] if kind else ["!"]
    if param._custom_shell_complete is not None:
        return ["!"]
    desc = param.type_descriptor
    if desc.is_choice and desc.choices is not None:
        from typer._param_types import choice_as_str

        choices = [choice_as_str(choice) for choice in desc.choices]
        if any("\t" in choice or not choice for choice in choices):
            return ["!"]
        return [f"?{int(bool(desc.case_sensitive))}", *choices]
    if desc.is_file:
        return ["!"]
    return ["-"]


def _command_rows(name: str, command: Any, ctx: Any, helps: _Helps) -> list[str]:
    from typer.core import TyperArgument, TyperOption

    rows: list[str] = []
    help_names = list(ctx.help_option_names)
    for param in command.get_params(ctx):
        if isinstance(param, TyperOption):
            opts = " ".join(param.opts)  # all start with "-": see names_text
            if param is command.get_help_option(ctx) and set(param.opts) == set(help_names):
                # Click lists the help option's names from a set: in the order of the string
                # hashes of each process. "{": the fast path builds the same set.
                opts = "{" + " ".join(help_names)
            fields = [
                "O",
                name,
                param.name or "",
                opts,
                " ".join(param.secondary_opts),
                str(helps.index(param.help)),
                str(int(bool(param.hidden))),
                str(int(bool(param.multiple))),
                *_value(param),
            ]
        elif isinstance(param, TyperArgument):
            fields = ["A", name, param.name or "", str(param.nargs), *_value(param)]
        else:
            fields = ["!", name]  # a parameter Typer's completion does not know: Typer answers
        rows.append("\t".join(fields))
    return rows


def names_text() -> str:
    """The source of ``completion/command_names.py``, from the app as Typer builds it."""
    from typer import _click
    from typer.core import TyperGroup
    from typer.main import get_command

    from dutycli.cli.app import app

    helps = _Helps()
    rows: list[str] = []

    def visit(name: str, command: Any, ctx: Any) -> None:
        rows.extend(_command_rows(name, command, ctx, helps))
        if not isinstance(command, TyperGroup):
            return
        for sub in command.list_commands(ctx):
            found = command.get_command(ctx, sub)
            if found is None:
                continue
            if not found.hidden:
                help_index = helps.index(found.get_short_help_str())
                rows.append("\t".join(["G", name, sub, str(help_index)]))
            whole = f"{name} {sub}".strip()
            settings = found.context_settings  # its help option's names among them
            visit(whole, found, _click.Context(found, info_name=sub, parent=ctx, **settings))

    group = get_command(app)
    root = _click.Context(group, info_name="dutycli", **group.context_settings)
    visit("", group, root)
    names = [name for row in rows if row[0] == "O" for name in row.split("\t")[3:5]]
    if any(part[:1] != "-" for name in names for part in name.lstrip("{").split()):
        rows.insert(0, "!\t")  # options that start with another character: Typer answers
    lines = [HEADER, *(f"    {_literal(text)},\n" for text in helps.texts), ")\n"]
    lines.append(ROWS_HEADER.format(wide=_literal("".join(sorted(helps.wide)))))
    lines += [f"    {_literal(row)},\n" for row in rows]
    lines.append(")\n")
    return "".join(lines)
