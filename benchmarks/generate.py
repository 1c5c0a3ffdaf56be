"""Write synthetic datasets of many tasks, drawn from the real 2019 table, as YAML and Parquet.

The analyst's case: every district's table for many years in one file. Each synthetic table
copies the shape of the real one (its 22 goals, how many tasks each has, how often a cell is
merged, how many names a cell lists) and draws its content from it:

- task texts are new sentences made of the real texts' clauses, as many clauses as a real
  text has, so lengths and characters are realistic but texts are not repeated verbatim;
- lead units (and every other field) are the real rows' (every district has a 发改局);
- each table has its own leaders, taken from a pool of 200 names made of the real leaders'
  characters (and holding the real 8), so a leader appears in some tables, not all.

    python benchmarks/generate.py --sizes 10000,100000,1000000 --out benchmarks/out

writes ``tasks-10k.yaml``/``.parquet`` and so on (the folder is git-ignored). The output is
the same for the same ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from dutycli.schema import TASK_FIELDS
from dutycli.store import columnar, loader, writer, yaml_file
from dutycli.store.frames import task_schema

_CLAUSE_END = re.compile(r"(?<=[，；。])")


def size_label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


class Source:
    """What the real table offers to draw from."""

    def __init__(self, tasks: list[dict[str, Any]]) -> None:
        self.tasks = tasks
        self.clauses = [c for t in tasks for c in _CLAUSE_END.split(t["task"]) if c]
        self.clause_counts = [
            max(1, len([c for c in _CLAUSE_END.split(t["task"]) if c])) for t in tasks
        ]
        self.leaders = sorted({n for t in tasks for n in t["leaders"]})
        surnames = sorted({n[0] for n in self.leaders})
        given = sorted({ch for n in self.leaders for ch in n[1:]})
        pool = set(self.leaders)
        rng = random.Random(0)
        while len(pool) < 200:
            pool.add(rng.choice(surnames) + "".join(rng.choices(given, k=rng.choice((1, 2)))))
        self.leader_pool = sorted(pool)


def generate_columns(
    source: Source, size: int, seed: int, first_id: int = 1
) -> dict[str, list[Any]]:
    """``size`` tasks as columns in schema order, table after table, ids from ``first_id``."""
    rng = random.Random(seed)
    columns: dict[str, list[Any]] = {name: [] for name in TASK_FIELDS}
    task_id = first_id - 1
    size += task_id
    while task_id < size:
        leaders = dict(
            zip(source.leaders, rng.sample(source.leader_pool, len(source.leaders)), strict=True)
        )
        line = 12
        for real in source.tasks:
            if task_id >= size:
                break
            task_id += 1
            count = rng.choice(source.clause_counts)
            text = "".join(rng.choices(source.clauses, k=count)).rstrip("，；") or real["task"]
            if text[-1] not in "。；":
                text += "。"
            # Every other field (goal, units, flags, and any field the schema gains) as written.
            row = {
                **real,
                "id": task_id,
                "task": text,
                "leaders": [leaders[n] for n in real["leaders"]],
                "source_line": line,
            }
            line += 1 + len(text) // 60
            for name, kind in TASK_FIELDS.items():
                # A copy of a list, so that no two tasks share one.
                value = row.get(name, _EMPTY[kind])
                columns[name].append(list(value) if isinstance(value, list) else value)
    return columns


_EMPTY: dict[str, Any] = {"int": 0, "str": "", "names": [], "bool": False}


def write_yaml(columns: dict[str, list[Any]], meta: dict[str, Any], target: Path) -> None:
    # One task a line as a flow mapping (JSON is valid YAML): writing a million tasks with
    # PyYAML's dumper would take minutes; the loader reads this like any other dataset.
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        out.write(yaml_file.dump({**meta}))
        out.write("tasks:\n")
    append_yaml_tasks(columns, target)


def append_yaml_tasks(columns: dict[str, list[Any]], target: Path) -> None:
    names = list(columns)
    with open(target, "a", encoding="utf-8", newline="\n") as out:
        for values in zip(*columns.values(), strict=True):
            out.write(
                "- " + json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False) + "\n"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--formats", default="yaml,parquet,csv", help="any of yaml,parquet,ipc,csv")
    args = parser.parse_args(argv)

    import polars as pl

    from dutycli.output.flat import flat

    real = loader.read_dataset(loader.default_path())
    source = Source(real.tasks)
    meta = {
        "dutycli_dataset": yaml_file.FORMAT_VERSION,
        "title": "合成数据：多区多年目标任务责任分解表",
        "label": "benchmark",
        "goals": real.goals,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for size in (int(s) for s in args.sizes.split(",")):
        stem = args.out / f"tasks-{size_label(size)}"
        targets = {fmt: stem.with_suffix({"ipc": ".arrow"}.get(fmt, f".{fmt}")) for fmt in formats}
        if size <= CHUNK:
            columns = generate_columns(source, size, args.seed)
            frame = pl.DataFrame(columns, schema=task_schema())
            for fmt, target in targets.items():
                if fmt == "yaml":
                    write_yaml(columns, meta, target)
                elif fmt == "csv":
                    flat(frame).write_csv(target)
                else:
                    writer.write_frame(frame, meta, target, fmt, force=True)
        else:
            write_in_chunks(source, size, args.seed, meta, targets)
        for target in targets.values():
            print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


# Tasks generated at a time: a million tasks as Python lists take a few GiB, ten million
# would not fit. Whole tables (122 tasks), so that no table is cut in two.
CHUNK = 122 * 8197


def write_in_chunks(
    source: Source, size: int, seed: int, meta: dict[str, Any], targets: dict[str, Path]
) -> None:
    """Generate ``size`` tasks chunk by chunk into Parquet parts, then stream them out."""
    import tempfile

    import polars as pl

    from dutycli.output.flat import flat

    with tempfile.TemporaryDirectory(dir=next(iter(targets.values())).parent) as parts_dir:
        parts: list[Path] = []
        for number, first in enumerate(range(0, size, CHUNK)):
            columns = generate_columns(source, min(CHUNK, size - first), seed + number, first + 1)
            part = Path(parts_dir) / f"part-{number:04d}.parquet"
            pl.DataFrame(columns, schema=task_schema()).write_parquet(part)
            if "yaml" in targets:
                if number == 0:
                    write_yaml(columns, meta, targets["yaml"])
                else:
                    append_yaml_tasks(columns, targets["yaml"])
            del columns
            parts.append(part)
        tasks = pl.scan_parquet(parts)
        for fmt, target in targets.items():
            if fmt == "parquet":
                meta_text = json.dumps(meta, ensure_ascii=False)
                tasks.sink_parquet(target, metadata={columnar.META_KEY: meta_text})
            elif fmt == "ipc":
                tasks.sink_ipc(target, compression="uncompressed")
            elif fmt == "csv":
                flat(tasks).sink_csv(target)


if __name__ == "__main__":
    sys.exit(main())
