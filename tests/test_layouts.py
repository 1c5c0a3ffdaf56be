"""The layouts other offices publish (issue 13) import right in every format, row by row.

Each layout of ``tests/layouts.py`` is written once per module as Word (real ``w:vMerge`` /
``w:gridSpan``), Excel (merged ranges), a web page in UTF-8 and in GBK (``rowspan`` /
``colspan``) and, for the two without sub-headings, CSV; first the files themselves are
checked to hold the merges the layout describes, then every import against the expected
tasks written beside the layout, then the questions an office asks of them through the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from dutycli.sources.normalize import ImportReport, import_file
from dutycli.store import writer

from .conftest import run_cli, run_process
from .layouts import CHANGSHU, DAZHU, LAYOUTS, ZHONGLOU, ZL_PROJECTS, Layout, write
from .test_table_layout import parse

pytest.importorskip("docx")
pytest.importorskip("openpyxl")

CASES = [(layout, fmt) for layout in LAYOUTS for fmt in layout.formats]
CASE_IDS = [f"{layout.name}-{fmt}" for layout, fmt in CASES]
Merge = tuple[int, int, int, int]  # (row, column, rows, columns) of a merged cell, rows() index


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("layouts")
    return {(layout.name, fmt): write(layout, fmt, folder) for layout, fmt in CASES}


@pytest.fixture(scope="module")
def imported(
    files: dict[tuple[str, str], Path],
) -> Callable[[Layout, str], tuple[dict[str, Any], ImportReport]]:
    """Each fixture imported in-process, once, when a test first asks for it."""
    done: dict[tuple[str, str], tuple[dict[str, Any], ImportReport]] = {}

    def get(layout: Layout, fmt: str) -> tuple[dict[str, Any], ImportReport]:
        key = (layout.name, fmt)
        if key not in done:
            done[key] = import_file(files[key])
        return done[key]

    return get


# --- the fixtures hold what the layouts describe -------------------------------------------


def expected_merges(layout: Layout) -> set[Merge]:
    merges = {(first, column, last - first + 1, 1) for column, first, last in layout.table.merges()}
    return merges | set(layout.table.spans)


def docx_grid(path: Path) -> tuple[list[list[str]], set[Merge]]:
    """The texts of a Word table by grid position (covered cells "") and its merges, read from
    ``w:gridSpan`` and ``w:vMerge`` themselves."""
    import docx
    from docx.table import _Cell

    document = docx.Document(str(path))
    table = document.tables[0]
    width = len(table._tbl.tblGrid.gridCol_lst)
    texts: list[list[str]] = []
    extent: dict[tuple[int, int], list[int]] = {}  # origin: [rows, columns]
    for r, tr in enumerate(table._tbl.tr_lst):
        texts.append([""] * width)
        column = 0
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                origin = next(o for o in sorted(extent, reverse=True) if o[1] == column)
                extent[origin][0] += 1
            else:
                extent[(r, column)] = [1, tc.grid_span]
                texts[r][column] = _Cell(tc, table).text
            column += tc.grid_span
    merges = {(r, c, rows, cols) for (r, c), (rows, cols) in extent.items() if rows * cols > 1}
    return texts, merges


def xlsx_grid(path: Path, layout: Layout) -> tuple[list[list[str]], set[Merge]]:
    import openpyxl

    sheet = openpyxl.load_workbook(path)["分解表"]
    top = len(layout.table.preamble) + 1
    rows, width = len(layout.table.rows()), len(layout.table.header)
    texts = [
        [
            str(v) if (v := sheet.cell(top + r, c + 1).value) is not None else ""
            for c in range(width)
        ]
        for r in range(rows)
    ]
    merges = {
        (m.min_row - top, m.min_col - 1, m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
        for m in sheet.merged_cells.ranges
        if m.min_row >= top
    }
    return texts, merges


class _Cells(HTMLParser):
    """The cells of a page's table rows, by the standard library's parser (not the reader's):
    each as (rowspan, colspan, text), ``<br>`` and a new ``<p>`` a line break."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[int, int, str]]] = []
        self.cell: list[Any] | None = None  # rowspan, colspan, text so far

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = [int(values.get("rowspan") or 1), int(values.get("colspan") or 1), ""]
        elif tag in ("br", "p") and self.cell is not None and self.cell[2]:
            self.cell[2] += "\n"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append((self.cell[0], self.cell[1], self.cell[2]))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[2] += data


def html_grid(path: Path, encoding: str, layout: Layout) -> tuple[list[list[str]], set[Merge]]:
    data = path.read_bytes()
    assert f'<meta charset="{encoding}">'.encode("ascii") in data
    parser = _Cells()
    parser.feed(data.decode(encoding))  # strict: the bytes are in the encoding the page names
    width = len(layout.table.header)
    texts = [[""] * width for _ in parser.rows]
    taken: set[tuple[int, int]] = set()
    merges: set[Merge] = set()
    for r, cells in enumerate(parser.rows):
        column = 0
        for height, span, text in cells:
            while (r, column) in taken:
                column += 1
            taken |= {(r + i, column + j) for i in range(height) for j in range(span)}
            texts[r][column] = text
            if height * span > 1:
                merges.add((r, column, height, span))
    return texts, merges


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_the_expected_tasks_are_the_grids_task_rows(layout: Layout) -> None:
    """The oracle and the grid agree on which rows are tasks: all but the header and the
    heading rows (one cell spanning to the right edge), in order; merged-over cells are empty."""
    rows = layout.table.rows()
    width = len(layout.table.header)
    assert all(len(row) == width for row in rows)
    assert all(rows[r][c] == "" for r, c in layout.table.covered())
    headings = {r for r, c, height, span in layout.table.spans if height == 1 and c + span == width}
    column = layout.table.header.index(next(k for k, v in layout.columns.items() if v == "task"))
    tasks = [row[column] for r, row in enumerate(rows) if r and r not in headings]
    assert tasks == [t.task for t in layout.tasks]


@pytest.mark.parametrize(("layout", "fmt"), CASES, ids=CASE_IDS)
def test_each_fixture_holds_real_merges(
    layout: Layout, fmt: str, files: dict[tuple[str, str], Path]
) -> None:
    path = files[(layout.name, fmt)]
    rows = layout.table.rows()
    if fmt == "csv":  # no merges: merged-over cells are empty, headings in the first column
        lines = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
        assert lines[len(layout.table.preamble) :] == rows
        return
    if fmt == "docx":
        texts, merges = docx_grid(path)
    elif fmt == "xlsx":
        texts, merges = xlsx_grid(path, layout)
    else:
        texts, merges = html_grid(path, "gbk" if fmt == "html-gbk" else "utf-8", layout)
    assert merges == expected_merges(layout)
    assert texts == rows


# --- every format imports every task, field by field ---------------------------------------


@pytest.mark.parametrize(("layout", "fmt"), CASES, ids=CASE_IDS)
def test_every_task_is_read_field_by_field(
    layout: Layout,
    fmt: str,
    imported: Callable[[Layout, str], tuple[dict[str, Any], ImportReport]],
) -> None:
    document, report = imported(layout, fmt)
    got = document["tasks"]
    assert [t["task"] for t in got] == [t.task for t in layout.tasks]  # no heading, none lost
    for index, (row, want) in enumerate(zip(got, layout.tasks, strict=True), start=1):
        fields = want.fields()
        assert row["id"] == index
        assert {k: row.get(k, "(missing)") for k in fields} == fields, f"task {index}"
    lines = [t["source_line"] for t in got]
    assert lines == sorted(set(lines)) and lines[0] > 0  # each task at its own row, in order
    assert [(g["number"], g["name"]) for g in document["goals"]] == layout.goals
    # Every merge read as one is reported (CSV: every empty cell read as a merge).
    assert len(report.inherited_cells) == sum(len(t.inherited) for t in layout.tasks)
    if not fmt.startswith("html"):  # a web page's lines above the table: the HTML reader's call
        assert (document["label"], document["title"]) == (layout.label, layout.title)


def lines_with(text: str, word: str) -> list[str]:
    """The lines of ``text`` naming ``word`` as a whole word (goal, not goal_no or goals)."""
    pattern = re.compile(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])")
    return [line for line in text.splitlines() if pattern.search(line)]


