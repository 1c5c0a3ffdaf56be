"""The first query of a new Parquet file against later ones, and metrics as the table grows.

    python benchmarks/first_query.py --size 10M          # first vs later query of a new file
    python benchmarks/first_query.py --metrics 100k,1M,10M

First query: a Parquet file's values are checked once (store/columnar.check_values) and the
verdict kept in the cache while the file is unchanged. ``dutycli export`` records that verdict
for the file it writes, so its first query costs what later ones do; a file from elsewhere
(here: a copy, a new inode) pays the check once. Each case runs with a cache of its own.

Metrics: ``dutycli metrics`` on 100k, 1M and 10M tasks (wall, CPU, peak memory, growth), and
in-process the same extraction with every clause read afresh (``metrics._clause_targets``
unwrapped), the cost when no clause repeats (the generated tables reuse the real table's
clauses, as tables of several years and districts do).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import BIN, HERE, child_env, ensure_parquet, machine, measure, report, run_once

DUTYCLI = str(BIN / "dutycli")
QUERY = ["by-unit", "发改局", "-f", "csv"]


def first_query(size: str, out: Path, runs: int) -> list[str]:
    source = ensure_parquet(size, out)
    lines = [
        f"First query of a new {size}-task Parquet file against later ones "
        f"(`dutycli --data FILE {' '.join(QUERY)}`; later: median of {runs}):",
        "",
        "| file | first s (CPU s) | first peak MiB | later s | first ÷ later |",
        "|---|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(dir=out) as work:
        folder = Path(work)
        exported = folder / "exported.parquet"
        cache = folder / "cache-export"
        # Written by dutycli export (with its own cache, where the verdict is recorded).
        env = child_env(DUTYCLI_CACHE_DIR=str(cache))
        done = run_once([DUTYCLI, "--data", str(source), "export", "-o", str(exported)], env)
        if done[3]:
            raise SystemExit("bench: export failed")
        copied = folder / "copied.parquet"
        shutil.copyfile(source, copied)
        time.sleep(2.1)  # the copy settles (locations.SETTLE_SECONDS): its verdict is kept
        for label, path, cache_dir in (
            ("written by `dutycli export`", exported, cache),
            ("copied from elsewhere (checked on first query)", copied, folder / "cache-copy"),
        ):
            env = child_env(DUTYCLI_CACHE_DIR=str(cache_dir))
            command = [DUTYCLI, "--data", str(path), *QUERY]
            wall, cpu, peak, code = run_once(command, env)
            if code:
                raise SystemExit(f"bench: {label}: exit {code}")
            later = measure({"later": (command, env)}, {"later": runs})["later"]
            lines.append(
                f"| {label} | {wall:.3f} ({cpu:.2f}) | {peak / 1024:.0f} | "
                f"{later.median:.3f} | {wall / later.median:.2f} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    return lines


def metrics(sizes: list[str], out: Path, runs: int) -> list[str]:
    lines = [
        f"`dutycli metrics -f csv` (median of {runs}; fresh clauses: in-process, once):",
        "",
        "| tasks | s (CPU s) | peak MiB | growth | every clause fresh, s |",
        "|---|---:|---:|---:|---:|",
    ]
    previous = None
    for size in sizes:
        parquet = ensure_parquet(size, out)
        command = [DUTYCLI, "--data", str(parquet), "metrics", "-f", "csv"]
        sample = measure({"m": (command, child_env())}, {"m": runs})["m"]
        growth = f"{sample.median / previous:.1f}×" if previous else "–"
        previous = sample.median
        fresh = _fresh_clauses(parquet)
        lines.append(
            f"| {size} | {sample.median:.2f} ({sample.cpu:.2f}) | {sample.peak_mib:.0f} | "
            f"{growth} | {fresh:.2f} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
    return lines


def _fresh_clauses(parquet: Path) -> float:
    """metric_rows with no clause read before, in a child (its memory is its own)."""
    script = (
        "import sys, time, polars as pl\n"
        "from dutycli.query import analysis, metrics\n"
        "metrics._clause_targets = metrics._clause_targets.__wrapped__\n"
        "start = time.perf_counter()\n"
        "analysis.metric_rows(pl.scan_parquet(sys.argv[1]))\n"
        "print(time.perf_counter() - start)\n"
    )
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", script, str(parquet)],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    )
    return float(done.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="", help="first query: 1M or 10M")
    parser.add_argument("--metrics", default="", help="metrics: e.g. 100k,1M,10M")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--report", type=Path)
    args = parser.parse_args(argv)
    lines = [f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.1f}", ""]
    if args.size:
        lines += [*first_query(args.size, args.out, args.runs), ""]
    if args.metrics:
        sizes = [s.strip() for s in args.metrics.split(",") if s.strip()]
        lines += metrics(sizes, args.out, args.runs)
    report(lines, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
