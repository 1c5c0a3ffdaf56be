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

# Binary formats of older Office and WPS versions: converted by LibreOffice (``office``)
# into the format named, then read as that; each as its errors call it.
OLD_FORMATS = {
    ".doc": ("docx", "Word (.doc)"),
    ".wps": ("docx", "WPS Writer (.wps)"),
    ".xls": ("xlsx", "Excel (.xls)"),
    ".et": ("xlsx", "WPS Spreadsheets (.et)"),
}

# The largest source file read: a duty table is some hundred kilobytes, a Word file with
# scanned seals a few megabytes.
MAX_SOURCE_BYTES = 128 * 2**20


def read_source(path: Path, sheet: str | None = None) -> tuple[SourceTable, bytes]:
    """Read a source file with the reader its extension names; also return its bytes."""
    suffix = path.suffix.lower()
    kind, label = OLD_FORMATS.get(suffix) or (FORMATS.get(suffix), None)
    if kind is None:
        known = ", ".join(sorted([*FORMATS, *OLD_FORMATS]))
        raise DataError(f"{path}: unknown source format {path.suffix or '(none)'!r}; use {known}")
    if sheet is not None and kind != "xlsx":
        raise DataError(f"{path}: --sheet applies to Excel workbooks (.xlsx .xls .et) only")
    data = _read_bytes(path)
    content, converted = _converted(data, path, kind, label)
    label = label or LABELS[kind]
    try:
        table = _read(kind, content, path, sheet)
    except DutyError as exc:
        message = str(exc)
        if message.startswith((f"{path}:", f"{path.name}:")):
            raise
        raise type(exc)(f"{path}: {message}") from None  # every error names the file
    except (MemoryError, RecursionError) as exc:
        raise DataError(
            f"{path}: not a readable {label} file: too large or too deeply nested "
            f"to read ({type(exc).__name__})"
        ) from None
    except Exception as exc:
        # A library met something its authors did not expect (broken XML, a damaged zip
        # stream, a value of the wrong type): the file is damaged, whatever the exception.
        if kind in ("docx", "xlsx"):
            from dutycli.sources import package

            raise package.explain(content, path, label, exc) from None
        from dutycli.errors import first_line

        raise DataError(f"{path}: not a readable {label} file: {first_line(exc)}") from None
    table.meta.update(converted)
    return table, data


def _converted(
    data: bytes, path: Path, kind: str, label: str | None
) -> tuple[bytes, dict[str, str]]:
    """An old binary file as LibreOffice converts it, and the metadata saying so; any other
    file as it is. An old binary file with a .docx or .xlsx name is converted too, as Word
    and Excel open it whatever its name."""
    if kind not in ("docx", "xlsx"):
        return data, {}
    from dutycli.sources import package

    if label is None and not (package.is_compound(data) and not package.is_encrypted(data)):
        return data, {}  # a package, or what package.check explains
    from dutycli.sources import office

    if label is not None:
        return office.convert(data, path, kind, path.suffix.lower().lstrip("."), label)
    origin = "doc" if kind == "docx" else "xls"
    return office.convert(data, path, kind, origin, LABELS[kind], renamed=True)


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
