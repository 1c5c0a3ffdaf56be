"""A compact cache of parsed YAML datasets, so a one-off query does not parse YAML again.

Parsing and validating the shipped table's YAML is the largest cost of a query that is
dutycli's own. A validated dataset is therefore kept as an Arrow IPC frame (plus its
metadata) in the user's cache directory. It is used only when the dataset file has the
same size, modification time *and* content hash as when the cache was written, by the same
dutycli version with the same task fields; otherwise the YAML is parsed as usual. The cache
is never written next to a dataset, and any failure to read or write it is ignored: a cache
can make a query faster, never make it fail or answer differently. So every entry carries
the SHA-256 of what follows it (metadata and frame), checked before use: a damaged entry (a
flipped bit, a truncated write, an edit) is a miss, never a wrong answer.

Only regular files are cached (a pipe's content is gone once read, see
``locations.file_key``), and each folder of the cache is bounded by ``locations.prune_cache``
(entries, bytes, age; least recently used first), so caches of temporary files do not pile up.

``DUTYCLI_CACHE_DIR`` moves the cache; ``DUTYCLI_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutycli import __version__
from dutycli.files import write_atomically
from dutycli.locations import cache_file, file_key, mark_used, prune_cache, read_cache_entry
from dutycli.schema import TASK_FIELDS

if TYPE_CHECKING:
    import polars as pl

_MAGIC = b"dutycli-cache 2\n"  # then the SHA-256 (hex) of the rest, the header, the frame
_DOCUMENT = b"dutycli-document 1\n"  # then the SHA-256 (hex) of the rest, the JSON


def _key(path: Path, raw: bytes | None = None) -> dict[str, Any] | None:
    """What identifies a dataset file for the cache, by this dutycli with these fields.

    A YAML file is read whole anyway, so its content hash is part of it (``raw``), and it may
    be cached at once. A Parquet file is not read whole to hash it (that is the cost its check
    verdict saves): it is known by its inode, once it has settled (see locations.file_key).
    """
    key = file_key(str(path), settled=raw is None)
    if key is None:
        return None
    if raw is not None:
        key["sha256"] = hashlib.sha256(raw).hexdigest()
    return {**key, "dutycli": __version__, "fields": TASK_FIELDS}


def _written_key(path: Path) -> dict[str, Any] | None:
    """``_key`` of a columnar file, settled or not."""
    found = file_key(str(path), settled=False)
    return {**found, "dutycli": __version__, "fields": TASK_FIELDS} if found else None


def _entry(kind: str, key: dict[str, Any] | None, suffix: str) -> Path | None:
    found = cache_file(kind, str(key["source"]), suffix) if key is not None else None
    return Path(found) if found is not None else None


def lookup(path: Path, raw: bytes) -> tuple[dict[str, Any], pl.DataFrame] | None:
    """The cached (header, frame) for this exact file content, or None."""
    key = _key(path, raw)
    entry = _entry("datasets", key, ".arrow")
    if entry is None:
        return None
    try:
        found = read_sealed(entry, _MAGIC)
        if found is None:
            return None
        _, rest, used = found
        header_line, payload = bytes(rest).split(b"\n", 1)
        header = json.loads(header_line)
        if header.get("key") != key:
            return None
        import polars as pl

        frame = pl.read_ipc(io.BytesIO(payload))
    except Exception:  # a missing, partial or foreign cache file is simply not used
        return None
    mark_used(str(entry), used)
    return header, frame


def store(path: Path, raw: bytes, header: dict[str, Any], frame: pl.DataFrame) -> None:
    """Write the cache entry atomically; silently do nothing when that is not possible."""
    key = _key(path, raw)
    entry = _entry("datasets", key, ".arrow")
    if entry is None:
        return
    try:
        text = json.dumps({**header, "key": key}, ensure_ascii=False)
        if json.loads(text) != {**header, "key": key}:
            return  # metadata JSON cannot hold exactly: parse YAML each time
        payload = io.BytesIO()
        frame.write_ipc(payload)
        write_entry(entry, sealed(_MAGIC, text.encode("utf-8") + b"\n" + payload.getvalue()))
    except Exception:
        pass  # a cache that cannot be written only costs the next run a parse


def sealed(magic: bytes, rest: bytes) -> bytes:
    """An entry's bytes: ``magic`` (one line), the SHA-256 (hex) of ``rest`` on a line, then
    ``rest``. Every cache of dutycli writes its entries so (``unsealed`` reads them)."""
    return magic + hashlib.sha256(rest).hexdigest().encode("ascii") + b"\n" + rest


def unsealed(magic: bytes, data: bytes) -> memoryview | None:
    """What ``sealed`` wrapped, or None for another kind of entry or one damaged since it was
    written (its checksum does not match): a miss, never a wrong answer. A view, not a copy:
    an entry may hold megabytes of tasks."""
    start = len(magic)
    end = data.find(b"\n", start)
    if not data.startswith(magic) or end < 0:
        return None
    rest = memoryview(data)[end + 1 :]
    if hashlib.sha256(rest).hexdigest().encode("ascii") != data[start:end]:
        return None
    return rest


def read_sealed(entry: Path, magic: bytes) -> tuple[bytes, memoryview, int] | None:
    """An entry's bytes, what ``sealed`` wrapped in them, and when it was last marked used;
    None when it is missing, of another kind or damaged (``unsealed``)."""
    found = read_cache_entry(str(entry))
    if found is None:
        return None
    data, used = found
    rest = unsealed(magic, data)
    return None if rest is None else (data, rest, used)


def write_entry(entry: Path, content: bytes) -> None:
    """Write an entry atomically; a new one may push the oldest out of its folder."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    new = not entry.exists()
    write_atomically(entry, lambda out: out.write(content), durable=False)
    if new:
        prune_cache(str(entry.parent))


