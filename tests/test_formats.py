"""Every source format reads to the same tasks: Word, Excel, CSV/TSV, web pages, GB18030 and CRLF text.

The fixtures are written here with each format's own writer (python-docx with real
merged cells, openpyxl with merged ranges), reproducing the real 2019 table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutycli.errors import DataError
from dutycli.sources.normalize import ImportReport, import_file
from dutycli.store import loader, yaml_file

from .conftest import RAW, run_cli
from .tables import Table, write_delimited, write_docx, write_html, write_text, write_xlsx
from .test_importer import raw_rows

pytest.importorskip("docx")
pytest.importorskip("openpyxl")


def wujin_table() -> Table:
    """The 2019 table as its raw file writes it, with Word's merges where cells are empty."""
    lines = RAW.read_text(encoding="utf-8").split("\n")
    rows = raw_rows()
    body = rows[1:]
    # A header row repeated where a page ends, before goal 12 (a new goal: no merge crosses).
    before = next(i for i, row in enumerate(body) if row[0].strip() == "12")
    return Table(
        preamble=[lines[0].strip(), lines[1].strip()],
        header=rows[0],
        body=body,
        merge_columns=(0, 1, 3, 4),
        repeat_header_before=(before,),
    )


FORMATS = [
    "docx",
    "xlsx",
    "csv",
    "tsv",
    "csv-gb18030",
    "txt-gb18030",
    "txt-crlf",
    "txt-bom",
    "txt-excel-utf16",  # Excel's "Unicode text": tab-delimited rows, UTF-16 with BOM
    "html",  # a saved web page: rowspan over merged cells
    "html-gbk",  # in GBK with <meta charset="gbk">, inside a layout table, <p> in cells
]


def write(table: Table, fmt: str, folder: Path, name: str) -> Path:
    if fmt == "docx":
        return write_docx(table, folder / f"{name}.docx")
    if fmt == "xlsx":
        return write_xlsx(table, folder / f"{name}.xlsx")
    if fmt == "csv":
        return write_delimited(table, folder / f"{name}.csv", ",", "utf-8-sig")
    if fmt == "tsv":
        return write_delimited(table, folder / f"{name}.tsv", "\t")
    if fmt == "csv-gb18030":
        return write_delimited(table, folder / f"{name}-gbk.csv", ",", "gb18030")
    if fmt == "txt-gb18030":
        return write_text(table, folder / f"{name}-gbk.txt", "gb18030")
    if fmt == "txt-crlf":
        return write_text(table, folder / f"{name}-crlf.txt", newline="\r\n")
    if fmt == "txt-bom":
        return write_text(table, folder / f"{name}-bom.txt", "utf-8-sig")
    if fmt == "txt-excel-utf16":
        return write_delimited(table, folder / f"{name}-excel.txt", "\t", "utf-16")
    if fmt == "html":
        return write_html(table, folder / f"{name}.html")
    if fmt == "html-gbk":
        return write_html(table, folder / f"{name}-gbk.htm", "gbk", "p", "th", layout=True)
    raise ValueError(fmt)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("formats")


@pytest.fixture(scope="module")
def wujin_imports(folder: Path) -> dict[str, tuple[dict[str, Any], ImportReport, Path]]:
    table = wujin_table()
    out = {}
    for fmt in FORMATS:
        path = write(table, fmt, folder, "wujin")
        document, report = import_file(path)
        out[fmt] = (document, report, path)
    return out


@pytest.fixture(scope="module")
def expected() -> tuple[dict[str, Any], ImportReport]:
    return import_file(RAW)


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """Everything but where in the file each row was (lines and rows count differently)."""
    tasks = [{k: v for k, v in t.items() if k != "source_line"} for t in document["tasks"]]
    keep = ("title", "label", "headers", "goals")
    return {**{k: document[k] for k in keep}, "tasks": tasks}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_imports_the_same_tasks_as_the_text_file(
    fmt: str,
    wujin_imports: dict[str, tuple[dict[str, Any], ImportReport, Path]],
    expected: tuple[dict[str, Any], ImportReport],
) -> None:
    document, report, _ = wujin_imports[fmt]
    want, want_report = expected
    assert comparable(document) == comparable(want)
    # The same normalizations are reported: merges read as merges, not as guesses.
    assert len(report.inherited_cells) == len(want_report.inherited_cells)
    assert [c for _, c in report.inherited_cells] == [c for _, c in want_report.inherited_cells]
    assert report.continued_goals and len(report.continued_goals) == len(
        want_report.continued_goals
    )
    assert [n for _, n in report.joined_names] == [n for _, n in want_report.joined_names]
    assert report.skipped_headers and len(report.skipped_headers) == 1


