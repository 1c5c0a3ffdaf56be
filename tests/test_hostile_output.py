"""Hostile output: where a file goes, what a spreadsheet gets, what is cut, and no traceback.

Every file dutycli writes for the user (``-o`` of a query, ``import -o``, ``export -o``) goes
through one writer, ``files.write_output``; every cell of a workbook or an ``--excel`` CSV
through ``output.spreadsheet``. The tests hit those shared places, then each route to them
as a real process. Device nodes are copies made with mknod (as root) in the test's folder:
a test run against a writer that replaces them never touches the system's /dev.
"""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import stat
import subprocess
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import yaml
from typer.testing import CliRunner

from dutycli import files
from dutycli.cli.app import app
from dutycli.errors import OutputError
from dutycli.output import spreadsheet, streams
from dutycli.output.streams import Streams
from dutycli.schema import RESULT_KINDS
from dutycli.store import yaml_file

from .conftest import DATASET, RAW, Outcome, dutycli_executable, run_cli, run_process

openpyxl = pytest.importorskip("openpyxl")

IS_ROOT = os.geteuid() == 0


def one_line_error(outcome: Outcome, pattern: str) -> None:
    assert outcome.exit_code == 2, outcome
    assert "Traceback" not in outcome.stderr and "Exception ignored" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert len(lines) >= 1 and lines[-1].startswith("dutycli: "), outcome.stderr
    assert re.search(pattern, lines[-1]), (pattern, lines[-1])
    # Only import's own report may come before the error.
    assert all("goals," in line for line in lines[:-1]), outcome.stderr


