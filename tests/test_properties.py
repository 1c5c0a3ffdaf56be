"""Property tests: random tables and datasets against plain-Python models.

- A random table (merged cells, multi-name cells, spaces inside names, open lists, page
  breaks, columns after 序号 in any order) written in the source text format imports to exactly the
  tasks a simple model of the rules predicts.
- Queries on random data agree with a plain-Python reference filter.
- A dataset dumped and read back (YAML), or exported as JSON/CSV, keeps every field exactly.

Fields are taken from ``schema.TASK_FIELDS`` by kind, so new fields are generated too.
Each property runs a modest number of examples to keep the suite fast.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutycli.errors import QueryError
from dutycli.output import flat
from dutycli.query import filters as query
from dutycli.query import keywords as search
from dutycli.schema import NAME_COLUMNS, TASK_FIELDS
from dutycli.sources.normalize import parse_text_table
from dutycli.store import loader, writer, yaml_file
from dutycli.store.frames import frame_from_records

from .conftest import run_cli

FEW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CJK = "发改局财政商务科技教育卫生健康陆秋明徐治国张小虎强纪委监委组织部石墨烯"
LATIN = "abcXYZ019"
# A name: no separators, no whitespace, not ending with the open-list mark 等.
name_chars = st.sampled_from(CJK + LATIN)
names = st.text(name_chars, min_size=1, max_size=6)
name_lists = st.lists(names, min_size=1, max_size=4, unique=True)
# Task text: anything but TAB (a TAB at a line start begins a cell) and CR (a line break).
TEXT_CHARS = CJK + LATIN + " []/%.()*+?、，等\n\x1b\x00\u2028"
texts = st.text(st.sampled_from(TEXT_CHARS), min_size=1, max_size=40).filter(
    lambda t: bool(t.strip())
)
one_line = st.text(st.sampled_from(CJK + LATIN + " []"), min_size=1, max_size=12).filter(
    lambda t: bool(t.strip())
)


# --- the source text format -------------------------------------------------------------


@dataclass
class NameCellModel:
    names: list[str]  # empty: a merged (blank) cell
    open_ended: bool
    separators: list[str]
    spaced: list[bool]  # write the name with a space inside

    def written(self) -> str:
        if not self.names:
            return ""
        pieces = []
        for name, spaced in zip(self.names, self.spaced, strict=True):
            pieces.append(name[0] + "  " + name[1:] if spaced and len(name) > 1 else name)
        text = pieces[0]
        for separator, piece in zip(self.separators, pieces[1:], strict=False):
            text += separator + piece
        return text + ("等" if self.open_ended else "")


@st.composite
def name_cells(draw: st.DrawFn, blank_allowed: bool = True) -> NameCellModel:
    if blank_allowed and draw(st.booleans()):
        return NameCellModel([], False, [], [])
    cell_names = draw(name_lists)
    return NameCellModel(
        cell_names,
        draw(st.booleans()),
        draw(st.lists(st.sampled_from(["、", "，", ",", "\n"]), min_size=len(cell_names))),
        draw(st.lists(st.booleans(), min_size=len(cell_names), max_size=len(cell_names))),
    )


@dataclass
class RowModel:
    goal_cell: tuple[str, str]  # (序号, 目标名称) as written: ("", "") in a merged goal cell
    task: str
    cells: dict[str, NameCellModel]


@st.composite
def tables(draw: st.DrawFn) -> list[RowModel]:
    rows: list[RowModel] = []
    numbers = draw(st.lists(st.integers(1, 99), min_size=1, max_size=4, unique=True))
    for number in numbers:
        goal = draw(one_line)
        for index in range(draw(st.integers(1, 4))):
            if index == 0:
                goal_cell = (str(number), goal)
            else:  # a merged goal cell, or the goal repeated at a page break
                goal_cell = draw(
                    st.sampled_from([("", ""), (str(number), goal), (str(number), "")])
                )
            cells = {column: draw(name_cells()) for column in ("leaders", "lead_units")}
            rows.append(RowModel(goal_cell, draw(texts), cells))
    return rows


HEADERS = {
    "goal_no": "序号",
    "goal": "目标名称",
    "task": "工作标准",
    "leaders": "区政府分管领导",
    "lead_units": "牵头责任单位",
}


def write_source(rows: list[RowModel], order: list[str]) -> str:
    lines = ["附件1", "随机表"]
    lines += ["\t" + HEADERS[column] for column in order]
    for row in rows:
        values = {
            "goal_no": row.goal_cell[0],
            "goal": row.goal_cell[1],
            "task": row.task,
            **{column: cell.written() for column, cell in row.cells.items()},
        }
        lines += ["\t" + values[column] for column in order]
    return "\n".join(lines) + "\n"


def expected_tasks(rows: list[RowModel]) -> list[dict[str, Any]]:
    """The documented rules, written as plainly as possible."""
    tasks: list[dict[str, Any]] = []
    goal_no, goal_name = 0, ""
    previous: dict[str, Any] | None = None
    for row in rows:
        if row.goal_cell[0] and int(row.goal_cell[0]) != goal_no:
            goal_no, goal_name = int(row.goal_cell[0]), row.goal_cell[1].strip()
            previous = None  # merged cells never carry across goals
        task: dict[str, Any] = {
            "id": len(tasks) + 1,
            "goal_no": goal_no,
            "goal": goal_name,
            "task": row.task.strip(),
        }
        for column, cell in row.cells.items():
            if cell.names:
                value = (list(cell.names), False, cell.open_ended)
            elif previous is not None and previous[column]:
                value = (previous[column], True, previous[f"{column}_open_ended"])
            else:
                value = ([], False, False)
            task[column], task[f"{column}_inherited"], task[f"{column}_open_ended"] = value
        tasks.append(task)
        previous = task
    return tasks


@FEW
@given(rows=tables(), order=st.permutations(list(HEADERS)[1:]))
def test_random_tables_import_as_the_model_predicts(rows: list[RowModel], order: list[str]) -> None:
    # 序号 comes first (the importer requires it); the other columns in any order.
    document, _ = parse_text_table(write_source(rows, ["goal_no", *order]), "random.txt")
    got = document["tasks"]
    want = expected_tasks(rows)
    assert len(got) == len(want)
    for task, model in zip(got, want, strict=True):
        assert set(task) == set(TASK_FIELDS)
        assert {k: task[k] for k in model} == model
    # And the dataset written from it reads back to the same tasks.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.yaml"
        path.write_text(yaml_file.dump(document), encoding="utf-8")
        assert loader.read_dataset(path).tasks == got


# --- random datasets: queries and round trips -------------------------------------------

# Text that YAML, CSV and JSON must keep exactly: YAML look-alikes, quotes, controls, spaces.
tricky_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " lead",
            "trail ",
            "yes",
            "no",
            "null",
            "~",
            "1e3",
            "0x10",
            "- x",
            "a: b",
            "#c",
            '"q"',
            "'s'",
            "&a",
            "*a",
            "!tag",
            "%",
            "@",
            "`",
            "\\",
            "\x00",
            "\x1b[31m",
            "\u2028",
            "\x85",
            "\ufeff",
            "\r\n",
            "\t",
            "多行\n文本",
            "é",
            "𠀀",
        ]
    ),
).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t))
# Full-width letters and digits (a Chinese input method's), a Kangxi radical (⽯ is 石).
WIDE = "ＧＤＰｇ５Ⅲ⽯"
record_names = st.lists(
    st.text(st.sampled_from(CJK + LATIN + WIDE), min_size=1, max_size=5), max_size=4, unique=True
)


@st.composite
def records(draw: st.DrawFn, text: st.SearchStrategy[str] = tricky_text) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 12))
    out = []
    for index in range(count):
        record: dict[str, Any] = {}
        for name, kind in TASK_FIELDS.items():
            if name == "id":
                record[name] = index + 1
            elif name == "goal_no":
                record[name] = draw(st.integers(1, 4))
            elif kind == "int":
                record[name] = draw(st.integers(-(2**63), 2**63 - 1))
            elif kind == "str":
                record[name] = draw(text)
            elif kind == "names":
                record[name] = draw(record_names)
            else:
                record[name] = draw(st.booleans())
        out.append(record)
    return out


def fold(text: str) -> str:
    """The documented rule: compatibility forms as plain (NFKC), one case, no whitespace."""
    plain = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return "".join(plain.split())


@FEW
@given(
    data=records(),
    wanted=st.text(st.sampled_from(CJK + LATIN + WIDE), min_size=1, max_size=2),
    column=st.sampled_from(NAME_COLUMNS),
    exact=st.booleans(),
    strict=st.booleans(),
)
def test_name_queries_agree_with_a_reference_filter(
    data: list[dict[str, Any]], wanted: str, column: str, exact: bool, strict: bool
) -> None:
    frame = frame_from_records(data)
    if strict:
        frame = query.collect(query.explicit_only(frame))
        data = [{**r, **{c: [] for c in NAME_COLUMNS if r[f"{c}_inherited"]}} for r in data]

    def hit(name: str) -> bool:
        return fold(name) == fold(wanted) if exact else fold(wanted) in fold(name)

    known = sorted({n for r in data for n in r[column] if hit(n)})
    try:
        match = query.match_names(frame, column, wanted, exact)
    except QueryError:
        assert known == []
        return
    assert match.names == known
    found = query.collect(query.with_names(frame, column, match.names)).get_column("id").to_list()
    assert found == [r["id"] for r in data if any(hit(n) for n in r[column])]


KEYWORD_CHARS = CJK + LATIN.upper() + LATIN + WIDE + ".%()*+?[]^$|\\ \u3000ⅱ㋀ﬁ（）"


@FEW
@given(
    data=records(st.text(st.sampled_from(KEYWORD_CHARS), max_size=20)),
    keywords=st.lists(
        st.text(st.sampled_from(KEYWORD_CHARS), min_size=1, max_size=3).filter(str.strip),
        min_size=1,
        max_size=3,
    ),
    match_any=st.booleans(),
)
def test_keyword_search_agrees_with_a_reference_filter(
    data: list[dict[str, Any]], keywords: list[str], match_any: bool
) -> None:
    frame = frame_from_records(data)
    patterns = search.keyword_patterns(keywords, regex=False)
    found = (
        query.collect(search.with_keywords(frame, patterns, match_any)).get_column("id").to_list()
    )

    def contains(record: dict[str, Any], keyword: str) -> bool:
        wanted = fold(keyword)
        return any(wanted in fold(record[field]) for field in ("task", "goal", "section"))

    combine = any if match_any else all
    assert found == [r["id"] for r in data if combine(contains(r, k) for k in keywords)]


@FEW
@given(data=records())
def test_yaml_dataset_round_trips_every_field(data: list[dict[str, Any]]) -> None:
    document = {"dutycli_dataset": 1, "title": "t", "label": "", "goals": [], "tasks": data}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.yaml"
        path.write_text(yaml_file.dump(document), encoding="utf-8")
        assert loader.read_dataset(path).tasks == data
        # The loaded frame holds the same values, and JSON export gives them back exactly.
        assert frame_from_records(data).to_dicts() == data
        exported = run_cli("--data", str(path), "list", "-f", "json")
        assert exported.exit_code == 0
        assert json.loads(exported.stdout) == data


@FEW
@given(data=records())
def test_csv_and_tsv_export_keep_every_field(data: list[dict[str, Any]]) -> None:
    """CSV holds lists joined with 、 and booleans as true/false; nothing else changes.

    Checked on the exact text dutycli writes (CliRunner's stdout would turn CRLF into LF).
    """
    frame = frame_from_records(data)
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        text = b"".join(flat.flat_pieces(frame, fmt)).decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert len(rows) == len(data)
        for row, record in zip(rows, data, strict=True):
            assert list(row) == list(TASK_FIELDS)
            for name, kind in TASK_FIELDS.items():
                if kind == "int":
                    assert int(row[name]) == record[name]
                elif kind == "bool":
                    assert row[name] == ("true" if record[name] else "false")
                elif kind == "names":
                    assert (row[name].split("、") if row[name] else []) == record[name]
                else:
                    assert row[name] == record[name]


@settings(FEW, max_examples=10)
@given(data=records())
def test_every_export_reloads_through_data_exactly(data: list[dict[str, Any]]) -> None:
    """export → --data reload keeps every field: CSV, TSV, JSON, JSONL, Parquet and YAML."""
    frame = frame_from_records(data)
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for fmt in ("csv", "tsv", "json", "jsonl"):
            path = Path(folder) / f"d.{fmt}"
            path.write_bytes(b"".join(flat.flat_pieces(frame, fmt)))
            files.append(path)
        for kind, suffix in (("parquet", ".parquet"), ("yaml", ".yaml")):
            path = Path(folder) / f"d{suffix}"
            writer.write_dataset(frame, {"title": "t"}, [], path, kind, force=True)
            files.append(path)
        for path in files:
            reloaded = run_cli("--data", str(path), "list", "-f", "json")
            assert reloaded.exit_code == 0, (path.name, reloaded.stderr)
            assert json.loads(reloaded.stdout) == data, path.name


@settings(FEW, max_examples=10)
@given(
    data=records(st.text(st.sampled_from(KEYWORD_CHARS), max_size=20)),
    column=st.sampled_from(NAME_COLUMNS),
    wanted=st.text(st.sampled_from(CJK + LATIN), min_size=1, max_size=2),
    exact=st.booleans(),
    strict=st.booleans(),
)
def test_cli_name_queries_agree_with_a_reference_filter(
    data: list[dict[str, Any]], column: str, wanted: str, exact: bool, strict: bool
) -> None:
    """The same through the command line: by-unit / by-leader, --exact, --strict, exit codes."""
    command = {"leaders": "by-leader", "lead_units": "by-unit"}.get(column)
    if command is None:
        return  # a name column without its own command is covered by the query test above
    document = {"dutycli_dataset": 1, "title": "t", "goals": [], "tasks": data}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.yaml"
        path.write_text(yaml_file.dump(document), encoding="utf-8")
        flags = [*(["--exact"] if exact else []), *(["--strict"] if strict else [])]
        outcome = run_cli("--data", str(path), command, wanted, *flags, "-f", "json")

    def hit(name: str) -> bool:
        return fold(name) == fold(wanted) if exact else fold(wanted) in fold(name)

    def values(record: dict[str, Any]) -> list[str]:
        names: list[str] = record[column]
        return [] if strict and record[f"{column}_inherited"] else names

    expected = [r for r in data if any(hit(n) for n in values(r))]
    if not expected:
        assert outcome.exit_code == 2  # no such name at all: an error, not "no rows"
        assert outcome.stdout == ""
        return
    assert outcome.exit_code == 0, outcome
    got = json.loads(outcome.stdout)
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    assert [r["task"] for r in got] == [r["task"] for r in expected]
