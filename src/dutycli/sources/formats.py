"""Which reader reads a source file: by its suffix; the heavy ones imported only when used.

``read_source`` is also every reader's error boundary: whatever a reader or the library
under it raises on a damaged file becomes one error naming the file, never a traceback.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from dutycli.errors import DataError, DutyError, unreadable
from dutycli.i18n import t
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
        raise DataError(
            t(
                "{path}: unknown source format {reason!r}; use {known}",
                path=path,
                reason=path.suffix or "(none)",
                known=known,
            )
        )
    if sheet is not None and kind != "xlsx":
        raise DataError(
            t("{path}: --sheet applies to Excel workbooks (.xlsx .xls .et) only", path=path)
        )
    data = _read_bytes(path)
    if not data:
        raise DataError(t("{path}: empty file, not a table", path=path))
    if label is not None and (found := _disguised(data, kind)) is not None:
        # A .docx/.xlsx or a web page bearing an old name (sites serve HTML tables as .xls
        # and .doc): read as what it is, as Word and Excel open it, by dutycli's own bounded
        # readers, not LibreOffice (which misreads a GBK page, and unpacks any zip).
        if sheet is not None and found != "xlsx":
            what = "a web page" if found == "html" else "a Word document"
            raise DataError(
                t(
                    "{path}: --sheet applies to Excel workbooks; this file is {what}",
                    path=path,
                    what=what,
                )
            )
        kind, label, content, converted = found, LABELS[found], data, {"read_as": found}
    else:
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
            t(
                "{path}: not a readable {label} file: too large or too deeply nested to read ({error})",
                path=path,
                label=label,
                error=type(exc).__name__,
            )
        ) from None
    except Exception as exc:
        # A library met something its authors did not expect (broken XML, a damaged zip
        # stream, a value of the wrong type): the file is damaged, whatever the exception.
        if kind in ("docx", "xlsx"):
            from dutycli.sources import package

            raise package.explain(content, path, label, exc) from None

        raise unreadable(path, label, exc) from None
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


# A zip: a .docx or .xlsx package.
_ZIP = b"PK\x03\x04"
_PAGE_TAGS = (b"<html", b"<table", b"<!doctype html")


def _disguised(data: bytes, kind: str) -> str | None:
    """What a file with an old Office name really is, when it is a package (read as ``kind``)
    or a web page ("html"); None for anything else (an old binary file, RTF, text: for
    LibreOffice)."""
    if data.startswith(_ZIP):
        import io
        import zipfile

        from dutycli.sources import package

        try:  # a workbook named .doc is read as the workbook it is
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return package.kind_of(archive.namelist()) or kind
        except (zipfile.BadZipFile, OSError, ValueError):
            return kind  # its reader says what is wrong with it
    head = data[:4096]
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            head = head[len(bom) :].decode(codec, "ignore").encode("ascii", "ignore")
            break
    head = head.lstrip().lower()
    return "html" if head.startswith(b"<") and any(t in head for t in _PAGE_TAGS) else None


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, at most MAX_SOURCE_BYTES of them (a pipe has no size to ask first)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise DataError(
            t("{path}: cannot read source: {reason}", path=path, reason=exc.strerror or exc)
        ) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise DataError(
            t(
                "{path}: larger than {limit} MB; dutycli imports source files of at most {limit} MB",
                path=path,
                limit=MAX_SOURCE_BYTES // 2**20,
            )
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
