"""Word output (issue 14): the .docx a leader's secretary hands on, opened with python-docx.

The documents are written once for the module, in-process (``run_cli``); one test runs the
installed ``dutycli`` as a process, one has LibreOffice open a document where it is installed.
Every cell is checked against the query's own JSON, the merges against the data's goals and
inherited flags, and the round trip through ``dutycli import`` against the dataset.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from dutycli.errors import DutyError
from dutycli.output import word
from dutycli.output.document import Document, Group
from dutycli.sources import office

from .conftest import DATASET, run_cli, run_process
from .layouts import LAYOUTS, Layout, write

docx = pytest.importorskip("docx")
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm  # noqa: E402

TITLE = "《2019年政府工作报告》目标任务责任分解表"
OWN_LABELS = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"]
OWN_FIELDS = ["goal_no", "goal", "task", "leaders", "lead_units"]
# What python-docx reads of a cell: (text, w:vMerge value or None, w:gridSpan).
Cell = tuple[str, "str | None", int]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("word")


@pytest.fixture(scope="module")
def written(folder: Path) -> dict[str, Path]:
    """The documents of the tests, each written once."""
    asked = {
        "all": ("list",),
        "lu": ("by-leader", "陆秋明"),
        "by-leader": ("list", "--group-by", "leader"),
        "by-goal": ("by-leader", "陆秋明", "--group-by", "goal"),
    }
    paths = {}
    for name, args in asked.items():
        path = folder / f"{name}.docx"
        outcome = run_cli(*args, "-o", str(path))
        assert outcome.exit_code == 0, outcome.stderr
        paths[name] = path
    return paths


def query(*args: str) -> list[dict[str, Any]]:
    outcome = run_cli(*args, "-f", "json")
    assert outcome.exit_code == 0, outcome.stderr
    records: list[dict[str, Any]] = json.loads(outcome.stdout)
    return records


def table_cells(path: Path) -> list[list[Cell]]:
    """The one table's rows, read from the XML: text, vMerge and gridSpan of every cell."""
    document = docx.Document(str(path))
    assert len(document.tables) == 1
    rows = []
    for tr in document.tables[0]._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            value = None if merge is None else merge.get(qn("w:val"), "continue")
            lines = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.p_lst]
            cells.append(("\n".join(lines), value, tc.grid_span))
        rows.append(cells)
    return rows


def shown(record: dict[str, Any], field: str) -> str:
    """A cell as the document must show it (names with 、 and 等 where left open)."""
    value = record[field]
    if isinstance(value, list):
        text = "、".join(value)
        return text + "等" if value and record[f"{field}_open_ended"] else text
    return str(value)


def expected_merge(previous: dict[str, Any] | None, record: dict[str, Any], field: str) -> bool:
    """Whether the source merged this cell over the one above: the goal's cells over its
    tasks; a leader/unit cell where the task inherited it from the task just above."""
    if previous is None or (previous["goal_no"], previous["goal"]) != (
        record["goal_no"],
        record["goal"],
    ):
        return False
    if field in ("goal_no", "goal"):
        return True
    inherited = record.get(f"{field}_inherited", False)
    return bool(inherited) and previous["id"] == record["id"] - 1


# --- the page: title, subtitle, page set-up, fonts, footer ----------------------------------


def test_title_and_subtitle_say_the_dataset_and_what_was_asked(written: dict[str, Path]) -> None:
    document = docx.Document(str(written["lu"]))
    title, subtitle = document.paragraphs[0], document.paragraphs[1]
    assert title.text == TITLE
    assert subtitle.text == "分管领导：陆秋明　共 43 条任务"
    assert docx.Document(str(written["all"])).paragraphs[1].text == "全部任务　共 122 条任务"
    for paragraph in (title, subtitle):
        assert paragraph.alignment == 1  # centred
    run = title.runs[0]
    assert run.bold and run.font.size is not None and 16 <= run.font.size.pt <= 18
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_a4_landscape_with_margins(written: dict[str, Path]) -> None:
    section = docx.Document(str(written["all"])).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(1) and abs(section.page_height - Mm(210)) < Mm(1)
    for margin in (section.left_margin, section.right_margin, section.top_margin):
        assert Mm(14.9) <= margin <= Mm(20.1)  # stored in twentieths of a point


