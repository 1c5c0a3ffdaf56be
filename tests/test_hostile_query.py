"""Hostile input to the queries: what a query finds, and in bounded time.

- Matching: one rule (``names.fold``: NFKC, one case, no whitespace) for every name, goal and
  keyword, in Python and, through ``query.spellings``, in Polars; one regex engine (Polars')
  checks, matches and highlights a ``--regex``.
- Quadratic work: ``metrics`` on long texts, ``diff`` of large goals, and the other steps of
  the queries are linear in their input, or refuse absurd input naming the limit. Each test
  uses a size the fixed code handles well under a second and the old code took minutes on.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutycli.names import fold
from dutycli.query import spellings
from dutycli.store import loader, yaml_file

from .conftest import DATASET, run_cli, run_process


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return loader.read_dataset(DATASET).tasks


def write(path: Path, tasks: list[dict[str, Any]]) -> Path:
    document = {"dutycli_dataset": 1, "title": "t", "goals": [], "tasks": tasks}
    path.write_text(yaml_file.dump(document), encoding="utf-8")
    return path


def write_parquet(path: Path, tasks: list[dict[str, Any]]) -> Path:
    """A dataset as Parquet: read in a moment however many tasks it holds."""
    from dutycli.store import writer
    from dutycli.store.frames import frame_from_records

    writer.write_dataset(frame_from_records(tasks), {"title": "t"}, [], path, "parquet", force=True)
    return path


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def ids(text: str) -> list[int]:
    return [int(row["id"]) for row in rows(text)]


# --- matching: one fold -----------------------------------------------------------------


def reference_fold(text: str) -> str:
    """The documented rule, written out: compatibility forms as plain, one case, no spaces."""
    plain = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return "".join(plain.split())


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("ＧＤＰ", "GDP"),  # full-width Latin, as a Chinese input method types it
        ("５Ｇ", "5G"),
        ("ＰＭ２.５", "pm2.5"),
        ("⽯墨烯", "石墨烯"),  # a Kangxi radical (text copied out of a PDF) is the character
        ("Ⅲ类", "III类"),
        ("是\u3000峰", "是峰"),  # an ideographic space is whitespace too
        ("应急管理局（安委办）", "应急管理局(安委办)"),
    ],
)
def test_fold_reads_compatibility_forms_as_the_plain_character(typed: str, written: str) -> None:
    assert fold(typed) == fold(written) == reference_fold(written)


def test_a_full_width_keyword_finds_what_the_table_wrote() -> None:
    # The shipped table writes GDP in half-width; a clerk's input method types ＧＤＰ.
    plain = run_cli("search", "GDP", "-f", "csv")
    assert plain.exit_code == 0 and ids(plain.stdout) == [3]
    for typed in ("ＧＤＰ", "ｇｄｐ", "G D P"):
        found = run_cli("search", typed, "-f", "csv")
        assert (found.exit_code, found.stdout) == (0, plain.stdout), typed
        listed = run_cli("list", "-k", typed, "-f", "csv")
        assert (listed.exit_code, listed.stdout) == (0, plain.stdout), typed


def test_what_the_table_wrote_full_width_is_found_half_width(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    tasks = copy.deepcopy(records)
    tasks[2]["task"] = "服务业增加值占ＧＤＰ比重提高０.５个百分点"
    tasks[2]["lead_units"] = ["ＩＴ中心"]
    tasks[3]["task"] = "建成５Ｇ基站\u30001200个"
    data = str(write(tmp_path / "wide.yaml", tasks))
    assert ids(run_cli("--data", data, "search", "gdp", "-f", "csv").stdout) == [3]
    assert ids(run_cli("--data", data, "search", "0.5个百分点", "-f", "csv").stdout) == [3]
    assert ids(run_cli("--data", data, "search", "5G基站 1200", "-f", "csv").stdout) == [4]
    unit = run_cli("--data", data, "by-unit", "it中心", "--exact", "-f", "csv")
    assert (unit.exit_code, ids(unit.stdout)) == (0, [3])
    assert ids(run_cli("--data", data, "list", "-u", "IT", "-f", "csv").stdout) == [3]


def test_a_goal_number_typed_full_width_is_the_goal(records: list[dict[str, Any]]) -> None:
    four = run_cli("by-target", "4", "-f", "csv")
    assert four.exit_code == 0 and len(rows(four.stdout)) > 1
    assert run_cli("by-target", "４", "-f", "csv").stdout == four.stdout
    assert run_cli("list", "-t", "４", "-f", "csv").stdout == four.stdout
    # Digits beyond any 64-bit goal number are no goal: one line, not a traceback.
    huge = run_process("by-target", "9" * 5000)
    assert huge.exit_code == 2 and huge.stdout == ""
    assert huge.stderr.startswith("dutycli: no goal number 999") and huge.stderr.count("\n") == 1


def test_aliases_and_diff_compare_names_folded(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    old = copy.deepcopy(records)
    old[0]["lead_units"] = ["GDP核算办"]
    new = copy.deepcopy(old)
    new[0]["lead_units"] = ["ＧＤＰ核算办"]  # the same unit, typed full-width
    before, after = write(tmp_path / "old.yaml", old), write(tmp_path / "new.yaml", new)
    same = run_cli("diff", str(before), str(after), "-f", "csv")
    assert (same.exit_code, rows(same.stdout)) == (1, [])
    # An aliases file written full-width names the unit the table wrote half-width.
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("核算办: [ＧＤＰ核算办]\n", encoding="utf-8")
    found = run_cli(
        "--data",
        str(before),
        "--aliases",
        str(aliases),
        "by-unit",
        "核算办",
        "--exact",
        "-f",
        "csv",
    )
    assert (found.exit_code, ids(found.stdout)) == (0, [1])


def test_completion_folds_what_was_typed() -> None:
    from dutycli.completion import values

    assert values.ranked([("GDP核算办", ""), ("发改局", "")], "ｇｄｐ") == [("GDP核算办", "")]
    read = values.summaries(str(DATASET))
    assert [v for v, _ in values.goal_items(read, "１")][:3] == ["1", "10", "11"]
    assert [v for v, _ in values.task_items(read, "１２")][:2] == ["12", "120"]


# --- matching: the keyword's spellings, in Polars ---------------------------------------


def test_the_spellings_table_is_every_character_fold_changes() -> None:
    """The generated table holds exactly what ``fold`` changes on this Python (or, on a
    Python of another Unicode version, the table computed at run time is used)."""
    everything: dict[str, list[str]] = {}
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        folded = fold(chr(code))
        if folded != chr(code):
            everything.setdefault(folded, []).append(chr(code))
    expected = {key: "".join(chars) for key, chars in sorted(everything.items())}
    from dutycli.query import spellings_table

    if unicodedata.unidata_version == spellings_table.UNICODE_VERSION:
        assert expected == spellings_table.FOLDS
    assert spellings.compute() == expected
    assert spellings.table() == expected
    # Whitespace is what Rust's regex reads as \s and the four separators, here.
    import polars as pl

    every = pl.Series([chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000])
    spaces = every.filter(every.str.contains(r"^[\s\x{1C}-\x{1F}]$")).to_list()
    assert "".join(spaces) == expected[""] == spellings._SPACES


# Characters fold changes in every way: full width, case, compatibility, several to one,
# one to several (Ⅲ, ㋀, ﬁ, ⑳), whitespace; and plain ones around them.
ALPHABET = "gdpGDPＧＤＰｇ5５⑤iIⅰⅱⅢ1１①⑳20月㋀份fﬁ石⽯墨 \u3000\t(（)）.．%％x"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    keyword=st.text(st.sampled_from(ALPHABET), min_size=1, max_size=4).filter(fold),
    texts=st.lists(st.text(st.sampled_from(ALPHABET), max_size=12), min_size=1, max_size=8),
)
def test_a_keyword_pattern_matches_exactly_where_the_fold_holds_the_keyword(
    keyword: str, texts: list[str]
) -> None:
    import polars as pl

    found = pl.Series(texts, dtype=pl.String).str.contains(spellings.pattern(keyword)).to_list()
    assert found == [reference_fold(keyword) in reference_fold(text) for text in texts]


def test_a_keyword_of_too_many_spellings_is_refused_naming_the_limit() -> None:
    # Each run of i is also Ⅱ, Ⅲ, ⅱ, ⅲ, ⅳ …: the ways through forty of them are billions.
    for keyword in ("i" * 40, "推进" * 15_000):
        result = run_process("search", keyword)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith(
            f"dutycli: keyword {keyword[:20]!r}… has too many spellings"
        )
        assert f"{spellings.PATTERN_LIMIT:,}" in result.stderr and result.stderr.count("\n") == 1
    # A long keyword of plain characters is no problem: a whole task text, pasted.
    pasted = run_process("search", "推进重点工程建设" * 300)
    assert (pasted.exit_code, pasted.stderr) == (1, "")


# --- matching: one regex engine ----------------------------------------------------------


def test_a_regex_is_read_by_the_engine_that_searches(records: list[dict[str, Any]]) -> None:
    # \p{Han} is Rust's (and Polars'): Python's re refused it before the search ran.
    han = run_cli("search", "--regex", r"\p{Han}{2}GDP", "-f", "csv")
    assert han.exit_code == 0 and ids(han.stdout) == [3]
    # Look-behind is Python's, not Rust's: one line naming what is wrong, exit 2.
    for pattern, problem in (
        ("(?<=增)长", "look-around"),
        (r"(a)\1", "backreferences are not supported"),
        ("增长(", "unclosed group (at character 3)"),
        ("a{1000}{1000}", "exceeds size limit"),
    ):
        result = run_process("search", "--regex", pattern)
        assert (result.exit_code, result.stdout) == (2, ""), pattern
        assert result.stderr.startswith(f"dutycli: bad pattern {pattern!r}: "), result.stderr
        assert problem in result.stderr and result.stderr.count("\n") == 1, result.stderr


def highlighted(table: str) -> list[str]:
    """The stretches a table shows in bold reverse (ANSI 1;7)."""
    return [part.split("\x1b[0m")[0] for part in table.split("\x1b[1;7m")[1:]]


def test_the_terminal_highlights_what_the_search_matched() -> None:
    from dutycli.output import streams

    streams.use(streams.Streams(terminal=True, width=120, colour=True))
    try:
        han = run_cli("search", "--regex", r"\p{Han}{2}GDP", "-f", "table")
        wide = run_cli("search", "ＧＤＰ", "-f", "table")
    finally:
        streams.use(None)
    assert highlighted(han.stdout) == ["值占GDP"]  # before: no highlight (re refused \p)
    assert highlighted(wide.stdout) == ["GDP"]


def test_highlights_follow_their_row_whatever_the_columns_before() -> None:
    from dutycli.output import streams

    streams.use(streams.Streams(terminal=True, width=500, colour=True))  # no line wrapped
    try:
        found = run_cli("search", "提升", "--fields", "leaders,lead_units,task", "-f", "table")
        plain = run_cli("search", "提升", "-f", "csv")
    finally:
        streams.use(None)
    assert found.exit_code == 0
    assert highlighted(found.stdout) == ["提升"] * sum(
        row["task"].count("提升") for row in rows(plain.stdout)
    )


def test_match_spans_are_where_the_patterns_matched() -> None:
    from dutycli.query.keywords import keyword_patterns, match_spans

    # The marker characters spans are measured with are none the texts hold (\ue000 here).
    texts = ["GDP增长\ue000ＧＤＰ\x1b", "无", ""]
    patterns = keyword_patterns(["gdp", "增长"], regex=False)
    assert match_spans(texts, patterns) == [[(0, 5), (6, 9)], [], []]
    assert match_spans(texts, keyword_patterns([r"\x1b|无"], regex=True)) == [
        [(9, 10)],
        [(0, 1)],
        [],
    ]


def test_highlighting_a_regex_cannot_backtrack_exponentially(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    tasks = copy.deepcopy(records[:3])
    tasks[0]["task"] = "x" + "a" * 40  # (a+)+b on forty a's: 2**40 steps for a backtracker
    data = str(write(tmp_path / "a.yaml", tasks))
    result = run_process("--data", data, "search", "--regex", "x|(a+)+b", "-f", "table")
    assert result.exit_code == 0 and "共 1 条任务" in result.stdout


# --- quadratic work: metrics ---------------------------------------------------------------


def test_metrics_of_a_long_clause_of_many_numbers_is_linear(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    """2,000 numbers in one clause of 200,000 characters: the old reader scanned the clause
    for each number (about eight minutes); now each reads PHRASE_REACH characters around it."""
    from dutycli.query import metrics

    tasks = copy.deepcopy(records[:2])
    tasks[0]["task"] = ("推进重点工程建设" * 12 + "增长5%") * 2000
    data = str(write(tmp_path / "long.yaml", tasks))
    result = run_process("--data", data, "metrics", "-f", "json")
    assert result.exit_code == 0
    found = [row for row in json.loads(result.stdout) if row["id"] == 1]
    assert len(found) == 2000
    assert {(r["verb"], r["value"], r["unit"]) for r in found} == {("增长", 5.0, "%")}
    reach = metrics.PHRASE_REACH
    for row in found:
        assert len(row["indicator"]) <= reach  # read within the reach, like the verb
        # The clause around the number, cut at PHRASE_REACH either side and marked so.
        assert metrics.CUT_MARK in (row["phrase"][0], row["phrase"][-1])
        assert len(row["phrase"]) <= 2 * reach + len("5") + 2 * len(metrics.CUT_MARK)
        assert row["phrase"].strip(metrics.CUT_MARK) in tasks[0]["task"]
    assert result.stderr == (
        f"dutycli: 2000 phrases cut to {reach} characters either side of the number (marked …)\n"
    )


def test_an_assigned_target_search_is_linear_in_a_clause_without_one(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The assigned-target pattern was tried at every position of a clause, scanning to its
    end from each: 200,000 characters without 完成/达到 took minutes."""
    tasks = copy.deepcopy(records[:2])
    tasks[0]["task"] = "节" * 200_000 + "，节能减排完成上级下达目标，安全生产达到省确定任务"
    tasks[1]["task"] = "节" * 200_000
    result = run_process("--data", str(write(tmp_path / "t.yaml", tasks)), "metrics", "-f", "json")
    assert result.exit_code == 0
    assert [
        (r["id"], r["indicator"], r["verb"], r["value"]) for r in json.loads(result.stdout)
    ] == [
        (1, "节能减排", "完成", None),
        (1, "安全生产", "达到", None),
    ]


