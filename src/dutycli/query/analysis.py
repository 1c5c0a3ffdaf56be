"""Workload analysis: pure functions from a task frame to a frame (stats, matrix, explode, metrics).

Shapes are flat on purpose, so that CSV, JSON and Excel pivot tables take them as they are.
"""

from __future__ import annotations

import polars as pl

from dutycli.errors import QueryError
from dutycli.i18n import t
from dutycli.query import directories, filters, metrics

# The rows of the "dataset" section of ``stats``, in output order.
TOTALS = (
    "goals",
    "tasks",
    "leaders",
    "units",
    "tasks_without_leader",
    "tasks_without_unit",
    "tasks_with_several_leaders",
    "tasks_with_several_units",
)
STATS_SCHEMA: pl.Schema = pl.Schema(
    {
        "section": pl.String,
        "name": pl.String,
        "count": pl.Int64,
        "explicit": pl.Int64,
        "inherited": pl.Int64,
    }
)
MATRIX_ROW = "leader"
# A pivot of more cells than this (leaders × units) is no table to read, and building it
# takes memory in proportion (5,000 × 5,000: half a gigabyte): refused, naming --explode.
MATRIX_CELLS = 10_000_000
# --explode gives a row per task × leader × unit: more rows than this come only from tasks
# naming absurd numbers of both (a real task names a few; 20 million rows take gigabytes).
EXPLODED_ROWS = 20_000_000
METRIC_SCHEMA = pl.Schema(
    {
        "id": pl.Int64(),
        "goal_no": pl.Int64(),
        "indicator": pl.String(),
        "verb": pl.String(),
        "value": pl.Float64(),
        "unit": pl.String(),
        "qualifier": pl.String(),
        "phrase": pl.String(),
        "leaders": pl.List(pl.String),
        "lead_units": pl.List(pl.String),
        "leaders_inherited": pl.Boolean(),
        "lead_units_inherited": pl.Boolean(),
    }
)


def totals(frame: filters.Frame) -> dict[str, int]:
    """The dataset at a glance: counts of goals, tasks, names and of tasks worth a second look."""
    leaders = pl.col("leaders").list.len()
    units = pl.col("lead_units").list.len()
    found = frame.select(
        pl.col("goal_no").n_unique().alias("goals"),
        pl.len().alias("tasks"),
        (leaders == 0).sum().alias("tasks_without_leader"),
        (units == 0).sum().alias("tasks_without_unit"),
        (leaders > 1).sum().alias("tasks_with_several_leaders"),
        (units > 1).sum().alias("tasks_with_several_units"),
        pl.col("leaders").explode().drop_nulls().n_unique().alias("leaders"),
        pl.col("lead_units").explode().drop_nulls().n_unique().alias("units"),
    )
    row = filters.collect(found).row(0, named=True)
    return {key: int(row[key] or 0) for key in TOTALS}


def stats(frame: filters.Frame) -> pl.DataFrame:
    """One flat table: the totals (section ``dataset``), then tasks per leader and per unit.

    Columns ``section,name,count,explicit,inherited``: for a leader or unit, ``count`` tasks of
    which ``explicit`` were written in the row and ``inherited`` came from a merged cell above;
    for a total, only ``count``. Names are ordered by count (most first), then name.
    """
    # Each part reads its own columns of a scanned dataset (held together they would take
    # a gigabyte at ten million tasks).
    parts = [
        pl.DataFrame(
            {
                "section": ["dataset"] * len(TOTALS),
                "name": list(TOTALS),
                "count": list(totals(frame).values()),
                "explicit": [None] * len(TOTALS),
                "inherited": [None] * len(TOTALS),
            },
            schema=STATS_SCHEMA,
        )
    ]
    for section, column in (("leader", "leaders"), ("unit", "lead_units")):
        names = filters.collect(directories.directory(frame, column))
        parts.append(
            names.select(
                pl.lit(section).alias("section"),
                "name",
                pl.col("tasks").alias("count"),
                (pl.col("tasks") - pl.col("inherited")).alias("explicit"),
                "inherited",
            ).cast(dict(STATS_SCHEMA))  # type: ignore[arg-type]
        )
    return pl.concat(parts)


def top(stats_frame: pl.DataFrame, limit: int | None) -> pl.DataFrame:
    """Keep the totals and the first ``limit`` leaders and units (all with None or 0)."""
    if not limit:
        return stats_frame
    rank = pl.int_range(pl.len()).over("section")
    return stats_frame.filter((pl.col("section") == "dataset") | (rank < limit))


def exploded_rows(frame: filters.Frame) -> int:
    """How many rows ``explode`` gives: per task, its leaders × its units (at least 1 × 1)."""
    leaders = pl.col("leaders").list.len().clip(lower_bound=1).cast(pl.Int64)
    units = pl.col("lead_units").list.len().clip(lower_bound=1).cast(pl.Int64)
    return int(filters.collect(frame.select((leaders * units).sum())).item() or 0)


def _bounded(frame: filters.Frame, what: str) -> None:
    rows = exploded_rows(frame)
    if rows > EXPLODED_ROWS:
        raise QueryError(
            t(
                "{what} would need {rows:,} rows of task × leader × unit, more than {EXPLODED_ROWS:,}: some tasks name very many leaders and units",
                what=what,
                rows=rows,
                EXPLODED_ROWS=EXPLODED_ROWS,
            )
        )


