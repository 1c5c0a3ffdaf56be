"""督办 from end to end, as a supervision office runs a quarter: forms for every lead unit of
the 2019 table, filled as units would (complete, behind its deadline, a bad status, one unit
silent), collected; then status and the report show exactly what was filled, the silent unit
and the overdue task, and the report reads right in a real browser where one is installed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from dutycli.progress.forms import COLUMNS, FILL_COLUMNS
from dutycli.store import yaml_file

from .conftest import DATASET, run_cli

FIRST_ROW = 4
FILL_START = len(COLUMNS) - len(FILL_COLUMNS) + 1
DEADLINE = "2月底前"  # 2019-02-28: before the end of 2019Q1


def form_ids(path: Path) -> list[int]:
    sheet = load_workbook(path, read_only=True).worksheets[0]
    return [r[0] for r in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]]  # type: ignore[misc]


def fill(path: Path, answers: dict[int, tuple[str, str]]) -> None:
    """Write each task's progress and status into its row, as a unit's clerk would."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    for row in range(FIRST_ROW, sheet.max_row + 1):
        task_id = sheet.cell(row, 1).value
        if isinstance(task_id, int) and task_id in answers:
            progress, status = answers[task_id]
            sheet.cell(row, FILL_START).value = progress
            sheet.cell(row, FILL_START + 1).value = status
    book.save(path)


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("quarter")
    document = yaml.load(DATASET.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    tasks = {task["id"]: task for task in document["tasks"]}
    led = {
        unit: [i for i, task in tasks.items() if task["lead_units"] == [unit]]
        for unit in ("发改局", "工信局", "商务局", "统计局")
    }
    # Two tasks due by the end of the quarter: one done, one not.
    done_by_deadline, behind = led["发改局"][0], led["工信局"][0]
    for task_id in (done_by_deadline, behind):
        tasks[task_id]["deadline"] = DEADLINE
    data = folder / "wujin-2019.yaml"
    data.write_text(yaml_file.dump(document), encoding="utf-8")
    forms = folder / "回收表"
    made = run_cli("--data", str(data), "progress", "forms", "--period", "2019Q1", "-o", str(forms))
    assert made.exit_code == 0, made.stderr
    filled: dict[tuple[str, int], tuple[str, str]] = {}
    returned = []
    for unit, status in (("发改局", "已完成"), ("工信局", "推进中"), ("商务局", "滞后")):
        path = forms / f"{unit}-2019Q1.xlsx"
        answers = {i: (f"{unit}第{i}项：已开展调研", status) for i in form_ids(path)}
        if unit == "商务局":  # one answer with a status the drop-down does not have
            bad = next(iter(answers))
            answers[bad] = ("没有按下拉选", "差不多了")
        if unit == "工信局":  # a progress typed as a formula, saved with no value shown
            formula = list(answers)[1]
            answers[formula] = ("=1+1", status)
        fill(path, answers)
        filled |= {(unit, i): said for i, said in answers.items() if said[1] != "差不多了"}
        returned.append(str(path))
    # 统计局 never sends its form back.
    collected = run_cli("--data", str(data), "progress", "collect", *returned)
    assert collected.exit_code == 2  # one row not recorded: said, the rest kept
    assert "'差不多了' is not one of" in collected.stderr
    return {
        "data": str(data),
        "folder": folder,
        "filled": filled,
        "bad": ("商务局", bad),
        "done_by_deadline": done_by_deadline,
        "behind": behind,
        "silent": "统计局",
        "forms": forms,
    }


def status_rows(quarter: dict[str, Any], *more: str) -> list[dict[str, Any]]:
    shown = run_cli(
        "--data", quarter["data"], "progress", "status", "--period", "2019Q1", "-f", "json", *more
    )
    assert shown.exit_code == 0, shown.stderr
    rows: list[dict[str, Any]] = json.loads(shown.stdout)
    return rows


def test_status_shows_exactly_what_units_filled(quarter: dict[str, Any]) -> None:
    rows = {(r["lead_unit"], r["id"]): r for r in status_rows(quarter)}
    for key, (progress, status) in quarter["filled"].items():
        assert (rows[key]["progress"], rows[key]["status"]) == (progress, status), key
    # Nothing else was recorded: the bad row and every unit that did not answer are empty.
    answered = {key for key, row in rows.items() if row["status"] or row["progress"]}
    assert answered == set(quarter["filled"])
    assert quarter["bad"] in rows and rows[quarter["bad"]]["status"] == ""


def test_status_shows_the_overdue_task_and_its_deadline_as_a_date(
    quarter: dict[str, Any],
) -> None:
    rows = {r["id"]: r for r in status_rows(quarter)}
    behind, done = rows[quarter["behind"]], rows[quarter["done_by_deadline"]]
    assert (behind["deadline"], behind["deadline_date"]) == (DEADLINE, "2019-02-28")
    assert behind["overdue"] is True and behind["status"] == "推进中"
    assert done["overdue"] is False and done["status"] == "已完成"  # done by its deadline
    assert [r["id"] for r in rows.values() if r["overdue"]] == [quarter["behind"]]


def test_the_silent_unit_is_named(quarter: dict[str, Any]) -> None:
    silent = run_cli(
        "--data", quarter["data"], "progress", "status", "--period", "2019Q1", "--silent"
    )
    units = [line.split(",")[0] for line in silent.stdout.splitlines()[1:]]
    assert quarter["silent"] in units
    assert not {"发改局", "工信局", "商务局"} & set(units)


def test_the_report_holds_every_answer_and_the_silent_units(
    quarter: dict[str, Any], tmp_path: Path
) -> None:
    page = tmp_path / "汇总.html"
    made = run_cli(
        "--data", quarter["data"], "progress", "report", "--period", "2019Q1", "-o", str(page)
    )
    assert made.exit_code == 0, made.stderr
    text = page.read_text(encoding="utf-8")
    for progress, _ in quarter["filled"].values():
        assert progress in text
    assert quarter["silent"] in text and "没有按下拉选" not in text
    from . import test_browser

    if test_browser.CHROME is None:
        pytest.skip("no Chromium or Chrome installed")
    shown = test_browser.chrome(tmp_path, "--dump-dom", url=page.as_uri())
    assert quarter["silent"] in shown
    assert next(iter(quarter["filled"].values()))[0] in shown
    shutil.copy(page, quarter["folder"] / page.name)


def test_a_store_that_is_not_there_is_an_error_not_an_empty_quarter(
    quarter: dict[str, Any], tmp_path: Path
) -> None:
    """A mistyped --store must not read as "no unit has reported"."""
    missing = str(tmp_path / "mistyped.sqlite")
    for command in (
        ("progress", "status", "--period", "2019Q1", "--store", missing),
        ("progress", "report", "--period", "2019Q1", "--store", missing, "-f", "csv"),
        ("progress", "export", "-o", str(tmp_path / "e.csv"), "--store", missing),
        ("by-unit", "发改局", "--with-progress", "--store", missing),
    ):
        outcome = run_cli("--data", quarter["data"], *command)
        assert outcome.exit_code == 2, command
        assert "no progress store yet" in outcome.stderr, command
    assert not (tmp_path / "mistyped.sqlite").exists()


def test_the_reports_counts_say_what_they_count(quarter: dict[str, Any]) -> None:
    report = run_cli(
        "--data", quarter["data"], "progress", "report", "--period", "2019Q1", "-f", "csv"
    )
    assert report.exit_code == 0, report.stderr
    tasks = yaml.safe_load(DATASET.read_text(encoding="utf-8"))["tasks"]
    rows = sum(max(1, len(task["lead_units"])) for task in tasks)
    assert f"完成状态（按任务×牵头单位计，共 {rows} 项）" in report.stderr
    # A leader's count is of tasks: as many as by-leader lists.
    mine = sum(1 for task in tasks if "陆秋明" in task["leaders"])
    assert f"陆秋明：{mine} 条任务；" in report.stderr


def test_the_status_table_leaves_out_what_no_unit_wrote(quarter: dict[str, Any]) -> None:
    from dutycli.output import streams

    streams.use(streams.Streams(terminal=True, width=120, colour=False))
    shown = run_cli(
        "--data", quarter["data"], "progress", "status", "--period", "2019Q1", "--unit", "发改局"
    ).stdout
    header = "".join(line for line in shown.splitlines()[:4])
    assert "进展" in header and "状态" in header  # (a header may break between its words)
    # Nobody wrote 存在问题 or a phone number: their room goes to what was written.
    assert "存在" not in header and "联系" not in header