def test_digits_no_value_holds_are_no_target(records: list[dict[str, Any]], tmp_path: Path) -> None:
    """A 400-digit number was value inf in CSV and null in JSON; it is an identifier."""
    from dutycli.query import metrics

    assert [
        m.excluded for m in metrics.extract("增长" + "9" * 400 + "%，增长1234567890123456")
    ] == [
        "long",
        "long",
    ]
    assert [m.value for m in metrics.targets("增长123456789012345%")] == [123456789012345.0]


def reference_targets(text: str) -> list[tuple[Any, ...]]:
    """The targets as the reader defined them before it was made linear: each number's
    clause scanned out from it, the assigned-target pattern tried at every position."""
    import re

    from dutycli.query import metrics as m

    breaks = "，,；;。！？!?：:"

    def clause(start: int, end: int) -> tuple[int, int]:
        left, right = start, end
        while left > 0 and text[left - 1] not in breaks:
            left -= 1
        while right < len(text) and text[right] not in breaks:
            right += 1
        return left, right

    found: list[tuple[Any, ...]] = []
    for match in re.finditer(r"\d+(?:\.\d+)?", text):
        start, end = match.span()
        left, right = clause(start, end)
        if m._excluded(text, start, end):
            continue
        rest = text[end:right]
        unit = next((u for u in m.UNITS if rest.startswith(u)), "")
        rest = rest[len(unit) :]
        qualifier = next((q for q in m.QUALIFIERS if rest.startswith(q)), "")
        after, head = m._strip(rest[len(qualifier) :]), text[left:start]
        verb, verb_start = m._last_verb(head)
        between, before = "", m._strip(head)
        if verb:
            between = m._strip(head[verb_start + len(verb) :])
            before = m._strip(head[:verb_start])
        else:
            for candidate in m.VERBS:
                if after.endswith(candidate) and len(after) > len(candidate):
                    verb, after = candidate, after[: -len(candidate)]
                    break
        unit = unit.replace("％", "%")
        row = (after or between or before, verb, float(match.group()), unit, qualifier)
        found.append((start, *row, text[left:right]))
    assigned = (
        "(?P<i>[^，,；;。：:]+?)(?P<v>完成|达到)(?:上级|省|市|区)(?:下达|确定)的?(?:目标|任务)"
    )
    for match in re.finditer(assigned, text):
        if clause(match.start(), match.end()) == match.span() and not re.search(r"\d", match[0]):
            found.append((match.start(), m._strip(match["i"]), match["v"], None, "", "", match[0]))
    return sorted(found, key=lambda row: row[0])


