"""The end of every command that finds rows: fields chosen, rows written, exit code set."""

from __future__ import annotations

from typing import NoReturn

import typer

from dutycli.cli.session import Shared
from dutycli.errors import EXIT_FOUND, EXIT_NOTHING_FOUND, QueryError
from dutycli.output.result import Result
from dutycli.schema import DOCUMENT_FORMATS, GROUPED_FORMATS


def respond(result: Result, shared: Shared) -> NoReturn:
    """Explode, select fields, write, and exit 0 when rows were found, 1 when none were."""
    from dutycli.output import emit, streams
    from dutycli.query import filters

    fmt = emit.choose_format(
        str(shared.fmt.value) if shared.fmt is not None else None, shared.output, shared.excel
    )
    to_file = not emit.to_stdout(shared.output)
    if shared.group_by is not None and shared.fmt is None and not to_file and not shared.excel:
        fmt = "table"  # groups are for people: a pipe gets them as a table too, not CSV
    check_layout(result, shared, fmt)
    if shared.explode:
        from dutycli.query import analysis

        result.frame = analysis.explode(result.rows)
    chosen_fields = parse_fields(shared.fields)
    document = fmt in DOCUMENT_FORMATS or (fmt == "table" and to_file)
    # A table keeps the whole frame too: its ↑ and 等 marks follow flags --fields leaves out.
    if document or shared.group_by is not None or fmt == "table":
        # Picked when written: a Word table's merges follow flags that need not be shown.
        if chosen_fields is not None:
            filters.select_fields(result.frame, chosen_fields)  # an unknown field fails here
            result.shown = chosen_fields
        elif (
            (document or fmt == "md")
            and not shared.all_fields
            and result.kind_name == "tasks"
            and not shared.explode
        ):
            from dutycli.output.document import own_columns

            result.shown = own_columns(result.rows)
    else:
        result.frame = filters.select_fields(result.frame, chosen_fields)
    result.fields_chosen = chosen_fields is not None
    result.group_by = str(shared.group_by.value) if shared.group_by is not None else None
    result.width = shared.width
    if result.rows.is_empty() and fmt == "table" and not to_file:
        found = "no differences" if result.kind_name == "changes" else "no rows found"
        streams.note(f"{found}: {result.why_empty}" if result.why_empty else found)
    else:
        emit.emit(result, fmt, shared.output, shared.excel)
        if to_file:
            streams.note(f"wrote {shared.output} ({len(result.rows)} rows, {fmt})")
    raise typer.Exit(EXIT_FOUND if len(result.rows) else EXIT_NOTHING_FOUND)


def check_layout(result: Result, shared: Shared, fmt: str) -> None:
    """--group-by, --width and --all-fields only where they mean something: never ignored."""
    if shared.all_fields and shared.fields is not None:
        raise QueryError("--all-fields and --fields both choose the columns: give one of them")
    if shared.group_by is not None:
        if fmt not in GROUPED_FORMATS:
            raise QueryError(
                f"--group-by applies to {', '.join(GROUPED_FORMATS)} and .txt output, not {fmt}"
            )
        if shared.explode:
            raise QueryError("--group-by groups tasks, and --explode splits them: give one")
        if result.kind_name != "tasks":
            raise QueryError(f"--group-by groups tasks, not {result.kind.noun.lstrip('个条处位')}")
    if shared.width is not None and fmt != "table":
        raise QueryError(f"--width applies to a table (the terminal, or a .txt file), not {fmt}")


def parse_fields(value: str | None) -> list[str] | None:
    """The --fields list; an empty or repeated field is an error."""
    if value is None:
        return None
    fields = [f.strip() for f in value.split(",")]
    if not any(fields):
        raise QueryError("--fields is empty; name at least one field")
    if "" in fields:
        raise QueryError(f"--fields {value!r} has an empty field name (two commas in a row?)")
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise QueryError(f"--fields names {', '.join(repeated)} more than once")
    return fields
