"""Web pages (dutycli import page.html): the table as a browser shows it, merges as merges.

The pages are written here by hand, as government sites publish them: UTF-8 and GBK with a
``<meta charset>``, rowspan/colspan merges, ``<br>`` and paragraphs in cells, layout tables
around the table, a table split in two; and hostile ones. That every format (the 2019
table and the seven-column one as pages too) imports the same tasks is tested in
test_formats.py.
"""

from __future__ import annotations

import codecs
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from dutycli.errors import DataError
from dutycli.sources import html
from dutycli.sources.normalize import import_file
from dutycli.sources.table import Cell, SourceTable

from .conftest import ROOT, run_cli, run_process
from .tables import Table, write_html

pytest.importorskip("lxml")

HEADER = (
    "<tr><th>序号</th><th>目标名称</th><th>工作任务</th><th>责任领导</th><th>牵头单位</th></tr>"
)
ROW = "<tr><td>{0}</td><td>目标{0}</td><td>任务{0}</td><td>张三</td><td>某局</td></tr>"


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>网页标题</title></head><body>{body}</body></html>"
    )


def source(tmp_path: Path, text: str, name: str = "page.html", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path) -> SourceTable:
    return html.read(path.read_bytes(), path)


def texts(table: SourceTable) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def flags(table: SourceTable) -> list[str]:
    """Each row as a string: T a cell with its own text (or empty), M merged, C covered."""
    return ["".join("M" if c.merged else "C" if c.covered else "T" for c in r) for r in table.rows]


MERGED_PAGE = page(
    """
<div class="nav"><a href="/">首页</a> &gt; 政务公开</div>
<script>document.write("<table><tr><td>序号</td><td>工作任务</td><td>牵头单位</td></tr></table>")</script>
<style>td { border: 1px solid }</style>
<p>附件1</p>
<p>常熟市2018年政府工作报告
   目标任务分解表</p>
<table border="1">
<thead><tr><th>序 号</th><th>目标<br>名称</th><th>工作任务</th><th>责任领导</th><th>牵头单位</th></tr></thead>
<tbody>
<tr><td rowspan="2">1</td><td rowspan="2">经济<br>发展</td>
    <td><p class="MsoNormal"><span>扩大  有效投资</span></p><p>（重大项目）</p></td>
    <td rowspan="2">王&nbsp; 强</td><td>发改局</td></tr>
<tr><td>推进<b>制造业</b> &lt;智改数转&gt; &amp; 技改<!-- 批注 --></td><td>工信局<br>科技局</td></tr>
<tr><td>2</td><td>民生</td><td colspan="2">建设&nbsp;&nbsp;老年大学</td><td>住建局</td></tr>
</tbody></table>
<p>注：本表由督查室整理。</p>
<div class="footer">主办单位：常熟市人民政府办公室</div>
"""
)


def test_a_page_reads_as_a_browser_shows_it(tmp_path: Path) -> None:
    table = read(source(tmp_path, MERGED_PAGE))
    assert table.unit == "row" and table.preamble == [
        "附件1",
        "常熟市2018年政府工作报告 目标任务分解表",
    ]
    assert texts(table) == [
        ["序 号", "目标\n名称", "工作任务", "责任领导", "牵头单位"],
        # Paragraphs in a cell are lines; spaces collapse; &nbsp; is a space of its own.
        ["1", "经济\n发展", "扩大 有效投资\n（重大项目）", "王  强", "发改局"],
        # Inline markup is gone, entities decoded: text that looks like markup is text.
        ["", "", "推进制造业 <智改数转> & 技改", "", "工信局\n科技局"],
        ["2", "民生", "建设  老年大学", "", "住建局"],
    ]
    assert flags(table) == ["TTTTT", "TTTTT", "MMTMT", "TTTCT"]
    assert [c.line for c in table.rows[2]] == [3] * 5  # rows count the page's <tr>
    # The script's table is not a table; the text below is one note.
    (note,) = table.notes
    assert note.kind == "outside" and "'注：本表由督查室整理。' and 1 more line" in note.text


