"""The ``autocompletion=`` hooks the options give Typer, used when Typer itself answers a TAB
(one the fast path, ``protocol``, does not recognise). Typer keeps only the values that start
with the typed word, so part-matches come from the fast path alone.

Each hook is named ``complete_KIND``; the generated command table reads the kind from it.
"""

from __future__ import annotations

# completion.values.Item, written out: Typer evaluates a hook's annotations, and values is
# imported on a TAB only.
Item = tuple[str, str]

TYPE_CHECKING = False  # not typing's: see dutycli.completion.values
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Hook = Callable[[object, str], list[Item]]

PREFIX = "complete_"


# ``ctx`` is Typer's Context. The hooks type it ``object``: Typer evaluates their annotations
# at run time, and this module imports neither Typer nor typing.
def _from_context(kind: str, ctx: Any, incomplete: str) -> list[Item]:
    # Imported on a TAB only: every command imports the hooks its options name.
    from dutycli.completion.values import Request, values

    data = ctx.find_root().params.get("data")
    params = ctx.params
    role = params.get("role")
    wanted = Request(
        kind,
        incomplete,
        ctx.info_name,
        str(data) if data else None,
        list(params.get("dataset") or []),
        role=getattr(role, "value", role),
        explode=bool(params.get("explode")),
    )
    return values(wanted)


def _hook(kind: str) -> Hook:
    def complete(ctx: object, incomplete: str) -> list[Item]:
        return _from_context(kind, ctx, incomplete)

    complete.__name__ = complete.__qualname__ = PREFIX + kind
    return complete


def kind_of(hook: object) -> str | None:
    """The kind a hook completes (``complete_unit`` → ``unit``), None for anything else."""
    name = getattr(hook, "__name__", "")
    return name[len(PREFIX) :] if name.startswith(PREFIX) else None


complete_unit = _hook("unit")
complete_partner = _hook("partner")
complete_leader = _hook("leader")
complete_target = _hook("target")
complete_section = _hook("section")
complete_task = _hook("task")
complete_field = _hook("field")
complete_format = _hook("format")
complete_dataset = _hook("dataset")
