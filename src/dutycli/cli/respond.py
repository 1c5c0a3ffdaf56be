"""The end of every command that finds rows: fields chosen, rows written, exit code set."""

from __future__ import annotations

from typing import NoReturn

import typer

from dutycli.cli.session import Shared
from dutycli.errors import EXIT_FOUND, EXIT_NOTHING_FOUND, QueryError
from dutycli.i18n import t
from dutycli.output.result import Result
from dutycli.schema import DOCUMENT_FORMATS, GROUPED_FORMATS


def respond(result: Result, shared: Shared) -> NoReturn:
    """Explode, select fields, write, and exit 0 when rows were found, 1 when none were."""
    from dutycli.output import emit, streams
    from dutycli.query import fields

    fmt = emit.choose_format(
        str(shared.fmt.value) if shared.fmt is not None else None, shared.output, shared.excel
    )
    to_file = not emit.to_stdout(shared.output)
    if shared.group_by is not None and shared.fmt is None and not to_file and not shared.excel:
        fmt = "table"  # groups are for people: a pipe gets them as a table too, not CSV
    check_layout(result, shared, fmt)
    if shared.explode:
        from dutycli.query import analysis

        result.frame = analysis.explode(result.rows.lazy())
    chosen_fields = parse_fields(shared.fields)
    document = fmt in DOCUMENT_FORMATS or (fmt == "table" and to_file)
    # A table keeps the whole frame too: its ↑ and 等 marks follow flags --fields leaves out.
    if document or shared.group_by is not None or fmt == "table":
        # Picked when written: a Word table's merges follow flags that need not be shown.
        if chosen_fields is not None:
            # An unknown field fails here; a Chinese label (编号) is its field (id).
            chosen_fields = fields.field_names(result.frame, chosen_fields)
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
        result.frame = fields.select_fields(result.frame, chosen_fields)
    result.fields_chosen = chosen_fields is not None
    result.group_by = group_by_name(shared) or result.group_by  # a report groups by goal
    result.width = shared.width
    result.header = header_language(shared, fmt)
    if fmt == "table" and not to_file and result.rows.is_empty():
        if result.when_empty is not None:
            result.when_empty()
        found = t("no differences") if result.kind_name == "changes" else t("no rows found")
        if result.why_empty:
            found = t("{found}: {why}", found=found, why=result.why_empty)
        streams.note(found)
    else:
        emit.emit(result, fmt, shared.output, shared.excel)
        if result.when_empty is not None and not result.count():
            result.when_empty()
        if to_file:
            streams.note(
                t(
                    "wrote {output} ({count} rows, {fmt})",
                    output=shared.output,
                    count=result.count(),
                    fmt="txt" if fmt == "table" else fmt,  # a table in a file is plain text
                )
            )
    raise typer.Exit(EXIT_FOUND if result.count() else EXIT_NOTHING_FOUND)


def check_layout(result: Result, shared: Shared, fmt: str) -> None:
    """--group-by, --width and --all-fields only where they mean something: never ignored."""
    if shared.all_fields and shared.fields is not None:
        raise QueryError(t("--all-fields and --fields both choose the columns: give one of them"))
    if shared.group_by is not None:
        if fmt not in GROUPED_FORMATS:
            raise QueryError(
                t(
                    "--group-by applies to {names} and .txt output, not {fmt}",
                    names=", ".join(GROUPED_FORMATS),
                    fmt=fmt,
                )
            )
        if shared.explode:
            raise QueryError(t("--group-by groups tasks, and --explode splits them: give one"))
        if result.kind_name != "tasks":
            raise QueryError(
                t(
                    "--group-by groups tasks, not {noun}",
                    noun=result.kind.noun.lstrip("个条处位"),
                )
            )
    if shared.width is not None and fmt != "table":
        raise QueryError(
            t("--width applies to a table (the terminal, or a .txt file), not {fmt}", fmt=fmt)
        )


def header_language(shared: Shared, fmt: str) -> str:
    """--header: ``zh`` or ``en``, by default ``zh`` for an --excel CSV (as xlsx), else ``en``;
    only where it changes something, never ignored."""
    from dutycli.schema import FLAT_FORMATS

    if shared.header is None:
        return "zh" if shared.excel else "en"
    chosen = str(shared.header.value)
    if fmt not in FLAT_FORMATS or (fmt == "md" and shared.group_by is not None and chosen == "en"):
        shown = ", ".join(FLAT_FORMATS)
        raise QueryError(
            t(
                "--header applies to {formats} (the others name columns in Chinese), not {fmt}",
                formats=shown,
                fmt=fmt,
            )
        )
    return chosen


def group_by_name(shared: Shared) -> str | None:
    """--group-by as the field it groups by (``牵头单位`` is ``unit``), or None."""
    from dutycli.schema import GROUP_BY_LABELS

    if shared.group_by is None:
        return None
    value = str(shared.group_by.value)
    return GROUP_BY_LABELS.get(value, value)


def parse_fields(value: str | None) -> list[str] | None:
    """The --fields list; an empty or repeated field is an error."""
    if value is None:
        return None
    fields = [f.strip() for f in value.split(",")]
    if not any(fields):
        raise QueryError(t("--fields is empty; name at least one field"))
    if "" in fields:
        raise QueryError(
            t("--fields {value!r} has an empty field name (two commas in a row?)", value=value)
        )
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise QueryError(t("--fields names {names} more than once", names=", ".join(repeated)))
    return fields
