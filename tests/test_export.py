"""--output files, xlsx workbooks (opened again with openpyxl) and --excel CSV."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from dutycli.output import spreadsheet
from dutycli.schema import LABELS
from dutycli.store import loader, yaml_file

from .conftest import DATASET, dutycli_executable, run_cli, run_process

openpyxl = pytest.importorskip("openpyxl")

FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x")']


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return loader.read_dataset(DATASET).tasks


@pytest.fixture
def formula_data(tmp_path: Path) -> Path:
    """The real dataset with task texts that a spreadsheet would run as formulas."""
    document = yaml.load(DATASET.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for task, text in zip(document["tasks"], FORMULAS, strict=False):
        task["task"] = text
    document["tasks"][0]["lead_units"] = ["=发改局"]
    path = tmp_path / "formulas.yaml"
    path.write_text(yaml_file.dump(document), encoding="utf-8")
    return path


# --- --output ------------------------------------------------------------------------


def test_output_file_holds_what_stdout_would(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = run_cli("by-unit", "发改局", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert f"wrote {target}" in result.stderr
    assert target.read_text(encoding="utf-8") == run_cli("by-unit", "发改局", "-f", "csv").stdout


@pytest.mark.parametrize(
    ("suffix", "fmt"), [(".json", "json"), (".tsv", "tsv"), (".md", "md"), (".jsonl", "jsonl")]
)
def test_output_suffix_chooses_the_format(tmp_path: Path, suffix: str, fmt: str) -> None:
    target = tmp_path / f"units{suffix}"
    assert run_cli("units", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == run_cli("units", "-f", fmt).stdout


def test_output_table_to_a_text_file_and_errors(tmp_path: Path) -> None:
    target = tmp_path / "stats.txt"
    assert run_cli("stats", "-o", str(target)).exit_code == 0
    assert "各分管领导的任务数" in target.read_text(encoding="utf-8")
    bad = run_cli("units", "-o", str(tmp_path))
    assert bad.exit_code == 2 and "directory" in bad.stderr
    missing = run_cli("units", "-o", str(tmp_path / "no" / "such.csv"))
    assert missing.exit_code == 2 and missing.stderr.startswith("dutycli: cannot write")


# --- xlsx ----------------------------------------------------------------------------


def open_sheet(path: Path) -> Any:
    return openpyxl.load_workbook(path).active


def test_xlsx_is_the_tables_own_columns_ready_to_print(
    tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    target = tmp_path / "tasks.xlsx"
    result = run_cli("list", "-o", str(target))
    assert result.exit_code == 0 and "xlsx" in result.stderr
    sheet = open_sheet(target)
    top = spreadsheet.HEADER_ROW
    # Title and what was asked above the header, each merged across the table.
    assert sheet["A1"].value == "《2019年政府工作报告》目标任务责任分解表"
    assert sheet["A2"].value == f"全部任务　共 {len(records)} 条任务"
    assert {str(m) for m in sheet.merged_cells.ranges} >= {"A1:E1", "A2:E2"}
    assert [c.value for c in sheet[top]] == ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"]
    assert sheet.max_row == len(records) + top
    rows = sheet.iter_rows(min_row=top + 1, values_only=True)
    for row, record in zip(rows, records, strict=True):
        assert row[0] == record["goal_no"] and row[2] == record["task"]
        assert (row[3] or "") == "、".join(record["leaders"])
        assert (row[4] or "") == "、".join(record["lead_units"]) + (
            "等" if record["lead_units_open_ended"] else ""
        )
    # Printing: A4 landscape, one page wide, the header row on every page, page numbers.
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == f"${top}:${top}"
    assert "&P" in sheet.oddFooter.center.text
    # On screen: the header frozen and filterable, text wrapped, the task column the widest.
    assert sheet.freeze_panes == f"A{top + 1}"
    assert sheet.auto_filter.ref == f"A{top}:E{len(records) + top}"
    assert sheet[f"C{top + 1}"].alignment.wrap_text
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths["C"] == max(widths.values()) and widths["C"] <= 52


def test_xlsx_all_fields_and_flags_as_yes_no(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    target = tmp_path / "all.xlsx"
    assert run_cli("by-leader", "陆秋明", "--all-fields", "-o", str(target)).exit_code == 0
    sheet = open_sheet(target)
    top = spreadsheet.HEADER_ROW
    assert sheet["A2"].value == "分管领导：陆秋明　共 43 条任务"
    header = [c.value for c in sheet[top]]
    assert header == [LABELS[f] for f in records[0]]  # every field, in the public order
    mine = [r for r in records if "陆秋明" in r["leaders"]]
    flag = header.index("领导沿用上行")
    values = [row[flag] for row in sheet.iter_rows(min_row=top + 1, values_only=True)]
    assert values == ["是" if r["leaders_inherited"] else "否" for r in mine]
    assert "是" in values and "否" in values
    # --fields picks exactly those, flags still 是/否.
    assert run_cli("list", "--fields", "id,leaders_inherited", "-o", str(target)).exit_code == 0
    sheet = open_sheet(target)
    assert [c.value for c in sheet[top]] == ["编号", "领导沿用上行"]
    assert {row[1] for row in sheet.iter_rows(min_row=top + 1, values_only=True)} == {"是", "否"}
    assert run_cli("list", "--fields", "id", "--all-fields", "-o", str(target)).exit_code == 2


def test_xlsx_stores_formula_like_text_as_text(tmp_path: Path, formula_data: Path) -> None:
    target = tmp_path / "f.xlsx"
    assert (
        run_cli(
            "--data", str(formula_data), "list", "--all-fields", "-f", "xlsx", "-o", str(target)
        ).exit_code
        == 0
    )
    sheet = open_sheet(target)
    top = spreadsheet.HEADER_ROW
    for index, text in enumerate(FORMULAS, start=top + 1):
        cell = sheet.cell(row=index, column=4)
        assert cell.data_type == "s"
        # XML reads a bare CR as a line break, as Excel does; with lxml installed (python-docx,
        # the [docx] extra, brings it) openpyxl writes it escaped as &#13; and it stays a CR.
        assert cell.value in (text, text.replace("\r", "\n"))
    assert sheet[f"F{top + 1}"].value == "=发改局" and sheet[f"F{top + 1}"].data_type == "s"


def test_xlsx_matrix_and_metrics(tmp_path: Path) -> None:
    target = tmp_path / "m.xlsx"
    top = spreadsheet.HEADER_ROW
    assert run_cli("matrix", "-o", str(target)).exit_code == 0
    sheet = open_sheet(target)
    pivot = list(csv.reader(io.StringIO(run_cli("matrix", "-f", "csv").stdout)))
    assert [c.value for c in sheet[top]] == ["分管领导", *pivot[0][1:]]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=top + 1)] == [
        [r[0], *map(int, r[1:])] for r in pivot[1:]
    ]
    metrics_file = tmp_path / "metrics.xlsx"
    assert run_cli("metrics", "-o", str(metrics_file)).exit_code == 0
    sheet = open_sheet(metrics_file)
    assert [c.value for c in sheet[top]][:7] == [
        LABELS[k] for k in ("id", "goal_no", "indicator", "verb", "value", "unit", "qualifier")
    ]
    assert sheet[f"C{top + 1}"].value == "地区生产总值" and sheet[f"E{top + 1}"].value == 7


def test_xlsx_to_a_terminal_is_refused() -> None:
    primary, secondary = pty.openpty()
    try:
        completed = subprocess.run(
            [dutycli_executable(), "units", "-f", "xlsx"],
            stdout=secondary,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
            env={k: v for k, v in os.environ.items() if k != "DUTYCLI_DATA"},
        )
    finally:
        os.close(secondary)
        os.close(primary)
    assert completed.returncode == 2
    assert b"--output" in completed.stderr and b"Traceback" not in completed.stderr


def test_xlsx_into_a_pipe_is_a_workbook() -> None:
    completed = subprocess.run(
        [dutycli_executable(), "units", "-f", "xlsx"], capture_output=True, timeout=60, check=False
    )
    assert completed.returncode == 0
    sheet = openpyxl.load_workbook(io.BytesIO(completed.stdout)).active
    assert sheet["A1"].value == "《2019年政府工作报告》目标任务责任分解表"
    assert sheet[f"A{spreadsheet.HEADER_ROW}"].value == "名称"


def test_xlsx_without_openpyxl_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = run_cli("units", "-o", str(tmp_path / "u.xlsx"))
    assert result.exit_code == 2
    assert "dutycli[xlsx]" in result.stderr
    assert not (tmp_path / "u.xlsx").exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


# --- --excel CSV ---------------------------------------------------------------------


def test_excel_csv_is_plain_csv_with_a_bom_when_nothing_needs_defusing() -> None:
    plain = run_process("list", "-f", "csv", "--header", "zh")
    excel = run_process("list", "--excel")  # --excel alone means CSV, with Chinese headers
    assert not plain.stdout.startswith("\ufeff")
    assert excel.stdout == "\ufeff" + plain.stdout
    assert excel.stdout.startswith("\ufeff编号,序号,目标名称,工作标准")


def test_excel_defuses_formulas_and_plain_csv_keeps_them(formula_data: Path) -> None:
    plain = run_cli("--data", str(formula_data), "list", "-f", "csv", "--fields", "task,lead_units")
    rows = list(csv.reader(io.StringIO(plain.stdout, newline="")))
    assert [r[0] for r in rows[1 : len(FORMULAS) + 1]] == FORMULAS
    assert rows[1][1] == "=发改局"
    excel = run_cli("--data", str(formula_data), "list", "--excel", "--fields", "task,lead_units")
    assert excel.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(excel.stdout[1:], newline="")))
    assert [r[0] for r in rows[1 : len(FORMULAS) + 1]] == ["'" + t for t in FORMULAS]
    assert rows[1][1] == "'=发改局"
    # Text that only contains a sign later on is left alone.
    assert rows[len(FORMULAS) + 1][0] == plain_task(formula_data, len(FORMULAS))


def plain_task(path: Path, index: int) -> str:
    text: str = loader.read_dataset(path).tasks[index]["task"]
    return text


def test_excel_applies_to_tsv_and_is_refused_for_json(tmp_path: Path) -> None:
    tsv = run_cli("units", "--excel", "-f", "tsv")
    assert tsv.exit_code == 0 and tsv.stdout.startswith("\ufeff名称\t任务数\t")
    bad = run_cli("units", "--excel", "-f", "json")
    assert bad.exit_code == 2 and "--excel" in bad.stderr and bad.stdout == ""
    target = tmp_path / "u.csv"
    assert run_cli("units", "--excel", "-o", str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_output_dash_is_stdout_and_no_rows_still_writes_the_header(tmp_path: Path) -> None:
    assert run_cli("units", "-o", "-").stdout == run_cli("units", "-f", "csv").stdout
    target = tmp_path / "none.csv"
    result = run_cli("search", "没有这个词", "-o", str(target))
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8").startswith("id,goal_no,goal,task,")
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1
