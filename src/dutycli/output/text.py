"""Data as text for people: control characters shown, never obeyed; display widths.

Flat formats keep every character of the data. What goes to a terminal (tables, messages)
shows control and invisible characters as visible escapes, and a Rich ``Text`` built here
is never read as markup.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from dutycli.schema import NAME_JOINER

if TYPE_CHECKING:
    import polars as pl
    from rich.text import Text

# Marks a value a row inherited from a merged cell above it.
INHERITED_MARK = "↑"

# What a terminal must never receive raw from data: C0/C1 controls (ESC starts ANSI
# sequences), the bidi controls that can reorder a line (U+061C, U+200E/F, U+202A-E,
# U+2066-9), line/paragraph separators that split a row, and invisible format
# characters (zero-width space/joiners, word joiner, BOM, interlinear annotation) that
# make two different names look alike. A newline is layout in task text and kept there.
_INVISIBLE = "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
_UNSAFE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")  # newline too


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, keep_newlines: bool = True) -> str:
    """Control and invisible characters as visible escapes (``\\x1b``), for terminal text.

    With ``keep_newlines=False`` a newline is escaped too: for a one-line message or a name.
    """
    return (_UNSAFE if keep_newlines else _UNSAFE_LINE).sub(_escape, text)


def safe_text(value: str, style: str = "", keep_newlines: bool = True) -> Text:
    """Data as a Rich Text: never parsed as markup, control characters shown as escapes.

    ``keep_newlines=False`` for names: a line break inside one name would read as two names.
    """
    from rich.text import Text

    text = Text(style=style)
    position = 0
    for match in (_UNSAFE if keep_newlines else _UNSAFE_LINE).finditer(value):
        text.append(value[position : match.start()])
        text.append(_escape(match), style="reverse")
        position = match.end()
    text.append(value[position:])
    return text


def display_width(text: str) -> int:
    """Columns a text takes on a terminal or in a spreadsheet cell: CJK characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def names_text(
    names: list[str] | None, inherited: bool, open_ended: bool, emphasize: set[str]
) -> Text:
    from rich.text import Text

    text = Text()
    for index, name in enumerate(names or []):
        if index:
            text.append(NAME_JOINER)
        style = "bold yellow" if name in emphasize else ("dim" if inherited else "")
        text.append_text(safe_text(name, style, keep_newlines=False))
    if open_ended:
        text.append("等", style="dim" if inherited else "")
    if inherited and names:
        text.append(f" {INHERITED_MARK}", style="cyan")
    return text


def has_value(series: pl.Series) -> bool:
    """Whether any row has a value: a non-empty text or list (Polars counts, no Python list
    of a large result is built)."""
    import polars as pl

    if isinstance(series.dtype, pl.List):
        return bool(series.list.len().sum())
    return bool(series.cast(pl.String).ne("").any())


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return NAME_JOINER.join(cell_text(v) for v in value)
    return str(value)
