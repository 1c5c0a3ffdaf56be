"""How big a dataset is: its goals, tasks, leaders and units, counted in one pass."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from dutycli.locations import dataset_name
from dutycli.query.filters import Frame, collect, goal_key
from dutycli.schema import DATASET_FIELD

if TYPE_CHECKING:
    from dutycli.store.loader import Table


def _counted(goal_key: list[str]) -> list[pl.Expr]:
    def distinct_names(column: str, name: str) -> pl.Expr:
        return pl.col(column).explode().drop_nulls().n_unique().alias(name)

    return [
        pl.struct(goal_key).n_unique().alias("goals"),
        pl.len().alias("tasks"),
        distinct_names("leaders", "leaders"),
        distinct_names("lead_units", "units"),
    ]


def sizes(frame: Frame) -> dict[str, int]:
    """How many goals, tasks, leaders and lead units: one pass over a scanned dataset."""
    counts = collect(frame.select(_counted(goal_key(frame)))).row(0, named=True)
    return {key: int(value) for key, value in counts.items()}


def sizes_by_dataset(frame: Frame) -> dict[str, dict[str, int]]:
    """``sizes`` of every dataset of several (the ``dataset`` column), in one pass."""
    counts = collect(frame.group_by(DATASET_FIELD).agg(_counted(["goal_no"])))
    return {
        row.pop(DATASET_FIELD): {key: int(value) for key, value in row.items()}
        for row in counts.iter_rows(named=True)
    }


def overview(
    tables: list[Table], wanted: list[str] | None = None, frame: Frame | None = None
) -> pl.DataFrame:
    """One row per dataset: its name, title, label, counts and file. ``frame``, all the
    tables' tasks with the ``dataset`` column, counts them in one pass (a thousand datasets
    of a folder: one query, not a thousand)."""
    by_dataset = sizes_by_dataset(frame) if frame is not None else None
    empty = {"goals": 0, "tasks": 0, "leaders": 0, "units": 0}
    rows = []
    for table in tables:
        name = dataset_name(str(table.path))
        if wanted and name not in wanted:
            continue
        counts = by_dataset.get(name, empty) if by_dataset is not None else sizes(table.frame)
        rows.append(
            {
                DATASET_FIELD: name,
                "title": str(table.meta.get("title", "")),
                "label": str(table.meta.get("label", "")),
                "goals": counts["goals"],
                "tasks": counts["tasks"],
                "leader_count": counts["leaders"],
                "unit_count": counts["units"],
                "path": str(table.path),
            }
        )
    schema: dict[str, Any] = {DATASET_FIELD: pl.String, "title": pl.String, "label": pl.String}
    schema |= {name: pl.Int64 for name in ("goals", "tasks", "leader_count", "unit_count")}
    schema["path"] = pl.String
    return pl.DataFrame(rows, schema=schema)
