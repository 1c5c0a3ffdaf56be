"""Files read whole (a YAML dataset, an export read back, an aliases file): bounded, and
their failures worded. Apart from ``yaml_file`` so that reading needs no PyYAML: a dataset
served from the cache is read and hashed, never parsed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import t

# A file read whole (a YAML dataset, an export read back, an aliases file) is refused beyond
# this size: PyYAML needs about ten times a file's size in memory, and an endless stream
# (/dev/zero, a pipe that never ends) must not be read until memory runs out. A table this
# large belongs in Parquet, which is scanned, not read whole.
MAX_FILE_BYTES = 512 * 1024 * 1024


def said(what: str) -> str:
    """A kind of file (``dataset``, ``aliases``) as a message names it, in the user's language."""
    words = {"dataset": t("dataset"), "aliases": t("aliases")}
    return words.get(what, what)


def read_failure(path: Path, what: str, exc: OSError) -> DataError:
    """The one-line error for a file that could not be read (``what``: dataset, aliases…)."""
    if isinstance(exc, FileNotFoundError):
        return DataError(t("{path}: {what} file not found", path=path, what=said(what)))
    if isinstance(exc, IsADirectoryError):
        article = "an" if what[0] in "aeiou" else "a"
        return DataError(
            t(
                "{path}: is a directory, not {article} {what} file",
                path=path,
                article=article,
                what=said(what),
            )
        )
    return DataError(
        t(
            "{path}: cannot read {what}: {reason}",
            path=path,
            what=said(what),
            reason=exc.strerror or exc,
        )
    )


def read_whole(handle: Any, path: Path, what: str) -> bytes:
    """The whole content of an open file, at most ``MAX_FILE_BYTES`` (a DataError beyond)."""
    data: bytes = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        mib, rest = divmod(MAX_FILE_BYTES, 1 << 20)
        size = f"{mib} MiB" if not rest else f"{MAX_FILE_BYTES:,} bytes"
        if what == "dataset":
            raise DataError(
                t(
                    "{path}: a dataset file larger than {size}, the most dutycli reads whole; "
                    "a table this large is kept as Parquet, which dutycli scans instead",
                    path=path,
                    size=size,
                )
            )
        article = "an" if what[0] in "aeiou" else "a"
        raise DataError(
            t(
                "{path}: {article} {what} file larger than {size}, the most dutycli reads whole",
                path=path,
                article=article,
                what=said(what),
                size=size,
            )
        )
    return data
