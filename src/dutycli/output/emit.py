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
from typing import BinaryIO, cast

from dutycli.errors import OutputError, QueryError
from dutycli.files import write_output
from dutycli.i18n import t
from dutycli.locations import DATASET_KINDS
from dutycli.output import streams
from dutycli.output.result import Result
from dutycli.schema import REFUSED_SUFFIXES, SUFFIX_FORMATS

# A .txt file's table is this wide unless --width says.
TXT_WIDTH = 100
# Formats that are files of bytes, never shown on a terminal.
BINARY_FORMATS = ("xlsx", "docx", "pdf")


def to_stdout(output: Path | None) -> bool:
    """Whether ``--output`` leaves the result on stdout (not given, or ``-``)."""
    return output is None or str(output) == "-"


def choose_format(chosen: str | None, output: Path | None, excel: bool) -> str:
    """An explicit --format wins; then the --output suffix; then csv for --excel; then the default."""
    if chosen is not None:
        return chosen
    if not to_stdout(output):
        assert output is not None
        suffix = output_suffix(output)
        if suffix in DATASET_KINDS and suffix not in SUFFIX_FORMATS:
            # CSV in a .yaml or .parquet file would be read back as a broken dataset.
            raise QueryError(
                t(
                    "{output}: {suffix} names a dataset, which `dutycli export` writes; a query writes {names} (or give --format)",
                    output=output,
                    suffix=suffix,
                    names=" ".join(SUFFIX_FORMATS),
                )
            )
        if suffix in SUFFIX_FORMATS:
            return SUFFIX_FORMATS[suffix]
        if suffix:
            # Never CSV under another name: Word would refuse the .docx a clerk hands on.
            hint = suffix_hint(suffix)
            if hint:
                raise QueryError(t("{output}: {hint} (or give --format)", output=output, hint=hint))
            raise QueryError(
                t(
                    "{output}: dutycli does not write {suffix} files; give a file ending in {known} (or give --format)",
                    output=output,
                    suffix=suffix,
                    known=" ".join(SUFFIX_FORMATS),
                )
            )
        return "csv"  # a file without a suffix gets what a pipe would: CSV
    return "csv" if excel else streams.current().default_format()


def suffix_hint(suffix: str) -> str:
    """What to write instead of a format dutycli does not write (``REFUSED_SUFFIXES``)."""
    hints = {
        ".doc": t("the old Word format is not written; .docx opens in Word, WPS and LibreOffice"),
        ".xls": t("the old Excel format is not written; .xlsx opens in Excel, WPS and LibreOffice"),
        ".wps": t("WPS's own format is not written; .docx opens in WPS"),
        ".et": t("WPS's own format is not written; .xlsx opens in WPS"),
        ".rtf": t("RTF is not written; .docx opens in every word processor"),
        ".odt": t("OpenDocument is not written; .docx opens in LibreOffice"),
        ".ods": t("OpenDocument is not written; .xlsx opens in LibreOffice"),
    }
    return hints.get(suffix, "")


def output_suffix(output: Path) -> str:
    """The suffix that names ``output``'s format, lower case: ``.docx``; a name that is only a
    known suffix (``-o .docx``, which Python takes for a hidden file without one) is that
    suffix, never a CSV under a name that promises a document."""
    name = output.name.lower()
    if not output.suffix and name in (*SUFFIX_FORMATS, *REFUSED_SUFFIXES, *DATASET_KINDS):
        return name
    return output.suffix.lower()


def emit(result: Result, fmt: str, output: Path | None = None, excel: bool = False) -> None:
    """Write ``result`` as ``fmt`` to stdout, or to the file ``output`` (replaced atomically).

    ``excel`` (CSV/TSV only) adds a UTF-8 BOM and defuses cells a spreadsheet would run as
    formulas; without it CSV is written plain.
    """
    if excel and fmt not in ("csv", "tsv"):
        raise QueryError(t("--excel applies to csv and tsv output, not {fmt}", fmt=fmt))
    if not to_stdout(output):
        assert output is not None
        notes: list[str] = []
        write_file(output, lambda out: notes.extend(_write(result, fmt, out, excel, output)))
        for line in notes:
            streams.note(line)
        return
    if fmt in BINARY_FORMATS and streams.current().stdout_is_terminal():
        raise QueryError(
            t("{fmt} is a binary file, not for a terminal: add --output FILE.{fmt}", fmt=fmt)
        )
    with streams.stdout_guard():
        if fmt not in BINARY_FORMATS and streams.current().pager_command() is not None:
            # For a person at a terminal: through the pager once it is longer than a screen,
            # each piece as it is rendered (quitting the pager stops the work).
            with streams.current().shown() as shown:
                notes = _write(result, fmt, cast("BinaryIO", shown), excel)
        else:
            notes = _write(result, fmt, sys.stdout.buffer, excel)
    for line in notes:
        streams.note(line)  # after the data (and the pager): the data stays one table


