"""Hostile datasets on disk and their metadata: each class fixed at its shared mechanism.

- Names that hold a separator: one rule (``names.name_list_fault``) in the one validation
  (``store.validation``) of every format: YAML, an export read back, Parquet and Arrow IPC.
- Metadata: Parquet's validated by the same function as YAML's, and only values that every
  format can hold.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from dutycli import names
from dutycli.schema import TASK_FIELDS
from dutycli.store import loader, yaml_file

from .conftest import DATASET, Outcome, run_cli, run_process
from .hostile.cases import HEADER, dataset_text, task_lines


def one_line_error(outcome: Outcome, pattern: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr matching ``pattern`` after 'dutycli: '."""
    assert outcome.exit_code == 2, outcome
    assert outcome.stdout == ""
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert re.fullmatch("dutycli: " + pattern, lines[0]), (pattern, lines[0])


def shipped_tasks(count: int = 3) -> list[dict[str, Any]]:
    return loader.read_dataset(DATASET).tasks[:count]


def write_yaml(path: Path, tasks: list[dict[str, Any]], **meta: Any) -> Path:
    document = {"dutycli_dataset": 1, "title": "t", "goals": [], **meta, "tasks": tasks}
    path.write_text(yaml_file.dump(document), encoding="utf-8")
    return path


def cache_entries(kind: str) -> list[Path]:
    folder = Path(os.environ["DUTYCLI_CACHE_DIR"]) / kind
    return sorted(folder.iterdir()) if folder.exists() else []


# --- class 6: names that hold a separator, one rule for every format -------------------

BAD_NAMES = {
    "two-names": (["陆秋明、徐治国"], "'陆秋明、徐治国' is more than one name"),
    "comma": (["陆秋明,徐治国"], "'陆秋明,徐治国' is more than one name"),
    "full-width-comma": (["陆秋明，徐治国"], "'陆秋明，徐治国' is more than one name"),
    "line-break": (["陆秋明\n徐治国"], "'陆秋明\\\\n徐治国' is more than one name"),
    "empty": (["发改局", ""], "a name is empty \\(''\\)"),
    "blank": ([" "], "a name is empty \\(' '\\)"),
    "inner-space": (["是 峰"], "'是 峰' holds whitespace"),
    "open-bracket": (["甲(", "乙)"], "the names '甲\\(、乙\\)' run together when joined with 、"),
}


@pytest.mark.parametrize("names_and_fault", BAD_NAMES.values(), ids=BAD_NAMES)
def test_the_names_rule_is_the_importers(names_and_fault: tuple[list[str], str]) -> None:
    bad, fault = names_and_fault
    found = names.name_list_fault(bad)
    assert found is not None and re.match(fault, found), found
    # What the rule accepts is exactly what the importer's split gives back.
    assert names.split_joined("、".join(bad)) != bad


@pytest.mark.parametrize(
    "good",
    [[], ["陆秋明", "徐治国"], ["应急管理局(安委办、减灾办)"], ["某局等"], ["甲)("], ["ＧＤＰ办"]],
)
def test_names_the_importer_makes_pass_and_survive_joining(good: list[str]) -> None:
    assert names.name_list_fault(good) is None
    assert names.split_joined("、".join(good)) == good


def bad_name_file(folder: Path, fmt: str, bad: list[str]) -> Path:
    """The shipped table's first tasks with task 2's leaders replaced, written as ``fmt``."""
    tasks = shipped_tasks()
    tasks[1] = {**tasks[1], "leaders": bad}
    path = folder / f"names.{fmt}"
    if fmt == "yaml":
        return write_yaml(path, tasks)
    if fmt == "json":
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    elif fmt == "jsonl":
        path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in tasks), "utf-8")
    else:
        from dutycli.store.frames import frame_from_records

        frame = frame_from_records(tasks)
        frame.write_parquet(path) if fmt == "parquet" else frame.write_ipc(path)
    return path


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "parquet", "arrow"])
@pytest.mark.parametrize("names_and_fault", BAD_NAMES.values(), ids=BAD_NAMES)
def test_every_format_refuses_a_name_the_importer_would_split(
    tmp_path: Path, fmt: str, names_and_fault: tuple[list[str], str]
) -> None:
    bad, fault = names_and_fault
    path = bad_name_file(tmp_path, fmt, bad)
    line = ":\\d+" if fmt == "yaml" else ""
    one_line_error(
        run_cli("--data", str(path), "leaders"),
        re.escape(str(path)) + f"{line}: task 2: field 'leaders': {fault}.*",
    )


