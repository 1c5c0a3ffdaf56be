"""How long `dutycli diff` takes to pair tasks, against reading the same two datasets.

Run: .venv/bin/python benchmarks/diff_speed.py [COPIES]

The real 2019 table is repeated COPIES times (default 4, about 500 tasks) and its
numbers changed in the "new" copy, so every task must be paired by similarity.
A second case puts all tasks into a single goal: the worst case for pairing.
The result is a ratio against the baseline measured in the same run.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from pathlib import Path
from typing import Any

from dutycli.query import diff
from dutycli.store import loader, yaml_file
from timing import best_of

ROOT = Path(__file__).resolve().parents[1]


def tables(copies: int, one_goal: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    base = loader.read_dataset(ROOT / "data" / "wujin-2019.yaml").tasks
    old = [dict(t, task=f"{t['task']}（{n}）") for n in range(copies) for t in base]
    new = copy.deepcopy(old)
    for index, task in enumerate(new):
        if index % 3 == 0:  # reworded: must be paired by similarity
            task["task"] = "进一步" + task["task"].replace("%", "个百分点")
        if index % 7 == 0:
            task["leaders"] = ["某某"]
    for rows in (old, new):
        for number, task in enumerate(rows, 1):
            task["id"] = number
            if one_goal:
                task["goal_no"], task["goal"] = 1, "全部"
    return old, new


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    for one_goal in (False, True):
        old, new = tables(copies, one_goal)
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for name, tasks in (("old", old), ("new", new)):
                path = Path(folder) / f"{name}.yaml"
                path.write_text(yaml_file.dump({"dutycli_dataset": 1, "tasks": tasks}), "utf-8")
                paths.append(path)
            baseline = best_of(3, lambda paths=paths: [loader.read_dataset(p) for p in paths])
            took = best_of(3, lambda old=old, new=new: diff.compare(old, new))
        label = "one goal" if one_goal else "22 goals"
        changes = len(diff.compare(old, new))
        print(
            f"{len(old)} tasks, {label}: diff {took * 1000:.0f} ms = {took / baseline:.1f}x "
            f"reading both datasets ({baseline * 1000:.0f} ms); {changes} changes"
        )


if __name__ == "__main__":
    main()