def test_fonts_are_named_with_their_east_asian_attribute(written: dict[str, Path]) -> None:
    normal = docx.Document(str(written["all"])).styles["Normal"]
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman"
    assert 10.5 <= normal.font.size.pt <= 12


def test_the_footer_numbers_the_pages(written: dict[str, Path]) -> None:
    footer = docx.Document(str(written["all"])).sections[0].footer.paragraphs[0]
    codes = [code.text.strip() for code in footer._p.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    assert footer.alignment == 1
    assert footer.text.replace("1", "X", 1).replace("1", "Y", 1) == "第 X 页 共 Y 页"


# --- the table: header, cells, merges, widths ---------------------------------------------


def test_the_header_row_repeats_on_every_page_and_is_bold(written: dict[str, Path]) -> None:
    table = docx.Document(str(written["all"])).tables[0]
    rows = table._tbl.tr_lst
    assert rows[0].trPr is not None and rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(row.trPr is None or row.trPr.find(qn("w:tblHeader")) is None for row in rows[1:])
    assert [cell.text for cell in table.rows[0].cells] == OWN_LABELS
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)


@pytest.mark.parametrize(("name", "args"), [("all", ("list",)), ("lu", ("by-leader", "陆秋明"))])
def test_every_cell_and_merge_against_the_query(
    written: dict[str, Path], name: str, args: tuple[str, ...]
) -> None:
    records = query(*args)
    rows = table_cells(written[name])[1:]
    assert len(rows) == len(records)
    merged = {field: 0 for field in OWN_FIELDS}
    for position, (record, row) in enumerate(zip(records, rows, strict=True)):
        previous = records[position - 1] if position else None
        following = records[position + 1] if position + 1 < len(records) else None
        assert len(row) == len(OWN_FIELDS)
        for field, (text, merge, span) in zip(OWN_FIELDS, row, strict=True):
            assert span == 1
            if expected_merge(previous, record, field):
                merged[field] += 1
                assert (text, merge) == ("", "continue"), (record["id"], field)
                continue
            # Names break only after a 、 (a line per name where they do not fit a line).
            assert text.replace("、\n", "、") == shown(record, field), (record["id"], field)
            assert "\n" not in text.replace("、\n", ""), (record["id"], field)
            starts = following is not None and expected_merge(record, following, field)
            assert merge == ("restart" if starts else None), (record["id"], field)
    # The shipped table has merges of every kind; a subset keeps those of adjacent tasks.
    assert merged.pop("task") == 0
    assert all(merged.values()), merged


def test_column_widths_fill_the_page_and_the_task_is_widest(written: dict[str, Path]) -> None:
    grid = docx.Document(str(written["all"])).tables[0]._tbl.tblGrid
    widths = [int(col.get(qn("w:w"))) for col in grid.iterchildren(qn("w:gridCol"))]
    assert len(widths) == len(OWN_FIELDS)
    assert abs(sum(widths) - round(267 * 1440 / 25.4)) <= len(widths)  # 297mm - 2 x 15mm
    assert max(widths) == widths[OWN_FIELDS.index("task")]
    assert widths[OWN_FIELDS.index("goal_no")] == min(widths)


def test_grouped_by_leader_a_heading_row_per_leader_with_its_count(
    written: dict[str, Path],
) -> None:
    rows = table_cells(written["by-leader"])[1:]
    headings = [row[0][0] for row in rows if len(row) == 1]
    assert all(row[0][2] == len(OWN_FIELDS) for row in rows if len(row) == 1)  # spans the table
    leaders = run_cli("leaders", "-f", "json")
    counts = {r["name"]: r["tasks"] for r in json.loads(leaders.stdout)}
    assert headings[0] == f"分管领导：陆秋明（{counts['陆秋明']} 条任务）"
    assert {h for h in headings if not h.startswith("（")} == {
        f"分管领导：{name}（{count} 条任务）" for name, count in counts.items()
    }
    unled = sum(1 for r in query("list") if not r["leaders"])
    assert headings[-1] == f"（未列分管领导）（{unled} 条任务）"
    # Every task under each of its leaders: a task with two leaders is in two groups.
    assert len(rows) - len(headings) == sum(counts.values()) + unled
    # In each group the goal cells merge over the group's tasks of one goal, wherever the
    # task's other leaders put it (陆秋明's goal 5 is one cell, though its second task is
    # also 刘志峰's and has another row above it there).
    above: str | None = None
    for row in rows:
        if len(row) == 1:
            above = None
            continue
        text, merge, _ = row[0]
        goal = above if merge == "continue" else text
        assert (merge == "continue") == (goal == above and above is not None), row
        above = goal
    # The heading rows are bold.
    document = docx.Document(str(written["by-leader"]))
    first = document.tables[0].rows[1].cells[0]
    assert first.paragraphs[0].runs[0].bold


