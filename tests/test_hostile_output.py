"""Hostile output: where a file goes, what a spreadsheet gets, what is cut, and no traceback.

Every file dutycli writes for the user (``-o`` of a query, ``import -o``, ``export -o``) goes
through one writer, ``files.write_output``; every cell of a workbook or an ``--excel`` CSV
through ``output.spreadsheet``. The tests hit those shared places, then each route to them
as a real process. Device nodes are copies made with mknod (as root) in the test's folder:
a test run against a writer that replaces them never touches the system's /dev.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import yaml

from dutycli import files
from dutycli.errors import OutputError
from dutycli.store import yaml_file

from .conftest import DATASET, RAW, Outcome, run_process

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
