"""The error types dutycli raises, each tied to a documented exit code.

The CLI maps these to a one-line message on stderr; nothing below the CLI prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dutycli.i18n import t

EXIT_FOUND = 0
EXIT_NOTHING_FOUND = 1
EXIT_USAGE = 2
EXIT_DATA = 2
EXIT_INTERRUPTED = 130


class DutyError(Exception):
    """An expected failure with a message meant for the user."""

    exit_code = EXIT_USAGE


class DataError(DutyError):
    """A dataset or source file that cannot be read or does not follow the schema."""

    exit_code = EXIT_DATA


class QueryError(DutyError):
    """A query that cannot be answered as asked (unknown name, bad pattern, unknown field)."""

    exit_code = EXIT_USAGE


class OutputError(DutyError):
    """Output that could not be written (full disk, unwritable file)."""

    exit_code = EXIT_USAGE


class OutputClosed(DutyError):
    """The reader of stdout went away (``| head``): a normal end, reported by no message."""

    exit_code = EXIT_FOUND


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (a library's may run to many lines)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def engine_failure(exc: BaseException, reading: Path | None) -> DataError | None:
    """A Polars error or panic while reading data, as a DataError; None for anything else.

    Only when Polars is loaded: without it no data was scanned.
    """
    polars = sys.modules.get("polars")
    if polars is None:
        return None
    if not isinstance(exc, (polars.exceptions.PolarsError, polars.exceptions.PanicException)):
        return None
    reason = first_line(exc)
    where = f"{reading}: " if reading is not None else ""
    return DataError(
        t("{where}cannot read the data (a damaged file?): {reason}", where=where, reason=reason)
    )


def unreadable(path: object, label: str, exc: BaseException) -> DataError:
    """A file of a known kind that its reader refuses: ``x.parquet: not a readable Parquet
    file: <the reader's first line>``."""
    from dutycli.i18n import t

    reason = first_line(exc)
    return DataError(
        t("{path}: not a readable {label} file: {reason}", path=path, label=label, reason=reason)
    )
