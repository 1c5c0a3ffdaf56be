"""The command-line layer: parse arguments, call queries and render, map errors to exit codes.

Polars and Rich are imported inside the commands that need them, so that
``--help``, ``--version`` and shell completion stay fast.
"""

import contextlib
import os
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from dutycli import __version__, completion
from dutycli.errors import (
    EXIT_FOUND,
    EXIT_INTERRUPTED,
    EXIT_NOTHING_FOUND,
    EXIT_USAGE,
    DutyError,
    OutputClosed,
    OutputError,
    QueryError,
    engine_failure,
)
from dutycli.locations import GLOBAL_VALUE_OPTIONS
from dutycli.schema import FORMATS, SUFFIX_FORMATS, UNIT_ROLES

if TYPE_CHECKING:
    import polars as pl

    from dutycli.collection import Collection
    from dutycli.render import Result


class DutyGroup(TyperGroup):
    """The app's command group: the one place that turns errors into messages and exit codes.

    Both the console script and Typer's CliRunner go through ``main``, so tests see
    exactly the messages and exit codes a user sees.
    """

    reading: Path | None = None  # the dataset being read, named when reading it fails

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = self._run(args, prog_name, complete_var, **extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        # Typer registers its shell scripts while building the app; ours replace its zsh one.
        from dutycli.completion_scripts import register

        register()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        **extra: Any,
    ) -> int:
        from typer._click import exceptions as click_exceptions

        from dutycli.render import note, output_error

        self.reading = None
        _readable_streams()
        try:
            try:
                code = int(
                    super().main(args, prog_name, complete_var, standalone_mode=False, **extra) or 0
                )
                if code == EXIT_INTERRUPTED:
                    raise KeyboardInterrupt  # Typer turned Ctrl-C into a bare exit code
                return code
            except OSError as exc:
                # Only writes escape as OSError (reads are DataErrors): help or version text
                # into a closed pipe or a full disk.
                raise output_error(exc) from None
        except OutputClosed:
            _silence_stdout()
            return OutputClosed.exit_code
        except DutyError as exc:
            if isinstance(exc, OutputError):
                _silence_stdout()
            note(str(exc))
            return exc.exit_code
        except click_exceptions.UsageError as exc:
            note(_usage_message(exc))
            return EXIT_USAGE
        except click_exceptions.ClickException as exc:
            note(exc.format_message())
            return exc.exit_code
        except (KeyboardInterrupt, typer.Abort):
            _silence_stdout()  # a flush at exit must not block on a pipe nobody reads
            note("interrupted")
            return EXIT_INTERRUPTED
        except BaseException as exc:
            # A scanned Parquet/IPC file is read while a query runs, not when it is opened:
            # damage inside it surfaces here, as a Polars error or a Rust panic.
            failure = engine_failure(exc, self.reading)
            if failure is None:
                raise
            note(str(failure))
            return failure.exit_code

    # Arguments are converted without Pydantic (see fastargs): the group's own, then the command's.
    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        from dutycli import fastargs

        fastargs.install(self, ctx)
        return super().parse_args(ctx, args)

    def resolve_command(  # type: ignore[override]
        self, ctx: typer.Context, args: list[str]
    ) -> tuple[str | None, Any, list[str]]:
        from dutycli import fastargs

        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            fastargs.install(command, ctx)
        return name, command, rest


EXIT_CODES_HELP = "Exit codes: 0 rows found; 1 no rows; 2 usage or data error; 130 interrupted."

app = typer.Typer(
    name="dutycli",
    cls=DutyGroup,
    help=(
        "Query a responsibility breakdown table (目标任务责任分解表): who leads which task.\n\n"
        "Output is a table in a terminal and CSV in a pipe; --format chooses."
    ),
    epilog=EXIT_CODES_HELP,
    rich_markup_mode=None,  # plain help and errors: no Rich import on the fast paths
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)

