"""One task in full (``dutycli show``): every field, and where each inherited value came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dutycli.output.text import INHERITED_MARK, cell_text, names_text, safe_text
from dutycli.schema import (
    INHERITABLE_COLUMNS,
    NAME_COLUMNS,
    OPTIONAL_COLUMNS,
    SPARSE_FIELDS,
    label,
)

if TYPE_CHECKING:
    import polars as pl
    from rich.text import Text


def show(console: Any, frame: pl.DataFrame) -> None:
    from rich.cells import cell_len
    from rich.table import Table

    from dutycli.output import wrap

    order = reading_order(frame.columns)
    for named in frame.iter_rows(named=True):
        row = {column: named[column] for column in order}
        fields: list[tuple[str, Text]] = []
        for column, value in row.items():
            if column.endswith("_source_id"):
                continue
            if column in SPARSE_FIELDS and not value:
                continue  # the task stands under no heading, or has no number of its own
            if column in OPTIONAL_COLUMNS and not value and not row.get(f"{column}_source_id"):
                continue  # the table has no such column, or this row leaves it empty
            if column in NAME_COLUMNS:
                text = names_text(
                    value,
                    bool(row.get(f"{column}_inherited")) and bool(value),
                    bool(row.get(f"{column}_open_ended")),
                    set(),
                )
                fields.append((column, text))
            elif column in INHERITABLE_COLUMNS:
                text = safe_text(cell_text(value))
                if row.get(f"{column}_inherited") and value:
                    text.append(f" {INHERITED_MARK}", style="cyan")
                fields.append((column, text))
            elif not column.endswith(("_inherited", "_open_ended")):
                fields.append((column, safe_text(cell_text(value))))
        label_width = max(cell_len(label(column)) for column, _ in fields)
        # Two columns: borders and padding take 7 cells.
        width = max(console.width - label_width - 7, 8)
        table = Table(show_header=False, show_lines=True)
        table.add_column("字段", style="bold", no_wrap=True, width=label_width)
        table.add_column("值", overflow="fold", width=width)
        for column, text in fields:
            text = wrap.wrap(text, width, names=column in NAME_COLUMNS)
            if column in INHERITABLE_COLUMNS:
                # The provenance note follows the names, on a line of its own when they fill one.
                note = safe_text(_provenance(row, column), "italic")
                last = text.plain.rsplit("\n", 1)[-1]
                if cell_len(last) + note.cell_len > width:
                    text.append("\n")
                text.append_text(wrap.wrap(note, width))
            table.add_row(label(column), text)
        console.print(table)


def reading_order(columns: list[str]) -> list[str]:
    """Task columns as a reader takes them: a task's section (the heading it stands under)
    and its item number just before its text, not at the end where the flat formats keep
    them. Other columns keep their order."""
    if "task" not in columns:
        return columns
    moved = [c for c in ("section", "item_no") if c in columns]
    rest = [c for c in columns if c not in moved]
    at = rest.index("task")
    return [*rest[:at], *moved, *rest[at:]]


def _provenance(row: dict[str, Any], column: str) -> str:
    if not row[column]:
        return "（未填写，且同一目标内上方无可沿用的值）"
    parts = []
    if row.get(f"{column}_inherited"):
        source = row.get(f"{column}_source_id")
        parts.append(
            f"（合并单元格，沿用第 {source} 条的值）" if source else "（合并单元格，沿用上一行）"
        )
    else:
        parts.append("（本行填写）")
    if row.get(f"{column}_open_ended"):
        parts.append("（原表名单以“等”结尾，未列尽）")
    return "".join(parts)
