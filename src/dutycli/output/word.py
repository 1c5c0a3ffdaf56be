"""A result as a Word document (.docx) in the source table's shape (the docx extra).

The layout is ``output.document``'s: a bold centred title, a line saying what was asked and
how many rows, then one table with the header row repeated on every page, goal cells merged
over their tasks and leader/unit cells merged where the source merged them, a heading row per
group. A4 landscape, Chinese fonts named with their East-Asian attributes, page numbers in
the footer.

The table's rows are built as WordprocessingML directly (python-docx's ``table.cell(r, c)``
is quadratic): 944 tasks take well under a second. Cells are data: control characters and
whatever XML cannot hold are shown as visible escapes, never obeyed or dropped.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, BinaryIO

from dutycli.errors import DutyError
from dutycli.i18n import t
from dutycli.output.document import Document, Group, group_title
from dutycli.output.text import display_width, escape_controls
from dutycli.schema import NAME_JOINER, label

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.section import Section

_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Fonts: the body in 仿宋_GB2312 (Latin in Times New Roman), the title in 宋体.
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# Sizes in half-points: title 18pt (小二), subtitle 12pt (小四), table 10.5pt (五号).
TITLE_SIZE, SUBTITLE_SIZE, BODY_SIZE = 36, 24, 21
# A4 landscape and its margins, in millimetres.
PAGE_WIDTH, PAGE_HEIGHT = 297, 210
MARGIN_SIDE, MARGIN_TOP = 15, 18
TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE
# Column widths in millimetres; the task text takes what is left (other text shares it).
WIDTHS = {
    "dataset": 22,
    "id": 14,
    "goal_no": 12,
    "goal": 40,
    "section": 30,
    "item_no": 14,
    "leaders": 24,
    "lead_units": 38,
    "partner_units": 38,
    "deadline": 32,  # 2016年8月底前 on one line (Word widens the gap between 年 and 8)
}
KIND_WIDTHS = {"number": 16, "names": 34}
TEXT_WIDTH = 40  # a text column other than the task, before the rest is shared out
TASK_WIDTH = 80  # the task text at least (the widest column)
MIN_WIDTH = 9
SHORT_LABEL = 8  # display columns: four Chinese characters
# A terminal column (half a Chinese character) of 10.5pt text, and a cell's side margins.
MM_PER_COLUMN, CELL_PADDING = 1.9, 2.5
CELL_MARGIN = 57  # twips, 1mm: a cell's margin each side
MEASURED = 40  # characters of a line measured: longer lines wrap anyway
HEADER_FILL, GROUP_FILL = "D9D9D9", "F2F2F2"
# What XML 1.0 cannot hold and escape_controls leaves: lone surrogates, U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def write_docx(document: Document, out: BinaryIO) -> None:
    """``document`` as a .docx written to ``out`` (made in memory, written in one piece)."""
    try:
        import docx
    except ImportError:
        raise DutyError(
            t(
                "docx output needs python-docx, the docx extra: pip install 'dutycli[docx]' (from a checkout: pip install '.[docx]')"
            )
        ) from None
    word = docx.Document()
    section = word.sections[0]
    _page(section)
    _fonts(word)
    word.core_properties.title = _safe(document.title)
    word.core_properties.author = "dutycli"
    body = word.element.body
    if document.title:
        body.insert_element_before(
            _paragraph(document.title, TITLE_SIZE, bold=True, font=TITLE_FONT), "w:sectPr"
        )
    body.insert_element_before(_paragraph(document.subtitle, SUBTITLE_SIZE), "w:sectPr")
    if document.columns:
        body.insert_element_before(_table(document), "w:sectPr")
        # Word ends a document with a paragraph (LibreOffice drops a table that ends one
        # when it saves a .doc); a tiny one, so a full last page gets no blank page after it.
        body.insert_element_before(_paragraph("", size=2, after=0), "w:sectPr")
    for line in document.notes:
        body.insert_element_before(_paragraph(line, SUBTITLE_SIZE, centred=False), "w:sectPr")
    _footer(section)
    buffer = io.BytesIO()
    word.save(buffer)
    out.write(buffer.getvalue())


def _safe(text: str) -> str:
    """Data as text Word shows: controls as escapes (\\x1b), newlines kept."""
    text = escape_controls(text)
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --- WordprocessingML, built as lxml elements ---------------------------------------------


def _el(tag: str, parent: Any = None, **attributes: str) -> Any:
    """An element ``w:tag`` (appended to ``parent``) with ``w:`` attributes."""
    attrib = {f"{{{_NS}}}{name}": value for name, value in attributes.items()}
    if parent is None:
        from docx.oxml import OxmlElement

        return OxmlElement(f"w:{tag}", attrs=attrib)
    from lxml import etree

    # lxml's own SubElement: python-docx's OxmlElement is ten times slower per element.
    return etree.SubElement(parent, f"{{{_NS}}}{tag}", attrib)


def _run_properties(
    parent: Any, size: int | None = None, bold: bool = False, font: str | None = None
) -> None:
    if not (size or bold or font):
        return
    properties = _el("rPr", parent)
    if font:
        _el("rFonts", properties, ascii=LATIN_FONT, hAnsi=LATIN_FONT, eastAsia=font)
    if bold:
        _el("b", properties)
        _el("bCs", properties)
    if size:
        _el("sz", properties, val=str(size))
        _el("szCs", properties, val=str(size))


def _paragraph(
    text: str,
    size: int | None = None,
    bold: bool = False,
    font: str | None = None,
    centred: bool = True,
    after: int = 120,
) -> Any:
    """A paragraph of one run (a title line, or one line of a cell)."""
    p = _el("p")
    properties = _el("pPr", p)
    _el("spacing", properties, before="0", after=str(after))
    if centred:
        _el("jc", properties, val="center")
    run = _el("r", p)
    _run_properties(run, size, bold, font)
    _text(run, _safe(text))
    return p


def _text(run: Any, text: str) -> None:
    if not text:
        return
    t = _el("t", run)
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _cell(
    row: Any,
    text: str,
    width: int,
    *,
    span: int = 1,
    merge: str | None = None,
    bold: bool = False,
    fill: str | None = None,
    centred: bool = False,
) -> None:
    """A cell (``w:tc``) of ``width`` twentieths of a point; ``merge``: restart or continue;
    its lines as paragraphs, only in a cell that does not continue a merge."""
    tc = _el("tc", row)
    properties = _el("tcPr", tc)
    _el("tcW", properties, w=str(width), type="dxa")
    if span > 1:
        _el("gridSpan", properties, val=str(span))
    if merge == "restart":
        _el("vMerge", properties, val="restart")
    elif merge == "continue":
        _el("vMerge", properties)
    if fill:
        _el("shd", properties, val="clear", color="auto", fill=fill)
    _el("vAlign", properties, val="center")
    lines = [""] if merge == "continue" else _safe(text).split("\n")
    for line in lines:
        p = _el("p", tc)
        if centred:
            _el("jc", _el("pPr", p), val="center")
        run = _el("r", p)
        _run_properties(run, bold=bold)
        _text(run, line)


def _table(document: Document) -> Any:
    """The table: header row (repeated on every page), group headings, rows with merges."""
    widths = [_twips(mm) for mm in column_widths(document)]
    tbl = _el("tbl")
    properties = _el("tblPr", tbl)
    _el("tblStyle", properties, val="TableGrid")
    _el("tblW", properties, w=str(sum(widths)), type="dxa")
    _el("jc", properties, val="center")
    borders = _el("tblBorders", properties)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _el(side, borders, val="single", sz="4", space="0", color="000000")
    _el("tblLayout", properties, type="fixed")
    margins = _el("tblCellMar", properties)
    for side in ("left", "right"):
        _el(side, margins, w=str(CELL_MARGIN), type="dxa")
    _el("tblLook", properties, val="04A0", firstRow="1", lastRow="0", firstColumn="1")
    grid = _el("tblGrid", tbl)
    for width in widths:
        _el("gridCol", grid, w=str(width))
    header = _el("tr", tbl)
    _el("tblHeader", _el("trPr", header))
    for text, width in zip(document.labels, widths, strict=True):
        _cell(header, text, width, bold=True, fill=HEADER_FILL, centred=True)
    centred = [kind == "number" for kind in document.kinds]
    names = [kind == "names" for kind in document.kinds]
    for group in document.groups:
        if document.group_by is not None:
            heading = _el("tr", tbl)
            _el("cantSplit", _el("trPr", heading))
            title = group_title(document.group_by, group)
            _cell(heading, title, sum(widths), span=len(widths), bold=True, fill=GROUP_FILL)
        merges = _merges(group)
        for index, marks in zip(group.rows, merges, strict=True):
            tr = _el("tr", tbl)
            for column, (text, width, merge) in enumerate(
                zip(document.rows[index], widths, marks, strict=True)
            ):
                if names[column]:
                    text = names_lines(text, width)
                _cell(tr, text, width, merge=merge, centred=centred[column])
    return tbl


def names_lines(text: str, width: int) -> str:
    """Names (joined with 、) in a cell ``width`` twips wide, a line break after a 、 where the
    next name would not fit whole: Word breaks Chinese anywhere, so 陆秋明 would become
    陆 / 秋明. A name longer than a line still wraps inside it."""
    room = (width - 2 * CELL_MARGIN) * 25.4 / 1440 / MM_PER_COLUMN  # terminal columns
    if display_width(text) <= room or NAME_JOINER not in text:
        return text
    lines: list[str] = []
    from dutycli.output.wrap import name_segments

    for name in text.split("\n"):
        line = ""
        for part in name_segments(name):
            if line and display_width(line + part) > room:
                lines.append(line)
                line = ""
            line += part
        lines.append(line)
    return "\n".join(lines)


def _merges(group: Group) -> list[list[str | None]]:
    """Per row of ``group``, per column: restart (a merge starts), continue, or None."""
    marks: list[list[str | None]] = [[None] * len(row) for row in group.merged]
    for position in range(1, len(group.merged)):
        for column, continues in enumerate(group.merged[position]):
            if continues:
                marks[position][column] = "continue"
                if marks[position - 1][column] is None:
                    marks[position - 1][column] = "restart"
    return marks


def column_widths(document: Document) -> list[float]:
    """Millimetres per column on an A4 landscape page: each column as wide as its longest
    line (its label on two lines at most), within its own bound; the task text (else the
    columns cut to their bound) takes what is left; too many columns are narrowed alike."""
    widths: list[float] = []
    wrapped: list[int] = []  # the columns whose longest line is wider than their bound
    for position, (column, kind) in enumerate(zip(document.columns, document.kinds, strict=True)):
        if column == "task":
            widths.append(float(TASK_WIDTH))
            continue
        bound = WIDTHS.get(column) or KIND_WIDTHS.get(kind) or TEXT_WIDTH
        longest = max(
            (
                display_width(line[:MEASURED])
                for row in document.rows
                for line in row[position].split("\n")
            ),
            default=0,
        )
        header = display_width(label(column))
        # A label of up to four characters on one line (序号, not 序/号); a longer one on two.
        longest = max(longest, header if header <= SHORT_LABEL else (header + 1) // 2)
        natural = max(longest * MM_PER_COLUMN + CELL_PADDING, MIN_WIDTH)
        if natural > bound:
            wrapped.append(position)
        widths.append(min(natural, bound))
    spare = TABLE_WIDTH - sum(widths)
    if spare < 0:
        return [w * TABLE_WIDTH / sum(widths) for w in widths]
    # The task text, else the columns cut to their bound, grow; a table of short columns
    # stays narrower than the page (centred).
    growing = [i for i, c in enumerate(document.columns) if c == "task"] or wrapped
    for i in growing:
        widths[i] += spare / len(growing)
    return widths


def _twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


# --- the page, the fonts, the footer ------------------------------------------------------


def _page(section: Section) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.left_margin = section.right_margin = Mm(MARGIN_SIDE)
    section.top_margin = section.bottom_margin = Mm(MARGIN_TOP)
    section.header_distance = section.footer_distance = Mm(8)


def _fonts(word: WordDocument) -> None:
    """The Normal style: 仿宋_GB2312 for Chinese (w:eastAsia), Times New Roman for Latin,
    10.5pt, single-spaced without space after; Chinese as the East-Asian language."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = word.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(BODY_SIZE / 2)
    run_properties = normal.element.get_or_add_rPr()
    fonts = run_properties.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = _el("lang", run_properties)
    language.set(qn("w:eastAsia"), "zh-CN")
    paragraph = normal.paragraph_format
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.line_spacing = 1.0


def _footer(section: Section) -> None:
    """第 X 页 共 Y 页, centred, with PAGE and NUMPAGES fields."""
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]._p
    _el("jc", p.get_or_add_pPr(), val="center")
    for part in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
        if part.isupper():
            _field(p, part)
        else:
            _text(_el("r", p), part)


def _field(p: Any, instruction: str) -> None:
    """A field (PAGE, NUMPAGES) as Word writes one: begin, instruction, separate, 1, end."""
    _el("fldChar", _el("r", p), fldCharType="begin")
    code = _el("instrText", _el("r", p))
    code.text = f" {instruction} "
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    _el("fldChar", _el("r", p), fldCharType="separate")
    _text(_el("r", p), "1")
    _el("fldChar", _el("r", p), fldCharType="end")
