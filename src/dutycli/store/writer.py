"""Writing a whole dataset (tasks, metadata, goals) as YAML, Parquet or Arrow IPC.

Every dataset file is written by ``files.write_output`` (as the shell's ``>`` would for devices,
links and modes, never half-written); an existing one is replaced only when asked (``--force``),
and a file the command reads never, not even with ``--force``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutycli.errors import DataError, first_line
from dutycli.files import check_output, write_output
from dutycli.i18n import t
from dutycli.locations import DATASET_KINDS
from dutycli.store import columnar

if TYPE_CHECKING:
    import polars as pl

LABELS = {**columnar.LABELS, "yaml": "YAML"}


def format_for(target: Path, chosen: str | None) -> str:
    """The format to write: the one chosen, else the one the file suffix names."""
    if chosen is not None:
        return chosen
    kind = DATASET_KINDS.get(target.suffix.lower())
    if kind is None:
        raise DataError(
            t(
                "{target}: cannot tell the format from the suffix; use --format ({names})",
                target=target,
                names=", ".join(sorted(set(DATASET_KINDS.values()))),
            )
        )
    return kind


def import_format(target: Path) -> str:
    """The format ``import -o`` writes: the one its suffix names; a device or FIFO gets YAML.

    Any other suffix is refused: YAML in a ``.csv`` would be read back as a broken table.
    """
    import stat

    if target.is_dir():
        raise DataError(t("{target}: cannot write: it is a directory", target=target))
    kind = DATASET_KINDS.get(target.suffix.lower())
    if kind is not None:
        return kind
    try:
        special = not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        special = False
    if special and not target.suffix:
        return "yaml"
    raise DataError(
        t(
            "{target}: import writes a dataset, so the file name must end in one of {names} (leave out -o for YAML on standard output)",
            target=target,
            names=" ".join(DATASET_KINDS),
        )
    )


def refuse_existing(target: Path, force: bool) -> None:
    """A file this run reads is never written; an existing dataset file only when asked
    (--force). A device or FIFO holds no file to lose: it is written as ``>`` would."""
    try:
        check_output(target)
    except OSError as exc:
        raise DataError(
            t("{target}: cannot write: {reason}", target=target, reason=exc.strerror or exc)
        ) from None
    if target.is_file() and not force:
        raise DataError(t("{target}: already exists; use --force to replace it", target=target))


def write_document(document: dict[str, Any], target: Path, kind: str, force: bool) -> None:
    """An imported document (metadata, goals and task records) as a dataset file."""
    if kind == "yaml":
        from dutycli.store import yaml_file

        _write(target, yaml_file.dump(document).encode("utf-8"), force)
        return
    from dutycli.store.frames import frame_from_records

    meta = {k: v for k, v in document.items() if k != "tasks"}
    write_frame(frame_from_records(document["tasks"]), meta, target, kind, force)


def write_dataset(
    frame: pl.DataFrame,
    meta: dict[str, Any],
    goals: list[dict[str, Any]],
    target: Path,
    kind: str,
    force: bool,
) -> None:
    """A loaded dataset (tasks as a frame, metadata, goals) as a dataset file."""
    if kind == "yaml":
        _write(target, _yaml_text(frame, meta, goals).encode("utf-8"), force)
    else:
        write_frame(frame, {**meta, "goals": goals}, target, kind, force)


def write_frame(
    frame: pl.DataFrame, meta: dict[str, Any], target: Path, kind: str, force: bool
) -> None:
    """Tasks (and, for Parquet, metadata) as a Parquet or Arrow IPC file."""
    import polars as pl

    refuse_existing(target, force)
    try:
        # Made whole in memory first: a full disk is then a plain error, not Polars' account
        # of it, and a failure to make the file never touches the target.
        buffer = io.BytesIO()
        columnar.write_frame(frame, meta, kind, buffer)
        write_output(target, lambda out: out.write(buffer.getbuffer()))
    except (OSError, pl.exceptions.PolarsError) as exc:
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else first_line(exc)
        raise DataError(
            t("{target}: cannot write: {message}", target=target, message=message)
        ) from None
    from dutycli.store import cache

    # Written from validated tasks: the file's first query need not check its values again
    # (the verdict holds while the file keeps its size, time and inode, as any other).
    cache.remember_checked(target, written=True)


def dataset_bytes(
    frame: pl.DataFrame, meta: dict[str, Any], goals: list[dict[str, Any]], kind: str
) -> bytes:
    """A whole dataset as the bytes ``write_dataset`` would put in a file (for stdout)."""
    if kind == "yaml":
        return _yaml_text(frame, meta, goals).encode("utf-8")
    buffer = io.BytesIO()
    columnar.write_frame(frame, {**meta, "goals": goals}, kind, buffer)
    return buffer.getvalue()


def _yaml_text(frame: pl.DataFrame, meta: dict[str, Any], goals: list[dict[str, Any]]) -> str:
    from dutycli.store import yaml_file

    document = {**meta, "goals": goals, "tasks": frame.to_dicts()}
    document.setdefault("dutycli_dataset", yaml_file.FORMAT_VERSION)
    return yaml_file.dump(document)


def _write(target: Path, data: bytes, force: bool) -> None:
    refuse_existing(target, force)
    try:
        write_output(target, lambda out: out.write(data))
    except OSError as exc:
        raise DataError(
            t("{target}: cannot write: {reason}", target=target, reason=exc.strerror or exc)
        ) from None
