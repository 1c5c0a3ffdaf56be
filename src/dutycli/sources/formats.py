"""Which reader reads a source file: by its suffix; the heavy ones imported only when used.

``read_source`` is also every reader's error boundary: whatever a reader or the library
under it raises on a damaged file becomes one error naming the file, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from dutycli.errors import DataError, DutyError
from dutycli.sources.table import SourceTable

# Source formats by file suffix.
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".csv": "csv",
    ".tsv": "tsv",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".html": "html",
    ".htm": "html",
}
# What each format is called in an error.
LABELS = {
    "text": "text",
    "csv": "CSV",
    "tsv": "TSV",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "html": "HTML (.html)",
}

# Binary formats of older Office and WPS versions: not read, but named in the error.
OLD_FORMATS = {".doc": ".docx", ".wps": ".docx", ".xls": ".xlsx", ".et": ".xlsx"}

# The largest source file read: a duty table is some hundred kilobytes, a Word file with
# scanned seals a few megabytes.
MAX_SOURCE_BYTES = 128 * 2**20


def read_source(path: Path, sheet: str | None = None) -> tuple[SourceTable, bytes]:
    """Read a source file with the reader its extension names; also return its bytes."""
    kind = FORMATS.get(path.suffix.lower())
    if path.suffix.lower() in OLD_FORMATS:
        raise DataError(
            f"{path}: {path.suffix} is an old binary format; open it in Word, Excel or WPS and "
            f"save it as {OLD_FORMATS[path.suffix.lower()]}"
        )
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise DataError(f"{path}: unknown source format {path.suffix or '(none)'!r}; use {known}")
    if sheet is not None and kind != "xlsx":
        raise DataError(f"{path}: --sheet applies to Excel workbooks (.xlsx) only")
    data = _read_bytes(path)
    try:
        return _read(kind, data, path, sheet), data
    except DutyError as exc:
        message = str(exc)
        if message.startswith((f"{path}:", f"{path.name}:")):
            raise
        raise type(exc)(f"{path}: {message}") from None  # every error names the file
    except (MemoryError, RecursionError) as exc:
        raise DataError(
            f"{path}: not a readable {LABELS[kind]} file: too large or too deeply nested "
            f"to read ({type(exc).__name__})"
        ) from None
    except Exception as exc:
        # A library met something its authors did not expect (broken XML, a damaged zip
        # stream, a value of the wrong type): the file is damaged, whatever the exception.
        if kind in ("docx", "xlsx"):
            from dutycli.sources import package

            raise package.explain(data, path, LABELS[kind], exc) from None
        from dutycli.errors import first_line

        raise DataError(f"{path}: not a readable {LABELS[kind]} file: {first_line(exc)}") from None


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, at most MAX_SOURCE_BYTES of them (a pipe has no size to ask first)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise DataError(f"{path}: cannot read source: {exc.strerror or exc}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise DataError(
            f"{path}: larger than {MAX_SOURCE_BYTES // 2**20} MB; dutycli imports source "
            f"files of at most {MAX_SOURCE_BYTES // 2**20} MB"
        )
    return data


def _read(kind: str, data: bytes, path: Path, sheet: str | None) -> SourceTable:
    if kind == "text":
        from dutycli.sources import text

        return text.read(data, path)
    if kind in ("csv", "tsv"):
        from dutycli.sources import delimited

        return delimited.read(data, path, "\t" if kind == "tsv" else ",")
    if kind == "docx":
        from dutycli.sources import word

        return word.read(data, path)
    if kind == "html":
        from dutycli.sources import html

        return html.read(data, path)
    from dutycli.sources import excel

    return excel.read(data, path, sheet)
