"""Compare two datasets: tasks added, removed, and whose leaders or units changed.

Goals are paired first by name, then by number; tasks are paired within a goal pair
by text similarity (difflib), best pairs first, so a task reworded from one year to
the next ("增长7%左右" → "增长6.5%左右") is one task whose names are compared. Names
are compared by their canonical spelling, so 发改局 → 发展和改革局 is not a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Literal

from dutycli.names import fold, squeeze
from dutycli.schema import TASK_FIELDS
from dutycli.store.aliases import NO_ALIASES, Aliases

if TYPE_CHECKING:
    import polars as pl

CUTOFF = 0.6  # below this two texts are different tasks (a reworded target scores ~0.8)

ChangeKind = Literal["added", "removed", "changed"]
Record = dict[str, Any]


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    old: Record | None
    new: Record | None
    similarity: float | None


def name_fields() -> list[str]:
    """Every list-of-names field of the schema (leaders, lead units, and any added later)."""
    return [name for name, kind in TASK_FIELDS.items() if kind == "names"]


def _goals(tasks: list[Record]) -> list[tuple[int, str]]:
    return list(dict.fromkeys((t["goal_no"], t["goal"]) for t in tasks))


def pair_goals(
    old: list[tuple[int, str]], new: list[tuple[int, str]]
) -> list[tuple[int | None, int | None]]:
    """(old goal_no, new goal_no) pairs: same name first, then same number; new goal order."""
    old_by_name = {fold(name): no for no, name in reversed(old)}
    taken: set[int] = set()
    paired: dict[int, int] = {}
    for no, name in new:
        match = old_by_name.get(fold(name))
        if match is not None and match not in taken:
            paired[no] = match
            taken.add(match)
    old_numbers = {no for no, _ in old}
    for no, _ in new:
        if no not in paired and no in old_numbers and no not in taken:
            paired[no] = no
            taken.add(no)
    pairs: list[tuple[int | None, int | None]] = [(paired.get(no), no) for no, _ in new]
    pairs += [(no, None) for no, _ in old if no not in taken]
    return pairs


def pair_tasks(old: list[str], new: list[str], cutoff: float) -> list[tuple[int, int, float]]:
    """(old index, new index, similarity) for the best pairs, greedily, deterministic.

    Candidates are sorted by similarity, then position, so equal texts pair in order.
    """
    # Unchanged texts pair first, in order: the same result the greedy pass would give
    # them (similarity 1.0, then position), without comparing them with everything else.
    waiting: dict[str, list[int]] = {}
    for j, text in enumerate(new):
        waiting.setdefault(text, []).append(j)
    same = [(i, waiting[text].pop(0)) for i, text in enumerate(old) if waiting.get(text)]
    used_old = {i for i, _ in same}
    used_new = {j for _, j in same}
    pairs = [(i, j, 1.0) for i, j in same]
    candidates: list[tuple[float, int, int]] = []
    matcher = SequenceMatcher(None, autojunk=False)
    for i, old_text in enumerate(old):
        if i in used_old:
            continue
        matcher.set_seq2(old_text)  # seq2 is the one difflib caches
        for j, new_text in enumerate(new):
            if j in used_new:
                continue
            matcher.set_seq1(new_text)
            # The cheap upper bounds skip most pairs before the full comparison.
            if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                continue
            ratio = matcher.ratio()
            if ratio >= cutoff:
                candidates.append((-ratio, i, j))
    candidates.sort()
    for negative, i, j in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j, -negative))
    return sorted(pairs)


def compare(
    old_tasks: list[Record],
    new_tasks: list[Record],
    aliases: Aliases = NO_ALIASES,
    cutoff: float = CUTOFF,
) -> list[Change]:
    """Every task added, removed, or whose names changed, goal by goal in the new order."""
    fields = name_fields()
    changes: list[Change] = []
    for old_no, new_no in pair_goals(_goals(old_tasks), _goals(new_tasks)):
        old = [t for t in old_tasks if t["goal_no"] == old_no]
        new = [t for t in new_tasks if t["goal_no"] == new_no]
        pairs = pair_tasks(
            [squeeze(t["task"]) for t in old], [squeeze(t["task"]) for t in new], cutoff
        )
        # Keyed by position in the new table; a removed task sits after the new task that
        # took the place of the old one before it.
        keyed: list[tuple[float, int, Change]] = []
        matched_new = {j for _, j, _ in pairs}
        for i, j, ratio in pairs:
            if any(
                aliases.canonical_set(old[i][f]) != aliases.canonical_set(new[j][f]) for f in fields
            ):
                keyed.append((j, i, Change("changed", old[i], new[j], ratio)))
        keyed += [
            (j, -1, Change("added", None, t, None))
            for j, t in enumerate(new)
            if j not in matched_new
        ]
        matched_old = {i: j for i, j, _ in pairs}
        for i, task in enumerate(old):
            if i in matched_old:
                continue
            before = [matched_old[k] for k in matched_old if k < i]
            keyed.append(
                ((max(before) if before else -1) + 0.5, i, Change("removed", task, None, None))
            )
        changes += [change for _, _, change in sorted(keyed, key=lambda k: (k[0], k[1]))]
    return changes


def columns() -> list[str]:
    names = [f"{side}_{f}" for f in name_fields() for side in ("old", "new")]
    return [
        "change",
        "old_id",
        "new_id",
        "goal_no",
        "goal",
        "old_task",
        "new_task",
        *names,
        "similarity",
    ]


def to_frame(changes: list[Change]) -> pl.DataFrame:
    import polars as pl

    schema: dict[str, Any] = {"change": pl.String, "old_id": pl.Int64, "new_id": pl.Int64}
    schema |= {"goal_no": pl.Int64, "goal": pl.String, "old_task": pl.String, "new_task": pl.String}
    schema |= {f"{side}_{f}": pl.List(pl.String) for f in name_fields() for side in ("old", "new")}
    schema["similarity"] = pl.Float64
    rows: dict[str, list[Any]] = {name: [] for name in columns()}
    for change in changes:
        shown = change.new or change.old or {}
        values: dict[str, Any] = {
            "change": change.kind,
            "old_id": change.old["id"] if change.old else None,
            "new_id": change.new["id"] if change.new else None,
            "goal_no": shown["goal_no"],
            "goal": shown["goal"],
            "old_task": change.old["task"] if change.old else None,
            "new_task": change.new["task"] if change.new else None,
            "similarity": round(change.similarity, 3) if change.similarity is not None else None,
        }
        for f in name_fields():
            values[f"old_{f}"] = change.old[f] if change.old else None
            values[f"new_{f}"] = change.new[f] if change.new else None
        for name in rows:
            rows[name].append(values[name])
    return pl.DataFrame(rows, schema=pl.Schema({name: schema[name] for name in rows}))
