"""The error types dutycli raises, each tied to a documented exit code.

The CLI maps these to a one-line message on stderr; nothing below the CLI prints.
"""

from __future__ import annotations

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