def pair_counts(frame: filters.Frame) -> pl.DataFrame:
    """Per (leader, lead unit), how many tasks name both. A name written twice in one task's
    cell counts once; the pairs are counted while the columns are read, never all held."""
    _bounded(frame, "the matrix")
    lazy = frame.lazy().select(
        pl.col("leaders").list.unique().alias("leader"),
        pl.col("lead_units").list.unique().alias("unit"),
    )
    return (
        lazy.filter(pl.col("leader").list.len() > 0, pl.col("unit").list.len() > 0)
        .explode("leader")
        .explode("unit")
        .group_by("leader", "unit")
        .agg(pl.len().cast(pl.Int64).alias("tasks"))
        .collect(engine="streaming")
    )


def tasks_per_leader(frame: filters.Frame) -> dict[str, int]:
    """Per leader of the matrix, how many tasks (with a lead unit) they oversee: a task led by
    two units is one task, where the matrix's row counts it once per unit."""
    counted = (
        frame.lazy()
        .filter(pl.col("leaders").list.len() > 0, pl.col("lead_units").list.len() > 0)
        .select(pl.col("leaders").list.unique().alias("leader"))
        .explode("leader")
        .group_by("leader")
        .agg(pl.len())
        .collect(engine="streaming")
    )
    return dict(counted.iter_rows())


def matrix(frame: filters.Frame) -> pl.DataFrame:
    """Leaders × lead units: how many tasks each leader shares with each unit.

    One row per leader (column ``leader``), one column per unit. Rows and columns are ordered by
    their totals (most first), then by name, so the order is stable. Tasks without a leader or
    without a unit have no cell.
    """
    counts = pair_counts(frame)
    if counts.is_empty():
        return pl.DataFrame(schema={MATRIX_ROW: pl.String})

    def order(column: str) -> list[str]:
        ranked = (
            counts.group_by(column)
            .agg(pl.col("tasks").sum())
            .sort(["tasks", column], descending=[True, False])
        )
        return list(ranked.get_column(column).to_list())

    leaders, units = order("leader"), order("unit")
    if len(leaders) * len(units) > MATRIX_CELLS:
        raise QueryError(
            t(
                "the matrix would have {count:,} leaders × {count2:,} units, more than {MATRIX_CELLS:,} cells; --explode lists the same pairs as rows",
                count=len(leaders),
                count2=len(units),
                MATRIX_CELLS=MATRIX_CELLS,
            )
        )
    wide = counts.pivot(on="unit", index="leader", values="tasks").fill_null(0)
    position = {name: index for index, name in enumerate(leaders)}
    wide = wide.sort(pl.col(MATRIX_ROW).replace_strict(position, return_dtype=pl.Int64))
    return wide.select(MATRIX_ROW, *units)


def explode(frame: filters.Frame) -> filters.Frame:
    """One row per task × leader × lead unit, for pivot tables.

    ``leaders``/``lead_units`` become ``leader``/``lead_unit`` (one name each); a task with no
    leader or no unit keeps one row with an empty value there, so no task is dropped.
    """
    _bounded(frame, "--explode")
    renamed = frame.rename({"leaders": "leader", "lead_units": "lead_unit"})
    return renamed.explode("leader", empty_as_null=True).explode("lead_unit", empty_as_null=True)


# What metrics reads of a task; a text with neither a digit nor an assigned target's verb
# (下达, 确定) holds no target and is not read by Python at all.
METRIC_COLUMNS = (
    "id",
    "goal_no",
    "task",
    "leaders",
    "lead_units",
    "leaders_inherited",
    "lead_units_inherited",
)
_MAY_HOLD_TARGET = r"\d|下达|确定"


def metric_rows(frame: filters.Frame, notes: list[str] | None = None) -> pl.DataFrame:
    """Every quantitative target in the task texts, one row each, with the task's owners.

    A phrase cut short (``metrics.PHRASE_REACH``) is counted in ``notes``, for the user.
    """
    tasks = filters.collect(
        frame.select(METRIC_COLUMNS).filter(pl.col("task").str.contains(_MAY_HOLD_TARGET))
    )
    found: dict[str, list[object]] = {
        name: [] for name in ("row", "indicator", "verb", "value", "unit", "qualifier", "phrase")
    }
    cut = 0
    for row, text in enumerate(tasks.get_column("task").to_list()):
        for target in metrics.targets(text):
            found["row"].append(row)
            # Not written in the text: null (an empty CSV cell), not an empty string.
            found["indicator"].append(target.indicator or None)
            found["verb"].append(target.verb or None)
            found["value"].append(target.value)
            found["unit"].append(target.unit or None)
            found["qualifier"].append(target.qualifier or None)
            found["phrase"].append(target.phrase)
            cut += target.cut
    if cut and notes is not None:
        notes.append(
            f"{cut} phrase{'s' if cut > 1 else ''} cut to {metrics.PHRASE_REACH} characters "
            f"either side of the number (marked {metrics.CUT_MARK})"
        )
    rows = pl.Series("row", found.pop("row"), dtype=pl.Int64)
    owners = tasks.drop("task")[rows]
    values = pl.DataFrame(found, schema={n: METRIC_SCHEMA[n] for n in found})
    return pl.concat([owners, values], how="horizontal").select(list(METRIC_SCHEMA))
