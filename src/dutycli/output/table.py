"""The terminal table: Chinese headers, columns fitted to the width, names and text wrapped
where a reader expects, inherited values marked, matches emphasized."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dutycli.output.document import CHANGE_LABELS, EXPLODED_NAMES
from dutycli.output.text import INHERITED_MARK, cell_text, has_value, names_text, safe_text
from dutycli.schema import (
    INHERITABLE_COLUMNS,
    NAME_COLUMNS,
    NAME_JOINER,
    OPTIONAL_COLUMNS,
    SPARSE_FIELDS,
    label,
)

if TYPE_CHECKING:
    import polars as pl
    from rich.text import Text

    from dutycli.output import layout
    from dutycli.output.result import Result

# Text whose line breaks are layout; in every other column (names, datasets, paths) a line
# break is escaped, so one value never reads as two.
MULTILINE_COLUMNS = {"task", "goal", "old_task", "new_task", "phrase", "title", "label"}
# Columns of `progress status` shown in the terminal only where some row has a value.
PROGRESS_OPTIONAL = (
    *("deadline", "deadline_date", "problems", "next_steps", "reporter", "phone", "version"),
)
# Columns left out of the terminal table unless asked for (they are in every flat format).
TABLE_HIDDEN = {"source_line"}
# Columns a table may lack (大竹's has no goal names, 常熟's no leaders): where every row of a
# result has none, the column is left out and the count line says so, so its width goes to
# the task text without hiding that no row has one.
SAID_WHEN_EMPTY = ("goal", "leaders")


def show(result: Result, console: Any, titled: bool = False) -> None:
    """Print ``result`` on ``console``: a table, or the picture or record its kind calls for.

    ``titled`` (a .txt file) starts with the dataset's title and what was asked. With
    --group-by, each group's heading and count come before its rows; the columns keep one
    width throughout.
    """
    if titled:
        _title(result, console)
    frame, groups = selected(result)
    if result.kind_name == "record":
        from dutycli.output import record

        record.show(console, frame)
        return
    if pictured(result):
        from dutycli.output import charts

        charts.picture(console, result)
        return
    shown, empty = visible(result, frame)
    table_columns, any_inherited = cells(result, frame, shown)
    table_columns, groups, narrowed = laid_out(result, frame, table_columns, groups, console)
    for number, group in enumerate(groups):
        heading(result, console, group, number)
        console.print(rich_table(table_columns, group.rows))
    footer(result, console, frame, empty, any_inherited, narrowed)


def pictured(result: Result) -> bool:
    """Whether ``result`` is shown as a picture (stats, matrix) instead of a table."""
    return result.kind_name in ("stats", "matrix") and not result.fields_chosen


def selected(result: Result) -> tuple[pl.DataFrame, list[Any]]:
    """The rows and columns a table shows, and its groups (one, unless --group-by)."""
    from dutycli.output import document

    frame = result.rows
    groups = [document.Group("", list(range(len(frame))))]
    if result.group_by is not None:
        groups = document.group_rows(list(frame.iter_rows(named=True)), result.group_by)
    if result.shown is not None or result.group_by == "goal":
        # A goal heading says the goal once, instead of on every row under it.
        shown = result.shown if result.shown is not None else frame.columns
        drop = document.GOAL_COLUMNS if result.group_by == "goal" else ()
        # The flags of a shown value stay (as ↑ and 等 marks, not columns).
        flags = [
            f"{EXPLODED_NAMES.get(c, c)}_{flag}"
            for c in shown
            for flag in ("inherited", "open_ended")
            if f"{EXPLODED_NAMES.get(c, c)}_{flag}" in frame.columns
        ]
        frame = frame.select(list(dict.fromkeys(c for c in [*shown, *flags] if c not in drop)))
    return frame, groups


def visible(result: Result, frame: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The table's columns in reading order, and the labels of those left out as empty."""
    columns = list(frame.columns)
    # With a value column shown, its provenance flags become markers rather than columns.
    folded = {
        f"{c}_{flag}"
        for c in INHERITABLE_COLUMNS
        if c in columns or c in {EXPLODED_NAMES.get(e) for e in columns}
        for flag in ("inherited", "open_ended")
    }
    shown = [c for c in columns if c not in folded]
    empty: list[str] = []  # labels of the columns left out because no row has a value
    if not result.fields_chosen:
        hidden = set(TABLE_HIDDEN)

        def hide(column: str) -> None:
            hidden.update((column, f"{column}_inherited", f"{column}_open_ended"))

        # A table without partner units, deadlines, sections or item numbers should not show
        # empty columns for them (nor should diff's old_/new_ copies of them).
        for column in columns:
            base = column.removeprefix("old_").removeprefix("new_")
            if base in (*OPTIONAL_COLUMNS, *SPARSE_FIELDS) and not has_value(frame[column]):
                hide(column)
            # 督办: what no unit wrote (存在问题, 联系电话…) leaves its room to what they did.
            if (
                result.kind_name == "progress"
                and column in PROGRESS_OPTIONAL
                and not has_value(frame[column])  # a null is no value
            ):
                hide(column)
            # diff: a section or item number shows where one changed, not beside every change.
            new = f"new_{base}"
            if (
                base in SPARSE_FIELDS
                and column == f"old_{base}"
                and new in columns
                and frame.get_column(column).equals(frame.get_column(new), check_names=False)
            ):
                hidden |= {column, new}
        for column in SAID_WHEN_EMPTY:
            if column in columns and len(frame) and not has_value(frame[column]):
                hide(column)
                empty.append(label(column))
        from dutycli.output.record import reading_order

        shown = reading_order([c for c in shown if c not in hidden])
    return shown, empty


