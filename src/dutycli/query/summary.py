"""How big a dataset is: its goals, tasks, leaders and units, counted in one pass."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from dutycli.locations import dataset_name
from dutycli.query.filters import Frame, collect, goal_key
from dutycli.schema import DATASET_FIELD

if TYPE_CHECKING:
    from dutycli.store.loader import Table


def sizes(frame: Frame) -> dict[str, int]:
    """How many goals, tasks, leaders and lead units: one pass over a scanned dataset."""

    def distinct_names(column: str, name: str) -> pl.Expr:
        return pl.col(column).explode().drop_nulls().n_unique().alias(name)

    counts = collect(
        frame.select(
            pl.struct(goal_key(frame)).n_unique().alias("goals"),
            pl.len().alias("tasks"),
            distinct_names("leaders", "leaders"),
            distinct_names("lead_units", "units"),
        )
    ).row(0, named=True)
    return {key: int(value) for key, value in counts.items()}


def overview(tables: list[Table], wanted: list[str] | None = None) -> pl.DataFrame:
    """One row per dataset: its name, title, label, counts and file."""
    rows = []
    for table in tables:
        name = dataset_name(str(table.path))
        if wanted and name not in wanted:
            continue
        counts = sizes(table.frame)
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
