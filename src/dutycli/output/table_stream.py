"""The terminal table of a large result, written a block of rows at a time.

Rendering a table with Rich takes about 2 ms a row: 100,000 rows would take minutes before
the first one showed. A result of more than ``STREAM_ROWS`` rows is rendered instead in
blocks of ``BLOCK_ROWS`` rows, each written (to the pager, or stdout) as soon as it is
rendered, so rows show at once and a pager that quits, or a pipe that closes, stops the work.

The blocks read as one table: the header once at the top, the same column widths throughout.
The widths are decided once, before the first block, from a sample of ``SAMPLE_ROWS`` rows
spread evenly through the result (measuring every row would cost what rendering it does),
and the longest names of the whole result (a name never splits). Any other value wider than
those of the sample is wrapped to its column's width. A smaller result is rendered whole, exactly as ``table.show`` prints it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dutycli.output import table
from dutycli.schema import NAME_JOINER

if TYPE_CHECKING:
    import polars as pl

    from dutycli.output import layout
    from dutycli.output.result import Result

STREAM_ROWS = 1_000
BLOCK_ROWS = 100
SAMPLE_ROWS = 1_000
NAMES_MEASURED = 200  # the longest names of each name column, measured beside the sample


def pieces(result: Result, console: Any) -> Iterator[str]:
    """The terminal table of ``result`` as text, in the order it is shown, a block at a time
    for a large result (one piece, the whole table, for any other)."""
    if len(result.rows) <= STREAM_ROWS or result.kind_name == "record" or table.pictured(result):
        yield _captured(console, table.show, result, console)
        return
    frame, groups = table.selected(result)
    shown, empty = table.visible(result, frame)
    sample = frame[sample_rows(len(frame), SAMPLE_ROWS)]
    measured, _ = table.cells(result, sample, shown)
    if len(sample) < len(frame):
        _measure_names(measured, frame)
    columns, groups, narrowed = table.laid_out(result, frame, measured, groups, console)
    header_lines = _header_lines(console, columns)
    separators = _separators(console, columns)
    any_inherited = False
    for number, group in enumerate(groups):
        if group.heading:
            yield _captured(console, table.heading, result, console, group, number)
        for start in range(0, len(group.rows), BLOCK_ROWS):
            rows = group.rows[start : start + BLOCK_ROWS]
            block, inherited = table.cells(result, frame[rows], shown)
            any_inherited |= inherited
            block = _shaped(block, columns)
            text = _captured(
                console, console.print, table.rich_table(block, list(range(len(rows))))
            )
            yield _joined(
                text,
                header_lines,
                separators,
                first=start == 0,
                last=start + BLOCK_ROWS >= len(group.rows),
            )
    yield _captured(console, table.footer, result, console, frame, empty, any_inherited, narrowed)


def sample_rows(total: int, wanted: int) -> list[int]:
    """``wanted`` row numbers spread evenly over ``total`` rows, the first among them."""
    if total <= wanted:
        return list(range(total))
    return [index * total // wanted for index in range(wanted)]


def _measure_names(columns: list[layout.Column], frame: pl.DataFrame) -> None:
    """Add the result's longest names to the name columns' sample (a name never splits): a
    cell ``name、`` each, as wide as the name inside a list. Names are few (the units and
    leaders of every table), so Polars picks the longest of them from the whole result."""
    import polars as pl
    from rich.text import Text

    from dutycli.output.text import names_text

    for spec in columns:
        if spec.kind != "names" or spec.name not in frame.columns:
            continue
        names = frame.get_column(spec.name)
        if isinstance(names.dtype, pl.List):
            names = names.explode()
        names = names.cast(pl.String).drop_nulls().unique().to_frame("name")
        # The longest by characters and by bytes: a Chinese character is 3 bytes and 2 cells.
        longest: set[str] = set()
        for length in (pl.col("name").str.len_chars(), pl.col("name").str.len_bytes()):
            picked = names.sort(length, descending=True).head(NAMES_MEASURED)
            longest.update(picked.get_column("name").to_list())
        for name in sorted(longest):
            spec.cells.append(Text.assemble(names_text([name], False, False, set()), NAME_JOINER))


def _captured(console: Any, render: Any, *args: Any) -> str:
    with console.capture() as captured:
        render(*args)
    text: str = captured.get()
    return text


def _shaped(block: list[layout.Column], columns: list[layout.Column]) -> list[layout.Column]:
    """A block's columns as the layout decided them: stacked if it stacked a diff's pairs,
    in its order, at its widths (a narrow layout may leave columns out)."""
    from dutycli.output import layout

    if any(spec.name not in {c.name for c in block} for spec in columns):
        block = layout.stacked(block)
    found = {spec.name: spec for spec in block}
    for spec in columns:
        found[spec.name].width = spec.width
    return [found[spec.name] for spec in columns]


def _header_lines(console: Any, columns: list[layout.Column]) -> int:
    """How many lines come before the line under the header (the top edge and the labels)."""
    text = _captured(console, console.print, table.rich_table(columns, []))
    # A table without rows is its header, the line under it, and its bottom edge.
    return len(text.splitlines()) - 2


def _separators(console: Any, columns: list[layout.Column]) -> dict[int, int]:
    """The line under the header turned into the line between two rows (the box Rich draws
    on this console: heavy lines, or ASCII on a terminal that cannot show them)."""
    box = table.rich_table(columns, []).box.substitute(console.options, safe=console.safe_box)
    head = (box.head_row_left, box.head_row_horizontal, box.head_row_cross, box.head_row_right)
    row = (box.row_left, box.row_horizontal, box.row_cross, box.row_right)
    return str.maketrans(dict(zip(head, row, strict=True)))


def _joined(
    text: str, header_lines: int, separators: dict[int, int], first: bool, last: bool
) -> str:
    """A block's table as the continuation of the one before: after the first block the
    header is left out (a line between rows instead of the one under the header), and
    before the last the bottom edge."""
    lines = text.splitlines(keepends=True)
    if not first:
        lines = [lines[header_lines].translate(separators), *lines[header_lines + 1 :]]
    if not last:
        lines = lines[:-1]
    return "".join(lines)
