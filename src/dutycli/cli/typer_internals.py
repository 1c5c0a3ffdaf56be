"""Every use of Typer's private modules, in one place (pyproject pins Typer below 0.30 for them).

- Argument conversion without Pydantic (``install``): Typer 0.29 converts every non-flag
  argument through a Pydantic ``TypeAdapter``; importing
  Pydantic and building the adapters costs about 50 ms, a third of a whole query. dutycli's
  arguments are only text, whole numbers, paths, choices and lists of text, so the common,
  valid case is converted here directly. Anything this module does not recognize, and every
  value it cannot convert, goes to Typer's own converter, so that error messages (and any
  behaviour of a future Typer) stay exactly Typer's.
- Click's exceptions, as Typer vendors them (``UsageError``, ``ClickException``).
- Shell completion: dutycli's zsh script and bash word reading (``register_completion``).
- Help and usage errors in the user's language (``install_language``, ``translated``,
  ``usage_words``): Click's formatter at the terminal's width, wrapping by display width;
  arguments and option values named as Click names them (``UNIT``, ``N``), not ``{UNIT}`` or
  ``<str>``; Click's section titles and error sentences through dutycli's catalog.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer._click import core as click_core
from typer._click import exceptions as click_exceptions
from typer._click import formatting as click_formatting

from dutycli.cli import help_text
from dutycli.i18n import t
from dutycli.output.text import display_width

try:  # Without these dutycli simply runs at Typer's own speed.
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path
except ImportError:  # pragma: no cover - a Typer without this layout
    RuntimeParam = None  # type: ignore[assignment,misc]

# Typer vendors Click; its exceptions are what a bad command line raises.
UsageError = click_exceptions.UsageError
ClickException = click_exceptions.ClickException

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class _Unconvertible(Exception):
    """This module cannot convert the value: let Typer do it (and word the error)."""


def _leaf(annotation: Any, value: Any, param: Any, ctx: Any) -> Any:
    info = param.type_descriptor.parameter_info
    if info.parser is not None or getattr(info, "click_type", None) is not None:
        raise _Unconvertible
    if annotation is str and isinstance(value, str):
        return value
    if annotation is int and isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        if info.min is not None or info.max is not None:
            raise _Unconvertible  # a range (--top's min=0) is Typer's to check and word
        return int(value)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        try:
            return coerce_cli_choice(
                value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx
            )
        except ValueError:
            raise _Unconvertible from None
    if annotation is Path and isinstance(value, str) and info.path_type is None:
        # With a Path already made, Typer's path check (exists, readable...) needs no Pydantic.
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    raise _Unconvertible


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _FastParam(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation = self.annotation
            try:
                origin: Any = get_origin(annotation)
                if origin is list and isinstance(value, (list, tuple)):
                    (item_type,) = get_args(annotation)
                    return [_leaf(item_type, item, param, ctx) for item in value]
                return _leaf(annotation, value, param, ctx)
            except _Unconvertible:
                typer_own = build_runtime_param(param.type_descriptor)
                return typer_own._coerce_value(value, param=param, ctx=ctx)


def install(command: Any, ctx: Any) -> None:
    """Give every parameter of ``command`` (its help option too) the fast converter."""
    if RuntimeParam is None:  # pragma: no cover
        return
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
            continue
        if descriptor.file_annotation is not None:
            continue
        try:
            fast = _FastParam(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )
        except TypeError:  # pragma: no cover - a Typer whose RuntimeParam changed shape
            return
        param._runtime_param = fast


# --- shell completion: dutycli's zsh script and bash word reading -----------------------


def register_completion(zsh_script: str, unsplit: Any) -> None:
    """Typer's completion machinery with dutycli's zsh script (``source_zsh``,
    ``--install-completion``) and bash reading ``--data=FILE`` whole (``unsplit``)."""
    from typer import _completion_shared
    from typer._click.shell_completion import add_completion_class
    from typer._completion_classes import BashComplete, ZshComplete

    class DutyZshComplete(ZshComplete):
        source_template = zsh_script

    class DutyBashComplete(BashComplete):
        def get_completion_args(self) -> tuple[list[str], str]:
            args, incomplete = super().get_completion_args()
            return unsplit(args, incomplete)  # type: ignore[no-any-return]

    add_completion_class(DutyZshComplete, "zsh")
    add_completion_class(DutyBashComplete, "bash")
    scripts = getattr(_completion_shared, "_completion_scripts", None)
    if isinstance(scripts, dict):
        scripts["zsh"] = zsh_script


def completion_hook(param: Any) -> Any:
    """The ``autocompletion=`` function a Typer parameter was declared with, or None."""
    descriptor = getattr(param, "type_descriptor", None)
    return getattr(getattr(descriptor, "parameter_info", None), "autocompletion", None)


# --- help and Click's own words in the user's language ----------------------------------
#
# Help texts stay English literals in the code; they, Click's section titles and its error
# sentences are put into the user's language when they are shown (the language is asked of
# the environment on each run, not at import).

# Click's words Typer passes through gettext, for help pages: the rest (its errors) are
# translated as whole sentences by ``usage_words``.
_HELP_WORDS = {"Arguments", "Options", "Commands", "default: {default}", "required"}
_HELP_WORDS |= {"env var: {var}", "(dynamic)"}


def _gettext(message: str) -> str:
    return t(message) if message in _HELP_WORDS else message


class HelpFormatter(click_formatting.HelpFormatter):
    """Click's help formatter at the terminal's width, wrapping by display width."""

    def __init__(
        self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None
    ) -> None:
        super().__init__(indent_increment, width=width or help_text.help_width())

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        head = f"{t('Usage: ') if prefix is None else prefix:>{self.current_indent}}{prog} "
        rest = " " * min(display_width(head), self.width // 2)
        self.write("\n".join(help_text.wrap(args, self.width, head, rest)) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{t('{heading}:', heading=heading)}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(help_text.fill(text, self.width, indent, indent) + "\n")

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max(display_width(first) for first, _ in rows), col_max) + col_spacing
        indent = " " * self.current_indent
        text_width = max(self.width - first_col - self.current_indent, 10)
        for first, second in rows:
            if not second:
                self.write(f"{indent}{first}\n")
                continue
            lines = help_text.fill(second, text_width).split("\n")
            if display_width(first) <= first_col - col_spacing:
                self.write(f"{indent}{first}{' ' * (first_col - display_width(first))}")
            else:
                self.write(f"{indent}{first}\n{indent}{' ' * first_col}")
            self.write(
                "\n".join(
                    [
                        lines[0],
                        *(
                            " " * (first_col + len(indent)) + line if line else ""
                            for line in lines[1:]
                        ),
                    ]
                )
                + "\n"
            )


def _usage_display_name(self: Any) -> str:
    """An argument on the usage line as Click writes it: ``UNIT``, ``[UNIT]``, ``KEYWORD...``
    (Typer 0.29 writes ``{UNIT}`` and ``{KEYWORD...}...``)."""
    name = self.metavar or self.name.upper()
    if self.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if self.required else f"[{name}]"


def _argument_type(self: Any, ctx: Any) -> str | None:
    """An argument's name says what it is: no ``<str>`` or ``<list[str]>`` beside it."""
    return None


