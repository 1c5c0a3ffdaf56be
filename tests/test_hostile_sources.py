"""Hostile source tables (dutycli import): nothing dropped without a word, nothing unbounded,
no traceback, and decode errors that point at the right byte.

Each class is tested at its shared mechanism — the notes every reader hands to the import
report, the limits every reader counts against, the error boundary around every reader —
and on its examples. The files are built here: Word and Excel with python-docx and
openpyxl, and damaged by editing the zip's XML.
"""

from __future__ import annotations

import codecs
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from dutycli.errors import DataError
from dutycli.names import split_names
from dutycli.sources import excel, package, table
from dutycli.sources.encoding import decode
from dutycli.sources.normalize import import_file, normalize
from dutycli.sources.report import ImportReport
from dutycli.sources.table import NOTE_KINDS, Cell, Note, SourceTable
from dutycli.store import loader

from .conftest import Outcome, run_cli, run_process
from .tables import Table, write_delimited, write_docx, write_text, write_xlsx

pytest.importorskip("docx")
pytest.importorskip("openpyxl")

HEADER = ["序号", "目标名称", "工作标准", "区政府分管领导", "牵头责任单位"]
BODY = [
    ["1", "稳增长", "固定资产投资增长7%", "陆秋明", "发改局"],
    ["", "", "社会消费品零售总额增长8%", "", "商务局"],
    ["2", "优环境", "深化放管服改革", "徐治国", "政务办"],
]


def small() -> Table:
    return Table(["附件1", "2019年目标任务责任分解表"], HEADER, [list(r) for r in BODY], (0, 1, 3))


def summary_of(outcome: Outcome) -> str:
    """The summary line every import prints (the line naming goals and tasks)."""
    lines = [line for line in outcome.stderr.splitlines() if " goals, " in line]
    assert len(lines) == 1, outcome.stderr
    return lines[0]


