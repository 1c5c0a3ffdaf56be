"""The terminal table: Chinese headers, columns fitted to the width, names and text wrapped
where a reader expects, inherited values marked, matches emphasized."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from dutycli.output.document import CHANGE_LABELS, EXPLODED_NAMES
from dutycli.output.text import INHERITED_MARK, cell_text, has_value, names_text, safe_text
from dutycli.schema import (
    DIFF_PREFIXES,
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

    from dutycli.output.result import Result

# Text whose line breaks are layout; in every other column (names, datasets, paths) a line
# break is escaped, so one value never reads as two.
MULTILINE_COLUMNS = {"task", "goal", "old_task", "new_task", "phrase", "title", "label"}
# Columns left out of the terminal table unless asked for (they are in every flat format).
TABLE_HIDDEN = {"source_line"}
# Columns a table may lack (大竹's has no goal names, 常熟's no leaders): where every row of a
# result has none, the column is left out and the count line says so, so its width goes to
# the task text without hiding that no row has one.
SAID_WHEN_EMPTY = ("goal", "leaders")


# Columns that take the width left over; the others are as wide as their content, up to a cap.
FLEX_COLUMNS = ("task", "old_task", "new_task", "phrase")
FLEX_COMFORT = 30  # a task column this wide comes before widening the others
COLUMN_CAPS = {"goal": 14, "section": 14, "item_no": 4, "deadline": 14, "dataset": 12}
NAMES_CAP = 20  # 地方金融监督管理局、 fits
TEXT_CAP = 30


@dataclass
class _Column:
    name: str
    kind: Literal["number", "names", "text"]
    cells: list[Text] = field(default_factory=list)
    width: int = 0


def show(result: Result, console: Any, titled: bool = False) -> None:
    """Print ``result`` on ``console``: a table, or the picture or record its kind calls for.

    ``titled`` (a .txt file) starts with the dataset's title and what was asked. With
    --group-by, each group's heading and count come before its rows; the columns keep one
    width throughout.
    """
    from rich.table import Table
    from rich.text import Text

    from dutycli.output import document, wrap

    frame = result.rows
    if titled:
        _title(result, console)
    groups = [document.Group("", list(range(len(frame))))]
    if result.group_by is not None:
        groups = document.group_rows(list(frame.iter_rows(named=True)), result.group_by)
    if result.shown is not None or result.group_by == "goal":
        # A goal heading says the goal once, instead of on every row under it.
        shown = result.shown if result.shown is not None else frame.columns
        drop = document.GOAL_COLUMNS if result.group_by == "goal" else ()
        frame = frame.select(c for c in shown if c not in drop)
    if result.kind_name == "record":
        from dutycli.output import record

        record.show(console, frame)
        return
    if result.kind_name in ("stats", "matrix") and not result.fields_chosen:
        from dutycli.output import charts

        charts.picture(console, result)
        return
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

    table_columns = [_Column(column, document.kind(frame, column)) for column in shown]
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

    _fit(table_columns, console.width)
    for number, group in enumerate(groups):
        if group.heading:
            if number:
                console.print()  # a blank line before each group but the first
            heading = document.group_title(result.group_by, group)
            console.print(safe_text(heading, "bold", keep_newlines=False))
        table = Table(show_lines=True, header_style="bold")
        for spec in table_columns:
            table.add_column(
                _header(spec.name, spec.width),
                width=spec.width,
                overflow="fold",  # only for a terminal too narrow for the layout
                no_wrap=spec.kind == "number",
                justify="right" if spec.kind == "number" else "left",
            )
        for index in group.rows:
            table.add_row(
                *(
                    spec.cells[index]
                    if spec.kind == "number"
                    else wrap.wrap(spec.cells[index], spec.width, names=spec.kind == "names")
                    for spec in table_columns
                )
            )
        console.print(table)
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


def _header(column: str, width: int) -> Text:
    """A column's label, on two lines when narrower than it: 原/新 on a line of its own."""
    from rich.cells import cell_len
    from rich.text import Text

    from dutycli.output import wrap

    text = label(column)
    if cell_len(text) > width and column.startswith(tuple(DIFF_PREFIXES)):
        base = label(column.split("_", 1)[1])
        return Text(text[: len(text) - len(base)] + "\n").append_text(wrap.wrap(Text(base), width))
    return wrap.wrap(Text(text), width)


