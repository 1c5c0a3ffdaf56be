"""The answers a query read from a progress store, kept as Parquet in dutycli's cache folder.

Reading a million answers out of SQLite costs seconds (SQLite decodes every row); the same
answers from a Parquet file, a tenth of that. So what ``store.answers_of`` read (these
datasets, this period, these fields) is kept, and used again while the store is unchanged.

The store is append-only: every collect adds rows with higher ids. An entry is therefore
known by the store file (path, inode, size, modification time) *and* the highest answer and
collection ids it held, read from SQLite: a collect made within the same clock tick still
changes the key. Like the dataset cache, an entry carries the SHA-256 of what follows it,
checked before use: a damaged entry is a miss, never a wrong answer; any failure to read or
write one is ignored. ``DUTYCLI_CACHE_DIR`` moves it, ``DUTYCLI_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutycli import __version__
from dutycli.locations import cache_dir, file_key, mark_used
from dutycli.store.cache import read_sealed, sealed, write_entry

if TYPE_CHECKING:
    import polars as pl

_MAGIC = b"dutycli-answers 1\n"  # then the SHA-256 (hex) of the rest, the key, the Parquet


def key_of(path: Path, marks: tuple[Any, ...], query: dict[str, Any]) -> dict[str, Any] | None:
    """What identifies the answers of ``query`` in the store at ``path`` holding rows up to
    ``marks`` (its highest answer and collection ids); None when it cannot be cached."""
    found = file_key(str(path), settled=False)
    if found is None:
        return None
    return {**found, "marks": list(marks), "query": query, "dutycli": __version__}


def _entry(key: dict[str, Any]) -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    name = hashlib.sha256(json.dumps(key["query"], sort_keys=True).encode()).hexdigest()[:16]
    source = hashlib.sha256(str(key["source"]).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(base) / "progress" / f"{source[:16]}-{name}.parquet"


def lookup(key: dict[str, Any] | None) -> pl.LazyFrame | None:
    """The cached answers for ``key`` (checked, read lazily from memory), or None."""
    entry = _entry(key) if key is not None else None
    if entry is None:
        return None
    try:
        found = read_sealed(entry, _MAGIC)
        if found is None:
            return None  # none, not an entry of this kind, or damaged since it was written
        _, rest, used = found
        header, payload = bytes(rest).split(b"\n", 1)
        if json.loads(header) != key:
            return None
        import polars as pl

        frame = pl.scan_parquet(io.BytesIO(payload))
        frame.collect_schema()  # a Parquet file Polars cannot read is a miss too
    except Exception:  # a missing, partial or foreign cache file is simply not used
        return None
    mark_used(str(entry), used)
    return frame


def keep(key: dict[str, Any] | None, frame: pl.DataFrame) -> None:
    """Write the entry atomically; silently do nothing when that is not possible."""
    entry = _entry(key) if key is not None else None
    if entry is None:
        return
    try:
        payload = io.BytesIO()
        frame.write_parquet(payload, statistics=False)
        rest = json.dumps(key).encode("utf-8") + b"\n" + payload.getvalue()
        write_entry(entry, sealed(_MAGIC, rest))
    except Exception:
        pass  # a cache that cannot be written only costs the next query a read of the store
