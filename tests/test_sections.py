"""A task's section (类别) and item number (任务序号) through every layer after the importer.

The fixture is written by hand as the importer writes such tables (issue 13): goals 1 and 11
are headings of the 常熟 kind ("一、…", "十一、…"), whose rows carry their own item numbers;
goal 2 is a named goal of the 钟楼 kind with a sub-heading (a section) over two of its tasks,
and two rows under one item, as 大竹's item 5. The 2019 table has neither field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.cells import cell_len

from dutycli.completion import protocol
from dutycli.completion import values as completion
from dutycli.names import chinese_number
from dutycli.query import diff
from dutycli.schema import TASK_FIELDS
from dutycli.store import loader, yaml_file

from .conftest import DATASET, run_cli, run_process

G1 = "一、经济社会发展主要预期目标分解（11项）"
G2 = "聚力攻坚重大项目"
G11 = "十一、加强政府自身建设"
SECTION = "聚力攻坚项目“双进”"
LIVELIHOOD = "民生实事项目"


def task(number: int, goal_no: int, goal: str, text: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": number,
        "goal_no": goal_no,
        "goal": goal,
        "task": text,
        "leaders": ["吴伟"],
        "lead_units": ["住建局"],
        "leaders_inherited": False,
        "lead_units_inherited": False,
        "leaders_open_ended": False,
        "lead_units_open_ended": False,
        "partner_units": [],
        "partner_units_inherited": False,
        "partner_units_open_ended": False,
        "deadline": "",
        "deadline_inherited": False,
        "source_line": number + 1,
        "item_no": "",
        "section": "",
    }
    record.update(fields)
    assert list(record) == list(TASK_FIELDS)
    return record


TASKS = [
    task(1, 1, G1, "地区生产总值增长7%左右", item_no="1", lead_units=["发改委"]),
    task(2, 1, G1, "一般公共预算收入增长5%", item_no="2", lead_units=["财政局"]),
    task(3, 1, G1, "规模以上工业增加值增长6%", item_no="11", lead_units=["经信委"]),
    task(4, 2, G2, "全年完成重大项目投资300亿元", partner_units=["发改委"]),
    task(5, 2, G2, "开工建设县老年养护楼", section=SECTION, deadline="6月底"),
    task(6, 2, G2, "开工建设老年大学", section=SECTION, deadline="9月底"),
    task(7, 11, G11, "深化政务公开", item_no="5", section=LIVELIHOOD, leaders=["王明"]),
    task(8, 11, G11, "推进数字政府建设", item_no="5", leaders=["王明"], lead_units=["经信委"]),
]
GOALS = [{"number": n, "name": name} for n, name in ((1, G1), (2, G2), (11, G11))]


def write_dataset(path: Path, tasks: list[dict[str, Any]]) -> Path:
    document = {"dutycli_dataset": 1, "title": "分解表", "label": "", "goals": GOALS}
    path.write_text(yaml_file.dump({**document, "tasks": tasks}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("sections") / "changshu.yaml", TASKS)


def ids(*args: str) -> list[int]:
    result = run_cli(*args, "-f", "json")
    assert result.exit_code == 0, result
    return [row["id"] for row in json.loads(result.stdout)]


def failure(*args: str) -> str:
    result = run_cli(*args)
    assert (result.exit_code, result.stdout) == (2, ""), result
    assert len(result.stderr.splitlines()) == 1
    return result.stderr


# --- the store --------------------------------------------------------------------------


def test_yaml_leaves_out_empty_sections_and_items_and_reads_them_back(data: Path) -> None:
    text = data.read_text(encoding="utf-8")
    assert text.count("item_no:") == 5 and text.count("section:") == 3
    assert "item_no: ''" not in text and "section: ''" not in text
    assert loader.read_dataset(data).tasks == TASKS  # "" again, in the schema's order
    assert [list(t) for t in loader.read_dataset(data).tasks] == [list(TASK_FIELDS)] * len(TASKS)
    # The 2019 table has neither, so its file is as it was (test_dataset checks the bytes).
    assert "item_no" not in DATASET.read_text(encoding="utf-8")


def test_yaml_still_refuses_a_wrong_type_or_an_unknown_field(tmp_path: Path) -> None:
    text = write_dataset(tmp_path / "a.yaml", TASKS[:1]).read_text(encoding="utf-8")
    for name, changed in (
        ("number.yaml", text.replace("item_no: '1'", "item_no: 1")),
        ("list.yaml", text.replace("item_no: '1'", "section: [甲]")),
        ("unknown.yaml", text.replace("item_no: '1'", "item: '1'")),
    ):
        path = tmp_path / name
        path.write_text(changed, encoding="utf-8")
        assert changed != text
        error = failure("--data", str(path), "list")
        assert re.search(r"must be text|unknown field 'item'", error), error


def test_every_dataset_and_export_format_keeps_both_fields(data: Path, tmp_path: Path) -> None:
    expected = run_cli("--data", str(data), "list", "-f", "json").stdout
    for suffix in ("yaml", "parquet", "arrow"):
        target = tmp_path / f"t.{suffix}"
        assert run_cli("--data", str(data), "export", "-o", str(target)).exit_code == 0
        assert run_cli("--data", str(target), "list", "-f", "json").stdout == expected, suffix
    for fmt in ("csv", "tsv", "json", "jsonl"):
        target = tmp_path / f"t.{fmt}"
        target.write_text(run_cli("--data", str(data), "list", "-f", fmt).stdout, "utf-8")
        assert run_cli("--data", str(target), "list", "-f", "json").stdout == expected, fmt
    header = run_cli("--data", str(data), "list", "-f", "csv").stdout.splitlines()[0]
    assert header.endswith(",source_line,item_no,section")
    markdown = run_cli("--data", str(data), "list", "-f", "md").stdout.splitlines()
    assert markdown[0].endswith("| source_line | item_no | section |")
    assert markdown[6].endswith(f"| 6 |  | {SECTION} |")  # task 5: a section, no item


def test_xlsx_has_both_columns_at_the_end(data: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "t.xlsx"
    options = ("list", "--all-fields", "-o", str(target))
    assert run_cli("--data", str(data), *options).exit_code == 0
    rows = list(openpyxl.load_workbook(target).active.iter_rows(min_row=3, values_only=True))
    assert rows[0][-3:] == ("源文件行号", "任务序号", "类别")
    assert [row[-2:] for row in rows[1:]][4:7] == [
        (None, SECTION),
        (None, SECTION),
        ("5", LIVELIHOOD),
    ]


def test_files_written_before_the_fields_load_with_them_empty(tmp_path: Path) -> None:
    """A Parquet, Arrow or CSV/JSON export of an older dutycli: no item_no, no section."""
    assert run_cli("export", "-o", str(tmp_path / "new.parquet")).exit_code == 0
    old = pl.read_parquet(tmp_path / "new.parquet").drop("item_no", "section")
    old.write_parquet(tmp_path / "old.parquet")
    old.write_ipc(tmp_path / "old.arrow")
    csv_text = run_cli("list", "-f", "csv", "--fields", ",".join(list(TASK_FIELDS)[:-2])).stdout
    (tmp_path / "old.csv").write_text(csv_text, encoding="utf-8")
    json_rows = json.loads(run_cli("list", "-f", "json").stdout)
    for row in json_rows:
        del row["item_no"], row["section"]
    (tmp_path / "old.json").write_text(json.dumps(json_rows, ensure_ascii=False), "utf-8")
    expected = run_cli("by-unit", "发改局", "-f", "csv").stdout
    assert expected.splitlines()[1].endswith(',"",""')  # item_no and section: empty
    for name in ("old.parquet", "old.arrow", "old.csv", "old.json"):
        path = str(tmp_path / name)
        assert run_cli("--data", path, "by-unit", "发改局", "-f", "csv").stdout == expected, name
        assert run_cli("--data", path, "search", "石墨烯").exit_code == 0, name
    # Another field missing is still refused.
    old.drop("deadline").write_parquet(tmp_path / "bad.parquet")
    assert "missing field 'deadline'" in failure("--data", str(tmp_path / "bad.parquet"), "list")


# --- queries ----------------------------------------------------------------------------


def test_chinese_numerals() -> None:
    for text, number in (
        ("一", 1),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("九十九", 99),
    ):
        assert chinese_number(text) == number
    for text in ("", "零", "百", "一百", "十十", "二二", "十一二", "1", "一、"):
        assert chinese_number(text) is None, text


def test_by_target_takes_the_numeral_a_heading_gives_its_goal(data: Path) -> None:
    at = ("--data", str(data))
    assert ids(*at, "by-target", "一") == [1, 2, 3]  # not goal 11, whose name holds 一 too
    assert ids(*at, "by-target", "十一") == [7, 8]
    assert ids(*at, "by-target", "十一、") == [7, 8]
    assert ids(*at, "by-target", "11") == [7, 8]
    assert ids(*at, "by-target", "预期目标") == [1, 2, 3]
    assert ids(*at, "list", "--target", "二") == [4, 5, 6]
    assert "no goal number 三 (3); goals are numbered 1 to 11" in failure(*at, "by-target", "三")
    # In the 2019 table, too, 四 is goal 4.
    assert ids("by-target", "四") == ids("by-target", "4")


def test_search_finds_the_section_text(data: Path) -> None:
    at = ("--data", str(data))
    assert ids(*at, "search", "双进") == [5, 6]
    assert ids(*at, "search", "双进", "老年大学") == [6]
    assert ids(*at, "search", "--any", "民生实事", "数字政府") == [7, 8]
    assert ids(*at, "list", "-k", "民生") == [7]


def test_list_section_matches_parts_of_sections(data: Path) -> None:
    at = ("--data", str(data))
    assert ids(*at, "list", "--section", "攻坚") == [5, 6]  # not task 4: its goal says 攻坚
    assert ids(*at, "list", "--section", "双 进", "--section", "民生") == [5, 6, 7]
    assert ids(*at, "list", "--section", "民生", "--unit", "住建局") == [7]
    result = run_cli(*at, "list", "--section", "项目", "-f", "csv")
    assert result.stderr == f"dutycli: '项目' matches 2 sections: {SECTION}, {LIVELIHOOD}\n"
    assert "no section matches '农业'" in failure(*at, "list", "--section", "农业")
    assert "the dataset has no sections (类别)" in failure("list", "--section", "农业")
    # Found, but nothing left with the other filters: exit 1, as for every filter.
    assert run_cli(*at, "list", "--section", "民生", "--unit", "发改委").exit_code == 1


def test_list_item_matches_the_whole_number(data: Path) -> None:
    at = ("--data", str(data))
    assert ids(*at, "list", "--item", "1") == [1]  # not item 11
    assert ids(*at, "list", "--item", "5") == [7, 8]  # two rows under one item
    assert ids(*at, "list", "--item", "（５）", "--item", "十一") == [3, 7, 8]
    assert ids(*at, "list", "--item", "5", "--target", "11", "--leader", "王明") == [7, 8]
    assert "no task has item number '7'" in failure(*at, "list", "--item", "7")
    assert "the dataset has no item numbers (任务序号)" in failure("list", "--item", "1")


def test_diff_reports_a_changed_section_or_item_number(data: Path, tmp_path: Path) -> None:
    changed = [dict(t) for t in TASKS]
    changed[4]["section"] = "聚力攻坚项目"
    changed[7]["item_no"] = "6"
    changed[5]["section"] = SECTION.replace("“", " “")  # whitespace: no change
    new = write_dataset(tmp_path / "new.yaml", changed)
    rows = json.loads(run_cli("diff", str(data), str(new), "-f", "json").stdout)
    assert [(r["change"], r["old_id"]) for r in rows] == [("changed", 5), ("changed", 8)]
    assert list(rows[0])[-5:] == [
        "old_item_no",
        "new_item_no",
        "old_section",
        "new_section",
        "similarity",
    ]
    assert (rows[0]["old_section"], rows[0]["new_section"]) == (SECTION, "聚力攻坚项目")
    assert (rows[1]["old_item_no"], rows[1]["new_item_no"]) == ("5", "6")
    assert diff.columns() == list(rows[0])
    # The terminal shows the pairs that changed: both here; the section's alone below.
    table = run_cli("diff", str(data), str(new), "-f", "table", env={"COLUMNS": "200"}).stdout
    assert {"原类别", "新类别", "原任务序号", "新任务序号"} <= set(header(table))
    one = write_dataset(tmp_path / "one.yaml", [*changed[:7], TASKS[7]])
    table = run_cli("diff", str(data), str(one), "-f", "table", env={"COLUMNS": "200"}).stdout
    assert "新类别" in header(table) and "新任务序号" not in header(table)


# --- the terminal -------------------------------------------------------------------------


def header(text: str) -> list[str]:
    """The column labels of a table (a label wrapped over lines joined again); of the first
    table where a narrow terminal puts each goal over a table of its own."""
    first = text.split("┡", 1)[0]
    lines = [re.split("┃", line)[1:-1] for line in first.splitlines() if line.startswith("┃")]
    return ["".join(cell.strip() for cell in cells) for cells in zip(*lines, strict=True)]


@pytest.mark.parametrize("width", [80, 120])
def test_table_shows_section_and_item_before_the_task_when_some_row_has_one(
    data: Path, width: int
) -> None:
    env = {"COLUMNS": str(width)}

    def columns(*args: str) -> list[str]:
        result = run_cli("--data", str(data), *args, "-f", "table", env=env)
        assert result.exit_code == 0, result
        assert all(cell_len(line) <= width for line in result.stdout.splitlines())
        return header(result.stdout)

    both = ["编号", "序号", "目标名称", "类别", "任务序号", "工作标准", "分管领导", "牵头单位"]
    if width < 100:  # eight columns in 80: the goal is a heading over its rows instead
        both = [c for c in both if c not in ("序号", "目标名称")]
    assert columns("list")[: len(both)] == both
    for target, column in (("1", "任务序号"), ("2", "类别")):
        shown = columns("by-target", target)
        # The goal columns, or (where they would squeeze the task text) a heading instead.
        goal = shown[1:3] == ["序号", "目标名称"]
        assert shown[3 if goal else 1 : (5 if goal else 3)] == [column, "工作标准"]
    assert "任务序号" not in columns("by-target", "2")
    assert columns("list", "--fields", "section,id")[:2] == ["类别", "编号"]  # as chosen
    plain = run_cli("by-unit", "发改局", "-f", "table", env=env).stdout
    assert "类别" not in plain and "任务序号" not in plain


def test_a_short_header_text_column_gets_room_before_the_task_text_grows(data: Path) -> None:
    """At 100 columns the task text could take every spare cell; 类别 (a two-character
    header) first gets four characters a line, not two."""
    env = {"COLUMNS": "100"}
    section = run_cli("--data", str(data), "by-target", "2", "-f", "table", env=env).stdout
    top = section.splitlines()[0].split("┳")
    labels = header(section)
    assert cell_len(top[labels.index("类别")]) >= 10  # 8 cells and its padding


def test_search_highlights_the_section(data: Path) -> None:
    from rich.console import Console

    from dutycli.output import table as table_module
    from dutycli.output.result import Result
    from dutycli.query.keywords import keyword_patterns, with_keywords

    frame = loader.load(data).frame
    patterns = keyword_patterns(["双进"], regex=False)
    found = with_keywords(frame, patterns)
    assert isinstance(found, pl.DataFrame)
    console = Console(width=140, record=True, force_terminal=True, color_system="standard")
    table_module.show(Result(found, highlight_patterns=patterns), console)
    assert "\x1b[1;7m双进\x1b[0m" in console.export_text(styles=True)


def test_show_gives_the_section_and_item_when_the_task_has_them(data: Path) -> None:
    def labels(task_id: str) -> list[str]:
        text = run_cli("--data", str(data), "show", task_id, "-f", "table").stdout
        return [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]

    shown = [label for label in labels("7") if label]
    assert shown[:6] == ["编号", "序号", "目标名称", "类别", "任务序号", "工作标准"]
    assert "类别" not in labels("1") and "任务序号" in labels("1")
    assert "类别" not in labels("4") and "任务序号" not in labels("4")


# --- completion ---------------------------------------------------------------------------


def test_section_values_complete_from_the_data(data: Path, tmp_path: Path) -> None:
    parquet = tmp_path / "t.parquet"
    assert run_cli("--data", str(data), "export", "-o", str(parquet)).exit_code == 0
    for path in (data, parquet):
        wanted = protocol.request(["--data", str(path), "list", "--section"], "")
        assert wanted is not None and wanted.kind == "section"
        assert completion.values(wanted) == [(SECTION, "2 条任务"), (LIVELIHOOD, "1 条任务")]
        wanted = protocol.request(["--data", str(path), "list"], "--section=项")
        assert wanted is not None
        assert [v for v, _ in completion.values(wanted)] == [SECTION, LIVELIHOOD]
    # A table without sections offers none, and a Parquet file written before them neither.
    old = tmp_path / "old.parquet"
    pl.read_parquet(parquet).drop("item_no", "section").write_parquet(old)
    for empty in (DATASET, old):
        assert completion.values(completion.Request("section", "", "list", str(empty))) == []
    fields = [v for v, _ in completion.values(completion.Request("field", "new_s", "diff"))]
    assert fields == ["new_section"]


def test_the_installed_dutycli_lists_by_section_and_item(data: Path) -> None:
    result = run_process("--data", str(data), "list", "--section", "双进", "--item", "5")
    assert (result.exit_code, result.stdout.count("\n"), result.stderr) == (1, 1, "")
    result = run_process("--data", str(data), "list", "--section", "双进", "--fields", "id")
    assert (result.exit_code, result.stdout) == (0, "id\n5\n6\n")
    result = run_process("--data", str(data), "list", "--item", "99")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "dutycli: no task has item number '99'\n"


def test_csv_rows_carry_the_fields_as_written(data: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run_cli("--data", str(data), "list").stdout)))
    assert [(r["item_no"], r["section"]) for r in rows] == [
        (t["item_no"], t["section"]) for t in TASKS
    ]
