"""Loading one dataset file as a Polars frame with the explicit task schema.

A YAML dataset becomes an in-memory DataFrame (cached, see ``cache``); a Parquet or Arrow IPC
dataset a LazyFrame that queries narrow before anything is read; dutycli's own CSV, TSV, JSON
or JSONL export is read back (``readback``).

The import-order rule, stated here once: **every dataset file is read (``read``) before Polars
is imported.** Polars starts threads on import; until then the main thread is the only one,
so Ctrl-C reaches it even while it waits on a slow file or a pipe. Callers read their files
first, then call ``table``, and import Polars only after that.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.locations import columnar_kind, default_dataset
from dutycli.store.whole_file import read_failure, read_whole

if TYPE_CHECKING:
    import polars as pl

    from dutycli.store.validation import Dataset


@dataclass
class Table:
    """A loaded dataset: its metadata, its goals and its tasks as a frame (lazy when scanned)."""

    path: Path
    meta: dict[str, Any]
    goals: list[dict[str, Any]]
    frame: pl.DataFrame | pl.LazyFrame


@dataclass
class Source:
    """A dataset file as read before Polars is imported: YAML bytes, or a columnar file's kind."""

    path: Path
    kind: str | None  # "parquet" or "ipc"; None for YAML (or an export read back)
    raw: bytes


def default_path() -> Path:
    return Path(default_dataset())


def read(path: Path) -> Source:
    """Open a dataset file once: a columnar file is left for Polars to scan (only its kind is
    kept); any other file is read whole. Failures are DataErrors naming the file."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(8)
            kind = columnar_kind(start)
            raw = b"" if kind is not None else start + read_whole(handle, path, "dataset")
            regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except OSError as exc:
        raise read_failure(path, "dataset", exc) from None
    if kind is not None and not regular:
        from dutycli.store.columnar import LABELS

        label = LABELS[kind]
        article = "an" if label[0] in "AEIOU" else "a"
        raise DataError(
            t(
                "{path}: {article} {label} dataset is scanned, not read in one go: give it as a file, not a pipe or a device",
                path=path,
                article=article,
                label=label,
            )
        )
    return Source(path, kind, raw)


def table(source: Source) -> Table:
    """The Table of a read file: scanned lazily (Parquet, IPC), parsed (YAML, via the cache),
    or read back from dutycli's own CSV/TSV/JSON/JSONL export."""
    if source.kind is not None:
        from dutycli.store import columnar

        meta, lazy = columnar.scan(source.path, source.kind)
        goals = meta.pop("goals", [])
        return Table(source.path, meta, goals if isinstance(goals, list) else [], lazy)

    from dutycli.store import cache, readback
    from dutycli.store.frames import frame_from_records

    if readback.kind_of(source.path) is not None:
        data = records(source)
        return Table(data.path, data.meta, data.goals, frame_from_records(data.tasks))
    cached = cache.lookup(source.path, source.raw)
    if cached is not None:
        header, frame = cached
        return Table(source.path, header["meta"], header["goals"], frame)
    data = records(source)
    frame = frame_from_records(data.tasks)
    cache.store(source.path, source.raw, {"meta": data.meta, "goals": data.goals}, frame)
    return Table(data.path, data.meta, data.goals, frame)


def records(source: Source) -> Dataset:
    """The validated task records of a file read whole: a YAML dataset, or dutycli's own
    CSV/TSV/JSON/JSONL export read back. A columnar file is a DataError (it is scanned)."""
    from dutycli.store import readback, yaml_file

    if source.kind is not None:
        raise DataError(
            t("{path}: is a {kind} file, not a YAML dataset", path=source.path, kind=source.kind)
        )
    flat_kind = readback.kind_of(source.path)
    if flat_kind is not None:
        return readback.parse(source.path, source.raw, flat_kind)
    return yaml_file.parse(source.path, source.raw)


def read_dataset(path: Path) -> Dataset:
    """A dataset file read whole and validated (YAML, or an export read back)."""
    return records(read(path))


def load(path: Path | None) -> Table:
    return table(read(path or default_path()))
