"""How a command is declared: one decorated function, its shared options named, its result
kind beside it.

``@command("by-unit", kind="tasks", shared=ROWS)`` gives the function the shared options
(``options.SHARED``) after its own, reads the data before the function runs when the command
takes ``--dataset`` (and so before it imports Polars: see ``store.loader``), and writes the
``Result`` it returns in the chosen format and exits 0 (rows) or 1 (none). ``cli.app`` adds
every declared command to the Typer app; completion's table is generated from them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dutycli.cli import session
from dutycli.cli.options import SHARED


@dataclass(frozen=True)
class CommandSpec:
    name: str
    kind: str | None  # a key of schema.RESULT_KINDS; None for a command that writes no rows
    callback: Callable[..., Any]  # what Typer calls: the function with the shared options
    group: str | None = None  # a command of a group (``dutycli progress forms``): its name


SPECS: list[CommandSpec] = []
# Groups of commands (``dutycli progress …``): name → help, in the order --help lists them.
GROUPS = {
    "progress": "Progress tracking (督办): a form for each unit, the filled forms collected, "
    "who is behind.",
}


def command(
    name: str, kind: str | None = None, shared: tuple[str, ...] = (), group: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a command (of ``group``, one of ``GROUPS``, if given); its function takes
    Typer's context first, then its own parameters."""
    unknown = [option for option in shared if option not in SHARED]
    if group is not None and group not in GROUPS:
        raise ValueError(f"{name}: no command group {group!r}")
    if unknown:
        raise ValueError(f"{name}: no shared option {unknown[0]!r}")

    def declare(function: Callable[..., Any]) -> Callable[..., Any]:
        own = _signature(function)
        added = [
            inspect.Parameter(
                option,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=SHARED[option][0],
                default=SHARED[option][1],
            )
            for option in shared
        ]

        def run(ctx: Any, **values: Any) -> None:
            state = session.state(ctx)
            state.shared = session.Shared(**{option: values.pop(option) for option in shared})
            if "dataset" in shared:
                session.load(ctx)
            found = function(ctx, **values)
            if found is not None and "with_progress" in shared:
                from dutycli.cli.progress import progress_columns

                progress_columns(ctx, found)  # --with-progress (else --period is an error)
            if found is not None and kind is not None:
                from dutycli.cli.respond import respond

                if found.kind_name == "tasks":  # else the command said (status --silent)
                    found.kind_name = kind
                found.title = session.title(ctx)
                respond(found, state.shared)

        signature = own.replace(
            parameters=[*own.parameters.values(), *added],
            return_annotation=inspect.Signature.empty,
        )
        run.__signature__ = signature  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
        run.__name__, run.__qualname__ = function.__name__, function.__qualname__
        run.__doc__, run.__module__ = function.__doc__, function.__module__
        SPECS.append(CommandSpec(name, kind, run, group))
        return function

    return declare


def _signature(function: Callable[..., Any]) -> inspect.Signature:
    """The function's parameters with their annotations evaluated, as Typer reads them (the
    return annotation, a Result imported for type checking only, is left as written)."""
    own = inspect.signature(function)
    scope = function.__globals__
    parameters = [
        p.replace(annotation=eval(p.annotation, scope)) if isinstance(p.annotation, str) else p
        for p in own.parameters.values()
    ]
    return own.replace(parameters=parameters)
