"""Queries: pure functions from a task frame (and arguments) to a frame.

A frame is a DataFrame (a YAML dataset) or a LazyFrame (a scanned Parquet/IPC dataset);
filters return the same kind they are given, so a lazy query is read only when the CLI
collects it for rendering. Lookups that need values (names, goals) collect just the one
or two columns they look at.

Name and goal lookups raise QueryError when nothing is known by that name, so
the CLI can tell "no such unit" (exit 2) from "no rows" (exit 1).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from dutycli import pinyin
from dutycli.errors import QueryError
from dutycli.i18n import t
from dutycli.names import chinese_number, fold
from dutycli.schema import DATASET_FIELD, INHERITABLE_COLUMNS, TASK_FIELDS
from dutycli.store.aliases import NO_ALIASES, Aliases

Frame = pl.DataFrame | pl.LazyFrame

# The most digits a goal number (a 64-bit integer) can have.
GOAL_DIGITS = 19


def _column_kinds() -> dict[str, tuple[str, str]]:
    """Singular and plural noun for the names of each column, in the user's language."""
    return {
        "leaders": (t("leader"), t("leaders")),
        "lead_units": (t("unit"), t("units")),
        "partner_units": (t("partner unit"), t("partner units")),
    }


@dataclass(frozen=True)
class NameMatch:
    query: str
    names: list[str]  # every known name the query matched


def collect(frame: Frame) -> pl.DataFrame:
    """The rows of a frame, reading a lazy one now."""
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


def columns(frame: Frame) -> list[str]:
    return frame.collect_schema().names()


def explicit_only(frame: Frame) -> Frame:
    """The table as written: values inherited from merged cells are dropped (``--strict``)."""
    return frame.with_columns(
        pl.when(pl.col(f"{column}_inherited"))
        .then(_empty(column))
        .otherwise(pl.col(column))
        .alias(column)
        for column in INHERITABLE_COLUMNS
    )


def _empty(column: str) -> pl.Expr:
    if TASK_FIELDS[column] == "names":
        return pl.lit([], dtype=pl.List(pl.String))
    return pl.lit("", dtype=pl.String)


def filled(column: str) -> pl.Expr:
    if TASK_FIELDS[column] == "names":
        return pl.col(column).list.len() > 0
    return pl.col(column) != ""


Columns = str | tuple[str, ...]  # one name column, or several searched together


def _columns(columns: Columns) -> tuple[str, ...]:
    return (columns,) if isinstance(columns, str) else columns


def column_kind(columns: Columns) -> tuple[str, str]:
    """Singular and plural noun for the names of ``columns`` (messages)."""
    found = _columns(columns)
    return _column_kinds()[found[0] if len(found) == 1 else "lead_units"]


def known_names(frame: Frame, names_in: Columns) -> list[str]:
    values = [
        collect(frame.select(pl.col(c).explode().drop_nulls().alias("name")))
        for c in _columns(names_in)
    ]
    names: list[str] = pl.concat(values).get_column("name").unique().sort().to_list()
    return names


def match_names(
    frame: Frame,
    column: Columns,
    query: str,
    exact: bool = False,
    aliases: Aliases = NO_ALIASES,
    spelled: Mapping[str, pinyin.Spelling] | None = None,
) -> NameMatch:
    """Names in ``column`` that contain ``query`` (or equal it with ``exact``), whitespace ignored.

    A name matches when the query matches any of its spellings in ``aliases``, so 发展和改革局
    finds rows that wrote 发改局; the names returned are the ones the rows wrote. A query in
    Latin letters also matches a name's pinyin (``spelled``, see ``pinyin.match``): the names
    it spells whole (``lqm``, ``luqiuming``) if there are any, else those it spells a part of.
    """
    wanted = fold(query)
    if not wanted:
        raise QueryError(t("the name to look for is empty"))
    names = known_names(frame, column)
    if not names:
        _, plural = column_kind(column)
        raise QueryError(t("the dataset has no {plural}", plural=plural))
    if exact:
        found = [n for n in names if any(fold(s) == wanted for s in aliases.spellings(n))]
    else:
        found = [n for n in names if any(wanted in fold(s) for s in aliases.spellings(n))]
    if spelled and pinyin.is_latin(wanted):
        found += pinyin_matches(wanted, [n for n in names if n not in found], spelled, exact)
    if not found:
        singular, _ = column_kind(column)
        hint = suggest(query, names, spelled=spelled)
        raise QueryError(
            did_you_mean(t("no {kind} matches {query!r}", kind=singular, query=query), hint)
        )
    return NameMatch(query, found)