@pytest.mark.parametrize("cell", ["陆秋明，徐治国", "陆秋明、 徐治国", "、", "陆秋明、"])
def test_a_csv_cell_is_split_as_the_importer_splits_or_refused(tmp_path: Path, cell: str) -> None:
    exported = tmp_path / "all.csv"
    assert run_cli("list", "-o", str(exported)).exit_code == 0
    with open(exported, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["leaders"] = cell
    edited = tmp_path / "edited.csv"
    with open(edited, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(TASK_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    one_line_error(
        run_cli("--data", str(edited), "leaders"),
        re.escape(f"{edited}: task 1: field 'leaders': ") + ".*",
    )


def test_a_yaml_name_with_a_separator_no_longer_answers_differently_once_exported(
    tmp_path: Path,
) -> None:
    # The example: before, the YAML passed, 陆秋明 matched nothing (the name was
    # '陆秋明、徐治国'), and its CSV export read back matched it.
    path = bad_name_file(tmp_path, "yaml", ["陆秋明、徐治国"])
    one_line_error(
        run_process("--data", str(path), "by-leader", "陆秋明", "--exact"),
        re.escape(f"{path}:")
        + r"\d+: task 2: field 'leaders': '陆秋明、徐治国' is more than one name .*",
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_a_name_with_a_separator_inside_brackets_round_trips(tmp_path: Path, fmt: str) -> None:
    # The importer keeps 应急管理局(安委办、减灾办) one name; the CSV read back split it in two.
    name = "应急管理局(安委办、减灾办)"
    path = bad_name_file(tmp_path, "yaml", [name, "徐治国"])
    exported = tmp_path / f"out.{fmt}"
    assert run_cli("--data", str(path), "list", "-o", str(exported)).exit_code == 0
    shown = run_cli("--data", str(exported), "show", "2", "-f", "json", "--fields", "leaders")
    assert json.loads(shown.stdout) == [{"leaders": [name, "徐治国"]}]


# --- class 7: caches and metadata --------------------------------------------------------


META_CASES = {
    "title-number": ({"title": 5}, "'title' must be text"),
    "goals-text": ({"goals": "x"}, "'goals' must be a list of \\{number, name\\}"),
    "goal-beyond-64-bits": (
        {"goals": [{"number": 2**64, "name": "x"}]},
        "'goals' must be a list of \\{number, name\\}",
    ),
    "version": ({"dutycli_dataset": 9}, "unsupported dataset version 9 \\(this dutycli reads 1\\)"),
    "version-true": (
        {"dutycli_dataset": True},
        "unsupported dataset version True \\(this dutycli reads 1\\)",
    ),
    "nested": (
        {"note": json.loads("[" * 20 + "]" * 20)},
        "'note' is nested deeper than 16 levels; metadata holds only text, numbers, "
        "true/false, lists and mappings",
    ),
    "not-finite": ({"note": float("nan")}, "'note' holds a number that is not finite.*"),
}


@pytest.mark.parametrize("fmt", ["yaml", "parquet"])
@pytest.mark.parametrize("meta_and_fault", META_CASES.values(), ids=META_CASES)
def test_metadata_is_validated_alike_in_yaml_and_parquet(
    tmp_path: Path, fmt: str, meta_and_fault: tuple[dict[str, Any], str]
) -> None:
    meta, fault = meta_and_fault
    if fmt == "yaml":
        path = write_yaml(tmp_path / "m.yaml", shipped_tasks(), **meta)
        where = ":\\d+"
    else:
        from dutycli.store.frames import frame_from_records

        path = tmp_path / "m.parquet"
        text = json.dumps({"dutycli_dataset": 1, "title": "t", **meta})
        frame_from_records(shipped_tasks()).write_parquet(path, metadata={"dutycli": text})
        where = ": metadata"
    one_line_error(run_cli("--data", str(path), "list"), re.escape(str(path)) + f"{where}: {fault}")


def test_parquet_metadata_no_longer_flows_into_an_export_that_is_then_refused(
    tmp_path: Path,
) -> None:
    # Before: the Parquet file was queried, exported as YAML, and that YAML was refused.
    from dutycli.store.frames import frame_from_records

    path = tmp_path / "m.parquet"
    meta = json.dumps({"title": ["not", "text"], "goals": []})
    frame_from_records(shipped_tasks()).write_parquet(path, metadata={"dutycli": meta})
    target = tmp_path / "out.yaml"
    one_line_error(
        run_process("--data", str(path), "export", "-o", str(target)),
        re.escape(f"{path}: metadata: 'title' must be text"),
    )
    assert not target.exists()


@pytest.mark.parametrize(
    "text",
    ["[" * 5000 + "]" * 5000, '{"n": ' + "9" * 5000 + "}", '{"title": "t"'],
    ids=["deep", "huge-number", "cut"],
)
def test_parquet_metadata_that_is_not_json_is_one_line(tmp_path: Path, text: str) -> None:
    from dutycli.store.frames import frame_from_records

    path = tmp_path / "m.parquet"
    frame_from_records(shipped_tasks()).write_parquet(path, metadata={"dutycli": text})
    one_line_error(
        run_cli("--data", str(path), "list"),
        re.escape(f"{path}: the 'dutycli' metadata is not JSON"),
    )


@pytest.mark.parametrize(
    ("value", "wording"),
    [
        ("2019-01-01", "holds a date"),
        ("!!binary aGk=", "holds binary data \\(!!binary\\)"),
        ("!!set {a}", "holds a set \\(!!set\\)"),
        ("!!omap [a: 1]", "holds pairs \\(!!omap or !!pairs\\)"),
        ("{1: a}", "holds a mapping with a key that is not text"),
    ],
)
def test_metadata_json_cannot_hold_is_refused_not_a_traceback_on_export(
    tmp_path: Path, value: str, wording: str
) -> None:
    # Before: accepted, then `export -o x.parquet` died in json.dumps with a traceback.
    path = tmp_path / "m.yaml"
    header = HEADER.replace("title: t\n", f"title: t\nsource: {value}\n")
    path.write_bytes(dataset_text(task_lines(), header=header))
    one_line_error(
        run_cli("--data", str(path), "export", "-o", str(tmp_path / "x.parquet")),
        re.escape(f"{path}:3: 'source' ") + wording + "; metadata holds only .*",
    )


# --- classes 4 and 8: tracebacks and messages -------------------------------------------

UNBUILDABLE = {
    "no-such-day": ("2019-02-30", "'2019-02-30' is not a date \\(day is out of range for month\\)"),
    "no-such-month": ("2019-13-01", "'2019-13-01' is not a date \\(month must be in 1..12\\)"),
    "timestamp-tag": ("!!timestamp x", "'x' is not a date"),
    "int-tag": ("!!int 9x", "'9x' is not a whole number"),
    "empty-int": ("!!int ''", "'' is not a whole number"),
    "float-tag": ("!!float x", "'x' is not a number"),
    "bool-tag": ("!!bool maybe", "'maybe' is not true or false"),
    "map-tag-on-list": ("!!map [a]", "expected a mapping, but found a sequence"),
    "set-tag-on-list": ("!!set [a]", "expected a mapping, but found a sequence"),
    "huge-number": ("9" * 5000, "a number of 5,000 characters \\(no field holds one\\)"),
}


def test_a_version_must_be_the_whole_number_one(tmp_path: Path) -> None:
    for written in ("1.0", "true"):
        path = tmp_path / "v.yaml"
        path.write_text(f"dutycli_dataset: {written}\ntasks: []\n", encoding="utf-8")
        one_line_error(
            run_cli("--data", str(path), "list"),
            re.escape(f"{path}:1: unsupported dataset version ") + ".* \\(this dutycli reads 1\\)",
        )
