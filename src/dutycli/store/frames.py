"""Task records as a Polars frame, always with the explicit task schema (never inferred)."""

from __future__ import annotations

from typing import Any

import polars as pl

from dutycli.schema import TASK_FIELDS

_DTYPES: dict[str, Any] = {
    "int": pl.Int64,
    "str": pl.String,
    "names": pl.List(pl.String),
    "bool": pl.Boolean,
}


def task_schema() -> pl.Schema:
    return pl.Schema({name: _DTYPES[kind] for name, kind in TASK_FIELDS.items()})


def frame_from_records(records: list[dict[str, Any]]) -> pl.DataFrame:
    # Column-wise with the schema given: no inference from the first rows.
    columns = {name: [record[name] for record in records] for name in TASK_FIELDS}
    return pl.DataFrame(columns, schema=task_schema())
