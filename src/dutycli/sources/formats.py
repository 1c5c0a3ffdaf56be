"""Which reader reads a source file: by its suffix; the heavy ones imported only when used."""

from __future__ import annotations

from pathlib import Path

from dutycli.errors import DataError
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
}

# Binary formats of older Office and WPS versions: not read, but named in the error.
OLD_FORMATS = {".doc": ".docx", ".wps": ".docx", ".xls": ".xlsx", ".et": ".xlsx"}


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read source: {exc.strerror or exc}") from None
    if kind == "text":
        from dutycli.sources import text

        return text.read(data, path), data
    if kind in ("csv", "tsv"):
        from dutycli.sources import delimited

        return delimited.read(data, path, "\t" if kind == "tsv" else ","), data
    if kind == "docx":
        from dutycli.sources import word

        return word.read(data, path), data
    from dutycli.sources import excel

    return excel.read(data, path, sheet), data