@pytest.mark.parametrize(("layout", "fmt"), CASES, ids=CASE_IDS)
def test_import_check_names_the_columns_found_and_absent(
    layout: Layout, fmt: str, files: dict[tuple[str, str], Path]
) -> None:
    path = files[(layout.name, fmt)]
    outcome = run_cli("import", "--check", str(path))
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == ""  # --check writes nothing
    goals, tasks = len(layout.goals), len(layout.tasks)
    assert f"{path.name}: {goals} goals, {tasks} tasks" in outcome.stderr
    for label, column in layout.columns.items():
        named = [line for name in column.split("|") for line in lines_with(outcome.stderr, name)]
        assert any(label in line for line in named), (label, column)
    # The report speaks of fields by their names (lead_units inherited …): so of the absent.
    assert all(lines_with(outcome.stderr, column) for column in layout.absent), layout.absent
    assert "Traceback" not in outcome.stderr


# --- the questions an office asks, through the CLI ------------------------------------------


@pytest.fixture(scope="module")
def datasets(
    imported: Callable[[Layout, str], tuple[dict[str, Any], ImportReport]],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Path]:
    """One dataset per layout (from its Word file), as YAML; ``<name>.parquet`` beside it."""
    folder = tmp_path_factory.mktemp("layout-datasets")
    out = {}
    for layout in LAYOUTS:
        document, _ = imported(layout, "docx")
        for kind in ("yaml", "parquet"):
            writer.write_document(document, folder / f"{layout.name}.{kind}", kind, force=False)
        out[layout.name] = folder / f"{layout.name}.yaml"
    return out


