"""Decoding source text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.

Chinese offices save text and CSV in GBK as often as in UTF-8. A file that is
neither is an error: guessing further would put mojibake into the dataset. Every
error names where in the file it is: the byte offset from the file's first byte
(a BOM counted) and the line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from dutycli.errors import DataError
from dutycli.i18n import t

# Controls (but TAB, LF, CR) and private-use characters never occur in a real table:
# finding them after a GB18030 decode means the bytes were something else.
_IMPLAUSIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")

# Non-ASCII characters decoded as UTF-8 before the first bad byte that show a UTF-8 file.
_MIXED_AFTER = 2


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text with line endings as LF, and the name of the encoding found."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data, "utf-8", len(codecs.BOM_UTF8), path), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", 0, path), "utf-16"  # the codec reads the BOM
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            utf8_error = exc.start
            before = data[:utf8_error].decode("utf-8", errors="replace")
            if sum(not ch.isascii() for ch in before) >= _MIXED_AFTER:
                # Chinese already read as UTF-8: the file is UTF-8 with broken bytes, and
                # reading it all as GB18030 would turn that Chinese into mojibake.
                raise DataError(
                    t(
                        "{path}: not UTF-8 text: invalid bytes at {at} of a UTF-8 file",
                        path=path,
                        at=at(data, utf8_error, "utf-8"),
                    )
                ) from None
            try:
                text, encoding = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError as gb_exc:
                raise DataError(
                    t(
                        "{path}: neither UTF-8 nor GB18030/GBK text (UTF-8 fails at {at}; GB18030 at {at2}); save it as UTF-8 and import again",
                        path=path,
                        at=at(data, utf8_error, "utf-8"),
                        at2=at(data, gb_exc.start, "gb18030"),
                    )
                ) from None
            bad = _IMPLAUSIBLE.search(text)
            if bad:
                raise DataError(
                    t(
                        "{path}: not UTF-8 text ({at}), and read as GB18030 it holds character U+{ord:04X} at line {line}: not a text table",
                        path=path,
                        at=at(data, utf8_error, "utf-8"),
                        ord=ord(bad.group()),
                        line=_line(text, bad.start()),
                    )
                ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise DataError(
            t(
                "{path}: holds NUL characters (first at line {line}): a binary file, not a text table",
                path=path,
                line=_line(text, nul),
            )
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def at(data: bytes, offset: int, encoding: str) -> str:
    """'byte N, line L': where ``offset`` is, L counted over the text decoded before it."""
    before = data[:offset].decode(encoding, errors="replace")
    return f"byte {offset}, line {_line(before, len(before))}"


def _line(text: str, index: int) -> int:
    """The line of ``text[index]``, a line ending in LF, CRLF or CR."""
    head = text[:index]
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def _strict(data: bytes, encoding: str, skip: int, path: Path) -> str:
    """``data`` decoded after its first ``skip`` bytes (a BOM); an error names the file's offset."""
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = exc.start + skip
        name = encoding.upper()
        raise DataError(
            t(
                "{path}: starts with a {name} BOM but is not {name} text ({at}); save it as UTF-8 and import again",
                path=path,
                name=name,
                at=at(data, offset, encoding),
            )
        ) from None
