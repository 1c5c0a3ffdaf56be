"""A folder of many datasets queried as one (``store.folder_cache``): the same answers as one
Parquet file of the same tasks and as the folder read file by file, and never a stale one."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from dutycli.errors import DataError
from dutycli.store import folder_cache, loader, writer, yaml_file
from dutycli.store.frames import frame_from_records
from tests.conftest import DATASET, run_cli

FILES = 30
TASKS = 40  # a table's first tasks: enough to differ, cheap to parse
QUERIES = (
    ("by-unit", "发改局"),
    ("by-leader", "陆秋明"),
    ("search", "经济"),
    ("units",),
)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``folder/``: 30 district tables (YAML, every fifth Parquet), ids running on from file
    to file, and ``one.parquet``: all their tasks in one file."""
    base = tmp_path_factory.mktemp("districts")
    real = loader.read_dataset(DATASET)
    folder = base / "folder"
    folder.mkdir()
    everything = []
    pool = sorted({name for task in real.tasks for name in task["leaders"]})
    for number in range(FILES):
        tasks = []
        for offset, task in enumerate(real.tasks[:TASKS]):
            # Each district its own leaders: the real ones, rotated.
            leaders = [pool[(offset + number) % len(pool)]]
            tasks.append({**task, "id": number * TASKS + offset + 1, "leaders": leaders})
        everything += tasks
        meta = {**real.meta, "title": f"第{number}区", "goals": real.goals}
        name = f"district-{number:03d}-2019"
        if number % 5 == 4:
            # Uncompressed: a test can change a name in place, keeping the file's size.
            frame_from_records(tasks).write_parquet(
                folder / f"{name}.parquet",
                compression="uncompressed",
                metadata={"dutycli": json.dumps(meta, ensure_ascii=False)},
            )
        else:
            with open(folder / f"{name}.yaml", "w", encoding="utf-8") as out:
                out.write(yaml_file.dump(meta) + "tasks:\n")
                out.writelines(f"- {json.dumps(t, ensure_ascii=False)}\n" for t in tasks)
    frame = frame_from_records(everything)
    writer.write_frame(frame, {"goals": real.goals}, base / "one.parquet", "parquet", True)
    return base


@pytest.fixture
def folder(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the folder whose files count as settled at once (a stat is trusted)."""
    monkeypatch.setattr(folder_cache, "SETTLE_SECONDS", 0)
    return Path(shutil.copytree(made / "folder", tmp_path / "folder"))


def query(data: Path, *args: str, **env: str) -> str:
    outcome = run_cli("--data", str(data), *args, "-f", "csv", env=env or None)
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


def without_dataset(text: str) -> list[tuple[str, ...]]:
    table = list(csv.reader(io.StringIO(text)))
    keep = [i for i, name in enumerate(table[0]) if name not in ("dataset", "datasets")]
    picked = [tuple(row[i] for i in keep) for row in table]
    return [picked[0], *sorted(picked[1:])]


def file_by_file(data: Path, *args: str) -> str:
    return query(data, *args, DUTYCLI_NO_CACHE="1")


def entries() -> list[Path]:
    return sorted((Path(os.environ["DUTYCLI_CACHE_DIR"]) / "folders").glob("*"))


def test_a_folder_answers_as_one_parquet_file_and_as_read_file_by_file(
    made: Path, folder: Path
) -> None:
    for args in QUERIES:
        expected = file_by_file(folder, *args)
        built = query(folder, *args)  # the first query writes the folder's entry
        assert entries()
        cached = query(folder, *args)
        assert built == expected
        assert cached == expected  # the same rows, columns and order, from the entry
        one = query(made / "one.parquet", *args)
        assert len(one.splitlines()) > 1
        assert without_dataset(cached) == without_dataset(one)
    datasets = ("datasets", "--fields", "dataset,title,goals,tasks,leader_count,unit_count")
    assert query(folder, *datasets) == file_by_file(folder, *datasets)


def test_an_unchanged_folder_is_not_read_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = query(folder, "by-unit", "发改局")

    def refuse(path: Path) -> None:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(loader, "read", refuse)
    assert query(folder, "by-unit", "发改局") == expected
    only = query(folder, "by-unit", "发改局", "--dataset", "district-004-2019")
    lines = expected.splitlines(keepends=True)
    assert only == lines[0] + "".join(x for x in lines if x.startswith("district-004-2019,"))
    assert only.count("\n") > 1


@pytest.mark.parametrize("name", ["district-000-2019.yaml", "district-004-2019.parquet"])
def test_a_file_changed_with_its_size_and_mtime_kept_is_seen(folder: Path, name: str) -> None:
    before = query(folder, "by-unit", "发改局")
    path = folder / name
    info = path.stat()
    time.sleep(0.02)  # past the clock tick of the last status change
    data = path.read_bytes()
    assert "发改局".encode() in data
    path.write_bytes(data.replace("发改局".encode(), "财政局".encode()))  # as many bytes
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    after = query(folder, "by-unit", "发改局")
    stem = name.rsplit(".", 1)[0]
    assert after != before
    assert [line for line in after.splitlines() if line.startswith(stem)] == []
    assert after == file_by_file(folder, "by-unit", "发改局")


def test_a_touched_file_keeps_its_rows_without_being_parsed(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = query(folder, "search", "经济")
    os.utime(folder / "district-001-2019.yaml")

    def refuse(source: loader.Source) -> None:
        raise AssertionError(f"{source.path} parsed again")

    monkeypatch.setattr(loader, "records", refuse)
    assert query(folder, "search", "经济") == expected  # hashed: the same content


def test_files_added_removed_and_a_damaged_entry(folder: Path) -> None:
    query(folder, "units")
    shutil.copy(folder / "district-000-2019.yaml", folder / "district-100-2019.yaml")
    (folder / "district-002-2019.yaml").unlink()
    assert query(folder, "units") == file_by_file(folder, "units")
    names = [line.split(",")[0] for line in query(folder, "datasets").splitlines()]
    assert names == ["dataset", *sorted(p.stem for p in folder.iterdir())]
    (entry,) = entries()
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 1  # a flipped bit in the tasks: a miss, never a wrong answer
    entry.write_bytes(bytes(data))
    assert query(folder, "by-leader", "陆秋明") == file_by_file(folder, "by-leader", "陆秋明")


def test_a_bad_file_is_the_same_error_as_read_file_by_file(folder: Path) -> None:
    query(folder, "units")
    path = folder / "district-003-2019.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"id": 122', '"id": 121'), "utf-8")
    cold = run_cli("--data", str(folder), "units", env={"DUTYCLI_NO_CACHE": "1"})
    warm = run_cli("--data", str(folder), "units")
    assert cold.exit_code == warm.exit_code == 2
    assert "district-003-2019.yaml" in warm.stderr
    assert warm.stderr == cold.stderr
    with pytest.raises(DataError):
        loader.read_dataset(path)


def test_a_parquet_file_damaged_inside_is_a_one_line_error(folder: Path) -> None:
    query(folder, "units")  # its values checked, and that remembered
    path = folder / "district-009-2019.parquet"
    info = path.stat()
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 4, len(data) // 2):  # the tasks, not the footer
        data[i] ^= 0xFF
    time.sleep(0.02)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    outcome = run_cli("--data", str(folder), "units")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(f"dutycli: {path}: not a readable Parquet file: ")
    assert len(outcome.stderr.splitlines()) == 1
