"""督办, what was answered (issue 16): deadlines read as dates; `dutycli progress status`,
`report`, `export` and `--with-progress` show exactly what the store holds.

The store is built directly with ``store.record`` (the forms are another helper's): a dataset
of the 2019 table's first goals with deadlines; 发改局 answers (one task complete, one late,
then a second, different version of one answer), 统计局 answers, 工信局 stays silent.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml

from dutycli.progress import deadlines, store

from .conftest import DATASET, run_cli
from .layouts import LAYOUTS

# --- deadlines ----------------------------------------------------------------------------------

# Every form the issue and the brief list, and a few more, with the date each means in 2019.
FORMS = {
    "12月底前": date(2019, 12, 31),
    "2019年底": date(2019, 12, 31),
    "2019年12月": date(2019, 12, 31),
    "9月投入使用": date(2019, 9, 30),
    "上半年": date(2019, 6, 30),
    "下半年": date(2019, 12, 31),
    "年底": date(2019, 12, 31),
    "年底前完成": date(2019, 12, 31),
    "年内": date(2019, 12, 31),
    "一季度": date(2019, 3, 31),
    "第三季度": date(2019, 9, 30),
    "6月30日前": date(2019, 6, 30),
    "2019年6月底": date(2019, 6, 30),
    "二〇一九年": None,  # not understood: shown as written, never overdue
    "十月底": date(2019, 10, 31),
    "９月中旬": date(2019, 9, 20),
    "2019.6.30": date(2019, 6, 30),
    "2020年2月": date(2020, 2, 29),
    "2019-2020年": date(2020, 12, 31),
    "6月底前完成方案，12月底前建成": date(2019, 12, 31),
    "长期坚持": deadlines.ONGOING,
    "持续推进": deadlines.ONGOING,
    "常态化": deadlines.ONGOING,
    "增长6.5%": None,
    "三年内完成": None,
    "": None,
}


@pytest.mark.parametrize("text", list(FORMS))
def test_a_deadline_is_read_as_the_date_it_means(text: str) -> None:
    assert deadlines.parse(text, 2019) == FORMS[text]


def layout_deadlines() -> list[str]:
    return sorted({task.deadline for layout in LAYOUTS for task in layout.tasks if task.deadline})


@pytest.mark.parametrize("text", layout_deadlines())
def test_every_deadline_of_the_real_layouts_is_read(text: str) -> None:
    """大竹县 2016 writes ``2016年8月底前``: the month's last day of the year it names."""
    parsed = deadlines.parse(text, 2030)
    assert isinstance(parsed, date) and parsed.year != 2030
    assert parsed.day in (30, 31) and parsed.month == int(text.split("年")[1].split("月")[0])


# --- the store and the dataset ------------------------------------------------------------------

