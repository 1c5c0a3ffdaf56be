"""Layouts beyond the 2019 table: heading rows, item numbers, tables without some columns.

Tables are written here as grids of cell texts, with two marks for merges: ``^`` a cell
continuing a vertical merge from the row above, ``<`` a cell covered by a cell spanning it
from the left. Every reader produces such cells (Word, Excel and HTML from their merges);
the rules under test are the normalizer's, one for every format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dutycli.errors import DataError, DutyError
from dutycli.sources.header import parse_labels
from dutycli.sources.headings import heading_number, heading_text
from dutycli.sources.normalize import import_file, normalize
from dutycli.sources.table import Cell, SourceTable, user_labels

from .conftest import run_cli


def table(*rows: list[str], csv: bool = False) -> SourceTable:
    cells = [
        [Cell("" if text in ("^", "<") else text, line, text == "^", text == "<") for text in row]
        for line, row in enumerate(rows, start=1)
    ]
    return SourceTable(["附件", "某区目标任务分解表"], cells, unit="row", empty_is_merged=csv)


def read(source: SourceTable) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    document, report = normalize(source, "t.docx")
    return document, document["tasks"], report.lines()


def column(tasks: list[dict[str, Any]], name: str) -> list[Any]:
    return [task[name] for task in tasks]


CHANGSHU_HEADER = ["序号", "名称", "工作任务", "牵头责任单位"]


def changshu() -> SourceTable:
    return table(
        CHANGSHU_HEADER,
        ["一、经济社会发展主要预期目标分解（11项）", "<", "<", "<"],
        ["1", "", "地区生产总值增长7%左右", "发改委"],
        ["2", "", "一般公共预算收入增长5%", "财政局"],
        ["3", "", "城镇居民人均可支配收入增长8%", "统计局、人社局"],
        ["二、重点工作任务", "<", "<", "<"],
        ["4", "", "推进老旧小区改造", "住建局"],
        ["^", "", "新建城市公园3个", "^"],
        ["5", "", "培育规上工业企业50家", "经信委"],
    )


def test_headings_above_unnamed_rows_are_their_goals_and_numbers_are_items() -> None:
    document, tasks, lines = read(changshu())
    assert document["goals"] == [
        {"number": 1, "name": "一、经济社会发展主要预期目标分解（11项）"},
        {"number": 2, "name": "二、重点工作任务"},
    ]
    assert column(tasks, "goal_no") == [1, 1, 1, 2, 2, 2]
    assert column(tasks, "item_no") == ["1", "2", "3", "4", "4", "5"]  # 4 spans two rows
    assert column(tasks, "section") == [""] * 6
    assert column(tasks, "leaders") == [[]] * 6  # the table has no leaders column
    assert column(tasks, "lead_units")[2] == ["统计局", "人社局"]
    assert tasks[4]["lead_units"] == ["住建局"] and tasks[4]["lead_units_inherited"]
    assert (
        "row 2: heading row '一、经济社会发展主要预期目标分解（11项）' read as goal 1; "
        "序号 below it numbers its tasks (item_no)"
    ) in lines
    assert "columns absent (left empty): leaders, partner_units, deadline" in lines
    # The heading counts its items: fewer below it may be rows lost on the way.
    assert (
        "row 2: heading '一、经济社会发展主要预期目标分解（11项）' counts 11 items; 3 are below it"
        in lines
    )
    assert (
        "columns read: 序号 → goal_no, 名称 → goal, 工作任务 → task, 牵头责任单位 → lead_units"
        in lines
    )


def test_a_heading_inside_a_goal_is_the_section_of_the_tasks_below_it() -> None:
    header = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位"]
    _, tasks, lines = read(
        table(
            header,
            ["1", "稳增长", "（1）完成固定资产投资", "吴伟", "发改局", ""],
            ["2", "抓项目", "（7）新开工项目60个", "吴伟", "发改局", "住建局"],
            ["^", "^", "聚力攻坚\n项目“双进”", "<", "<", "<"],
            ["^", "^", "（8）引进重大项目20个", "^", "商务局", ""],
            ["^", "^", "（9）竣工项目30个", "^", "^", ""],
            ["^", "^", "优化服务", "<", "<", "<"],
            ["^", "^", "（10）审批提速", "周敏", "行政审批局", ""],
            ["3", "惠民生", "（11）新增就业", "周敏", "人社局", ""],
        )
    )
    assert column(tasks, "goal_no") == [1, 2, 2, 2, 2, 3]
    assert column(tasks, "section") == ["", "", *["聚力攻坚项目“双进”"] * 2, "优化服务", ""]
    assert column(tasks, "item_no") == [""] * 6  # 序号 numbers the goals
    # A merge does not pass through a heading row: the leader is the one merged above (8).
    assert column(tasks, "leaders") == [["吴伟"]] * 4 + [["周敏"]] * 2
    assert tasks[3]["lead_units"] == ["商务局"] and tasks[3]["lead_units_inherited"]
    assert (
        "row 4: heading row '聚力攻坚项目“双进”' read as the section of the tasks below it" in lines
    )
    assert not any("merged across" in line for line in lines)  # a heading, not a cut cell


def test_a_part_heading_above_named_goals_is_their_section() -> None:
    _, tasks, _ = read(
        table(
            ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
            ["一、经济发展", "<", "<", "<", "<"],
            ["1", "稳增长", "完成投资", "吴伟", "发改局"],
            ["2", "抓项目", "新开工", "吴伟", "住建局"],
            ["二、社会民生", "<", "<", "<", "<"],
            ["3", "惠民生", "新增就业", "周敏", "人社局"],
        )
    )
    assert column(tasks, "goal_no") == [1, 2, 3]
    assert column(tasks, "goal") == ["稳增长", "抓项目", "惠民生"]
    assert column(tasks, "section") == ["一、经济发展", "一、经济发展", "二、社会民生"]


def test_a_heading_with_no_tasks_below_it_is_noted_not_a_goal() -> None:
    source = changshu()
    source.rows.append([Cell("注：以上任务年底前完成", 10), *[Cell("", 10, covered=True)] * 3])
    document, tasks, lines = read(source)
    assert len(document["goals"]) == 2 and len(tasks) == 6
    assert (
        "row 10: a heading row with no tasks below it is not read: '注：以上任务年底前完成'"
        in lines
    )


def test_headings_in_a_table_without_merges() -> None:
    """CSV and text know no merges: a heading is the one text of its row, left of the task
    column; in the 序号 column it heads a part, in the 目标名称 column a section of the goal."""
    _, tasks, _ = read(
        table(
            ["序号", "目标名称", "工作标准", "牵头单位"],
            ["一、经济发展", "", "", ""],
            ["1", "", "完成投资", "发改局"],
            ["", "", "新开工", ""],
            ["二、社会民生", "", "", ""],
            ["2", "", "新增就业", "人社局"],
            ["", "就业专项", "", ""],
            ["3", "", "技能培训", "人社局"],
            csv=True,
        )
    )
    assert column(tasks, "goal_no") == [1, 1, 2, 2]
    assert column(tasks, "item_no") == ["1", "1", "2", "3"]
    assert column(tasks, "section") == ["", "", "", "就业专项"]
    assert tasks[1]["lead_units"] == ["发改局"] and tasks[1]["lead_units_inherited"]


def test_rows_under_one_merged_number_share_their_goal_and_units() -> None:
    """大竹 item 5: two tasks under one merged 序号 and 责任单位, each with its deadline."""
    document, tasks, lines = read(
        table(
            ["序号", "民生实事", "责任单位", "完成时限"],
            ["4", "新建农村公路100公里", "交通局", "2016年12月底前"],
            ["5", "开工建设县老年养护楼", "民政局", "2016年6月底前"],
            ["^", "开工建设老年大学", "^", "2016年9月底前"],
        )
    )
    assert document["goals"] == [{"number": 4, "name": ""}, {"number": 5, "name": ""}]
    assert column(tasks, "goal_no") == [4, 5, 5]
    assert column(tasks, "deadline") == ["2016年12月底前", "2016年6月底前", "2016年9月底前"]
    assert tasks[2]["lead_units"] == ["民政局"] and tasks[2]["lead_units_inherited"]
    assert column(tasks, "leaders") == [[]] * 3
    assert "columns absent (left empty): goal, leaders, partner_units" in lines


@pytest.mark.parametrize(
    "numbers",
    [["1.", "2."], ["1、", "2、"], ["（1）", "(2)"], ["（一）", "（二）"], ["一、", "二．"]],
)
def test_goals_numbered_as_word_users_number_a_list(numbers: list[str]) -> None:
    """A 序号 typed 1. or （一） numbers its goal as 1 does: the goal, not an error."""
    document, tasks, _ = read(
        table(
            ["序号", "目标名称", "工作任务", "分管区领导", "牵头单位"],
            [numbers[0], "稳增长", "完成投资", "李明", "发改局"],
            ["^", "^", "新开工", "^", "住建局"],
            [numbers[1], "惠民生", "新增就业", "赵强", "人社局"],
        )
    )
    assert document["goals"] == [{"number": 1, "name": "稳增长"}, {"number": 2, "name": "惠民生"}]
    assert column(tasks, "goal_no") == [1, 1, 2]
    assert column(tasks, "item_no") == ["", "", ""]


@pytest.mark.parametrize("number", ["1.2", "（1", "()", "第1"])
def test_a_goal_number_that_is_no_numeral_is_still_an_error(number: str) -> None:
    with pytest.raises(DataError, match="is not a whole number"):
        read(table(["序号", "工作任务", "牵头单位"], [number, "完成投资", "发改局"]))


def test_a_task_without_leaders_or_lead_units_is_said() -> None:
    """A note typed into the task column of the last row (Excel users do) is read as a task
    no by-unit or by-leader finds: the summary counts it and -v names it; a task whose unit
    a merge gives it is owned."""
    owned = [
        ["序号", "工作目标", "具体任务", "联系领导", "牵头单位"],
        ["1", "项目招引", "引进亿元以上项目5个", "陈刚", "招商局"],
        ["^", "^", "新签约外资项目2个", "^", "^"],
        ["2", "交通设施", "新改建农村公路12.5公里", "", "交通局"],
    ]
    document, report = normalize(
        table(*owned, ["", "", "注：时间节点为最迟完成时间。", "", ""]), "t.xlsx"
    )
    assert len(document["tasks"]) == 4  # still read: it is said, not dropped
    assert report.unowned_tasks == [(5, "注：时间节点为最迟完成时间。")]
    assert "1 task without leaders or lead units" in report.summary()
    assert (
        "row 5: task without leaders or lead units (a note or a heading?): '注：时间节点为最迟完成时间。'"
        in report.lines()
    )
    _, without_note = normalize(table(*owned), "t.xlsx")
    assert not without_note.unowned_tasks
    assert "without leaders" not in " ".join(without_note.lines()) + without_note.summary()


def test_goals_numbered_by_their_names_without_a_number_column() -> None:
    document, tasks, _ = read(
        table(
            ["目标名称", "工作任务", "责任单位"],
            ["稳增长", "完成投资", "发改局"],
            ["^", "新开工", "住建局"],
            ["惠民生", "新增就业", "人社局"],
        )
    )
    assert document["goals"] == [{"number": 1, "name": "稳增长"}, {"number": 2, "name": "惠民生"}]
    assert column(tasks, "goal_no") == [1, 1, 2]


def test_a_table_of_tasks_and_units_only_is_one_unnamed_goal() -> None:
    document, tasks, _ = read(
        table(["工作任务", "责任单位"], ["完成投资", "发改局"], ["新开工", "住建局"])
    )
    assert document["goals"] == [{"number": 1, "name": ""}]
    assert column(tasks, "lead_units") == [["发改局"], ["住建局"]]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # 责任单位 names the lead units, or beside a 牵头 column the units sharing the work.
        (["序号", "工作任务", "牵头单位", "责任单位"], {"lead_units": 2, "partner_units": 3}),
        (["序号", "工作任务", "责任单位", "配合单位"], {"lead_units": 2, "partner_units": 3}),
        # A label ending in 领导 names the leaders.
        (["序号", "重点工作", "分管区领导", "牵头部门"], {"leaders": 2, "lead_units": 3}),
        (["序号", "工作目标", "责任单位", "完成时间节点"], {"task": 1, "deadline": 3}),
        (["序号", "项目", "牵头县领导", "责任单位", "进度安排"], {"leaders": 2, "deadline": 4}),
    ],
)
def test_more_header_labels(header: list[str], expected: dict[str, int]) -> None:
    row = [str(i + 1) if i == 0 else f"值{i}" for i in range(len(header))]
    _, tasks, _ = read(table(header, row))
    for field, index in expected.items():
        value = tasks[0][field]
        assert value in (row[index], [row[index]]), (field, value)


def test_column_option_maps_an_unknown_label(tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_text("序号,民生项目,经办科室\n1,建设养老院,民政局\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"lacks a task column.*民生项目.*--column LABEL=FIELD"):
        import_file(source)
    document, report = import_file(
        source, labels=parse_labels(["民生项目=task", "经办科室=牵头单位"])
    )
    assert document["tasks"][0]["task"] == "建设养老院"
    assert document["tasks"][0]["lead_units"] == ["民政局"]
    assert report.columns == {"goal_no": "序号", "task": "民生项目", "lead_units": "经办科室"}
    # The mapping is the import's own: nothing of it stays for the next one.
    with user_labels({}), pytest.raises(DataError):
        import_file(source)


@pytest.mark.parametrize("value", ["民生项目", "=task", "民生项目=tasks", "民生项目=备注"])
def test_column_option_refuses_what_it_cannot_map(value: str) -> None:
    with pytest.raises(DutyError, match="expected LABEL=FIELD, FIELD one of goal_no, goal"):
        parse_labels([value])


def test_column_option_names_a_label_the_header_lacks_or_a_second_column(tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_text("序号,民生项目,经办科室,备注\n1,建设养老院,民政局,年内\n", encoding="utf-8")
    # A mistyped label (备住 for 备注) left its column unread without a word.
    typo = parse_labels(["民生项目=task", "经办科室=lead_units", "备住=section"])
    with pytest.raises(DataError, match=r"line 1: --column '备住': no such label in the header; "
                       r"labels found: 序号, 民生项目, 经办科室, 备注$"):  # fmt: skip
        import_file(source, labels=typo)
    many = parse_labels([f"L{n}=task" for n in range(1000)])
    with pytest.raises(DataError, match=r"--column 'L0' \(and 999 more\): no such label"):
        import_file(source, labels=many)
    # Two labels mapped to one field: the second column is not read, and says why (it said
    # "not a known header" of a label the user had just named).
    _, report = import_file(
        source, labels=parse_labels(["民生项目=task", "经办科室=lead_units", "备注=task"])
    )
    assert report.columns["task"] == "民生项目"
    assert (
        "ignored column '备注' (a second task column; '民生项目' is read as task)" in report.lines()
    )
    assert "1 columns ignored" in report.summary()


def test_column_option_through_the_cli(tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_text("序号,民生项目,经办科室\n1,建设养老院,民政局\n", encoding="utf-8")
    bad = run_cli("import", str(source), "--column", "民生项目")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
    assert "--column '民生项目': expected LABEL=FIELD" in bad.stderr
    good = run_cli(
        "import",
        str(source),
        "--check",
        "--column",
        "民生项目=task",
        "--column",
        "经办科室=lead_units",
    )
    assert good.exit_code == 0, good.stderr
    assert "columns read: 序号 → goal_no, 民生项目 → task, 经办科室 → lead_units" in good.stderr
    assert "1 goals, 1 tasks" in good.stderr


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一、经济社会发展主要预期目标分解（11项）", 1),
        ("十一、其他", 11),
        ("二十三．党建", 23),
        ("（三）民生", 3),
        ("第四部分 改革", 4),
        ("5、生态", 5),
        ("１２、全角数字", 12),  # typed full width: was numbered by its order instead
        ("（１３）全角括号", 13),
        ("2019年主要目标", None),  # a year, not a number
        ("1.5%的增长", None),
        ("经济发展", None),
    ],
)
def test_heading_numbers(text: str, number: int | None) -> None:
    assert heading_number(text) == number


def test_heading_text_joins_lines() -> None:
    assert heading_text(" 聚力攻坚\n 项目“双进” ") == "聚力攻坚项目“双进”"
    assert heading_text("推进 5G\n基站建设") == "推进 5G 基站建设"
    assert heading_text("GDP\ngrowth") == "GDP growth"


def test_heading_numbers_already_taken_continue_from_the_largest() -> None:
    document, _, _ = read(
        table(
            ["序号", "名称", "工作任务", "牵头单位"],
            ["一、甲", "<", "<", "<"],
            ["1", "", "任务一", "发改局"],
            ["一、乙", "<", "<", "<"],  # numbered 一 again (two tables pasted together)
            ["2", "", "任务二", "住建局"],
        )
    )
    assert [g["number"] for g in document["goals"]] == [1, 2]


def test_a_header_of_labels_of_its_own_points_to_the_column_option_in_every_format(
    tmp_path: Path,
) -> None:
    """Word, Excel and a web page whose header no label is known of: the error shows the
    way out, and the option then reads the table."""
    pytest.importorskip("docx")
    pytest.importorskip("openpyxl")
    pytest.importorskip("lxml")
    from .tables import Table, write_docx, write_html, write_xlsx

    own = Table(["西河区督办清单"], ["序号", "督办事项", "承办科室"], [["1", "新增就业", "人社局"]])
    mapping = ["督办事项=task", "承办科室=牵头单位"]
    for path in (
        write_docx(own, tmp_path / "own.docx"),
        write_xlsx(own, tmp_path / "own.xlsx"),
        write_html(own, tmp_path / "own.html"),
    ):
        found = r"labels found in (the first table's first row|sheet '分解表', row 2): 序号, 督办事项, 承办科室"
        with pytest.raises(
            DataError, match=rf"recognizable header.*{found}.*--column LABEL=FIELD \(fields"
        ):
            import_file(path)
        result = run_cli("import", str(path), "--check", *[f"--column={m}" for m in mapping])
        assert result.exit_code == 0, (path, result.stderr)
        assert "承办科室 → lead_units" in result.stderr


def test_a_column_not_read_that_holds_text_is_counted_among_what_was_not_read(
    tmp_path: Path,
) -> None:
    source = tmp_path / "t.csv"
    source.write_text(
        "序号,工作任务,牵头单位,备注,空列\n1,修路,交通局,2024年底,\n2,建桥,交通局,,\n",
        encoding="utf-8",
    )
    _, report = import_file(source)
    assert report.summary().startswith("1 column with text not read, ")
    assert (
        "line 2: column '备注' holds text in 1 row that no task keeps; "
        "read it with --column 备注=FIELD"
    ) in report.lines()
    assert "空列" not in " ".join(n.text for n in report.notes)  # empty: nothing unread


def test_the_report_lists_the_rows_in_the_table_s_order() -> None:
    _, _, lines = read(changshu())
    rows = [int(line.split(":")[0].split()[1]) for line in lines if line.startswith("row ")]
    assert rows == sorted(rows) and len(rows) >= 3


def test_a_section_column_inherits_its_own_value_not_the_heading_above() -> None:
    """A column read as section (--column 板块=section) continues its own cell: an empty,
    merged cell below an empty one adds nothing to the part heading."""
    with user_labels({"板块": "section"}):
        _, tasks, _ = read(
            table(
                ["序号", "目标名称", "板块", "工作标准", "牵头单位"],
                ["一、经济发展", "", "", "", ""],
                ["1", "稳增长", "", "完成投资", "发改局"],
                ["", "", "", "新开工", ""],
                ["2", "抓项目", "重大项目", "引进项目", "商务局"],
                ["", "", "", "竣工项目", ""],
                csv=True,
            )
        )
    assert column(tasks, "section") == [
        "一、经济发展",
        "一、经济发展",
        "一、经济发展 / 重大项目",
        "一、经济发展 / 重大项目",
    ]
