"""Turn a validated dataset into a Polars frame with an explicit schema.

A YAML dataset becomes an in-memory DataFrame (cached, see ``cache``); a Parquet or
Arrow IPC dataset becomes a LazyFrame that queries narrow before anything is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutycli import dataset
from dutycli.schema import TASK_FIELDS

if TYPE_CHECKING:
    import polars as pl


@dataclass
class Table:
    """A loaded dataset: its metadata, its goals and its tasks as a frame (lazy when scanned)."""

    path: Path
    meta: dict[str, Any]
    goals: list[dict[str, Any]]
    frame: pl.DataFrame | pl.LazyFrame


def task_schema() -> pl.Schema:
    import polars as pl

    dtypes: dict[str, Any] = {
        "int": pl.Int64,
        "str": pl.String,
        "names": pl.List(pl.String),
        "bool": pl.Boolean,
    }
    return pl.Schema({name: dtypes[kind] for name, kind in TASK_FIELDS.items()})


def frame_from_records(records: list[dict[str, Any]]) -> pl.DataFrame:
    import polars as pl

    # Column-wise with the schema given: no inference from the first rows.
    columns = {name: [record[name] for record in records] for name in TASK_FIELDS}
    return pl.DataFrame(columns, schema=task_schema())


@dataclass
class Source:
    """A dataset file as read before Polars is imported: YAML bytes, or a columnar file's kind."""

    path: Path
    kind: str | None  # "parquet" or "ipc"; None for YAML
    raw: bytes


def read(path: Path) -> Source:
    # The file is read before Polars is imported: until then the main thread is the only
    # thread, so Ctrl-C reaches it even while it waits on a slow file or a pipe.
    kind, raw = dataset.read_source(path)
    return Source(path, kind, raw)


def table(source: Source) -> Table:
    """The Table of a read file: scanned lazily (Parquet, IPC), parsed (YAML, via the cache),
    or read back from dutycli's own CSV/TSV/JSON/JSONL export."""
    if source.kind is not None:
        from dutycli import columnar

        meta, lazy = columnar.scan(source.path, source.kind)
        goals = meta.pop("goals", [])
        return Table(source.path, meta, goals if isinstance(goals, list) else [], lazy)

    from dutycli import exported

    flat_kind = exported.kind_of(source.path)
    if flat_kind is not None:
        data = exported.parse(source.path, source.raw, flat_kind)
        return Table(data.path, data.meta, data.goals, frame_from_records(data.tasks))

    from dutycli import cache

    cached = cache.lookup(source.path, source.raw)
    if cached is not None:
        header, frame = cached
        return Table(source.path, header["meta"], header["goals"], frame)
    data = dataset.parse(source.path, source.raw)
    frame = frame_from_records(data.tasks)
    cache.store(source.path, source.raw, {"meta": data.meta, "goals": data.goals}, frame)
    return Table(data.path, data.meta, data.goals, frame)


def load(path: Path | None) -> Table:
    return table(read(path or dataset.default_path()))