OutputFormat = Enum("OutputFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]

# Options shared by every command that prints rows: declared once, used everywhere.
FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="table, csv, tsv, json, jsonl, md or xlsx [default: from the --output suffix, else table in a terminal and csv otherwise]",
        show_default=False,
        autocompletion=completion.complete_format,
    ),
]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="FIELDS",
        help="Comma-separated fields to output, e.g. id,task,lead_units.",
        show_default=False,
        autocompletion=completion.complete_field,
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Use only values written in each row, not those inherited from merged cells.",
    ),
]
ExactOption = Annotated[
    bool, typer.Option("--exact", help="Match whole names only, not parts of names.")
]
DatasetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--dataset",
        metavar="NAME",
        help="Only this dataset (file name without .yaml) of a --data folder; repeat for more.",
        show_default=False,
        autocompletion=completion.complete_dataset,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (replaced if it exists) instead of standard output; .csv .tsv .json .jsonl .md .xlsx .txt choose the format.",
        show_default=False,
    ),
]
ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV/TSV for Excel and WPS: a UTF-8 BOM, and a ' before cells starting with = + - @ tab or CR so they are not run as formulas.",
    ),
]
ExplodeOption = Annotated[
    bool,
    typer.Option(
        "--explode",
        help="One row per task × leader × lead unit (fields leader, lead_unit), for pivot tables.",
    ),
]
TopOption = Annotated[
    int | None,
    typer.Option(
        "--top",
        metavar="N",
        min=0,
        help="Only the N leaders and N units with most tasks; 0 for all [default: 15 in the terminal, all otherwise].",
        show_default=False,
    ),
]


class UnitRole(str, Enum):
    lead = "lead"
    partner = "partner"
    any = "any"


RoleOption = Annotated[
    UnitRole,
    typer.Option("--role", help="Lead units (牵头), partner units (配合), or either (any)."),
]


class State:
    def __init__(self, data: Path | None, aliases: Path | None) -> None:
        self.data = data
        self.aliases = aliases
        self.collection: Collection | None = None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dutycli {__version__}")
        raise typer.Exit(EXIT_FOUND)


