"""督办, what was answered: ``dutycli progress status``, ``report`` and ``export``, and the
columns ``--with-progress`` adds to a list of tasks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from dutycli.cli.matching import resolve_names, several
from dutycli.cli.options import (
    TABLE,
    ProgressPeriodOption,
    ProgressStoreOption,
)
from dutycli.cli.progress import store_path
from dutycli.cli.registry import command
from dutycli.cli.session import load, state, tasks
from dutycli.completion import hooks
from dutycli.errors import QueryError
from dutycli.i18n import t

if TYPE_CHECKING:
    import polars as pl

    from dutycli.output.result import Result
    from dutycli.progress.periods import Period

    Frame = pl.DataFrame | pl.LazyFrame

# The formats `dutycli progress export` writes, by suffix.
EXPORT_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".json": "json"}


# The task columns status and report show or use: only these are read.
TASK_COLUMNS = (
    *("dataset", "id", "goal_no", "goal", "task", "lead_units", "leaders"),
    *("partner_units", "deadline"),
)


def tasks_named(ctx: typer.Context) -> pl.DataFrame | pl.LazyFrame:
    """The tasks of the --dataset datasets, each with its dataset's name: the columns
    status and report use, lazy for a scanned dataset."""
    from dutycli.progress.status import with_dataset

    names = state(ctx).shared.dataset or load(ctx).names
    return with_dataset(tasks(ctx), names[0]).select(TASK_COLUMNS)


def chosen_period(text: str | None, collections: pl.DataFrame, datasets: list[str]) -> Period:
    """--period, else the latest period a form was collected for in these datasets."""
    import polars as pl

    from dutycli.progress import periods

    if text is not None:
        return periods.parse(text)
    found = collections.filter(pl.col("dataset").is_in(datasets)).get_column("period")
    if found.is_empty():
        raise QueryError(t("no form collected yet for these tasks: give --period (2019Q1)"))
    return periods.parse(str(found.sort().last()))


def as_of_date(text: str | None, period: Period) -> date:
    if text is None:
        return period.end
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(t("--as-of {text!r} is not a date; write 2019-06-30", text=text)) from None


def status_rows(
    ctx: typer.Context,
    period_text: str | None,
    store: Path | None,
    as_of: str | None,
    unit: list[str] | None,
    leader: list[str] | None,
) -> tuple[Frame, pl.DataFrame, Period, Frame, int]:
    """The rows of status and report (lazy for a scanned dataset: written while read), the
    units that did not report, the period, the tasks, how many rows are overdue."""
    import polars as pl

    from dutycli.progress import status
    from dutycli.progress import store as progress_store
    from dutycli.progress.store import ANSWER_FIELDS
    from dutycli.query import filters

    path = store_path(ctx, store, must_exist=True)
    collections = progress_store.collections_frame(path)
    frame = tasks_named(ctx)
    datasets = list(state(ctx).shared.dataset or load(ctx).names)
    period = chosen_period(period_text, collections, datasets)
    for column, given, other in (
        ("lead_units", unit, ("partner_units", "--role partner")),
        ("leaders", leader, None),
    ):
        if given:
            names = resolve_names(ctx, frame, column, several(given), False, other)
            frame = filters.with_names(frame, column, names)
    answers = progress_store.answers_of(path, datasets, period.name, ANSWER_FIELDS)
    when, year = as_of_date(as_of, period), period.start.year
    rows = status.status_rows(frame, answers, period.name, when, year)
    if unit:
        named = [n for n in resolve_names(ctx, frame, "lead_units", several(unit), False)]
        rows = rows.filter(pl.col("lead_unit").is_in(named))
    # What the notes count, read on its own from a scanned dataset: the rows without their
    # texts (Polars reads only the columns these need).
    narrow = filters.collect(rows.select("dataset", "lead_unit", "overdue"))
    overdue = int(narrow.get_column("overdue").sum())
    return rows, status.silent_units(narrow, collections, period.name), period, frame, overdue


def silent_line(silent: pl.DataFrame) -> str:
    units = silent.get_column("lead_unit").to_list()
    if not units:
        return "未报送单位：无"
    return f"未报送单位（{len(units)} 个）：{'、'.join(dict.fromkeys(units))}"


def single(rows: Frame, ctx: typer.Context) -> Frame:
    """Without the dataset column when one dataset was read (as every other command)."""
    return rows if load(ctx).several else rows.drop("dataset")


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Overdue by this date (2019-06-30) [default: the period's last day].",
        show_default=False,
    ),
]
UnitOption = Annotated[
    list[str] | None,
    typer.Option(
        "--unit",
        "-u",
        metavar="UNIT",
        help="Only this lead unit's tasks (repeat for more).",
        autocompletion=hooks.complete_unit,
    ),
]
LeaderOption = Annotated[
    list[str] | None,
    typer.Option(
        "--leader",
        "-l",
        metavar="NAME",
        help="Only this leader's tasks (repeat for more).",
        autocompletion=hooks.complete_leader,
    ),
]


@command("status", kind="progress", shared=TABLE, group="progress")
def progress_status(
    ctx: typer.Context,
    period: ProgressPeriodOption = None,
    unit: UnitOption = None,
    leader: LeaderOption = None,
    as_of: AsOfOption = None,
    silent: Annotated[
        bool,
        typer.Option("--silent", help="List the lead units that have not reported instead."),
    ] = False,
    store: ProgressStoreOption = None,
) -> Result:
    """Each task's latest status and progress for a period, its deadline as a date, overdue
    or not; then the units that have not reported."""
    from dutycli.output.result import Result

    rows, silent_units, chosen, _, overdue = status_rows(ctx, period, store, as_of, unit, leader)
    asked = f"填报期：{chosen.name}"
    if silent:
        found = Result(single(silent_units, ctx), asked=f"{asked}　未报送单位")
        found.kind_name = "silent"
        return found
    notes = [f"逾期 {overdue} 条", silent_line(silent_units)]
    return Result(single(rows, ctx), asked=asked, notes=notes)


@command("report", kind="report", shared=TABLE, group="progress")
def progress_report(
    ctx: typer.Context,
    period: ProgressPeriodOption = None,
    unit: UnitOption = None,
    leader: LeaderOption = None,
    as_of: AsOfOption = None,
    store: ProgressStoreOption = None,
) -> Result:
    """The summary for the leaders (序号 | 工作任务 | 牵头部门 | 主要配合部门 | 进展情况) grouped by
    goal, with counts per status and per leader and the units that did not report."""
    from dutycli.output.result import Result
    from dutycli.progress import status
    from dutycli.query.filters import collect

    found_rows, silent_units, chosen, tasks_of, overdue = status_rows(
        ctx, period, store, as_of, unit, leader
    )
    rows, frame = collect(found_rows), collect(tasks_of)
    table = status.report_rows(rows, frame)
    # A task led by two units has a row (and a status) for each: the counts say so.
    notes = [
        f"完成状态（按任务×牵头单位计，共 {rows.height} 项）：{status.count_text(status.counts(rows))}"
    ]
    notes += [
        f"{leader_name}：{count} 条任务；按牵头单位计：{status.count_text(found)}"
        for leader_name, count, found in status.leader_counts(rows)
    ]
    notes.append(f"逾期：{overdue} 条")
    notes.append(silent_line(silent_units))
    found = Result(single(table, ctx), asked=f"{chosen.name} 工作任务进展情况汇总", notes=notes)
    found.group_by = "goal"
    shown = ["goal", "number", "work", "lead_depts", "partner_depts", "status", "progress"]
    found.shown = ["dataset", *shown] if load(ctx).several else shown
    return found


@command("export", kind=None, shared=("dataset",), group="progress")
def progress_export(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write every version of every answer to FILE: .csv, .parquet or .json.",
        ),
    ],
    store: ProgressStoreOption = None,
) -> None:
    """Every answer in the progress store, every version, with its form's file name, hash and
    time of collection, as CSV, Parquet or JSON."""
    import polars as pl

    from dutycli.output import emit, streams
    from dutycli.progress import store as progress_store

    kind = EXPORT_SUFFIXES.get(output.suffix.lower())
    if kind is None:
        raise QueryError(t("{output}: export writes .csv, .parquet or .json", output=output))
    path = store_path(ctx, store, must_exist=True)
    frame = progress_store.answers_frame(path)
    datasets = state(ctx).shared.dataset
    if datasets:
        frame = frame.filter(pl.col("dataset").is_in(datasets))

    def write(out: BinaryIO) -> None:
        if kind == "csv":
            frame.write_csv(out)
        elif kind == "parquet":
            frame.write_parquet(out)
        else:
            out.write(frame.write_json().encode("utf-8"))

    emit.write_file(output, write)
    streams.note(
        t("wrote {output} ({count} rows, {fmt})", output=output, count=len(frame), fmt=kind)
    )