def cells(
    result: Result, frame: pl.DataFrame, shown: list[str]
) -> tuple[list[layout.Column], bool]:
    """The ``shown`` columns with a cell for each row of ``frame``, and whether any value
    shown is inherited (a merged cell's)."""
    from rich.text import Text

    from dutycli.output import document, layout

    table_columns = [layout.Column(column, document.kind(frame, column)) for column in shown]
    any_inherited = False
    emphasize = set(result.highlight_names)
    # Where the query's patterns match, found by the engine that matched the rows (Polars).
    spans = _match_spans(frame, [c for c in ("task", "goal", "section") if c in shown], result)
    for row_number, row in enumerate(frame.iter_rows(named=True)):
        for spec in table_columns:
            column = spec.name
            value = row[column]
            names_of = EXPLODED_NAMES.get(column, column)
            if names_of in NAME_COLUMNS:
                names = ([value] if value else []) if column in EXPLODED_NAMES else value
                inherited = bool(row.get(f"{names_of}_inherited")) and bool(names)
                any_inherited |= inherited
                spec.cells.append(
                    names_text(names, inherited, bool(row.get(f"{names_of}_open_ended")), emphasize)
                )
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a whole number reads 5, not 5.0 (flat formats keep 5.0)
            if column == "change":
                value = CHANGE_LABELS.get(value, value)
            text = _highlighted(
                cell_text(value) if not isinstance(value, bool) else ("是" if value else ""),
                spans[column][row_number] if column in spans else [],
                keep_newlines=column in MULTILINE_COLUMNS,
            )
            if column in INHERITABLE_COLUMNS and row.get(f"{column}_inherited") and value:
                any_inherited = True
                text.stylize("dim")
                text.append(f" {INHERITED_MARK}", style="cyan")
            if isinstance(value, list):
                text = Text()
                for index, item in enumerate(value):
                    if index:
                        text.append(NAME_JOINER)
                    text.append_text(
                        safe_text(
                            str(item),
                            "bold yellow" if item in emphasize else "",
                            keep_newlines=False,
                        )
                    )
            spec.cells.append(text)
    return table_columns, any_inherited


def laid_out(
    result: Result,
    frame: pl.DataFrame,
    table_columns: list[layout.Column],
    groups: list[Any],
    console: Any,
) -> tuple[list[layout.Column], list[Any], str]:
    """The columns with their widths for ``console``, the groups, and what a narrow
    terminal's layout left to a note (or "")."""
    from dutycli.output import layout

    layout.fit(table_columns, console.width)
    narrowed = ""
    if layout.narrow_width(table_columns) < layout.FLEX_NARROW:
        table_columns, groups, narrowed = _narrower(result, frame, table_columns, groups)
        layout.fit(table_columns, console.width)
    return table_columns, groups, narrowed


def heading(result: Result, console: Any, group: Any, number: int) -> None:
    """A group's heading (none for the one group of a table without --group-by)."""
    from dutycli.output import document

    if not group.heading:
        return
    if number:
        console.print()  # a blank line before each group but the first
    text = (
        document.group_title(result.group_by, group)
        if result.group_by is not None
        else f"{group.heading}（{len(group.rows)} {result.kind.noun}）"
    )
    console.print(safe_text(text, "bold", keep_newlines=False))


