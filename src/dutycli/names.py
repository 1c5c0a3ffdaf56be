"""How a cell of names is split and how a name is compared.

Shared by the importer (which normalizes what the table wrote) and the queries
(which compare what the user typed), so both read a name the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# 、 ， , and line breaks separate names; whitespace inside a name is layout, not data.
_SEPARATORS = re.compile(r"[、，,\n]")
_WHITESPACE = re.compile(r"\s+")
OPEN_LIST_MARK = "等"


@dataclass(frozen=True)
class NameCell:
    names: list[str]
    open_ended: bool
    joined_spaces: list[str]  # names that had whitespace removed, as written


def squeeze(text: str) -> str:
    """A name or query with all whitespace removed (`是  峰` is 是峰)."""
    return _WHITESPACE.sub("", text)


def split_names(cell: str) -> NameCell:
    """Split a leader or unit cell into names; a trailing 等 marks an open-ended list."""
    names: list[str] = []
    joined: list[str] = []
    for piece in _SEPARATORS.split(cell):
        name = squeeze(piece)
        if not name:
            continue
        if name != piece.strip():
            joined.append(piece.strip())
        names.append(name)
    open_ended = False
    if names and names[-1].endswith(OPEN_LIST_MARK) and len(names[-1]) > 1:
        names[-1] = names[-1][: -len(OPEN_LIST_MARK)]
        open_ended = True
    return NameCell(names, open_ended, joined)
