"""Dates of a workbook as the clerk sees them: 2024年12月31日, not 2024-12-31.

A date cell holds a number; its number format says how Excel shows it. A format written with
年, 月, 日 (or 时, 分) is shown here as Excel shows it; other date formats are read as ISO
dates (2024-12-31), as before. Chinese Excel saves its own date formats by number only
(``numFmtId`` 27–36 and 50–58, defined by the locale, not the file), which openpyxl does not
know: without ``CHINESE_BUILTINS`` such a date would be read as its serial number (45657).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# The formats Excel's Chinese (zh-CN) locale gives the numbers it leaves undefined in a file.
_YM, _MD = 'yyyy"年"m"月"', 'm"月"d"日"'
_HM, _HMS = 'h"时"mm"分"', 'h"时"mm"分"ss"秒"'
CHINESE_BUILTINS: dict[int, str] = {
    27: _YM, 28: _MD, 29: _MD, 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"', 32: _HM, 33: _HMS,
    34: "上午/下午" + _HM, 35: "上午/下午" + _HMS, 36: _YM,
    50: _YM, 51: _MD, 52: _YM, 53: _MD, 54: _MD, 55: "上午/下午" + _HM,
    56: "上午/下午" + _HMS, 57: _YM, 58: _MD,
}  # fmt: skip
_CHINESE_MARKS = ("年", "月", "日", "时", "分", "秒")
_TOKENS = re.compile(
    r'"[^"]*"|\\.|\[[^\]]*\]|上午/下午|AM/PM|A/P|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|.',
    re.IGNORECASE,
)


def shown_dates(book: Any) -> dict[int, str]:
    """Each cell style of ``book`` whose date format is written in Chinese: {style: format}."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    custom = list(getattr(book, "_number_formats", []))
    shown = {}
    for index, style in enumerate(getattr(book, "_cell_styles", [])):
        number = style.numFmtId
        if number >= BUILTIN_FORMATS_MAX_SIZE:
            at = number - BUILTIN_FORMATS_MAX_SIZE
            code = custom[at] if at < len(custom) else ""
        else:
            code = BUILTIN_FORMATS.get(number) or CHINESE_BUILTINS.get(number, "")
        if any(mark in _plain(code) for mark in _CHINESE_MARKS):
            shown[index] = code
    return shown


def _plain(code: str) -> str:
    """A format's literal text and codes without its [colour]/[$-804] sections."""
    return re.sub(r"\[[^\]]*\]", "", code.split(";")[0])


def render(value: dt.datetime | dt.date | dt.time, code: str) -> str:
    """``value`` written as the number format ``code`` shows it (its first section)."""
    when = value if isinstance(value, dt.datetime) else None
    if when is None:
        if isinstance(value, dt.date):
            when = dt.datetime(value.year, value.month, value.day)
        else:
            when = dt.datetime(1900, 1, 1, value.hour, value.minute, value.second)
    tokens = _TOKENS.findall(code.split(";")[0])
    out = []
    for index, token in enumerate(tokens):
        lower = token.lower()
        if token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        elif token.startswith("["):
            continue  # a colour, a locale ([$-804]), a numeral style ([DBNum1]): not text
        elif token in ("上午/下午", "AM/PM", "A/P"):
            morning = when.hour < 12
            out.append(
                ("上午" if morning else "下午")
                if token == "上午/下午"
                else ("AM" if morning else "PM")
            )
        elif lower == "yyyy":
            out.append(f"{when.year:04d}")
        elif lower == "yy":
            out.append(f"{when.year % 100:02d}")
        elif lower in ("m", "mm") and _is_minutes(tokens, index):
            out.append(f"{when.minute:02d}" if lower == "mm" else str(when.minute))
        elif lower in ("m", "mm"):
            out.append(f"{when.month:02d}" if lower == "mm" else str(when.month))
        elif lower in ("d", "dd"):
            out.append(f"{when.day:02d}" if lower == "dd" else str(when.day))
        elif lower in ("h", "hh"):
            hour = when.hour % 12 or 12 if _twelve_hour(tokens) else when.hour
            out.append(f"{hour:02d}" if lower == "hh" else str(hour))
        elif lower in ("s", "ss"):
            out.append(f"{when.second:02d}" if lower == "ss" else str(when.second))
        elif lower in ("mmm", "mmmm", "ddd", "dddd"):
            out.append(when.strftime({"mmm": "%b", "mmmm": "%B", "ddd": "%a", "dddd": "%A"}[lower]))
        else:
            out.append(token)
    return "".join(out)


def _is_minutes(tokens: list[str], index: int) -> bool:
    """Excel's rule: m right after an hour or right before a second is minutes."""

    def code(step: int) -> str:
        at = index + step
        while 0 <= at < len(tokens):
            lower = tokens[at].lower()
            if lower in ("h", "hh", "s", "ss", "m", "mm", "d", "dd", "yy", "yyyy"):
                return lower
            at += step
        return ""

    return code(-1) in ("h", "hh") or code(1) in ("s", "ss")


def _twelve_hour(tokens: list[str]) -> bool:
    return any(t in ("上午/下午", "AM/PM", "A/P") for t in tokens)
