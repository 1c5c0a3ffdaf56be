"""Lookups: the tasks of a unit, a leader, a goal, a keyword or a mix of them, and one task."""

from typing import TYPE_CHECKING, Annotated

import typer

from dutycli.cli.matching import goal_keys, goal_names, resolve_names, section_names, several
from dutycli.cli.options import ROWS, TABLE, ExactOption, RoleOption, UnitRole
from dutycli.cli.registry import command
from dutycli.cli.session import arg, tasks
from dutycli.completion import hooks
from dutycli.schema import UNIT_ROLES, label

# What by-unit --role looked in, for a document's title.
ROLE_LABELS = {"lead": "牵头单位", "partner": "配合单位", "any": "牵头或配合单位"}

if TYPE_CHECKING:
    from dutycli.output.result import Result


@command("by-unit", kind="tasks", shared=ROWS)
def by_unit(
    ctx: typer.Context,
    unit: Annotated[
        list[str],
        typer.Argument(
            metavar="UNIT...",
            help="Unit names or parts of one, e.g. 发改局 or 纪委, or pinyin (fgj); several (发改局 商务局, or 发改局、商务局) match any.",
            autocompletion=hooks.complete_unit,
        ),
    ],
    role: RoleOption = UnitRole.lead,
    exact: ExactOption = False,
) -> "Result":
    """Tasks whose lead units (or partner units, with --role) include a matching unit."""
    from dutycli.output.result import Result
    from dutycli.query import filters

    frame = tasks(ctx)
    columns = UNIT_ROLES[role.value]
    other = {"lead": ("partner_units", "--role partner"), "partner": ("lead_units", "--role lead")}
    names = resolve_names(ctx, frame, columns, several(unit), exact, other.get(role.value))
    asked = f"{ROLE_LABELS[role.value]}：{'、'.join(names)}"
    return Result(filters.with_names(frame, columns, names), highlight_names=names, asked=asked)


@command("by-leader", kind="tasks", shared=ROWS)
def by_leader(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME...",
            help="Leader names or parts of one, e.g. 陆秋明 or 张, or pinyin (lqm, luqiuming); several (陆秋明 张强, or 陆秋明、张强) match any.",
            autocompletion=hooks.complete_leader,
        ),
    ],
    exact: ExactOption = False,
) -> "Result":
    """Tasks whose leaders in charge include a matching name."""
    from dutycli.output.result import Result
    from dutycli.query import filters

    frame = tasks(ctx)
    names = resolve_names(ctx, frame, "leaders", several(name), exact)
    asked = f"分管领导：{'、'.join(names)}"
    return Result(filters.with_names(frame, "leaders", names), highlight_names=names, asked=asked)


@command("by-target", kind="tasks", shared=ROWS)
def by_target(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="TARGET",
            help="Goal number (4, or 四 as headings number them) or part of a goal name (营商环境).",
            autocompletion=hooks.complete_target,
        ),
    ],
) -> "Result":
    """Tasks of a goal (目标), by its number or part of its name."""
    from dutycli.output.result import Result
    from dutycli.query import filters

    frame = tasks(ctx)
    keys = goal_keys(frame, [arg(target)])
    return Result(filters.with_goal_keys(frame, keys), asked=f"目标：{goal_names(keys)}")


@command("search", kind="tasks", shared=ROWS)
def search(
    ctx: typer.Context,
    keywords: Annotated[
        list[str],
        typer.Argument(
            metavar="KEYWORD...", help="Words the task text, goal name or section must contain."
        ),
    ],
    match_any: Annotated[
        bool, typer.Option("--any", help="Match tasks containing any keyword, not all.")
    ] = False,
    regex: Annotated[
        bool, typer.Option("--regex", help="Read keywords as regular expressions.")
    ] = False,
) -> "Result":
    """Tasks whose text (or goal name, or section) contains every keyword; Latin letters ignore case."""
    from dutycli.output.result import Result
    from dutycli.query.keywords import keyword_patterns, with_keywords

    frame = tasks(ctx)
    patterns = keyword_patterns([arg(k) for k in keywords], regex)
    found = with_keywords(frame, patterns, match_any)
    joiner = " 或 " if match_any else " 且 "
    asked = f"关键词：{joiner.join(arg(k) for k in keywords)}"
    result = Result(found, highlight_patterns=patterns, asked=asked)
    if not regex:

        def hint() -> None:  # a name found nowhere in the texts: by-leader finds it
            from dutycli.cli.hints import search_hint

            search_hint(ctx, frame, [arg(k) for k in keywords])

        result.when_empty = hint
    return result