def test_source_lines_point_at_the_row_in_the_sheet(
    wujin_imports: dict[str, tuple[dict[str, Any], ImportReport, Path]],
) -> None:
    import openpyxl

    document, _, path = wujin_imports["xlsx"]
    sheet = openpyxl.load_workbook(path)["分解表"]
    for task in document["tasks"][:20]:
        assert str(sheet.cell(task["source_line"], 3).value).strip() == task["task"]
    assert document["source"]["sheet"] == "分解表"


def test_word_merged_cells_are_read_from_the_xml_not_the_repeated_text(
    wujin_imports: dict[str, tuple[dict[str, Any], ImportReport, Path]],
) -> None:
    import docx

    _, _, path = wujin_imports["docx"]
    table = docx.Document(str(path)).tables[0]
    # python-docx shows the merged leader of tasks 6 and 7 in both rows: the same text twice.
    rows = [[c.text for c in row.cells] for row in table.rows]
    document, _, _ = wujin_imports["docx"]
    seven = document["tasks"][6]
    assert seven["leaders_inherited"] is True
    assert rows[seven["source_line"] - 1][3] == rows[seven["source_line"] - 2][3] == "徐治国"


def test_cli_imports_a_workbook_and_queries_it(
    wujin_imports: dict[str, tuple[dict[str, Any], ImportReport, Path]], folder: Path
) -> None:
    _, _, source = wujin_imports["xlsx"]
    target = folder / "from-xlsx.yaml"
    result = run_cli("import", str(source), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert "1 repeated header rows skipped" in result.stderr
    assert loader.read_dataset(target).tasks[6]["leaders"] == ["徐治国"]
    assert run_cli("import", str(source), "-o", str(target)).exit_code == 2  # no --force
    check = run_cli("import", str(source), "--check", "--sheet", "分解表")
    assert check.exit_code == 0 and check.stdout == ""
    assert "row " in check.stderr and "repeated header row skipped" in check.stderr
    missing = run_cli("import", str(source), "--sheet", "Sheet9")
    assert missing.exit_code == 2 and "sheets: 说明, 分解表" in missing.stderr


# --- a 7-column table: partner units, deadlines, wrapped and collective names ------------

SEVEN_HEADER = ["序 号", "项目\n名称", "主要内容", "牵头领导", "牵头部门", "配合\n单位", "完成时限"]
SEVEN_BODY = [
    [
        "1",
        "安全生产",
        "开展安全生产专项整治",
        "王  强",
        "应急管理局\n(安委办)",
        "各街道\n公安局",
        "2019年6月底",
    ],
    ["", "", "落实企业主体责任", "", "", "", ""],
    ["", "", "推进隐患排查治理", "李明", "应急管理局\n（安委办）", "区安委会各成员单位", ""],
    ["2", "营商环境", "深化“放管服”改革", "李明", "政务办", "发改局、司法局等", "2019年底"],
    ["", "", "推行“不见面审批”", "", "", "", "长期坚持"],
]


def seven_table() -> Table:
    return Table(
        preamble=["附件2", "2020年重点工作任务分解表"],
        header=SEVEN_HEADER,
        body=SEVEN_BODY,
        merge_columns=(0, 1, 3, 4, 5, 6),
        repeat_header_before=(3,),
    )


@pytest.fixture(scope="module")
def seven_imports(folder: Path) -> dict[str, dict[str, Any]]:
    table = seven_table()
    out = {}
    for fmt in FORMATS:
        document, _ = import_file(write(table, fmt, folder, "seven"))
        out[fmt] = document
    out["docx-title-row"], _ = import_file(
        write_docx(table, folder / "seven-title.docx", title_row=True)
    )
    return out


def test_seven_columns_read_alike_in_every_format(seven_imports: dict[str, dict[str, Any]]) -> None:
    first = comparable(seven_imports["txt-crlf"])
    for fmt, document in seven_imports.items():
        assert comparable(document) == first, fmt


def test_partner_units_deadlines_wrapped_and_collective_names(
    seven_imports: dict[str, dict[str, Any]],
) -> None:
    document = seven_imports["docx"]
    assert document["title"] == "2020年重点工作任务分解表"
    assert set(document["headers"]) == {
        "goal_no", "goal", "task", "leaders", "lead_units", "partner_units", "deadline"
    }  # fmt: skip
    one, two, three, four, five = document["tasks"]
    assert one["leaders"] == ["王强"]
    # A name wrapped onto the next line inside brackets is one name, brackets as written.
    assert one["lead_units"] == ["应急管理局(安委办)"]
    assert three["lead_units"] == ["应急管理局（安委办）"]
    # Collective names stay names.
    assert one["partner_units"] == ["各街道", "公安局"]
    assert three["partner_units"] == ["区安委会各成员单位"]
    assert one["deadline"] == "2019年6月底" and one["deadline_inherited"] is False
    # Merged partner and deadline cells inherit within the goal, like leaders and units.
    assert two["partner_units"] == ["各街道", "公安局"] and two["partner_units_inherited"]
    assert two["deadline"] == "2019年6月底" and two["deadline_inherited"] is True
    assert two["lead_units"] == ["应急管理局(安委办)"] and two["lead_units_inherited"]
    assert three["deadline"] == "2019年6月底" and three["deadline_inherited"] is True
    assert four["partner_units"] == ["发改局", "司法局"] and four["partner_units_open_ended"]
    assert five["partner_units_inherited"] and five["partner_units_open_ended"]
    # Never across goals: goal 2 has its own deadline per row.
    assert four["deadline"] == "2019年底" and five["deadline"] == "长期坚持"


def test_a_table_without_optional_columns_leaves_them_empty(
    wujin_imports: dict[str, tuple[dict[str, Any], ImportReport, Path]],
) -> None:
    document, _, _ = wujin_imports["docx"]
    assert all(t["partner_units"] == [] and t["deadline"] == "" for t in document["tasks"])


def test_queries_on_partner_units(seven_imports: dict[str, dict[str, Any]], folder: Path) -> None:
    path = folder / "seven.yaml"
    path.write_text(yaml_file.dump(seven_imports["xlsx"]), encoding="utf-8")
    data = ("--data", str(path))
    lead = run_cli(*data, "by-unit", "应急管理局", "-f", "csv", "--fields", "id")
    assert lead.stdout.split() == ["id", "1", "2", "3"]
    partner = run_cli(
        *data, "by-unit", "公安局", "--role", "partner", "-f", "csv", "--fields", "id"
    )
    assert partner.stdout.split() == ["id", "1", "2"]
    not_lead = run_cli(*data, "by-unit", "公安局")  # a partner unit only: the error says so
    assert not_lead.exit_code == 2
    assert not_lead.stderr == (
        "dutycli: no unit matches '公安局'; as a partner unit it matches 公安局: "
        "add --role partner\n"
    )
    listed_as_lead = run_cli(*data, "list", "--unit", "司法")
    assert listed_as_lead.stderr.endswith("as a partner unit it matches 司法局: add --partner\n")
    not_partner = run_cli(*data, "list", "--partner", "政务办").stderr
    assert not_partner.endswith("as a lead unit it matches 政务办: add --unit\n")
    nowhere = run_cli(*data, "by-unit", "税务局").stderr  # in neither role: as before
    assert nowhere == "dutycli: no unit matches '税务局'\n"
    either = run_cli(*data, "by-unit", "局", "--role", "any", "-f", "csv", "--fields", "id")
    assert either.stdout.split() == ["id", "1", "2", "3", "4", "5"]
    listed = run_cli(*data, "list", "--partner", "司法局", "-f", "csv", "--fields", "id,deadline")
    assert listed.stdout.split() == ["id,deadline", "4,2019年底", "5,长期坚持"]
    table = run_cli(*data, "list", "-f", "table").stdout
    assert "配合单位" in table and "完成时限" in table
    partners = run_cli(*data, "units", "--role", "partner", "-f", "csv").stdout.splitlines()
    assert partners[0] == "name,tasks,inherited"
    assert set(partners[1:]) == {
        "公安局,2,1", "各街道,2,1", "发改局,2,1", "司法局,2,1", "区安委会各成员单位,1,0"
    }  # fmt: skip
    every = run_cli(*data, "units", "--role", "any", "-f", "csv").stdout.splitlines()
    assert "应急管理局(安委办),2,1" in every and len(every) == 1 + 8
    assert {"政务办,2,1", "公安局,2,1", "应急管理局（安委办）,1,0"} <= set(every)
    none = run_cli("by-unit", "公安局", "--role", "partner")  # the 2019 table has no such column
    assert none.exit_code == 2 and "the dataset has no partner units" in none.stderr
    plain = run_cli("list", "-f", "table").stdout
    assert "配合单位" not in plain and "完成时限" not in plain
    shown = run_cli(*data, "show", "2", "-f", "table").stdout
    assert "沿用第 1 条" in shown and "2019年6月底" in shown


def test_word_reads_tracked_insertions_and_leaves_unmerged_empty_cells_empty(
    folder: Path,
) -> None:
    import docx
    from docx.oxml import OxmlElement

    table = seven_table()
    table.merge_columns = (0, 1, 4, 5, 6)  # the leader cell of task 2 is empty, not merged
    path = write_docx(table, folder / "tracked.docx")
    document = docx.Document(str(path))
    cell = document.tables[0].rows[3].cells[2]  # task 3, after the header and two rows
    run = cell.paragraphs[0].runs[0]
    inserted = OxmlElement("w:ins")
    run._r.addprevious(inserted)
    inserted.append(run._r)  # the task text is now a tracked insertion
    document.save(str(path))
    _, two, three, *_ = import_file(path)[0]["tasks"]
    assert three["task"] == "推进隐患排查治理"
    assert two["leaders"] == [] and two["leaders_inherited"] is False
    assert two["lead_units_inherited"] is True


def test_a_two_row_header_is_read_column_by_column(folder: Path) -> None:
    header = ["序号", "目标名称", "工作任务", "责任分工", "", "", "完成时限"]
    lower = ["", "", "", "责任领导", "牵头单位", "配合单位", ""]
    body = [
        ["1", "甲", "任务一", "张三", "某局", "各街道", "6月底"],
        ["", "", "任务二", "", "", "", ""],
    ]
    table = Table(["标题"], header, [lower, *body], merge_columns=(0, 1, 3, 4, 5, 6))
    for path in (write_xlsx(table, folder / "two.xlsx"), write_docx(table, folder / "two.docx")):
        document, _ = import_file(path)
        assert set(document["headers"]) == {
            "goal_no", "goal", "task", "leaders", "lead_units", "partner_units", "deadline"
        }  # fmt: skip
        assert [t["task"] for t in document["tasks"]] == ["任务一", "任务二"]
        assert document["tasks"][1]["partner_units"] == ["各街道"]
        assert document["tasks"][1]["deadline"] == "6月底"


# --- errors ------------------------------------------------------------------------------


def test_unrecognized_required_column_lists_what_was_found(folder: Path) -> None:
    table = Table(
        [], ["序号", "名称", "内容", "分管领导", "牵头单位"], [["1", "甲", "任务", "张三", "某局"]]
    )
    for path in (write_xlsx(table, folder / "bad.xlsx"), write_docx(table, folder / "bad.docx")):
        with pytest.raises(
            DataError,
            match=r"the header lacks a task column \(工作标准, 工作任务, …\); labels found: 序号, 名称, 内容",
        ):
            import_file(path)


def test_undecodable_and_unknown_files_are_clear_errors(folder: Path) -> None:
    mixed = folder / "mixed.csv"
    mixed.write_bytes("序号,目标名称,工作标准\n".encode() + "甲乙丙".encode("gbk"))
    with pytest.raises(DataError, match="not UTF-8 text: invalid bytes"):
        import_file(mixed)
    binary = folder / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(DataError, match="neither UTF-8 nor GB18030"):
        import_file(binary)
    with pytest.raises(DataError, match=r"unknown source format '\.pdf'"):
        import_file(folder / "table.pdf")
    fake = folder / "fake.docx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a readable Word"):
        import_file(fake)


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    import sys

    path = write_docx(seven_table(), folder / "extra.docx")
    xlsx = write_xlsx(seven_table(), folder / "extra.xlsx")
    monkeypatch.setitem(sys.modules, "docx", None)
    result = run_cli("import", str(path), "--check")
    assert result.exit_code == 2
    assert "pip install 'dutycli[docx]'" in result.stderr
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert "dutycli[xlsx]" in run_cli("import", str(xlsx), "--check").stderr


