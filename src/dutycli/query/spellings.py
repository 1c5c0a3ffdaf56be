"""Every way a text can write a keyword: ``names.fold`` turned round, as one Rust regex.

A keyword finds a text when the folded text holds the folded keyword (``names.fold``:
ＧＤＰ finds GDP, ５Ｇ finds 5G, 石墨烯 finds ⽯墨烯, and whitespace between characters does not
count). Folding a whole column in Polars (NFKC) takes four times as long as the search, so
the keyword is turned into a pattern instead: each of its folded characters becomes the
class of every character that folds to it, a character that folds to several (Ⅲ is iii, ㋀
is 1月) is one more way through, and whitespace may stand between any two. Polars matches
that pattern while it reads the file, and the terminal highlights what the same pattern
matched (Rust's regex: linear time, whatever the text).

Which characters fold to what comes from Python's Unicode data: ``spellings_table``,
generated with ``python -m dutycli.query.spellings``; on a Python whose Unicode version is
another, the table is computed once per run instead (about a tenth of a second).
"""

from __future__ import annotations

from itertools import pairwise

from dutycli.errors import QueryError
from dutycli.i18n import t
from dutycli.names import fold

# The longest pattern one keyword may become. A keyword of a few hundred characters stays far
# below it; only one whose characters can be read in very many overlapping ways (a long run
# of i, which Ⅱ, Ⅲ, ⅱ, ⅲ each stand for in part) reaches it.
PATTERN_LIMIT = 200_000

_table: dict[str, str] | None = None
# Python's whitespace (str.split) in Unicode 14 and 15: Rust's \s (White_Space) and \x1c-\x1f.
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
_SPACES += "\u2028\u2029\u202f\u205f\u3000"


def table() -> dict[str, str]:
    """What a character folds to → every other character that folds to exactly that."""
    global _table
    if _table is None:
        import unicodedata

        from dutycli.query import spellings_table

        if unicodedata.unidata_version == spellings_table.UNICODE_VERSION:
            _table = spellings_table.FOLDS
        else:
            _table = compute()
    return _table


def compute() -> dict[str, str]:
    """The table from this Python's Unicode data: every character ``fold`` changes."""
    import unicodedata

    found: dict[str, list[str]] = {}

    def scan(low: int, high: int) -> None:
        block = "".join(map(chr, range(low, high)))
        # A run of characters that fold to themselves, tested at once: an NFKC string holds
        # no character that NFKC would change (each would change in the run too).
        if unicodedata.is_normalized("NFKC", block) and block == fold(block):
            return
        if high - low <= 32:
            for code in range(low, high):
                folded = fold(chr(code))
                if folded != chr(code):
                    found.setdefault(folded, []).append(chr(code))
            return
        middle = (low + high) // 2
        scan(low, middle)
        scan(middle, high)

    for start in range(0, 0x110000, 4096):
        if not 0xD800 <= start < 0xE000:  # surrogates are no characters
            scan(start, start + 4096)
    return {key: "".join(chars) for key, chars in sorted(found.items())}


def pattern(keyword: str) -> str:
    """A Rust regex that matches a text as written wherever its fold holds the keyword's.

    The folded keyword is a path of positions 0..n; each character of the table that can
    stand for a stretch i..j of it is a way from i to j. Where no way jumps over a position
    the pattern is cut there, so it grows with the keyword, not with the ways through it.
    """
    wanted = fold(keyword)
    if not wanted:
        raise QueryError(t("a keyword is empty"))
    folds = table()
    # Whitespace, which folding removes: Python's is Rust's \s and the four separators.
    space = _class(folds.get("", "")) + "*"
    if folds.get("", "") == _SPACES:
        space = r"[\s\x{1C}-\x{1F}]*"
    ways: dict[int, list[tuple[int, str]]] = {}
    for (i, j), chars in _ways(wanted, folds).items():
        ways.setdefault(i, []).append((j, _class(chars)))
    cuts, reach = [0], 0
    for position in range(len(wanted)):
        if position and reach <= position:
            cuts.append(position)
        reach = max(reach, *(j for j, _ in ways[position]))
    cuts.append(len(wanted))
    size = 0

    def through(position: int, end: int, memo: dict[int, str]) -> str:
        """Every way from ``position`` to the cut ``end``."""
        nonlocal size
        if position not in memo:
            options = [
                head if j == end else head + space + through(j, end, memo)
                for j, head in ways[position]
            ]
            text = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
            size += len(text)
            if size > PATTERN_LIMIT:
                raise QueryError(too_many(keyword))
            memo[position] = text
        return memo[position]

    text = space.join(through(a, b, {}) for a, b in pairwise(cuts))
    if len(text) > PATTERN_LIMIT:
        raise QueryError(too_many(keyword))
    return text