@app.callback()
def main(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="PATH",
            envvar="DUTYCLI_DATA",
            help=(
                "Dataset file (YAML, Parquet or Arrow IPC), or a folder of them, to query "
                "[default: the shipped 2019 武进区 table]."
            ),
            show_default=False,
        ),
    ] = None,
    aliases: Annotated[
        Path | None,
        typer.Option(
            "--aliases",
            metavar="FILE",
            envvar="DUTYCLI_ALIASES",
            help="Name aliases file [default: aliases.yaml beside the dataset(s), if any].",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = State(data, aliases)
    if ctx.invoked_subcommand is None:
        _summary(ctx)


# --- helpers shared by the commands ------------------------------------------------


def _load(ctx: typer.Context) -> "Collection":
    from dutycli import collection

    state: State = ctx.find_object(State) or State(None, None)
    if state.collection is None:
        state.collection = collection.load(state.data, state.aliases)
        _reading(ctx, state.collection.root)
    return state.collection


def _reading(ctx: typer.Context, path: Path) -> None:
    group = ctx.find_root().command
    if isinstance(group, DutyGroup):
        group.reading = path


def _tasks(
    ctx: typer.Context, strict: bool, datasets: list[str] | None = None
) -> "pl.DataFrame | pl.LazyFrame":
    loaded = _load(ctx)
    from dutycli import collection, query

    frame = collection.only(loaded, datasets)
    return query.explicit_only(frame) if strict else frame


def _all_tasks(
    ctx: typer.Context, strict: bool, datasets: list[str] | None = None
) -> "pl.DataFrame":
    """The tasks in memory, for whole-table analysis: a scanned dataset is read here."""
    tasks = _tasks(ctx, strict, datasets)
    from dutycli import query

    return query.collect(tasks)


def _fields(value: str | None) -> list[str] | None:
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


def _respond(
    result: "Result",
    fmt: OutputFormat | None,
    fields: str | None,
    output: Path | None = None,
    excel: bool = False,
    explode: bool = False,
) -> NoReturn:
    """Explode, select fields, render, and exit 0 when rows were found, 1 when none were."""
    from dutycli import query, render

    if explode:
        from dutycli import analysis

        result.frame = analysis.explode(result.rows)
    chosen_fields = _fields(fields)
    result.frame = query.select_fields(result.frame, chosen_fields)
    result.fields_chosen = chosen_fields is not None
    chosen = _format(fmt, output, excel)
    to_file = output is not None and str(output) != "-"
    if result.rows.is_empty() and chosen == "table" and not to_file:
        render.note("no differences" if result.kind == "changes" else "no rows found")
    else:
        render.emit(result, chosen, output, excel)
        if to_file:
            render.note(f"wrote {output} ({len(result.rows)} rows, {chosen})")
    raise typer.Exit(EXIT_FOUND if len(result.rows) else EXIT_NOTHING_FOUND)


def _format(fmt: OutputFormat | None, output: Path | None, excel: bool) -> str:
    """An explicit --format wins; then the --output suffix; then csv for --excel; then the default."""
    from dutycli import render

    if fmt is not None:
        return str(fmt.value)
    if output is not None and str(output) != "-":
        return SUFFIX_FORMATS.get(output.suffix.lower(), "csv")
    return "csv" if excel else render.default_format()


def _resolve_names(
    ctx: typer.Context,
    frame: "pl.DataFrame | pl.LazyFrame",
    column: str | tuple[str, ...],
    queries: list[str],
    exact: bool,
) -> list[str]:
    from dutycli import query, render

    aliases = _load(ctx).aliases
    names: list[str] = []
    for text in queries:
        match = query.match_names(frame, column, text, exact, aliases)
        if len(match.names) > 1:
            _, plural = query.column_kind(column)
            render.note(f"{text!r} matches {len(match.names)} {plural}: {', '.join(match.names)}")
        names += [n for n in match.names if n not in names]
    return names


def _goal_keys(frame: "pl.DataFrame | pl.LazyFrame", targets: list[str]) -> "pl.DataFrame":
    """The goals the targets name (per dataset when several are loaded), as goal_key rows."""
    import polars as pl

    from dutycli import query, render

    keys = []
    for target in targets:
        found = query.match_goal_keys(frame, target)
        if len(found) > 1:
            shown = [" ".join(map(str, row)) for row in found.iter_rows()]
            render.note(f"{target!r} matches {len(found)} goals: {', '.join(shown)}")
        keys.append(found)
    return pl.concat(keys)


def _summary(ctx: typer.Context) -> None:
    loaded = _load(ctx)
    from dutycli import query, render

    counts = query.sizes(loaded.frame)
    # The commands suggested name the data, unless DUTYCLI_DATA already does.
    state: State = ctx.obj
    data_option = ""
    if state.data is not None and str(state.data) != os.environ.get("DUTYCLI_DATA"):
        import shlex

        data_option = f"--data {shlex.quote(str(state.data))} "
    if not loaded.several:
        table = loaded.tables[0]
        render.summary(table.meta, counts, str(table.path), data_option)
        return
    meta = {"title": f"{len(loaded.tables)} 个数据集：{'、'.join(loaded.names)}"}
    render.summary(meta, counts, str(loaded.root), data_option)


# --- query commands ----------------------------------------------------------------


@app.command("by-unit")
def by_unit(
    ctx: typer.Context,
    unit: Annotated[
        str,
        typer.Argument(
            metavar="UNIT",
            help="Unit name or part of one, e.g. 发改局 or 纪委.",
            autocompletion=completion.complete_unit,
        ),
    ],
    role: RoleOption = UnitRole.lead,
    exact: ExactOption = False,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    explode: ExplodeOption = False,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Tasks whose lead units (or partner units, with --role) include a matching unit."""
    frame = _tasks(ctx, strict, dataset)  # before importing Polars: see loader.load
    from dutycli import query
    from dutycli.render import Result

    columns = UNIT_ROLES[role.value]
    names = _resolve_names(ctx, frame, columns, [_arg(unit)], exact)
    _respond(
        Result(query.with_names(frame, columns, names), highlight_names=names),
        fmt,
        fields,
        output,
        excel,
        explode,
    )


@app.command("by-leader")
def by_leader(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="Leader name or part of one, e.g. 陆秋明 or 张.",
            autocompletion=completion.complete_leader,
        ),
    ],
    exact: ExactOption = False,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    explode: ExplodeOption = False,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Tasks whose leaders in charge include a matching name."""
    frame = _tasks(ctx, strict, dataset)  # before importing Polars: see loader.load
    from dutycli import query
    from dutycli.render import Result

    names = _resolve_names(ctx, frame, "leaders", [_arg(name)], exact)
    _respond(
        Result(query.with_names(frame, "leaders", names), highlight_names=names),
        fmt,
        fields,
        output,
        excel,
        explode,
    )


@app.command("by-target")
def by_target(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="TARGET",
            help="Goal number (4) or part of a goal name (营商环境).",
            autocompletion=completion.complete_target,
        ),
    ],
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    explode: ExplodeOption = False,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Tasks of a goal (目标), by its number or part of its name."""
    frame = _tasks(ctx, strict, dataset)  # before importing Polars: see loader.load
    from dutycli import query
    from dutycli.render import Result

    keys = _goal_keys(frame, [_arg(target)])
    _respond(Result(query.with_goal_keys(frame, keys)), fmt, fields, output, excel, explode)


@app.command("search")
def search(
    ctx: typer.Context,
    keywords: Annotated[
        list[str],
        typer.Argument(metavar="KEYWORD...", help="Words the task text or goal name must contain."),
    ],
    match_any: Annotated[
        bool, typer.Option("--any", help="Match tasks containing any keyword, not all.")
    ] = False,
    regex: Annotated[
        bool, typer.Option("--regex", help="Read keywords as regular expressions.")
    ] = False,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    explode: ExplodeOption = False,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Tasks whose text (or goal name) contains every keyword; Latin letters ignore case."""
    frame = _tasks(ctx, strict, dataset)  # before importing Polars: see loader.load
    from dutycli import query
    from dutycli.render import Result

    patterns = query.keyword_patterns([_arg(k) for k in keywords], regex)
    found = query.with_keywords(frame, patterns, match_any)
    _respond(Result(found, highlight_patterns=patterns), fmt, fields, output, excel, explode)


@app.command("list")
def list_tasks(
    ctx: typer.Context,
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="UNIT",
            help="Lead unit (repeat for more; any of them matches).",
            autocompletion=completion.complete_unit,
        ),
    ] = None,
    partner: Annotated[
        list[str] | None,
        typer.Option(
            "--partner",
            "-p",
            metavar="UNIT",
            help="Partner unit, 配合单位 (repeat for more; any of them matches).",
            autocompletion=completion.complete_partner,
        ),
    ] = None,
    leader: Annotated[
        list[str] | None,
        typer.Option(
            "--leader",
            "-l",
            metavar="NAME",
            help="Leader (repeat for more; any of them matches).",
            autocompletion=completion.complete_leader,
        ),
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            metavar="TARGET",
            help="Goal number or name part (repeat for more; any of them matches).",
            autocompletion=completion.complete_target,
        ),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option(
            "--keyword",
            "-k",
            metavar="WORD",
            help="Keyword in task text (repeat for more; any of them matches).",
        ),
    ] = None,
    exact: ExactOption = False,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    explode: ExplodeOption = False,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Every task, narrowed by any mix of filters (different filters AND, a repeated one OR)."""
    frame = _tasks(ctx, strict, dataset)  # before importing Polars: see loader.load
    from dutycli import query
    from dutycli.render import Result

    unit, leader = [_arg(u) for u in unit or []], [_arg(n) for n in leader or []]
    target, keyword = [_arg(t) for t in target or []], [_arg(k) for k in keyword or []]
    partner = [_arg(p) for p in partner or []]
    found = frame
    names: list[str] = []
    if unit:
        units = _resolve_names(ctx, frame, "lead_units", unit, exact)
        names += units
        found = query.with_names(found, "lead_units", units)
    if partner:
        partners = _resolve_names(ctx, frame, "partner_units", partner, exact)
        names += partners
        found = query.with_names(found, "partner_units", partners)
    if leader:
        leaders = _resolve_names(ctx, frame, "leaders", leader, exact)
        names += leaders
        found = query.with_names(found, "leaders", leaders)
    if target:
        found = query.with_goal_keys(found, _goal_keys(frame, target))
    patterns = query.keyword_patterns(keyword, regex=False) if keyword else []
    found = query.with_keywords(found, patterns, match_any=True)
    _respond(
        Result(found, highlight_patterns=patterns, highlight_names=names),
        fmt,
        fields,
        output,
        excel,
        explode,
    )


@app.command("show")
def show(
    ctx: typer.Context,
    task_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", help="Task id (the 编号 column).", autocompletion=completion.complete_task
        ),
    ],
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """One task in full, with where each leader and unit value came from."""
    frame = _tasks(ctx, strict, dataset)  # before importing Polars: see loader.load
    from dutycli import query
    from dutycli.render import Result

    task = query.with_sources(frame, query.task_by_id(frame, task_id))
    _respond(Result(task, kind="record"), fmt, fields, output, excel)


def _directory(
    ctx: typer.Context,
    column: str | tuple[str, ...],
    strict: bool,
    datasets: list[str] | None,
    fmt: OutputFormat | None,
    fields: str | None,
    output: Path | None,
    excel: bool,
) -> NoReturn:
    frame = _tasks(ctx, strict, datasets)
    from dutycli import query
    from dutycli.render import Result

    _respond(Result(query.directory(frame, column), kind="names"), fmt, fields, output, excel)


@app.command("leaders")
def leaders(
    ctx: typer.Context,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Every leader with the number of tasks (and how many were inherited), most first."""
    _directory(ctx, "leaders", strict, dataset, fmt, fields, output, excel)


