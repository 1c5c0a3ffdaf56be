"""The progress store (督办): every answer units gave, kept in one SQLite file, append-only.

SQLite (standard library) because several clerks may collect at once and the history runs for
years: a collect is one transaction (all its answers land, or none: a collect killed midway
leaves the store as it was), a second collect waits for the first (``BUSY_SECONDS``), and any
tool reads the file. Nothing is ever updated or deleted: a new answer for a task and period is
a new version.

Where: ``--store PATH``, else ``<dataset>.progress.sqlite`` beside the dataset file, else (the
shipped dataset, a folder) ``progress.sqlite`` in dutycli's data folder.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from dutycli.errors import DataError
from dutycli.i18n import t

if TYPE_CHECKING:
    import polars as pl

SCHEMA_VERSION = 1
BUSY_SECONDS = 60  # a collect waits this long for another clerk's collect to finish
STORE_SUFFIX = ".progress.sqlite"

# What a unit writes for a task: the form's columns to fill, in order.
ANSWER_FIELDS = ("progress", "status", "problems", "next_steps", "reporter", "phone")
# The statuses a form offers (a drop-down), in order.
STATUSES = ("未启动", "推进中", "已完成", "滞后", "无法完成")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
    id INTEGER PRIMARY KEY,
    dataset TEXT NOT NULL,
    period TEXT NOT NULL,
    unit TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    collected_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id),
    dataset TEXT NOT NULL,
    period TEXT NOT NULL,
    unit TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    task_sha256 TEXT NOT NULL,
    version INTEGER NOT NULL,
    progress TEXT NOT NULL,
    status TEXT NOT NULL,
    problems TEXT NOT NULL,
    next_steps TEXT NOT NULL,
    reporter TEXT NOT NULL,
    phone TEXT NOT NULL,
    UNIQUE (dataset, period, unit, task_id, version)
);
CREATE INDEX IF NOT EXISTS answers_task ON answers (dataset, period, unit, task_id);
CREATE INDEX IF NOT EXISTS collections_file ON collections (file_sha256);
"""


@dataclass(frozen=True)
class Answer:
    """One task's row of a filled form."""

    task_id: int
    task_sha256: str  # of the task text the form was made with (``task_hash``)
    progress: str = ""
    status: str = ""
    problems: str = ""
    next_steps: str = ""
    reporter: str = ""
    phone: str = ""

    def said(self) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in ANSWER_FIELDS)


@dataclass(frozen=True)
class Form:
    """Where a set of answers came from."""

    dataset: str  # the dataset's name (``wujin-2019``)
    period: str  # ``2019Q1``
    unit: str
    file_name: str
    file_sha256: str


@dataclass
class Recorded:
    """What one collect of one form changed."""

    already: bool = False  # the very same file was collected before: nothing written
    new: list[int] = field(default_factory=list)  # task ids answered for the first time
    changed: list[int] = field(default_factory=list)  # a second, different answer: a version
    same: list[int] = field(default_factory=list)  # the answer the store already had