def _fit(columns: list[_Column], console_width: int) -> None:
    """Column widths for a terminal ``console_width`` cells wide (sets ``width`` on each).

    Every column gets the width below which its content would break badly (a name, a
    number); then numbers their header's width, the task text a comfortable width, the
    other columns their content's (capped), and the task text the rest.
    """
    from rich.cells import cell_len

    from dutycli.output import wrap

    # Rich's box: a border before every column and after the last, one space of padding each side.
    available = console_width - 3 * len(columns) - 1
    least: list[int] = []
    wanted: list[int] = []
    natural: list[int] = []
    for spec in columns:
        header = cell_len(label(spec.name))
        base = spec.name.removeprefix("old_").removeprefix("new_")
        plains = [cell.plain for cell in spec.cells]
        longest = max([header, *(wrap.longest_line(p) for p in plains)])
        natural.append(longest)
        if spec.kind == "number":
            # Numbers never wrap; a narrow terminal wraps their header instead.
            least.append(max([2, *(cell_len(p) for p in plains)]))
            wanted.append(longest)
            continue
        unbreakable = max([0, *(wrap.widest(p, names=spec.kind == "names") for p in plains)])
        if spec.name in FLEX_COLUMNS:
            cap = longest
            floor = min(longest, max(header, unbreakable, 16))
        else:
            cap = COLUMN_CAPS.get(base, NAMES_CAP if spec.kind == "names" else TEXT_CAP)
            # A name column may wrap its header rather than squeeze the task text.
            # (原/新 then goes on a line of its own above the label: 原 / 分管领导).
            short_header = cell_len(label(base)) if base != spec.name else header
            floor = max(unbreakable, min(short_header, 8))
            floor = min(floor, cap, longest)
        least.append(floor)
        wanted.append(min(longest, max(cap, floor)))
    widths = list(least)
    flex = [i for i, spec in enumerate(columns) if spec.name in FLEX_COLUMNS]
    others = [i for i, spec in enumerate(columns) if spec.kind != "number" and i not in flex]
    numbers = [i for i, spec in enumerate(columns) if spec.kind == "number"]

    spare = available - sum(widths)

    def grow(indexes: list[int], targets: list[int]) -> None:
        # One cell at a time to the narrowest column still short of its target: a fair share.
        nonlocal spare
        while spare > 0:
            short = [i for i in indexes if widths[i] < targets[i]]
            if not short:
                return
            narrowest = min(short, key=lambda i: widths[i])
            widths[narrowest] += 1
            spare -= 1

    # Too narrow even for that: take from the task text first (it wraps anywhere), then
    # from other text, and only then split names; below 4 cells Rich folds what is left.
    names = [i for i in others if columns[i].kind == "names"]
    texts = [i for i in others if i not in names]
    for group, floor in ((flex, 8), (texts, 6), (flex + texts + names, 4)):
        while spare < 0:
            candidates = [i for i in group if widths[i] > floor]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            widths[widest] -= 1
            spare += 1
    grow(numbers, wanted)
    # Where there is room, text with a short header (类别) gets four characters a line first.
    grow(texts, [min(w, 8) for w in wanted])
    grow(flex, [min(w, FLEX_COMFORT) for w in wanted])
    grow(others, wanted)
    grow(flex, wanted)
    if not flex:
        grow(others, natural)  # no task text to give the room to: let long values unfold
    for spec, width in zip(columns, widths, strict=True):
        spec.width = width


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