def write_file(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write an --output file (``files.write_output``); failures are one-line OutputErrors."""
    try:
        write_output(path, write)
    except OSError as exc:
        raise OutputError(
            t("cannot write {path}: {reason}", path=path, reason=exc.strerror or exc)
        ) from None


def _write(
    result: Result, fmt: str, out: BinaryIO, excel: bool, to_file: Path | None = None
) -> list[str]:
    """Write ``result`` into ``out`` a piece at a time; returns the notes for stderr."""
    notes: list[str] = []
    if fmt == "table":
        from dutycli.output import table

        if to_file is not None:
            # A .txt file is a document: its title first, as wide as asked (100 by default).
            text_out = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
            console = streams.current().console(text_out, result.width or TXT_WIDTH)
            table.show(result, console, titled=True)
            text_out.detach()
        else:
            from dutycli.output.table_stream import pieces

            # A large result a block of rows at a time: the first rows show at once.
            console = streams.current().console(width=result.width)
            encoding = streams.terminal_encoding()
            for piece in pieces(result, console):
                out.write(piece.encode(encoding, "backslashreplace"))
    elif fmt == "xlsx":
        from dutycli.output import document, spreadsheet
        from dutycli.output.flat import flat

        frame = document.marked_open(flat(result.rows), result.shown)
        cut = spreadsheet.write_xlsx(result, frame, out)
        if cut:
            notes.append(spreadsheet.cut_note(cut, str(to_file or "the workbook")))
    elif fmt == "docx":
        from dutycli.output import document, word

        word.write_docx(document.build(result), out)
    elif fmt in ("html", "pdf"):
        from dutycli.output import document, web_page

        page = web_page.render(document.build(result, group_by=result.group_by or "goal"))
        if fmt == "html":
            out.write(page.encode("utf-8"))
        else:
            from dutycli.output import pdf

            out.write(pdf.print_page(page))
    elif fmt == "md" and result.group_by is not None:
        from dutycli.output import document, markdown_groups

        out.write(markdown_groups.grouped(document.build(result)).encode("utf-8"))
    elif fmt in ("csv", "tsv") and not excel and result.lazy is not None:
        from dutycli.output.flat import flat, header_names
        from dutycli.output.sink import sink_csv

        # A scanned dataset's rows are written while they are read: never all held.
        lazy = flat(result.lazy)
        lazy = lazy.rename(header_names(lazy.collect_schema().names(), result.header))
        result.written = sink_csv(lazy, out, "," if fmt == "csv" else "\t")
        notes.extend(result.notes)
    else:
        from dutycli.output.flat import flat_pieces

        if excel:
            from dutycli.output.spreadsheet import UTF8_BOM

            out.write(UTF8_BOM)
        # A slice of rows at a time, written from Python: the bytes of the whole result are
        # never held, a closed pipe stops the work at the next slice, and Ctrl-C interrupts
        # (a Polars writer blocked on a full pipe would hold it off; a Python write is
        # interrupted by it: exit 130).
        for data in flat_pieces(result.rows, fmt, excel, result.header):
            out.write(data)
        notes.extend(result.notes)
        if fmt in ("json", "jsonl"):
            from dutycli.output.flat import not_finite

            if count := not_finite(result.rows):
                values = "value is" if count == 1 else "values are"
                notes.append(
                    t(
                        "JSON cannot hold inf or NaN: {count} such {values} written as null (CSV keeps them)",
                        count=count,
                        values=values,
                    )
                )
    return notes