# --- any table: every format agrees, merges or not -----------------------------------------

NAMES = ["张三", "李四", "发改局", "应急管理局\n(安委办)", "各街道", "财政局等", ""]


@st.composite
def tables(draw: st.DrawFn) -> Table:
    body = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        for index in range(draw(st.integers(1, 4))):
            first = index == 0
            cells = [str(number) if first else "", f"目标{number}" if first else ""]
            cells.append(f"任务{number}-{index}")
            cells += [draw(st.sampled_from(NAMES)) for _ in range(3)]
            cells.append(draw(st.sampled_from(["", "6月底", "长期"])))
            body.append(cells)
    header = ["序号", "目标名称", "工作任务", "责任领导", "责任单位", "配合单位", "完成时间"]
    return Table(["标题"], header, body, merge_columns=(0, 1, 3, 4, 5, 6))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables())
def test_any_table_reads_alike_in_every_format(table: Table, folder: Path) -> None:
    documents = [
        comparable(import_file(write(table, fmt, folder, "any"))[0])
        for fmt in ("txt-crlf", "docx", "xlsx", "csv-gb18030", "html")
    ]
    assert all(d == documents[0] for d in documents[1:])
    for task, row in zip(documents[0]["tasks"], table.body, strict=True):
        # A written cell is never inherited; an empty one never carries a value from another goal.
        assert task["task"] == row[2]
        assert task["deadline_inherited"] is (not row[6] and bool(task["deadline"]))


