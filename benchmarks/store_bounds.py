"""What the bounds of dataset reading cost, and that the work they bound stays linear.

Run: .venv/bin/python benchmarks/store_bounds.py

Every figure is a ratio against a baseline measured in the same run (the machine is shared,
so absolute times drift; ratios do not):

1. A YAML "billion laughs" of 5 to 9 levels (a few hundred bytes each): the time to refuse
   it, against parsing the shipped 66 KB table. Before the bound, 8 levels took about 20 s
   and each further level nine times as long.
2. Deriving the goals of an export read back, with 10k to 80k goals: the old search of the
   goal list against the set used now (doubling the goals doubles the work now, quadruples
   it before).
3. The names rule (``names.name_list_fault``) over every task of a YAML dataset of 10k to
   40k tasks, against reading the same file: the share of the time the rule costs.
4. The Parquet check (``columnar.check_values``) of 100k and 400k tasks against the same
   check without the names rule: the shipped names and names with closed brackets (found
   good by one regex, in Rust), and 1% of the tasks naming a unit with a 、 inside brackets
   (checked again in Python).
5. A cache hit of a 20k-task YAML dataset: the share of the SHA-256 check of the entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from dutycli.errors import DataError
from dutycli.names import name_list_fault
from dutycli.store import cache, columnar, loader, readback, yaml_file
from timing import best_of

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "wujin-2019.yaml"


def laughs(levels: int) -> str:
    lines = ["  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels + 1):
        lines.append(f"  l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    return "dutycli_dataset: 1\nextra:\n" + "\n".join(lines) + "\ntasks: []\n"


def bombs() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    baseline = best_of(5, lambda: yaml_file.load_yaml(SHIPPED, text))
    print(f"1. baseline: parse the shipped table ({len(text):,} chars): {baseline * 1000:.1f} ms")
    for levels in range(3, 10):
        bomb = laughs(levels)

        def load(bomb: str = bomb) -> str:
            try:
                yaml_file.load_yaml(Path("bomb.yaml"), bomb)
            except DataError:
                return "refused"
            return "loaded"

        took = best_of(5, load)
        print(
            f"   {levels} levels ({len(bomb)} bytes, 9**{levels + 1:<2} values expanded): "
            f"{load()} in {took * 1000:6.2f} ms = {took / baseline:.3f}x the baseline"
        )


def old_goals(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    goals: list[dict[str, Any]] = []
    for task in tasks:
        if not any(g["number"] == task["goal_no"] for g in goals):
            goals.append({"number": task["goal_no"], "name": task["goal"]})
    return goals


def goals(folder: Path) -> None:
    template = loader.read_dataset(SHIPPED).tasks[0]
    print("2. goals of an export read back (all of readback.parse; the old derivation alone)")
    first = None
    for count in (10_000, 20_000, 40_000, 80_000):
        tasks = [{**template, "id": n, "goal_no": n, "goal": f"目标{n}"} for n in range(count)]
        path = folder / f"goals-{count}.jsonl"
        path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in tasks), "utf-8")
        raw = path.read_bytes()
        now = best_of(3, lambda path=path, raw=raw: readback.parse(path, raw, "jsonl"))
        before = best_of(1, lambda tasks=tasks: old_goals(tasks)) if count <= 20_000 else None
        first = first or now
        old = f"old derivation alone {before:6.2f} s" if before is not None else "old: (minutes)"
        print(f"   {count:>6} goals: now {now:5.2f} s ({now / first:4.1f}x the 10k run); {old}")


def names_rule(folder: Path) -> None:
    base = loader.read_dataset(SHIPPED).tasks
    print("3. the names rule over a YAML dataset, against reading it")
    for copies in (82, 164, 328):  # 10k, 20k, 40k tasks
        tasks = [{**t, "id": n * 1000 + t["id"]} for n in range(copies) for t in base]
        path = folder / f"names-{copies}.yaml"
        path.write_text(yaml_file.dump({"dutycli_dataset": 1, "tasks": tasks}), "utf-8")
        read = best_of(1, lambda path=path: loader.read_dataset(path))
        rule = best_of(
            3,
            lambda tasks=tasks: [
                name_list_fault(t[c]) for t in tasks for c in ("leaders", "lead_units")
            ],
        )
        print(
            f"   {len(tasks):>6} tasks: rule {rule * 1000:6.1f} ms = "
            f"{rule / read * 100:.1f}% of reading the file ({read:.2f} s)"
        )


def parquet_check(folder: Path) -> None:
    base = loader.load(SHIPPED).frame
    assert isinstance(base, pl.DataFrame)
    print("4. the Parquet check with the names rule, against the same check without it")
    with_rule = columnar._suspects
    for copies in (820, 3280):  # 100k, 400k tasks
        frame = pl.concat([base] * copies).with_columns(id=pl.int_range(1, pl.len() + 1))

        def named(name: str, every: int, frame: pl.DataFrame = frame) -> pl.DataFrame:
            return frame.with_columns(
                lead_units=pl.when(pl.col("id") % every == 0)
                .then(pl.lit([name]))
                .otherwise(pl.col("lead_units"))
            )

        cases = (
            ("shipped names", frame),
            ("10% 区委办(区委研究室)", named("区委办(区委研究室)", 10)),
            ("1% 应急管理局(安委办、减灾办)", named("应急管理局(安委办、减灾办)", 100)),
        )
        for label, data in cases:
            path = folder / f"check-{copies}.parquet"
            data.write_parquet(path)

            def check(path: Path = path) -> None:
                columnar.check_values(path, pl.scan_parquet(path), "Parquet")

            columnar._suspects = lambda names: pl.lit(0)
            without = best_of(3, check)
            columnar._suspects = with_rule
            took = best_of(3, check)
            print(
                f"   {frame.height:>7} tasks, {label}: {took * 1000:6.1f} ms = "
                f"{took / without:.2f}x the check without the rule ({without * 1000:.1f} ms)"
            )


def cache_hit(folder: Path) -> None:
    base = loader.read_dataset(SHIPPED).tasks
    tasks = [{**t, "id": n * 1000 + t["id"]} for n in range(164) for t in base]
    path = folder / "cached.yaml"
    path.write_text(yaml_file.dump({"dutycli_dataset": 1, "tasks": tasks}), "utf-8")
    past = time.time() - 3600
    os.utime(path, (past, past))
    source = loader.read(path)
    loader.table(source)  # writes the entry
    entry = next((Path(os.environ["DUTYCLI_CACHE_DIR"]) / "datasets").iterdir())
    payload = entry.read_bytes()
    hit = best_of(5, lambda: cache.lookup(path, source.raw))
    rest = payload[payload.index(b"\n", 16) + 1 :]
    checksum = best_of(5, lambda: hashlib.sha256(rest).hexdigest())
    parse = best_of(1, lambda: yaml_file.parse(path, source.raw))
    print(
        f"5. cache hit of {len(tasks)} tasks ({len(payload) / 2**20:.1f} MiB entry): "
        f"{hit * 1000:.1f} ms, of which the checksum {checksum * 1000:.1f} ms "
        f"({checksum / hit * 100:.0f}%); parsing the YAML instead: {parse:.2f} s"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        os.environ["DUTYCLI_CACHE_DIR"] = str(folder / "cache")
        bombs()
        goals(folder)
        names_rule(folder)
        parquet_check(folder)
        cache_hit(folder)


if __name__ == "__main__":
    main()
