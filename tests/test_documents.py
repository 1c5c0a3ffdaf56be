"""Documents a clerk hands on: what -o refuses, the titled .txt, --group-by, --width,
--all-fields (Word, the web page and PDF have files of their own)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dutycli.schema import LABELS, SUFFIX_FORMATS

from .conftest import DATASET, run_cli

TITLE = "《2019年政府工作报告》目标任务责任分解表"


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = yaml.safe_load(DATASET.read_text(encoding="utf-8"))["tasks"]
    return tasks


def of_leader(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in records if name in r["leaders"]]


# --- what -o writes, and what it refuses ------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "hint"),
    [
        (".doc", ".docx opens in Word"),
        (".xls", ".xlsx opens in Excel"),
        (".wps", ".docx opens in WPS"),
        (".odt", ".docx opens in LibreOffice"),
        (".foo", "dutycli does not write .foo files"),
        (".DOCX.bak", "dutycli does not write .bak files"),
    ],
)
def test_an_unknown_suffix_is_refused_never_csv_under_its_name(
    tmp_path: Path, suffix: str, hint: str
) -> None:
    target = tmp_path / f"陆秋明{suffix}"
    outcome = run_cli("by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    [line] = outcome.stderr.splitlines()
    assert hint in line and "--format" in line
    if "does not write" in line:
        assert all(s in line for s in SUFFIX_FORMATS)  # the formats it does write
    assert not target.exists()


def test_format_overrides_the_suffix_and_a_bare_name_is_csv(tmp_path: Path) -> None:
    target = tmp_path / "陆秋明.doc"
    assert run_cli("by-leader", "陆秋明", "-f", "md", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("| id | goal_no |")
    bare = tmp_path / "陆秋明"
    assert run_cli("by-leader", "陆秋明", "-o", str(bare)).exit_code == 0
    assert bare.read_text(encoding="utf-8").startswith("id,goal_no,goal,task")


def test_a_name_that_is_only_a_suffix_is_that_format(tmp_path: Path) -> None:
    """``-o .docx`` (Python sees a hidden file without a suffix) is Word, never CSV in it;
    ``-o .doc`` is refused like ``x.doc``; a hidden file of another name is CSV, as bare."""
    target = tmp_path / ".docx"
    outcome = run_cli("by-leader", "陆秋明", "-o", str(target))
    assert outcome.exit_code == 0, outcome.stderr
    assert "docx)" in outcome.stderr and target.read_bytes().startswith(b"PK")
    old = tmp_path / ".doc"
    outcome = run_cli("by-leader", "陆秋明", "-o", str(old))
    assert outcome.exit_code == 2 and ".docx opens in Word" in outcome.stderr
    assert not old.exists()
    hidden = tmp_path / ".tasks"
    assert run_cli("by-leader", "陆秋明", "-o", str(hidden)).exit_code == 0
    assert hidden.read_text(encoding="utf-8").startswith("id,goal_no,goal,task")


def test_binary_documents_are_refused_on_a_terminal() -> None:
    from dutycli.output import streams

    streams.use(streams.Streams(terminal=True, width=100))
    try:
        for fmt in ("docx", "pdf", "xlsx"):
            outcome = run_cli("by-leader", "陆秋明", "-f", fmt)
            assert outcome.exit_code == 2
            assert f"--output FILE.{fmt}" in outcome.stderr
    finally:
        streams.use(None)


# --- the .txt document ------------------------------------------------------------------


def test_txt_starts_with_its_title_and_fits_its_width(
    tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    target = tmp_path / "陆秋明.txt"
    assert run_cli("by-leader", "陆秋明", "-o", str(target)).exit_code == 0
    from rich.cells import cell_len

    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].strip() == TITLE and lines[1].strip() == "分管领导：陆秋明"
    assert max(cell_len(line) for line in lines) == 100  # the default width, used
    header = next(line for line in lines if "工作标准" in line)
    assert [c.strip() for c in header.strip("┃").split("┃")] == [
        LABELS[f] for f in ("goal_no", "goal", "task", "leaders", "lead_units")
    ]
    # The count, then what ↑ means: the marks follow the data, shown columns or not.
    assert lines[-2:] == [
        "共 43 条任务",
        "↑ 合并单元格：沿用同一目标内上一行的值（--strict 只看本行填写的值）",
    ]
    # Every task is there (its text, wrapped, read back from the task column).
    text = "".join(line.split("│")[3].strip() for line in lines if line.startswith("│"))
    for record in of_leader(records, "陆秋明"):
        assert record["task"].replace("\n", "") in text
    assert run_cli("by-leader", "陆秋明", "--width", "60", "-o", str(target)).exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert max(cell_len(line) for line in lines) == 60


def test_width_is_for_tables_only() -> None:
    outcome = run_cli("by-leader", "陆秋明", "--width", "60", "-f", "csv")
    assert outcome.exit_code == 2 and "--width applies to a table" in outcome.stderr
    assert run_cli("units", "--width", "10", "-f", "table").exit_code == 2  # below 40


def test_all_fields_and_fields_are_one_choice() -> None:
    outcome = run_cli("list", "--all-fields", "--fields", "id")
    assert outcome.exit_code == 2 and "give one of them" in outcome.stderr


# --- --group-by ---------------------------------------------------------------------------


def groups_of(text: str) -> list[tuple[str, int]]:
    """The group headings of a table or Markdown, with their counts."""
    return [
        (m.group(1), int(m.group(2)))
        for m in re.finditer(r"^(?:## )?(\S.*?)（(\d+) 条任务）$", text, re.MULTILINE)
    ]


def test_group_by_goal_heads_each_goal_once(records: list[dict[str, Any]]) -> None:
    outcome = run_cli("by-leader", "陆秋明", "--group-by", "goal", "-f", "table")
    assert outcome.exit_code == 0
    mine = of_leader(records, "陆秋明")
    expected: dict[str, int] = {}
    for record in mine:
        heading = f"{record['goal_no']}　{record['goal']}"
        expected[heading] = expected.get(heading, 0) + 1
    assert groups_of(outcome.stdout) == list(expected.items())
    # The goal is said in its heading, not in a column on every row.
    assert "目标名称" not in outcome.stdout and "┃ 序号" not in outcome.stdout
    assert "\n共 43 条任务\n" in outcome.stdout


def test_group_by_leader_puts_a_shared_task_under_each_leader(
    records: list[dict[str, Any]],
) -> None:
    outcome = run_cli("by-unit", "发改局", "--group-by", "leader", "-f", "md")
    assert outcome.exit_code == 0
    mine = [r for r in records if "发改局" in r["lead_units"]]
    counts: dict[str, int] = {}
    for record in mine:
        for name in record["leaders"]:
            counts[f"分管领导：{name}"] = counts.get(f"分管领导：{name}", 0) + 1
    unled = sum(1 for record in mine if not record["leaders"])
    if unled:  # last, under a heading of its own
        counts["（未列分管领导）"] = unled
    assert groups_of(outcome.stdout) == list(counts.items())
    assert sum(counts.values()) > len(mine)  # some tasks have two leaders: in both groups
    # Markdown of the table's own columns under each heading.
    assert "| 序号 | 目标名称 | 工作标准 | 分管领导 | 牵头单位 |" in outcome.stdout


def test_group_by_unit_and_tasks_without_one(tmp_path: Path) -> None:
    data = tmp_path / "t.yaml"
    document = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    document["tasks"] = document["tasks"][:6]
    document["tasks"][2]["lead_units"] = []
    document["tasks"][2]["lead_units_inherited"] = False
    data.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    outcome = run_cli("--data", str(data), "list", "--group-by", "unit", "-f", "md")
    assert outcome.exit_code == 0, outcome.stderr
    headings = groups_of(outcome.stdout)
    assert headings[-1] == ("（未列牵头单位）", 1)
    assert sum(count for _, count in headings) >= 6


def test_group_by_into_a_pipe_is_a_table_and_refused_where_it_cannot_show() -> None:
    piped = run_cli("by-leader", "陆秋明", "--group-by", "goal")
    assert piped.exit_code == 0 and "（5 条任务）" in piped.stdout and "┃" in piped.stdout
    for options, message in (
        (("-f", "csv"), "--group-by applies to"),
        (("-f", "json"), "--group-by applies to"),
        (("--explode",), "--explode"),
    ):
        outcome = run_cli("by-leader", "陆秋明", "--group-by", "goal", *options)
        assert outcome.exit_code == 2 and message in outcome.stderr, options
    # Commands that list names or counts have no --group-by at all.
    assert run_cli("units", "--group-by", "goal").exit_code == 2


def test_group_heading_is_data_not_markup(tmp_path: Path) -> None:
    data = tmp_path / "t.yaml"
    document = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    document["tasks"] = document["tasks"][:3]
    for task in document["tasks"]:
        task["goal"] = "[bold]目标[/bold]\x1b[31m"
    data.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    outcome = run_cli("--data", str(data), "list", "--group-by", "goal", "-f", "table")
    assert outcome.exit_code == 0
    assert "[bold]目标[/bold]\\x1b[31m" in outcome.stdout and "\x1b" not in outcome.stdout
    md = run_cli("--data", str(data), "list", "--group-by", "goal", "-f", "md").stdout
    assert "## 1　\\[bold\\]目标\\[/bold\\]\\x1b\\[31m（3 条任务）" in md


def test_stats_as_a_document_speaks_chinese_as_its_terminal_view() -> None:
    """stats -o FILE.html/.docx: 总计 / 无分管领导的任务 / 分管领导, never the machine keys
    (dataset, tasks_without_leader, leader) that CSV and JSON keep."""
    from dutycli.output.document import STATS_SECTIONS

    page = run_cli("stats", "-f", "html").stdout
    assert '<td class="k-text c-section" data-label="类别">总计</td>' in page
    assert (
        ">无分管领导的任务</td>" in page and ">分管领导</td>" in page and ">牵头单位</td>" in page
    )
    assert not any(
        f">{key}</td>" in page for key in (*STATS_SECTIONS, "tasks_without_leader", "goals")
    )
    assert run_cli("stats", "-f", "csv").stdout.splitlines()[1] == "dataset,goals,22,,"


def test_a_goal_with_its_own_number_is_not_numbered_twice() -> None:
    from dutycli.output.document import goal_heading

    assert goal_heading({"goal_no": 1, "goal": "一、经济发展（11项）"}) == "一、经济发展（11项）"
    assert goal_heading({"goal_no": 3, "goal": "（三）民生"}) == "（三）民生"
    assert goal_heading({"goal_no": 4, "goal": "优化营商环境"}) == "4　优化营商环境"
    assert goal_heading({"goal_no": 2, "goal": "2019年目标"}) == "2　2019年目标"
