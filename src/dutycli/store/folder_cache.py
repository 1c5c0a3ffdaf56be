"""One cache entry for a whole ``--data`` folder: every dataset's tasks as one Parquet file.

A folder of many datasets (every district's table for several years: a thousand files) costs,
file by file, an open, a hash, a cache lookup, a metadata parse and a check each, then a
concatenation of a thousand frames. Here the folder is kept as one entry instead: its datasets'
tasks, already validated, with the ``dataset`` column, as one Parquet file that a query scans
like a single Parquet dataset (reading only the columns and rows it needs), and a header
naming every file with its metadata, goals, row count and what identifies its content.

When is a file unchanged? Its **stat**: size, modification time, status-change time (ctime),
inode and device all as recorded, and recorded only once the file had not changed for
``locations.SETTLE_SECONDS``. Every write, truncation, rename over it, ``chmod`` or ``touch``
(and ``os.utime`` setting an old modification time back) sets the ctime to the current time,
which no program can set back; so a changed file shows another stat, and only a change within
the same clock tick as the recording could be missed, which the settling rule excludes. A file
whose stat changed is read and hashed (SHA-256): the same content (a ``touch``, a copy back)
keeps its rows; other content is read and validated again, that file alone. On Windows, whose
``st_ctime`` is the creation time, the stat is never trusted: every file is hashed on every run.

The entry is used only by the same dutycli with the same task fields, and carries the SHA-256
of its header and tasks, checked before use: a damaged entry is a miss, rebuilt. Anything that
cannot be cached (no cache folder, a folder larger than ``MAX_YAML_BYTES`` of YAML or
``MAX_COLUMNAR_BYTES`` of Parquet and Arrow IPC, metadata JSON cannot hold) leaves the folder
to be read file by file (``collection``), as before; a cache that cannot be written is ignored.

Like every reader of datasets, ``prepare`` reads all it needs (the entry, the changed files)
before ``build`` imports Polars (see ``store.loader``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutycli import __version__
from dutycli.locations import (
    DATASET_KINDS,
    SETTLE_SECONDS,
    cache_file,
    dataset_name,
    mark_used,
)
from dutycli.schema import DATASET_FIELD, TASK_FIELDS
from dutycli.store import loader
from dutycli.store.cache import read_sealed, sealed, write_entry

if TYPE_CHECKING:
    import polars as pl

    from dutycli.store.loader import Source, Table

_MAGIC = b"dutycli-folder 1\n"  # then the SHA-256 (hex) of the rest, the header line, Parquet
# Beyond these totals a folder is read file by file: its tasks as Parquet could outgrow a
# cache entry (locations.CACHE_MAX_BYTES), and a large Parquet file is best scanned in place.
MAX_YAML_BYTES = 4 << 30  # YAML holds tasks in about 30 times the bytes of Parquet
MAX_COLUMNAR_BYTES = 256 << 20
# Is a file's stat proof that it is unchanged? Not where st_ctime is the creation time.
TRUST_STAT = os.name != "nt"


@dataclass
class Plan:
    """What ``prepare`` found: the entry's state and every file as reused or to be read."""

    root: Path
    paths: list[Path]
    entry: Path
    key: dict[str, Any]
    header: dict[str, Any] | None  # the entry's header, when it is usable
    payload: bytes  # the entry's Parquet bytes (b"" without an entry)
    files: list[dict[str, Any]]  # per path: name, stat, sha256 (the new header's records)
    reused: list[dict[str, Any] | None]  # per path: the entry's record of the same content
    sources: dict[int, Source] = field(default_factory=dict)  # the files read again

    @property
    def same_tasks(self) -> bool:
        """Whether the entry holds every dataset's tasks as they are, in the folder's order."""
        return (
            self.header is not None
            and [r["name"] for r in self.header["files"]] == [p.name for p in self.paths]
            and all(r is not None for r in self.reused)
        )


