"""Other spellings of the same name (区发改局, 发展和改革局 → 发改局), for matching across years.

Aliases only widen matching: stored names and output stay as each source wrote them.
The file maps a canonical name to its other spellings::

    发改局: [区发改局, 发展和改革局]

It is looked for, in order: ``--aliases PATH``, ``$DUTYCLI_ALIASES``, then
``aliases.yaml`` in the dataset folder (or beside the dataset file). Only the
first one found is used; a missing default file simply means no aliases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dutycli.errors import DataError
from dutycli.i18n import t
from dutycli.locations import ALIASES_FILES
from dutycli.names import fold, name_list_fault, squeeze
from dutycli.store import whole_file


@dataclass(frozen=True)
class Aliases:
    """Spelling groups: every spelling maps to its canonical name, and back to the whole group."""

    path: Path | None = None
    canonical: dict[str, str] = field(default_factory=dict)  # folded spelling → canonical
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical → all spellings

    def canonical_name(self, name: str) -> str:
        """The group's name for ``name``, looked up as a match compares (``names.fold``)."""
        return self.canonical.get(fold(name), squeeze(name))

    def spellings(self, name: str) -> tuple[str, ...]:
        """The name itself first, then every other spelling of the same name."""
        group = self.groups.get(self.canonical_name(name), ())
        own = squeeze(name)
        return (own, *(s for s in group if s != own))

    def canonical_set(self, names: Iterable[str]) -> frozenset[str]:
        """The names as compared: by group, else folded (ＧＤＰ办 and GDP办 are one name)."""
        return frozenset(fold(self.canonical_name(n)) for n in names)


NO_ALIASES = Aliases()


def find(explicit: Path | None, data_paths: list[Path], data_root: Path | None) -> Path | None:
    """The aliases file to use: an explicit one, else ``aliases.yaml`` beside the data."""
    if explicit is not None:
        return explicit
    if data_root is not None and data_root.is_dir():
        folder = data_root
    elif data_paths:
        folder = data_paths[0].parent
    else:
        return None
    return next((folder / n for n in ALIASES_FILES if (folder / n).is_file()), None)


def load(path: Path | None) -> Aliases:
    """Read and validate an aliases file; every problem is a one-line DataError naming it."""
    if path is None:
        return NO_ALIASES
    try:
        with open(path, "rb") as handle:
            raw = whole_file.read_whole(handle, path, "aliases")
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise whole_file.read_failure(path, "aliases", exc) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            t("{path}: aliases file is not UTF-8 text (byte {start})", path=path, start=exc.start)
        ) from None
    from dutycli.store import cache

    # Parsed once per content (PyYAML's import alone costs a query a tenth of its time),
    # then validated from the cached document every run, as if parsed.
    cached = cache.lookup_document("aliases", path, raw)
    if cached is not None:
        (document,) = cached
    else:
        from dutycli.store import yaml_file

        document = yaml_file.load_yaml(path, text)
        cache.store_document("aliases", path, raw, document)
    try:
        return _build(path, document)
    except ValueError as exc:
        raise DataError(t("{path}: {exc}", path=path, exc=exc)) from None


def _build(path: Path, document: Any) -> Aliases:
    if document is None:  # an empty (or all-comment) file: no aliases
        return Aliases(path)
    if not isinstance(document, dict):
        raise ValueError(t("aliases must be a mapping of canonical name → list of other spellings"))
    canonical: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}
    for key, value in document.items():
        if not isinstance(key, str) or not squeeze(key):
            raise ValueError(t("canonical name {key!r} must be non-empty text", key=key))
        spellings = [value] if isinstance(value, str) else value
        if not isinstance(spellings, list) or not all(
            isinstance(s, str) and squeeze(s) for s in spellings
        ):
            raise ValueError(
                t("{key}: the other spellings must be a list of non-empty names", key=key)
            )
        name = squeeze(key)
        group = [name, *(squeeze(s) for s in spellings)]
        for spelling in group:
            fault = name_list_fault([spelling])  # no stored name holds a separator
            if fault:
                raise ValueError(t("{key}: {fault}", key=key, fault=fault))
            owner = canonical.get(fold(spelling))
            if owner is not None and owner != name:
                raise ValueError(
                    t(
                        "{spelling!r} is listed under both {owner!r} and {name!r}",
                        spelling=spelling,
                        owner=owner,
                        name=name,
                    )
                )
            canonical[fold(spelling)] = name
        groups[name] = tuple(dict.fromkeys(groups.get(name, ()) + tuple(group)))
    return Aliases(path, canonical, groups)
