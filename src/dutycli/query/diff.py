"""Compare two datasets: tasks added, removed, and whose leaders, units, section or item
number changed.

Goals are paired first by name, then by number; tasks are paired within a goal pair
by text similarity (difflib), best pairs first, so a task reworded from one year to
the next ("增长7%左右" → "增长6.5%左右") is one task whose names are compared. Names
are compared by their canonical spelling, so 发改局 → 发展和改革局 is not a change.

Time grows with the size of the tables, not with the square of a goal's: tasks are found
by goal once, similarities are computed lazily and only for pairs that can matter, and a
large goal, a long text or an expensive diff is bounded by a limit below, with a note.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, deque
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Literal

from dutycli.names import fold, squeeze
from dutycli.schema import DIFF_FIELDS, SPARSE_FIELDS, TASK_FIELDS
from dutycli.store.aliases import NO_ALIASES, Aliases

if TYPE_CHECKING:
    import polars as pl

CUTOFF = 0.6  # below this two texts are different tasks (a reworded target scores ~0.8)
# While a goal has at most this many (old, new) pairs of changed tasks, every pair is a
# candidate: the pairing is the greedy best. A larger goal (thousands of tasks reworded at
# once) would take the square of its size; there each new task is compared with the old
# tasks beside it in sorted order (NEIGHBOURS each way, text forwards and backwards) and
# with the COMPARE_LIMIT sharing most of its rarer pairs of characters (found walking at
# most WALK_LIMIT entries of their index), with a note: time in proportion to its size.
EXACT_PAIRS = 10_000
NEIGHBOURS = 4
COMPARE_LIMIT = 32
WALK_LIMIT = 1_000
# Two texts are compared by their first SIMILARITY_CHARS characters (a real task has a few
# hundred at most): difflib's time grows with the product of their lengths, and so does the
# work a diff may spend on similarities, COMPARE_BUDGET (the sum of those products; a
# 2,000-task goal reworded at once spends about 8 million). Past it, pairs are ranked by the
# characters they share instead (difflib's quick_ratio), with a note.
SIMILARITY_CHARS = 1_000
COMPARE_BUDGET = 100_000_000

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


class Budget:
    """What is left of COMPARE_BUDGET for one diff, and whether it ran out."""

    def __init__(self) -> None:
        self.left = COMPARE_BUDGET
        self.exceeded = False


def pair_tasks(
    old: list[str],
    new: list[str],
    cutoff: float,
    notes: list[str] | None = None,
    budget: Budget | None = None,
) -> list[tuple[int, int, float]]:
    """(old index, new index, similarity) for the best pairs, greedily, deterministic.

    The best pair of all (similarity, then position) is taken first, then the best of what
    is left, and so on down to ``cutoff``. Unchanged texts pair first, in order (what that
    pass would give them). Similarities are computed lazily, best bound first (the length
    bound, then the shared characters, as difflib's real_quick_ratio and quick_ratio), and
    never for a pair whose texts are already taken. Every pair is a candidate while a goal
    has at most EXACT_PAIRS of them left; beyond, a new text is compared only with the old
    texts most alike (``_alike``), and a note says so.
    """
    budget = budget or Budget()
    waiting: dict[str, deque[int]] = {}
    for j, text in enumerate(new):
        waiting.setdefault(text, deque()).append(j)
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for i, text in enumerate(old):
        queue = waiting.get(text)
        if queue:
            j = queue.popleft()
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j, 1.0))
    rest_old = [i for i in range(len(old)) if i not in used_old]
    rest_new = [j for j in range(len(new)) if j not in used_new]
    # Similarity is measured on the start of a long text (difflib's time grows with the
    # product of the lengths); equal texts, however long, were paired above.
    long = sum(len(old[i]) > SIMILARITY_CHARS for i in rest_old)
    long += sum(len(new[j]) > SIMILARITY_CHARS for j in rest_new)
    if long and notes is not None:
        notes.append(
            f"{long} task text{'s' if long > 1 else ''} longer than {SIMILARITY_CHARS:,} "
            f"characters compared by {'their' if long > 1 else 'its'} first {SIMILARITY_CHARS:,}"
        )
    old = [text[:SIMILARITY_CHARS] for text in old]
    new = [text[:SIMILARITY_CHARS] for text in new]
    if len(rest_old) * len(rest_new) <= EXACT_PAIRS:
        candidates = [(i, j) for j in rest_new for i in rest_old]
    else:
        candidates = _alike(old, new, rest_old, rest_new)
        if notes is not None:
            notes.append(
                f"{len(rest_new)} new and {len(rest_old)} old tasks differ: each new task "
                f"was compared with the {4 * NEIGHBOURS + COMPARE_LIMIT} old ones most alike, "
                "not with every one"
            )
    heap: list[tuple[float, int, int, int]] = []
    for i, j in candidates:
        total = len(old[i]) + len(new[j])
        bound = 2.0 * min(len(old[i]), len(new[j])) / total if total else 1.0
        if bound >= cutoff:
            heap.append((-bound, i, j, 0))
    heapq.heapify(heap)
    counts: dict[tuple[int, int], Counter[str]] = {}
    matchers: dict[int, SequenceMatcher[str]] = {}
    while heap:
        negative, i, j, level = heapq.heappop(heap)
        if i in used_old or j in used_new:
            continue
        if level == 2:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j, -negative))
            continue
        if level == 0:  # the characters the two texts share, counted with repeats
            a = counts.get((0, i)) or counts.setdefault((0, i), Counter(old[i]))
            b = counts.get((1, j)) or counts.setdefault((1, j), Counter(new[j]))
            shared = sum(min(a[ch], b[ch]) for ch in a.keys() & b.keys())
            value = 2.0 * shared / (len(old[i]) + len(new[j]))
        elif budget.left < len(old[i]) * len(new[j]):
            budget.exceeded = True
            value = -negative  # the shared characters stand for the similarity
        else:
            budget.left -= len(old[i]) * len(new[j])
            if i not in matchers:  # seq2 is the one difflib caches
                matchers[i] = SequenceMatcher(None, "", old[i], autojunk=False)
            matchers[i].set_seq1(new[j])
            value = matchers[i].ratio()
        if value >= cutoff:
            heapq.heappush(heap, (-value, i, j, level + 1))
    if cutoff <= 0:
        # What is left shares no character (similarity 0): equal similarities pair in order.
        left_old = [i for i in rest_old if i not in used_old]
        left_new = [j for j in rest_new if j not in used_new]
        pairs += [(i, j, 0.0) for i, j in zip(left_old, left_new, strict=False)]
    return sorted(pairs)


def _alike(
    old: list[str], new: list[str], rest_old: list[int], rest_new: list[int]
) -> list[tuple[int, int]]:
    """(old, new) index pairs worth comparing in a large goal: for each new text, the old
    texts beside it in sorted order, forwards and backwards (a text reworded at its end or
    at its start), and those sharing most of its rarest pairs of characters."""
    found: set[tuple[int, int]] = set()
    for backwards in (False, True):
        keys = sorted((old[i][::-1] if backwards else old[i], i) for i in rest_old)
        for j in rest_new:
            place = bisect.bisect_left(keys, (new[j][::-1] if backwards else new[j], -1))
            found.update((i, j) for _, i in keys[max(0, place - NEIGHBOURS) : place + NEIGHBOURS])
    old_grams = {i: _grams(old[i]) for i in rest_old}
    new_grams = {j: _grams(new[j]) for j in rest_new}
    frequency: Counter[str] = Counter()
    index: dict[str, list[int]] = {}
    for i, grams in old_grams.items():
        frequency.update(grams)
        for gram in grams:
            index.setdefault(gram, []).append(i)
    for grams in new_grams.values():
        frequency.update(grams)
    rarity = {gram: r for r, (_, gram) in enumerate(sorted((n, g) for g, n in frequency.items()))}
    for j, grams in new_grams.items():
        score: Counter[int] = Counter()
        walked = 0
        for gram in sorted(grams, key=rarity.__getitem__):  # rarest first
            postings = index.get(gram, [])
            score.update(postings)
            walked += len(postings)
            if walked > WALK_LIMIT:
                break
        if len(score) <= COMPARE_LIMIT:
            found.update((i, j) for i in score)
            continue
        # The most promising by the rare pairs, then the best of them by all their pairs
        # (and, of texts as alike, those of about its length).
        length = len(new[j])
        ranked = [
            (-len(grams & old_grams[i]), abs(len(old[i]) - length), i)
            for i, _ in score.most_common(4 * COMPARE_LIMIT)
        ]
        found.update((i, j) for *_, i in heapq.nsmallest(COMPARE_LIMIT, ranked))
    return sorted(found)


def _grams(text: str) -> set[str]:
    """The pairs of neighbouring characters of a text (a text of one character: itself)."""
    return {text[n : n + 2] for n in range(max(1, len(text) - 1))}


def compare(
    old_tasks: list[Record],
    new_tasks: list[Record],
    aliases: Aliases = NO_ALIASES,
    cutoff: float = CUTOFF,
    notes: list[str] | None = None,
) -> list[Change]:
    """Every task added, removed, or whose names changed, goal by goal in the new order.

    ``notes`` receives what the user should know of the pairing (a goal too large to
    compare every pair).
    """
    fields = name_fields()
    changes: list[Change] = []
    budget = Budget()
    old_goals: dict[int, list[Record]] = {}
    for task in old_tasks:
        old_goals.setdefault(task["goal_no"], []).append(task)
    new_goals: dict[int, list[Record]] = {}
    for task in new_tasks:
        new_goals.setdefault(task["goal_no"], []).append(task)
    for old_no, new_no in pair_goals(_goals(old_tasks), _goals(new_tasks)):
        old = old_goals.get(old_no, []) if old_no is not None else []
        new = new_goals.get(new_no, []) if new_no is not None else []
        said: list[str] = []
        pairs = pair_tasks(
            [squeeze(t["task"]) for t in old],
            [squeeze(t["task"]) for t in new],
            cutoff,
            said,
            budget,
        )
        if notes is not None:
            notes += [f"goal {new_no if new_no is not None else old_no}: {n}" for n in said]
        # Keyed by position in the new table; a removed task sits after the new task that
        # took the place of the old one before it.
        keyed: list[tuple[float, int, Change]] = []
        matched_new = {j for _, j, _ in pairs}
        for i, j, ratio in pairs:
            if any(
                aliases.canonical_set(old[i][f]) != aliases.canonical_set(new[j][f]) for f in fields
            ) or any(fold(old[i][f]) != fold(new[j][f]) for f in SPARSE_FIELDS):
                keyed.append((j, i, Change("changed", old[i], new[j], ratio)))
        keyed += [
            (j, -1, Change("added", None, t, None))
            for j, t in enumerate(new)
            if j not in matched_new
        ]
        matched_old = {i: j for i, j, _ in pairs}
        place = -1  # the last new position taken by an old task before this one
        for i, task in enumerate(old):
            if i in matched_old:
                place = max(place, matched_old[i])
                continue
            keyed.append((place + 0.5, i, Change("removed", task, None, None)))
        changes += [change for _, _, change in sorted(keyed, key=lambda k: (k[0], k[1]))]
    if budget.exceeded and notes is not None:
        notes.append(
            f"similarities past {COMPARE_BUDGET:,} character comparisons were estimated "
            "from the characters two texts share"
        )
    return changes


def columns() -> list[str]:
    names = [f"{side}_{f}" for f in DIFF_FIELDS for side in ("old", "new")]
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
    schema |= {f"{side}_{f}": pl.String for f in SPARSE_FIELDS for side in ("old", "new")}
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
        for f in DIFF_FIELDS:
            values[f"old_{f}"] = change.old[f] if change.old else None
            values[f"new_{f}"] = change.new[f] if change.new else None
        for name in rows:
            rows[name].append(values[name])
    return pl.DataFrame(rows, schema=pl.Schema({name: schema[name] for name in rows}))
