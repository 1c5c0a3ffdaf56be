"""A usage error (a wrong option, a missing argument) as one line a clerk can act on."""

from __future__ import annotations

from typing import Any

from dutycli.cli import typer_internals
from dutycli.completion.command_table import GLOBAL_VALUE_OPTIONS
from dutycli.i18n import t

# Typer validates with pydantic; its wording is for programmers, not for clerks.
_PYDANTIC_WORDING = {
    "Value error, ": "",
    "Input should be a valid integer, unable to parse string as an integer": "not a whole number",
}
GLOBAL_OPTIONS = (*GLOBAL_VALUE_OPTIONS, "--version", "--no-pager")


def from_environment(ctx: Any, name: str) -> bool:
    """Whether the value of parameter ``name`` came from its environment variable."""
    source = ctx.get_parameter_source(name)
    return getattr(source, "name", None) == "ENVIRONMENT"


def usage_message(exc: typer_internals.UsageError) -> str:
    message = exc.format_message().replace("\n", " ")
    # Click names an option "'--data' (env var: 'DUTYCLI_DATA')" wherever its value came
    # from: name only what the user actually used, the option or the variable.
    param = getattr(exc, "param", None)
    if exc.ctx is not None and param is not None and isinstance(param.envvar, str):
        used = param.envvar if from_environment(exc.ctx, param.name) else param.opts[0]
        message = message.replace(param.get_error_hint(), f"'{used}'")
    for wording, plain in _PYDANTIC_WORDING.items():
        message = message.replace(wording, plain)
    message = typer_internals.usage_words(message)
    command = exc.ctx.command_path if exc.ctx is not None else "dutycli"
    option = getattr(exc, "option_name", None)
    if option in GLOBAL_OPTIONS and command != "dutycli":
        return t(
            "{option} goes before the command: dutycli {option} … {command} …",
            option=option,
            command=command.split()[-1],
        )
    return t("{message} (see '{command} --help')", message=message, command=command)
