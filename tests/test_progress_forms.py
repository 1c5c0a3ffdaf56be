"""督办, forms and collect: the issue's proof for them.

Forms for every lead unit of the 2019 table; a script fills them as the units would (some
complete, one with a bad status, one with an edited task text, one with a row added, one
returned twice, one in Word, one unit silent); collect; the store holds exactly what was
filled. A second, different answer is a version. Two collects at once both land; a collect
killed while it writes leaves the store as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from dutycli.progress import store
from dutycli.progress.forms import COLUMNS, FILL_COLUMNS, META_SHEET

from .conftest import DATASET, dutycli_executable, run_cli

TASKS = {task["id"]: task for task in yaml.safe_load(DATASET.read_text("utf-8"))["tasks"]}
LEAD_UNITS = {unit for task in TASKS.values() for unit in task["lead_units"]}
FIRST_ROW = 4  # below the two title lines and the header
TASK_COLUMN = COLUMNS.index("工作标准") + 1
FILL_START = len(COLUMNS) - len(FILL_COLUMNS) + 1


def make_forms(tmp_path: Path, *more: str) -> tuple[Path, Path]:
    """A copy of the 2019 dataset (its store beside it) and a folder of its forms."""
    data = tmp_path / "data" / "wujin-2019.yaml"
    data.parent.mkdir()
    shutil.copy(DATASET, data)
    out = tmp_path / "回收表"
    made = run_cli(
        "--data", str(data), "progress", "forms", "--period", "2019Q1", "-o", str(out), *more
    )
    assert made.exit_code == 0, made.stderr
    return data, out


def fill(
    path: Path, rows: dict[int, list[str]], saved_as: Path | None = None
) -> dict[int, tuple[str, ...]]:
    """Fill ``path`` as a clerk would (task id → the six answers), return what was written."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    written: dict[int, tuple[str, ...]] = {}
    for row in range(FIRST_ROW, sheet.max_row + 1):
        task_id = sheet.cell(row, 1).value
        if isinstance(task_id, int) and task_id in rows:
            for offset, value in enumerate(rows[task_id]):
                sheet.cell(row, FILL_START + offset).value = value
            written[task_id] = tuple(rows[task_id])
    book.save(saved_as or path)
    return written


def ids_on(path: Path) -> list[int]:
    sheet = load_workbook(path, read_only=True).worksheets[0]
    return [int(r[0]) for r in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]]  # type: ignore[arg-type]


def answer(task_id: int, status: str = "推进中") -> list[str]:
    return [f"任务{task_id}已完成前期工作", status, "资金缺口", "加快推进", "张三", "0519-86300000"]


