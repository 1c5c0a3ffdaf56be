"""督办, part one: a form for each unit (``dutycli progress forms``), the filled forms read back
into the progress store (``dutycli progress collect``)."""

from __future__ import annotations

from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dutycli.cli.options import ForceOption, ProgressStoreOption
from dutycli.cli.progress import store_path
from dutycli.cli.registry import command
from dutycli.cli.session import load, state
from dutycli.completion import hooks
from dutycli.errors import EXIT_DATA, OutputError, QueryError
from dutycli.i18n import t

if TYPE_CHECKING:
    from dutycli.store.loader import Table


class FormFormat(str, Enum):
    xlsx = "xlsx"
    docx = "docx"


def _tables(ctx: typer.Context) -> list[Table]:
    from dutycli.store import collection

    loaded = load(ctx)
    chosen = state(ctx).shared.dataset
    if not chosen:
        return loaded.tables
    wanted = collection.check_names(loaded, chosen)
    return [table for table in loaded.tables if collection.dataset_name(table.path) in wanted]


@command("forms", shared=("dataset",), group="progress")
def forms(
    ctx: typer.Context,
    period: Annotated[
        str,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help="The period the forms ask about: 2019Q1, 2019H1, 2019-03 or 2019.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FOLDER",
            help="The folder to write the forms in (made if missing), one UNIT-PERIOD.xlsx each.",
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            metavar="UNIT",
            autocompletion=hooks.complete_unit,
            show_default=False,
            help="Only this unit's form (a lead or a partner unit) [default: every lead unit].",
        ),
    ] = None,
    form_format: Annotated[
        FormFormat,
        typer.Option("--as", help="xlsx (Excel, WPS) or docx (Word) forms."),
    ] = FormFormat.xlsx,
    force: ForceOption = False,
) -> None:
    """Write a form for each lead unit: its tasks (locked) and the columns to fill in.

    Each form lists the tasks the unit leads (角色 牵头) and those it is a partner in (配合),
    with 进展情况, 完成状态 (a drop-down), 存在问题, 下步计划, 填报人 and 联系电话 to fill.
    Hidden in it: the dataset, period, unit and each task's fingerprint, for collect.
    """
    from dutycli import files
    from dutycli.output.streams import note
    from dutycli.progress import forms as made
    from dutycli.progress import periods
    from dutycli.query.filters import collect
    from dutycli.store.collection import dataset_name

    span = periods.parse(period)
    tables = _tables(ctx)
    if len(tables) > 1:
        names = ", ".join(dataset_name(table.path) for table in tables)
        raise QueryError(
            t(
                "forms are made from one dataset; --data names {count} ({names}): choose one with --dataset NAME",
                count=len(tables),
                names=names,
            )
        )
    table = tables[0]
    frame = collect(table.frame)
    units = made.units_of(frame)
    if unit is not None:
        if not made.unit_tasks(frame, unit):
            raise QueryError(t("no task names {unit!r} as its lead or partner unit", unit=unit))
        units = [unit]
    suffix = form_format.value
    targets = [(name, output / made.file_name(name, span.name, suffix)) for name in units]
    existing = [path for _, path in targets if path.exists()]
    if existing and not force:
        raise OutputError(
            t(
                "{path} exists ({count} forms of {total} exist): use --force to replace them",
                path=existing[0],
                count=len(existing),
                total=len(targets),
            )
        )
    taken: dict[Path, str] = {}
    for name, path in targets:
        if path in taken:  # two names made the same safe name
            raise OutputError(
                t(
                    "{unit} and {unit2} would both be written as {path}",
                    unit=taken[path],
                    unit2=name,
                    path=path,
                )
            )
        taken[path] = name
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            t("{path}: cannot make the folder: {reason}", path=output, reason=exc.strerror or exc)
        ) from None
    title = str(table.meta.get("title") or "")
    write = made.write_xlsx if suffix == "xlsx" else made.write_docx
    for name, path in targets:
        tasks = made.unit_tasks(frame, name)
        meta = made.meta_for(dataset_name(table.path), title, span.name, name, tasks)
        try:
            files.write_output(path, partial(write, meta, tasks, span))
        except OSError as exc:
            raise OutputError(
                t("{path}: cannot write: {reason}", path=path, reason=exc.strerror or exc)
            ) from None
        lead = sum(1 for task in tasks if task.role == made.LEAD)
        note(
            t(
                "{path}: {unit}, {count} tasks ({lead} lead, {partner} partner)",
                path=path,
                unit=name,
                count=len(tasks),
                lead=lead,
                partner=len(tasks) - lead,
            )
        )
    note(
        t(
            "wrote {count} forms for {period} in {folder}",
            count=len(targets),
            period=span.name,
            folder=output,
        )
    )