def test_grouped_by_goal_drops_the_goal_columns_under_goal_headings(
    written: dict[str, Path],
) -> None:
    rows = table_cells(written["by-goal"])
    assert [text for text, _, _ in rows[0]] == ["工作标准", "分管领导", "牵头单位"]
    headings = [row[0][0] for row in rows[1:] if len(row) == 1]
    assert headings[0] == "1　主要预期目标（5 条任务）"
    assert sum(int(h.rsplit("（", 1)[1].split()[0]) for h in headings) == 43
    # A merge never crosses a heading row: the row under a heading starts afresh.
    for above, row in itertools.pairwise(rows[1:]):
        if len(above) == 1:
            assert all(merge != "continue" for _, merge, _ in row)


# --- hostile text and the missing extra ----------------------------------------------------


def hostile_document() -> Document:
    tasks = ["<b>粗体</b>", "=1+1", "\x1b[31m红\x1b[0m", "空\x00字", "x" * 40_000, "一行\n二行"]
    tasks.append("半个\ud800代理")
    rows = [["1", "目标<i>", text, "张三", "发改局"] for text in tasks]
    return Document(
        title="标题\x1b]0;t\x07",
        asked="分管领导：张三",
        columns=OWN_FIELDS,
        kinds=["number", "text", "text", "names", "names"],
        rows=rows,
        groups=[Group("", list(range(len(rows))), [[False] * 5 for _ in rows])],
        count_line=f"共 {len(rows)} 条任务",
    )


def test_hostile_text_is_shown_as_text_never_obeyed_or_dropped(folder: Path) -> None:
    path = folder / "hostile.docx"
    with path.open("wb") as out:
        word.write_docx(hostile_document(), out)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "标题\\x1b]0;t\\x07"
    tasks = [row[2][0] for row in table_cells(path)[1:]]
    assert tasks[:4] == ["<b>粗体</b>", "=1+1", "\\x1b[31m红\\x1b[0m", "空\\x00字"]
    assert tasks[4] == "x" * 40_000
    assert tasks[5] == "一行\n二行"  # two paragraphs in the cell
    assert tasks[6] == "半个\\ud800代理"
    assert document.tables[0].rows[1].cells[1].text == "目标<i>"


