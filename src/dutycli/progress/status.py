"""Where each task stands for a period: the latest answer of each lead unit beside the task,
its deadline read as a date, overdue or not; the units that did not report; the summary
report in the 苏州 shape (序号 | 工作任务 | 牵头部门 | 主要配合部门 | 进展情况).

Pure functions: the tasks and the store's frames in, frames and lines out.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from dutycli.progress import deadlines
from dutycli.progress.store import ANSWER_FIELDS, STATUSES

if TYPE_CHECKING:
    import polars as pl

    Frame = pl.DataFrame | pl.LazyFrame

# The columns of `dutycli progress status`, in order (dataset first with several datasets).
STATUS_COLUMNS = (
    *("id", "goal_no", "goal", "task", "lead_unit", "leaders", "deadline", "deadline_date"),
    *("overdue", "status", "progress", "problems", "next_steps", "reporter", "phone"),
    *("period", "version"),
)
# The columns --with-progress adds to a list of tasks.
WITH_PROGRESS_COLUMNS = ("period", "status", "progress")
# The columns of `dutycli progress report`: the 苏州 summary table, and the goal it is under.
REPORT_COLUMNS = (
    *("goal_no", "goal", "number", "work", "lead_depts", "partner_depts"),
    *("status", "progress"),
)
# What a task's status is called when its unit has not answered for it.
NOT_ANSWERED = "未填报"


def latest_answers(answers: pl.DataFrame, period: str | None) -> pl.DataFrame:
    """The latest version of each answer of ``period`` (else of each task's latest period),
    in order of period."""
    import polars as pl

    if period is not None:
        answers = answers.filter(pl.col("period") == period)
    # Sorted by period and version, a task and unit's last row is its latest answer (a version
    # is unique for its task, unit and period: the store's constraint).
    # Kept in that order: a task's last row has its latest period.
    return answers.sort("period", "version").unique(
        ["dataset", "unit", "task_id"], keep="last", maintain_order=True
    )


def with_dataset(tasks: Frame, name: str) -> Frame:
    """The tasks with their dataset's name (a single dataset's frame has no such column)."""
    import polars as pl

    if "dataset" in tasks.collect_schema().names():
        return tasks
    return tasks.with_columns(pl.lit(name).alias("dataset"))


def status_rows(tasks: Frame, answers: pl.DataFrame, period: str, as_of: date, year: int) -> Frame:
    """A row per task and lead unit: the task, its deadline and the date read from it,
    overdue (a date before ``as_of`` and not 已完成), and the unit's latest answer for
    ``period``. ``tasks`` has a dataset column (``with_dataset``); ``year`` dates a deadline
    that names none. Lazy ``tasks`` give lazy rows (each distinct deadline read first)."""
    import polars as pl

    rows = (
        tasks.lazy()
        .explode("lead_units")
        .rename({"lead_units": "lead_unit"})
        .filter(pl.col("lead_unit").is_not_null() & (pl.col("lead_unit") != ""))
    )
    latest = latest_answers(answers, period).rename({"task_id": "id", "unit": "lead_unit"})
    keep = ["dataset", "lead_unit", "id", *ANSWER_FIELDS, "version"]
    # Every task's deadline (a few distinct texts), read alone: the streaming engine.
    texts = tasks.lazy().select(pl.col("deadline").unique()).collect(engine="streaming")
    dates = deadline_dates(texts.get_column("deadline").to_list(), year)
    overdue = (
        pl.col("_due").is_not_null()
        & (pl.col("_due") < as_of)
        & (pl.col("status").fill_null("") != "已完成")
    )
    found = (
        rows.join(
            latest.select(keep).lazy(),
            on=["dataset", "lead_unit", "id"],
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("deadline").fill_null("").alias("_deadline"))
        .join(dates.lazy(), on="_deadline", how="left", maintain_order="left")
        .with_columns(
            overdue.fill_null(False).alias("overdue"),
            pl.lit(period).alias("period"),
            *(pl.col(name).fill_null("") for name in ANSWER_FIELDS),
        )
        .select("dataset", *STATUS_COLUMNS)
    )
    return found if isinstance(tasks, pl.LazyFrame) else found.collect()


def deadline_dates(texts: list[str | None], year: int) -> pl.DataFrame:
    """Each distinct deadline text read once (``deadlines.parse``): columns ``_deadline``
    (the text, "" for none), ``deadline_date`` (as shown) and ``_due`` (the date, or null)."""
    import polars as pl

    keys = sorted({text or "" for text in texts})
    parsed = [deadlines.parse(text, year) for text in keys]
    return pl.DataFrame(
        {
            "_deadline": pl.Series(keys, dtype=pl.String),
            "deadline_date": pl.Series([deadlines.shown(p) for p in parsed], dtype=pl.String),
            "_due": pl.Series([p if isinstance(p, date) else None for p in parsed], dtype=pl.Date),
        }
    )


def silent_units(rows: pl.DataFrame, collections: pl.DataFrame, period: str) -> pl.DataFrame:
    """The lead units of ``rows`` (``status_rows``) with no form collected for ``period``,
    with how many tasks each has: columns dataset, lead_unit, tasks."""
    import polars as pl

    reported = (
        collections.filter(pl.col("period") == period)
        .select("dataset", pl.col("unit").alias("lead_unit"))
        .unique()
    )
    return (
        rows.group_by("dataset", "lead_unit", maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("tasks"))
        .join(reported, on=["dataset", "lead_unit"], how="anti")
        .sort("dataset", "lead_unit")
    )


def with_progress(tasks: Frame, answers: pl.DataFrame, period: str | None) -> Frame:
    """``tasks`` (with a dataset column) with the period, status and progress of their lead
    units' latest answers (for ``period``, else each task's latest period); a task with
    several lead units gets each unit's answer, joined 发改局：… ；商务局：… (``_joined``,
    here as Polars expressions). Lazy ``tasks`` stay lazy."""
    import polars as pl

    by_task = _joined_answers(latest_answers(answers, period))
    joined = tasks.lazy().join(
        by_task.lazy(), on=["dataset", "id"], how="left", maintain_order="left"
    )
    found = joined.with_columns(pl.col(name).fill_null("") for name in WITH_PROGRESS_COLUMNS)
    return found if isinstance(tasks, pl.LazyFrame) else found.collect()


def _joined_answers(latest: pl.DataFrame) -> pl.DataFrame:
    """Per task (dataset, id): its latest period and its units' status and progress as
    ``_joined`` writes them, computed column-wise: a value the units share (or one unit's)
    as it is; else, for the few tasks whose units differ, ``unit：value`` of each unit
    (sorted by unit) joined with ；."""
    import polars as pl

    fields = ("status", "progress")
    keys = ["dataset", "id"]
    latest = latest.rename({"task_id": "id"})
    # Whether the units' values differ, told by the values' codes (exact, and far cheaper
    # for Polars to compare per group than the strings); the period: the last is the latest.
    codes = [pl.col(name).cast(pl.Categorical).to_physical().alias(f"_{name}") for name in fields]
    per_task = (
        latest.with_columns(codes)
        .group_by(keys)
        .agg(
            pl.col("period").last(),
            *(pl.col(name).first() for name in fields),
            *(pl.col(f"_{name}").min().alias(f"_{name}_min") for name in fields),
            *(pl.col(f"_{name}").max().alias(f"_{name}_max") for name in fields),
        )
    )
    same = {name: pl.col(f"_{name}_min") == pl.col(f"_{name}_max") for name in fields}
    differ = ~pl.all_horizontal(same.values())
    labelled = (
        latest.join(per_task.filter(differ).select(keys), on=keys, how="semi")
        .sort("unit")
        .group_by(keys)
        .agg(
            pl.concat_str(pl.col("unit"), pl.lit("："), pl.col(name))
            .str.join("；")
            .alias(f"_{name}_joined")
            for name in fields
        )
    )
    return per_task.join(labelled, on=keys, how="left").select(
        *keys,
        "period",
        *(
            pl.when(same[name]).then(pl.col(name)).otherwise(pl.col(f"_{name}_joined")).alias(name)
            for name in fields
        ),
    )


def _joined(units: list[str], values: list[str]) -> str:
    """One unit's value as it is; several units' as 发改局：…；商务局：… (the same value once)."""
    if len(set(values)) <= 1:
        return values[0] if values else ""
    return "；".join(f"{unit}：{value}" for unit, value in zip(units, values, strict=True))


def report_rows(rows: pl.DataFrame, tasks: pl.DataFrame) -> pl.DataFrame:
    """The summary table: a row per task (in the table's order, numbered 1…), its lead and
    partner units, the status and progress of its lead units (``status_rows``)."""
    import polars as pl

    per_task = rows.group_by("dataset", "id", maintain_order=True).agg(
        pl.col("lead_unit"), pl.col("status"), pl.col("progress")
    )
    joined = tasks.join(per_task, on=["dataset", "id"], how="inner", maintain_order="left")
    status, progress = [], []
    for units, statuses, texts in zip(
        joined.get_column("lead_unit").to_list(),
        joined.get_column("status").to_list(),
        joined.get_column("progress").to_list(),
        strict=True,
    ):
        said = [s or NOT_ANSWERED for s in statuses]
        status.append(_joined(units, said))
        progress.append(_joined(units, [t or NOT_ANSWERED for t in texts]) if any(texts) else "")
    return joined.select(
        "dataset",
        "goal_no",
        "goal",
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("number"),
        pl.col("task").alias("work"),
        pl.col("lead_units").list.join("、").alias("lead_depts"),
        pl.col("partner_units").list.join("、").alias("partner_depts"),
        pl.Series("status", status, pl.String),
        pl.Series("progress", progress, pl.String),
    )


def tally(statuses: list[str]) -> dict[str, int]:
    """How many of each status (未填报 for no answer), in the order of the form's drop-down;
    a status outside it last."""
    found: dict[str, int] = {}
    for status in statuses:
        found[status or NOT_ANSWERED] = found.get(status or NOT_ANSWERED, 0) + 1
    order = [*STATUSES, NOT_ANSWERED]
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99))


def counts(rows: pl.DataFrame) -> dict[str, int]:
    """The statuses of the task × lead unit rows of ``status_rows`` (``tally``)."""
    return tally(rows.get_column("status").to_list())


def count_text(found: dict[str, int]) -> str:
    """``已完成 3，推进中 2，未填报 1``."""
    return "，".join(f"{status} {count}" for status, count in found.items())


def leader_counts(rows: pl.DataFrame) -> list[tuple[str, int, dict[str, int]]]:
    """Per leader (in order of first appearance): how many tasks they oversee (a task led by
    two units counted once), and the statuses of its task × lead unit rows."""
    out: dict[str, list[str]] = {}
    tasks: dict[str, set[tuple[object, object]]] = {}
    for key, leaders, status in zip(
        zip(rows.get_column("dataset").to_list(), rows.get_column("id").to_list(), strict=True)
        if "dataset" in rows.columns
        else ((None, i) for i in rows.get_column("id").to_list()),
        rows.get_column("leaders").to_list(),
        rows.get_column("status").to_list(),
        strict=True,
    ):
        for leader in leaders or ["（未列分管领导）"]:
            out.setdefault(leader, []).append(status)
            tasks.setdefault(leader, set()).add(key)
    return [(leader, len(tasks[leader]), tally(statuses)) for leader, statuses in out.items()]
