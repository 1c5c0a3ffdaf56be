"""Parquet and Arrow IPC datasets: scanned lazily, validated against the task schema, written.

A large dataset is not loaded: Polars scans it, so a query reads only the columns (and
rows) it needs. The dataset's metadata (title, label, goals...) travels in the Parquet
file's key-value metadata under ``dutycli``; an IPC file carries the tasks only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dutycli.errors import DataError, unreadable
from dutycli.i18n import t
from dutycli.schema import SPARSE_FIELDS, TASK_FIELDS
from dutycli.store.validation import kind_word

if TYPE_CHECKING:
    import polars as pl

LABELS = {"parquet": "Parquet", "ipc": "Arrow IPC"}
META_KEY = "dutycli"


# How each kind of field is described in errors, as the YAML validation says it.


def scan(path: Path, kind: str) -> tuple[dict[str, Any], pl.LazyFrame]:
    """The dataset's metadata and a lazy frame of its tasks in schema order."""
    import polars as pl

    from dutycli.store.frames import task_schema

    label = LABELS[kind]
    try:
        frame = pl.scan_parquet(path) if kind == "parquet" else pl.scan_ipc(path)
        schema = frame.collect_schema()
        meta = _parquet_meta(path) if kind == "parquet" else {}
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise unreadable(path, label, exc) from None
    expected = task_schema()
    for name in schema:
        if name not in expected:
            raise DataError(
                t(
                    "{path}: unknown field {name!r}; valid fields: {names}",
                    path=path,
                    name=name,
                    names=", ".join(TASK_FIELDS),
                )
            )
    absent = [name for name in SPARSE_FIELDS if name not in schema]  # written before them
    for name, dtype in expected.items():
        if name in absent:
            continue
        if name not in schema:
            raise DataError(
                t(
                    "{path}: missing field {name!r} (a {label} dataset needs every field)",
                    path=path,
                    name=name,
                    label=label,
                )
            )
        if schema[name] != dtype:
            raise DataError(
                t(
                    "{path}: field {name!r} must be {kind} ({dtype}), got {schema}",
                    path=path,
                    name=name,
                    kind=kind_word(TASK_FIELDS[name]),
                    dtype=dtype,
                    schema=schema[name],
                )
            )
    if absent:
        frame = frame.with_columns(pl.lit("", dtype=pl.String).alias(name) for name in absent)
    tasks = frame.select(list(TASK_FIELDS))
    from dutycli.store import cache

    if not cache.checked(path):
        check_values(path, tasks, label)
        cache.remember_checked(path)
    return meta, tasks


# A name of letters and digits, with brackets that close (to two levels), is always one name
# as the importer makes them, in any list; a list holding any other name (a separator, a
# space, an empty name, a bracket left open) is checked in Python (names.name_list_fault).
_PLAIN = r"[\p{L}\p{N}]"
_GOOD_NAME = f"^(?:{_PLAIN}|[)）]|[(（](?:{_PLAIN}|[(（]{_PLAIN}*[)）])*[)）])+$"


def check_values(path: Path, tasks: pl.LazyFrame, label: str) -> None:
    """What the YAML loader checks beyond types: every field given, every name given and a
    name as the importer makes them, ids unique. A DataError names the file and the first
    task (row) at fault.

    This reads every column once, so a file damaged inside is also found here, not halfway
    through a query's output.
    """
    import polars as pl

    names = [name for name, kind in TASK_FIELDS.items() if kind == "names"]
    counts = [pl.col(name).null_count().alias(name) for name in TASK_FIELDS]
    # A null inside a list: the null elements left once null lists are dropped.
    counts += [
        pl.col(name).explode(keep_nulls=False).null_count().alias(f"{name}/names") for name in names
    ]
    # Ids that only grow (as every writer numbers them) are unique without hashing them all.
    counts.append((pl.col("id").diff() <= 0).any().alias("id/unsorted"))
    counts.append(_suspects(names).alias("suspect"))
    try:
        found = tasks.select(counts).collect().row(0, named=True)
        if found.pop("id/unsorted"):
            repeated = tasks.select(pl.col("id").n_unique() != pl.len()).collect().item()
            found = {"id/repeated": repeated, **found}
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        raise unreadable(path, label, exc) from None
    suspects = found.pop("suspect")
    faults = [column for column, count in found.items() if count]
    if not faults:
        if suspects:
            _check_names(path, tasks, names)
        return
    fault = faults[0]
    numbered = tasks.with_row_index("row", offset=1)
    if fault == "id/repeated":
        row, task_id = (
            numbered.filter(pl.col("id").is_duplicated())
            .filter(pl.col("id").cum_count().over("id") > 1)
            .select("row", "id")
            .head(1)
            .collect()
            .row(0)
        )
        raise DataError(
            t("{path}: task {row}: duplicate id {task_id}", path=path, row=row, task_id=task_id)
        )
    name = fault.removesuffix("/names")
    rows = numbered.select("row", name)
    if fault != name:  # found as counted: the elements of the lists that are given
        rows = rows.explode(name, keep_nulls=False)
    row = rows.filter(pl.col(name).is_null()).select("row").head(1).collect().item()
    what = t("got nothing") if fault == name else t("got a name that is nothing")
    raise DataError(
        t(
            "{path}: task {row}: field {name!r} must be {kind}, {what}",
            path=path,
            row=row,
            name=name,
            kind=kind_word(TASK_FIELDS[name]),
            what=what,
        )
    )


def _suspects(names: list[str]) -> pl.Expr:
    """How many names of these columns are not plainly good (see ``_GOOD_NAME``)."""
    import polars as pl

    return pl.sum_horizontal(
        pl.col(name).explode(keep_nulls=False).str.contains(_GOOD_NAME).not_().sum()
        for name in names
    )


def _suspect(column: str) -> pl.Expr:
    import polars as pl

    return pl.col(column).list.eval(pl.element().str.contains(_GOOD_NAME).not_()).list.any()


def _check_names(path: Path, tasks: pl.LazyFrame, names: list[str]) -> None:
    """The suspect rows' names, held to the one rule of every format (``name_list_fault``)."""
    import polars as pl

    from dutycli.names import name_list_fault

    suspect = tasks.with_row_index("row", offset=1).filter(
        pl.any_horizontal(_suspect(name) for name in names)
    )
    for row in suspect.select("row", *names).collect().iter_rows(named=True):
        for name in names:
            fault = name_list_fault(row[name])
            if fault:
                raise DataError(
                    t(
                        "{path}: task {row}: field {name!r}: {fault}",
                        path=path,
                        row=row["row"],
                        name=name,
                        fault=fault,
                    )
                )


def _parquet_meta(path: Path) -> dict[str, Any]:
    """The dataset's metadata, validated as a YAML dataset's (``validation.check_meta``)."""
    import polars as pl

    from dutycli.store.validation import check_meta

    text = pl.read_parquet_metadata(path).get(META_KEY)
    if not text:
        return {}
    try:
        meta = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, a 5,000-digit number, nested too deep
        raise DataError(
            t("{path}: the {META_KEY!r} metadata is not JSON", path=path, META_KEY=META_KEY)
        ) from None
    check_meta(path, meta)
    return meta  # type: ignore[no-any-return]


def write_frame(frame: pl.DataFrame, meta: dict[str, Any], kind: str, out: BinaryIO) -> None:
    """Tasks as Parquet (with ``meta`` in its metadata) or Arrow IPC, into ``out``."""
    if kind == "parquet":
        frame.write_parquet(out, metadata={META_KEY: json.dumps(meta, ensure_ascii=False)})
    else:
        frame.write_ipc(out, compression="uncompressed")