def test_a_page_imports_to_tasks_with_merges_inherited(tmp_path: Path) -> None:
    document, report = import_file(source(tmp_path, MERGED_PAGE))
    assert (document["label"], document["title"]) == (
        "附件1",
        "常熟市2018年政府工作报告 目标任务分解表",
    )
    one, two, three = document["tasks"]
    # Task texts are kept as the cells show them, their lines included.
    assert [t["task"] for t in document["tasks"]] == [
        "扩大 有效投资\n（重大项目）",
        "推进制造业 <智改数转> & 技改",
        "建设  老年大学",
    ]
    assert one["leaders"] == ["王强"] and two["leaders"] == ["王强"]
    assert two["leaders_inherited"] is True and two["goal_no"] == 1
    assert two["lead_units"] == ["工信局", "科技局"] and not two["lead_units_inherited"]
    assert three["goal_no"] == 2 and three["leaders"] == [] and three["lead_units"] == ["住建局"]
    assert [g["number"] for g in document["goals"]] == [1, 2]
    assert [line for line, _ in report.inherited_cells] == [3]
    assert any(n.kind == "across" for n in report.notes)  # 工作任务 spanning 责任领导


# --- encodings ------------------------------------------------------------------------------

GBK_TABLE = f"<p>附件</p><p>大竹县2016年民生实事</p><table>{HEADER}{ROW.format(1)}</table>"


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        ('<meta charset="gbk">', "gbk"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />', "gbk"),
        ("", "gbk"),  # no declaration: not UTF-8, so GB18030
        ('<meta charset="gbk">', "utf-8-sig"),  # a BOM beats the declaration
    ],
)
def test_gbk_pages_are_read_by_their_declaration_or_detected(
    head: str, encoding: str, tmp_path: Path
) -> None:
    document, _ = import_file(source(tmp_path, page(GBK_TABLE, head), "gbk.htm", encoding))
    assert document["title"] == "大竹县2016年民生实事" and document["label"] == "附件"
    assert document["tasks"][0]["lead_units"] == ["某局"]
    assert document["tasks"][0]["leaders"] == ["张三"]


def test_gb2312_means_gb18030_and_an_xml_declaration_counts(tmp_path: Path) -> None:
    # 䶮 is in GB18030, not in GB2312 or GBK: a page declaring gb2312 is read as the superset.
    text = page(GBK_TABLE.replace("某局", "䶮局"), '<meta charset="GB2312">')
    document, _ = import_file(source(tmp_path, text, "superset.html", "gb18030"))
    assert document["tasks"][0]["lead_units"] == ["䶮局"]
    # Big5 bytes read as GB18030 would be mojibake: the XML declaration is what is read.
    xhtml = tmp_path / "big5.html"
    text = '<?xml version="1.0" encoding="Big5"?>' + page(GBK_TABLE, "")
    xhtml.write_bytes(text.encode("big5", errors="xmlcharrefreplace"))
    assert html.decode_page(xhtml.read_bytes(), xhtml) != text.encode(
        "big5", "xmlcharrefreplace"
    ).decode("gb18030", "replace")
    document, _ = import_file(xhtml)
    assert document["title"] == "大竹县2016年民生实事"


def test_a_page_that_is_not_in_its_declared_charset_is_a_clear_error(tmp_path: Path) -> None:
    path = source(tmp_path, page(GBK_TABLE), "wrong.html", "gbk")  # declares utf-8
    with pytest.raises(DataError) as error:
        read(path)
    message = str(error.value)
    assert "declares charset 'utf-8'" in message and "invalid bytes at byte" in message
    assert "correct or remove the declaration" in message
    nul = source(tmp_path, page(GBK_TABLE, '<meta charset="gbk">') + "\x00", "nul.html", "gbk")
    with pytest.raises(DataError, match="NUL characters"):
        read(nul)


def test_an_unknown_or_unsafe_charset_label_is_ignored_as_browsers_ignore_it(
    tmp_path: Path,
) -> None:
    # cp500 and cp037 are EBCDIC: a page whose declaration was read as ASCII is not EBCDIC
    # (it read as one of no table at all).
    for label in ("x-unknown", "unicode_escape", "rot13", "utf-16", "cp500", "cp037"):
        path = source(tmp_path, page(GBK_TABLE + r"<p>\u4e00</p>", f'<meta charset="{label}">'))
        document, _ = import_file(path)
        assert document["title"] == "大竹县2016年民生实事", label
    assert html._codec("big5") == "big5" and html._codec("iso-8859-1") == "cp1252"


# --- which table ----------------------------------------------------------------------------