def rows_of(stdout: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(stdout)
    return rows


@pytest.mark.parametrize("unit", ["住建局", "经信委"])
@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_by_unit_finds_the_units_tasks(
    layout: Layout, unit: str, datasets: dict[str, Path]
) -> None:
    outcome = run_cli("--data", str(datasets[layout.name]), "by-unit", unit, "--format", "json")
    want = [t.task for t in layout.tasks if any(unit in name for name in t.lead_units)]
    assert want and outcome.exit_code == 0, outcome.stderr
    assert [r["task"] for r in rows_of(outcome.stdout)] == want


def test_by_leader_finds_merged_and_shared_leader_cells(datasets: dict[str, Path]) -> None:
    outcome = run_process("--data", str(datasets[ZHONGLOU.name]), "by-leader", "吴伟", "-f", "json")
    assert outcome.exit_code == 0, outcome.stderr
    rows = rows_of(outcome.stdout)
    assert [r["task"] for r in rows] == [t.task for t in ZHONGLOU.tasks if "吴伟" in t.leaders]
    # (6), (7) and (9) sit under a merged 分管领导 cell; (10) names two leaders.
    assert [r["task"][:4] for r in rows if r["leaders_inherited"]] == [
        "（6）新",
        "（7）新",
        "（9）推",
    ]


@pytest.mark.parametrize("layout", [DAZHU, CHANGSHU], ids=[DAZHU.name, CHANGSHU.name])
def test_by_leader_on_a_table_without_leaders_says_so(
    layout: Layout, datasets: dict[str, Path]
) -> None:
    outcome = run_process("--data", str(datasets[layout.name]), "by-leader", "吴伟")
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    # One line, no traceback, naming what is missing: "dutycli: the dataset has no leaders".
    [line] = outcome.stderr.splitlines()
    assert line.startswith("dutycli: ") and "no leaders" in line


@pytest.mark.parametrize("target", ["一", "预期目标"])
def test_by_target_finds_a_heading_goals_tasks(target: str, datasets: dict[str, Path]) -> None:
    outcome = run_cli("--data", str(datasets[CHANGSHU.name]), "by-target", target, "-f", "json")
    assert outcome.exit_code == 0, outcome.stderr
    rows = rows_of(outcome.stdout)
    first_part = [t for t in CHANGSHU.tasks if t.goal_no == 1]
    assert len(first_part) == 8
    assert [r["task"] for r in rows] == [t.task for t in first_part]
    assert [r["item_no"] for r in rows] == [str(n) for n in range(1, 9)]
    assert {r["goal"] for r in rows} == {"一、经济社会发展主要预期目标分解（11项）"}


def test_list_section_finds_the_tasks_under_a_sub_heading(datasets: dict[str, Path]) -> None:
    outcome = run_process(
        "--data", str(datasets[ZHONGLOU.name]), "list", "--section", "双进", "-f", "json"
    )
    assert outcome.exit_code == 0, outcome.stderr
    rows = rows_of(outcome.stdout)
    assert [r["task"][:4] for r in rows] == ["（8）新", "（9）推", "（10）"]
    assert {r["section"] for r in rows} == {ZL_PROJECTS}


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_items_and_sections_survive_the_dataset_formats(
    layout: Layout, datasets: dict[str, Path]
) -> None:
    outputs = []
    for path in (datasets[layout.name], datasets[layout.name].with_suffix(".parquet")):
        outcome = run_cli("--data", str(path), "list", "-f", "json")
        assert outcome.exit_code == 0, outcome.stderr
        outputs.append(rows_of(outcome.stdout))
    yaml_rows, parquet_rows = outputs
    assert yaml_rows == parquet_rows
    got = [(r["goal_no"], r["item_no"], r["section"]) for r in yaml_rows]
    assert got == [(t.goal_no, t.item_no, t.section) for t in layout.tasks]


def test_a_terminal_table_leaves_out_a_column_no_row_has_and_says_so(
    datasets: dict[str, Path],
) -> None:
    """常熟 has no leaders, 大竹 no goal names: their columns would only take the task
    text's width; the count line says they are empty instead. The 2019 table keeps 分管领导
    where one of the rows has none (the empty cell is the news)."""
    env = {"COLUMNS": "80"}
    changshu = run_cli(
        "--data", str(datasets["changshu-2018"]), "by-unit", "住建局", "-f", "table", env=env
    )
    assert "分管领导" not in changshu.stdout.splitlines()[2]
    assert "（分管领导均为空，不列出）" in changshu.stdout
    dazhu = run_cli(
        "--data", str(datasets["dazhu-2016"]), "by-unit", "住建局", "-f", "table", env=env
    )
    assert "（目标名称、分管领导均为空，不列出）" in dazhu.stdout
    wujin = run_cli("by-unit", "商务局", "-f", "table", env=env)
    assert "分管领导" in parse(wujin.stdout)[0] and "均为空" not in wujin.stdout
    # Asked for by name, a column is shown, empty or not.
    chosen = run_cli(
        "--data",
        str(datasets["changshu-2018"]),
        "by-unit",
        "住建局",
        "-f",
        "table",
        "--fields",
        "id,leaders,task",
        env=env,
    )
    assert "分管领导" in parse(chosen.stdout)[0] and "均为空" not in chosen.stdout


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["leaders"], "no task names a leader (分管领导); a table without that column has none"),
        (["units", "--role", "partner"], "no task names a partner unit (配合单位)"),
        (["matrix"], "no task names both a leader and a lead unit"),
    ],
)
def test_a_directory_a_table_lacks_says_why_it_is_empty(
    datasets: dict[str, Path], args: list[str], why: str
) -> None:
    result = run_cli("--data", str(datasets["dazhu-2016"]), *args, "-f", "table")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"dutycli: no rows found: {why}")