def test_forms_for_every_lead_unit_are_locked_print_ready_and_know_their_origin(
    tmp_path: Path,
) -> None:
    _, out = make_forms(tmp_path)
    assert {p.name for p in out.iterdir()} == {f"{u}-2019Q1.xlsx" for u in LEAD_UNITS}
    path = out / "发改局-2019Q1.xlsx"
    book = load_workbook(path)
    sheet, meta = book.worksheets[0], book[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert "发改局" in sheet["A1"].value and "2019Q1" in sheet["A1"].value
    assert [c.value for c in sheet[3]] == list(COLUMNS)
    lead = sorted(i for i, task in TASKS.items() if "发改局" in task["lead_units"])
    assert ids_on(path) == lead
    first = sheet.cell(FIRST_ROW, TASK_COLUMN)
    assert first.value == TASKS[lead[0]]["task"] and first.protection.locked
    assert sheet.protection.sheet
    assert not any(sheet.cell(FIRST_ROW, c).protection.locked for c in range(FILL_START, 13))
    (status,) = sheet.data_validations.dataValidation
    assert status.formula1 == '"' + ",".join(store.STATUSES) + '"'
    assert str(status.sqref) == f"H{FIRST_ROW}:H{FIRST_ROW + len(lead) - 1}"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
    rows = {r[0]: r[1:] for r in meta.iter_rows(values_only=True) if isinstance(r[0], int)}
    assert rows[lead[0]] == (store.task_hash(TASKS[lead[0]]["task"]), "牵头")
    values = {r[0]: r[1] for r in meta.iter_rows(max_row=6, values_only=True)}
    assert (values["dataset"], values["period"], values["unit"]) == (
        "wujin-2019",
        "2019Q1",
        "发改局",
    )
    # An existing form is not overwritten without --force.
    again = run_cli(
        "--data",
        str(tmp_path / "data" / "wujin-2019.yaml"),
        "progress",
        "forms",
        "--period",
        "2019Q1",
        "-o",
        str(out),
        "--unit",
        "发改局",
    )
    assert again.exit_code == 2 and "--force" in again.stderr


def test_collect_records_exactly_what_units_filled(tmp_path: Path) -> None:
    data, out = make_forms(tmp_path)
    docx = run_cli(
        "--data",
        str(data),
        "progress",
        "forms",
        "--period",
        "2019Q1",
        "-o",
        str(tmp_path / "word"),
        "--unit",
        "教育局",
        "--as",
        "docx",
    )
    assert docx.exit_code == 0, docx.stderr
    expected: dict[tuple[str, int], tuple[str, ...]] = {}
    # Complete: every row answered.
    for unit in ("发改局", "商务局", "统计局"):
        path = out / f"{unit}-2019Q1.xlsx"
        written = fill(path, {i: answer(i, "已完成") for i in ids_on(path)})
        expected |= {(unit, i): said for i, said in written.items()}
    # A bad status: that row not recorded, the others are.
    path = out / "工信局-2019Q1.xlsx"
    ids = ids_on(path)
    written = fill(path, {ids[0]: answer(ids[0], "差不多"), **{i: answer(i) for i in ids[1:3]}})
    expected |= {("工信局", i): written[i] for i in ids[1:3]}
    # An edited task text: that row not recorded.
    path = out / "财政局-2019Q1.xlsx"
    ids = ids_on(path)
    written = fill(path, {i: answer(i, "滞后") for i in ids})
    book = load_workbook(path)
    book.worksheets[0].cell(FIRST_ROW, TASK_COLUMN).value = "改过的工作标准"
    book.save(path)
    expected |= {("财政局", i): written[i] for i in ids[1:]}
    # A row added by the unit (no 编号): reported, not recorded.
    path = out / "编办-2019Q1.xlsx"
    ids = ids_on(path)
    written = fill(path, {i: answer(i) for i in ids})
    book = load_workbook(path)
    sheet = book.worksheets[0]
    sheet.cell(sheet.max_row + 1, TASK_COLUMN).value = "我们自己加的任务"
    sheet.cell(sheet.max_row, FILL_START + 1).value = "已完成"
    book.save(path)
    expected |= {("编办", i): written[i] for i in ids}
    # A form of another dataset: refused whole.
    other = out / "民政局-2019Q1.xlsx"
    fill(other, {i: answer(i) for i in ids_on(other)})
    book = load_workbook(other)
    book[META_SHEET]["B3"].value = "wujin-2020"
    book.save(other)
    # A unit answering in Word.
    import docx as python_docx

    word_form = tmp_path / "word" / "教育局-2019Q1.docx"
    document = python_docx.Document(str(word_form))
    table = document.tables[0]
    for row in table.rows[1:]:
        task_id = int(row.cells[0].text)
        for offset, value in enumerate(answer(task_id, "未启动")):
            row.cells[6 + offset].text = value
        expected[("教育局", task_id)] = tuple(answer(task_id, "未启动"))
    document.save(str(word_form))
    # 人社局 stays silent: its form never comes back.
    returned = [
        out / f"{u}-2019Q1.xlsx"
        for u in ("发改局", "商务局", "统计局", "工信局", "财政局", "编办", "民政局")
    ] + [word_form]
    collected = run_cli("--data", str(data), "progress", "collect", *map(str, returned))
    assert collected.exit_code == 2, collected.stderr
    report = collected.stderr
    assert "'差不多' is not one of 未启动、推进中、已完成、滞后、无法完成: not recorded" in report
    assert f"task {ids_on(out / '财政局-2019Q1.xlsx')[0]}: its 工作标准 was edited" in report
    assert "a row added to the form (no 编号): not recorded" in report
    assert "民政局-2019Q1.xlsx: refused: made from dataset 'wujin-2020'" in report
    assert "8 forms:" in report and "1 refused" in report

    where = data.with_name("wujin-2019.progress.sqlite")  # the store beside the dataset
    latest = store.answers_frame(where, latest_only=True)
    held = {
        (row["unit"], row["task_id"]): tuple(row[name] for name in store.ANSWER_FIELDS)
        for row in latest.iter_rows(named=True)
    }
    assert held == expected  # every cell filled is there, and nothing else
    assert set(latest["period"]) == {"2019Q1"} and set(latest["version"]) == {1}
    assert "人社局" not in set(store.collections_frame(where)["unit"])

    # Returned twice (the same file): nothing changes.
    twice = run_cli("--data", str(data), "progress", "collect", str(out / "统计局-2019Q1.xlsx"))
    assert twice.exit_code == 0 and "already collected, nothing changed" in twice.stderr
    assert store.answers_frame(where).height == len(expected)

    # A second, different answer: kept as a version, reported, the first one kept too.
    path = out / "统计局-2019Q1.xlsx"
    first_id = ids_on(path)[0]
    second = tmp_path / "统计局-2019Q1-第二次.xlsx"
    fill(path, {first_id: answer(first_id, "滞后")}, saved_as=second)
    changed = run_cli("--data", str(data), "progress", "collect", str(second))
    assert changed.exit_code == 0, changed.stderr
    assert f"changed: tasks {first_id}" in changed.stderr
    versions = store.answers_frame(where).filter(task_id=first_id, unit="统计局")
    assert versions["version"].to_list() == [1, 2]
    assert versions["status"].to_list() == ["已完成", "滞后"]


def _collect(
    data: Path, *forms: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [dutycli_executable(), "--data", str(data), "progress", "collect", *map(str, forms)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def test_two_collects_at_once_both_land_and_a_killed_one_changes_nothing(tmp_path: Path) -> None:
    data, out = make_forms(tmp_path, "--unit", "发改局")
    run_cli(
        "--data",
        str(data),
        "progress",
        "forms",
        "--period",
        "2019Q1",
        "-o",
        str(out),
        "--unit",
        "工信局",
    )
    forms = [out / "发改局-2019Q1.xlsx", out / "工信局-2019Q1.xlsx"]
    for path in forms:
        fill(path, {i: answer(i) for i in ids_on(path)})
    runs = [_collect(data, path) for path in forms]
    assert [run.wait(timeout=60) for run in runs] == [0, 0]
    where = data.with_name("wujin-2019.progress.sqlite")
    before = store.answers_frame(where)
    assert set(before["unit"]) == {"发改局", "工信局"}

    # Killed while it writes (its answers inserted, not committed): the store is as before.
    fill(forms[0], {i: answer(i, "已完成") for i in ids_on(forms[0])})
    marker = tmp_path / "writing"
    run = _collect(data, forms[0], env={"_DUTYCLI_PAUSE_BEFORE_COMMIT": str(marker)})
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert run.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=60)
    assert store.answers_frame(where).equals(before)
    assert len(store.collections_frame(where)) == 2
    # And the next collect finds the store free and records the form.
    again = run_cli("--data", str(data), "progress", "collect", str(forms[0]))
    assert again.exit_code == 0, again.stderr
    assert set(store.answers_frame(where, latest_only=True).filter(unit="发改局")["status"]) == {
        "已完成"
    }


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_file_that_is_no_form_is_refused_in_one_line(tmp_path: Path, language: str) -> None:
    data, _ = make_forms(tmp_path, "--unit", "发改局")
    stray = tmp_path / "笔记.xlsx"
    stray.write_bytes(b"not a zip")
    shown = run_cli(
        "--data", str(data), "progress", "collect", str(stray), env={"DUTYCLI_LANG": language}
    )
    assert shown.exit_code == 2
    assert ("拒收" if language == "zh" else "refused") in shown.stderr
    assert "Traceback" not in shown.stderr
