"""Datasets themselves: what is loaded, what changed between two, importing and exporting."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dutycli.cli.options import DatasetFormat, ForceOption
from dutycli.cli.registry import command
from dutycli.cli.session import load, reading, state
from dutycli.errors import QueryError
from dutycli.i18n import t

if TYPE_CHECKING:
    from dutycli.output.result import Result


@command("datasets", kind="datasets", shared=("dataset", "fmt", "fields"))
def datasets(ctx: typer.Context) -> "Result":
    """The loaded datasets (--data file or folder) with their goal, task, leader and unit counts."""
    from dutycli.output.result import Result
    from dutycli.query import summary
    from dutycli.store import collection

    loaded = load(ctx)
    chosen = state(ctx).shared.dataset
    wanted = collection.check_names(loaded, chosen) if chosen else None
    frame = collection.only(loaded, wanted) if loaded.several else None
    return Result(summary.overview(loaded.tables, wanted, frame))


@command("diff", kind="changes", shared=("fmt", "fields"))
def diff(
    ctx: typer.Context,
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD", help="The earlier dataset: a file, or a dataset name in --data."
        ),
    ],
    new: Annotated[
        str,
        typer.Argument(
            metavar="NEW", help="The later dataset: a file, or a dataset name in --data."
        ),
    ],
    cutoff: Annotated[
        float,
        typer.Option(
            "--cutoff",
            min=0.0,
            max=1.0,
            help="How similar (0-1) two task texts must be to count as the same task.",
        ),
    ] = 0.6,
) -> "Result":
    """Tasks added, removed, or whose leaders, units, section or item number changed
    between two datasets.

    Tasks are paired by text similarity within the same goal; names are compared through
    the aliases (--aliases, else aliases.yaml beside OLD). Exit 0 when there are
    differences, 1 when there are none.
    """
    from dutycli.store import aliases, collection, loader

    run = state(ctx)
    paths = [collection.resolve(run.data, text) for text in (old, new)]
    sources = [loader.read(path) for path in paths]  # before Polars: see store.loader
    names = aliases.load(aliases.find(run.aliases, paths, None))
    from dutycli.output.result import Result
    from dutycli.query import diff as changes
    from dutycli.query.filters import collect

    tables = []
    for source in sources:
        reading(ctx, source.path)
        tables.append(collect(loader.table(source).frame).to_dicts())
    before, after = tables
    notes: list[str] = []
    found = changes.compare(before, after, names, cutoff, notes)
    from dutycli.output.streams import note

    for message in notes:
        note(message)
    return Result(changes.to_frame(found))


@command("import")
def import_source(
    ctx: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(
            help="Source table: .docx, .xlsx, .html, .csv, .tsv, .txt (text copied out of a Word "
            "table), or .doc, .wps, .xls, .et (converted by LibreOffice)."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Dataset to write, in the format its suffix names: .yaml, .parquet or .arrow "
            "(another suffix is refused) [default: YAML on standard output].",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    check: Annotated[
        bool, typer.Option("--check", help="Print the normalization report only; write nothing.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Report every normalized cell, not just the totals."),
    ] = False,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            metavar="NAME",
            help="Excel sheet to read [default: the first with a recognizable header].",
            show_default=False,
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="LABEL=FIELD",
            help="Read the column headed LABEL as FIELD (task, lead_units, leaders, goal, "
            "goal_no, item_no, section, partner_units, deadline; or 工作标准, 牵头单位 …), "
            "for a header label dutycli does not know. Repeatable.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Normalize a source table into a dataset, reporting what was normalized on stderr."""
    from dutycli.files import note_input
    from dutycli.output import streams
    from dutycli.sources.normalize import import_file
    from dutycli.store import writer

    if output is not None and str(output) == "-":
        output = None  # standard output, as for export
    note_input(source, t("the source table"))
    kind = "yaml"
    if output is not None and not check:
        # Before the import's work and report, not after: a name that is no dataset, an
        # existing file without --force, or the source itself (never, even with --force).
        kind = writer.import_format(output)
        writer.refuse_existing(output, force)
    from dutycli.sources.header import parse_labels

    labels = parse_labels(column or [])
    document, report = import_file(source, sheet, labels)
    for line in report.lines() if verbose or check else []:
        streams.note(line)
    streams.note(
        t(
            "{name}: {count} goals, {count2} tasks; {summary}",
            name=source.name,
            count=len(document["goals"]),
            count2=len(document["tasks"]),
            summary=report.summary(),
        )
    )
    if check:
        return
    if output is None:
        from dutycli.store import yaml_file

        streams.write_text(yaml_file.dump(document))
        return
    writer.write_document(document, output, kind, force)
    streams.note(
        t(
            "wrote {output} ({count} tasks, {kind})",
            output=output,
            count=len(document["tasks"]),
            kind=kind,
        )
    )


@command("export", shared=("dataset",))
def export_dataset(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="File to write, e.g. tasks.parquet; - writes to stdout (with --format).",
        ),
    ],
    fmt: Annotated[
        DatasetFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="parquet, ipc (Arrow IPC / Feather) or yaml [default: from the suffix of -o]",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write the dataset (--data) as Parquet, Arrow IPC or YAML; Parquet queries large tables fastest."""
    from dutycli.output import streams
    from dutycli.query.filters import collect
    from dutycli.store import collection, writer

    loaded = load(ctx)
    tables = loaded.tables
    chosen = state(ctx).shared.dataset
    if chosen:
        wanted = collection.check_names(loaded, chosen)
        tables = [t for t in tables if collection.dataset_name(t.path) in wanted]
    if len(tables) > 1:
        names = [collection.dataset_name(t.path) for t in tables]
        raise QueryError(
            t(
                "export writes one dataset; --data names {count} ({names}): choose one with --dataset NAME",
                count=len(tables),
                names=", ".join(names),
            )
        )
    table = tables[0]

    kind = writer.format_for(output, fmt.value if fmt is not None else None)
    to_stdout = str(output) == "-"
    if to_stdout and kind != "yaml" and streams.current().stdout_is_terminal():
        raise QueryError(
            t(
                "{label} is binary, not for a terminal: use -o FILE or a pipe",
                label=writer.LABELS[kind],
            )
        )
    frame = collect(table.frame)
    if to_stdout:
        streams.write_bytes(writer.dataset_bytes(frame, table.meta, table.goals, kind))
        return
    writer.write_dataset(frame, table.meta, table.goals, output, kind, force)
    streams.note(
        t("wrote {output} ({count} tasks, {kind})", output=output, count=len(frame), kind=kind)
    )