def pinyin_matches(
    wanted: str, names: list[str], spelled: Mapping[str, pinyin.Spelling], exact: bool
) -> list[str]:
    """The names a Latin query spells: whole ones first (``sf`` is 是峰, not 戴士福, whose
    士福 it also spells); with ``exact`` only whole ones."""
    known = [n for n in names if n in spelled]
    whole = [n for n in known if pinyin.match(wanted, spelled[n], whole=True)]
    if whole or exact:
        return whole
    return [n for n in known if pinyin.match(wanted, spelled[n])]


def suggest(
    query: str,
    candidates: list[str],
    limit: int = 3,
    spelled: Mapping[str, pinyin.Spelling] | None = None,
) -> str:
    """Up to ``limit`` candidates like the query (compared folded, as a match is; a Latin
    query also with each name's pinyin and initials, from ``spelled``)."""
    wanted = fold(query)
    written: dict[str, str] = {}
    for candidate in candidates:
        written.setdefault(fold(candidate), candidate)
    if spelled and pinyin.is_latin(wanted):
        for candidate in candidates:
            for key in pinyin.keys(spelled.get(candidate, [])):
                if len(key) > 1:
                    written.setdefault(key, candidate)
    close = difflib.get_close_matches(wanted, list(written), n=limit, cutoff=0.34)
    if not close:
        # Short CJK queries score low with difflib; fall back to shared characters, but one
        # common character (局, 委) of a longer query is no likeness.
        letters = set(wanted)
        enough = min(2, len(letters))
        own = {fold(candidate) for candidate in candidates}  # not the pinyin: letters are few
        shared = [c for c in written if c in own and len(letters & set(c)) >= enough]
        close = sorted(shared, key=lambda c: -len(letters & set(c)))[:limit]
    return t(", ").join(dict.fromkeys(written[c] for c in close))


def did_you_mean(message: str, hint: str) -> str:
    """``message``, and the names like the one asked for when there are any."""
    return t("{message}; did you mean {hint}?", message=message, hint=hint) if hint else message


def with_names(frame: Frame, column: Columns, names: list[str]) -> Frame:
    """Rows whose ``column`` list (or any of several) holds any of ``names``."""
    wanted = pl.Series(names, dtype=pl.String).implode()
    tests = [pl.col(c).list.eval(pl.element().is_in(wanted)).list.any() for c in _columns(column)]
    return frame.filter(pl.any_horizontal(tests))


def goal_key(frame: Frame) -> list[str]:
    """What identifies a goal: its number, within its dataset when several are loaded."""
    return [DATASET_FIELD, "goal_no"] if DATASET_FIELD in columns(frame) else ["goal_no"]


def match_goal_keys(frame: Frame, target: str) -> pl.DataFrame:
    """The goals (``goal_key`` columns) a target names, looked up in each dataset on its own.

    Goal numbers and names belong to one table, so ``4`` is goal 4 of every dataset and
    ``营商环境`` is whichever goal of each dataset has that in its name; an error only when
    no dataset has such a goal.
    """
    if DATASET_FIELD not in columns(frame):
        return pl.DataFrame({"goal_no": match_goals(frame, target)}, schema={"goal_no": pl.Int64})
    parts: list[pl.DataFrame] = []
    first_error: QueryError | None = None
    whole = collect(frame.select(DATASET_FIELD, "goal_no", "goal"))
    for (name,), part in whole.group_by(DATASET_FIELD, maintain_order=True):
        try:
            numbers = match_goals(part, target)
        except QueryError as exc:
            first_error = first_error or exc
            continue
        parts.append(
            pl.DataFrame(
                {DATASET_FIELD: [name] * len(numbers), "goal_no": numbers},
                schema={DATASET_FIELD: pl.String, "goal_no": pl.Int64},
            )
        )
    if not parts:
        raise first_error or QueryError(t("no goal matches {target!r}", target=target))
    return pl.concat(parts)


