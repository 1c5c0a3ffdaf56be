"""Line breaking for CJK table cells: where a cell's text may break, and at what width.

Rich's ``overflow="fold"`` breaks at any character, so "8.5%" becomes "8.5 / %" and a line may
start with "，". Cells are pre-wrapped here to their column's width instead:

- a run of digits, Latin letters, decimal points and percent signs (GDP, PM2.5, 8.5%) stays on
  one line when it fits on a line;
- closing punctuation never starts a line and opening punctuation never ends one (避头尾);
- in name cells a line breaks only after 、 (between names), unless one name is wider than the
  column.

Widths are terminal cells (``rich.cells.cell_len``: a CJK character takes two).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.text import Text

# Never at the start of a line: kept with the character before.
CLOSING = "，。、；：？！”’）》」』】〕〉…—,.;:?!)]}%％‰·"
# Never at the end of a line: kept with the character after.
OPENING = "“‘（《「『【〔〈([{"
# An unbreakable run: a number with its point and percent sign, a Latin word or code.
# (An escaped control character, \x1b or \u202e, is one atom too; so is a name like
# wujin-2019 or a range like 3-5.)
_ATOM = (
    r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}"
    r"|[0-9A-Za-z０-９Ａ-Ｚａ-ｚ.%．％‰]+(?:[-_][0-9A-Za-z０-９Ａ-Ｚａ-ｚ.%．％‰]+)*|…+|—+|\s+|."
)
_RUN = re.compile(_ATOM, re.DOTALL)
# A number keeps the words that qualify it (8.5%左右, 500强, 10%以上) when they fit together.
_QUALIFIED = re.compile(
    r"[0-9０-９][0-9A-Za-z０-９Ａ-Ｚａ-ｚ.%．％‰]*(?:左右|以上|以下|以内|强)|" + _ATOM, re.DOTALL
)
NAME_BREAK = "、"


def segments(plain: str, qualified: bool = True) -> list[str]:
    """``plain`` cut into pieces that a line break may separate (never one inside)."""
    atoms = (_QUALIFIED if qualified else _RUN).findall(plain)
    pieces: list[str] = []
    glue_next = False
    for atom in atoms:
        if pieces and (glue_next or (atom[0] in CLOSING and not atom.isspace())):
            pieces[-1] += atom
        else:
            pieces.append(atom)
        glue_next = atom[-1] in OPENING
    return pieces


def name_segments(plain: str) -> list[str]:
    """A name list cut after each 、: a break falls between names, never inside one."""
    pieces = [piece + NAME_BREAK for piece in plain.split(NAME_BREAK)]
    pieces[-1] = pieces[-1][: -len(NAME_BREAK)]
    return [p for p in pieces if p]


def widest(plain: str, names: bool = False) -> int:
    """The width of the widest piece that must not be broken (the column's comfortable minimum)."""
    cut = name_segments if names else segments
    return max((cell_len(p) for line in plain.split("\n") for p in cut(line)), default=0)


def longest_line(plain: str) -> int:
    return max((cell_len(line) for line in plain.split("\n")), default=0)


def _fold(piece: str, width: int) -> list[str]:
    """A piece wider than a line, cut at characters (the only way it fits)."""
    lines = [""]
    for char in piece:
        if lines[-1] and cell_len(lines[-1] + char) > width:
            lines.append("")
        lines[-1] += char
    return lines


def break_lines(plain: str, width: int, names: bool = False) -> list[str]:
    """One paragraph (no newline) as lines of at most ``width`` cells, concatenating to it."""
    width = max(width, 2)
    lines = [""]
    # (piece, is a whole name): a name too wide for a line is cut by the text's own rules.
    # A stack, next piece last: taking the first of a list would make a long text quadratic.
    pieces = [(p, names) for p in (name_segments(plain) if names else segments(plain))][::-1]
    while pieces:
        piece, whole_name = pieces.pop()
        if cell_len(lines[-1] + piece) <= width or piece.isspace():
            lines[-1] += piece  # trailing spaces are trimmed when the text is split
        elif cell_len(piece) <= width:
            lines.append(piece)
        elif whole_name:
            if lines[-1]:
                lines.append("")  # the long name starts a line of its own
            pieces.extend((p, False) for p in reversed(segments(piece)))
        elif len(smaller := segments(piece, qualified=False)) > 1:
            pieces.extend((p, False) for p in reversed(smaller))  # 8.5%左右: keep 8.5% whole
        else:
            room = width - cell_len(lines[-1])
            if room >= 2 and lines[-1]:
                head = _fold(piece, room)[0]
                lines[-1] += head
                piece = piece[len(head) :]
            folded = _fold(piece, width)
            if lines[-1]:
                lines.append("")
            lines[-1] += folded[0]
            lines.extend(folded[1:])
    return lines


def wrap(text: Text, width: int, names: bool = False) -> Text:
    """``text`` with line breaks inserted so that no line is wider than ``width`` cells.

    Styles (highlights, dim inherited values, markers) are kept: the Text is divided, not
    rebuilt. Existing newlines stay; spaces at a break are dropped.
    """
    from rich.text import Text

    plain = text.plain
    offsets: list[int] = []
    position = 0
    for paragraph in plain.split("\n"):
        for line in break_lines(paragraph, width, names)[:-1]:
            position += len(line)
            offsets.append(position)
        position += len(paragraph) + 1
        offsets.append(position)  # after the newline itself
    offsets.pop()
    if not offsets:
        return text
    parts = text.divide(offsets)
    lines = []
    for part in parts:
        part.rstrip()
        if part.plain.endswith("\n"):
            part.right_crop(1)
        lines.append(part)
    return Text("\n").join(lines)
