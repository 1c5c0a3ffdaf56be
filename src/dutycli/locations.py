"""Where dutycli finds its files: the shipped dataset, a --data folder's datasets, the caches.

The full program and the completion fast path both use this module, so there is one way to
find a dataset and one way to key a cache entry. Standard library only, and nothing imported
that ``os`` does not already bring: every TAB re-runs the fast path.
"""

from __future__ import annotations

import os
import stat as stat_module  # already loaded by os

# Files a --data folder holds as datasets, and the format each suffix names when writing.
DATASET_KINDS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".arrow": "ipc",
    ".ipc": "ipc",
    ".feather": "ipc",
}
DATASET_SUFFIXES = tuple(DATASET_KINDS)
# A file is read as Parquet or Arrow IPC by its first bytes, whatever its name; else as YAML.
COLUMNAR_MAGIC = {b"PAR1": "parquet", b"ARROW1": "ipc"}
# The aliases file beside the data, looked for in this order; never read as a dataset.
ALIASES_FILES = ("aliases.yaml", "aliases.yml")
DEFAULT_DATASET = "wujin-2019.yaml"
# A file changed within this many seconds may change again unseen by its mtime (the clock's
# granularity): the caches keep nothing about it until it has settled.
SETTLE_SECONDS = 2
# Each folder of the cache (datasets/, checked/, completion/) keeps at most this many entries
# and bytes, and nothing unused for CACHE_MAX_AGE_DAYS: the oldest go first when an entry is
# added (prune_cache). An entry's modification time is the last time it was used, to the day.
CACHE_MAX_ENTRIES = 500
CACHE_MAX_BYTES = 512 * 1024 * 1024
CACHE_MAX_AGE_DAYS = 60
_DAY_NS = 86_400 * 1_000_000_000


def columnar_kind(start: bytes) -> str | None:
    """'parquet' or 'ipc' for a file starting with ``start`` (its first 8 bytes), else None."""
    for magic, kind in COLUMNAR_MAGIC.items():
        if start.startswith(magic):
            return kind
    return None


def default_dataset() -> str:
    """The shipped 2019 dataset: inside the installed package, or data/ in a source checkout."""
    # The package is a plain directory (importlib.resources would give the same path, slower).
    package = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(package, "data", DEFAULT_DATASET)
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package)), "data", DEFAULT_DATASET)


def dataset_name(path: str) -> str:
    """A dataset's name: its file name without the suffix (``wujin-2019``)."""
    return os.path.splitext(os.path.basename(path))[0]


def dataset_files(root: str) -> list[str]:
    """The dataset files ``--data`` names: ``root`` itself, or a folder's datasets by name.

    A folder's datasets are its files with a dataset suffix, except the aliases file and
    hidden files (editors' and dutycli's own temporary files). Listing errors are raised
    (OSError): the program words them, completion stays quiet.
    """
    if not os.path.isdir(root):
        return [root]
    files = [
        os.path.join(root, name)
        for name in os.listdir(root)
        if os.path.splitext(name)[1].lower() in DATASET_SUFFIXES
        and name.lower() not in ALIASES_FILES
        and not name.startswith(".")
        and os.path.isfile(os.path.join(root, name))
    ]
    # The order of the dataset column: by name, then by file name.
    return sorted(files, key=lambda path: (dataset_name(path), os.path.basename(path)))


def cache_dir() -> str | None:
    """dutycli's cache folder: $DUTYCLI_CACHE_DIR, else $XDG_CACHE_HOME (or ~/.cache)/dutycli.

    None when ``DUTYCLI_NO_CACHE`` is set, or for a relative XDG path (the XDG spec says to
    ignore it). The dataset cache and completion's share it.
    """
    if os.environ.get("DUTYCLI_NO_CACHE", "") not in ("", "0"):
        return None
    chosen = os.environ.get("DUTYCLI_CACHE_DIR")
    if chosen:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dutycli") if os.path.isabs(base) else None