def prepare(root: Path, paths: list[Path]) -> Plan | None:
    """The plan for a folder of several datasets, or None to read it file by file.

    Reads the entry, stats every file, and reads (``loader.read``, with its errors) and hashes
    each file that is not known unchanged. Polars is not imported here.
    """
    source = os.path.abspath(root)
    found = cache_file("folders", source, ".parquet")
    if found is None or len(paths) < 2:
        return None
    stats = []
    yaml_bytes = columnar_bytes = 0
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            return None  # gone since listed: the file-by-file reading words it
        stats.append(info)
        if DATASET_KINDS.get(path.suffix.lower(), "yaml") != "yaml":
            columnar_bytes += info.st_size
        else:
            yaml_bytes += info.st_size
    if yaml_bytes > MAX_YAML_BYTES or columnar_bytes > MAX_COLUMNAR_BYTES:
        return None
    key = {"source": source, "dutycli": __version__, "fields": TASK_FIELDS}
    header, payload = _read_entry(Path(found), key)
    known = {r["name"]: r for r in header["files"]} if header is not None else {}
    plan = Plan(root, paths, Path(found), key, header, payload, [], [])
    now = time.time_ns()
    for index, (path, info) in enumerate(zip(paths, stats, strict=True)):
        record: dict[str, Any] = {"name": path.name, "stat": _stat(info, now), "sha256": None}
        old = known.get(path.name)
        if old is not None and record["stat"] is not None and old["stat"] == record["stat"]:
            record["sha256"] = old["sha256"]
        else:
            read = loader.read(path)
            plan.sources[index] = read
            record["sha256"] = _digest(read)
            if old is None or old["sha256"] != record["sha256"]:
                old = None
        plan.files.append(record)
        plan.reused.append(old)
    return plan


def build(plan: Plan) -> tuple[list[Table], pl.DataFrame | pl.LazyFrame]:
    """The folder's tables and its tasks as one frame; the entry is rewritten when anything
    changed (only its header when no dataset's tasks did: a ``touch``)."""
    import polars as pl

    if plan.same_tasks and plan.header is not None:
        files = [
            {**record, **{k: old[k] for k in ("rows", "meta", "goals")}}
            for record, old in zip(plan.files, plan.header["files"], strict=True)
        ]
        if files != plan.header["files"]:
            _write_entry(plan.entry, {"key": plan.key, "files": files}, plan.payload)
        frame = pl.scan_parquet(plan.payload)
        return _tables(plan, files, frame), frame
    pieces, files = _pieces(plan)
    tasks = pl.concat(pieces, rechunk=False)
    buffer = io.BytesIO()
    tasks.write_parquet(buffer)
    _write_entry(plan.entry, {"key": plan.key, "files": files}, buffer.getvalue())
    return _tables(plan, files, tasks.lazy()), tasks


def _pieces(plan: Plan) -> tuple[list[pl.DataFrame], list[dict[str, Any]]]:
    """Every dataset's tasks (labelled) in folder order, and the new header's file records."""
    import polars as pl

    old = None
    if plan.header is not None and any(r is not None for r in plan.reused):
        old = pl.read_parquet(plan.payload)
    offsets: dict[str, int] = {}
    if plan.header is not None:
        start = 0
        for record in plan.header["files"]:
            offsets[record["name"]] = start
            start += record["rows"]
    pieces = []
    files = []
    for index, (path, record) in enumerate(zip(plan.paths, plan.files, strict=True)):
        reused = plan.reused[index]
        if reused is not None and old is not None:
            piece = old.slice(offsets[reused["name"]], reused["rows"])
            meta, goals = reused["meta"], reused["goals"]
        else:
            source = plan.sources.pop(index)  # its bytes freed once parsed
            table = _load(source)
            meta, goals = table.meta, table.goals
            label = pl.lit(dataset_name(str(path)), dtype=pl.String).alias(DATASET_FIELD)
            frame = table.frame.select(label, pl.all())
            piece = _collected(frame, source) if isinstance(frame, pl.LazyFrame) else frame
        pieces.append(piece)
        files.append({**record, "rows": piece.height, "meta": meta, "goals": goals})
    return pieces, files