def device(folder: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (minor 7), in ``folder``
    when we may make one; else the system's own, which only root could replace."""
    path = folder / name
    if IS_ROOT:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
        return path
    return Path(f"/dev/{name}")


def dataset_with(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """The shipped dataset, changed by ``change``, written as ``name`` in ``tmp_path``."""
    document = yaml.load(DATASET.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    change(document)
    path = tmp_path / name
    path.write_text(yaml_file.dump(document), encoding="utf-8")
    return path


def write_text(content: bytes) -> Callable[[BinaryIO], object]:
    return lambda out: out.write(content)


# === 1. Where output goes: the writer =========================================================
# ``emit.write_file`` is the writer of every query's -o; it, ``store.writer`` (import and export)
# and nothing else call ``files.write_output``.


def write_file(path: Path, write: Callable[[BinaryIO], object]) -> None:
    from dutycli.output import emit

    emit.write_file(path, write)  # type: ignore[arg-type]


def test_the_writer_writes_a_device_in_place(tmp_path: Path) -> None:
    null = device(tmp_path, "null", 3)
    write_file(null, write_text(b"a,b\n"))
    assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
    full = device(tmp_path, "full", 7)
    with pytest.raises(OutputError, match="No space left"):
        write_file(full, write_text(b"a,b\n"))
    assert stat.S_ISCHR(full.stat().st_mode)


def test_the_writer_writes_a_fifo_to_its_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_file(fifo, write_text(b"tasks\n"))
    reader.join(timeout=10)
    assert received == [b"tasks\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_the_writer_refuses_a_socket_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputError, match="socket"):
            write_file(path, write_text(b"x"))
        assert stat.S_ISSOCK(path.lstat().st_mode)


def test_the_writer_follows_a_link_and_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_bytes(b"old\n")
    target.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to("real.csv")
    write_file(link, write_text(b"new\n"))
    assert link.is_symlink() and os.readlink(link) == "real.csv"
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to("created.csv")
    write_file(dangling, write_text(b"made\n"))
    assert dangling.is_symlink() and (tmp_path / "created.csv").read_bytes() == b"made\n"


def test_the_writer_writes_a_hard_linked_file_in_place(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_bytes(b"old content, longer than the new\n")
    second = tmp_path / "b.csv"
    os.link(first, second)
    inode = first.stat().st_ino
    write_file(second, write_text(b"new\n"))
    assert first.read_bytes() == second.read_bytes() == b"new\n"
    assert first.stat().st_ino == second.stat().st_ino == inode
    assert first.stat().st_nlink == 2


def test_the_writer_keeps_mode_and_owner_and_a_new_file_gets_the_umask(tmp_path: Path) -> None:
    private = tmp_path / "private.csv"
    private.write_bytes(b"old\n")
    private.chmod(0o600)
    write_file(private, write_text(b"new\n"))
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and private.read_bytes() == b"new\n"
    fresh = tmp_path / "fresh.csv"
    write_file(fresh, write_text(b"x\n"))
    assert stat.S_IMODE(fresh.stat().st_mode) == files.new_file_mode()
    if IS_ROOT:
        other = tmp_path / "other.csv"
        other.write_bytes(b"old\n")
        os.chown(other, 1234, 2345)
        write_file(other, write_text(b"new\n"))
        assert (other.stat().st_uid, other.stat().st_gid) == (1234, 2345)
        assert other.read_bytes() == b"new\n"


@pytest.mark.parametrize("in_place", [False, True], ids=["renamed", "in-place"])
@pytest.mark.parametrize("failure", [OSError("disk gone"), KeyboardInterrupt()], ids=repr)
def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_place: bool, failure: BaseException
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    if in_place:  # a second name: the file is overwritten in place, not replaced
        os.link(target, tmp_path / "other-name.csv")

    def half(out: BinaryIO) -> None:
        out.write(b"half of the new")
        raise failure

    with pytest.raises((type(failure), OutputError)):
        write_file(target, half)
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out.csv", *(["other-name.csv"] if in_place else [])]
    )


def test_a_folder_that_takes_no_new_file_gets_its_file_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root every folder takes new files; the writer asks os.access, so ask it as a user.
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    inode = target.stat().st_ino
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != tmp_path and real_access(p, mode))
    write_file(target, write_text(b"new\n"))
    assert target.read_bytes() == b"new\n" and target.stat().st_ino == inode


# === 1. Where output goes: every route, as a real process =====================================


def copy_of_dataset(folder: Path) -> Path:
    path = folder / "s.yaml"
    path.write_bytes(DATASET.read_bytes())
    return path


# Each route to the writer: the arguments, given the target (and the dataset, for --data).
ROUTES: dict[str, Callable[[Path, Path], list[str]]] = {
    "query": lambda data, out: ["--data", str(data), "units", "-f", "csv", "-o", str(out)],
    "xlsx": lambda data, out: ["--data", str(data), "units", "-f", "xlsx", "-o", str(out)],
    "import": lambda data, out: ["import", str(RAW), "-o", str(out), "--force"],
    "export": lambda data, out: [
        "--data",
        str(data),
        "export",
        "-o",
        str(out),
        "-f",
        "yaml",
        "--force",
    ],
}


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_writes_a_device_in_place(tmp_path: Path, route: str) -> None:
    null = device(tmp_path, "null", 3)
    outcome = run_process(*ROUTES[route](copy_of_dataset(tmp_path), null))
    assert outcome.exit_code == 0, outcome.stderr
    assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_keeps_links_and_modes(tmp_path: Path, route: str) -> None:
    data = copy_of_dataset(tmp_path)
    suffix = {"query": ".csv", "xlsx": ".xlsx"}.get(route, ".yaml")
    real = tmp_path / f"real{suffix}"
    real.write_bytes(b"old\n")
    real.chmod(0o640)
    link = tmp_path / f"link{suffix}"
    link.symlink_to(real.name)
    hard = tmp_path / f"hard{suffix}"
    os.link(real, hard)
    assert run_process(*ROUTES[route](data, link)).exit_code == 0
    assert link.is_symlink() and real.stat().st_nlink == 2
    assert hard.read_bytes() == real.read_bytes() != b"old\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "case", ["data", "link", "hard link", "folder", "aliases", "import", "export"]
)
def test_an_output_that_is_an_input_is_refused(tmp_path: Path, case: str) -> None:
    data = copy_of_dataset(tmp_path)
    before = data.read_bytes()
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("发改局: [发展和改革局]\n", encoding="utf-8")
    source = tmp_path / "source.txt"
    source.write_bytes(RAW.read_bytes())
    (tmp_path / "link.csv").symlink_to(data.name)
    os.link(data, tmp_path / "hard.csv")
    os.link(source, tmp_path / "source.yaml")
    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_bytes(before)
    args = {
        "data": ["--data", str(data), "list", "-f", "csv", "-o", str(data)],
        "link": ["--data", str(data), "list", "-o", str(tmp_path / "link.csv")],
        "hard link": ["--data", str(data), "list", "-o", str(tmp_path / "hard.csv")],
        "folder": ["--data", str(folder), "list", "-f", "json", "-o", str(folder / "b.yaml")],
        "aliases": ["--data", str(data), "units", "-f", "csv", "-o", str(aliases)],
        "import": ["import", str(source), "-o", str(tmp_path / "source.yaml"), "--force"],
        "export": ["--data", str(data), "export", "-o", str(data), "--force"],
    }[case]
    outcome = run_process(*args)
    one_line_error(
        outcome,
        r"cannot write: it is the .* read by this command|"
        r"cannot write .*: it is the .* read by this command",
    )
    assert data.read_bytes() == (folder / "b.yaml").read_bytes() == before
    assert source.read_bytes() == RAW.read_bytes()
    assert aliases.read_text(encoding="utf-8") == "发改局: [发展和改革局]\n"


def test_import_writes_only_dataset_file_names(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    outcome = run_process("import", str(RAW), "-o", str(target))
    one_line_error(outcome, r"must end in one of \.yaml \.yml \.parquet .*\.arrow")
    assert not target.exists()
    # A query's file is no dataset either: CSV in a .yaml would read back as a broken one.
    query = run_process("units", "-o", str(tmp_path / "units.yaml"))
    one_line_error(query, r"\.yaml names a dataset, which `dutycli export` writes")
    assert not (tmp_path / "units.yaml").exists()


def test_output_into_a_folder_or_nowhere_is_one_line(tmp_path: Path) -> None:
    one_line_error(run_process("units", "-o", str(tmp_path)), "it is a directory")
    one_line_error(
        run_process("import", str(RAW), "-o", str(tmp_path), "--force"), "it is a directory"
    )
    one_line_error(
        run_process("units", "-o", str(tmp_path / "no" / "x.csv")), "No such file or directory"
    )


# === 5. Formulas: every cell a spreadsheet gets ================================================

HOSTILE_UNIT = '=HYPERLINK("http://example.com/x")'
HOSTILE_LEADER = "+1+1"


@pytest.fixture
def hostile_names(tmp_path: Path) -> Path:
    """Unit and leader names a spreadsheet would run, and control characters in names."""

    def change(document: dict[str, Any]) -> None:
        tasks = document["tasks"]
        tasks[0]["lead_units"] = [HOSTILE_UNIT]
        tasks[1]["leaders"] = [HOSTILE_LEADER]
        tasks[2]["lead_units"] = ["环\x1b[31m保局"]
        tasks[3]["leaders"] = ["陆\x07秋明"]
        tasks[4]["task"] = "@SUM(A1)"

    return dataset_with(tmp_path, "hostile.yaml", change)


def formulas_in(workbook: Path) -> list[str]:
    """The formula elements in every sheet of the workbook's XML (openpyxl reads past none)."""
    with zipfile.ZipFile(workbook) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


@pytest.mark.parametrize("command", ["matrix", "units", "leaders", "list", "metrics", "stats"])
def test_no_workbook_cell_is_a_formula(tmp_path: Path, hostile_names: Path, command: str) -> None:
    target = tmp_path / "out.xlsx"
    outcome = run_cli("--data", str(hostile_names), command, "-o", str(target))
    assert outcome.exit_code == 0, outcome.stderr
    assert formulas_in(target) == []
    sheet = openpyxl.load_workbook(target).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {str(c.value) for c in cells}
    if command in ("matrix", "units", "list"):
        assert any(HOSTILE_UNIT in t for t in texts)  # the name is there, as text
    if command == "matrix":  # in the header row: the pivot's columns are unit names
        assert HOSTILE_UNIT in [c.value for c in sheet[spreadsheet.HEADER_ROW]]
        assert "环\\x1b[31m保局" in [
            c.value for c in sheet[spreadsheet.HEADER_ROW]
        ]  # shown, not refused


def test_no_excel_csv_cell_starts_a_formula_header_included(hostile_names: Path) -> None:
    for command in ("matrix", "units", "leaders", "list", "metrics", "stats"):
        for fmt, separator in (("csv", ","), ("tsv", "\t")):
            outcome = run_cli("--data", str(hostile_names), command, "-f", fmt, "--excel")
            assert outcome.exit_code == 0, outcome.stderr
            text = outcome.stdout.removeprefix("\ufeff")
            rows = list(csv.reader(io.StringIO(text), delimiter=separator))
            starts = [c for row in rows for c in row if c.startswith(spreadsheet.FORMULA_START)]
            assert starts == [], (command, fmt, starts)
    header = next(
        csv.reader(
            io.StringIO(
                run_cli("--data", str(hostile_names), "matrix", "--excel").stdout.removeprefix(
                    "\ufeff"
                )
            )
        )
    )
    assert "'" + HOSTILE_UNIT in header


@pytest.mark.parametrize(
    "title", ["任务", "a/b\\c?d*e:f[g]h", "'引号'", "x" * 40, "", "::", "\x07控制"]
)
def test_any_sheet_title_makes_a_workbook(title: str) -> None:
    import polars as pl

    out = io.BytesIO()
    spreadsheet.write_workbook(pl.DataFrame({"a": ["x"]}), ["=A1"], out, title, ("=B1", "+x"))
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert 1 <= len(sheet.title) <= 31  # Excel's limit
    assert not re.search(r"[\[\]:*?/\\]", sheet.title)
    # The header and the title lines are text, never formulas.
    for name, value in (("A3", "=A1"), ("A1", "=B1"), ("A2", "+x")):
        assert sheet[name].value == value and sheet[name].data_type == "s"


def test_a_whole_number_excel_would_round_is_kept_as_text() -> None:
    import polars as pl

    out = io.BytesIO()
    frame = pl.DataFrame({"id": [7, 2**60, -(2**53) - 1]})
    spreadsheet.write_workbook(frame, ["编号"], out, "任务")
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert [(c.value, c.data_type) for c in sheet["A"][spreadsheet.HEADER_ROW :]] == [
        (7, "n"),
        (str(2**60), "s"),
        (str(-(2**53) - 1), "s"),
    ]


# === 2. What a workbook cannot hold is said =====================================================


def test_cells_over_excels_limit_are_cut_and_said(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        document["tasks"][11]["task"] = "长" * 40_000
        document["tasks"][39]["task"] = "=" + "𠀀" * 20_000  # two UTF-16 units each

    data = dataset_with(tmp_path, "long.yaml", change)
    target = tmp_path / "x.xlsx"
    outcome = run_process("--data", str(data), "list", "-o", str(target))
    assert outcome.exit_code == 0
    assert outcome.stderr.splitlines() == [
        f"dutycli: 2 cells longer than Excel's 32,767 characters were cut in {target}: "
        "tasks 12, 40 (CSV and JSON keep the whole text)",
        f"dutycli: wrote {target} (122 rows, xlsx)",
    ]
    sheet = openpyxl.load_workbook(target).active
    for row in (15, 43):
        value = sheet.cell(row=row, column=3).value
        assert value.endswith(spreadsheet.CUT_MARK)
        assert len(value.encode("utf-16-le")) // 2 <= spreadsheet.EXCEL_CELL_LIMIT
    assert sheet.cell(row=15, column=3).value.startswith("长" * 30_000)
    assert sheet.cell(row=4, column=3).value == "地区生产总值增长7%左右"  # the others whole
    # Into a pipe the note names the workbook; CSV keeps every character.
    piped = subprocess.run(
        [dutycli_executable(), "--data", str(data), "list", "-f", "xlsx"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert "were cut in the workbook: tasks 12, 40" in piped.stderr.decode()
    assert "长" * 40_000 in run_process("--data", str(data), "list").stdout


# === 4. Tracebacks: each one line and exit 2, or a result =====================================

KIND_COMMANDS = {
    "tasks": ["list"],
    "record": ["show", "1"],
    "names": ["units"],
    "goals": ["targets"],
    "datasets": ["datasets"],
    "changes": ["diff", str(DATASET), "CHANGED"],
    "stats": ["stats"],
    "matrix": ["matrix"],
    "metrics": ["metrics"],
    # 督办, with an empty store: every task unanswered, every unit silent.
    "progress": ["progress", "status", "--period", "2019Q1", "--store", "STORE"],
    "silent": ["progress", "status", "--period", "2019Q1", "--silent", "--store", "STORE"],
    "report": ["progress", "report", "--period", "2019Q1", "--store", "STORE"],
}


def test_every_kind_of_result_makes_a_workbook(tmp_path: Path) -> None:
    assert set(KIND_COMMANDS) == set(RESULT_KINDS)

    def change(document: dict[str, Any]) -> None:
        document["tasks"][0]["task"] = "改写过的任务"

    changed = dataset_with(tmp_path, "changed.yaml", change)
    store = str(tmp_path / "progress.sqlite")
    from dutycli.progress import store as progress_store

    with progress_store.connect(Path(store)):
        pass  # made empty: no unit has answered yet
    for kind, args in KIND_COMMANDS.items():
        args = [{"CHANGED": str(changed), "STORE": store}.get(a, a) for a in args]
        target = tmp_path / f"{kind}.xlsx"
        # datasets and diff have no --output: their workbook goes to stdout, not a terminal.
        streams.use(Streams(terminal=False))
        result = CliRunner().invoke(app, [*args, "-f", "xlsx"], catch_exceptions=False)
        assert result.exit_code == 0, (kind, result.stderr)
        assert result.stderr == ""
        target.write_bytes(result.stdout_bytes)
        sheet = openpyxl.load_workbook(target).active
        assert sheet.title == RESULT_KINDS[kind].sheet, kind
        assert sheet.max_row >= 2, kind


@pytest.fixture
def long_leader(tmp_path: Path) -> Path:
    def change(document: dict[str, Any]) -> None:
        for task in document["tasks"][:3]:
            task["leaders"] = ["长" * 200]

    return dataset_with(tmp_path, "long-leader.yaml", change)


@pytest.mark.parametrize(
    "command", [["matrix"], ["stats"], ["by-target", "1"], ["units"], ["datasets"]], ids=" ".join
)
def test_a_narrow_terminal_gets_a_picture_not_a_traceback(
    long_leader: Path, command: list[str]
) -> None:
    # Every width up to 12 (where a picture gives up columns one by one), then a sample.
    widths = (
        (*range(1, 13), 15, 18, 21, 25, 30, 35, 40)
        if command[0] in ("matrix", "stats")
        else (1, 5, 10, 20, 30, 40)
    )
    for data in (DATASET, long_leader):
        for width in widths:
            streams.use(Streams(terminal=True, width=width, colour=False))
            outcome = run_cli("--data", str(data), *command, "-f", "table")
            assert outcome.exit_code == 0, (width, outcome.stderr)


def test_a_very_long_leader_name_wraps_and_leaves_room_for_units(long_leader: Path) -> None:
    streams.use(Streams(terminal=True, width=100, colour=False))
    shown = run_cli("--data", str(long_leader), "matrix").stdout
    assert "徐治国" in shown and "工信局" in shown


def test_a_narrow_terminal_as_a_real_process(long_leader: Path) -> None:
    for columns in ("20", "30"):
        outcome = run_process(
            "--data", str(long_leader), "matrix", "-f", "table", env={"COLUMNS": columns}
        )
        assert (outcome.exit_code, outcome.stderr) == (0, ""), columns


def test_control_characters_in_names_and_headers_make_a_workbook(
    tmp_path: Path, hostile_names: Path
) -> None:
    for command in ("matrix", "list", "units", "leaders"):
        target = tmp_path / f"{command}.xlsx"
        outcome = run_process("--data", str(hostile_names), command, "-o", str(target))
        assert outcome.exit_code == 0, outcome.stderr
        values = {
            str(c.value) for row in openpyxl.load_workbook(target).active.iter_rows() for c in row
        }
        assert any("\\x1b[31m" in v for v in values) or command == "leaders", command
        assert any("陆\\x07秋明" in v for v in values) or command == "units", command


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "table", "json"])
def test_a_full_disk_is_one_line_for_every_format(tmp_path: Path, fmt: str) -> None:
    full = device(tmp_path, "full", 7)
    outcome = run_process("list", "-f", fmt, "-o", str(full))
    one_line_error(outcome, f"^dutycli: cannot write {re.escape(str(full))}: No space left")
    assert stat.S_ISCHR(full.stat().st_mode)
    with open(full, "wb") as stdout:
        completed = subprocess.run(
            [dutycli_executable(), "list", "-f", fmt],
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    assert completed.returncode == 2
    assert completed.stderr.decode() == "dutycli: cannot write output: No space left on device\n"


@pytest.mark.parametrize("args", [["import", str(RAW)], ["export", "-f", "parquet"]])
def test_a_full_disk_is_one_line_for_datasets(tmp_path: Path, args: list[str]) -> None:
    full = device(tmp_path, "full", 7)
    outcome = run_process(*args, "-o", str(full), "--force")
    one_line_error(outcome, r"cannot write: No space left on device$")


# === More of the same classes in the output layer =============================================


def test_markdown_cells_are_data_on_one_row(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        document["tasks"][0]["task"] = (
            "a|b\nc\r\nd\re **粗** [链接](http://x) <script>x</script> _y_ `z`"
        )
        document["tasks"][0]["lead_units"] = ["发改局|财政局"]

    data = dataset_with(tmp_path, "md.yaml", change)
    lines = run_cli(
        "--data", str(data), "list", "-f", "md", "--fields", "id,task,lead_units"
    ).stdout
    rows = lines.splitlines()
    assert len(rows) == 2 + 122
    cells = re.split(r"(?<!\\)\|", rows[2])[1:-1]
    assert len(cells) == 3, rows[2]
    assert cells[1].strip() == (
        "a\\|b<br>c<br>d<br>e \\*\\*粗\\*\\* \\[链接\\](http://x) "
        "&lt;script&gt;x&lt;/script&gt; \\_y\\_ \\`z\\`"
    )
    assert "<script>" not in lines
    assert cells[2].strip() == "发改局\\|财政局"
    assert rows[0] == "| id | task | lead_units |"  # field names stay readable


def test_matrix_markdown_header_escapes_unit_names(hostile_names: Path) -> None:
    def units_header(text: str) -> list[str]:
        return re.split(r"(?<!\\)\|", text.splitlines()[0])[1:-1]

    def change(document: dict[str, Any]) -> None:
        document["tasks"][0]["lead_units"] = ["甲|乙局"]

    folder = hostile_names.parent
    data = dataset_with(folder, "pipe.yaml", change)
    md = run_cli("--data", str(data), "matrix", "-f", "md").stdout
    csv_header = next(csv.reader(io.StringIO(run_cli("--data", str(data), "matrix").stdout)))
    assert len(units_header(md)) == len(csv_header)


def test_json_says_when_a_number_it_cannot_hold_is_null(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import polars as pl

    from dutycli.output import emit
    from dutycli.output.result import Result

    frame = pl.DataFrame({"id": [1, 2, 3], "value": [float("inf"), float("nan"), 7.0]})
    for fmt in ("json", "jsonl"):
        emit.emit(Result(frame, kind_name="metrics"), fmt)
        out, err = capsys.readouterr()
        assert out.count("null") == 2 and "7.0" in out
        assert err == (
            "dutycli: JSON cannot hold inf or NaN: 2 such values are written as null (CSV keeps them)\n"
        )
    emit.emit(Result(frame.head(0), kind_name="metrics"), "json")
    assert capsys.readouterr().err == ""


def test_markdown_shows_control_characters_never_sends_them(tmp_path: Path) -> None:
    hostile = tmp_path / "esc.yaml"
    original = DATASET.read_text(encoding="utf-8")
    text = original.replace(
        "task: 地区生产总值增长7%左右", 'task: "地区\\e]0;pwn\\a生产\\u202e总值\\e[2J"', 1
    )
    assert text != original
    hostile.write_text(text, encoding="utf-8")
    shown = run_process("--data", str(hostile), "show", "1", "-f", "md")
    assert shown.exit_code == 0, shown.stderr
    assert "\\x1b" in shown.stdout and "\\u202e" in shown.stdout
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", shown.stdout)
