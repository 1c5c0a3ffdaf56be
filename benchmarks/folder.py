"""A folder of 1,000 dataset files queried as one, against one Parquet file of the same tasks.

The analyst's case: every district's table for several years, each imported on its own
(``dutycli import`` writes YAML; some tables were exported to Parquet), all in one folder:

    python benchmarks/folder.py generate                 # 200 districts x 5 years, 1,000 tasks each
    python benchmarks/folder.py run --runs 5             # times, ratios, peak memory, outputs compared
    python benchmarks/folder.py run --folders yaml --queries by-unit --runs 3
    python benchmarks/folder.py run --cache benchmarks/out/folder-cache   # warm from a last run

``generate`` writes, under ``benchmarks/out/folder`` (git-ignored):

- ``yaml/district-NNN-YYYY.yaml``: every table as YAML (one task a line, a flow mapping, as
  ``generate.py`` writes YAML), as an analyst who imported each table has it;
- ``parquet/…``: the same tables as Parquet, as an analyst who exported each has it;
- ``mixed/…``: the latest year (2023) of every district as Parquet, the rest YAML;
- ``one.parquet``: all their tasks as one Parquet file, in the folder's order.

The tables are drawn from the real one by ``generate.py``'s ``Source`` and ``generate_columns``
(each table its own leaders). Task ids run on from file to file (district-001-2019 holds 1–1000,
the next 1001–2000…), so the one file is a valid dataset holding exactly the folder's tasks, and
a folder query's output without its ``dataset`` column (``units``: ``datasets``) is the one file's.

``run`` times each query as whole processes (``dutycli --data FOLDER … -f csv`` against
``dutycli --data one.parquet … -f csv``), interleaved, after an untimed first run of each (the
first query of a folder fills the cache: reported on its own), each folder with its own
``DUTYCLI_CACHE_DIR``: empty, unless ``--cache DIR`` keeps them from an earlier run (a first
query of 1,000 YAML files parses 600 MB of YAML: minutes). It prints medians, the ratio, CPU and peak RSS
(``wait4``), and checks that the outputs are the same rows (sorted CSV lines). Nothing here is
a test: it prints figures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "folder"
DUTYCLI = str(Path(sys.executable).parent / "dutycli")
DISTRICTS = 200
YEARS = (2019, 2020, 2021, 2022, 2023)
FOLDERS = ("yaml", "parquet", "mixed")
QUERIES = {
    "by-unit": ["by-unit", "发改局"],
    "by-leader": ["by-leader", "陆秋明"],
    "search": ["search", "石墨烯"],
    "units": ["units"],
}


def names(districts: int) -> list[str]:
    return [f"district-{d:03d}-{year}" for d in range(1, districts + 1) for year in YEARS]


def generate(out: Path, districts: int, tasks: int, seed: int) -> None:
    import polars as pl

    from dutycli.store import loader, writer, yaml_file
    from dutycli.store.frames import task_schema
    from generate import Source, generate_columns, write_yaml

    real = loader.read_dataset(loader.default_path())
    source = Source(real.tasks)
    for kind in FOLDERS:
        shutil.rmtree(out / kind, ignore_errors=True)
        (out / kind).mkdir(parents=True)
    frames = []
    started = time.perf_counter()
    for number, name in enumerate(names(districts)):
        columns = generate_columns(source, tasks, seed + number, number * tasks + 1)
        district, year = name.rsplit("-", 1)
        meta = {
            "dutycli_dataset": yaml_file.FORMAT_VERSION,
            "title": f"合成数据：{district} {year}年政府工作报告目标任务责任分解表",
            "label": name,
            "goals": real.goals,
        }
        frame = pl.DataFrame(columns, schema=task_schema())
        frames.append(frame)
        write_yaml(columns, meta, out / "yaml" / f"{name}.yaml")
        writer.write_frame(frame, meta, out / "parquet" / f"{name}.parquet", "parquet", True)
        if year == str(YEARS[-1]):
            shutil.copy(out / "parquet" / f"{name}.parquet", out / "mixed")
        else:
            shutil.copy(out / "yaml" / f"{name}.yaml", out / "mixed")
    one = {
        "dutycli_dataset": yaml_file.FORMAT_VERSION,
        "title": "合成数据：各区各年目标任务责任分解表（一个文件）",
        "goals": real.goals,
    }
    writer.write_frame(pl.concat(frames), one, out / "one.parquet", "parquet", True)
    for kind in FOLDERS:
        size = sum(f.stat().st_size for f in (out / kind).iterdir())
        print(f"wrote {out / kind}: {len(names(districts))} files, {size / 1e6:.0f} MB")
    print(f"wrote {out / 'one.parquet'} ({(out / 'one.parquet').stat().st_size / 1e6:.1f} MB)")
    print(f"in {time.perf_counter() - started:.0f} s")


Run = tuple[float, float, int, int]


def run_once(command: list[str], env: dict[str, str], output: Path | None = None) -> Run:
    """Wall s, CPU s (user+system), peak RSS KiB and exit code of one run; its stdout is
    written to ``output`` when given (and never held here: this process stays small, since a
    child's peak RSS as wait4 reports it can include its parent's at the fork)."""
    with open(output or os.devnull, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code


def rows(text: str) -> list[tuple[str, ...]]:
    """CSV rows without the ``dataset``/``datasets`` column, sorted (the header first)."""
    table = list(csv.reader(io.StringIO(text)))
    if not table:
        return []
    keep = [i for i, name in enumerate(table[0]) if name not in ("dataset", "datasets")]
    picked = [tuple(row[i] for i in keep) for row in table]
    return [picked[0], *sorted(picked[1:])]


def compare(first: Path, second: Path) -> tuple[bool, int]:
    """Whether two CSV outputs hold the same rows (see ``rows``), and how many, worked out in
    a child process (see ``run_once``)."""
    found = subprocess.run(
        [sys.executable, __file__, "compare", str(first), str(second)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return found[0] == "same", int(found[1])


def env_for(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DUTYCLI_DATA", None)
    env.pop("DUTYCLI_NO_CACHE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["DUTYCLI_CACHE_DIR"] = str(cache)
    return env


def run(out: Path, folders: list[str], queries: list[str], runs: int, kept: Path | None) -> None:
    print(f"load average {os.getloadavg()[0]:.1f}; {runs} runs each after a first, untimed one")
    print()
    print(
        "| folder | query | rows | folder s (CPU s) | MiB | one Parquet s (CPU s) | MiB | ratio |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as temporary:
        caches = kept or Path(temporary)
        caches.mkdir(parents=True, exist_ok=True)
        for kind in folders:
            for query in queries:
                time_query(out, kind, query, runs, caches, first_of_folder=query == queries[0])


def time_query(
    out: Path, kind: str, query: str, runs: int, caches: Path, first_of_folder: bool
) -> None:
    """One row: the query on the folder and on the one file, outputs compared."""
    args = [*QUERIES[query], "-f", "csv"]
    commands = {
        "folder": ([DUTYCLI, "--data", str(out / kind), *args], env_for(caches / kind)),
        "one": ([DUTYCLI, "--data", str(out / "one.parquet"), *args], env_for(caches / "one")),
    }
    first = {
        name: run_once(command, env, caches / f"{name}.csv")
        for name, (command, env) in commands.items()
    }
    same, count = compare(caches / "folder.csv", caches / "one.csv")
    samples: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env) in commands.items():
            samples[name].append(run_once(command, env))
    med = {n: statistics.median(s[0] for s in samples[n]) for n in samples}
    cpu = {n: statistics.median(s[1] for s in samples[n]) for n in samples}
    mib = {n: max(s[2] for s in samples[n]) / 1024 for n in samples}
    codes = {s[3] for n in samples for s in samples[n]} | {f[3] for f in first.values()}
    note = "" if same else " **outputs differ**"
    note += "" if codes == {0} else f" exit codes {sorted(codes)}"
    print(
        f"| {kind} | {query} | {count} | {med['folder']:.3f} ({cpu['folder']:.2f}) | "
        f"{mib['folder']:.0f} | {med['one']:.3f} ({cpu['one']:.2f}) | {mib['one']:.0f} | "
        f"{med['folder'] / med['one']:.2f}{note} |",
        flush=True,
    )
    if first_of_folder:
        wall, cpu_s, peak, _ = first["folder"]
        print(
            f"| {kind}: its first query | | | {wall:.3f} ({cpu_s:.2f}) | {peak / 1024:.0f} | | | |",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("generate", "run", "compare"))
    parser.add_argument("outputs", nargs="*", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--districts", type=int, default=DISTRICTS)
    parser.add_argument("--tasks", type=int, default=1000, help="tasks per file")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--folders", default=",".join(FOLDERS))
    parser.add_argument("--queries", default=",".join(QUERIES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep the caches in this folder (default: a new one each time, so the first "
        "query of each folder is from an empty cache)",
    )
    args = parser.parse_args(argv)
    if args.action == "compare":
        first, second = (rows(path.read_text(encoding="utf-8")) for path in args.outputs)
        print("same" if first == second else "different", len(second) - 1)
    elif args.action == "generate":
        generate(args.out, args.districts, args.tasks, args.seed)
    else:
        folders = [f for f in args.folders.split(",") if f]
        queries = [q for q in args.queries.split(",") if q]
        run(args.out, folders, queries, args.runs, args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
