"""Analysis of the whole table: totals and workload, leaders × units, quantitative targets."""

from typing import TYPE_CHECKING

import typer

from dutycli.cli.options import PROGRESS, ROWS, TABLE, MatrixTopOption, StatsTopOption
from dutycli.cli.registry import command
from dutycli.cli.session import tasks
from dutycli.i18n import t

if TYPE_CHECKING:
    from dutycli.output.result import Result


@command("stats", kind="stats", shared=TABLE)
def stats(
    ctx: typer.Context,
    top: StatsTopOption = None,
) -> "Result":
    """The dataset at a glance: totals, and bar charts of tasks per leader and per unit."""
    from dutycli.output.result import Result
    from dutycli.query import analysis

    found = analysis.stats(tasks(ctx))
    if top is not None:
        found = analysis.top(found, top)
    return Result(found, top=top)


@command("matrix", kind="matrix", shared=TABLE)
def matrix(
    ctx: typer.Context,
    top: MatrixTopOption = None,
) -> "Result":
    """Leaders × lead units: how many tasks each pair shares (a pivot table in CSV and xlsx)."""
    from dutycli.output.result import Result
    from dutycli.query import analysis

    why = t("no task names both a leader and a lead unit (a table without 分管领导 has none)")
    # Each count reads the two name columns as it goes (a scanned dataset is never held).
    found = tasks(ctx)
    return Result(
        analysis.matrix(found),
        top=top,
        why_empty=why,
        leader_tasks=analysis.tasks_per_leader(found),
    )


@command(
    "metrics", kind="metrics", shared=tuple(o for o in ROWS if o not in ("group_by", *PROGRESS))
)
def metrics(ctx: typer.Context) -> "Result":
    """Quantitative targets in the task texts (增长7%左右, 新增1160家…), one row per number."""
    from dutycli.output.result import Result
    from dutycli.output.streams import note
    from dutycli.query import analysis

    notes: list[str] = []
    found = analysis.metric_rows(tasks(ctx), notes)
    for message in notes:
        note(message)
    return Result(found)
