"""The end of every command that finds rows: fields chosen, rows written, exit code set."""

from __future__ import annotations

from typing import NoReturn

import typer

from dutycli.cli.session import Shared
from dutycli.errors import EXIT_FOUND, EXIT_NOTHING_FOUND, QueryError
from dutycli.output.result import Result


def respond(result: Result, shared: Shared) -> NoReturn:
    """Explode, select fields, write, and exit 0 when rows were found, 1 when none were."""
    from dutycli.output import emit, streams
    from dutycli.query import filters

    if shared.explode:
        from dutycli.query import analysis

        result.frame = analysis.explode(result.rows)
    chosen_fields = parse_fields(shared.fields)
    result.frame = filters.select_fields(result.frame, chosen_fields)
    result.fields_chosen = chosen_fields is not None
    fmt = emit.choose_format(
        str(shared.fmt.value) if shared.fmt is not None else None, shared.output, shared.excel
    )
    to_file = not emit.to_stdout(shared.output)
    if result.rows.is_empty() and fmt == "table" and not to_file:
        found = "no differences" if result.kind_name == "changes" else "no rows found"
        streams.note(f"{found}: {result.why_empty}" if result.why_empty else found)
    else:
        emit.emit(result, fmt, shared.output, shared.excel)
        if to_file:
            streams.note(f"wrote {shared.output} ({len(result.rows)} rows, {fmt})")
    raise typer.Exit(EXIT_FOUND if len(result.rows) else EXIT_NOTHING_FOUND)


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
