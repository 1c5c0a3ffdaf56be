"""The Typer app: global options, every declared command, and errors turned into exit codes.

Heavy imports (Polars, Rich, PyYAML, Pydantic) happen inside the commands that need them,
never at module level anywhere on the paths of ``--help``, ``--version`` and TAB: see
docs/architecture.md.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from dutycli import __version__
from dutycli.cli import help_text, session, typer_internals
from dutycli.cli.commands import register_all
from dutycli.cli.registry import GROUPS, SPECS
from dutycli.cli.usage import from_environment, usage_message
from dutycli.completion.command_table import GLOBAL_VALUE_OPTIONS
from dutycli.errors import (
    EXIT_FOUND,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    DutyError,
    OutputClosed,
    OutputError,
    QueryError,
    engine_failure,
)
from dutycli.i18n import t

typer_internals.install_language()


class DutyCommand(TyperCommand):
    """A command whose help is in the user's language and ends with examples."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with typer_internals.translated(self, ctx):
            super().format_help(ctx, formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        typer_internals.write_examples(formatter, help_text.EXAMPLES.get(_path(ctx), ()))


def _path(ctx: Any) -> str:
    """A command's words after the program's: ``by-unit``, ``progress forms`` (the key of its
    examples: a group's command may share its name with one of the app's)."""
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


class DutySubGroup(TyperGroup):
    """A group of commands (the app, ``dutycli progress``): help in the user's language, each
    command's first sentence whole (wrapped, never cut with "...")."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with typer_internals.translated(self, ctx):
            super().format_help(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        listed = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        rows = [(name, help_text.summary(cmd.help)) for name, cmd in listed if cmd is not None]
        typer_internals.write_commands(formatter, rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        typer_internals.write_examples(formatter, help_text.EXAMPLES.get(_path(ctx), ()))


class DutyGroup(DutySubGroup):
    """The app's command group: the one place that turns errors into messages and exit codes.

    Both the console script and Typer's CliRunner go through ``main``, so tests see
    exactly the messages and exit codes a user sees.
    """

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
        from dutycli.completion.scripts import register

        register()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        **extra: Any,
    ) -> int:
        from dutycli.files import forget_inputs
        from dutycli.output import streams

        state = session.State()
        streams.choose()  # --color and --no-pager are each run's own
        forget_inputs()  # a run in the same process (tests) reads its own files
        streams.readable()
        try:
            try:
                code = int(
                    super().main(
                        args, prog_name, complete_var, standalone_mode=False, obj=state, **extra
                    )
                    or 0
                )
                if code == EXIT_INTERRUPTED:
                    raise KeyboardInterrupt  # Typer turned Ctrl-C into a bare exit code
                return code
            except OSError as exc:
                # Only writes escape as OSError (reads are DataErrors): help or version text
                # into a closed pipe or a full disk.
                raise streams.output_error(exc) from None
        except OutputClosed:
            streams.silence_stdout()
            return OutputClosed.exit_code
        except DutyError as exc:
            if isinstance(exc, OutputError):
                streams.silence_stdout()
            streams.note(str(exc))
            return exc.exit_code
        except typer_internals.UsageError as exc:
            streams.note(usage_message(exc))
            return EXIT_USAGE
        except typer_internals.ClickException as exc:
            streams.note(exc.format_message())
            return exc.exit_code
        except (KeyboardInterrupt, typer.Abort):
            streams.silence_stdout()  # a flush at exit must not block on a pipe nobody reads
            streams.note(t("interrupted"))
            return EXIT_INTERRUPTED
        except BaseException as exc:
            from dutycli.processes import Stopped, end

            if isinstance(exc, Stopped):
                # Killed or hung up while a helper (a browser, LibreOffice) ran: the helper
                # is gone and every file being written removed on the way here; now end
                # as that signal would have.
                end(exc)
            # A scanned Parquet/IPC file is read while a query runs, not when it is opened:
            # damage inside it surfaces here, as a Polars error or a Rust panic.
            failure = engine_failure(exc, state.reading)
            if failure is None:
                raise
            streams.note(str(failure))
            return failure.exit_code

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        typer_internals.write_examples(formatter, help_text.APP_EXAMPLES)

    # Arguments are converted without Pydantic: the group's own, then the command's.
    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        typer_internals.install(self, ctx)
        return super().parse_args(ctx, args)

    def resolve_command(  # type: ignore[override]
        self, ctx: typer.Context, args: list[str]
    ) -> tuple[str | None, Any, list[str]]:
        try:
            name, command, rest = super().resolve_command(ctx, args)
        except typer_internals.UsageError:
            from dutycli.cli.hints import unknown_command

            hint = unknown_command(ctx, args[0]) if args else None
            if hint is not None:  # a name, not a command: say which command finds it
                raise QueryError(hint) from None
            raise
        if command is not None:
            typer_internals.install(command, ctx)
        return name, command, rest


class ColourChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


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
register_all()
_groups = {
    name: typer.Typer(
        name=name,
        cls=DutySubGroup,
        help=text,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        no_args_is_help=True,
    )
    for name, text in GROUPS.items()
}
for spec in SPECS:
    (_groups[spec.group] if spec.group else app).command(spec.name, cls=DutyCommand)(spec.callback)
for name, group in _groups.items():
    if any(spec.group == name for spec in SPECS):
        app.add_typer(group)


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
            readable=False,  # dutycli reads it and words the failure (naming the file)
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
            readable=False,
            help="Name aliases file [default: aliases.yaml beside the dataset(s), if any].",
            show_default=False,
        ),
    ] = None,
    color: Annotated[
        ColourChoice,
        typer.Option(
            "--color",
            help="Colour in tables: auto (a terminal, unless NO_COLOR; FORCE_COLOR or "
            "CLICOLOR_FORCE also into a pipe), always or never.",
        ),
    ] = ColourChoice.auto,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Never page: output longer than the terminal goes through DUTYCLI_PAGER, "
            "else PAGER, else less -FRX, unless this is given.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    from dutycli.output import streams

    streams.choose(color=str(color.value), pager=not no_pager)
    state = session.state(ctx)
    state.data, state.aliases = data, aliases
    for name, path, variable in (
        ("data", data, "DUTYCLI_DATA"),
        ("aliases", aliases, "DUTYCLI_ALIASES"),
    ):
        if path is not None and from_environment(ctx, name):
            state.from_environment[str(path)] = variable
    if ctx.invoked_subcommand is None:
        _summary(ctx)


def _summary(ctx: typer.Context) -> None:
    """The bare ``dutycli``: what is loaded and what to try."""
    loaded = session.load(ctx)
    from dutycli.output import summary
    from dutycli.query.summary import sizes

    counts = sizes(loaded.frame)
    # The commands suggested name the data, unless DUTYCLI_DATA already does.
    data = session.state(ctx).data
    data_option = ""
    if data is not None and str(data) != os.environ.get("DUTYCLI_DATA"):
        import shlex

        data_option = f"--data {shlex.quote(str(data))} "
    if not loaded.several:
        table = loaded.tables[0]
        summary.summary(table.meta, counts, str(table.path), data_option)
        return
    meta = {
        "title": t(
            "{count} datasets: {names}", count=len(loaded.tables), names="、".join(loaded.names)
        )
    }
    summary.summary(meta, counts, str(loaded.root), data_option)


# --- the entry point ----------------------------------------------------------------


def run(argv: list[str]) -> int:
    """Run dutycli with arguments and return the exit code."""
    from typer.main import get_command

    # Typer builds every command before running one; building only the one asked for saves
    # a few ms of each query. Anything else (help, completion, a mistyped name) gets them all.
    name = command_name(argv)
    wanted = [info for info in app.registered_commands if info.name == name]
    every, groups = app.registered_commands, app.registered_groups
    if len(wanted) == 1 and "_DUTYCLI_COMPLETE" not in os.environ:
        # A top-level command: neither the others nor a group's (progress …) are built.
        app.registered_commands, app.registered_groups = wanted, []
    try:
        group = get_command(app)
    finally:
        app.registered_commands, app.registered_groups = every, groups
    code: int = group.main(args=argv, prog_name="dutycli", standalone_mode=False)
    return code


def command_name(argv: list[str]) -> str | None:
    """The command in ``argv``, if it comes before any help option and ``--``."""
    args = iter(argv)
    for arg in args:
        if arg in GLOBAL_VALUE_OPTIONS:
            next(args, None)
        elif arg in ("-h", "--help", "--"):
            return None
        elif not arg.startswith("-"):
            return arg
    return None
