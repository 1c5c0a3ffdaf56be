"""Keyword search: a keyword (or a ``--regex``) as a pattern, checked, matched and located
by one engine, Polars' (Rust's regex: linear time whatever the pattern and the text).

A keyword finds what ``names.fold`` finds (``spellings``); a ``--regex`` is matched as
written, Latin letters in either case. The terminal highlights the places the same
patterns match (``match_spans``), so a row found is a row highlighted.
"""

from __future__ import annotations

import itertools

import polars as pl

from dutycli.errors import QueryError
from dutycli.i18n import t
from dutycli.query import spellings
from dutycli.query.filters import Frame, collect


def keyword_patterns(keywords: list[str], regex: bool) -> list[str]:
    """Rust-regex patterns for keywords, each checked by Polars: a bad one is a QueryError.

    A keyword finds what ``names.fold`` finds (``spellings.pattern``: ＧＤＰ finds GDP,
    whitespace between characters does not count); a ``--regex`` is matched as written,
    Latin letters in either case, by the same engine that searches the data.
    """
    patterns = []
    for keyword in keywords:
        if not keyword.strip():
            raise QueryError(t("a keyword is empty"))
        pattern = f"(?i){keyword}" if regex else spellings.pattern(keyword)
        check_pattern(pattern, keyword)
        patterns.append(pattern)
    return patterns


def check_pattern(pattern: str, shown: str) -> None:
    """Compile ``pattern`` as Polars will; a pattern it refuses is one line naming ``shown``.

    Polars compiles a pattern when a query runs, so a lazy (scanned) dataset would meet a
    bad one only when collected; trying it on one empty string finds it here.
    """
    try:
        pl.DataFrame({"text": [""]}).select(pl.col("text").str.contains(pattern))
    except pl.exceptions.PolarsError as exc:
        problem = _regex_problem(exc, pattern, shown)
        raise QueryError(
            t("bad pattern {shown}: {problem}", shown=spellings.shown(shown, 60), problem=problem)
        ) from None


def _regex_problem(exc: Exception, pattern: str, shown: str) -> str:
    """What Rust's regex says is wrong, in one line (and where, for a one-line pattern)."""
    lines = str(exc).splitlines()
    problem = next((line[len("error: ") :] for line in lines if line.startswith("error: ")), "")
    if not problem:  # e.g. "regex error: Compiled regex exceeds size limit of … bytes."
        first = lines[0] if lines else "not a regular expression"
        return first.removeprefix("regex error: ").rstrip(".")
    # Rust shows the pattern indented by 4, with carets under the fault on the next line.
    offset = len(pattern) - len(shown)
    if "\n" not in pattern and len(lines) > 2 and lines[1] == "    " + pattern:
        column = lines[2].find("^") - 4 - offset
        if 0 <= column < len(shown):
            return f"{problem} (at character {column + 1})"
    return problem


# Besides the task text, a keyword is looked for in these: the goal's name, the section.
HEADINGS = ("goal", "section")


def with_keywords(frame: Frame, patterns: list[str], match_any: bool = False) -> Frame:
    """Rows whose task text, goal name or section matches every pattern (or any, with
    ``match_any``).

    ``patterns`` come from ``keyword_patterns`` (checked there).
    """
    if not patterns:
        return frame
    # Goal names and sections are tested on their few distinct values first: a keyword none
    # holds then tests the task text alone, and Polars filters a scanned dataset on one column
    # while it reads it (a test on two columns makes it read every column whole first).
    distinct = collect(frame.select(pl.col(c).unique().implode() for c in HEADINGS)).row(0)
    headings = {
        c: pl.Series(c, values, pl.String) for c, values in zip(HEADINGS, distinct, strict=True)
    }
    tests = []
    for pattern in patterns:
        test = pl.col("task").str.contains(pattern)
        for column, values in headings.items():
            if values.str.contains(pattern).any():
                test = test | pl.col(column).str.contains(pattern)
        tests.append(test)
    condition = pl.any_horizontal(tests) if match_any else pl.all_horizontal(tests)
    return frame.filter(condition)


def match_spans(texts: list[str], patterns: list[str]) -> list[list[tuple[int, int]]]:
    """Where the patterns match each text: (start, end) character offsets, merged, in order.

    Found by Polars, the engine that chose the rows, so what matched is what is shown
    (and a pattern cannot take exponential time on a text, as a backtracking engine can).
    Each match is wrapped in two marker characters the texts do not hold, then measured.
    """
    found: list[list[tuple[int, int]]] = [[] for _ in texts]
    if not texts or not patterns:
        return found
    used = set().union(*map(set, texts))
    # Private-use characters first; any character the texts do not hold will do.
    codes = itertools.chain(range(0xE000, 0xF900), range(0xF0000, 0x110000), range(0x80, 0xD800))
    markers = list(itertools.islice((c for c in map(chr, codes) if c not in used), 2))
    if len(markers) < 2:  # texts holding every one of those characters: shown plain
        return found
    opening, closing = markers
    column = pl.Series("text", texts, dtype=pl.String)
    for pattern in patterns:
        marked = column.str.replace_all(pattern, f"{opening}${{0}}{closing}").to_list()
        for spans, text in zip(found, marked, strict=True):
            position = removed = 0
            while (start := text.find(opening, position)) >= 0:
                end = text.find(closing, start + 1)
                if end > start + 1:
                    spans.append((start - removed, end - removed - 1))
                removed += 2
                position = end + 1
    return [_merged(spans) for spans in found]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
