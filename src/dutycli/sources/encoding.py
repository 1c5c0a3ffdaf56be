"""Decoding source text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.

Chinese offices save text and CSV in GBK as often as in UTF-8. A file that is
neither is an error: guessing further would put mojibake into the dataset.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from dutycli.errors import DataError

# Controls (but TAB, LF, CR) and private-use characters never occur in a real table:
# finding them after a GB18030 decode means the bytes were something else.
_IMPLAUSIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")

# Non-ASCII characters decoded as UTF-8 before the first bad byte that show a UTF-8 file.
_MIXED_AFTER = 2


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text with line endings as LF, and the name of the encoding found."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data, "utf-8-sig", path), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", path), "utf-16"
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
                    f"{path}: not UTF-8 text: invalid bytes at byte {utf8_error} of a UTF-8 file"
                ) from None
            try:
                text, encoding = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                raise DataError(
                    f"{path}: neither UTF-8 nor GB18030/GBK text (byte {utf8_error}); "
                    "save it as UTF-8 and import again"
                ) from None
            bad = _IMPLAUSIBLE.search(text)
            if bad:
                raise DataError(
                    f"{path}: not UTF-8 text (byte {utf8_error}), and read as GB18030 it holds "
                    f"character U+{ord(bad.group()):04X}: not a text table"
                ) from None
    if "\x00" in text:
        raise DataError(f"{path}: holds NUL characters: a binary file, not a text table")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _strict(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not valid {encoding} text (byte {exc.start})") from None
