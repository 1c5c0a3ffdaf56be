"""Where dutycli finds its files: dataset suffixes, the global path options, the cache folder.

Shared by the full program and the completion fast path, which imports nothing heavier than
``os`` (every TAB re-runs it), so this module does the same.
"""

from __future__ import annotations

import os

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


def columnar_kind(start: bytes) -> str | None:
    """'parquet' or 'ipc' for a file starting with ``start`` (its first 8 bytes), else None."""
    for magic, kind in COLUMNAR_MAGIC.items():
        if start.startswith(magic):
            return kind
    return None


# The options before the command that take a value (a test keeps this in step with cli.main).
GLOBAL_VALUE_OPTIONS = ("--data", "--aliases")


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
