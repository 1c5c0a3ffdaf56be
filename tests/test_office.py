"""Old Office and WPS files (.doc .wps .xls .et), read through LibreOffice.

Where LibreOffice is installed (CI installs it), a .doc and an .xls are made here by
LibreOffice from the 2019 table's .docx and .xlsx, once for the module, and must import to
the same tasks, row for row. Everything about running LibreOffice that does not need the real
one (where it is not installed, a conversion that hangs, Ctrl-C, a failure, what it is run
with) is proved with a stand-in ``soffice`` script on PATH, so it runs everywhere.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from dutycli.query.filters import collect
from dutycli.sources import office
from dutycli.sources.normalize import import_file
from dutycli.store import loader

from .conftest import Outcome, dutycli_executable, run_cli, run_process
from .tables import Table, write_docx, write_xlsx
from .test_formats import wujin_table

pytest.importorskip("docx")
pytest.importorskip("openpyxl")

posix_only = pytest.mark.skipif(os.name == "nt", reason="the stand-in soffice is a sh script")


def one_line_error(outcome: Outcome, message: str) -> None:
    """Exit 2, nothing on stdout, exactly ``dutycli: message`` on stderr."""
    assert outcome.exit_code == 2, outcome.stderr
    assert outcome.stdout == ""
    assert outcome.stderr.splitlines() == [f"dutycli: {message}"], outcome.stderr


# --- with the real LibreOffice ---------------------------------------------------------


def soffice(program: str, profile: Path, fmt: str, source: Path, outdir: Path) -> Path:
    """``source`` saved by LibreOffice as ``fmt`` (doc, xls) into ``outdir``."""
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            *("--headless", "--convert-to", fmt, "--outdir", str(outdir), str(source)),
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
        check=True,
    )
    made = outdir / f"{source.stem}.{fmt}"
    assert made.is_file(), f"LibreOffice made no {made.name}"
    return made


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 2019 table as .docx and .xlsx, and as the .doc and .xls LibreOffice saves of them."""
    program = office.find()
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("office")
    table = wujin_table()
    docx_path = write_docx(table, folder / "wujin.docx")
    # Word ends every document with a paragraph; python-docx's ends with the table, and
    # LibreOffice (7.4) drops a table that ends a document when it writes a .doc.
    import docx

    document = docx.Document(str(docx_path))
    document.add_paragraph("")
    document.save(str(docx_path))
    xlsx_path = write_xlsx(table, folder / "wujin.xlsx")  # sheets 说明 and 分解表
    profile, old = folder / "profile", folder / "old"
    return {
        "docx": docx_path,
        "xlsx": xlsx_path,
        "doc": soffice(program, profile, "doc", docx_path, old),
        "xls": soffice(program, profile, "xls", xlsx_path, old),
    }


def without_source(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "source"}


@pytest.mark.parametrize(
    ("old", "new", "sheet"), [("doc", "docx", None), ("xls", "xlsx", "分解表")]
)
def test_a_doc_and_an_xls_import_as_their_docx_and_xlsx(
    made: dict[str, Path], old: str, new: str, sheet: str | None, tmp_path: Path
) -> None:
    document, report = import_file(made[old], sheet)  # --sheet works for .xls as for .xlsx
    want, want_report = import_file(made[new])
    assert len(document["tasks"]) == 122
    # Every field of every task, source_line included: the rows are the file's rows.
    assert without_source(document) == without_source(want)
    assert report.lines() == want_report.lines() and report.summary() == want_report.summary()
    source = document["source"]
    assert source["file"] == made[old].name
    assert source["converted_from"] == old
    assert re.fullmatch(r"LibreOffice \d+(\.\d+)+", source["converted_by"]), source
    assert source["sha256"] == hashlib.sha256(made[old].read_bytes()).hexdigest()
    if old == "xls":
        assert source["sheet"] == "分解表"
    # The store takes the metadata as it takes any: written as Parquet, read back whole.
    from dutycli.store import writer

    target = tmp_path / "converted.parquet"
    writer.write_document(document, target, "parquet", force=False)
    table = loader.table(loader.read(target))
    assert table.meta["source"] == source
    assert len(collect(table.frame)) == 122