_TYPE_WORDS = {"int": "N", "float": "NUMBER", "str": "TEXT", "Path": "PATH"}


def _option_type(self: Any, ctx: Any) -> str | None:
    """An option's value as a word (``N``, ``[lead|partner|any]``), never a Python type."""
    if self.metavar is not None:
        return str(self.metavar)
    descriptor = self.type_descriptor
    if descriptor.is_choice:
        words = self.display_type(ctx).strip("<>")
        return f"[{words}]"
    annotation = descriptor.annotation
    for item in get_args(annotation) or (annotation,):
        if isinstance(item, type) and item.__name__ in _TYPE_WORDS:
            return _TYPE_WORDS[item.__name__]
    return str(self.name).upper()


class _Translated:
    """The help texts of a command (and of the commands a group lists) in the user's
    language while its help is rendered, English again after."""

    def __init__(self, command: Any, ctx: Any) -> None:
        self.objects = [command, *command.get_params(ctx)]
        for name in getattr(command, "list_commands", lambda _: [])(ctx):
            self.objects.append(command.get_command(ctx, name))
        self.saved: list[tuple[Any, str | None, str | None]] = []

    def __enter__(self) -> None:
        for item in self.objects:
            help_, epilog = getattr(item, "help", None), getattr(item, "epilog", None)
            self.saved.append((item, help_, epilog))
            item.help = t(help_) if help_ else help_
            if epilog:
                item.epilog = t(epilog)

    def __exit__(self, *exc: object) -> None:
        for item, help_, epilog in self.saved:
            item.help = help_
            if epilog:
                item.epilog = epilog