def with_goal_keys(frame: Frame, keys: pl.DataFrame) -> Frame:
    if DATASET_FIELD not in keys.columns:
        # One dataset: a filter on one column, which a scan applies while it reads.
        numbers = keys.get_column("goal_no").unique()
        return frame.filter(pl.col("goal_no").is_in(numbers.implode()))
    unique = keys.unique()
    if isinstance(frame, pl.LazyFrame):
        return frame.join(unique.lazy(), on=goal_key(frame), how="semi", maintain_order="left")
    return frame.join(unique, on=goal_key(frame), how="semi", maintain_order="left")


def match_goals(frame: Frame, target: str) -> list[int]:
    """Goal numbers for a target given as a number (``4``) or part of a goal name."""
    goals = collect(frame.select("goal_no", "goal").unique(maintain_order=True))
    folded = fold(target)  # ４ (typed full-width) is 4
    if not folded:
        raise QueryError(t("the goal to look for is empty"))
    numbers = goals.get_column("goal_no").to_list()
    span = (
        t("goals are numbered {first} to {last}", first=min(numbers), last=max(numbers))
        if numbers
        else t("no goals")
    )
    if folded.isdigit() and folded.isascii():
        # A goal number is a 64-bit integer: longer digits name none (and are not parsed).
        if len(folded) <= GOAL_DIGITS and int(folded) in numbers:
            return [int(folded)]
        shown = folded if len(folded) <= GOAL_DIGITS else folded[:GOAL_DIGITS] + "…"
        raise QueryError(t("no goal number {shown}; {span}", shown=shown, span=span))
    # 一 (or 一、, as a heading writes it) is goal 1: part of a name, it would also be 十一.
    numeral = chinese_number(folded.removesuffix("、"))
    if numeral is not None and numeral in numbers:
        return [numeral]
    found = [no for no, name in goals.iter_rows() if folded in fold(name)]
    if not found:
        if numeral is not None:
            raise QueryError(
                t(
                    "no goal number {number} ({numeral}); {span}",
                    number=target.strip(),
                    numeral=numeral,
                    span=span,
                )
            )
        hint = suggest(target, goals.get_column("goal").to_list())
        raise QueryError(did_you_mean(t("no goal matches {target!r}", target=target), hint))
    return found


def match_sections(frame: Frame, query: str) -> list[str]:
    """The sections (类别) that contain ``query``, compared as names are (``fold``)."""
    wanted = fold(query)
    if not wanted:
        raise QueryError(t("the section to look for is empty"))
    found = collect(frame.select(pl.col("section").unique(maintain_order=True)))
    sections = [s for s in found.get_column("section").to_list() if s]
    if not sections:
        raise QueryError(t("the dataset has no sections (类别)"))
    matched = [s for s in sections if wanted in fold(s)]
    if not matched:
        hint = suggest(query, sections)
        raise QueryError(did_you_mean(t("no section matches {query!r}", query=query), hint))
    return matched


def item_key(text: str) -> str:
    """An item number as compared: folded (full-width digits are digits), without the
    brackets or the 、 or . a table writes around it, a Chinese numeral as digits:
    （8）, 8、 and 八 are all 8."""
    key = fold(text).strip("()").rstrip("、.")
    numeral = chinese_number(key)
    return str(numeral) if numeral is not None else key


def match_items(frame: Frame, query: str) -> list[str]:
    """The item numbers (任务序号) as written that ``query`` names exactly (``item_key``)."""
    wanted = item_key(query)
    if not wanted:
        raise QueryError(t("the item number to look for is empty"))
    found = collect(frame.select(pl.col("item_no").unique(maintain_order=True)))
    items = [i for i in found.get_column("item_no").to_list() if i]
    if not items:
        raise QueryError(
            t("the dataset has no item numbers (任务序号): its 序号 numbers goals (see by-target)")
        )
    matched = [i for i in items if item_key(i) == wanted]
    if not matched:
        raise QueryError(t("no task has item number {item!r}", item=query.strip()))
    return matched


def with_values(frame: Frame, column: str, values: list[str]) -> Frame:
    """Rows whose text ``column`` is one of ``values``."""
    return frame.filter(pl.col(column).is_in(pl.Series(values, dtype=pl.String).implode()))
