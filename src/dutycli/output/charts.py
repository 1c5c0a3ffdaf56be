"""Terminal pictures of the workload: bar charts for ``stats``, a shaded grid for ``matrix``.

Called by ``table`` with a Rich console from ``streams``. Names are data: they go through
``text.safe_text``, never through markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dutycli.output.text import display_width, safe_text

if TYPE_CHECKING:
    import polars as pl

    from dutycli.output.result import Result

# Bars: written in the row (solid) and inherited from a merged cell (light), side by side.
EXPLICIT_BAR = "█"
INHERITED_BAR = "░"
BAR_WIDTH = 40
TOTAL_LABELS = {
    "goals": "目标",
    "tasks": "任务",
    "leaders": "分管领导",
    "units": "牵头单位",
    "tasks_without_leader": "无分管领导的任务",
    "tasks_without_unit": "无牵头单位的任务",
    "tasks_with_several_leaders": "多位分管领导的任务",
    "tasks_with_several_units": "多个牵头单位的任务",
}
SECTION_TITLES = {"leader": "各分管领导的任务数", "unit": "各牵头单位的任务数"}
PLURALS = {"leader": "leaders", "unit": "units"}  # the totals that count each section's names
# How many leaders/units the pictures show unless --top says.
DEFAULT_TOP = {"stats": 15, "matrix": 12}
# Background ramp for matrix cells, light to strong; level 0 (no task) stays unshaded.
SHADES = ("on grey27", "on dark_green", "on green4", "on green3", "on green1")


def picture(console: Any, result: Result) -> None:
    """The terminal view of stats (bar charts) and matrix (shaded grid)."""
    limit = DEFAULT_TOP[result.kind_name] if result.top is None else result.top
    if result.kind_name == "matrix":
        matrix(console, result, limit)
    else:
        stats(console, result.rows, limit)


def stats(console: Any, frame: pl.DataFrame, limit: int | None) -> None:
    """Totals as lines, then one bar chart per section of the first ``limit`` names (0: all)."""
    from rich.text import Text

    totals = frame.filter(frame.get_column("section") == "dataset")
    # The totals on as few lines as fit, a line breaking between two totals, never inside one.
    line = Text()
    for name, count in totals.select("name", "count").iter_rows():
        item = Text(str(count), style="bold").append(f" {TOTAL_LABELS.get(name, name)}")
        if line and line.cell_len + 3 + item.cell_len > console.width:
            console.print(line)
            line = Text()
        if line:
            line.append(" · ")
        line.append_text(item)
    console.print(line)
    # The totals count every leader and unit, also those cut by --top before.
    counted = dict(totals.select("name", "count").iter_rows())
    for section, title in SECTION_TITLES.items():
        rows = frame.filter(frame.get_column("section") == section)
        if limit:
            rows = rows.head(limit)
        hidden = counted.get(PLURALS[section], 0) - len(rows)
        if rows.is_empty():
            continue
        console.print()
        console.print(Text(title, style="bold"))
        names = rows.get_column("name").to_list()
        label_width = max(display_width(n) for n in names)
        peak = max(1, int(rows.get_column("count").max() or 0))  # type: ignore[arg-type]
        scale = min(BAR_WIDTH, max(10, console.width - label_width - 16)) / peak
        for name, count, explicit, inherited in rows.select(
            "name", "count", "explicit", "inherited"
        ).iter_rows():
            text = safe_text(name, keep_newlines=False)
            text.append(" " * (label_width - display_width(name) + 1))
            solid = round(explicit * scale)
            light = max(round(count * scale), solid + (1 if inherited else 0)) - solid
            text.append(EXPLICIT_BAR * solid, style="green")
            text.append(INHERITED_BAR * light, style="cyan")
            text.append(f" {count}", style="bold")
            if inherited:
                text.append(f"（沿用 {inherited}）", style="dim")
            console.print(text)
        if hidden > 0:
            console.print(Text(f"……另有 {hidden} 个未显示（--top 0 显示全部）", style="dim"))
    console.print(
        Text(
            f"{EXPLICIT_BAR} 本行填写  {INHERITED_BAR} 合并单元格沿用上一行（--strict 只计本行填写）",
            style="dim",
        )
    )


# The leader column takes at most this share (1/N) of the width, unless its header needs more.
MATRIX_LEADER_SHARE = 3
TASKS_HEADER = "任务数"


def has_colour(console: Any) -> bool:
    """Whether ``console`` shows colour (a footnote that speaks of shades needs it)."""
    return console.color_system is not None and not console.no_color


def matrix(console: Any, result: Result, limit: int | None) -> None:
    """Leaders down, units across (the first ``limit``, as many as fit), each cell shaded.

    Unit names are whole on one line (a unit that does not fit is left out and counted in
    the footer). The leader column and the last column always show: each leader's tasks,
    a task led by several units counted once (without them, 合计: the row's sum, pairs).
    """
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    from dutycli.output import wrap
    from dutycli.schema import LABELS

    frame = result.rows
    per_leader = result.leader_tasks
    leader_names = [str(v) for v in frame.get_column(frame.columns[0])]
    if per_leader is not None:
        totals, total_header = [per_leader.get(n, 0) for n in leader_names], TASKS_HEADER
    else:
        totals = [sum(v or 0 for v in row[1:]) for row in frame.iter_rows()]
        total_header = "合计"
    header = LABELS.get(frame.columns[0], frame.columns[0])
    leaders = [safe_text(name, keep_newlines=False) for name in leader_names]
    # A very long name wraps in the leader column rather than crowd out every unit.
    leader_width = min(
        max([cell_len(header), *(t.cell_len for t in leaders)]),
        max(cell_len(header), console.width // MATRIX_LEADER_SHARE),
    )
    total_width = max([cell_len(total_header), *(len(str(t)) for t in totals)])
    # Rich's box: a border before every column and after the last, one space padding each side.
    room = console.width - (leader_width + 3) - (total_width + 3) - 1
    shown: list[tuple[str, int]] = []
    wanted = len(frame.columns) - 1 if not limit else min(limit, len(frame.columns) - 1)
    for unit in frame.columns[1 : 1 + wanted]:
        values = [v for v in frame.get_column(unit).to_list() if v]
        # The whole name on one line: a unit's name is never split (发改/局).
        width = max(
            cell_len(safe_text(unit, keep_newlines=False).plain),
            max((len(str(v)) + 2 for v in values), default=1),
        )
        if width + 3 > room:
            break
        room -= width + 3
        shown.append((unit, width))
    # Room left over: shared by the unit columns (or the leader's), so a row is as wide as
    # the terminal.
    if room > 0 and shown:
        share, extra = divmod(room, len(shown))
        shown = [(u, w + share + (i < extra)) for i, (u, w) in enumerate(shown)]
    elif room > 0:
        leader_width += room
    by_width = wanted - len(shown)
    hidden_units = len(frame.columns) - 1 - len(shown)
    units = [unit for unit, _ in shown]
    peak = max((int(frame.get_column(u).max() or 0) for u in units), default=0)  # type: ignore[arg-type]
    table = Table(header_style="bold")
    table.add_column(header, width=leader_width, overflow="fold")
    for unit, width in shown:
        title = wrap.wrap(safe_text(unit, keep_newlines=False), width)
        title.justify = "left"
        table.add_column(title, justify="right", width=width, overflow="fold")
    table.add_column(total_header, justify="right", style="bold", width=total_width, no_wrap=True)
    # No unit fits a terminal this narrow: the rows still show their leader and total.
    rows = frame.select(units).rows() if units else [()] * len(frame)
    for leader, row, total in zip(leaders, rows, totals, strict=True):
        cells = [wrap.wrap(leader, leader_width, names=True)]
        for value in row:
            if not value:
                cells.append(Text("·", style="dim"))
                continue
            level = min(len(SHADES) - 1, (value * len(SHADES) - 1) // max(peak, 1))
            cells.append(Text(f" {value} ", style=f"bold {SHADES[level]}"))
        cells.append(Text(str(total)))
        table.add_row(*cells)
    console.print(table)
    if hidden_units:
        hint = "终端宽度不够；" if by_width else "--top 0 显示全部；"
        console.print(
            Text(
                f"……另有 {hidden_units} 个单位未显示（{hint}-f csv 或 xlsx 得到完整透视表）",
                style="dim",
            )
        )
    footnote = "单元格：该领导分管且该单位牵头的任务数"
    if has_colour(console):
        footnote += "；颜色越深任务越多"
    console.print(Text(footnote, style="dim"))
    if per_leader is not None:
        console.print(Text("任务数：该领导的任务，几个单位牵头的只计一次", style="dim"))
