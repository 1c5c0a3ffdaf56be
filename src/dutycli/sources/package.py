"""The zip package a .docx or .xlsx is: checked before a library reads it, explained after.

Word and Excel files are zip archives of XML parts. Before python-docx or openpyxl opens one,
``check`` refuses what would make them work without bound (a zip bomb: a small file that
unpacks to gigabytes, or a zip of millions of parts) and names what is not a package at all
(an encrypted file, an old binary one). When a library fails on a package anyway, ``explain``
finds the part that is damaged, so the error names it.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from dutycli.errors import DataError
from dutycli.i18n import t

# Bounds on what a package unpacks to. A Word or Excel duty table is some hundred kilobytes
# of XML; a workbook of 100,000 rows some tens of megabytes.
MAX_PART_BYTES = 128 * 2**20  # one part, unpacked
MAX_PACKAGE_BYTES = 512 * 2**20  # all parts together, unpacked (images included)
MAX_PARTS = 10_000

# An OLE compound file: Office's old binary format, and what an encrypted .docx/.xlsx is.
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
ENCRYPTED_ADVICE = (
    "it is encrypted (protected by a password); open it in Word, Excel or WPS, "
    "remove the password and save it again"
)


def is_compound(data: bytes) -> bool:
    """Whether ``data`` is an OLE compound file: an old binary Office file, or an encrypted one."""
    return data.startswith(_COMPOUND_FILE)


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` is a password-protected Word or Excel file (an encrypted package)."""
    return data.startswith(_COMPOUND_FILE) and _ENCRYPTED in data


def unreadable(path: Path, label: str, reason: str) -> DataError:
    """The one error of a package that cannot be read: ``label`` is e.g. 'Word (.docx)'."""
    return DataError(
        t("{path}: not a readable {label} file: {reason}", path=path, label=label, reason=reason)
    )


def check(data: bytes, path: Path, label: str) -> None:
    """Refuse a package a reader must not open: not a zip, encrypted, or unpacking too far."""
    if data.startswith(_COMPOUND_FILE):
        if _ENCRYPTED in data:
            raise unreadable(path, label, ENCRYPTED_ADVICE)
        raise unreadable(
            path,
            label,
            "it is an old binary Office file with a new name; save it in the new format",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, OSError) as exc:
        raise unreadable(path, label, _reason(exc)) from None
    if len(parts) > MAX_PARTS:
        raise unreadable(
            path, label, f"it holds {len(parts):,} parts; dutycli reads at most {MAX_PARTS:,}"
        )
    total = 0
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise unreadable(
                path,
                label,
                f"part {part.filename} unpacks to {_megabytes(part.file_size)}; "
                f"dutycli reads parts of at most {_megabytes(MAX_PART_BYTES)}",
            )
        total += part.file_size
    if total > MAX_PACKAGE_BYTES:
        raise unreadable(
            path,
            label,
            f"it unpacks to {_megabytes(total)}; dutycli reads at most "
            f"{_megabytes(MAX_PACKAGE_BYTES)}",
        )


def explain(data: bytes, path: Path, label: str, exc: BaseException) -> DataError:
    """The error for a library's failure on a package: the damaged part when one is found."""
    from xml.parsers import expat

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in archive.infolist():
                try:
                    content = archive.read(part)
                except Exception as broken:  # a bad CRC, a damaged deflate stream
                    return unreadable(
                        path, label, f"part {part.filename} is damaged: {_reason(broken)}"
                    )
                if not part.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                try:  # well-formed or not, without building a tree
                    expat.ParserCreate().Parse(content, True)
                except expat.ExpatError as broken:
                    return unreadable(
                        path,
                        label,
                        f"part {part.filename} is damaged (not well-formed XML): {_reason(broken)}",
                    )
            holds = kind_of(archive.namelist())
    except Exception as broken:
        return unreadable(path, label, _reason(broken))
    wanted = "docx" if label.startswith("Word") else "xlsx" if label.startswith("Excel") else None
    if holds is not None and wanted is not None and holds != wanted:
        what = "a Word document" if holds == "docx" else "an Excel workbook"
        return unreadable(
            path, label, f"it is {what} with another name; name it .{holds} and import again"
        )
    return unreadable(path, label, _reason(exc))


def kind_of(names: list[str]) -> str | None:
    """What a package's parts make it: "docx", "xlsx", or None (neither, or unknown)."""
    parts = set(names)
    if "word/document.xml" in parts:
        return "docx"
    return "xlsx" if "xl/workbook.xml" in parts else None


def _reason(exc: BaseException) -> str:
    import re

    from dutycli.errors import first_line

    # A library names the file it was given, here bytes in memory: never a Python object.
    return re.sub(r"'?<_io\.BytesIO object at 0x[0-9a-fA-F]+>'?", "the file", first_line(exc))


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"
