"""The rules of reading the 2019 table (issue: merged cells, names, goals), on the real file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dutycli.errors import DataError
from dutycli.names import split_names
from dutycli.sources.normalize import import_file, parse_text_table
from dutycli.sources.text import read_cells

from .conftest import RAW


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    doc, _ = import_file(RAW)
    return doc


@pytest.fixture(scope="module")
def tasks(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(document["tasks"])


def task_starting(tasks: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    found = [t for t in tasks if t["task"].startswith(prefix)]
    assert len(found) == 1, f"{prefix!r} matched {len(found)} tasks"
    return found[0]


def raw_rows() -> list[list[str]]:
    """An independent reading of the raw file: TAB starts a cell, 5 cells a row."""
    cells: list[str] = []
    for line in RAW.read_text(encoding="utf-8").split("\n"):
        if line.startswith("\t"):
            cells.append(line[1:])
        elif cells:
            cells[-1] += "\n" + line
    return [cells[i : i + 5] for i in range(0, len(cells), 5)]


def test_metadata_keeps_label_title_and_header(document: dict[str, Any]) -> None:
    lines = RAW.read_text(encoding="utf-8").split("\n")
    assert document["label"] == lines[0].strip() == "附件1"
    assert document["title"] == lines[1].strip()
    assert "目标任务责任分解表" in document["title"]
    assert document["headers"]["task"] == "工 作 标 准"
    assert list(document["headers"].values()) == [c.strip() for c in raw_rows()[0]]


def test_one_task_per_body_row_and_every_text_verbatim(tasks: list[dict[str, Any]]) -> None:
    body = raw_rows()[1:]
    assert len(tasks) == len(body)
    assert [t["id"] for t in tasks] == list(range(1, len(body) + 1))
    for task, row in zip(tasks, body, strict=True):
        assert task["task"] == row[2].strip()
    raw = RAW.read_text(encoding="utf-8")
    assert all(t["task"] in raw for t in tasks)


def test_twenty_two_goals_with_page_break_repeats_merged(document: dict[str, Any]) -> None:
    goals = document["goals"]
    assert [g["number"] for g in goals] == list(range(1, 23))
    repeated: dict[str, int] = {}
    for row in raw_rows()[1:]:
        if row[0].strip():
            repeated[row[0].strip()] = repeated.get(row[0].strip(), 0) + 1
    assert {no for no, count in repeated.items() if count > 1} == {"4", "6", "11"}
    names = {g["number"]: g["name"] for g in goals}
    for task in document["tasks"]:
        assert task["goal"] == names[task["goal_no"]]


def test_rows_without_number_belong_to_goal_above(tasks: list[dict[str, Any]]) -> None:
    current = None
    for task, row in zip(tasks, raw_rows()[1:], strict=True):
        if row[0].strip():
            current = int(row[0].strip())
        assert task["goal_no"] == current


@pytest.mark.parametrize(
    ("prefix", "leaders", "leaders_inherited", "units", "units_inherited", "open_ended"),
    [
        ("进出口总额增长3%左右", ["徐治国"], True, ["商务局"], True, False),
        ("实际到账外资7.6亿美元", ["徐治国"], True, ["商务局"], True, False),
        ("开展“重大项目攻坚年”活动", [], False, ["商务局"], False, False),
        ("融入“一带一路”倡议", [], False, ["商务局"], True, False),
        (
            "加强投入强度、产出效益等综合评价",
            ["陆秋明", "徐治国"],
            False,
            ["发改局", "工信局"],
            False,
            False,
        ),
        (
            "创新社会事业项目经营管理方式",
            ["陆秋明", "刘志峰", "张小虎"],
            False,
            ["发改局", "教育局", "财政局", "民政局", "文体广电和旅游局", "卫生健康局"],
            False,
            True,
        ),
        ("固定资产投资增长7%左右", ["陆秋明"], False, ["发改局"], True, False),
        ("城镇登记失业率控制在3%以内", ["陆秋明"], True, ["人社局"], False, False),
        # Inheritance never crosses a goal boundary: goal 10 starts without a leader.
        ("坚持文明城市建设和城乡精细管理一体化推进", [], False, ["宣传部", "城管局"], False, False),
        ("加强环卫基础设施建设", [], False, ["城管局"], True, False),
        ("发挥鼓励激励、容错纠错", [], False, ["纪委", "组织部"], False, False),
        ("深入落实中央八项规定精神", ["戴士福", "陆秋明"], True, ["纪委监委"], True, False),
        (
            "依托苏澳合作园区",
            ["陆秋明", "刘志峰"],
            False,
            ["地方金融监督管理局", "苏澳建设办"],
            False,
            False,
        ),
        ("坚持政企分开", ["戴士福", "陆秋明"], False, ["国资办"], False, False),
    ],
)
def test_merged_cells_and_name_lists(
    tasks: list[dict[str, Any]],
    prefix: str,
    leaders: list[str],
    leaders_inherited: bool,
    units: list[str],
    units_inherited: bool,
    open_ended: bool,
) -> None:
    task = task_starting(tasks, prefix)
    assert task["leaders"] == leaders
    assert task["leaders_inherited"] is leaders_inherited
    assert task["lead_units"] == units
    assert task["lead_units_inherited"] is units_inherited
    assert task["lead_units_open_ended"] is open_ended


def test_names_written_with_spaces_are_joined(tasks: list[dict[str, Any]]) -> None:
    leaders = {n for t in tasks for n in t["leaders"]}
    units = {n for t in tasks for n in t["lead_units"]}
    assert {"是峰", "张强"} <= leaders
    assert {"编办", "纪委", "残联"} <= units
    assert not [n for n in leaders | units if any(ch.isspace() for ch in n)]
    assert leaders == {"陆秋明", "徐治国", "刘志峰", "戴士福", "是峰", "薛红霞", "张小虎", "张强"}


def test_inheritance_matches_the_raw_cells(tasks: list[dict[str, Any]]) -> None:
    """Every inherited value equals the nearest value written above it in the same goal."""
    for column, index in (("leaders", 3), ("lead_units", 4)):
        written: list[str] = []
        goal = None
        for task, row in zip(tasks, raw_rows()[1:], strict=True):
            if task["goal_no"] != goal:
                goal, written = task["goal_no"], []
            if row[index].strip():
                assert task[f"{column}_inherited"] is False
                written = task[column]
            else:
                assert task[column] == written
                assert task[f"{column}_inherited"] is bool(written)


@pytest.mark.parametrize(
    ("cell", "names", "open_ended"),
    [
        ("陆秋明、是  峰", ["陆秋明", "是峰"], False),
        ("戴士福\n\n陆秋明", ["戴士福", "陆秋明"], False),
        ("发改局、教育局\n财政局、民政局\n文体广电和旅游局\n卫生健康局等\n", None, True),
        ("纪  委、组织部", ["纪委", "组织部"], False),
        ("公安局，交通局,工信局", ["公安局", "交通局", "工信局"], False),
        ("\u3000编\u3000办 ", ["编办"], False),
        ("", [], False),
        # A name wrapped onto the next line inside brackets is one name, brackets kept.
        ("应急管理局\n(安委办)", ["应急管理局(安委办)"], False),
        ("应急管理局\n（安委办）、公安局", ["应急管理局（安委办）", "公安局"], False),
        ("应急管理局（安\n委办）等", ["应急管理局（安委办）"], True),
        ("区安委会（应急局、公安局）", ["区安委会（应急局、公安局）"], False),
        # An unclosed bracket is not guessed at: split as written.
        ("发改局(牵头、财政局", ["发改局(牵头", "财政局"], False),
        # Collective names are names.
        ("各街道\n区安委会各成员单位", ["各街道", "区安委会各成员单位"], False),
    ],
)
def test_split_names(cell: str, names: list[str] | None, open_ended: bool) -> None:
    parsed = split_names(cell)
    if names is not None:
        assert parsed.names == names
    else:
        assert parsed.names[-1] == "卫生健康局"
    assert parsed.open_ended is open_ended


def test_wrapped_names_are_reported() -> None:
    assert split_names("应急管理局\n(安委办)、公安局").wrapped == ["应急管理局(安委办)"]
    assert split_names("陆秋明\n刘志峰").wrapped == []


def test_a_name_that_is_only_the_mark_is_kept() -> None:
    assert split_names("等").names == ["等"]


HEADER = "\t序号\n\t目标名称\n\t工作标准\n\t分管领导\n\t牵头单位\n"


def test_wrong_cell_count_is_an_error_naming_the_line() -> None:
    text = HEADER + "\t1\n\t目标\n\t任务\n\t张三\n"
    with pytest.raises(DataError, match=r"line 6: .*rows of 5"):
        parse_text_table(text, "t.txt")


def test_missing_header_column_lists_what_was_found() -> None:
    text = "\t序号\n\t目标名称\n\t工作标准\n\t备注\n\t说明\n\t1\n\ta\n\tb\n\tc\n\td\n"
    with pytest.raises(
        DataError, match=r"leaders or lead units.*found: 序号, 目标名称, 工作标准, 备注, 说明"
    ):
        parse_text_table(text, "t.txt")


def test_header_only_table_is_an_error() -> None:
    with pytest.raises(DataError, match="no rows"):
        parse_text_table(HEADER, "t.txt")


def test_first_row_without_goal_number_is_an_error() -> None:
    with pytest.raises(DataError, match="no goal number"):
        parse_text_table(HEADER + "\t\n\t\n\t任务\n\t张三\n\t某局\n", "t.txt")


def test_goal_number_reused_later_is_an_error() -> None:
    rows = "\t1\n\t甲\n\t任务一\n\t张三\n\t某局\n\t2\n\t乙\n\t任务二\n\t李四\n\t某局\n\t1\n\t甲\n\t任务三\n\t\n\t\n"
    with pytest.raises(DataError, match="goal 1 appears again"):
        parse_text_table(HEADER + rows, "t.txt")


def test_task_text_keeps_inner_lines_and_spacing() -> None:
    rows = "\t1\n\t甲\n\t第一行\n\n  第二行 [bold]x[/]  \n\t张三\n\t某局\n"
    doc, _ = parse_text_table(HEADER + rows, "t.txt")
    assert doc["tasks"][0]["task"] == "第一行\n\n  第二行 [bold]x[/]"


def test_preamble_and_cells_are_read_separately() -> None:
    preamble, cells = read_cells(" 附件1\n标题\n\n\t序号\n续行\n")
    assert preamble == ["附件1", "标题"]
    assert [c.text for c in cells] == ["序号\n续行\n"]
    assert cells[0].line == 4


def test_undecodable_source_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "gbk.txt"
    source.write_bytes(HEADER.encode("utf-8") + "\t甲".encode("gbk"))
    with pytest.raises(DataError, match="not UTF-8"):
        import_file(source)


def test_report_counts_what_was_normalized() -> None:
    _, report = import_file(RAW)
    assert "lead_units" in [c for _, c in report.open_lists]
    assert len(report.continued_goals) == 3
    assert any(name == "是  峰" for _, name in report.joined_names)
    assert (
        len(report.inherited_cells)
        == sum(1 for row in raw_rows()[1:] for i in (3, 4) if not row[i].strip())
        - len(report.empty_first_cells)
        - _empty_non_first_without_value()
    )


def _empty_non_first_without_value() -> int:
    """Empty cells below an empty first cell: nothing to inherit, so not counted as inherited."""
    doc, _ = import_file(RAW)
    count = 0
    previous = None
    for task, row in zip(doc["tasks"], raw_rows()[1:], strict=True):
        same_goal = previous is not None and previous["goal_no"] == task["goal_no"]
        for index, column in ((3, "leaders"), (4, "lead_units")):
            if same_goal and not row[index].strip() and not task[column]:
                count += 1
        previous = task
    return count