def read_cache_entry(path: str) -> tuple[bytes, int] | None:
    """A cache entry's bytes and modification time; None unless it is a regular file of at
    most ``CACHE_MAX_BYTES``. A link, a FIFO or a device put in the cache folder is never
    followed or waited on: a forged entry is a miss, never a hang."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat_module.S_ISREG(info.st_mode) or info.st_size > CACHE_MAX_BYTES:
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), info.st_mtime_ns
    except OSError:
        return None
    finally:
        os.close(fd)


def file_key(path: str, settled: bool = True) -> dict[str, object] | None:
    """What identifies a file's content for a cache while it is unchanged, or None.

    Its absolute path, size, modification and change times, inode and device; None when the file cannot be
    seen, is not a regular file, or, with ``settled``, changed too recently to be trusted
    (``SETTLE_SECONDS``).
    A cache that also hashes the content passes ``settled=False``.
    """
    import time

    try:
        stat = os.stat(path)
    except OSError:
        return None
    if not stat_module.S_ISREG(stat.st_mode):
        return None  # a pipe (--data <(...)), a device: its content is gone once read
    if settled and stat.st_mtime_ns > time.time_ns() - SETTLE_SECONDS * 1_000_000_000:
        return None
    return {
        "source": os.path.abspath(path),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        # A program can put a file's modification time back, never its change time: a file
        # rewritten in place with its size and time restored is still a changed file.
        "ctime_ns": stat.st_ctime_ns,
        "inode": stat.st_ino,
        "device": stat.st_dev,
    }


def cache_file(kind: str, source: str, suffix: str) -> str | None:
    """The cache file of ``kind`` (a subfolder) for the dataset at absolute path ``source``."""
    base = cache_dir()
    if base is None:
        return None
    import zlib  # cheaper to import than hashlib; an entry also records its key, checked on use

    digest = zlib.crc32(source.encode("utf-8", "surrogateescape"))
    return os.path.join(base, kind, f"{digest:08x}-{os.path.basename(source)}{suffix}")


def mark_used(entry: str, mtime_ns: int) -> None:
    """Note that a cache entry (last modified ``mtime_ns``) was used today: eviction takes
    the entries unused longest. Once a day at most, so a query does not write on every hit."""
    import contextlib
    import time

    if mtime_ns < time.time_ns() - _DAY_NS:
        with contextlib.suppress(OSError):
            os.utime(entry)


def prune_cache(folder: str) -> None:
    """Bound a cache folder: entries unused for ``CACHE_MAX_AGE_DAYS`` go, then the least
    recently used until at most ``CACHE_MAX_ENTRIES`` entries and ``CACHE_MAX_BYTES`` remain;
    temporary files of a write that was killed go after an hour. Failures are ignored."""
    import time

    now = time.time_ns()
    entries: list[tuple[int, int, str]] = []
    try:
        with os.scandir(folder) as found:
            for item in found:
                stat = item.stat(follow_symlinks=False)
                if not stat_module.S_ISREG(stat.st_mode):
                    continue
                if item.name.startswith("."):  # .NAME.XXXXXXXX.tmp of files.write_atomically
                    if stat.st_mtime_ns < now - _DAY_NS // 24:
                        _remove(item.path)
                    continue
                entries.append((stat.st_mtime_ns, stat.st_size, item.path))
    except OSError:
        return
    entries.sort(reverse=True)  # the most recently used first
    total = 0
    oldest = now - CACHE_MAX_AGE_DAYS * _DAY_NS
    for kept, (mtime_ns, size, path) in enumerate(entries, 1):
        total += size
        if mtime_ns < oldest or kept > CACHE_MAX_ENTRIES or total > CACHE_MAX_BYTES:
            _remove(path)


def _remove(path: str) -> None:
    import contextlib

    with contextlib.suppress(OSError):
        os.unlink(path)