def too_many(keyword: str) -> str:
    return (
        f"keyword {shown(keyword)} has too many spellings to search for: its pattern passes "
        f"{PATTERN_LIMIT:,} characters (a keyword too long, or one whose characters read in "
        "very many ways); shorten it"
    )


def shown(keyword: str, length: int = 20) -> str:
    """A keyword as a message quotes it: its start, if it is long."""
    return repr(keyword) if len(keyword) <= length else repr(keyword[:length]) + "…"


def _ways(wanted: str, folds: dict[str, str]) -> dict[tuple[int, int], str]:
    """(i, j) → the characters that can stand for wanted[i:j] (j = len: or begin it there)."""
    n = len(wanted)
    ways: dict[tuple[int, int], str] = {
        (i, i + 1): ch + folds.get(ch, "") for i, ch in enumerate(wanted)
    }

    def add(i: int, j: int, chars: str) -> None:
        ways[(i, j)] = ways.get((i, j), "") + chars

    for key, chars in folds.items():
        if len(key) < 2:
            continue
        start = wanted.find(key)
        while start >= 0:  # Ⅲ for iii inside the keyword
            add(start, start + len(key), chars)
            start = wanted.find(key, start + 1)
        if len(key) > n and wanted in key:  # ㋀ (1月) holds all of 月
            add(0, n, chars)
        for m in range(1, min(n, len(key))):
            if key.endswith(wanted[:m]):  # the keyword begins inside it: 月份 after ㋀
                add(0, m, chars)
            if key.startswith(wanted[n - m :]):  # the keyword ends inside it
                add(n - m, n, chars)
    return dict(sorted(ways.items()))


def _class(chars: str) -> str:
    """A Rust regex class of ``chars`` (one character as itself), every symbol escaped."""
    codes = sorted({ord(ch) for ch in chars})
    if not codes:
        return ""
    if len(codes) == 1:
        return _char(codes[0])
    ranges: list[str] = []
    first = last = codes[0]
    for code in [*codes[1:], -1]:
        if code == last + 1:
            last = code
            continue
        ranges.append(_char(first) if first == last else f"{_char(first)}-{_char(last)}")
        first = last = code
    return "[" + "".join(ranges) + "]"


def _char(code: int) -> str:
    ch = chr(code)
    return ch if ch.isalnum() else f"\\x{{{code:X}}}"


def generate() -> str:
    """The text of ``spellings_table.py`` for this Python's Unicode data."""
    import unicodedata

    return (
        '"""Generated by ``python -m dutycli.query.spellings``: do not edit.\n\n'
        "What ``names.fold`` turns a character into → every character it turns into exactly\n"
        'that ("": whitespace, which folding removes). Used by ``spellings.table``."""\n\n'
        "# The Unicode version of the Python that generated it; another computes its own.\n"
        f'UNICODE_VERSION = "{unicodedata.unidata_version}"\n'
        f"FOLDS: dict[str, str] = {compute()!r}  # fmt: skip\n"
    )


if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("spellings_table.py").write_text(generate(), encoding="utf-8")