def task_hash(text: str) -> str:
    """The fingerprint of a task text a form carries, to catch a form whose text was edited."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_path(dataset: Path) -> Path:
    """The store of a dataset file: beside it when that folder is writable, else in dutycli's
    data folder (the shipped dataset lives inside the installed package)."""
    if dataset.is_file() and os.access(dataset.parent, os.W_OK):
        return dataset.with_name(dataset.name.split(".")[0] + STORE_SUFFIX)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local/share")
    return Path(base) / "dutycli" / ("progress" + STORE_SUFFIX)


@contextmanager
def connect(path: Path, create: bool = True) -> Iterator[sqlite3.Connection]:
    """The store, its schema made if new; one-line DataErrors for what SQLite refuses."""
    if not create and not path.is_file():
        raise DataError(
            t("{path}: no progress store yet (run dutycli progress collect)", path=path)
        )
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise DataError(
            t("{path}: cannot open the progress store: {reason}", path=path, reason=exc)
        ) from None
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        if create:
            connection.executescript(_SCHEMA)
            connection.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        version = connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if version is None or int(version[0]) > SCHEMA_VERSION:
            raise DataError(t("{path}: not a progress store this dutycli can read", path=path))
        yield connection
    except sqlite3.DatabaseError as exc:
        raise DataError(
            t("{path}: cannot use the progress store: {reason}", path=path, reason=exc)
        ) from None
    finally:
        connection.close()


def record(path: Path, form: Form, answers: list[Answer]) -> Recorded:
    """Add a collected form's answers in one transaction: a file collected before changes
    nothing; an answer equal to the task's latest for that period and unit adds nothing; a
    different one is added as the next version (and reported as changed), never over the old."""
    outcome = Recorded()
    with connect(path) as db:
        db.execute("BEGIN IMMEDIATE")  # one collect at a time writes; the others wait
        try:
            seen = db.execute(
                "SELECT 1 FROM collections WHERE file_sha256 = ? AND dataset = ? AND period = ?"
                " AND unit = ?",
                (form.file_sha256, form.dataset, form.period, form.unit),
            ).fetchone()
            if seen:
                db.execute("ROLLBACK")
                outcome.already = True
                return outcome
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            collection = db.execute(
                "INSERT INTO collections (dataset, period, unit, file_name, file_sha256,"
                " collected_at) VALUES (?, ?, ?, ?, ?, ?)",
                (form.dataset, form.period, form.unit, form.file_name, form.file_sha256, now),
            ).lastrowid
            for answer in answers:
                latest = db.execute(
                    f"SELECT version, {', '.join(ANSWER_FIELDS)} FROM answers WHERE dataset = ?"
                    " AND period = ? AND unit = ? AND task_id = ? ORDER BY version DESC LIMIT 1",
                    (form.dataset, form.period, form.unit, answer.task_id),
                ).fetchone()
                if latest is not None and tuple(latest[1:]) == answer.said():
                    outcome.same.append(answer.task_id)
                    continue
                version = 1 if latest is None else latest[0] + 1
                (outcome.new if latest is None else outcome.changed).append(answer.task_id)
                db.execute(
                    "INSERT INTO answers (collection_id, dataset, period, unit, task_id,"
                    f" task_sha256, version, {', '.join(ANSWER_FIELDS)})"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        collection,
                        form.dataset,
                        form.period,
                        form.unit,
                        answer.task_id,
                        answer.task_sha256,
                        version,
                        *answer.said(),
                    ),
                )
            _pause_for_tests()
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    return outcome


def _pause_for_tests() -> None:
    """Only for the tests of a collect killed midway: with ``_DUTYCLI_PAUSE_BEFORE_COMMIT``
    set to a path, the answers are written but not committed, that file is made and the
    collect waits, to be killed there."""
    marker = os.environ.get("_DUTYCLI_PAUSE_BEFORE_COMMIT")
    if marker:
        import time

        Path(marker).touch()
        time.sleep(60)


# The columns of ``answers_frame``: every version of every answer, with where it came from.
ANSWER_COLUMNS = (
    *("dataset", "period", "unit", "task_id", "task_sha256", "version"),
    *ANSWER_FIELDS,
    *("file_name", "file_sha256", "collected_at"),
)


def answers_frame(path: Path, latest_only: bool = False) -> pl.DataFrame:
    """Every answer in the store (or only each task's latest version per period and unit),
    ordered by dataset, period, unit, task and version."""
    import polars as pl

    schema = {name: pl.String for name in ANSWER_COLUMNS} | {
        "task_id": pl.Int64,
        "version": pl.Int64,
    }
    if not path.is_file():
        return pl.DataFrame(schema=schema)
    latest = (
        " WHERE a.version = (SELECT MAX(b.version) FROM answers b WHERE b.dataset = a.dataset"
        " AND b.period = a.period AND b.unit = a.unit AND b.task_id = a.task_id)"
        if latest_only
        else ""
    )
    with connect(path, create=False) as db:
        rows = db.execute(
            "SELECT a.dataset, a.period, a.unit, a.task_id, a.task_sha256, a.version, "
            + ", ".join(f"a.{name}" for name in ANSWER_FIELDS)
            + ", c.file_name, c.file_sha256, c.collected_at FROM answers a"
            " JOIN collections c ON c.id = a.collection_id"
            + latest
            + " ORDER BY a.dataset, a.period, a.unit, a.task_id, a.version"
        ).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


# Answers read from SQLite a slice of row ids at a time, each column as one JSON array built
# by SQLite and decoded by Polars: no Python object per cell (a million answers in ~1 s).
_SLICE = 1 << 20


def answers_of(
    path: Path,
    datasets: list[str],
    period: str | None,
    fields: tuple[str, ...],
    tasks: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every version of the answers of ``datasets`` (of ``period`` only, if given): columns
    dataset, period, unit, task_id, version and ``fields`` (of ``ANSWER_FIELDS``), in the
    store's order. Only what a query needs is read, and kept in the cache (answers_cache)
    for the next query while the store is unchanged; with ``tasks`` (columns dataset,
    task_id), only the answers of those tasks are returned (and held)."""
    import polars as pl

    columns = ("dataset", "period", "unit", "task_id", "version", *fields)
    schema = {name: pl.String for name in columns} | {"task_id": pl.Int64, "version": pl.Int64}
    if not path.is_file() or not datasets:
        return pl.DataFrame(schema=schema)
    where = f"dataset IN ({', '.join('?' * len(datasets))})"
    given: list[object] = list(datasets)
    if period is not None:
        where += " AND period = ?"
        given.append(period)
    from dutycli.progress import answers_cache

    arrays = ", ".join(f"json_group_array({name})" for name in columns)
    query = {"datasets": datasets, "period": period, "fields": list(fields)}
    parts = []
    with connect(path, create=False) as db:
        db.execute("BEGIN")  # one snapshot: the ids that key the cache, then the rows read
        low, high = db.execute("SELECT min(id), max(id) FROM answers").fetchone()
        forms = db.execute("SELECT max(id) FROM collections").fetchone()[0]
        key = answers_cache.key_of(path, (high, forms), query)
        cached = answers_cache.lookup(key)
        if cached is not None and cached.collect_schema() == pl.Schema(schema):
            db.execute("COMMIT")
            if tasks is not None:
                cached = cached.join(tasks.lazy(), on=["dataset", "task_id"], how="semi")
            return cached.collect()
        for start in range(low or 0, (high or -1) + 1, _SLICE):
            found = db.execute(
                f"SELECT count(*), {arrays} FROM answers WHERE {where} AND id >= ? AND id < ?",
                (*given, start, start + _SLICE),
            ).fetchone()
            if found[0]:
                parts.append(
                    pl.DataFrame(
                        {
                            name: pl.Series([text]).str.json_decode(pl.List(kind)).explode()
                            for (name, kind), text in zip(schema.items(), found[1:], strict=True)
                        }
                    )
                )
        db.execute("COMMIT")
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    answers_cache.keep(key, frame)
    if tasks is not None:
        frame = frame.join(tasks, on=["dataset", "task_id"], how="semi")
    return frame


def collections_frame(path: Path) -> pl.DataFrame:
    """Every form collected: dataset, period, unit, file name and hash, time."""
    import polars as pl

    columns = ("dataset", "period", "unit", "file_name", "file_sha256", "collected_at")
    schema = {name: pl.String for name in columns}
    if not path.is_file():
        return pl.DataFrame(schema=schema)
    with connect(path, create=False) as db:
        rows = db.execute(f"SELECT {', '.join(columns)} FROM collections ORDER BY id").fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


__all__ = [
    "ANSWER_COLUMNS",
    "ANSWER_FIELDS",
    "STATUSES",
    "Answer",
    "Form",
    "Recorded",
    "answers_frame",
    "answers_of",
    "collections_frame",
    "connect",
    "default_path",
    "record",
    "task_hash",
]