# --- small YAML files (aliases): the parsed document -----------------------------------


def lookup_document(kind: str, path: Path, raw: bytes) -> tuple[Any] | None:
    """The YAML document parsed from exactly these bytes (in a 1-tuple: it may be None),
    or None when not cached: a query then needs no PyYAML for its aliases file."""
    key = _key(path, raw)
    entry = _entry(kind, key, ".json")
    if entry is None:
        return None
    try:
        found = read_sealed(entry, _DOCUMENT)
        if found is None:
            return None
        _, rest, used = found
        content = json.loads(bytes(rest))
        if content["key"] != key:
            return None
    except Exception:  # missing, partial or foreign: parse the file
        return None
    mark_used(str(entry), used)
    return (content["document"],)


def store_document(kind: str, path: Path, raw: bytes, document: Any) -> None:
    """Keep a parsed document that JSON holds exactly; silently nothing otherwise."""
    key = _key(path, raw)
    entry = _entry(kind, key, ".json")
    if entry is None:
        return
    try:
        content = {"key": key, "document": document}
        rest = json.dumps(content, ensure_ascii=False).encode("utf-8")
        if json.loads(rest) != content:
            return  # not JSON's own values (a date, a set): parsed each time
        write_entry(entry, sealed(_DOCUMENT, rest))
    except Exception:
        pass


# --- columnar datasets: the verdict of a full check ------------------------------------


def checked(path: Path) -> bool:
    """Whether this file, unchanged, already passed ``columnar.check_values``.

    Asked of an unsettled file too: a verdict is kept only for a settled file, whose next
    change moves its time, or for one dutycli has just written (``remember_checked``)."""
    key = _written_key(path)
    entry = _entry("checked", key, ".json")
    if entry is None:
        return False
    try:
        found = read_cache_entry(str(entry))
        if found is None or json.loads(found[0].decode("utf-8")) != key:
            return False
        mark_used(str(entry), entry.stat().st_mtime_ns)
    except Exception:  # no verdict yet, or an unusable one: check the file again
        return False
    return True


def remember_checked(path: Path, written: bool = False) -> None:
    """Keep the verdict that ``path`` passed the check; ``written``: dutycli has just written
    it from validated tasks, so its content is known though it has not settled yet."""
    key = _written_key(path) if written else _key(path)
    entry = _entry("checked", key, ".json")
    if entry is None:
        return
    # The verdict is the key itself, compared whole on use: any damage is a miss. Not
    # written, the next run checks the file again.
    with contextlib.suppress(Exception):
        write_entry(entry, json.dumps(key, ensure_ascii=False).encode("utf-8"))