def test_excel_dates_read_as_the_sheet_shows_them(folder: Path) -> None:
    """A deadline typed as a date keeps the form the clerk sees: 2024年12月31日 stays so; a
    date in a format of no Chinese (2024/12/31) is read as an ISO date. Chinese Excel saves
    年月日 formats by number only (numFmtId 31, not defined in the file): still a date."""
    import re
    import zipfile

    import openpyxl

    from dutycli.sources.excel_dates import render

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "完成时限"])
    formats = [
        'yyyy"年"m"月"d"日"',
        'm"月"d"日"',
        'yyyy"年"m"月"',
        "yyyy/m/d",
        'yyyy"年"mm"月"dd"日"',
    ]
    for number, code in enumerate(formats, start=1):
        sheet.append(
            [number, f"目标{number}", f"任务{number}", "张三", "发改局", dt.datetime(2024, 3, 5)]
        )
        sheet.cell(number + 1, 6).number_format = code
    sheet.append([9, "目标9", "任务9", "张三", "发改局", dt.datetime(2024, 12, 31)])
    sheet.cell(7, 6).number_format = 'yyyy"年"m"月"d"日"'
    path = folder / "dates.xlsx"
    book.save(str(path))
    # The last date as Chinese Excel writes it: the builtin format 31, left undefined.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    styles = parts["xl/styles.xml"].decode()
    custom = re.search(
        r'<numFmt numFmtId="(\d+)" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>',
        styles,
    )
    assert custom is not None
    parts["xl/styles.xml"] = styles.replace(
        f'numFmtId="{custom.group(1)}"', 'numFmtId="31"'
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    deadlines = [t["deadline"] for t in import_file(path)[0]["tasks"]]
    assert deadlines == [
        "2024年3月5日",
        "3月5日",
        "2024年3月",
        "2024-03-05",
        "2024年03月05日",
        "2024年12月31日",
    ]
    assert render(dt.time(9, 5), 'h"时"mm"分"') == "9时05分"
    assert render(dt.datetime(2024, 1, 1, 15, 0), '上午/下午h"时"mm"分"') == "下午3时00分"