def translated(command: Any, ctx: Any) -> _Translated:
    return _Translated(command, ctx)


def write_examples(formatter: Any, examples: Sequence[str]) -> None:
    """The examples that end a help page, under 示例 / Examples."""
    if examples:
        with formatter.section(t("Examples")):
            for example in examples:
                formatter.write(f"{'':>{formatter.current_indent}}{example}\n")


def write_commands(formatter: Any, rows: list[tuple[str, str]]) -> None:
    if rows:
        with formatter.section(t("Commands")):
            formatter.write_dl(rows)


def install_language() -> None:
    """Have Typer render help through dutycli's formatter and words (called once, by cli.app)."""
    from typer import core

    core._ = _gettext  # type: ignore[attr-defined]
    click_core.Context.formatter_class = HelpFormatter
    core.TyperArgument._usage_display_name = _usage_display_name  # type: ignore[method-assign]
    core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign]
    core.TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]


# Click's error sentences (as the vendored Click words them) and dutycli's templates for them.
_CLICK_SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"No such command (?P<name>.+?)\.(?: Did you mean (?P<close>.+)\?)?$", "no such command"),
        (r"Missing command\.$", "Missing command."),
        (r"Missing argument (?P<name>.+?)\.$", "Missing argument {name}."),
        (r"Missing option (?P<name>.+?)\.$", "Missing option {name}."),
        (r"No such option: (?P<option>\S+)(?: Did you mean (?P<close>\S+)\?)?$", "no such option"),
        (
            r"No such option: (?P<option>\S+) \(Possible options: (?P<close>.+)\)$",
            "no such option",
        ),
        (
            r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$",
            "Got unexpected extra argument(s) ({args})",
        ),
        (
            r"Option (?P<option>'[^']+') requires an argument\.$",
            "Option {option} requires an argument.",
        ),
        (
            r"Option (?P<option>'[^']+') requires (?P<count>\d+) arguments\.$",
            "Option {option} requires {count} arguments.",
        ),
        (
            r"Option (?P<option>'[^']+') does not take a value\.$",
            "Option {option} does not take a value.",
        ),
        (
            r"Invalid value for (?P<param>.+?): (?P<reason>.*)$",
            "Invalid value for {param}: {reason}",
        ),
    )
)
_CLICK_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"(?P<value>.+) is not one of (?P<choices>.+)\.$", "{value} is not one of {choices}."),
        (
            r"(?P<value>.+) is not in the range (?P<range>.+)\.$",
            "{value} is not in the range {range}.",
        ),
        (r"Value (?P<value>.+) is not a valid (?P<kind>.+)\.$", "{value} is not a valid {kind}."),
        (r"not a whole number$", "not a whole number"),
        (
            r"Input should be greater than or equal to (?P<limit>\S+)$",
            "Input should be greater than or equal to {limit}",
        ),
        (
            r"Input should be less than or equal to (?P<limit>\S+)$",
            "Input should be less than or equal to {limit}",
        ),
        (r"(?P<value>.+) is not a valid (?P<kind>.+)\.$", "{value} is not a valid {kind}."),
    )
)


def _sentence(message: str, sentences: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    for pattern, template in sentences:
        match = pattern.match(message)
        if match is None:
            continue
        values = {k: v for k, v in match.groupdict().items() if v is not None}
        if template == "no such command":
            if "close" in values:
                return t("No such command {name}; did you mean {close}?", **values)
            return t("No such command {name}.", **values)
        if template == "no such option":
            if "close" in values:
                return t("No such option {option}; did you mean {close}?", **values)
            return t("No such option {option}.", **values)
        if "reason" in values:
            values["reason"] = _sentence(values["reason"], _CLICK_REASONS) or values["reason"]
        return t(template, **values)
    return None


def usage_words(message: str) -> str:
    """A usage error of Click's, one line, in the user's language (as it is when unknown)."""
    return _sentence(message, _CLICK_SENTENCES) or message