def test_wps_and_et_files_are_read_as_word_and_excel_files(
    made: dict[str, Path], tmp_path: Path
) -> None:
    # Kingsoft WPS's .wps and .et are OLE compound files as .doc and .xls are; LibreOffice
    # reads what a file holds, whatever its name.
    wps = shutil.copy(made["doc"], tmp_path / "分解表.wps")
    et = shutil.copy(made["xls"], tmp_path / "分解表.et")
    target = tmp_path / "wps.yaml"
    result = run_process("import", str(wps), "-o", str(target))  # the whole process contract
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("dutycli: 分解表.wps: 22 goals, 122 tasks;")
    from_wps = loader.table(loader.read(target))
    assert from_wps.meta["source"]["converted_from"] == "wps"
    result = run_cli("import", str(et))
    assert result.exit_code == 0, result.stderr
    assert "dutycli: 分解表.et: 22 goals, 122 tasks; 1 other sheet not read" in result.stderr
    from_et = loader.table(loader.read(write_text(tmp_path / "et.yaml", result.stdout)))
    assert from_et.meta["source"]["converted_from"] == "et"
    columns = ["id", "goal_no", "task", "leaders", "lead_units"]  # rows differ: Word, Excel
    assert collect(from_wps.frame).select(columns).equals(collect(from_et.frame).select(columns))


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_damaged_doc_is_one_line(
    made: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = tmp_path / "damaged.doc"
    damaged.write_bytes(made["doc"].read_bytes()[:20_000])  # cut off: its streams are gone
    temporary = scratch(tmp_path, monkeypatch)
    one_line_error(
        run_cli("import", str(damaged)),
        f"{damaged}: not a readable Word (.doc) file: LibreOffice could not open it "
        "(a damaged file, one protected by a password, or not a Word document)",
    )
    assert list(temporary.iterdir()) == []  # its temporary folder is removed


# --- where LibreOffice is not installed ------------------------------------------------


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)  # an OLE compound file's start


def test_without_libreoffice_the_refusal_names_both_ways_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(office, "INSTALL_PATHS", ())
    assert office.find() is None
    install = "; dutycli reads it through LibreOffice, which is not installed: install LibreOffice"
    for name, label, package, program, suffix in [
        ("t.doc", "Word (.doc)", "writer", "Word", ".docx"),
        ("t.wps", "WPS Writer (.wps)", "writer", "Word", ".docx"),
        ("t.xls", "Excel (.xls)", "calc", "Excel", ".xlsx"),
        ("t.et", "WPS Spreadsheets (.et)", "calc", "Excel", ".xlsx"),
    ]:
        source = tmp_path / name
        source.write_bytes(OLE)
        one_line_error(
            run_cli("import", str(source)),
            f"{source}: {label} is an old binary format{install} (Debian, Ubuntu: apt install "
            f"libreoffice-{package}-nogui; others: https://www.libreoffice.org/download/) or "
            f"open the file in {program} or WPS and save it as {suffix}",
        )
    # An old binary file given a new name is named as such (Word and Excel open it anyway).
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(OLE)
    one_line_error(
        run_cli("import", str(renamed), "--check"),
        f"{renamed}: not a readable Excel (.xlsx) file: it is an old binary Office file with a "
        f"new name{install} (Debian, Ubuntu: apt install libreoffice-calc-nogui; others: "
        "https://www.libreoffice.org/download/) or open the file in Excel or WPS and save it "
        "as .xlsx",
    )


# --- with a stand-in soffice -----------------------------------------------------------

FAKE_SOFFICE = r"""#!/bin/sh
# A stand-in for LibreOffice's soffice, doing what FAKE_MODE says.
printf '%s\n' "$@" > "$FAKE_LOG"
if read -r line; then echo "STDIN OPEN" >> "$FAKE_LOG"; fi
prev=""
for arg in "$@"; do
    case "$prev" in
        --outdir) out="$arg" ;;
        --convert-to) ext="${arg%%:*}" ;;
    esac
    prev="$arg"
    last="$arg"
done
name=$(basename "$last")
case "$FAKE_MODE" in
    copy) mkdir -p "$out" && cp "$FAKE_RESULT" "$out/${name%.*}.$ext" ;;
    hang) sleep 60 & echo $! > "$FAKE_PID.tmp"; mv "$FAKE_PID.tmp" "$FAKE_PID"; wait ;;
    fail) echo "Warning: failed to launch javaldx"; echo "something went wrong"; exit 3 ;;
esac
"""


