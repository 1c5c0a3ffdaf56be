"""Where dutycli finds its files: dataset suffixes, the global path options, the cache home.

Shared by the full program and the completion fast path, which imports nothing heavier than
``os`` (every TAB re-runs it), so this module does the same.
"""

from __future__ import annotations

import os

# Files a --data folder holds as datasets (YAML, Parquet, Arrow IPC).
DATASET_SUFFIXES = (".yaml", ".yml", ".parquet", ".pq", ".arrow", ".ipc", ".feather")
# The options before the command that take a value (a test keeps this in step with cli.main).
GLOBAL_VALUE_OPTIONS = ("--data", "--aliases")


def cache_home() -> str | None:
    """$XDG_CACHE_HOME or ~/.cache; None for a relative path, which the XDG spec says to ignore."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return base if os.path.isabs(base) else None
