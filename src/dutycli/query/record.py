"""One task by its id (``dutycli show``), and where each of its inherited values came from."""

from __future__ import annotations

import polars as pl

from dutycli.errors import QueryError
from dutycli.i18n import t
from dutycli.query.filters import Frame, collect, filled
from dutycli.schema import DATASET_FIELD, INHERITABLE_COLUMNS


def task_by_id(frame: Frame, task_id: int) -> pl.DataFrame:
    found = collect(frame.filter(pl.col("id") == task_id))
    if found.is_empty():
        ids = collect(frame.select("id")).get_column("id").to_list()
        if not ids:
            raise QueryError(t("no task with id {task_id}; the dataset is empty", task_id=task_id))
        raise QueryError(
            t(
                "no task with id {task_id}; ids run from {first} to {last}",
                task_id=task_id,
                first=min(ids),
                last=max(ids),
            )
        )
    if len(found) > 1 and DATASET_FIELD in found.columns:
        # Ids are numbered per dataset: the same id in two tables is two different tasks.
        names = found.get_column(DATASET_FIELD).to_list()
        raise QueryError(
            t(
                "task id {task_id} is in {count} datasets ({names}); choose one with --dataset",
                task_id=task_id,
                count=len(names),
                names=", ".join(names),
            )
        )
    return found


def with_sources(frame: Frame, task: pl.DataFrame) -> pl.DataFrame:
    """Add, for one task, the id of the row each inherited value was written in."""
    row = task.row(0, named=True)
    same_goal = collect(
        frame.filter((pl.col("goal_no") == row["goal_no"]) & (pl.col("id") <= row["id"]))
    )
    if DATASET_FIELD in row:
        same_goal = same_goal.filter(pl.col(DATASET_FIELD) == row[DATASET_FIELD])
    extra = {}
    for column in INHERITABLE_COLUMNS:
        if row[f"{column}_inherited"]:
            written = same_goal.filter(~pl.col(f"{column}_inherited") & filled(column))
            source = written.get_column("id").max() if not written.is_empty() else None
        else:
            source = row["id"] if row[column] else None
        extra[f"{column}_source_id"] = pl.lit(source, dtype=pl.Int64)
    return task.with_columns(**extra)