@command("list", kind="tasks", shared=ROWS)
def list_tasks(
    ctx: typer.Context,
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="UNIT",
            help="Lead unit (repeat for more; any of them matches).",
            autocompletion=hooks.complete_unit,
        ),
    ] = None,
    partner: Annotated[
        list[str] | None,
        typer.Option(
            "--partner",
            "-p",
            metavar="UNIT",
            help="Partner unit, 配合单位 (repeat for more; any of them matches).",
            autocompletion=hooks.complete_partner,
        ),
    ] = None,
    leader: Annotated[
        list[str] | None,
        typer.Option(
            "--leader",
            "-l",
            metavar="NAME",
            help="Leader (repeat for more; any of them matches).",
            autocompletion=hooks.complete_leader,
        ),
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            metavar="TARGET",
            help="Goal number or name part (repeat for more; any of them matches).",
            autocompletion=hooks.complete_target,
        ),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option(
            "--keyword",
            "-k",
            metavar="WORD",
            help="Keyword in task text (repeat for more; any of them matches).",
        ),
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            metavar="TEXT",
            help="Section (类别) or part of one (repeat for more; any of them matches).",
            autocompletion=hooks.complete_section,
        ),
    ] = None,
    item: Annotated[
        list[str] | None,
        typer.Option(
            "--item",
            metavar="N",
            help="Item number (任务序号), exactly (repeat for more; any of them matches).",
        ),
    ] = None,
    exact: ExactOption = False,
) -> "Result":
    """Every task, narrowed by any mix of filters (different filters AND, a repeated one OR)."""
    from dutycli.output.result import Result
    from dutycli.query import filters
    from dutycli.query.keywords import keyword_patterns, with_keywords

    frame = tasks(ctx)
    found = frame
    names: list[str] = []
    asked: list[str] = []  # what each filter chose, for a document's title
    for column, given, other in (
        ("lead_units", unit, ("partner_units", "--partner")),
        ("partner_units", partner, ("lead_units", "--unit")),
        ("leaders", leader, None),
    ):
        if given:
            matched = resolve_names(ctx, frame, column, several(given), exact, other)
            names += matched
            found = filters.with_names(found, column, matched)
            asked.append(f"{label(column)}：{'、'.join(matched)}")
    if target:
        keys = goal_keys(frame, [arg(t) for t in target])
        found = filters.with_goal_keys(found, keys)
        asked.append(f"目标：{goal_names(keys)}")
    if section:
        sections = section_names(frame, section)
        found = filters.with_values(found, "section", sections)
        asked.append(f"类别：{'、'.join(sections)}")
    if item:
        items = [i for text in item for i in filters.match_items(frame, arg(text))]
        found = filters.with_values(found, "item_no", list(dict.fromkeys(items)))
        asked.append(f"任务序号：{'、'.join(arg(i) for i in item)}")
    words = [arg(k) for k in keyword or []]
    patterns = keyword_patterns(words, regex=False) if words else []
    found = with_keywords(found, patterns, match_any=True)
    if words:
        asked.append(f"关键词：{' 或 '.join(words)}")
    return Result(
        found,
        highlight_patterns=patterns,
        highlight_names=names,
        asked="；".join(asked) or "全部任务",
    )


@command("show", kind="record", shared=TABLE)
def show(
    ctx: typer.Context,
    task_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", help="Task id (the 编号 column).", autocompletion=hooks.complete_task
        ),
    ],
) -> "Result":
    """One task in full, with where each leader and unit value came from."""
    from dutycli.output.result import Result
    from dutycli.query import record

    frame = tasks(ctx)
    found = record.with_sources(frame, record.task_by_id(frame, task_id))
    return Result(found, asked=f"编号：{task_id}")