def test_a_table_inside_layout_tables_is_read_without_their_text(tmp_path: Path) -> None:
    body = f"""
<table width="100%"><tr><td>站点导航</td><td><a href="/">首页</a></td></tr>
<tr><td class="menu">政务公开<br>通知公告</td><td>
  <table><tr><td><p>附件2</p><p>钟楼区2024年重点工作任务分解表</p>
    <table border="1">{HEADER}{ROW.format(1)}{ROW.format(2)}</table>
    <p>抄送：区委办</p>
  </td></tr></table>
</td></tr>
<tr><td colspan="2">版权所有</td></tr></table>
<table><tr><td>友情链接</td><td>市政府</td></tr></table>
"""
    table = read(source(tmp_path, page(body)))
    assert table.preamble == ["附件2", "钟楼区2024年重点工作任务分解表"]
    assert texts(table)[1:] == [
        ["1", "目标1", "任务1", "张三", "某局"],
        ["2", "目标2", "任务2", "张三", "某局"],
    ]
    # Rows count every <tr> of the page: two of the layout table and one of the inner layout
    # table come before the header.
    assert [row[0].line for row in table.rows] == [4, 5, 6]
    notes = [(n.kind, n.line, n.text) for n in table.notes]
    assert notes == [
        ("table", 8, "a later table of 2 columns and 1 row is not read: its columns do not match the 5 of the table"),
        ("outside", 6, "page text below the table is not read: '抄送：区委办' and 1 more line"),
    ]  # fmt: skip


def test_a_table_without_a_header_before_the_duty_table_is_noted(tmp_path: Path) -> None:
    body = f"<table><tr><td>日期</td><td>2018-03-01</td></tr></table><table>{HEADER}{ROW.format(1)}</table>"
    table = read(source(tmp_path, page(body)))
    ((kind, line, text, rows),) = [(n.kind, n.line, n.text, n.rows) for n in table.notes]
    assert (kind, line, rows) == ("table", 1, 1) and "no header row" in text
    # Nothing directly above the table (a table closed just before it): the page's <title>.
    assert table.preamble == ["网页标题"]


def test_a_table_split_in_two_is_read_as_one(tmp_path: Path) -> None:
    rows = [
        ["1", "安全生产", "开展专项整治", "王强", "应急管理局"],
        ["", "", "落实主体责任", "", ""],
        ["2", "营商环境", "深化改革", "李明", "政务办"],
        ["", "", "推行不见面审批", "", ""],
    ]
    header = ["序号", "目标名称", "工作任务", "责任领导", "牵头单位"]
    table = Table(["附件", "分解表"], header, rows, merge_columns=(0, 1, 3, 4))
    whole, _ = import_file(write_html(table, tmp_path / "whole.html"))
    split, report = import_file(write_html(table, tmp_path / "split.html", split=3))
    strip = [{k: v for k, v in t.items() if k != "source_line"} for t in split["tasks"]]
    assert strip == [{k: v for k, v in t.items() if k != "source_line"} for t in whole["tasks"]]
    assert len(split["tasks"]) == 4 and split["tasks"][3]["leaders"] == ["李明"]
    assert split["tasks"][3]["leaders_inherited"] is True
    assert report.skipped_headers == [4]  # the second table's header, row 4 of the page
    # Without a repeated header, a later table of the same width continues the table too.
    first = "".join(ROW.format(n) for n in (1, 2))
    bare = f"<table>{HEADER}{first}</table><p>续表</p><table>{ROW.format(3)}</table>"
    document, _ = import_file(source(tmp_path, page(bare), "bare.html"))
    assert [t["goal_no"] for t in document["tasks"]] == [1, 2, 3]


def test_the_innermost_table_holding_the_header_is_the_table(tmp_path: Path) -> None:
    # A layout table whose own first row has text, the data table in its second row.
    body = f"<table><tr><td>序号说明</td></tr><tr><td><table>{HEADER}{ROW.format(7)}</table></td></tr></table>"
    table = read(source(tmp_path, page(body)))
    assert texts(table) == [["序号", "目标名称", "工作任务", "责任领导", "牵头单位"], ["7", "目标7", "任务7", "张三", "某局"]]  # fmt: skip
    assert table.preamble == ["序号说明"]  # the line directly above it, in the layout table


def test_a_table_of_tasks_holding_the_table_read_in_a_cell_is_noted(tmp_path: Path) -> None:
    # The inner table (closing first) is read; the outer one, with a header and tasks of its
    # own, was dropped without a word.
    inner = f"<table>{HEADER}{ROW.format(7)}</table>"
    body = f'<table>{HEADER}{ROW.format(1)}{ROW.format(2)}<tr><td colspan="5">{inner}</td></tr></table>'
    table = read(source(tmp_path, page(body)))
    assert texts(table)[1:] == [["7", "目标7", "任务7", "张三", "某局"]]
    ((kind, line, text, rows),) = [(n.kind, n.line, n.text, n.rows) for n in table.notes]
    assert (kind, line, rows) == ("table", 1, 3)  # its header and its two tasks
    assert "holding the table read in a cell is not read" in text