def one_line_error(outcome: Outcome, source: Path, *fragments: str) -> str:
    """The outcome is exit 2 with one line on stderr naming the file, and nothing on stdout."""
    lines = outcome.stderr.splitlines()
    assert outcome.exit_code == 2, outcome.stderr
    assert len(lines) == 1 and lines[0].startswith("dutycli: "), outcome.stderr
    assert source.name in lines[0] and "Traceback" not in outcome.stderr
    assert outcome.stdout == ""
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def rewrite(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """The zip at ``path`` with one part's bytes changed, written back in place."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    assert part in [info.filename for info, _ in parts], part
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in parts:
            archive.writestr(info, change(content) if info.filename == part else content)
    return path


def word(path: Path, *tables: list[list[str]], after: str = "") -> Path:
    """A Word file of several plain tables (no merges), each a list of rows, and a paragraph."""
    import docx

    document = docx.Document()
    document.add_paragraph("附件1")
    document.add_paragraph("2019年目标任务责任分解表")
    for rows in tables:
        grid = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for line, row in zip(grid.rows, rows, strict=True):
            for cell, text in zip(line.cells, row, strict=False):
                cell.text = text
        if after:
            document.add_paragraph(after)
    document.save(str(path))
    return path


# --- 1. Silent drops: whatever is not read is counted in the default report --------------


def test_every_kind_of_note_is_counted_in_the_summary_line() -> None:
    # The mechanism: a reader's notes (SourceTable.notes) reach the summary every import
    # prints, each kind by its count, with the rows it left unread.
    rows = [[Cell(t, 1) for t in HEADER], [Cell(t, 2) for t in BODY[0]]]
    notes = [Note(2, kind, f"a {kind}", rows=3) for kind in NOTE_KINDS]
    _, report = normalize(SourceTable([], rows, unit="row", notes=notes), "t.docx")
    summary = report.summary()
    for one, _ in NOTE_KINDS.values():
        assert f"1 {one} (3 rows)" in summary
    assert [line for line in report.lines() if line.startswith("row 2: a ")] == [
        f"row 2: a {kind}" for kind in NOTE_KINDS
    ]
    report = ImportReport(notes=[Note(0, "formula", "x"), Note(0, "formula", "y", count=5)])
    assert report.note_counts() == ["6 formulas without a saved value"]


def test_notes_of_one_kind_are_listed_a_thousand_times_then_counted(tmp_path: Path) -> None:
    import docx

    source = word(tmp_path / "notes.docx", [HEADER, *BODY])
    document = docx.Document(str(source))
    for n in range(1_500):  # each a paragraph below the table, not read
        document.add_paragraph(f"注{n}")
    document.save(str(source))
    _, report = import_file(source)
    assert report.note_counts() == ["1500 texts outside the table not read"]
    lines = [line for line in report.lines() if "outside the table" in line]
    assert (
        len(lines) == 1_001
        and lines[-1] == "500 more texts outside the table not read (not listed)"
    )


def drops(folder: Path) -> dict[str, tuple[Path, str, str]]:
    """A file per reader that holds something not read: (file, summary count, -v detail)."""
    import openpyxl

    out: dict[str, tuple[Path, str, str]] = {}
    third = Table(["附件1", "标题", "（2019年3月印发）"], HEADER, BODY, (0, 1, 3))
    out["text"] = (
        write_text(third, folder / "t.txt"),
        "1 line above the table not kept",
        "'（2019年3月印发）'",
    )
    out["csv"] = (
        write_delimited(third, folder / "t.csv", ","),
        "1 line above the table not kept",
        "'（2019年3月印发）'",
    )
    signatures = [["审核人", "签字"], ["日期", "2019年3月"]]
    out["docx-later-table"] = (
        word(folder / "later.docx", [HEADER, *BODY], signatures),
        "1 table not read (2 rows)",
        "row 5: a later table of 2 columns and 2 rows is not read",
    )
    out["docx-earlier-table"] = (
        word(folder / "earlier.docx", signatures, [HEADER, *BODY]),
        "1 table not read (2 rows)",
        "row 1: a table of 2 rows before the duty table (it has no header row) is not read",
    )
    out["docx-paragraph"] = (
        word(folder / "after.docx", [HEADER, *BODY], after="注：完成情况每季度报送一次"),
        "1 text outside the table not read",
        "row 4: a paragraph below this row, outside the table, is not read: '注：完成情况每季度报送一次'",
    )
    book = write_xlsx(small(), folder / "sheets.xlsx")  # with a sheet 说明 of one value
    out["xlsx-sheet"] = (
        book,
        "1 other sheet not read (1 row)",
        "sheet '说明' (1 row with values) is not read",
    )
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["分解表"]
    sheet["E5"] = '=D5&"局"'  # no saved value: openpyxl does not calculate
    workbook.save(folder / "formula.xlsx")
    out["xlsx-formula"] = (
        folder / "formula.xlsx",
        "1 formula without a saved value",
        'row 5: cell E5: a formula (=D5&"局") without a saved value',
    )
    return out


DROPS = [
    "text",
    "csv",
    "docx-later-table",
    "docx-earlier-table",
    "docx-paragraph",
    "xlsx-sheet",
    "xlsx-formula",
]


@pytest.mark.parametrize("case", DROPS)
def test_what_a_reader_does_not_read_is_in_the_default_report(case: str, tmp_path: Path) -> None:
    source, count, detail = drops(tmp_path)[case]
    written = run_cli("import", str(source), "-o", str(tmp_path / "out.yaml"))
    assert written.exit_code == 0, written.stderr
    assert count in summary_of(written)  # without -v
    assert detail in run_cli("import", str(source), "--check").stderr


def test_the_report_of_drops_reaches_a_real_process(tmp_path: Path) -> None:
    source, count, _ = drops(tmp_path)["docx-later-table"]
    result = run_process("import", str(source), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 0 and count in summary_of(result)


def test_a_word_table_continued_in_a_table_of_another_width_is_read(tmp_path: Path) -> None:
    more = [["3", "惠民生", "新增城镇就业1.2万人", "戴士福", "人社局"]]
    # Without a header, with an empty column more (a column Word split off a merged one).
    widened = [[*row[:3], "", *row[3:]] for row in more]
    # With a header of its own, its columns in another order, and an empty column more.
    order = [0, 1, 2, 4, 3]
    relabelled = [[row[i] for i in order] + [""] for row in [HEADER, *more]]
    for name, second in (("widened", widened), ("relabelled", relabelled)):
        source = word(tmp_path / f"{name}.docx", [HEADER, *BODY], second)
        document, report = import_file(source)
        assert [t["task"] for t in document["tasks"]][-1] == "新增城镇就业1.2万人", name
        last = document["tasks"][-1]
        assert (last["leaders"], last["lead_units"]) == (["戴士福"], ["人社局"]), name
        assert report.note_counts() == ["1 later table read as a continuation"], name


def test_a_word_table_that_does_not_fit_says_how_many_rows_were_not_read(tmp_path: Path) -> None:
    # Four columns of text where the table has five: which one is missing cannot be known.
    narrow = [["3", "惠民生", "新增城镇就业1.2万人", "人社局"], ["4", "强法治", "普法", "司法局"]]
    source = word(tmp_path / "narrow.docx", [HEADER, *BODY], narrow)
    document, report = import_file(source)
    assert len(document["tasks"]) == 3
    assert report.note_counts() == ["1 table not read (2 rows)"]


def test_a_word_table_inside_a_content_control_is_read(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement

    source = word(tmp_path / "control.docx", [HEADER, *BODY])
    document = docx.Document(str(source))
    grid = document.tables[0]._tbl
    control, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    grid.addprevious(control)
    control.append(content)
    content.append(grid)  # the table is now inside a content control
    document.save(str(source))
    assert [t["task"] for t in import_file(source)[0]["tasks"]] == [r[2] for r in BODY]


def test_merges_across_columns_and_values_under_merges_are_said(tmp_path: Path) -> None:
    import docx
    import openpyxl
    from docx.oxml import OxmlElement

    book = write_xlsx(small(), tmp_path / "across.xlsx", blank_sheet=False)
    workbook = openpyxl.load_workbook(book)
    sheet = workbook.active
    assert sheet is not None
    sheet.merge_cells("D6:E6")  # task 3: 徐治国 merged across 分管领导 and 牵头单位
    workbook.save(book)
    # Excel shows a merged range's first cell only; a value under it (政务办) is not shown.
    hidden = b'<c r="E6" t="inlineStr"><is><t>\xe6\x94\xbf\xe5\x8a\xa1\xe5\x8a\x9e</t></is></c>'
    rewrite(
        book,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'(<c r="D6".*?</c>)(</row>)', lambda m: m[1] + hidden + m[2], xml),
    )
    document, report = import_file(book)
    third = document["tasks"][2]
    assert (third["leaders"], third["lead_units"]) == (["徐治国"], [])
    assert report.lines()[-2:] == [
        "row 6: cell E6 lies inside a merged cell, which shows only its first cell: "
        "its value '政务办' is not read",
        "row 6: a cell merged across 区政府分管领导 and 牵头责任单位 is read as "
        "区政府分管领导 only; 牵头责任单位 left empty",
    ]
    assert report.note_counts() == [
        "1 value hidden under a merge not read",
        "1 cell merged across columns",
    ]

    source = word(tmp_path / "hidden.docx", [HEADER, *BODY])
    word_file = docx.Document(str(source))
    rows = word_file.tables[0].rows
    rows[1].cells[3].merge(rows[2].cells[3])  # 陆秋明 over two rows
    continued = rows[2].cells[3]._tc.xpath("./w:tcPr/w:vMerge")
    assert continued
    paragraph = OxmlElement("w:p")
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "隐藏的领导"
    run.append(text)
    paragraph.append(run)
    rows[2]._tr.xpath("./w:tc")[3].append(paragraph)  # text Word does not show
    word_file.save(str(source))
    result = run_cli("import", str(source), "-o", str(tmp_path / "hidden.yaml"))
    assert "1 value hidden under a merge not read" in summary_of(result)


# --- 2. Resource bombs and quadratic work: bounded, linear ------------------------------


def far_corner(folder: Path) -> Path:
    """A workbook whose used range reaches XFD1048576 (a styled empty cell), with a merged
    range from G10 to that corner: Excel's "used range" is the whole sheet."""
    import openpyxl
    from openpyxl.styles import Font

    book = write_xlsx(small(), folder / "far.xlsx")
    workbook = openpyxl.load_workbook(book)
    workbook["分解表"].cell(1_048_576, 16_384).font = Font(bold=True)
    workbook.save(book)
    merge = (
        b'<mergeCell ref="G10:XFD1048576"/>'  # written here: openpyxl would fill it cell by cell
    )
    return rewrite(
        book,
        "xl/worksheets/sheet2.xml",
        lambda xml: xml.replace(b"<mergeCell ", merge + b"<mergeCell ", 1),
    )


def test_a_sheet_is_read_to_its_last_value_not_its_used_range(tmp_path: Path) -> None:
    source = far_corner(tmp_path)
    # As a real process first: before the fix this did not end (17 billion cells).
    result = run_process("import", str(source), "-o", str(tmp_path / "far.yaml"))
    assert result.exit_code == 0, result.stderr
    assert len(loader.read_dataset(tmp_path / "far.yaml").tasks) == 3
    read = excel.read(source.read_bytes(), source, None)
    assert len(read.rows) == 6 and max(len(row) for row in read.rows) == 5


@pytest.mark.parametrize(
    ("cell", "limit"),
    [("A1048576", "200,000 rows"), ("XFD3", "1,000 columns")],
)
def test_a_value_beyond_the_limits_of_a_sheet_is_a_clear_error(
    cell: str, limit: str, tmp_path: Path
) -> None:
    import openpyxl

    book = write_xlsx(small(), tmp_path / "beyond.xlsx")
    workbook = openpyxl.load_workbook(book)
    workbook["分解表"][cell] = "备注"
    workbook.save(book)
    result = run_cli("import", str(book), "--check")
    one_line_error(result, book, f"cell {cell} holds a value; dutycli reads at most {limit}")


def test_overlapping_merged_ranges_are_refused_not_expanded(tmp_path: Path) -> None:
    import openpyxl

    book = write_xlsx(small(), tmp_path / "overlap.xlsx")
    workbook = openpyxl.load_workbook(book)
    workbook["分解表"]["A100000"] = "备注"  # the table now reaches row 100,000
    workbook.save(book)
    # Ranges Excel never writes (they overlap): each would be laid over the table again.
    merges = b'<mergeCells count="5">' + b'<mergeCell ref="A1:E100000"/>' * 5 + b"</mergeCells>"
    rewrite(
        book,
        "xl/worksheets/sheet2.xml",
        lambda x: re.sub(rb"<mergeCells.*</mergeCells>", merges, x),
    )
    result = run_cli("import", str(book), "--check")
    one_line_error(result, book, "merged ranges cover more than 2,000,000 cells")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    source = write_docx(small(), tmp_path / "bomb.docx")
    with (
        zipfile.ZipFile(source, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/media/bomb.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(129):  # 129 MB of spaces: half a megabyte packed
            part.write(b" " * 2**20)
    assert source.stat().st_size < 2**20
    result = run_process("import", str(source), "--check")
    one_line_error(
        result,
        source,
        "part word/media/bomb.xml unpacks to 129 MB; dutycli reads parts of at most 128 MB",
    )


def test_the_package_limits_count_every_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_xlsx(small(), tmp_path / "parts.xlsx")
    size = sum(i.file_size for i in zipfile.ZipFile(source).infolist())
    monkeypatch.setattr(package, "MAX_PACKAGE_BYTES", size - 1)
    with pytest.raises(DataError, match=r"not a readable Excel \(\.xlsx\) file: it unpacks to"):
        import_file(source)
    monkeypatch.setattr(package, "MAX_PARTS", 3)
    with pytest.raises(DataError, match=r"it holds \d+ parts; dutycli reads at most 3"):
        import_file(source)


def test_a_word_cell_spanning_a_billion_columns_is_refused(tmp_path: Path) -> None:
    source = write_docx(small(), tmp_path / "span.docx")
    span = b'<w:tcPr><w:gridSpan w:val="1000000000"/>'
    rewrite(source, "word/document.xml", lambda xml: xml.replace(b"<w:tcPr>", span, 1))
    result = run_cli("import", str(source), "--check")
    one_line_error(result, source, "row 1: a row of 1,000,000,00", "at most 1,000 columns")
    rewrite(source, "word/document.xml", lambda xml: xml.replace(b'"1000000000"', b'"many"', 1))
    result = run_cli("import", str(source), "--check")
    one_line_error(result, source, "row 1: gridSpan 'many' is not a number: the file is damaged")


def test_csv_and_text_count_their_cells_rows_and_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(HEADER) + "\n" + ",".join(BODY[0]) + "," * 996 + "x\n", "utf-8")
    one_line_error(
        run_cli("import", str(wide), "--check"),
        wide,
        "line 2: a row of 1,001 columns; dutycli reads at most 1,000 columns",
    )
    commas = tmp_path / "commas.csv"
    commas.write_text(",".join(HEADER) + "\n" + "," * 2_000_001, "utf-8")
    one_line_error(
        run_cli("import", str(commas), "--check"), commas, "more than 2,000,000 ',' separators"
    )
    monkeypatch.setattr(table, "MAX_ROWS", 3)
    with pytest.raises(DataError, match=r"line 22: more than 3 rows; dutycli reads at most 3 rows"):
        import_file(write_text(small(), tmp_path / "rows.txt"))


def test_a_cell_of_a_million_lines_is_read_in_linear_time(tmp_path: Path) -> None:
    # Each line was added to the cell by copying the cell: a minute for this one, now a moment.
    lines = ["第" + str(n) for n in range(1_000_000)]
    body = [["1", "目标", "\n".join(lines), "张三", "某局"]]
    document, _ = import_file(write_text(Table(["标题"], HEADER, body), tmp_path / "long.txt"))
    assert document["tasks"][0]["task"].split("\n") == lines


def test_a_name_wrapped_a_hundred_thousand_times_is_joined_once() -> None:
    # Joining at each wrap kept every partial name: gigabytes for this cell of 400 KB.
    cell = "应急管理局" + "\n(安委办)" * 100_000 + "、公安局"
    parsed = split_names(cell)
    assert parsed.names == ["应急管理局" + "(安委办)" * 100_000, "公安局"]
    assert parsed.wrapped == parsed.names[:1]


def test_many_goals_import_as_fast_as_many_tasks() -> None:
    # A list scan per goal (has this number come before?) made 50,000 goals take minutes.
    rows = [[Cell(text, 1) for text in HEADER]]
    for n in range(1, 50_001):
        rows.append([Cell(t, n + 1) for t in (str(n), f"目标{n}", f"任务{n}", "张三", "某局")])
    document, _ = normalize(SourceTable([], rows, unit="row"), "goals.csv")
    assert [g["number"] for g in document["goals"]] == list(range(1, 50_001))
    # What the scan was for still holds: a goal number may not come back after other goals.
    again = [*rows[:4], [Cell(t, 5) for t in ("2", "目标2", "任务", "张三", "某局")]]
    with pytest.raises(DataError, match="row 5: goal 2 appears again after other goals"):
        normalize(SourceTable([], again, unit="row"), "goals.csv")


HEADING_LAYOUTS = {
    # A heading per task, each counting its items (（1项）): every count was checked by a scan
    # of every task, 25 s for 20,000 headings.
    "counted headings": lambda n: [
        row
        for i in range(1, n + 1)
        for row in (
            [f"{i}、部分（1项）", "<", "<", "<", "<"],
            ["1", "", f"任务{i}", "张三", "某局"],
        )
    ],
    # Headings without a number, and goals named but not numbered: each new goal was numbered
    # after max() of every number before it.
    "unnumbered headings": lambda n: [
        row
        for i in range(1, n + 1)
        for row in ([f"部分{i}", "<", "<", "<", "<"], ["1", "", f"任务{i}", "张三", "某局"])
    ],
    "named goals": lambda n: [["", f"目标{i}", f"任务{i}", "张三", "某局"] for i in range(n)],
}


@pytest.mark.parametrize("layout", HEADING_LAYOUTS)
def test_a_heading_or_goal_per_task_imports_in_linear_time(layout: str) -> None:
    import time

    def seconds(n: int) -> float:
        header = HEADER if layout != "named goals" else ["", *HEADER[1:]]
        rows = [header, *HEADING_LAYOUTS[layout](n)]
        cells = [
            [Cell("" if t == "<" else t, line, covered=t == "<") for t in row]
            for line, row in enumerate(rows, start=1)
        ]
        start = time.perf_counter()
        document, _ = normalize(SourceTable([], cells, unit="row"), "t.docx")
        assert len(document["goals"]) == len(document["tasks"]) == n
        return time.perf_counter() - start

    small, large = seconds(3_000), seconds(24_000)
    # Linear work takes 8 times as long (some more on a loaded machine); quadratic, 64 times.
    assert large < 24 * small + 0.5, (small, large)


# --- 3. Tracebacks: a damaged file is one line naming it, exit 2 ---------------------------

BROKEN_PARTS = [
    ("docx", "word/document.xml"),
    ("docx", "[Content_Types].xml"),
    ("docx", "word/_rels/document.xml.rels"),
    ("docx", "word/styles.xml"),
    ("xlsx", "xl/worksheets/sheet2.xml"),  # the table's sheet
    ("xlsx", "xl/worksheets/sheet1.xml"),  # the sheet before it
    ("xlsx", "xl/sharedStrings.xml"),
    ("xlsx", "[Content_Types].xml"),
    ("xlsx", "xl/workbook.xml"),
    ("xlsx", "xl/styles.xml"),
]


def with_shared_strings(path: Path) -> Path:
    """The workbook with its texts in xl/sharedStrings.xml, as Excel and WPS write them
    (openpyxl writes them inline, in each cell)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    strings: list[bytes] = []

    def shared(match: re.Match[bytes]) -> bytes:
        strings.append(match[3])
        return b"<c " + match[1] + b't="s"' + match[2] + b"><v>%d</v></c>" % (len(strings) - 1)

    inline = rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>'
    for name in [n for n in parts if n.startswith("xl/worksheets/")]:
        parts[name] = re.sub(inline, shared, parts[name], flags=re.S)
    items = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in strings)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(strings), len(strings))
        + items
        + b"</sst>"
    )
    kind = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + kind + b'"/></Types>',
    )
    relation = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Type="'
        + relation
        + b'" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def source_file(kind: str, folder: Path) -> Path:
    if kind == "docx":
        return write_docx(small(), folder / "table.docx")
    return with_shared_strings(write_xlsx(small(), folder / "table.xlsx"))


def test_a_workbook_with_shared_strings_reads_as_one_with_inline_strings(tmp_path: Path) -> None:
    inline = write_xlsx(small(), tmp_path / "inline.xlsx")
    shared = with_shared_strings(write_xlsx(small(), tmp_path / "shared.xlsx"))
    assert b'<c r="C4" t="s">' in zipfile.ZipFile(shared).read("xl/worksheets/sheet2.xml")
    first, second = import_file(inline)[0], import_file(shared)[0]
    assert first["tasks"] == second["tasks"] and len(first["tasks"]) == 3
    assert first["title"] == second["title"] == "2019年目标任务责任分解表"
    # A cell pointing past the shared strings is a damaged file, said as such.
    rewrite(
        shared,
        "xl/worksheets/sheet2.xml",
        lambda x: re.sub(rb'(<c r="C4" t="s"><v>)\d+', rb"\g<1>999", x),
    )
    one_line_error(
        run_cli("import", str(shared), "--check"),
        shared,
        "row 4, cell C4: value '999' of type 's' cannot be read: the file is damaged",
    )


@pytest.mark.parametrize(("kind", "part"), BROKEN_PARTS, ids=[f"{k}:{p}" for k, p in BROKEN_PARTS])
def test_broken_xml_in_any_part_is_one_line_naming_the_file_and_part(
    kind: str, part: str, tmp_path: Path
) -> None:
    source = source_file(kind, tmp_path)
    rewrite(source, part, lambda xml: xml[: len(xml) // 2])  # cut off in the middle of a tag
    result = run_cli("import", str(source), "--check")
    one_line_error(result, source, f"part {part} is damaged (not well-formed XML)")


def test_broken_xml_is_one_line_from_a_real_process(tmp_path: Path) -> None:
    source = rewrite(
        write_docx(small(), tmp_path / "t.docx"), "word/document.xml", lambda x: x[:-40]
    )
    one_line_error(run_process("import", str(source)), source, "part word/document.xml is damaged")


def test_what_is_not_a_package_says_so(tmp_path: Path) -> None:
    cases = {
        "text.docx": (
            b"\xe5\xba\x8f\xe5\x8f\xb7\t\xe7\x9b\xae\xe6\xa0\x87",
            "File is not a zip file",
        ),
        "locked.xlsx": (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + bytes(600)
            + "EncryptedPackage".encode("utf-16-le")
            + bytes(600),
            "it is encrypted (protected by a password)",
        ),
        # A package of the other kind: its error named a Python object (<_io.BytesIO …>).
        "workbook.docx": (
            write_xlsx(small(), tmp_path / "w.xlsx").read_bytes(),
            "not a readable Word (.docx) file: it is an Excel workbook with another name; "
            "name it .xlsx and import again",
        ),
        "document.xlsx": (
            write_docx(small(), tmp_path / "d.docx").read_bytes(),
            "not a readable Excel (.xlsx) file: it is a Word document with another name; "
            "name it .docx and import again",
        ),
    }
    for name, (content, message) in cases.items():
        source = tmp_path / name
        source.write_bytes(content)
        one_line_error(run_cli("import", str(source), "--check"), source, message)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_truncated_or_corrupted_package_is_never_a_traceback(kind: str, tmp_path: Path) -> None:
    whole = source_file(kind, tmp_path).read_bytes()
    damaged = tmp_path / f"damaged.{kind}"
    rng = random.Random(2019)
    variants = [whole[:n] for n in (1, 100, len(whole) // 2, len(whole) - 22, len(whole) - 1)]
    for _ in range(40):  # bytes changed anywhere: headers, deflate streams, the directory
        changed = bytearray(whole)
        for position in rng.sample(range(len(changed)), 3):
            changed[position] = rng.randrange(256)
        variants.append(bytes(changed))
    errors = 0
    for data in variants:
        damaged.write_bytes(data)
        result = run_cli("import", str(damaged), "--check")  # a traceback would raise here
        if result.exit_code:
            errors += 1
            one_line_error(
                result, damaged, f"not a readable {'Word' if kind == 'docx' else 'Excel'}"
            )
    assert errors >= 5  # the truncated files at least


def test_a_goal_number_beyond_64_bits_is_refused_at_import(tmp_path: Path) -> None:
    biggest = str(2**63 - 1)
    for number, fine in ((biggest, True), ("99999999999999999999", False), ("9" * 5000, False)):
        body = [[number, *BODY[0][1:]]]
        for suffix, writer in (("txt", write_text), ("docx", write_docx)):
            source = writer(Table(["标题"], HEADER, body), tmp_path / f"big.{suffix}")
            target = tmp_path / f"big-{suffix}.yaml"
            result = run_cli("import", str(source), "-o", str(target), "--force")
            if fine:  # the largest number a dataset holds is imported, and read back
                assert result.exit_code == 0, result.stderr
                assert loader.read_dataset(target).tasks[0]["goal_no"] == 2**63 - 1
            else:
                at = "line 9" if suffix == "txt" else "row 2"
                one_line_error(
                    result,
                    source,
                    f"{at}: goal number (序号) {number[:30]} is too large; at most {biggest}",
                )


def test_openpyxl_warnings_stay_out_of_stderr_and_a_bad_date_stays_a_number(tmp_path: Path) -> None:
    import openpyxl

    book = write_xlsx(small(), tmp_path / "date.xlsx")
    workbook = openpyxl.load_workbook(book)
    cell = workbook["分解表"]["F4"]
    workbook["分解表"]["F3"] = "完成时限"
    cell.value, cell.number_format = 1, "yyyy-mm-dd"
    workbook.save(book)
    # A date serial number beyond year 9999: openpyxl warns and reads it as #VALUE!.
    rewrite(
        book,
        "xl/worksheets/sheet2.xml",
        lambda x: re.sub(rb'(<c r="F4"[^>]*><v>)1(</v>)', rb"\g<1>99999999\2", x),
    )
    result = run_process("import", str(book), "-o", str(tmp_path / "date.yaml"))
    assert result.exit_code == 0 and "Warning" not in result.stderr, result.stderr
    assert "1 date outside the calendar read as a number" in summary_of(result)
    assert loader.read_dataset(tmp_path / "date.yaml").tasks[0]["deadline"] == "99999999"


# --- 4. Messages: a decode error names the byte and line where it is -----------------------

GBK = "甲".encode("gbk")  # not UTF-8


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (codecs.BOM_UTF8 + GBK, "starts with a UTF-8 BOM but is not UTF-8 text (byte 3, line 1)"),
        (
            codecs.BOM_UTF8 + "序号\n目标\r\n".encode() + GBK,
            "starts with a UTF-8 BOM but is not UTF-8 text (byte 18, line 3)",
        ),
        (
            codecs.BOM_UTF16_LE + "序号\n".encode("utf-16-le") + b"\x00\xd8",
            "starts with a UTF-16 BOM but is not UTF-16 text (byte 8, line 2)",
        ),
        (
            "序号,目标\n".encode() + GBK,
            "not UTF-8 text: invalid bytes at byte 14, line 2 of a UTF-8 file",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\xff\xfe",
            "(UTF-8 fails at byte 0, line 1; GB18030 at byte 9, line 3)",
        ),
        ("序号\n\n\n甲\x00".encode(), "holds NUL characters (first at line 4)"),
        ("序号\n\n甲\x00".encode("gbk"), "holds character U+0000 at line 3: not a text table"),
    ],
)
def test_a_decode_error_names_the_right_byte_and_line(data: bytes, message: str) -> None:
    with pytest.raises(DataError) as raised:
        decode(data, Path("t.csv"))
    assert message in str(raised.value)
    if data.endswith((GBK, b"\x00\xd8")):  # the byte named is where the bad bytes start
        offset = int(message.split("byte ")[1].split(",")[0])
        assert offset == len(data) - 2


def test_the_decode_error_of_a_bom_file_reaches_the_user(tmp_path: Path) -> None:
    source = tmp_path / "bom.csv"
    data = codecs.BOM_UTF8 + ",".join(HEADER).encode() + b"\n" + GBK
    source.write_bytes(data)
    one_line_error(run_process("import", str(source)), source, f"(byte {len(data) - 2}, line 2)")


def test_a_csv_cell_longer_than_the_csv_modules_limit_is_read(tmp_path: Path) -> None:
    long = "推进" * 100_000  # 200,000 characters: the csv module stops at 131,072
    body = [[*BODY[0][:2], long, *BODY[0][3:]]]
    source = write_delimited(Table([], HEADER, body), tmp_path / "long.csv", ",")
    assert import_file(source)[0]["tasks"][0]["task"] == long


def test_an_error_echoing_a_huge_cell_stays_short(tmp_path: Path) -> None:
    huge = "超长目标名称" * 200_000  # 1.2 million characters, in a row without a goal number
    body = [BODY[0], ["", huge, "任务", "张三", "某局"]]
    source = write_delimited(Table([], HEADER, body), tmp_path / "huge.csv", ",")
    line = one_line_error(
        run_cli("import", str(source), "--check"), source, "without a goal number"
    )
    assert len(line) < 300 and "超长目标名称超长目标名称" in line
