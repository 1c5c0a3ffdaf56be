"""Hostile source tables (dutycli import): nothing dropped without a word, nothing unbounded,
no traceback, and decode errors that point at the right byte.

Each class is tested at its shared mechanism — the notes every reader hands to the import
report, the limits every reader counts against, the error boundary around every reader —
and on its examples. The files are built here: Word and Excel with python-docx and
openpyxl, and damaged by editing the zip's XML.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from dutycli.errors import DataError
from dutycli.names import split_names
from dutycli.sources.encoding import decode

from .conftest import Outcome, run_process
from .tables import Table

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


def test_a_name_wrapped_a_hundred_thousand_times_is_joined_once() -> None:
    # Joining at each wrap kept every partial name: gigabytes for this cell of 400 KB.
    cell = "应急管理局" + "\n(安委办)" * 100_000 + "、公安局"
    parsed = split_names(cell)
    assert parsed.names == ["应急管理局" + "(安委办)" * 100_000, "公安局"]
    assert parsed.wrapped == parsed.names[:1]


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