@pytest.mark.parametrize(
    ("above", "preamble"),
    [
        ("<h1>关于印发分解表的通知</h1>", ["关于印发分解表的通知"]),
        ("<p>附表3：</p><h2>目标任务分解表</h2>", ["附表3：", "目标任务分解表"]),
        ("<p>首页</p><p>目标任务分解表</p>", ["目标任务分解表"]),  # not a label: only the title
        ("<p>" + "现将分解表印发给你们，" * 10 + "</p>", ["网页标题"]),  # a paragraph, not a title
        ("", ["网页标题"]),
    ],
)
def test_the_label_and_title_are_the_lines_directly_above_the_table(
    above: str, preamble: list[str], tmp_path: Path
) -> None:
    table = read(source(tmp_path, page(f"{above}<table>{HEADER}{ROW.format(1)}</table>")))
    assert table.preamble == preamble


def test_a_caption_or_a_title_row_is_the_title(tmp_path: Path) -> None:
    captioned = (
        f"<p>附件1</p><table><caption>2019年目标<br>分解表</caption>{HEADER}{ROW.format(1)}</table>"
    )
    document, _ = import_file(source(tmp_path, page(captioned), "caption.html"))
    assert (document["label"], document["title"]) == ("附件1", "2019年目标分解表")
    titled = f'<p>附件1</p><p>网站栏目</p><table><tr><td colspan="5">2019年分解表</td></tr>{HEADER}{ROW.format(1)}</table>'
    document, _ = import_file(source(tmp_path, page(titled), "titled.html"))
    assert (document["label"], document["title"]) == ("", "2019年分解表")


# --- spans as browsers lay them out -----------------------------------------------------------


def test_spans_are_clipped_and_laid_out_as_browsers_do(tmp_path: Path) -> None:
    body = (
        "<table><thead>" + HEADER + "</thead><tbody>"
        '<tr><td rowspan="0">1</td><td rowspan=" 2px">甲</td><td>任务一</td>'
        '<td rowspan="99999999999999999999999">张三</td><td colspan="0">某局</td></tr>'
        '<tr><td>任务二</td><td colspan="-1">某局</td></tr>'
        "<tr><td>乙</td><td>任务三</td><td>某局</td></tr>"
        "</tbody><tbody>"
        '<tr><td>2</td><td colspan="2">丙</td><td>李四</td><td>某局</td></tr>'
        "</tbody></table>"
    )
    table = read(source(tmp_path, page(body)))
    assert texts(table)[1:] == [
        ["1", "甲", "任务一", "张三", "某局"],
        ["", "", "任务二", "", "某局"],
        ["", "乙", "任务三", "", "某局"],  # rowspan 0 and a huge one: to the row group's end
        ["2", "丙", "", "李四", "某局"],  # not beyond it
    ]
    assert flags(table)[1:] == ["TTTTT", "MMTMT", "MTTMT", "TTCTT"]


def test_a_span_bomb_is_refused_before_its_cells_are_built(tmp_path: Path) -> None:
    bomb = "<table>" + '<tr><td colspan="1000" rowspan="65534">x</td></tr>' + "<tr></tr>" * 65534
    path = source(tmp_path, page(bomb + "</table>"), "bomb.html")
    started = time.perf_counter()
    with pytest.raises(DataError, match=r"row 2001: more than 2,000,000 cells"):
        read(path)
    assert time.perf_counter() - started < 20
    wide = source(
        tmp_path, page("<table><tr>" + "<td>x</td>" * 100_000 + "</tr></table>"), "w.html"
    )
    with pytest.raises(
        DataError, match=r"row 1: a row of 1,001 columns; dutycli reads at most 1,000"
    ):
        read(wide)
    two = source(
        tmp_path, page('<table><tr><td colspan="1000">x</td><td>y</td></tr></table>'), "t.html"
    )
    with pytest.raises(DataError, match="a row of 1,001 columns"):
        read(two)


# --- hostile and broken pages -----------------------------------------------------------------


def test_deep_nesting_and_broken_markup_are_read_leniently(tmp_path: Path) -> None:
    deep = source(
        tmp_path, page("<div>" * 200_000 + f"<table>{HEADER}{ROW.format(1)}</table>"), "deep.html"
    )
    assert texts(read(deep))[1] == ["1", "目标1", "任务1", "张三", "某局"]
    broken = "<table><tr><th>序号<th>目标名称<th>工作任务<th>责任领导<th>牵头单位<tr><td>1<td>甲<td>任务<p>续<td>张三<td>某局"
    assert texts(read(source(tmp_path, broken + "<p><b><i>", "broken.html")))[1] == [
        "1", "甲", "任务\n续", "张三", "某局"
    ]  # fmt: skip
    nested = "<table><tr><td>" * 100 + "x"
    with pytest.raises(DataError, match="tables nested more than 64 deep"):
        read(source(tmp_path, page(nested), "nested.html"))


