"""Directories: every name of a name column, or every goal, with its task count.

Pure functions from a task frame to a frame, counted while a scanned dataset is read: a
name's tasks are never gathered whole, only counted.
"""

from __future__ import annotations

import polars as pl

from dutycli.query.filters import Columns, Frame, _columns, collect, columns, goal_key
from dutycli.schema import DATASET_FIELD


def directory(frame: Frame, column: Columns) -> Frame:
    """Every name in ``column`` (or several) with its task count and how many were inherited.

    A task counts once per name, even when it names a unit both as lead and as partner; it
    counts as inherited when every mention of the name in it was inherited.
    """
    several = DATASET_FIELD in columns(frame)
    counts = [
        pl.len().cast(pl.Int64).alias("tasks"),
        pl.col("inh").sum().cast(pl.Int64).alias("inherited"),
    ]
    # Grouped by the dataset's code, not its text: a folder of 1,000 datasets, 1M tasks.
    dataset = [pl.col(DATASET_FIELD).cast(pl.Categorical)] if several else []
    if several:  # across datasets: which ones name it, in dataset order
        datasets = pl.col(DATASET_FIELD).unique(maintain_order=True).cast(pl.String)
        counts.append(datasets.alias("datasets"))
    if isinstance(column, str) or len(column) == 1:
        # One column: a task names a name once there, with one flag for the whole cell, so
        # its distinct names are counted as they are read, without grouping by task first.
        (only,) = _columns(column)
        found = (
            frame.lazy()
            .select(
                pl.col(only).list.unique().alias("name"),
                pl.col(f"{only}_inherited").alias("inh"),
                *dataset,
            )
            .explode("name")
            .drop_nulls("name")
            .group_by("name")
            .agg(counts)
            .sort(["tasks", "name"], descending=[True, False])
        )
        return found if isinstance(frame, pl.LazyFrame) else found.collect()
    task_key = [pl.col("id"), *dataset]
    parts = [
        frame.select(
            pl.col(c).alias("name"), pl.col(f"{c}_inherited").alias("inh"), *task_key
        ).explode("name")
        for c in _columns(column)
    ]
    lazy = [part.lazy() for part in parts]  # one kind for concat; collected below if eager
    exploded = (
        pl.concat(lazy)
        .drop_nulls("name")
        .group_by(["name", "id", *([DATASET_FIELD] if several else [])], maintain_order=True)
        .agg(pl.col("inh").all())
    )
    found = exploded.group_by("name").agg(counts).sort(["tasks", "name"], descending=[True, False])
    return found if isinstance(frame, pl.LazyFrame) else found.collect()


def targets(frame: Frame) -> pl.DataFrame:
    """Every goal with its task count and the distinct leaders and lead units of its tasks
    (in the order the tasks first name them). Each count reads only its own columns, and is
    collected on its own: one scan shared by the three would be held whole."""
    key = goal_key(frame)
    goals = collect(
        frame.lazy()
        .select(*key, "goal")
        .with_row_index("row")
        .group_by(key)
        .agg(pl.col("goal").sort_by("row").first(), pl.len().cast(pl.Int64).alias("tasks"))
    )
    for column in ("leaders", "lead_units"):
        named = collect(
            frame.lazy()
            .select(*key, pl.col(column).alias("name"))
            .explode("name")
            .with_row_index("seen")  # a task's order, then its list's
            .drop_nulls("name")
            .group_by(*key, "name")
            .agg(pl.col("seen").min())
            .sort("seen")
            .group_by(key, maintain_order=True)
            .agg(pl.col("name").alias(column))
        )
        goals = goals.join(named, on=key, how="left").with_columns(
            pl.col(column).fill_null(pl.lit([], dtype=pl.List(pl.String)))
        )
    return goals.sort(key)