PIECES = ["增长", "提高到", "完成", "达到", "上级", "下达", "的", "目标", "任务", "省", "确定"]
PIECES += [
    "7",
    "6.5",
    "１２",
    "%",
    "万元",
    "左右",
    "以上",
    "，",
    "。",
    "：",
    "！",
    "第",
    "年",
    "强",
]
PIECES += ["“", "”", "PM", "节能减排", "企业", " ", "\n", "建成投产", "个", "区"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_the_linear_reader_reads_every_text_as_the_old_one_did(text: str) -> None:
    from dutycli.query import metrics

    got = [
        (t.start, t.indicator, t.verb, t.value, t.unit, t.qualifier, t.phrase)
        for t in metrics.targets(text)
    ]
    assert got == reference_targets(text)


# --- quadratic work: diff ------------------------------------------------------------------


def copies(records: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """``count`` tasks in one goal: the real texts, numbered copies of them."""
    tasks = [
        dict(t, task=f"{t['task']}（{n}）", goal_no=1, goal="全部")
        for n in range(count // len(records) + 1)
        for t in records
    ][:count]
    for number, task in enumerate(tasks, 1):
        task["id"] = number
    return duplicate(tasks)


def duplicate(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of tasks whose lists are their own (faster than deepcopy for thousands)."""
    return [{k: list(v) if isinstance(v, list) else v for k, v in t.items()} for t in tasks]


def reference_pairs(old: list[str], new: list[str], cutoff: float) -> list[tuple[int, int, float]]:
    """The pairing as defined: every pair's difflib ratio, best first (then by position),
    each text taken once."""
    from difflib import SequenceMatcher

    scored = sorted(
        (-SequenceMatcher(None, b, a, autojunk=False).ratio(), i, j)
        for i, a in enumerate(old)
        for j, b in enumerate(new)
    )
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    pairs = []
    for negative, i, j in scored:
        if -negative >= cutoff and i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((i, j, -negative))
    return sorted(pairs)


@settings(max_examples=300, deadline=None)
@given(
    old=st.lists(st.text("增长发展推进建设完成目标7%5", max_size=8), max_size=8),
    new=st.lists(st.text("增长发展推进建设完成目标7%5", max_size=8), max_size=8),
    cutoff=st.sampled_from([0.0, 0.3, 0.6, 0.8, 1.0]),
)
def test_a_goal_of_real_size_is_paired_exactly_as_defined(
    old: list[str], new: list[str], cutoff: float
) -> None:
    from dutycli.query import diff

    assert diff.pair_tasks(old, new, cutoff) == reference_pairs(old, new, cutoff)


def test_a_goal_of_two_thousand_reworded_tasks_pairs_each_with_its_own(
    records: list[dict[str, Any]],
) -> None:
    """The issue's case: every task of a 2,000-task goal reworded (55 s before: each of the
    four million pairs compared); each new task is still paired with the one it came from."""
    from dutycli.query import diff

    old = copies(records, 2000)
    new = duplicate(old)
    for index, task in enumerate(new):
        task["task"] = "进一步" + task["task"].replace("%", "个百分点")
        if index % 7 == 0:
            task["leaders"] = ["某某"]
    notes: list[str] = []
    changes = diff.compare(old, new, notes=notes)
    assert [
        (c.kind, c.old["id"] if c.old else None, c.new["id"] if c.new else None) for c in changes
    ] == [("changed", n, n) for n in range(1, 2001, 7)]
    assert notes == [
        "goal 1: 2000 new and 2000 old tasks differ: each new task was compared with the "
        f"{4 * diff.NEIGHBOURS + diff.COMPARE_LIMIT} old ones most alike, not with every one"
    ]


def test_a_goal_rewritten_wholesale_is_compared_in_linear_time(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    """2,500 old and 2,500 new texts alike in nothing: the old pairing compared all six
    million pairs (half a minute); now each new text meets a few dozen."""
    old = copies(records, 2500)
    new = duplicate(old)
    for index, task in enumerate(new):
        task["task"] = f"Plan item {index}: review the figures with every office"
    before = write_parquet(tmp_path / "old.parquet", old)
    after = write_parquet(tmp_path / "new.parquet", new)
    result = run_process("diff", str(before), str(after), "--fields", "change", "-f", "csv")
    assert result.exit_code == 0
    assert sorted(result.stdout.splitlines()[1:]) == ["added"] * 2500 + ["removed"] * 2500
    assert "compared with the 48 old ones most alike" in result.stderr


def test_many_goals_are_each_found_once(records: list[dict[str, Any]], tmp_path: Path) -> None:
    """15,000 goals of one task: each goal's tasks were looked for in every task (a minute)."""
    old = copies(records, 15_000)
    for number, task in enumerate(old, 1):
        task["goal_no"], task["goal"] = number, f"目标{number}"
    new = duplicate(old)
    new[-1]["leaders"] = ["某某"]
    before = write_parquet(tmp_path / "old.parquet", old)
    after = write_parquet(tmp_path / "new.parquet", new)
    result = run_process("diff", str(before), str(after), "--fields", "change,old_id", "-f", "csv")
    assert (result.exit_code, result.stdout.splitlines(), result.stderr) == (
        0,
        ["change,old_id", "changed,15000"],
        "",
    )


def test_long_texts_are_compared_by_their_start(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    """A 300,000-character task reworded at its end: difflib on the whole texts would take
    minutes; they are compared by their first SIMILARITY_CHARS characters, and said so."""
    from dutycli.query import diff

    old = copy.deepcopy(records[:3])
    old[0]["task"] = "推进重点工程建设，" * 30_000 + "增长7%"
    new = copy.deepcopy(old)
    new[0]["task"] = old[0]["task"].replace("增长7%", "增长6.5%")
    new[0]["leaders"] = ["某某"]
    before, after = write(tmp_path / "old.yaml", old), write(tmp_path / "new.yaml", new)
    result = run_process("diff", str(before), str(after), "-f", "json")
    assert result.exit_code == 0
    assert [(r["change"], r["old_id"], r["new_id"]) for r in json.loads(result.stdout)] == [
        ("changed", 1, 1)
    ]
    assert result.stderr == (
        f"dutycli: goal 1: 2 task texts longer than {diff.SIMILARITY_CHARS:,} characters "
        f"compared by their first {diff.SIMILARITY_CHARS:,}\n"
    )


def test_the_similarity_work_of_a_diff_is_bounded(
    records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Texts that make difflib slowest (one character repeated) cost at most COMPARE_BUDGET;
    past it the shared characters stand for the similarity, with a note."""
    from dutycli.query import diff

    old = copies(records, 40)
    for index, task in enumerate(old):
        task["task"] = "的" * 300 + str(index)
    new = copy.deepcopy(old)
    for task in new:
        task["task"] += "了"
        task["leaders"] = ["某某"]
    monkeypatch.setattr(diff, "COMPARE_BUDGET", 300 * 300 * 5)
    notes: list[str] = []
    changes = diff.compare(old, new, notes=notes)
    assert [(c.old["id"], c.new["id"]) for c in changes if c.old and c.new] == [
        (n, n) for n in range(1, 41)
    ]
    assert notes == [
        f"similarities past {300 * 300 * 5:,} character comparisons were estimated from the "
        "characters two texts share"
    ]


# --- absurd sizes: a clear error naming the limit ----------------------------------------------


def test_a_matrix_of_absurd_size_is_refused_naming_the_limit(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    """20,000 leaders each with their own unit: a pivot of 400 million cells (gigabytes)."""
    from dutycli.query import analysis

    tasks = copies(records, 20_000)
    for number, task in enumerate(tasks):
        task["leaders"], task["lead_units"] = [f"领导{number}"], [f"单位{number}"]
    data = write_parquet(tmp_path / "wide.parquet", tasks)
    result = run_process("--data", str(data), "matrix", "-f", "csv")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "dutycli: the matrix would have 20,000 leaders × 20,000 units, more than "
        f"{analysis.MATRIX_CELLS:,} cells; --explode lists the same pairs as rows\n"
    )
    explode = run_process("--data", str(data), "list", "--explode", "-f", "csv")
    assert explode.exit_code == 0 and explode.stdout.count("\n") == 20_001


def test_an_explode_of_absurd_size_is_refused_naming_the_limit(
    records: list[dict[str, Any]], tmp_path: Path
) -> None:
    """One task naming 5,000 leaders and 5,000 units: 25 million rows for one task."""
    from dutycli.query import analysis

    tasks = copy.deepcopy(records[:2])
    tasks[0]["leaders"] = [f"领导{n}" for n in range(5000)]
    tasks[0]["lead_units"] = [f"单位{n}" for n in range(5000)]
    data = str(write(tmp_path / "many.yaml", tasks))
    for args in (["list", "--explode"], ["matrix"]):
        result = run_cli("--data", data, *args, "-f", "csv")
        assert (result.exit_code, result.stdout) == (2, ""), args
        assert f"25,000,001 rows of task × leader × unit, more than {analysis.EXPLODED_ROWS:,}" in (
            result.stderr
        )
        assert result.stderr.count("\n") == 1