@app.command("units")
def units(
    ctx: typer.Context,
    role: RoleOption = UnitRole.lead,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Every lead unit (or partner unit, with --role) with its task count, most first."""
    _directory(ctx, UNIT_ROLES[role.value], strict, dataset, fmt, fields, output, excel)


@app.command("targets")
def targets(
    ctx: typer.Context,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Every goal (目标) with its task count, leaders and lead units."""
    frame = _tasks(ctx, strict, dataset)
    from dutycli import query
    from dutycli.render import Result

    _respond(Result(query.targets(frame), kind="goals"), fmt, fields, output, excel)


# --- analysis commands ------------------------------------------------------------


@app.command("stats")
def stats(
    ctx: typer.Context,
    top: TopOption = None,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """The dataset at a glance: totals, and bar charts of tasks per leader and per unit."""
    frame = _all_tasks(ctx, strict, dataset)
    from dutycli import analysis
    from dutycli.render import Result

    found = analysis.stats(frame)
    if top is not None:
        found = analysis.top(found, top)
    _respond(Result(found, kind="stats", top=top), fmt, fields, output, excel)


@app.command("matrix")
def matrix(
    ctx: typer.Context,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            metavar="N",
            min=0,
            help="Show only the N units with most tasks in the terminal; 0 for all [default: 12]. Files and pipes always get every unit.",
            show_default=False,
        ),
    ] = None,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Leaders × lead units: how many tasks each pair shares (a pivot table in CSV and xlsx)."""
    frame = _all_tasks(ctx, strict, dataset)
    from dutycli import analysis
    from dutycli.render import Result

    _respond(Result(analysis.matrix(frame), kind="matrix", top=top), fmt, fields, output, excel)


@app.command("metrics")
def metrics(
    ctx: typer.Context,
    strict: StrictOption = False,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    explode: ExplodeOption = False,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Quantitative targets in the task texts (增长7%左右, 新增1160家…), one row per number."""
    frame = _all_tasks(ctx, strict, dataset)
    from dutycli import analysis
    from dutycli.render import Result

    _respond(
        Result(analysis.metric_rows(frame), kind="metrics"), fmt, fields, output, excel, explode
    )


# --- dataset commands --------------------------------------------------------------


@app.command("datasets")
def datasets(
    ctx: typer.Context,
    dataset: DatasetOption = None,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """The loaded datasets (--data file or folder) with their goal, task, leader and unit counts."""
    loaded = _load(ctx)
    from dutycli import collection
    from dutycli.render import Result

    wanted = collection.check_names(loaded, dataset) if dataset else None
    _respond(Result(collection.overview(loaded, wanted), kind="datasets"), fmt, fields)


@app.command("diff")
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
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Tasks added, removed, or whose leaders or units changed between two datasets.

    Tasks are paired by text similarity within the same goal; names are compared through
    the aliases (--aliases, else aliases.yaml beside OLD). Exit 0 when there are
    differences, 1 when there are none.
    """
    from dutycli import aliases, collection, loader

    state: State = ctx.obj
    paths = [collection.resolve(state.data, text) for text in (old, new)]
    # Every file is read before Polars is imported: see loader.read.
    sources = [loader.read(path) for path in paths]
    names = aliases.load(aliases.find(state.aliases, paths, None))
    from dutycli import diff as diff_module
    from dutycli.query import collect
    from dutycli.render import Result

    tables = []
    for source in sources:
        _reading(ctx, source.path)
        tables.append(collect(loader.table(source).frame).to_dicts())
    before, after = tables
    changes = diff_module.compare(before, after, names, cutoff)
    _respond(Result(diff_module.to_frame(changes), kind="changes"), fmt, fields)


@app.command("import")
def import_source(
    source: Annotated[
        Path,
        typer.Argument(
            help="Source table: .docx, .xlsx, .csv, .tsv, or .txt (text copied out of a Word table)."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Dataset to write: YAML, or Parquet/Arrow IPC by the suffix (.parquet, .arrow) "
            "[default: YAML on standard output].",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file.")
    ] = False,
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
) -> None:
    """Normalize a source table into a dataset, reporting what was normalized on stderr."""
    from dutycli import dataset, render
    from dutycli.importer import import_file

    if output is not None and not check:
        dataset.refuse_existing(output, force)  # before the import's work and report, not after
    document, report = import_file(source, sheet)
    for line in report.lines() if verbose or check else []:
        render.note(line)
    render.note(
        f"{source.name}: {len(document['goals'])} goals, {len(document['tasks'])} tasks; {report.summary()}"
    )
    if check:
        return
    if output is None:
        render.emit_text(dataset.dump(document))
        return
    from dutycli import columnar

    kind = columnar.SUFFIXES.get(output.suffix.lower(), "yaml")
    if kind == "yaml":
        dataset.write_atomic(dataset.dump(document), output, force)
    else:
        from dutycli.loader import frame_from_records

        meta = {k: v for k, v in document.items() if k != "tasks"}
        columnar.write(frame_from_records(document["tasks"]), meta, output, kind, force)
    render.note(f"wrote {output} ({len(document['tasks'])} tasks, {kind})")


DatasetFormat = Enum("DatasetFormat", {n: n for n in ("parquet", "ipc", "yaml")}, type=str)  # type: ignore[misc]


@app.command("export")
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
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file.")
    ] = False,
    dataset: DatasetOption = None,
) -> None:
    """Write the dataset (--data) as Parquet, Arrow IPC or YAML; Parquet queries large tables fastest."""
    loaded = _load(ctx)
    from dutycli import collection, columnar, query, render

    tables = loaded.tables
    if dataset:
        chosen = collection.check_names(loaded, dataset)
        tables = [t for t in tables if collection.dataset_name(t.path) in chosen]
    if len(tables) > 1:
        names = [collection.dataset_name(t.path) for t in tables]
        raise QueryError(
            f"export writes one dataset; --data names {len(tables)} "
            f"({', '.join(names)}): choose one with --dataset NAME"
        )
    table = tables[0]

    kind = columnar.format_for(output, fmt.value if fmt is not None else None)
    to_stdout = str(output) == "-"
    if to_stdout and kind != "yaml" and sys.stdout.isatty():
        raise QueryError(
            f"{columnar.LABELS[kind]} is binary, not for a terminal: use -o FILE or a pipe"
        )
    frame = query.collect(table.frame)
    if to_stdout:
        render.emit_bytes(columnar.dataset_bytes(frame, table.meta, table.goals, kind))
        return
    columnar.write_dataset(frame, table.meta, table.goals, output, kind, force)
    render.note(f"wrote {output} ({len(frame)} tasks, {kind})")


# --- the entry point: one place for error handling ---------------------------------


def _readable_streams() -> None:
    """Text on stdout/stderr that any locale can carry, never mojibake, never a traceback.

    A locale that cannot encode Chinese (LANG=C without UTF-8 mode, PYTHONIOENCODING=ascii)
    gets UTF-8, the encoding CSV/JSON use anyway. A locale that can (UTF-8, GBK) is kept,
    and a character it cannot encode is written as a visible escape instead of failing.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "中文".encode(encoding)
            change: dict[str, str] = {"errors": "backslashreplace"}
        except (UnicodeEncodeError, LookupError):
            change = {"encoding": "utf-8", "errors": "backslashreplace"}
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A stream that cannot change encoding is kept as it is.
            with contextlib.suppress(ValueError, OSError):
                reconfigure(**change)


def _arg(text: str) -> str:
    """A query argument as typed: UTF-8 bytes that an ASCII locale decoded to surrogates
    (LC_ALL=C with PYTHONUTF8=0) are read as the UTF-8 they are."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")


def _silence_stdout() -> None:
    # Output can no longer be delivered; point stdout at /dev/null so the final flush at exit is quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


GROUP_VALUE_OPTIONS = GLOBAL_VALUE_OPTIONS  # the options before the command that take a value


def run(argv: list[str]) -> int:
    """Run dutycli with arguments and return the exit code."""
    from typer.main import get_command

    # Typer builds every command before running one; building only the one asked for saves
    # a few ms of each query. Anything else (help, completion, a mistyped name) gets them all.
    name = _command_name(argv)
    wanted = [info for info in app.registered_commands if info.name == name]
    every = app.registered_commands
    if len(wanted) == 1 and "_DUTYCLI_COMPLETE" not in os.environ:
        app.registered_commands = wanted
    try:
        group = get_command(app)
    finally:
        app.registered_commands = every
    code: int = group.main(args=argv, prog_name="dutycli", standalone_mode=False)
    return code


def _command_name(argv: list[str]) -> str | None:
    """The command in ``argv``, if it comes before any help option and ``--``."""
    args = iter(argv)
    for arg in args:
        if arg in GROUP_VALUE_OPTIONS:
            next(args, None)
        elif arg in ("-h", "--help", "--"):
            return None
        elif not arg.startswith("-"):
            return arg
    return None


# Typer validates with pydantic; its wording is for programmers, not for clerks.
_PYDANTIC_WORDING = {
    "Value error, ": "",
    "Input should be a valid integer, unable to parse string as an integer": "not a whole number",
}
GLOBAL_OPTIONS = (*GLOBAL_VALUE_OPTIONS, "--version")


def _usage_message(exc: "typer._click.exceptions.UsageError") -> str:
    message = exc.format_message().replace("\n", " ")
    for wording, plain in _PYDANTIC_WORDING.items():
        message = message.replace(wording, plain)
    command = exc.ctx.command_path if exc.ctx is not None else "dutycli"
    option = getattr(exc, "option_name", None)
    if option in GLOBAL_OPTIONS and command != "dutycli":
        return f"{option} goes before the command: dutycli {option} … {command.split()[-1]} …"
    return f"{message} (see '{command} --help')"
