"""How a cell of names is split and how a name is compared.

Shared by the importer (which normalizes what the table wrote), the queries (which compare
what the user typed) and completion, so all read a name the same way. ``squeeze`` and
``fold`` import nothing at module level: completion uses them on every TAB.
"""

from __future__ import annotations

# 、 ， , and line breaks separate names; whitespace inside a name is layout, not data.
SEPARATORS = "、，,\n"
OPEN_LIST_MARK = "等"
_OPENING = "(（"
_CLOSING = ")）"


class NameCell:
    """A cell of names as split: the names, whether 等 left the list open, and what changed."""

    # A plain class, not a dataclass: importing dataclasses would cost every TAB.
    __slots__ = ("joined_spaces", "names", "open_ended", "wrapped")

    def __init__(
        self, names: list[str], open_ended: bool, joined_spaces: list[str], wrapped: list[str]
    ) -> None:
        self.names = names
        self.open_ended = open_ended
        self.joined_spaces = joined_spaces  # names that had whitespace removed, as written
        self.wrapped = wrapped  # names joined across a line break


def squeeze(text: str) -> str:
    """A name or query with all whitespace removed (`是  峰` is 是峰)."""
    return "".join(text.split())


def fold(text: str) -> str:
    """A name, goal name or keyword as compared: the one rule of every match.

    Unicode compatibility forms become the plain character (NFKC: full-width ＧＤＰ and ５Ｇ
    typed with a Chinese input method are GDP and 5G, ⽯ is 石, Ⅲ is III), Latin letters
    are in one case (casefold; CJK has no case) and whitespace is removed (`是  峰` is 是峰).
    Keyword search finds the same texts in Polars through ``query.spellings``.
    """
    if text.isascii():  # the usual case, and NFKC leaves ASCII as it is
        return "".join(text.split()).lower()
    import unicodedata  # here, not above: a C module, but only non-ASCII text needs it

    plain = unicodedata.normalize("NFKC", text)
    return "".join(unicodedata.normalize("NFKC", plain.casefold()).split())


def _pieces(cell: str) -> list[tuple[str, str]]:
    """Split at separators outside brackets: (piece, the separator before it)."""
    pieces: list[tuple[str, str]] = []
    current, before, depth = "", "", 0
    for ch in cell:
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING and depth:
            depth -= 1
        if depth == 0 and ch in SEPARATORS:
            pieces.append((current, before))
            current, before = "", ch
        else:
            current += ch
    pieces.append((current, before))
    if depth:
        # An unclosed bracket: do not guess how far it reaches, split as written.
        import re

        pieces = []
        for index, piece in enumerate(re.split(f"[{SEPARATORS}]", cell)):
            pieces.append((piece, "" if index == 0 else ","))
    return pieces


def split_names(cell: str) -> NameCell:
    """Split a leader or unit cell into names; a trailing 等 marks an open-ended list.

    A name wrapped onto the next line inside brackets is one name: `应急管理局` + `(安委办)`
    is 应急管理局(安委办), and a line break inside the brackets is layout too.
    """
    # Each name as its parts: a name wrapped many times is joined once, at the end (joining
    # at each wrap would copy it again and again: quadratic in the cell's length).
    parts: list[list[str]] = []
    joined: list[str] = []
    wrapped_at: dict[int, None] = {}  # indexes of the names wrapped, in order
    after_break = False
    for piece, before in _pieces(cell):
        name = squeeze(piece)
        if not name:
            after_break = after_break or before == "\n"
            continue
        broke = before == "\n" or after_break
        after_break = False
        if parts and broke and name[0] in _OPENING:
            parts[-1].append(name)
            wrapped_at[len(parts) - 1] = None
            continue
        if "\n" in piece.strip() and any(b in piece for b in _OPENING):
            wrapped_at[len(parts)] = None
        elif name != piece.strip():
            joined.append(piece.strip())
        parts.append([name])
    names = ["".join(p) for p in parts]
    wrapped = [names[index] for index in wrapped_at]
    open_ended = False
    if names and names[-1].endswith(OPEN_LIST_MARK) and len(names[-1]) > 1:
        names[-1] = names[-1][: -len(OPEN_LIST_MARK)]
        open_ended = True
    return NameCell(names, open_ended, joined, wrapped)


def split_joined(cell: str) -> list[str]:
    """Names joined with 、 (as a flat export writes a list), split again as ``split_names``
    splits a cell, except that a final 等 stays part of its name: whether a list is open is a
    field of its own there."""
    split = split_names(cell)
    if split.open_ended:
        split.names[-1] += OPEN_LIST_MARK
    return split.names


def name_list_fault(names: list[str]) -> str | None:
    """Why a list of names is not one the importer could have made, or None if it could.

    A name is what splitting a cell gives: not empty, without whitespace or line breaks, and
    without a separator (、，, outside brackets). Such a list, joined with 、 and split again,
    is itself, so an export read back gives the same names (and the same answers).
    """
    if all(name.isalnum() for name in names):  # letters and digits only: the common case
        return None
    if split_joined("、".join(names)) == names:
        return None
    for name in names:
        if not squeeze(name):
            return f"a name is empty ({name!r})"
        if len(split_joined(name)) > 1:
            return f"{name!r} is more than one name (names are split at 、，, and line breaks)"
        if name != squeeze(name):
            return f"{name!r} holds whitespace (a name is written without spaces or line breaks)"
    shown = "、".join(names)
    return f"the names {shown!r} run together when joined with 、 (a bracket left open)"


_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """The number a Chinese numeral of 1–99 writes (一, 十一, 二十, 九十九), or None.

    Goals written as headings are numbered so (一、 二、 …), and so a user may name them.
    """
    if not text or len(text) > 3 or any(ch not in _DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _DIGITS[text] or None if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    value = (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return value if value and (not tens or _DIGITS[tens]) else None
