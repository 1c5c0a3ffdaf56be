"""Several datasets side by side: a dataset file, or a folder of them, as one frame.

With more than one dataset every row carries a ``dataset`` column (the file stem,
e.g. ``wujin-2019``), first among the columns; with one dataset the frame is
exactly the single dataset's, so output does not change for a single table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dutycli import locations
from dutycli.errors import DataError, QueryError
from dutycli.i18n import t
from dutycli.schema import DATASET_FIELD
from dutycli.store import aliases as aliases_module
from dutycli.store import loader
from dutycli.store.aliases import Aliases

if TYPE_CHECKING:
    import polars as pl

    from dutycli.store.loader import Table


@dataclass
class Collection:
    """The loaded datasets, in name order, and all their tasks as one frame."""

    root: Path  # the --data path: a file or a folder
    tables: list[Table]
    frame: pl.DataFrame | pl.LazyFrame  # lazy when any dataset is Parquet or Arrow IPC
    aliases: Aliases

    @property
    def names(self) -> list[str]:
        return [dataset_name(t.path) for t in self.tables]

    @property
    def several(self) -> bool:
        return len(self.tables) > 1


def dataset_name(path: Path) -> str:
    return locations.dataset_name(str(path))


def dataset_paths(root: Path) -> list[Path]:
    """The dataset files of ``root`` (see locations.dataset_files), each name used once."""
    try:
        files = [Path(found) for found in locations.dataset_files(str(root))]
    except OSError as exc:
        raise DataError(
            t("{root}: cannot list folder: {reason}", root=root, reason=exc.strerror or exc)
        ) from None
    if not files:
        raise DataError(
            t(
                "{root}: no dataset files ({names}) in this folder",
                root=root,
                names=", ".join("*" + s for s in locations.DATASET_SUFFIXES),
            )
        )
    seen: dict[str, Path] = {}
    for path in files:
        name = dataset_name(path)
        if name in seen:
            raise DataError(
                t(
                    "{path}: dataset name {name!r} is also used by {name2}",
                    path=path,
                    name=name,
                    name2=seen[name].name,
                )
            )
        seen[name] = path
    return files


def load(root: Path | None, aliases_path: Path | None = None) -> Collection:
    """Read every dataset of ``root`` (default: the shipped one) and the aliases beside them."""
    root = root or loader.default_path()
    paths = dataset_paths(root)
    from dutycli.store import folder_cache

    plan = folder_cache.prepare(root, paths) if len(paths) > 1 else None
    sources = [loader.read(path) for path in paths] if plan is None else []
    aliases = aliases_module.load(aliases_module.find(aliases_path, paths, root))
    if plan is not None:  # the folder as one cache entry
        tables, joined = folder_cache.build(plan)
        return Collection(root, tables, joined, aliases)
    import polars as pl

    tables = [loader.table(source) for source in sources]
    frame: pl.DataFrame | pl.LazyFrame
    if len(tables) == 1:
        frame = tables[0].frame
    else:
        labelled = [
            t.frame.select(pl.lit(dataset_name(t.path)).alias(DATASET_FIELD), pl.all())
            for t in tables
        ]
        if any(isinstance(f, pl.LazyFrame) for f in labelled):
            frame = pl.concat([f.lazy() for f in labelled])
        else:
            frame = pl.concat([f for f in labelled if isinstance(f, pl.DataFrame)])
    return Collection(root, tables, frame, aliases)


def check_names(collection: Collection, wanted: list[str]) -> list[str]:
    """The ``--dataset`` names, each one known; an unknown one lists the known names."""
    known = collection.names
    for name in wanted:
        if name not in known:
            raise QueryError(
                t("no dataset named {name!r}; datasets: {names}", name=name, names=", ".join(known))
            )
    return list(dict.fromkeys(wanted))


def only(collection: Collection, wanted: list[str] | None) -> pl.DataFrame | pl.LazyFrame:
    """The frame narrowed to the ``--dataset`` names (all datasets when none are given)."""
    if not wanted:
        return collection.frame
    names = check_names(collection, wanted)
    if not collection.several:
        return collection.frame
    import polars as pl

    return collection.frame.filter(pl.col(DATASET_FIELD).is_in(pl.Series(names).implode()))


def resolve(data: Path | None, text: str) -> Path:
    """A dataset argument: a file path, or the name of a dataset in the --data folder."""
    path = Path(text)
    if path.exists() or data is None or not data.is_dir():
        return path
    for candidate in dataset_paths(data):
        if dataset_name(candidate) == text:
            return candidate
    return path
