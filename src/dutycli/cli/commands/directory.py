"""Directories: every leader, unit or goal with its task count."""

from typing import TYPE_CHECKING

import typer

from dutycli.cli.options import TABLE, RoleOption, UnitRole
from dutycli.cli.registry import command
from dutycli.cli.session import tasks
from dutycli.i18n import t
from dutycli.schema import UNIT_ROLES

if TYPE_CHECKING:
    from dutycli.output.result import Result


@command("leaders", kind="names", shared=TABLE)
def leaders(ctx: typer.Context) -> "Result":
    """Every leader with the number of tasks (and how many were inherited), most first."""
    return _directory(ctx, "leaders")


@command("units", kind="names", shared=TABLE)
def units(ctx: typer.Context, role: RoleOption = UnitRole.lead) -> "Result":
    """Every lead unit (or partner unit, with --role) with its task count, most first."""
    return _directory(ctx, UNIT_ROLES[role.value])


@command("targets", kind="goals", shared=TABLE)
def targets(ctx: typer.Context) -> "Result":
    """Every goal (目标) with its task count, leaders and lead units."""
    from dutycli.output.result import Result
    from dutycli.query import directories

    return Result(directories.targets(tasks(ctx)))


def _directory(ctx: typer.Context, column: str | tuple[str, ...]) -> "Result":
    from dutycli.output.result import Result
    from dutycli.query import directories

    names: dict[tuple[str, ...], str] = {
        ("leaders",): t("a leader (分管领导)"),
        ("lead_units",): t("a lead unit (牵头单位)"),
        ("partner_units",): t("a partner unit (配合单位)"),
    }
    what = names.get((column,) if isinstance(column, str) else column, t("a unit"))
    why = t("no task names {what}; a table without that column has none", what=what)
    return Result(directories.directory(tasks(ctx), column), why_empty=why)
