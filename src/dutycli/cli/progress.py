"""What the progress store (督办) adds to the commands: which store, and the columns of
``--with-progress`` on a list of tasks (``registry.command`` applies them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutycli.cli.session import load, state
from dutycli.errors import QueryError
from dutycli.i18n import t

if TYPE_CHECKING:
    from dutycli.output.result import Result


def store_path(ctx: Any, given: Path | None, must_exist: bool = False) -> Path:
    """--store, else the store of the --data dataset: beside a file, in a folder. A command
    that only reads it (``must_exist``) refuses one that is not there: a mistyped --store
    must not read as "no unit has reported"."""
    from dutycli.progress import store

    if given is not None:
        path = given
    else:
        root = load(ctx).root
        path = root / "progress.sqlite" if root.is_dir() else store.default_path(root)
    if must_exist and not path.is_file():
        from dutycli.errors import DataError

        raise DataError(
            t("{path}: no progress store yet (run dutycli progress collect)", path=path)
        )
    return path


def progress_columns(ctx: Any, result: Result) -> None:
    """--with-progress: the latest status and progress of each task's lead units (of
    --period, else of the latest period answered) added to ``result``'s tasks."""
    shared = state(ctx).shared
    if not shared.with_progress:
        if shared.period is not None or shared.store is not None:
            raise QueryError(t("--period and --store go with --with-progress"))
        return
    import polars as pl

    from dutycli.progress import periods, status
    from dutycli.progress import store as progress_store

    period = periods.parse(shared.period).name if shared.period is not None else None
    names = shared.dataset or load(ctx).names
    path = store_path(ctx, shared.store, must_exist=True)
    # Only the status and progress of these datasets' answers are read; a scanned result
    # stays lazy, joined while it is written.
    frame = status.with_dataset(result.frame, names[0])
    had_dataset = "dataset" in result.frame.collect_schema().names()
    found = None
    if isinstance(frame, pl.LazyFrame):
        # Only the answers of the tasks found: their ids read first (the filter's columns and
        # the ids only), the answers of every other task never held.
        found = frame.select("dataset", pl.col("id").alias("task_id")).collect(engine="streaming")
    fields = ("status", "progress")
    answers = progress_store.answers_of(path, list(names), period, fields, found)
    frame = status.with_progress(frame, answers, period)
    result.frame = frame if had_dataset else frame.drop("dataset")
