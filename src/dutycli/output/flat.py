"""The flat formats: CSV, TSV, JSON, JSONL and Markdown, every character of the data kept."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from dutycli.schema import NAME_JOINER

if TYPE_CHECKING:
    from typing import TypeVar

    import polars as pl

    FlatFrame = TypeVar("FlatFrame", pl.DataFrame, pl.LazyFrame)


def render_flat(frame: pl.DataFrame, fmt: str, excel: bool = False) -> bytes:
    """A frame in one of the flat formats as UTF-8, every character of the data kept.

    ``excel`` (CSV/TSV) defuses cells a spreadsheet would run as formulas. Polars writes the
    bytes directly: a million rows as a str would be decoded and encoded again for nothing.
    """
    buffer = io.BytesIO()
    if fmt in ("csv", "tsv"):
        frame = flat(frame)
        separator = "," if fmt == "csv" else "\t"
        if excel:
            from dutycli.output import spreadsheet

            # The header too: matrix's columns are unit names, which are data.
            header = [spreadsheet.neutralize_text(name) for name in frame.columns]
            _header_line(header, separator, buffer)
            spreadsheet.neutralize(frame).write_csv(
                buffer, separator=separator, include_header=False
            )
            return buffer.getvalue()
        frame.write_csv(buffer, separator=separator)
    elif fmt == "json":
        if frame.is_empty():
            return b"[]\n"
        frame.write_json(buffer)
        buffer.write(b"\n")
    elif fmt == "jsonl":
        frame.write_ndjson(buffer)
    elif fmt == "md":
        return markdown(frame).encode("utf-8")
    else:
        raise ValueError(fmt)  # pragma: no cover - the CLI validates formats
    return buffer.getvalue()


def _header_line(names: list[str], separator: str, buffer: io.BytesIO) -> None:
    """A header row quoted as Polars quotes the rows (a frame's own names need not be unique
    once changed, so the names are written as a row of data)."""
    import polars as pl

    row = pl.DataFrame([pl.Series(f"c{i}", [name], pl.String) for i, name in enumerate(names)])
    row.write_csv(buffer, separator=separator, include_header=False)


def flat(frame: FlatFrame) -> FlatFrame:
    """Lists joined with 、 so that CSV/TSV can hold them (lazily, for a LazyFrame)."""
    import polars as pl

    schema = frame.collect_schema()
    lists = [name for name, dtype in schema.items() if isinstance(dtype, pl.List)]
    return frame.with_columns(pl.col(name).list.join(NAME_JOINER) for name in lists)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return NAME_JOINER.join(cell_text(v) for v in value)
    return str(value)


def markdown(frame: pl.DataFrame) -> str:
    def cell(value: Any) -> str:
        text = cell_text(value).replace("\\", "\\\\").replace("|", "\\|")
        return text.replace("\r\n", "<br>").replace("\n", "<br>")

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join(lines) + "\n"
