"""What one run of dutycli holds: the global options, the shared options, the loaded data.

Kept on Typer's context object, so a command and the helpers it calls find them there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutycli.i18n import t

if TYPE_CHECKING:
    import polars as pl

    from dutycli.store.collection import Collection


@dataclass
class Shared:
    """The values of the shared options (``options.SHARED``) a command was given."""

    strict: bool = False
    dataset: list[str] | None = None
    fmt: Any = None  # options.OutputFormat
    fields: str | None = None
    all_fields: bool = False
    explode: bool = False
    group_by: Any = None  # options.GroupBy
    width: int | None = None
    output: Path | None = None
    excel: bool = False
    header: Any = None  # options.HeaderLanguage
    with_progress: bool = False  # --with-progress: the progress store's latest answers
    period: str | None = None  # --period of --with-progress
    store: Path | None = None  # --store: the progress store


@dataclass
class State:
    data: Path | None = None  # --data
    aliases: Path | None = None  # --aliases
    shared: Shared = field(default_factory=Shared)
    collection: Collection | None = None
    reading: Path | None = None  # the data being read, named when reading it fails
    # The paths set in the environment, not on the command line: path → its variable.
    from_environment: dict[str, str] = field(default_factory=dict)


def state(ctx: Any) -> State:
    """The run's state (``ctx`` is Typer's Context)."""
    found = ctx.find_object(State)
    if found is None:  # a context not made by DutyGroup.main (a completion hook's)
        found = ctx.find_root().obj = State()
    return found  # type: ignore[no-any-return]


def reading(ctx: Any, path: Path) -> None:
    """Note the file being read: a damaged one found while a query reads it is named."""
    state(ctx).reading = path


def load(ctx: Any) -> Collection:
    """The --data datasets and their aliases, read once per run (before Polars: see
    ``store.loader``)."""
    run = state(ctx)
    if run.collection is None:
        from dutycli.errors import DataError
        from dutycli.store import collection

        try:
            run.collection = collection.load(run.data, run.aliases)
        except DataError as exc:
            # A clerk may not know a path was set in the environment: say where it came from.
            for path, variable in run.from_environment.items():
                if str(exc).startswith(path):
                    raise DataError(
                        t("{exc} (the path set by {variable})", exc=exc, variable=variable)
                    ) from None
            raise
        reading(ctx, run.collection.root)
        from dutycli.files import note_input

        # Never written by this run, not even with --force (files.write_output).
        for table in run.collection.tables:
            note_input(table.path, t("the dataset"))
        if run.collection.aliases.path is not None:
            note_input(run.collection.aliases.path, t("the aliases file"))
    return run.collection


def title(ctx: Any) -> str:
    """The title of the datasets a command read (those of --dataset), for a document's head."""
    run = state(ctx)
    if run.collection is None:
        return ""
    from dutycli.store.collection import dataset_name

    chosen = run.shared.dataset
    titles = [
        str(table.meta.get("title") or dataset_name(table.path))
        for table in run.collection.tables
        if not chosen or dataset_name(table.path) in chosen
    ]
    titles = list(dict.fromkeys(titles))
    if len(titles) <= 3:
        return "；".join(titles)
    return f"{titles[0]}等 {len(titles)} 个数据集"


def tasks(ctx: Any) -> pl.DataFrame | pl.LazyFrame:
    """The tasks the shared options choose: the --dataset ones, as written with --strict."""
    loaded = load(ctx)
    from dutycli.query import filters
    from dutycli.store import collection

    shared = state(ctx).shared
    frame = collection.only(loaded, shared.dataset)
    return filters.explicit_only(frame) if shared.strict else frame


def all_tasks(ctx: Any) -> pl.DataFrame:
    """The tasks in memory, for whole-table analysis: a scanned dataset is read here."""
    from dutycli.query.filters import collect

    return collect(tasks(ctx))


def arg(text: str) -> str:
    """A query argument as typed: UTF-8 bytes that an ASCII locale decoded to surrogates
    (LC_ALL=C with PYTHONUTF8=0) are read as the UTF-8 they are."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")