def test_a_page_without_a_table_or_a_header_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        DataError, match=r"no table with a recognizable header .* \(the page has no table\)"
    ):
        read(source(tmp_path, page("<p>本页无表格</p>"), "none.html"))
    with pytest.raises(
        DataError,
        match=r"recognizable header \(序号, 目标名称, 工作标准, …\) in the page; .*--column",
    ):
        read(
            source(tmp_path, page("<table><tr><td>甲</td><td>乙</td></tr></table>"), "nohead.html")
        )
    with pytest.raises(DataError, match="no table"):
        read(source(tmp_path, "", "empty.html"))


def test_bad_pages_are_one_line_errors_from_a_real_process(tmp_path: Path) -> None:
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    none = source(tmp_path, page("<p>本页无表格</p>"), "none.htm")
    for path, fragment in ((binary, "neither UTF-8 nor GB18030"), (none, "the page has no table")):
        result = run_process("import", str(path), "--check")
        assert result.exit_code == 2 and result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"dutycli: {path}: ") and fragment in line


def test_a_large_page_is_read_in_linear_time_with_one_note_for_its_text(tmp_path: Path) -> None:
    text = page(
        "<p>" + "政府工作报告 目标任务" * 200_000 + "</p>"
        f"<table>{HEADER}{ROW.format(1)}</table>" + "<div>注：<b>说明</b></div>" * 100_000
    )
    started = time.perf_counter()
    table = read(source(tmp_path, text, "large.html"))
    assert time.perf_counter() - started < 30
    (note,) = table.notes
    assert note.kind == "outside" and note.text.endswith("and 99,999 more lines")
    assert table.preamble == ["网页标题"]  # the long paragraph above is not a title


def test_the_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = source(tmp_path, page(GBK_TABLE))
    monkeypatch.setitem(sys.modules, "lxml", None)
    result = run_cli("import", str(path), "--check")
    assert result.exit_code == 2 and "pip install 'dutycli[html]'" in result.stderr


# --- the documentation's example --------------------------------------------------------------


def test_the_web_page_example_of_the_documentation_is_true(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_formats import seven_table

    lines = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8").split("\n")
    start = lines.index("## Web pages")
    at = next(i for i in range(start, len(lines)) if lines[i].startswith("$ dutycli import"))
    end = lines.index("```", at)
    command, expected = lines[at][2:], lines[at + 1 : end]
    write_html(seven_table(), tmp_path / "2020-分解表.html", "gbk", layout=True)
    assert b'<meta charset="gbk">' in (tmp_path / "2020-分解表.html").read_bytes()
    monkeypatch.chdir(tmp_path)
    outputs: list[str] = []
    for part in command.split(" && "):
        args = re.findall(r"\S+", part)[1:]
        result = run_cli(*args)
        assert result.exit_code == 0, result.stderr
        outputs += result.stderr.splitlines() + result.stdout.splitlines()
    assert outputs == expected


def test_gbk_pages_of_real_tables_import_as_their_utf8_twins(tmp_path: Path) -> None:
    from .test_formats import seven_table

    table = seven_table()
    utf8: dict[str, Any] = import_file(write_html(table, tmp_path / "u.html"))[0]
    gbk: dict[str, Any] = import_file(write_html(table, tmp_path / "g.htm", "gbk", layout=True))[0]
    assert (tmp_path / "g.htm").read_bytes().decode("gbk")  # really GBK
    assert not (tmp_path / "g.htm").read_bytes().startswith(codecs.BOM_UTF8)
    assert [t["task"] for t in gbk["tasks"]] == [t["task"] for t in utf8["tasks"]]
    assert [t["source_line"] - 1 for t in gbk["tasks"]] == [t["source_line"] for t in utf8["tasks"]]


def test_cells_are_never_markup(tmp_path: Path) -> None:
    body = f"<table>{HEADER}<tr><td>1</td><td>&lt;script&gt;x&lt;/script&gt;</td><td>任务<img src=x onerror=alert(1)></td><td>张三</td><td>某局</td></tr></table>"
    table = read(source(tmp_path, page(body)))
    assert texts(table)[1][1:3] == ["<script>x</script>", "任务"]
    assert all(isinstance(c, Cell) and not c.merged for c in table.rows[1])
