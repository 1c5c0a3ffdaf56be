"""A reporting period (填报期): ``2019Q1``, ``2019H1``, ``2019-03`` or ``2019``, its dates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from dutycli.errors import QueryError
from dutycli.i18n import t

_PERIOD = re.compile(r"(\d{4})(?:([QH])([1-4])|-(\d{1,2}))?")


@dataclass(frozen=True)
class Period:
    name: str  # as written in forms and the store: 2019Q1, 2019H2, 2019-03, 2019
    start: date
    end: date  # the last day of the period


def parse(text: str) -> Period:
    """The period ``text`` names (``2019q1`` is ``2019Q1``); an error shows the forms."""
    found = _PERIOD.fullmatch(text.strip().upper())
    if found is None:
        raise QueryError(
            t("{text!r} is not a period; write 2019Q1, 2019H1, 2019-03 or 2019", text=text)
        )
    year = int(found.group(1))
    kind, number, month = found.group(2), found.group(3), found.group(4)
    if kind == "Q" or (kind == "H" and int(number) <= 2):
        first = (int(number) - 1) * (3 if kind == "Q" else 6) + 1
        last = first + (2 if kind == "Q" else 5)
        name = f"{year}{kind}{number}"
    elif month is not None and 1 <= int(month) <= 12:
        first = last = int(month)
        name = f"{year}-{int(month):02d}"
    elif kind is None and month is None:
        first, last, name = 1, 12, str(year)
    else:
        raise QueryError(
            t("{text!r} is not a period; write 2019Q1, 2019H1, 2019-03 or 2019", text=text)
        )
    end = date(year, last, calendar.monthrange(year, last)[1])
    return Period(name, date(year, first, 1), end)
