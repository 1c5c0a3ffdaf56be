"""What the lookup commands share: names, sections and goals resolved from what was typed,
with a note when one query matches several."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dutycli.cli.session import arg, load
from dutycli.i18n import t

if TYPE_CHECKING:
    import polars as pl
    import typer


def resolve_names(
    ctx: typer.Context,
    frame: pl.DataFrame | pl.LazyFrame,
    column: str | tuple[str, ...],
    queries: list[str],
    exact: bool,
    other_role: tuple[str, str] | None = None,
) -> list[str]:
    """The names the queries match (through the aliases); several for one query are noted.

    A unit that matches nothing in ``column`` but does in the other role's column
    (``other_role``: that column and the option asking for it) is an error that says so: a
    clerk whose office is a 配合单位 learns to add ``--role partner``.
    """
    from dutycli.errors import QueryError
    from dutycli.output.streams import note
    from dutycli.query import filters

    aliases = load(ctx).aliases
    spelled = spellings(ctx, frame, column, queries, other_role)
    names: list[str] = []
    for text in queries:
        try:
            match = filters.match_names(frame, column, text, exact, aliases, spelled)
        except QueryError as error:
            if other_role is None:
                raise
            other_column, option = other_role
            try:
                elsewhere = filters.match_names(frame, other_column, text, exact, aliases, spelled)
            except QueryError:
                raise error from None
            # Said instead of the likenesses in this role: the unit asked for is there.
            singular, _ = filters.column_kind(column)
            head = t("no {kind} matches {query!r}", kind=singular, query=text)
            if not filters.known_names(frame, column):
                head = str(error)  # the dataset has no such column
            kind = t("partner unit") if other_column == "partner_units" else t("lead unit")
            found = t(", ").join(elsewhere.names)
            raise QueryError(
                t(
                    "{head}; as a {kind} it matches {found}: add {option}",
                    head=head,
                    kind=kind,
                    found=found,
                    option=option,
                )
            ) from None
        if len(match.names) > 1:
            _, plural = filters.column_kind(column)
            note(
                t(
                    "{text!r} matches {count} {plural}: {names}",
                    text=text,
                    count=len(match.names),
                    plural=plural,
                    names=t(", ").join(match.names),
                )
            )
        names += [n for n in match.names if n not in names]
    return names


def spellings(
    ctx: typer.Context,
    frame: pl.DataFrame | pl.LazyFrame,
    column: str | tuple[str, ...],
    queries: list[str],
    other_role: tuple[str, str] | None,
) -> dict[str, list[list[str]]] | None:
    """The pinyin of the names a Latin query may spell (``dutycli.pinyin``, cached), or None
    when every query is written in Chinese (nothing is spelled then)."""
    from dutycli import pinyin
    from dutycli.names import fold
    from dutycli.query import filters

    if not any(pinyin.is_latin(fold(text)) for text in queries):
        return None
    columns = (column,) if isinstance(column, str) else column
    if other_role is not None:
        columns = (*columns, other_role[0])
    names = filters.known_names(frame, tuple(dict.fromkeys(columns)))
    return pinyin.spellings(str(load(ctx).root), names, person=columns == ("leaders",))


def several(texts: list[str]) -> list[str]:
    """Names as typed, each argument split at 、，, (``发改局、商务局`` is two names)."""
    import re

    from dutycli.names import squeeze

    found = [squeeze(part) for text in texts for part in re.split("[、，,]", arg(text))]
    return list(dict.fromkeys(part for part in found if part)) or [arg(t) for t in texts]


def goal_names(keys: pl.DataFrame) -> str:
    """The goals ``goal_keys`` found, for a title: ``4 优化营商环境``."""
    shown = [" ".join(str(v) for v in row if v not in (None, "")) for row in keys.iter_rows()]
    return "、".join(dict.fromkeys(shown))


def section_names(frame: pl.DataFrame | pl.LazyFrame, queries: list[str]) -> list[str]:
    """The sections the queries match; several for one query are noted, as names are."""
    from dutycli.output.streams import note
    from dutycli.query import filters

    sections: list[str] = []
    for text in map(arg, queries):
        matched = filters.match_sections(frame, text)
        if len(matched) > 1:
            note(
                t(
                    "{text!r} matches {count} sections: {names}",
                    text=text,
                    count=len(matched),
                    names=", ".join(matched),
                )
            )
        sections += [s for s in matched if s not in sections]
    return sections


def goal_keys(frame: pl.DataFrame | pl.LazyFrame, targets: list[str]) -> pl.DataFrame:
    """The goals the targets name (per dataset when several are loaded), as goal_key rows."""
    import polars as pl

    from dutycli.output.streams import note
    from dutycli.query import filters

    keys = []
    for target in targets:
        found = filters.match_goal_keys(frame, target)
        if len(found) > 1:
            shown = [" ".join(map(str, row)) for row in found.iter_rows()]
            note(
                t(
                    "{target!r} matches {count} goals: {names}",
                    target=target,
                    count=len(found),
                    names=", ".join(shown),
                )
            )
        keys.append(found)
    return pl.concat(keys)
