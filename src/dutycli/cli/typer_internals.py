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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer._click import exceptions as click_exceptions

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
