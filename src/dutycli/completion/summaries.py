"""What completion knows of one dataset file: its names, goals and ids, counted and cached.

Completion shows counts, not tasks, so a dataset file is read into a *summary* of what
completion offers, and only that is cached (a JSON file per dataset, kept until the file
changes, with the CRC-32 of the summary: a damaged or forged entry is a miss, see
``read_cache``). A summary is a dict:

- ``tasks``: how many tasks the file holds;
- ``names``: for each name set of ``NAME_SETS``, every name with its number of tasks (a task
  counts once per name, however often it lists it);
- ``goals``: ``[number, name, tasks]`` per goal, in the order the tasks first name them;
- ``sections``: ``[section, tasks]`` per section (类别), in the order the tasks first name them;
- ``ids``: ``[id, description]`` per task, or None for a file of more than ``MAX_IDS`` tasks,
  so that a million-task file keeps a cache of a few kilobytes (``show`` then offers no ids).

YAML is read and validated as the program reads it (``store.loader.records``), Parquet and
Arrow IPC by a lazy Polars scan of the few columns needed; Polars is imported only then. Like all of completion, a file that cannot
be read adds nothing and nothing is printed.
"""

from __future__ import annotations

import os

from dutycli.locations import (
    cache_file,
    file_key,
    mark_used,
    prune_cache,
    read_cache_entry,
)

TYPE_CHECKING = False  # not typing's: see dutycli.completion.values
if TYPE_CHECKING:
    from typing import Any

CACHE_VERSION = 5
# Above this many tasks a file's ids are not kept: show <TAB> offers none.
MAX_IDS = 5000
# The name counts completion offers, by the task columns they count over. "units" is
# by-unit --role any (a task once per unit, lead or partner); "matrix" the lead units of
# tasks that have a leader (the matrix's columns).
NAME_SETS: dict[str, tuple[str, ...]] = {
    "leaders": ("leaders",),
    "lead_units": ("lead_units",),
    "partner_units": ("partner_units",),
    "units": ("lead_units", "partner_units"),
}
MATRIX = "matrix"
SUMMARY_KEYS = {"tasks", "names", "goals", "sections", "ids"}


def file_summary(path: str) -> dict[str, Any] | None:
    """One dataset file's summary, from the cache while the file is unchanged, else read.

    None when the file cannot be read.
    """
    key = file_key(path)  # None for a file that has not settled: read it, cache nothing
    cache = cache_file("completion", str(key["source"]), SUFFIX) if key else None
    if key is not None:
        key["version"] = CACHE_VERSION
    if cache is not None:
        cached = read_cache(cache, key)
        if cached is not None:
            return cached
    read = read_summary(path)
    if cache is not None and read and read["tasks"]:
        write_cache(cache, key, read)
    return read


def read_summary(path: str) -> dict[str, Any] | None:
    """The summary of a dataset file, read as the program reads it (``store.loader``): a
    columnar file scanned by Polars, any other read whole and validated. None if unreadable."""
    from pathlib import Path

    from dutycli.errors import DutyError
    from dutycli.store import loader

    try:
        source = loader.read(Path(path))
        if source.kind is not None:
            return columnar_summary(path, source.kind)
        data = loader.records(source)
    except DutyError:
        return None
    return summarize(data.tasks)


