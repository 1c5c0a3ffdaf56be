"""--fields: the columns of a result chosen by field name or by Chinese label."""

from __future__ import annotations

from dutycli.errors import QueryError
from dutycli.i18n import t
from dutycli.names import fold
from dutycli.query.filters import Frame, columns
from dutycli.schema import label


def field_names(frame: Frame, fields: list[str]) -> list[str]:
    """The columns ``fields`` name, each by its name or its Chinese label (``编号`` is ``id``,
    as ``schema.label`` gives it); an unknown field lists the valid ones in both spellings."""
    valid = columns(frame)
    by_label: dict[str, str] = {}
    for name in valid:
        by_label.setdefault(fold(label(name)), name)
    chosen = []
    for field in fields:
        column: str | None = field if field in valid else by_label.get(fold(field))
        if column is None:
            shown = ",".join(f"{c}（{label(c)}）" if label(c) != c else c for c in valid)
            raise QueryError(
                t("unknown field {unknown!r}; valid fields: {names}", unknown=field, names=shown)
            )
        chosen.append(column)
    if len(set(chosen)) < len(chosen):
        twice = sorted({c for c in chosen if chosen.count(c) > 1})
        raise QueryError(t("--fields names {names} more than once", names=", ".join(twice)))
    return chosen


def select_fields(frame: Frame, fields: list[str] | None) -> Frame:
    """The chosen columns (by name or Chinese label) in the chosen order; an unknown field
    lists the valid ones."""
    if fields is None:
        return frame
    return frame.select(field_names(frame, fields))