class Fake:
    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
        programs = folder / "bin"
        programs.mkdir()
        script = programs / "soffice"
        script.write_text(FAKE_SOFFICE, encoding="utf-8")
        script.chmod(0o755)
        self.log, self.pid = folder / "soffice.log", folder / "sleeper.pid"
        monkeypatch.setenv("PATH", f"{programs}{os.pathsep}/usr/bin{os.pathsep}/bin")
        monkeypatch.setenv("FAKE_MODE", mode)
        monkeypatch.setenv("FAKE_LOG", str(self.log))
        monkeypatch.setenv("FAKE_PID", str(self.pid))
        assert office.find() == str(script)

    def arguments(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


def scratch(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of its own for the run (in-process, and for processes started)."""
    temporary = folder / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setenv("TMPDIR", str(temporary))
    return temporary


def small() -> Table:
    return Table(
        ["标题"],
        ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
        [["1", "甲", "任务一", "张三", "住建局"], ["2", "乙", "任务二", "李四", "经信委"]],
    )


@posix_only
def test_what_libreoffice_is_run_with_and_an_old_file_renamed_docx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = Fake(tmp_path, monkeypatch, "copy")
    monkeypatch.setenv("FAKE_RESULT", str(write_docx(small(), tmp_path / "made.docx")))
    temporary = scratch(tmp_path, monkeypatch)
    renamed = tmp_path / "renamed.docx"  # an old .doc that someone renamed
    renamed.write_bytes(OLE)
    result = run_cli("import", str(renamed))
    assert result.exit_code == 0, result.stderr
    assert "source: {file: renamed.docx, converted_from: doc, converted_by: LibreOffice," in (
        result.stdout
    )
    assert "task: 任务二" in result.stdout
    arguments = fake.arguments()
    profile = arguments[0]
    folder = profile.removeprefix("-env:UserInstallation=file://").rsplit("/", 1)[0]
    assert profile.startswith("-env:UserInstallation=file://") and profile.endswith("/profile")
    assert Path(folder).parent == temporary and not Path(folder).exists()  # removed after
    assert "--headless" in arguments and "STDIN OPEN" not in arguments  # stdin is closed
    assert arguments[-5:] == [
        *("--convert-to", "docx:MS Word 2007 XML", "--outdir", f"{folder}/out"),
        f"{folder}/source.docx",
    ]
    assert list(temporary.iterdir()) == []


@posix_only
def test_sheet_is_read_from_a_converted_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = Fake(tmp_path, monkeypatch, "copy")
    monkeypatch.setenv("FAKE_RESULT", str(write_xlsx(small(), tmp_path / "made.xlsx", "任务")))
    workbook = tmp_path / "old.xls"
    workbook.write_bytes(OLE)
    document, _ = import_file(workbook, "任务")
    assert document["source"]["sheet"] == "任务" and len(document["tasks"]) == 2
    assert "xlsx:Calc MS Excel 2007 XML" in fake.arguments()
    wrong = run_cli("import", str(workbook), "--sheet", "说明")  # the sheet without the table
    assert wrong.exit_code == 2 and "labels found: 本表由督查室整理" in wrong.stderr, wrong.stderr
    fake.log.unlink()
    # --sheet on a Word file is refused before LibreOffice is started.
    document_file = tmp_path / "old.doc"
    document_file.write_bytes(OLE)
    one_line_error(
        run_cli("import", str(document_file), "--sheet", "任务"),
        f"{document_file}: --sheet applies to Excel workbooks (.xlsx .xls .et) only",
    )
    assert not fake.log.exists()


@posix_only
def test_a_conversion_that_hangs_is_stopped_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = Fake(tmp_path, monkeypatch, "hang")
    monkeypatch.setenv("DUTYCLI_SOFFICE_TIMEOUT", "0.5")
    temporary = scratch(tmp_path, monkeypatch)
    source = tmp_path / "hangs.xls"
    source.write_bytes(OLE)
    started = time.monotonic()
    result = run_cli("import", str(source))
    assert time.monotonic() - started < 10
    one_line_error(
        result,
        f"{source}: LibreOffice did not convert it within 0.5 s and was stopped "
        "(a damaged file? to wait longer, set DUTYCLI_SOFFICE_TIMEOUT=SECONDS)",
    )
    assert_ended(int(fake.pid.read_text()))  # what soffice started is killed with it
    assert list(temporary.iterdir()) == []


def assert_ended(pid: int) -> None:
    """The process is gone (or a zombie no one has reaped yet: it runs no more)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still runs")


@posix_only
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_a_kill_ends_libreoffice_too(
    stop: signal.Signals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = Fake(tmp_path, monkeypatch, "hang")
    temporary = scratch(tmp_path, monkeypatch)
    source = tmp_path / "hangs.doc"
    source.write_bytes(OLE)
    process = subprocess.Popen(
        [dutycli_executable(), "import", str(source)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # As from a terminal: a parent started in the background may have SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not fake.pid.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake.pid.exists(), "the stand-in soffice did not start"
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=30)
    if stop == signal.SIGINT:
        assert (process.returncode, stderr) == (130, b"dutycli: interrupted\n")
    else:
        assert process.returncode == -stop and stderr == b""  # ended by the signal, as usual
    assert_ended(int(fake.pid.read_text()))
    assert list(temporary.iterdir()) == []


@posix_only
def test_a_failed_conversion_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Fake(tmp_path, monkeypatch, "fail")
    source = tmp_path / "odd.doc"
    source.write_bytes(b"not really a document")
    one_line_error(
        run_cli("import", str(source)),
        f"{source}: not a readable Word (.doc) file: LibreOffice made no .docx of it "
        "(exit code 3: something went wrong)",
    )
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(OLE)
    one_line_error(
        run_cli("import", str(renamed)),
        f"{renamed}: not a readable Excel (.xlsx) file: it is an old binary Office file with a "
        "new name, and LibreOffice made no .xlsx of it (exit code 3: something went wrong)",
    )
    monkeypatch.setenv("DUTYCLI_SOFFICE_TIMEOUT", "soon")
    one_line_error(
        run_cli("import", str(source)),
        "DUTYCLI_SOFFICE_TIMEOUT='soon': not a number of seconds (above 0)",
    )
    # A password-protected file is named as such without starting LibreOffice.
    locked = tmp_path / "locked.doc"
    locked.write_bytes(OLE + "EncryptedPackage".encode("utf-16-le") + bytes(600))
    one_line_error(
        run_cli("import", str(locked)),
        f"{locked}: not a readable Word (.doc) file: it is encrypted (protected by a "
        "password); open it in Word, Excel or WPS, remove the password and save it again",
    )


def test_unknown_formats_name_the_old_ones_too(tmp_path: Path) -> None:
    source = tmp_path / "table.pdf"
    one_line_error(
        run_cli("import", str(source)),
        f"{source}: unknown source format '.pdf'; use .csv, .doc, .docx, .et, .htm, .html, .text, .tsv, "
        ".txt, .wps, .xls, .xlsm, .xlsx",
    )


def without_line(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in task.items() if k != "source_line"} for task in tasks]


def test_a_web_page_or_a_package_with_an_old_name_is_read_without_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sites serve their tables as HTML named .xls or .doc, often in GBK. LibreOffice read such
    # a page as Latin text (no table found), and took any zip named .doc, unbounded.
    pytest.importorskip("lxml")
    from dutycli.errors import DataError
    from dutycli.sources import package

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(office, "INSTALL_PATHS", ())
    docx_path = write_docx(small(), tmp_path / "t.docx")
    xlsx_path = write_xlsx(small(), tmp_path / "t.xlsx")
    expected, _ = import_file(docx_path)
    rows = "".join(
        "<tr>" + "".join(f"<td>{text}</td>" for text in row) + "</tr>" for row in small().body
    )
    header = "".join(f"<th>{label}</th>" for label in small().header)
    page = f"<html><head><title>标题</title></head><body><table><tr>{header}</tr>{rows}</table>"
    for name, data, read_as in [
        ("page.xls", page.encode("gbk"), "html"),
        ("page.doc", b"\r\n  " + page.encode("gbk"), "html"),
        ("bom.et", codecs.BOM_UTF16_LE + page.encode("utf-16-le"), "html"),
        ("package.doc", docx_path.read_bytes(), "docx"),
        ("package.xls", xlsx_path.read_bytes(), "xlsx"),
        ("workbook.doc", xlsx_path.read_bytes(), "xlsx"),  # a workbook, whatever its name
    ]:
        source = tmp_path / name
        source.write_bytes(data)
        document, _ = import_file(source)
        assert without_line(document["tasks"]) == without_line(expected["tasks"]), name
        assert document["source"]["read_as"] == read_as, name
    with pytest.raises(DataError, match=r"page.xls: --sheet applies to Excel workbooks; this file is a web page"):  # fmt: skip
        import_file(tmp_path / "page.xls", sheet="任务")
    # A zip bomb named .doc meets the package limits, as one named .docx does.
    monkeypatch.setattr(package, "MAX_PART_BYTES", 2**10)
    with pytest.raises(DataError, match=r"package.doc: not a readable Word \(\.docx\) file: part .* unpacks to"):  # fmt: skip
        import_file(tmp_path / "package.doc")
    # An empty file is said to be one, before LibreOffice is looked for.
    empty = tmp_path / "empty.doc"
    empty.write_bytes(b"")
    one_line_error(run_cli("import", str(empty)), f"{empty}: empty file, not a table")
