"""How the time of the queries grows with their input: sizes ten times apart, each against
a linear baseline measured in the same run.

Run: .venv/bin/python benchmarks/query_scaling.py [--quick]

For every case and size: the query's time (best of a few runs), the time of a baseline that
is linear in the same input (one pass of Python over its characters: ``Counter`` of every
text), their ratio, and how much the query's time grew from the size before. Linear work
keeps the ratio flat and grows about 10× per step; work that grows with the square of its
input grows about 100× per step. ``--quick`` leaves out the largest size of each case.

Cases (the texts are the shipped 2019 table's, so their characters are real):

- ``metrics``: one task whose one clause holds a number every 100 characters;
- ``metrics, no target``: one clause without a verb, where the assigned-target pattern used
  to be tried at every position;
- ``highlight --regex x|(a+)+b``: where a search's pattern matched, on a text of a's (Python's
  re backtracks exponentially there; Polars' engine is linear);
- ``search ＧＤＰ`` and ``search 石墨烯``: the keyword's spellings matched by Polars on many
  texts, against the search as it was before (``(?i)GDP``, the literal 石墨烯), which found
  neither ＧＤＰ nor ⽯墨烯 (``benchmarks/bench.py scale`` times whole searches of Parquet files);
- ``diff, one goal reworded``: every task of one goal reworded (numbered copies of the real
  texts: the hardest case for pairing, as they are all alike);
- ``diff, goals of one task``: as many goals as tasks, one task changed.
"""

from __future__ import annotations

import copy
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from timing import best_of

ROOT = Path(__file__).resolve().parents[1]


def baseline(texts: list[str]) -> Callable[[], object]:
    return lambda: [Counter(text) for text in texts]


def tasks() -> list[dict[str, Any]]:
    from dutycli.store import loader

    return loader.read_dataset(ROOT / "data" / "wujin-2019.yaml").tasks


def one_goal(base: list[dict[str, Any]], size: int) -> tuple[list[dict[str, Any]], ...]:
    old = [
        dict(copy.deepcopy(t), task=f"{t['task']}（{n}）", goal_no=1, goal="全部")
        for n in range(size // len(base) + 1)
        for t in base
    ][:size]
    for number, task in enumerate(old, 1):
        task["id"] = number
    new = copy.deepcopy(old)
    for index, task in enumerate(new):
        task["task"] = "进一步" + task["task"].replace("%", "个百分点")
        if index % 7 == 0:
            task["leaders"] = ["某某"]
    return old, new


def many_goals(base: list[dict[str, Any]], size: int) -> tuple[list[dict[str, Any]], ...]:
    old, _ = one_goal(base, size)
    for number, task in enumerate(old, 1):
        task["goal_no"], task["goal"] = number, f"目标{number}"
    new = copy.deepcopy(old)
    new[-1]["leaders"] = ["某某"]
    return old, new


def cases(base: list[dict[str, Any]]) -> list[tuple[str, list[int], Callable[[int], Any]]]:
    """(name, sizes, prepare): prepare(size) gives the query and its input's texts (or the
    baseline to time instead)."""
    import polars as pl

    from dutycli.output.result import Result
    from dutycli.output.table import _match_spans
    from dutycli.query import diff, keywords, metrics

    def metric(size: int) -> Any:
        text = ("推进重点工程建设" * 12 + "增长5%") * (size // 100)
        return (lambda: metrics.targets(text)), [text]

    def no_target(size: int) -> Any:
        text = "节" * size
        return (lambda: metrics.assigned(text)), [text]

    def highlight(size: int) -> Any:
        frame = pl.DataFrame({"task": ["x" + "a" * size]})
        result = Result(frame, highlight_patterns=keywords.keyword_patterns(["x|(a+)+b"], True))
        return (lambda: _match_spans(frame, ["task"], result)), frame["task"].to_list()

    def search(keyword: str, before: pl.Expr) -> Callable[[int], Any]:
        def prepare(size: int) -> Any:
            frame = pl.DataFrame({"task": [base[n % len(base)]["task"] for n in range(size)]})
            spelled = keywords.keyword_patterns([keyword], False)[0]
            query = pl.col("task").str.contains(spelled)
            return (
                lambda: frame.filter(query).height,
                lambda: frame.filter(before).height,  # the search as it was
            )

        return prepare

    def reworded(size: int) -> Any:
        old, new = one_goal(base, size)
        return (lambda: diff.compare(old, new)), [t["task"] for t in old + new]

    def goals(size: int) -> Any:
        old, new = many_goals(base, size)
        return (lambda: diff.compare(old, new)), [t["task"] for t in old + new]

    return [
        ("metrics (characters)", [2_000, 20_000, 200_000], metric),
        ("metrics, no target (characters)", [20_000, 200_000, 2_000_000], no_target),
        ("highlight --regex x|(a+)+b (characters)", [10_000, 100_000, 1_000_000], highlight),
        (
            "search ＧＤＰ (texts; baseline: (?i)GDP)",
            [10_000, 100_000, 1_000_000],
            search("ＧＤＰ", pl.col("task").str.contains("(?i)GDP")),
        ),
        (
            "search 石墨烯 (texts; baseline: literal)",
            [10_000, 100_000, 1_000_000],
            search("石墨烯", pl.col("task").str.contains("石墨烯", literal=True)),
        ),
        ("diff, one goal reworded (tasks)", [200, 2_000, 20_000], reworded),
        ("diff, goals of one task (goals)", [2_000, 20_000, 200_000], goals),
    ]


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    base = tasks()
    print("| case | size | query ms | baseline ms | query ÷ baseline | growth |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, sizes, prepare in cases(base):
        before = None
        for size in sizes[:-1] if quick else sizes:
            query, texts = prepare(size)
            repeat = 3 if size < sizes[-1] else 1
            took = best_of(repeat, query)
            linear = best_of(repeat, texts if callable(texts) else baseline(texts))
            growth = f"{took / before:.1f}×" if before else "–"
            print(
                f"| {name} | {size:,} | {took * 1000:.1f} | {linear * 1000:.1f} | "
                f"{took / linear:.2f} | {growth} |",
                flush=True,
            )
            before = took


if __name__ == "__main__":
    main()