@command("collect", shared=("dataset",), group="progress")
def collect_forms(
    ctx: typer.Context,
    forms: Annotated[
        list[Path],
        typer.Argument(metavar="FORM...", help="Filled forms (.xlsx, .docx) to read back."),
    ],
    store: ProgressStoreOption = None,
) -> None:
    """Read filled forms back and record every answer in the progress store.

    Each form is matched to the dataset and period it was made for. A form collected before
    changes nothing; a different answer for a task is kept as a new version. A form of another
    dataset is refused; a row whose task text changed or was edited, with an unknown 完成状态,
    or added by the unit is not recorded. Exit 0 when every answer was recorded, 2 when a form
    was refused or a row was not recorded.
    """
    from dutycli.files import note_input
    from dutycli.output.streams import note
    from dutycli.progress import collect
    from dutycli.query.filters import collect as collected
    from dutycli.store.collection import dataset_name

    datasets = {
        dataset_name(table.path): dict(collected(table.frame).select("id", "task").iter_rows())
        for table in _tables(ctx)
    }
    where = store_path(ctx, store)
    for path in forms:
        note_input(path, "a form")
    outcomes = []
    for path in forms:
        outcome = collect.collect(path, datasets, where)
        outcomes.append(outcome)
        for line in _report(outcome):
            note(line)
    recorded = [o.recorded for o in outcomes if o.recorded is not None]
    written = sum(len(r.new) + len(r.changed) for r in recorded)
    note(
        t(
            "{forms} forms: {answers} answers recorded ({changed} changed), {already} already "
            "collected, {refused} refused, {rows} rows not recorded; store {store}",
            forms=len(outcomes),
            answers=written,
            changed=sum(len(r.changed) for r in recorded),
            already=sum(1 for r in recorded if r.already),
            refused=sum(1 for o in outcomes if o.refused),
            rows=sum(len(o.problems) for o in outcomes if o.failed),
            store=where,
        )
    )
    if any(outcome.failed for outcome in outcomes):
        raise typer.Exit(EXIT_DATA)


def _report(outcome: object) -> list[str]:
    """The lines of one form in the collect report."""
    from dutycli.progress.collect import Outcome

    assert isinstance(outcome, Outcome)
    name = outcome.file
    if outcome.refused:
        return [t("{file}: refused: {reason}", file=name, reason=outcome.refused)]
    meta, done = outcome.meta, outcome.recorded
    assert meta is not None
    if done is not None and done.already:
        return [t("{file}: already collected, nothing changed", file=name)]
    lines = [f"{name}: {problem}" for problem in outcome.problems]
    lines += [f"{name}: {text}" for text in outcome.notes]
    if done is None:
        lines.append(
            t(
                "{file}: {unit} {period}: nothing filled in, nothing recorded",
                file=name,
                unit=meta.unit,
                period=meta.period,
            )
        )
        return lines
    if done.changed:
        lines.append(
            t(
                "{file}: changed: tasks {ids} (kept as new versions)",
                file=name,
                ids=", ".join(map(str, done.changed)),
            )
        )
    lines.append(
        t(
            "{file}: {unit} {period}: {new} new, {changed} changed, {same} unchanged, "
            "{bad} not recorded, {empty} left empty",
            file=name,
            unit=meta.unit,
            period=meta.period,
            new=len(done.new),
            changed=len(done.changed),
            same=len(done.same),
            bad=len(outcome.problems),
            empty=outcome.empty,
        )
    )
    return lines
