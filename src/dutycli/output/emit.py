"""Where a result goes and in which format: the one place that writes a result out.

The format is the one asked for (``--format``), else the ``--output`` file's suffix, else
CSV for ``--excel``, else a table on a terminal and CSV anywhere else. A file is written by
``files.write_output``, as the shell's ``>`` would (devices, links, modes) but never half-written
and never over a file the command reads.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from dutycli.errors import OutputError, QueryError
from dutycli.files import write_output
from dutycli.locations import DATASET_KINDS
from dutycli.output import streams
from dutycli.output.result import Result
from dutycli.schema import SUFFIX_FORMATS


def to_stdout(output: Path | None) -> bool:
    """Whether ``--output`` leaves the result on stdout (not given, or ``-``)."""
    return output is None or str(output) == "-"


def choose_format(chosen: str | None, output: Path | None, excel: bool) -> str:
    """An explicit --format wins; then the --output suffix; then csv for --excel; then the default."""
    if chosen is not None:
        return chosen
    if not to_stdout(output):
        assert output is not None
        suffix = output.suffix.lower()
        if suffix in DATASET_KINDS and suffix not in SUFFIX_FORMATS:
            # CSV in a .yaml or .parquet file would be read back as a broken dataset.
            raise QueryError(
                f"{output}: {suffix} names a dataset, which `dutycli export` writes; a query "
                f"writes {' '.join(SUFFIX_FORMATS)} (or give --format)"
            )
        return SUFFIX_FORMATS.get(suffix, "csv")
    return "csv" if excel else streams.current().default_format()


def emit(result: Result, fmt: str, output: Path | None = None, excel: bool = False) -> None:
    """Write ``result`` as ``fmt`` to stdout, or to the file ``output`` (replaced atomically).

    ``excel`` (CSV/TSV only) adds a UTF-8 BOM and defuses cells a spreadsheet would run as
    formulas; without it CSV is written plain.
    """
    if excel and fmt not in ("csv", "tsv"):
        raise QueryError(f"--excel applies to csv and tsv output, not {fmt}")
    if not to_stdout(output):
        assert output is not None
        write_file(output, lambda out: _write(result, fmt, out, excel, to_file=output))
        return
    if fmt == "xlsx" and streams.current().stdout_is_terminal():
        raise QueryError("xlsx is a binary workbook, not for a terminal: add --output FILE.xlsx")
    with streams.stdout_guard():
        _write(result, fmt, sys.stdout.buffer, excel)


def write_file(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write an --output file (``files.write_output``); failures are one-line OutputErrors."""
    try:
        write_output(path, write)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write(
    result: Result, fmt: str, out: BinaryIO, excel: bool, to_file: Path | None = None
) -> None:
    if fmt == "table":
        from dutycli.output import table

        if to_file is not None:
            text_out = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
            table.show(result, streams.current().console(text_out))
            text_out.detach()
        else:
            table.show(result, streams.current().console())
    elif fmt == "xlsx":
        from dutycli.output import spreadsheet
        from dutycli.output.flat import flat
        from dutycli.schema import label

        frame = flat(result.rows)
        headers = [label(c) for c in frame.columns]
        cut = spreadsheet.write_xlsx(frame, headers, out, title=result.kind.sheet)
        if cut:
            streams.note(spreadsheet.cut_note(cut, str(to_file or "the workbook")))
    else:
        from dutycli.output.flat import render_flat

        if excel:
            from dutycli.output.spreadsheet import UTF8_BOM

            out.write(UTF8_BOM)
        # Rendered in memory, then written from Python: a Polars writer blocked on a full
        # pipe would hold off Ctrl-C, a Python write is interrupted by it (exit 130).
        out.write(render_flat(result.rows, fmt, excel))
        if fmt in ("json", "jsonl"):
            from dutycli.output.flat import not_finite

            if count := not_finite(result.rows):
                values = "value is" if count == 1 else "values are"
                streams.note(
                    f"JSON cannot hold inf or NaN: {count} such {values} written as null "
                    "(CSV keeps them)"
                )
