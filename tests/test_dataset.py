"""The committed YAML dataset and the loader's safety and error reporting."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dutycli.errors import DataError
from dutycli.query.filters import collect
from dutycli.schema import TASK_FIELDS
from dutycli.sources.normalize import import_file
from dutycli.store import loader, writer, yaml_file
from dutycli.store.frames import task_schema
from dutycli.store.loader import load

from .conftest import DATASET, RAW, run_cli


def test_committed_dataset_is_exactly_what_import_produces() -> None:
    document, _ = import_file(RAW)
    assert yaml_file.dump(document) == DATASET.read_text(encoding="utf-8")


def test_import_command_writes_the_same_file(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    result = run_cli("import", str(RAW), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == DATASET.read_bytes()
    assert "122 tasks" in result.stderr
    # An existing dataset is never silently replaced.
    again = run_cli("import", str(RAW), "-o", str(target))
    assert again.exit_code == 2
    assert "--force" in again.stderr
    assert run_cli("import", str(RAW), "-o", str(target), "--force").exit_code == 0


def test_import_check_writes_nothing_and_reports(tmp_path: Path) -> None:
    result = run_cli("import", str(RAW), "--check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "goal 4 repeated at a page break" in result.stderr
    assert "'是  峰'" in result.stderr


def test_loader_uses_the_explicit_schema() -> None:
    table = load(DATASET)
    assert table.frame.schema == task_schema()
    assert table.frame.columns == list(TASK_FIELDS)
    assert table.frame.schema["leaders"] == pl.List(pl.String)
    assert table.meta["title"].endswith("目标任务责任分解表")


def test_default_dataset_is_the_shipped_one() -> None:
    assert loader.default_path().name == "wujin-2019.yaml"
    assert collect(load(None).frame).equals(collect(load(DATASET).frame))


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def valid_task(**changes: object) -> str:
    fields = {
        "id": "1",
        "goal_no": "1",
        "goal": "甲",
        "task": "任务",
        "leaders": "[张三]",
        "lead_units": "[某局]",
        "leaders_inherited": "false",
        "lead_units_inherited": "false",
        "leaders_open_ended": "false",
        "lead_units_open_ended": "false",
        "partner_units": "[]",
        "partner_units_inherited": "false",
        "partner_units_open_ended": "false",
        "deadline": "''",
        "deadline_inherited": "false",
        "source_line": "3",
    }
    fields.update({k: str(v) for k, v in changes.items()})
    body = "\n".join(f"  {k}: {v}" for k, v in fields.items() if v != "DROP")
    return "- " + body.lstrip()


def document(*tasks: str) -> str:
    return "dutycli_dataset: 1\ntitle: t\nlabel: l\ngoals: []\ntasks:\n" + "\n".join(tasks) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tasks: [\n", r"bad\.yaml:2: not valid YAML"),
        ("just text\n", "not a dutycli dataset"),
        ("dutycli_dataset: 9\ntasks: []\n", r"bad\.yaml:1: unsupported dataset version 9"),
        (
            document(valid_task(id="x")),
            r"bad\.yaml:6: task 1: field 'id' must be a whole number, got str",
        ),
        (
            document(valid_task(leaders="张三")),
            r"bad\.yaml:10: task 1: field 'leaders' must be a list of names",
        ),
        (document(valid_task(source_line="DROP")), "task 1: missing field 'source_line'"),
        (document(valid_task(colour="red")), r"bad\.yaml:22: task 1: unknown field 'colour'"),
        (document(valid_task(), valid_task()), r"bad\.yaml:22: task 2: duplicate id 1"),
        (document(valid_task(leaders_inherited="yes please")), "must be true or false"),
    ],
)
def test_broken_datasets_name_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=message):
        loader.read_dataset(path)
    result = run_cli("--data", str(path), "units")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_python_object_tags_are_refused_not_built(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f'dutycli_dataset: 1\ntasks:\n- !!python/object/apply:os.system ["touch {marker}"]\n'
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=r"not valid YAML.*python/object"):
        loader.read_dataset(path)
    assert not marker.exists()


def test_missing_dataset_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="dataset file not found"):
        loader.read_dataset(tmp_path / "nope.yaml")
    with pytest.raises(DataError, match="is a directory"):
        loader.read_dataset(tmp_path)


def test_binary_file_is_not_a_dataset(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(DataError, match="not UTF-8"):
        loader.read_dataset(path)


def test_write_atomic_leaves_no_temporary_on_failure(tmp_path: Path) -> None:
    DOCUMENT = {"dutycli_dataset": yaml_file.FORMAT_VERSION, "goals": [], "tasks": []}
    target = tmp_path / "missing-dir" / "out.yaml"
    with pytest.raises(DataError, match="cannot write"):
        writer.write_document(DOCUMENT, target, "yaml", force=False)
    writer.write_document(DOCUMENT, tmp_path / "ok.yaml", "yaml", force=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.yaml"]
