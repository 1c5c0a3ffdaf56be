"""What a command found, handed to the output: the rows, their kind, what to emphasize."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dutycli.schema import RESULT_KINDS, ResultKind

if TYPE_CHECKING:
    from collections.abc import Callable

    import polars as pl


@dataclass
class Result:
    """The rows a command found, and how a terminal table should show them."""

    frame: pl.DataFrame | pl.LazyFrame  # lazy for a scanned dataset: read once, by ``rows``
    kind_name: str = "tasks"  # a key of schema.RESULT_KINDS, declared beside the command
    highlight_patterns: list[str] = field(default_factory=list)
    highlight_names: list[str] = field(default_factory=list)
    fields_chosen: bool = False  # the user picked columns with --fields: show exactly those
    top: int | None = None  # stats/matrix: how many names the terminal picture shows
    why_empty: str = ""  # what "no rows found" means for this command, when it finds none
    # What a document's title says: the dataset's title, and what was asked (分管领导：陆秋明).
    title: str = ""
    asked: str = ""
    # A document's columns, picked from ``frame`` when it is written (the merges of a Word
    # table need the inherited flags even where they are not shown): None for every column.
    shown: list[str] | None = None
    group_by: str | None = None  # --group-by: goal, leader or unit
    width: int | None = None  # --width of a table
    header: str = "en"  # --header: the column names of a flat format, en or zh (labels)
    # Lines after the table (a report's counts, the units that did not report): a document
    # and the terminal show them below it; CSV, JSON and the other flat formats, which stay
    # one table, leave them on stderr.
    notes: list[str] = field(default_factory=list)
    # matrix: each leader's tasks, a task led by several units counted once (the 任务数 column)
    leader_tasks: dict[str, int] | None = None

    # How many rows were written while a lazy result was read (``sink``); None until then.
    written: int | None = None
    # Said on stderr when the result has no rows, once it is known (search: "a leader's
    # name; try by-leader"): a result that has rows is never searched twice to know it.
    when_empty: Callable[[], None] | None = None

    @property
    def lazy(self) -> pl.LazyFrame | None:
        """The result still unread (a scanned dataset's query), else None."""
        import polars as pl

        return self.frame if isinstance(self.frame, pl.LazyFrame) else None

    def count(self) -> int:
        """How many rows the result has (written as read, or collected)."""
        return self.written if self.written is not None else len(self.rows)

    @property
    def kind(self) -> ResultKind:
        return RESULT_KINDS[self.kind_name]

    @property
    def rows(self) -> pl.DataFrame:
        """The result's rows: a lazy frame is collected here, at the render boundary."""
        import polars as pl

        if isinstance(self.frame, pl.LazyFrame):
            self.frame = self.frame.collect()
        return self.frame
