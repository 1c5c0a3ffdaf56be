"""How the terminal table reads at 80, 100 and 140 columns: line breaks, widths, counts.

Tables are rendered at a fixed width (``COLUMNS`` with ``-f table``, and once in a real
pseudo-terminal), parsed back into cells, and checked against the dataset itself.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from dutycli.output import wrap
from dutycli.store import loader, yaml_file

from .conftest import DATASET, run_cli, run_in_terminal
from .test_datasets import build_2020

WIDTHS = (80, 100, 140)
# Never at the start of a line (避头尾).
CLOSING = "，。、；：？！”’）》"
RUN = re.compile(r"[0-9A-Za-z.%]+")
BORDERS = "│┃┐┘┤┓┛┫┩"


@pytest.fixture(scope="module")
def records() -> dict[int, dict[str, Any]]:
    return {task["id"]: task for task in loader.read_dataset(DATASET).tasks}


def table(*args: str, width: int) -> str:
    outcome = run_cli(*args, "-f", "table", env={"COLUMNS": str(width)})
    assert outcome.exit_code == 0, outcome
    return outcome.stdout


def split_line(line: str) -> list[str]:
    # Cells between the borders, without Rich's one space of padding on each side.
    return [cell[1:].rstrip() for cell in re.split("[│┃]", line)[1:-1]]


def parse(
    text: str, lines_are_rows: bool = False
) -> tuple[list[str], list[list[list[str]]], list[int]]:
    """Headers, rows (each a list of cells, each cell its lines), and the column widths."""
    header_lines: list[list[str]] = []
    rows: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    widths: list[int] = []
    for line in text.splitlines():
        if line.startswith("┏"):
            widths = [len(part) - 2 for part in re.split("[┳]", line[1:-1])]
        if line.startswith("┃") and not rows:  # the first table's (groups repeat it)
            header_lines.append(split_line(line))
        elif line.startswith("┃"):
            continue
        elif line.startswith("│"):
            if current is None or lines_are_rows:
                current = []
                rows.append(current)
            current.append(split_line(line))
        elif line.startswith(("├", "└", "┡")):
            current = None
    headers = [
        "".join(part.strip() for part in column) for column in zip(*header_lines, strict=True)
    ]
    cells = [[list(column) for column in zip(*row, strict=True)] for row in rows]
    return headers, cells, widths


def assert_fits(text: str, width: int) -> None:
    """No line wider than the terminal, and every table line ends in its right border."""
    for line in text.splitlines():
        assert cell_len(line) <= width, line
        if line and line[0] in "┏┃┡│├└":
            assert line[-1] in BORDERS + "┓┩┤┘", line


TASK_TABLES = [["by-unit", "发改局"], ["by-unit", "商务局"], ["search", "石墨烯"], ["list"]]


@pytest.mark.parametrize("width", WIDTHS)
def test_task_text_breaks_by_chinese_rules(width: int, records: dict[int, dict[str, Any]]) -> None:
    runs_checked = 0
    for command in TASK_TABLES:
        text = table(*command, width=width)
        assert_fits(text, width)
        headers, rows, widths = parse(text)
        task_at = headers.index("工作标准")
        for row in rows:
            task = records[int(row[0][0])]["task"]
            lines = [line.strip() for line in row[task_at]]
            assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", task)  # all there
            for line in lines[1:]:
                assert not line or line[0] not in CLOSING, (lines, line)
            for run in RUN.findall(task):
                if cell_len(run) <= widths[task_at]:
                    assert any(run in line for line in lines), (run, lines)
                    runs_checked += len(run) > 1
    assert runs_checked > 20  # 500强, 8.5%, GDP, PM2.5 … were on the page


@pytest.mark.parametrize("width", WIDTHS)
def test_name_columns_break_between_names_only(
    width: int, records: dict[int, dict[str, Any]]
) -> None:
    several = 0
    for command in [*TASK_TABLES, ["by-leader", "陆秋明"]]:
        headers, rows, widths = parse(table(*command, width=width))
        for field, header in (("leaders", "分管领导"), ("lead_units", "牵头单位")):
            at = headers.index(header)
            widest = max(
                (cell_len(name) for row in rows for name in records[int(row[0][0])][field]),
                default=0,
            )
            assert widths[at] >= min(widest, 18)  # as wide as the widest name
            for row in rows:
                names = records[int(row[0][0])][field]
                lines = [line.strip() for line in row[at] if line.strip()]
                several += len(lines) > 1
                for line in lines[:-1]:
                    assert line.endswith("、"), (lines, names)
                shown = "".join(lines).removesuffix("↑").strip().removesuffix("等")
                assert shown.split("、") == (names or [""]), (lines, names)
    assert several  # some cells did need more than one line


def test_columns_share_the_width_sensibly() -> None:
    for width in WIDTHS:
        headers, _, widths = parse(table("by-unit", "发改局", width=width))
        task = widths[headers.index("工作标准")]
        # The task text gets the room left over; the name columns never more than they need.
        assert task >= 16
        assert sum(widths) + 3 * len(widths) + 1 <= width
        if width >= 100:
            assert task > max(widths[headers.index("分管领导")], widths[headers.index("牵头单位")])


def test_wrapping_keeps_highlights_markers_and_escapes() -> None:
    from rich.text import Text

    text = Text("服务业增加值占GDP比重提高0.5个百分点，")
    text.highlight_regex("GDP", style="bold reverse")
    text.append(" ↑", style="cyan")
    wrapped = wrap.wrap(text, 10)
    assert wrapped.plain.replace("\n", "") == text.plain.replace(" ", "")  # a space at a break
    lines = wrapped.plain.split("\n")
    assert all(cell_len(line) <= 10 for line in lines)
    assert "0.5" in wrapped.plain and not any(line.startswith("，") for line in lines)
    spans = {wrapped.plain[s.start : s.end]: str(s.style) for s in wrapped.spans}
    assert spans["GDP"] == "bold reverse" and spans["↑"] == "cyan"


@pytest.mark.parametrize(
    ("text", "width", "names", "expected"),
    [
        ("寻求与世界500强企业合作", 12, False, ["寻求与世界", "500强企业合", "作"]),
        ("增长8.5%左右", 10, False, ["增长", "8.5%左右"]),
        ("增长8.5%左右", 6, False, ["增长", "8.5%左", "右"]),  # too wide: the number whole
        ("PM2.5平均浓度", 8, False, ["PM2.5平", "均浓度"]),
        ("甲乙丙\\x1b[31m", 8, False, ["甲乙丙", "\\x1b[31m"]),  # an escape stays whole
        ("数据集wujin-2019", 12, False, ["数据集", "wujin-2019"]),
        ("一二三四，五六", 8, False, ["一二三", "四，五六"]),
        ("建设“桥头堡”和示范区", 10, False, ["建设“桥头", "堡”和示范", "区"]),
        ("文体广电和旅游局、卫生健康局等", 18, True, ["文体广电和旅游局、", "卫生健康局等"]),
        ("发改局、地方金融监督管理局", 10, True, ["发改局、", "地方金融监", "督管理局"]),
        (
            "发改局、地方金融监督管理局、工信局",
            10,
            True,
            ["发改局、", "地方金融监", "督管理局、", "工信局"],
        ),
    ],
)
def test_break_lines(text: str, width: int, names: bool, expected: list[str]) -> None:
    assert wrap.break_lines(text, width, names) == expected


# --- matrix ---------------------------------------------------------------------------


def pivot() -> list[list[str]]:
    return list(csv.reader(io.StringIO(run_cli("matrix", "-f", "csv").stdout)))


def test_a_very_long_text_wraps_in_linear_time() -> None:
    # 400,000 characters wrap in a fraction of a second; taking each piece off the front of a
    # list (the old way) made it quadratic: a megabyte task took most of a minute to show.
    text = "很长的任务文本，8.5%左右；" * 25_000
    lines = wrap.break_lines(text, 40)
    assert "".join(lines) == text
    assert max(cell_len(line) for line in lines) <= 40
    assert len(lines) >= cell_len(text) // 40


@pytest.mark.parametrize("width", WIDTHS)
def test_matrix_shows_the_units_that_fit_and_counts_the_rest(
    width: int, records: dict[int, dict[str, Any]]
) -> None:
    full = pivot()
    text = table("matrix", width=width)
    assert_fits(text, width)
    headers, rows, _ = parse(text, lines_are_rows=True)
    assert headers[0] == "分管领导" and headers[-1] == "任务数"
    units = headers[1:-1]
    assert units == full[0][1 : 1 + len(units)]  # the busiest units, in order
    assert 5 <= len(units) <= 12
    hidden = len(full[0]) - 1 - len(units)
    footer = re.search(r"另有 (\d+) 个单位未显示", text)
    assert footer and int(footer.group(1)) == hidden
    for row, cells in zip(full[1:], rows, strict=True):
        values = [cell[0].strip() for cell in cells]
        assert values[0] == row[0]
        assert values[1:-1] == [v if v != "0" else "·" for v in row[1 : 1 + len(units)]]
        # 任务数 counts the leader's tasks, a task led by two units once: not the row's sum.
        tasks = sum(1 for t in records.values() if row[0] in t["leaders"] and t["lead_units"])
        assert int(values[-1]) == tasks
    assert "任务数：该领导的任务，几个单位牵头的只计一次" in text
    header_lines = sum(1 for line in text.splitlines() if line.startswith("┃"))
    assert header_lines == 1  # every unit's name whole on one line: 发改局, never 发改/局
    assert {cell_len(line) for line in text.splitlines() if line[0] in "┏┃│└"} == {width}


def test_matrix_in_a_real_80_column_terminal_is_not_cropped() -> None:
    code, screen = run_in_terminal("--data", str(DATASET), "matrix", columns=80)
    assert code == 0
    screen = re.sub(r"\x1b\[[0-9;]*m", "", screen)
    screen = screen.replace("\r\n", "\n")
    assert_fits(screen, 80)
    assert "任务数" in screen and "另有" in screen
    assert "颜色越深任务越多" in screen  # a terminal has colour: the footnote may speak of it


# --- diff, metrics, --explode ----------------------------------------------------------


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("layout")
    source = loader.read_dataset(DATASET)
    new, _ = build_2020(source.tasks)
    after = folder / "wujin-2020.yaml"
    after.write_text(
        yaml_file.dump({**source.meta, "goals": source.goals, "tasks": new}), encoding="utf-8"
    )
    return DATASET, after


def test_diff_table_gives_the_texts_room_and_speaks_chinese(two_years: tuple[Path, Path]) -> None:
    before, after = (str(p) for p in two_years)
    machine = [
        row["change"]
        for row in csv.DictReader(io.StringIO(run_cli("diff", before, after, "-f", "csv").stdout))
    ]
    assert set(machine) == {"added", "removed", "changed"}  # CSV keeps the machine values
    assert '"change": "added"' in run_cli("diff", before, after, "-f", "json").stdout.replace(
        '"change":"', '"change": "'
    )
    text = table("diff", before, after, width=140)
    assert_fits(text, 140)
    headers, rows, widths = parse(text)
    labels = {"added": "新增", "removed": "删除", "changed": "变更"}
    assert [row[0][0].strip() for row in rows] == [labels[c] for c in machine]
    # Two texts side by side would get 19 cells each: the pairs are stacked, old over → new,
    # and the goal is a heading, so the text gets the room.
    assert widths[headers.index("工作标准")] >= 60
    assert "1　主要预期目标（3 处变化）" in text
    changed = rows[[row[0][0].strip() for row in rows].index("变更")]
    leaders = [line.strip() for line in changed[headers.index("分管领导")] if line.strip()]
    assert leaders == ["陆秋明 →", "徐治国"]


def test_metrics_table_shows_whole_numbers_plainly() -> None:
    flat = list(csv.DictReader(io.StringIO(run_cli("metrics", "-f", "csv").stdout)))
    assert "7.0" in {row["value"] for row in flat}  # flat formats keep their form
    headers, rows, _ = parse(table("metrics", width=140))
    at = headers.index("数值")
    shown = [row[at][0].strip() for row in rows]
    expected = [v.removesuffix(".0") for v in (row["value"] for row in flat)]
    assert shown == expected


def test_explode_counts_rows_and_tasks() -> None:
    flat = list(
        csv.DictReader(io.StringIO(run_cli("by-target", "1", "--explode", "-f", "csv").stdout))
    )
    tasks = len({row["id"] for row in flat})
    assert len(flat) > tasks
    text = table("by-target", "1", "--explode", width=100)
    assert f"共 {len(flat)} 行（{tasks} 条任务）" in text
    assert "领导沿用上行" not in text  # the flags are ↑ markers, not columns
    assert "↑" in text
    plain = table("by-target", "1", width=100)
    assert f"共 {tasks} 条任务" in plain


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_totals_break_between_totals(width: int) -> None:
    text = table("stats", width=width)
    assert_fits(text, width)
    totals = text.split("\n\n")[0].splitlines()
    assert len(totals) == (2 if width < 140 else 1)
    for line in totals:
        assert re.fullmatch(r"\d+ \S+( · \d+ \S+)*", line), line


@pytest.mark.parametrize("width", (40, 80))
def test_narrow_tables_of_hostile_data_stay_safe(tmp_path: Path, width: int) -> None:
    from . import test_terminal_safety as safety

    tasks = [safety.hostile_task(n) for n in (1, 2)]
    tasks[1]["goal"] = tasks[0]["goal"]
    path = tmp_path / "hostile.yaml"
    document = {"dutycli_dataset": 1, "goals": [{"number": 1, "name": tasks[0]["goal"]}]}
    path.write_text(yaml_file.dump({**document, "tasks": tasks}), encoding="utf-8")
    for command in (["list"], ["show", "1"], ["units"], ["matrix"], ["metrics"]):
        outcome = run_cli(*safety.table_args(path, command), env={"COLUMNS": str(width)})
        safety.assert_nothing_raw(outcome)  # however narrow, escapes are never cut raw
        assert_fits(outcome.stdout, width)