def test_without_python_docx_a_one_line_error_names_the_extra(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(DutyError, match=r"pip install 'dutycli\[docx\]'") as caught:
        word.write_docx(hostile_document(), (folder / "never.docx").open("wb"))
    assert "\n" not in str(caught.value)


# --- the round trip through dutycli import --------------------------------------------------


def imported(path: Path, folder: Path) -> list[dict[str, Any]]:
    """``dutycli import`` of a document: its tasks, without their source lines."""
    target = folder / f"{path.stem}-back.yaml"
    outcome = run_cli("import", str(path), "-o", str(target), "--force")
    assert outcome.exit_code == 0, outcome.stderr
    return [without_line(t) for t in yaml.safe_load(target.read_text("utf-8"))["tasks"]]


def without_line(task: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in task.items() if k != "source_line"}
    out.setdefault("item_no", "")
    out.setdefault("section", "")
    return out


def test_the_shipped_table_comes_back_from_its_docx(written: dict[str, Path], folder: Path) -> None:
    original = [without_line(t) for t in yaml.safe_load(DATASET.read_text("utf-8"))["tasks"]]
    assert imported(written["all"], folder) == original
    # The title comes back as the title, not the line under it that says what was asked.
    back = yaml.safe_load((folder / f"{written['all'].stem}-back.yaml").read_text("utf-8"))
    assert (back["title"], back["label"]) == (TITLE, "")


def test_a_subset_comes_back_with_inherited_flags_only_where_the_task_above_is_kept(
    written: dict[str, Path], folder: Path
) -> None:
    """陆秋明's 43 tasks: the same tasks, renumbered. A value inherited from a task that is not
    in the subset (not the task just above, or of another goal) is written out in the
    document, so it comes back as the task's own: the flag differs there, and only there."""
    kept = [without_line(t) for t in query("by-leader", "陆秋明")]
    back = imported(written["lu"], folder)
    assert len(back) == len(kept) == 43
    differ = 0
    for position, (before, after) in enumerate(zip(kept, back, strict=True)):
        above = kept[position - 1] if position else None
        expected = dict(before, id=position + 1)
        for field in ("leaders", "lead_units", "partner_units", "deadline"):
            if expected[f"{field}_inherited"] and not expected_merge(above, before, field):
                expected[f"{field}_inherited"] = False
                differ += 1
        assert after == expected
    assert differ  # the subset does leave out tasks some values came from


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_a_layout_with_sections_items_partners_deadlines_comes_back(
    layout: Layout, folder: Path
) -> None:
    place = folder / layout.name
    place.mkdir()
    source = write(layout, "docx", place)
    dataset = place / "dataset.yaml"
    assert run_cli("import", str(source), "-o", str(dataset)).exit_code == 0
    original = [without_line(t) for t in yaml.safe_load(dataset.read_text("utf-8"))["tasks"]]
    document = place / "out.docx"
    outcome = run_cli("--data", str(dataset), "list", "-o", str(document))
    assert outcome.exit_code == 0, outcome.stderr
    assert imported(document, place) == original


def test_the_layouts_cover_every_optional_column() -> None:
    fields = {
        field
        for layout in LAYOUTS
        for task in layout.tasks
        for field in ("section", "item_no", "partner_units", "deadline")
        if getattr(task, field)
    }
    assert fields == {"section", "item_no", "partner_units", "deadline"}


# --- as a process, and in LibreOffice -------------------------------------------------------


def test_the_installed_dutycli_writes_a_docx_word_can_open(tmp_path: Path) -> None:
    outcome = run_process("by-leader", "陆秋明", "-o", "陆秋明.docx", cwd=tmp_path)
    assert outcome.exit_code == 0, outcome.stderr
    with zipfile.ZipFile(tmp_path / "陆秋明.docx") as package:
        assert "word/document.xml" in package.namelist()
        assert package.testzip() is None
    assert "docx" in outcome.stderr and "43" in outcome.stderr


def test_libreoffice_opens_the_document(written: dict[str, Path], folder: Path) -> None:
    program = office.find()
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile, outdir = folder / "profile", folder / "pdf"
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            *("--headless", "--convert-to", "pdf", "--outdir", str(outdir)),
            str(written["lu"]),
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
        check=True,
    )
    pdf = (outdir / "lu.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    # 43 tasks with the header repeated: more than one page, fewer than one a task.
    assert 1 < len(re.findall(rb"/Type\s*/Page[^s]", pdf)) < 43


def test_names_break_after_a_comma_never_inside_a_name(written: dict[str, Path]) -> None:
    """Word breaks Chinese anywhere: 戴士福、陆秋明 in a narrow 分管领导 column came out as
    戴士福、陆 / 秋明. Names that do not fit one line get a line each, broken after the 、."""
    from dutycli.output.word import names_lines

    rows = table_cells(written["lu"])[1:]
    column = OWN_FIELDS.index("leaders")
    lines = [line for row in rows for line in row[column][0].split("\n") if line]
    assert "戴士福、" in lines and "陆秋明" in lines
    known = {name for record in query("by-leader", "陆秋明") for name in record["leaders"]}
    assert all(name in known for line in lines for name in line.split("、") if name)
    wide = round(50 * 1440 / 25.4)  # twips: 50mm, a line holds every name of these
    assert names_lines("陆秋明、刘志峰、张小虎", wide) == "陆秋明、刘志峰、张小虎"
    assert names_lines("陆秋明、刘志峰、张小虎", 1200) == "陆秋明、\n刘志峰、\n张小虎"
    assert names_lines("地方金融监督管理局", 600) == "地方金融监督管理局"  # one name: wraps in Word
