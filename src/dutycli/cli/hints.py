"""Hints between commands: a name typed where it finds nothing says which command finds it.

``dutycli 发改局`` (a unit, not a command) runs nothing and says ``dutycli by-unit 发改局``;
``search 陆秋明`` (a leader, not a word of the task texts) says ``by-leader``. The data is read
only on these error paths, never for a command that exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dutycli.i18n import t

if TYPE_CHECKING:
    import polars as pl

# Where each kind of name is, and the command that finds it.
NAME_KINDS = (
    ("leaders", "by-leader {typed}"),
    ("lead_units", "by-unit {typed}"),
    ("partner_units", "by-unit {typed} --role partner"),
)


def _not_a_command(column: str, names: str, command: str) -> str:
    if column == "leaders":
        return t("{names}: a leader, not a command; try: {command}", names=names, command=command)
    if column == "lead_units":
        return t("{names}: a unit, not a command; try: {command}", names=names, command=command)
    if column == "partner_units":
        return t(
            "{names}: a partner unit, not a command; try: {command}", names=names, command=command
        )
    return t("{names}: a goal, not a command; try: {command}", names=names, command=command)


def _not_in_texts(column: str, typed: str, command: str) -> str:
    if column == "leaders":
        return t(
            "{typed}: a leader's name, not in the task texts; try: {command}",
            typed=typed,
            command=command,
        )
    if column == "lead_units":
        return t(
            "{typed}: a unit's name, not in the task texts; try: {command}",
            typed=typed,
            command=command,
        )
    return t(
        "{typed}: a partner unit's name, not in the task texts; try: {command}",
        typed=typed,
        command=command,
    )


def _matching(frame: pl.DataFrame | pl.LazyFrame, column: str, typed: str) -> list[str]:
    """The names of ``column`` equal to ``typed`` if any, else those containing it."""
    from dutycli.names import fold
    from dutycli.query import filters

    if column not in filters.columns(frame):
        return []
    names = filters.known_names(frame, column)
    wanted = fold(typed)
    same = [n for n in names if fold(n) == wanted]
    return same or [n for n in names if wanted in fold(n)]


def _shown(names: list[str]) -> str:
    return "、".join(names[:3]) + ("…" if len(names) > 3 else "")


def unknown_command(ctx: Any, word: str) -> str | None:
    """What to say of an unknown command that names a leader, unit or goal, or None.

    Only a word with Chinese in it is looked up (a command name is ASCII: ``lsit`` is a typo
    of one, for Click to tell); a dataset that cannot be read gives no hint.
    """
    if word.isascii() or word.startswith("-"):
        return None
    from dutycli.cli import session
    from dutycli.errors import DutyError

    run = session.state(ctx)
    run.data, run.aliases = ctx.params.get("data"), ctx.params.get("aliases")
    try:
        frame = session.load(ctx).frame
        for column, command in NAME_KINDS:
            names = _matching(frame, column, word)
            if names:
                suggested = "dutycli " + command.format(typed=word)
                return _not_a_command(column, _shown(names), suggested)
        from dutycli.query import filters

        goals = filters.collect(frame.select("goal").unique(maintain_order=True))
        from dutycli.names import fold

        found = [g for g in goals.get_column("goal").to_list() if fold(word) in fold(g)]
        if found:
            suggested = f"dutycli by-target {word}"
            return _not_a_command("goal", _shown(found), suggested)
    except (DutyError, OSError):
        return None
    return None


def search_hint(ctx: Any, frame: pl.DataFrame | pl.LazyFrame, keywords: list[str]) -> None:
    """Say on stderr which command finds a keyword that is a leader's or unit's name, when the
    search found nothing (its exit code stays 1)."""
    from dutycli.output.streams import note

    for typed in keywords:
        for column, command in NAME_KINDS:
            if _matching(frame, column, typed):
                suggested = "dutycli " + command.format(typed=typed)
                note(_not_in_texts(column, typed, suggested))
                break