def summarize(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary of validated task records."""
    names = {key: name_counts(tasks, *columns) for key, columns in NAME_SETS.items()}
    names[MATRIX] = name_counts([t for t in tasks if t.get("leaders")], "lead_units")
    pairs: dict[tuple[int, str], int] = {}
    sections: dict[str, int] = {}
    for task in tasks:  # goals and sections counted in one pass
        number, goal = task.get("goal_no"), task.get("goal")
        if isinstance(number, int) and _whole(number) and isinstance(goal, str):
            pairs[number, goal] = pairs.get((number, goal), 0) + 1
        section = task.get("section")
        if section and isinstance(section, str):
            sections[section] = sections.get(section, 0) + 1
    ids = None
    if len(tasks) <= MAX_IDS:
        ids = [[t["id"], describe(t.get("task", ""))] for t in tasks if _whole(t.get("id"))]
    return {
        "tasks": len(tasks),
        "names": names,
        "goals": [[number, goal, count] for (number, goal), count in pairs.items()],
        "sections": [[section, count] for section, count in sections.items()],
        "ids": ids,
    }


def name_counts(tasks: list[dict[str, Any]], *columns: str) -> dict[str, int]:
    """How many tasks list each name in any of the columns (once per task)."""
    counts: dict[str, int] = {}
    for task in tasks:
        listed = [n for c in columns if isinstance(task.get(c), list) for n in task[c]]
        for name in dict.fromkeys(n for n in listed if isinstance(n, str)):
            counts[name] = counts.get(name, 0) + 1
    return counts


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def describe(text: object) -> str:
    """A task's text as its id's description: the start of it, whitespace squeezed."""
    short = " ".join(str(text).split())
    return short if len(short) <= 20 else short[:19] + "…"


# --- Parquet and Arrow IPC: counted by Polars ------------------------------------------------


def columnar_summary(path: str, kind: str) -> dict[str, Any] | None:
    """The summary of a Parquet or IPC file, scanning only the columns each count needs."""
    try:
        import polars as pl
    except ImportError:
        return None
    try:
        frame = pl.scan_parquet(path) if kind == "parquet" else pl.scan_ipc(path)
        empty = pl.lit([], dtype=pl.List(pl.String))

        def counted(tasks: pl.LazyFrame, columns: tuple[str, ...]) -> pl.LazyFrame:
            listed = pl.concat_list([pl.col(c).fill_null(empty) for c in columns])
            names = tasks.select(listed.list.unique().alias("name")).explode("name")
            return names.drop_nulls().group_by("name").len()

        queries = [counted(frame, columns) for columns in NAME_SETS.values()]
        queries.append(counted(frame.filter(pl.col("leaders").list.len() > 0), ("lead_units",)))
        goals = frame.select("goal_no", "goal").drop_nulls()
        queries.append(goals.group_by("goal_no", "goal", maintain_order=True).len())
        # A file written before sections existed has none.
        section = pl.col("section") if "section" in frame.collect_schema() else pl.lit("")
        sections = frame.select(section.alias("section")).filter(pl.col("section") != "")
        queries.append(sections.group_by("section", maintain_order=True).len())
        queries.append(frame.select(pl.len()))
        *name_frames, goal_frame, section_frame, count_frame = pl.collect_all(queries)
        total = int(count_frame.item())
        ids = None
        if total <= MAX_IDS:
            rows = frame.select("id", "task").collect()
            ids = [[i, describe(t or "")] for i, t in rows.iter_rows() if _whole(i)]
        return {
            "tasks": total,
            "names": {
                key: {name: n for name, n in named.iter_rows() if isinstance(name, str)}
                for key, named in zip([*NAME_SETS, MATRIX], name_frames, strict=True)
            },
            "goals": [
                [number, goal, count]
                for number, goal, count in goal_frame.iter_rows()
                if _whole(number) and isinstance(goal, str)
            ],
            "sections": [
                [section, count]
                for section, count in section_frame.iter_rows()
                if isinstance(section, str)
            ],
            "ids": ids,
        }
    except (Exception, pl.exceptions.PanicException):
        return None  # any unreadable or foreign file: completion offers nothing from it


# --- the cache ------------------------------------------------------------------------------


# An entry is the CRC-32 of what follows (4 bytes, big-endian), then the key and the summary
# as ``marshal`` writes them: read back without importing json (and re, and enum), a tenth
# of a TAB's own cost. The CRC is checked before the bytes are unmarshalled, and the
# summary's shape after: a damaged or foreign entry is a miss.
SUFFIX = ".marshal"


def read_cache(cache: str, key: Any) -> dict[str, Any] | None:
    """The cached summary for ``key``, or None: a missing, foreign or damaged entry (its
    checksum does not match, or its values are not of a summary's shape) is a miss."""
    import marshal
    import zlib

    try:
        found = read_cache_entry(cache)
        if found is None:
            return None
        data, used = found
        if len(data) < 4 or zlib.crc32(data[4:]) != int.from_bytes(data[:4], "big"):
            return None
        cached = marshal.loads(data[4:])
        summary = cached["summary"]
        if cached["key"] != key:
            return None
    except (OSError, ValueError, EOFError, LookupError, TypeError):
        return None  # no cache yet, or an unusable one: read the file
    if not valid_summary(summary):
        return None
    mark_used(cache, used)
    return summary  # type: ignore[no-any-return]


def valid_summary(summary: Any) -> bool:
    """Whether ``summary`` has the shape ``summarize`` gives, every value of its type."""
    if not isinstance(summary, dict) or set(summary) != SUMMARY_KEYS:
        return False
    names, goals, ids = summary["names"], summary["goals"], summary["ids"]
    sections = summary["sections"]
    return (
        _whole(summary["tasks"])
        and summary["tasks"] >= 0
        and isinstance(names, dict)
        and set(names) == {*NAME_SETS, MATRIX}
        and all(
            isinstance(counts, dict)
            and all(isinstance(name, str) and _whole(n) for name, n in counts.items())
            for counts in names.values()
        )
        and isinstance(goals, list)
        and all(_row(goal, int, str, int) for goal in goals)
        and isinstance(sections, list)
        and all(_row(section, str, int) for section in sections)
        and (ids is None or (isinstance(ids, list) and all(_row(i, int, str) for i in ids)))
    )


def _row(value: Any, *kinds: type) -> bool:
    return (
        isinstance(value, list)
        and len(value) == len(kinds)
        and all(
            _whole(item) if kind is int else isinstance(item, kind)
            for item, kind in zip(value, kinds, strict=True)
        )
    )


def write_cache(cache: str, key: Any, summary: dict[str, Any]) -> None:
    """The key and the summary, behind the CRC-32 of their bytes (checked when read)."""
    import marshal
    import zlib

    try:
        payload = marshal.dumps({"key": key, "summary": summary})
    except ValueError:
        return  # a value marshal cannot hold: read the file each time
    content = zlib.crc32(payload).to_bytes(4, "big") + payload
    from pathlib import Path

    from dutycli.files import write_atomically

    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        new = not os.path.exists(cache)
        # A TAB running alongside sees the old file or the new, never half of one.
        write_atomically(Path(cache), lambda out: out.write(content), durable=False)
        if new:
            prune_cache(os.path.dirname(cache))
    except (OSError, TypeError, ValueError):
        pass  # no cache: the next TAB reads the dataset again