def _collected(frame: pl.LazyFrame, source: Source) -> pl.DataFrame:
    """A scanned file's tasks read whole; a file damaged inside is a one-line error."""
    import polars as pl

    from dutycli.errors import unreadable
    from dutycli.store.columnar import LABELS

    try:
        return frame.collect()
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, OSError) as exc:
        raise unreadable(source.path, LABELS[source.kind or "parquet"], exc) from None


def _load(source: Source) -> Table:
    """A file read again: a columnar one scanned and checked (``loader.table``), a YAML one
    parsed and validated, without a per-file cache entry (the folder's entry holds it)."""
    if source.kind is not None:
        return loader.table(source)
    from dutycli.store.frames import frame_from_records
    from dutycli.store.loader import Table

    data = loader.records(source)
    return Table(data.path, data.meta, data.goals, frame_from_records(data.tasks))


def _tables(plan: Plan, files: list[dict[str, Any]], frame: pl.LazyFrame) -> list[Table]:
    """A Table per dataset: its metadata, and its rows of the folder's frame (lazily)."""
    from dutycli.store.loader import Table

    tables = []
    start = 0
    for path, record in zip(plan.paths, files, strict=True):
        rows = frame.slice(start, record["rows"]).drop(DATASET_FIELD)
        tables.append(Table(path, record["meta"], record["goals"], rows))
        start += record["rows"]
    return tables


def _stat(info: os.stat_result, now: int) -> list[int] | None:
    """What identifies a file's content while unchanged (see the module's docstring); None
    when it may still be changing (within SETTLE_SECONDS) or where a stat proves nothing."""
    if not TRUST_STAT or max(info.st_mtime_ns, info.st_ctime_ns) > now - SETTLE_SECONDS * 10**9:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _digest(source: Source) -> str:
    if source.kind is None:
        return hashlib.sha256(source.raw).hexdigest()
    digest = hashlib.sha256()
    with open(source.path, "rb") as handle:  # a regular file: loader.read checked it
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _read_entry(entry: Path, key: dict[str, Any]) -> tuple[dict[str, Any] | None, bytes]:
    """The entry's header and Parquet bytes, or (None, b"") for a missing, damaged or
    foreign one."""
    try:
        found = read_sealed(entry, _MAGIC)
        if found is None:
            return None, b""
        data, rest, used = found
        # Found by index, not split: the tasks (megabytes) are copied once, not three times.
        start = len(data) - len(rest)
        end = data.index(b"\n", start)
        header = json.loads(data[start:end])
        payload = data[end + 1 :]
        if header.get("key") != key:
            return None, b""
        goals = header.pop("goals")  # each list of goals once: tables share them
        for record in header["files"]:
            record["goals"] = goals[record["goals"]]
    except Exception:  # a partial or foreign entry is simply not used
        return None, b""
    mark_used(str(entry), used)
    return header, payload


def _write_entry(entry: Path, header: dict[str, Any], payload: bytes) -> None:
    """Write the entry atomically; silently do nothing when that is not possible."""
    try:
        goals: dict[str, int] = {}
        files = []
        for record in header["files"]:
            text = json.dumps(record["goals"], ensure_ascii=False)
            files.append({**record, "goals": goals.setdefault(text, len(goals))})
        stored = {**header, "files": files, "goals": [json.loads(text) for text in goals]}
        line = json.dumps(stored, ensure_ascii=False)
        if json.loads(line) != stored:
            return  # metadata JSON cannot hold exactly: read the folder file by file
        write_entry(entry, sealed(_MAGIC, line.encode("utf-8") + b"\n" + payload))
    except Exception:
        pass  # a cache that cannot be written only costs the next run the reading