PERIOD = "2019H1"
# The tasks used, with the deadlines given them: id → deadline.
DEADLINES = {1: "12月底前", 2: "上半年", 3: "一季度", 4: "长期坚持", 5: "9月投入使用", 6: "年底"}


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A dataset of the first six tasks of the 2019 table, with deadlines, and a store."""
    folder = tmp_path_factory.mktemp("progress")
    data = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    data["tasks"] = [dict(task, deadline=DEADLINES[task["id"]]) for task in data["tasks"][:6]]
    data.pop("source", None)
    dataset = folder / "wujin-2019.yaml"
    dataset.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    tasks = {task["id"]: task for task in data["tasks"]}
    path = folder / "wujin-2019.progress.sqlite"
    units = sorted({unit for task in data["tasks"] for unit in task["lead_units"]})

    def answers(unit: str, said: dict[int, tuple[str, str]]) -> list[store.Answer]:
        return [
            store.Answer(
                task_id,
                store.task_hash(tasks[task_id]["task"]),
                progress=text,
                status=status,
                problems="无",
                next_steps="继续推进",
                reporter="张三",
                phone="0519-86300000",
            )
            for task_id, (status, text) in said.items()
        ]

    def form(unit: str, name: str) -> store.Form:
        return store.Form("wujin-2019", PERIOD, unit, name, store.task_hash(name))

    own = {unit: [i for i, t in tasks.items() if unit in t["lead_units"]] for unit in units}
    first, second = units[0], units[1]
    silent = [u for u in units if u not in (first, second)]
    said_first = {own[first][0]: ("已完成", "已完成全年目标")}
    for task_id in own[first][1:]:
        said_first[task_id] = ("推进中", "完成过半")
    late = own[first][-1]
    said_first[late] = ("推进中", "第一版进展")
    store.record(path, form(first, "第一次.xlsx"), answers(first, said_first))
    # A second, different answer: a new version, the one shown.
    again = dict(said_first)
    again[late] = ("滞后", "受拆迁影响进度滞后")
    store.record(path, form(first, "第二次.xlsx"), answers(first, again))
    said_second = {task_id: ("推进中", f"第{task_id}项推进中") for task_id in own[second]}
    store.record(path, form(second, "回收.xlsx"), answers(second, said_second))
    return {
        "folder": folder,
        "dataset": dataset,
        "store": path,
        "tasks": tasks,
        "own": own,
        "first": first,
        "second": second,
        "silent": silent,
        "late": late,
    }


def data(case: dict[str, object]) -> tuple[str, str]:
    return "--data", str(case["dataset"])


def test_status_shows_the_latest_answer_of_each_task_and_unit(case: dict[str, object]) -> None:
    outcome = run_cli(*data(case), "progress", "status", "--period", PERIOD, "-f", "csv")
    assert outcome.exit_code == 0, outcome.stderr
    rows = list(csv.DictReader(io.StringIO(outcome.stdout)))
    tasks, own = case["tasks"], case["own"]
    assert isinstance(tasks, dict) and isinstance(own, dict)
    expected_rows = sum(len(task["lead_units"]) for task in tasks.values())
    assert len(rows) == expected_rows
    by_key = {(row["lead_unit"], int(row["id"])): row for row in rows}
    first, second, late = str(case["first"]), str(case["second"]), int(str(case["late"]))
    assert by_key[(first, own[first][0])]["status"] == "已完成"
    assert by_key[(first, late)]["status"] == "滞后"  # version 2, not the first answer
    assert by_key[(first, late)]["version"] == "2"
    assert by_key[(first, late)]["progress"] == "受拆迁影响进度滞后"
    for task_id in own[second]:
        assert by_key[(second, task_id)]["progress"] == f"第{task_id}项推进中"
    for unit in case["silent"]:  # type: ignore[attr-defined]
        for task_id in own[unit]:
            assert by_key[(unit, task_id)]["status"] == ""
    for row in rows:  # the deadline and the date read from it, side by side
        assert row["deadline"] == DEADLINES[int(row["id"])]
        parsed = deadlines.parse(row["deadline"], 2019)
        assert row["deadline_date"] == deadlines.shown(parsed)
        # overdue: a date before the period's end (2019-06-30), and not 已完成
        late_by_date = isinstance(parsed, date) and parsed < date(2019, 6, 30)
        assert row["overdue"] == str(late_by_date and row["status"] != "已完成").lower()
    # The units that did not report: on stderr, CSV stays one table.
    silent = case["silent"]
    assert isinstance(silent, list) and silent
    assert "未报送单位" in outcome.stderr and all(u in outcome.stderr for u in silent)


def test_status_as_of_a_date_and_for_one_unit(case: dict[str, object]) -> None:
    first = str(case["first"])
    outcome = run_cli(
        *data(case), "progress", "status", "--period", PERIOD, "--as-of", "2019-12-31",
        "--unit", first, "-f", "json",
    )  # fmt: skip
    rows = json.loads(outcome.stdout)
    assert {row["lead_unit"] for row in rows} == {first}
    for row in rows:
        parsed = deadlines.parse(row["deadline"], 2019)
        assert row["overdue"] == (
            isinstance(parsed, date) and parsed < date(2019, 12, 31) and row["status"] != "已完成"
        )


def test_status_silent_lists_the_units_that_did_not_report(case: dict[str, object]) -> None:
    outcome = run_cli(
        *data(case), "progress", "status", "--period", PERIOD, "--silent", "-f", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(outcome.stdout)))
    own = case["own"]
    assert isinstance(own, dict)
    assert [(r["lead_unit"], int(r["tasks"])) for r in rows] == [
        (unit, len(own[unit]))
        for unit in case["silent"]  # type: ignore[attr-defined]
    ]
    # Another period: nobody has reported.
    outcome = run_cli(*data(case), "progress", "status", "--period", "2019Q3", "--silent")
    assert len(list(csv.DictReader(io.StringIO(outcome.stdout)))) == len(own)


def test_export_gives_back_every_version(case: dict[str, object], tmp_path: Path) -> None:
    import polars as pl

    for suffix in (".csv", ".parquet", ".json"):
        out = tmp_path / f"answers{suffix}"
        outcome = run_cli(*data(case), "progress", "export", "-o", str(out))
        assert outcome.exit_code == 0, outcome.stderr
        frame = (
            pl.read_csv(out, infer_schema=False)
            if suffix == ".csv"
            else pl.read_parquet(out)
            if suffix == ".parquet"
            else pl.read_json(out)
        )
        held = store.answers_frame(Path(str(case["store"])))
        assert frame.columns == list(store.ANSWER_COLUMNS)
        assert len(frame) == len(held)
        assert set(frame.get_column("file_name").to_list()) == {
            "第一次.xlsx",
            "第二次.xlsx",
            "回收.xlsx",
        }
    bad = run_cli(*data(case), "progress", "export", "-o", str(tmp_path / "x.txt"))
    assert bad.exit_code == 2 and "\n" not in bad.stderr.strip()


def test_with_progress_adds_the_latest_status(case: dict[str, object]) -> None:
    first, late = str(case["first"]), case["late"]
    outcome = run_cli(*data(case), "by-unit", first, "--with-progress", "-f", "json")
    rows = {row["id"]: row for row in json.loads(outcome.stdout)}
    assert rows[late]["status"] == "滞后" and rows[late]["period"] == PERIOD
    assert rows[late]["progress"] == "受拆迁影响进度滞后"
    listed = run_cli(*data(case), "list", "--with-progress", "--period", "2019Q3", "-f", "json")
    assert {row["status"] for row in json.loads(listed.stdout)} == {""}
    alone = run_cli(*data(case), "list", "--period", PERIOD)
    assert alone.exit_code == 2 and "--with-progress" in alone.stderr


def text_of(path: Path) -> str:
    """Every text a report file shows, in reading order."""
    if path.suffix == ".html":
        return path.read_text(encoding="utf-8")
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path).active
        assert sheet is not None
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    with zipfile.ZipFile(path) as book:
        return book.read("word/document.xml").decode("utf-8")


def test_report_in_every_document(case: dict[str, object], tmp_path: Path) -> None:
    silent = case["silent"]
    assert isinstance(silent, list)
    for suffix in (".docx", ".xlsx", ".html"):
        out = tmp_path / f"汇总{suffix}"
        outcome = run_cli(*data(case), "progress", "report", "--period", PERIOD, "-o", str(out))
        assert outcome.exit_code == 0, outcome.stderr
        text = text_of(out)
        for heading in ("序号", "工作任务", "牵头部门", "主要配合部门", "进展情况", "完成状态"):
            assert heading in text, (suffix, heading)
        assert "受拆迁影响进度滞后" in text and "第一版进展" not in text  # the latest version
        assert "未报送单位" in text and all(unit in text for unit in silent)
        assert (
            "完成状态（按任务×牵头单位计，共 6 项）：推进中 2，已完成 1，滞后 1，未填报 2" in text
        )
        if suffix != ".xlsx":
            assert "主要预期目标" in text  # grouped by goal


def test_report_opens_in_libreoffice(case: dict[str, object], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "汇总.docx"
    run_cli(*data(case), "progress", "report", "--period", PERIOD, "-o", str(out))
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "汇总.pdf").stat().st_size > 1000


def test_a_parquet_dataset_answers_as_its_yaml(case: dict[str, object], tmp_path: Path) -> None:
    """A Parquet dataset's tasks stay lazy (read while written; only the found tasks'
    answers joined): the same CSV as the YAML dataset's, for the same store."""
    parquet = tmp_path / "wujin-2019.parquet"
    done = run_cli(*data(case), "export", "-o", str(parquet))
    assert done.exit_code == 0, done.stderr
    first = str(case["first"])
    for args in (
        ("by-unit", first, "--with-progress"),
        ("list", "--with-progress", "--period", PERIOD),
        ("progress", "status", "--period", PERIOD, "--as-of", "2019-12-31"),
    ):
        store_args = ("--store", str(case["store"]))
        yaml_csv = run_cli(*data(case), *args, *store_args, "-f", "csv")
        parquet_csv = run_cli("--data", str(parquet), *args, *store_args, "-f", "csv")
        assert yaml_csv.exit_code == parquet_csv.exit_code == 0, parquet_csv.stderr
        assert "受拆迁影响进度滞后" in parquet_csv.stdout or args[0] == "list"
        assert parquet_csv.stdout == yaml_csv.stdout and parquet_csv.stderr == yaml_csv.stderr