def rich_table(table_columns: list[layout.Column], rows: list[int]) -> Any:
    """A Rich table of the cells ``rows`` of ``table_columns``, at the columns' widths."""
    from rich.table import Table

    from dutycli.output import layout, wrap

    table = Table(show_lines=True, header_style="bold")
    for spec in table_columns:
        table.add_column(
            layout.header(spec.name, spec.width),
            width=spec.width,
            overflow="fold",  # only for a terminal too narrow for the layout
            no_wrap=spec.kind == "number",
            justify="right" if spec.kind == "number" else "left",
        )
    for index in rows:
        table.add_row(
            *(
                spec.cells[index]
                if spec.kind == "number"
                else wrap.wrap(spec.cells[index], spec.width, names=spec.kind == "names")
                for spec in table_columns
            )
        )
    return table


def footer(
    result: Result,
    console: Any,
    frame: pl.DataFrame,
    empty: list[str],
    any_inherited: bool,
    narrowed: str,
) -> None:
    """The lines under the table: the count, the notes, what ↑ means, what a narrow
    terminal left out."""
    from rich.text import Text

    from dutycli.output import document

    count = document.count_line(result, frame)
    if empty:
        count += f"（{'、'.join(empty)}均为空，不列出）"
    console.print(Text(count, style="bold"))
    for line in result.notes:
        console.print(safe_text(line, "", keep_newlines=False))
    if any_inherited:
        console.print(
            Text(
                f"{INHERITED_MARK} 合并单元格：沿用同一目标内上一行的值（--strict 只看本行填写的值）",
                style="dim",
            )
        )
    if narrowed:
        console.print(Text(narrowed, style="dim"))


def _narrower(
    result: Result, frame: pl.DataFrame, columns: list[layout.Column], groups: list[Any]
) -> tuple[list[layout.Column], list[Any], str]:
    """The layout of a terminal too narrow for the task text beside every column: a diff's
    原/新 pairs stacked, the goal as a heading over its rows, a target's parts left in its
    原文. Returns the columns, the groups and a note of what moved (or "")."""
    from dutycli.i18n import t
    from dutycli.output import document, layout

    names = [c.name for c in columns]
    if result.kind_name == "changes":
        columns = layout.stacked(columns)
    if result.group_by is None and "goal" in names and result.kind_name in ("tasks", "changes"):
        groups = document.group_rows(list(frame.iter_rows(named=True)), "goal")
        columns = [c for c in columns if c.name not in document.GOAL_COLUMNS]
    if result.kind_name == "metrics" and "phrase" in names:
        # The goal's number too: the task's 编号 says where a target is.
        parts = [c for c in columns if c.name in (*layout.TARGET_PARTS, "goal_no")]
        if parts:
            columns = [c for c in columns if c not in parts]
            return (
                columns,
                groups,
                t(
                    "A narrow terminal leaves out {columns}, which 原文 and 编号 say (--width or -f csv shows them)",
                    columns="、".join(label(c.name) for c in parts),
                ),
            )
    return columns, groups, ""


def _match_spans(
    frame: pl.DataFrame, columns: list[str], result: Result
) -> dict[str, list[list[tuple[int, int]]]]:
    """Per column, per row: the (start, end) of each match of the query's patterns."""
    if not result.highlight_patterns:
        return {}
    from dutycli.query.keywords import match_spans

    return {
        column: match_spans(
            [cell_text(v) for v in frame.get_column(column).to_list()], result.highlight_patterns
        )
        for column in columns
    }


def _highlighted(value: str, spans: list[tuple[int, int]], keep_newlines: bool) -> Text:
    """``value`` as safe text, the stretches in ``spans`` emphasized."""
    if not spans:
        return safe_text(value, keep_newlines=keep_newlines)
    from rich.text import Text

    text, position = Text(), 0
    for start, end in spans:
        text.append_text(safe_text(value[position:start], keep_newlines=keep_newlines))
        text.append_text(safe_text(value[start:end], "bold reverse", keep_newlines=keep_newlines))
        position = end
    text.append_text(safe_text(value[position:], keep_newlines=keep_newlines))
    return text


def _title(result: Result, console: Any) -> None:
    """A .txt file's first lines, centred: the dataset's title, then what was asked."""
    from rich.cells import cell_len
    from rich.text import Text

    for text, style in ((result.title, "bold"), (result.asked or result.kind.sheet, "")):
        if text:
            line = safe_text(text, style, keep_newlines=False)
            # Padded on the left only: a centred Rich line would end in spaces.
            console.print(Text(" " * max(0, (console.width - cell_len(line.plain)) // 2)) + line)
    console.print(Text())
