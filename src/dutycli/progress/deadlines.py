"""A deadline (完成时限) as a date: ``12月底前``, ``2019年底``, ``9月投入使用``, ``上半年``,
``第三季度``, ``6月30日前``; ``长期坚持``, ``持续推进``, ``常态化`` are ``ONGOING``.

Tables write deadlines as Chinese text, so a date is read from the text, never in its place:
a text names a month, a day, a half or quarter of a year, the year's end; a year it does not
name is the one given (the reporting period's). Several dates in one text (``6月底前完成方案，
12月底前建成``) mean the task is done by the last. A text with no date is ``ONGOING`` when it
says so, else ``None``: not understood, shown as written and never called overdue.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

ONGOING = "ongoing"
# The words of a task with no end: 长期坚持, 持续推进, 常态化, 常年, 每季度….
_ONGOING = re.compile(r"长期|持续|常态|常年|每年|每季|每月|逐年|经常")
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERALS |= {"十": 10, "十一": 11, "十二": 12}
_NUMERAL = "十[一二]?|[一二三四五六七八九]"
_WHEN = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})\s*(?:年度?|[-./](?=\d)))?"
    r"(?:(?P<month>1[0-2]|0?[1-9]|" + _NUMERAL + r")\s*(?P<msep>月份?|[-./](?=\d))"
    r"(?:\s*(?P<day>[12]\d|3[01]|0?[1-9])\s*[日号]?)?(?P<xun>上旬|中旬|下旬)?"
    r"|(?P<half>上半年|下半年)"
    r"|第?(?P<quarter>[一二三四1-4])\s*季度?"
    r"|(?P<whole>年底|年末|年内|全年|底|末|内)"
    r")?"
)
# The last day of each part of a year: its last month.
_HALVES = {"上半年": 6, "下半年": 12}
_QUARTERS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_XUN = {"上旬": 10, "中旬": 20}


def parse(text: str, year: int) -> date | str | None:
    """The date ``text`` sets (its last, if several), ``ONGOING``, or None; ``year`` is the
    year of a text that names none (``12月底前``)."""
    plain = unicodedata.normalize("NFKC", text or "")
    dates = [when for match in _WHEN.finditer(plain) if (when := _date(match, plain, year))]
    if dates:
        return max(dates)
    return ONGOING if _ONGOING.search(plain) else None


def _date(match: re.Match[str], text: str, year: int) -> date | None:
    found = match.groupdict()
    named_year = found["year"]
    if not any(found.values()):
        return None
    whole = found["whole"]
    if whole is not None and named_year is None:
        before = text[match.start() - 1 : match.start()]
        if len(whole) == 1 or before.isdigit() or before in _NUMERALS:
            return None  # the 底 of 12月底, the 年内 of 三年内: not the year's end
    in_year = int(named_year) if named_year else year
    if found["month"] is not None:
        if not found["msep"].startswith("月") and named_year is None:
            return None  # 6.5 is a number, not a date: 2019.6.30 is one
        month_text = found["month"]
        month = _NUMERALS.get(month_text) or int(month_text)
        last = calendar.monthrange(in_year, month)[1]
        day = int(found["day"]) if found["day"] else _XUN.get(found["xun"] or "", last)
        return date(in_year, month, min(day, last))
    if found["half"] is not None:
        return date(in_year, _HALVES[found["half"]], 30 if found["half"] == "上半年" else 31)
    if found["quarter"] is not None:
        month = _QUARTERS[found["quarter"]]
        return date(in_year, month, calendar.monthrange(in_year, month)[1])
    return date(in_year, 12, 31)  # 2019年, 2019年底, 年底, 年内, 全年


def shown(parsed: date | str | None) -> str:
    """A parsed deadline as a cell: ``2019-12-31``, ``长期``, or "" (not understood)."""
    if parsed is None:
        return ""
    return "长期" if parsed == ONGOING else str(parsed)
