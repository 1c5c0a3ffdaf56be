"""The flat formats: CSV, TSV, JSON, JSONL and Markdown, every character of the data kept."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dutycli.output.text import cell_text, escape_controls
from dutycli.schema import NAME_JOINER

if TYPE_CHECKING:
    from typing import TypeVar

    import polars as pl

    FlatFrame = TypeVar("FlatFrame", pl.DataFrame, pl.LazyFrame)


# Rows rendered at a time: the bytes of one slice are held, never those of the whole result,
# and the first rows reach a pipe before the last are rendered.
SLICE_ROWS = 50_000


def header_names(columns: list[str], header: str) -> dict[str, str]:
    """The columns' names as written: their Chinese labels for ``zh`` (``schema.labelled``)."""
    if header != "zh":
        return {}
    from dutycli.schema import labelled

    return dict(zip(columns, labelled(columns), strict=True))


def flat_pieces(
    frame: pl.DataFrame,
    fmt: str,
    excel: bool = False,
    header: str = "en",
    rows: int | None = None,
) -> Iterator[bytes]:
    """A frame in one of the flat formats as UTF-8, in pieces of at most ``rows`` rows each.

    ``excel`` (CSV/TSV) defuses cells a spreadsheet would run as formulas; ``header`` ``zh``
    names the columns by their Chinese labels (``schema.labelled``). Polars writes the
    bytes directly: a million rows as a str would be decoded and encoded again for nothing.
    ``rows`` is ``SLICE_ROWS`` unless given. Joined, the pieces are the bytes of the whole
    frame written at once (JSON is one array, written a slice of its elements at a time).
    """
    frame = frame.rename(header_names(frame.columns, header))
    if fmt not in ("csv", "tsv", "json", "jsonl", "md"):
        raise ValueError(fmt)  # pragma: no cover - the CLI validates formats
    if fmt == "json" and frame.is_empty():
        yield b"[]\n"
        return
    if fmt in ("csv", "tsv"):
        separator = "," if fmt == "csv" else "\t"
        buffer = io.BytesIO()
        if excel:
            from dutycli.output import spreadsheet

            # The header too: matrix's columns are unit names, which are data.
            _header_line([spreadsheet.neutralize_text(n) for n in frame.columns], separator, buffer)
        else:
            flat(frame.clear()).write_csv(buffer, separator=separator)
        yield buffer.getvalue()
    elif fmt == "md":
        # The header is escaped as the cells are: matrix's columns are unit names, which are data.
        names = " | ".join(markdown_cell(c) for c in frame.columns)
        yield f"| {names} |\n|{'---|' * len(frame.columns)}\n".encode()
    rows = max(rows or SLICE_ROWS, 1)
    for start in range(0, len(frame), rows):
        part = frame.slice(start, rows)
        if fmt in ("csv", "tsv"):
            part = flat(part)
            if excel:
                from dutycli.output import spreadsheet

                part = spreadsheet.neutralize(part)
            buffer = io.BytesIO()
            part.write_csv(buffer, separator=separator, include_header=False)
            yield buffer.getvalue()
        elif fmt == "json":
            # One array: each slice's elements, without its brackets, after a comma.
            buffer = io.BytesIO()
            part.write_json(buffer)
            yield (b"[" if start == 0 else b",") + buffer.getvalue()[1:-1]
        elif fmt == "jsonl":
            buffer = io.BytesIO()
            part.write_ndjson(buffer)
            yield buffer.getvalue()
        else:
            yield "".join(_markdown_row(row) for row in part.iter_rows()).encode()
    if fmt == "json":
        yield b"]\n"


def not_finite(frame: pl.DataFrame) -> int:
    """How many numbers are infinite or NaN: JSON has no way to write them (Polars writes null)."""
    import polars as pl

    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    if not floats:
        return 0
    counts = frame.select((~pl.col(name).is_finite()).sum() for name in floats)
    return int(sum(counts.row(0)))


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


# Markdown reads these in a table cell as formatting, links or HTML; data shows them as typed.
# (``_`` only at a word's edge: ``goal_no`` is never emphasis, and stays readable.)
_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[\]~|]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")


def markdown_cell(value: Any) -> str:
    """A value as one Markdown table cell: shown exactly as the data says, on one line
    (a line break is ``<br>``, the only HTML written), never formatting, a link or HTML."""
    text = _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), cell_text(value))
    text = re.sub("[&<>]", lambda m: _HTML_SPECIAL[m.group()], text)
    text = _LINE_BREAK.sub("<br>", text)
    # Markdown is read on a terminal too: a control character is shown, never obeyed.
    return escape_controls(text, keep_newlines=False)


def _markdown_row(row: tuple[Any, ...]) -> str:
    return "| " + " | ".join(markdown_cell(v) for v in row) + " |\n"
