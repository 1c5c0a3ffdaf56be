"""How long a TAB takes: the completion round trip against ``python -c pass``, same run.

Run: .venv/bin/python benchmarks/completion.py [RUNS]

Each case runs the installed ``dutycli`` as the shipped shell scripts do (Typer's
completion protocol in the environment) and reports the median wall time of RUNS runs
(default 30) and its ratio to the median of ``python -c pass`` with the same interpreter.
The goal (issue 17) is a ratio of at most 2 for every TAB: repeated value completions,
command names, option names and fixed values; the summary states it for each. The cache of the dataset's names
(see dutycli.summaries.file_summary) is used as a user's repeated TABs use it.

The Parquet cases complete from a synthetic 100,000-task dataset (benchmarks/generate.py,
written to a temporary folder): repeated TABs read the cached summary, the same size as for
the shipped table; the first TAB after a change scans the file with Polars (no goal: it
pays Polars' import once per change of the file).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate  # benchmarks/generate.py, beside this script

GOAL = 2.0

CASES = {
    "bash: by-unit 发<TAB>": {
        "_DUTYCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": "dutycli\nby-unit\n发",
        "COMP_CWORD": "2",
    },
    "zsh: by-leader <TAB>": {
        "_DUTYCLI_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "dutycli by-leader ",
    },
    "fish: list --fields id,ta<TAB>": {
        "_DUTYCLI_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "_TYPER_COMPLETE_ARGS": "dutycli list --fields id,ta",
    },
    "zsh: show 1<TAB>": {
        "_DUTYCLI_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "dutycli show 1",
    },
    # The first TAB after the dataset changed parses the YAML (DUTYCLI_NO_CACHE=1 stands in).
    "bash: by-unit 发<TAB>, without the cache": {
        "_DUTYCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": "dutycli\nby-unit\n发",
        "COMP_CWORD": "2",
        "DUTYCLI_NO_CACHE": "1",
    },
    "bash: --data 100k.parquet by-unit 发<TAB>": {
        "_DUTYCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": "dutycli\n--data\n{parquet}\nby-unit\n发",
        "COMP_CWORD": "4",
    },
    "zsh: --data 100k.parquet by-target <TAB>": {
        "_DUTYCLI_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "dutycli --data {parquet} by-target ",
    },
    "bash: --data 100k.parquet by-unit 发<TAB>, without the cache (no goal)": {
        "_DUTYCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": "dutycli\n--data\n{parquet}\nby-unit\n发",
        "COMP_CWORD": "4",
        "DUTYCLI_NO_CACHE": "1",
    },
    # Not a data value: answered from the generated table of names (completion.names).
    "zsh: by-<TAB> (command names)": {
        "_DUTYCLI_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "dutycli by-",
    },
    "zsh: by-unit --<TAB> (option names)": {
        "_DUTYCLI_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "dutycli by-unit --",
        "COLUMNS": "120",
    },
    "bash: by-unit --role <TAB> (option names: a fixed value)": {
        "_DUTYCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": "dutycli\nby-unit\n--role\n",
        "COMP_CWORD": "3",
    },
}


def seconds(command: list[str], environ: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=environ, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    dutycli = str(Path(sys.executable).with_name("dutycli"))
    # As after a normal install: modules byte-compiled once, then reused.
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("_DUTYCLI", "DUTYCLI")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    with tempfile.TemporaryDirectory() as folder:
        generate.main(["--sizes", "100000", "--formats", "parquet", "--out", folder])
        parquet = Path(folder) / "tasks-100k.parquet"
        hour_ago = time.time() - 3600  # a file that just changed is not cached yet
        os.utime(parquet, (hour_ago, hour_ago))
        cases = {
            name: {k: v.replace("{parquet}", str(parquet)) for k, v in extra.items()}
            for name, extra in CASES.items()
        }
        for extra in cases.values():  # warm up: write the caches as a user's first TAB does
            seconds([dutycli], {**base_env, **extra})
        baseline, timings = measure(runs, dutycli, base_env, cases)
    report(runs, baseline, timings)
    return 0


def measure(
    runs: int, dutycli: str, base_env: dict[str, str], cases: dict[str, dict[str, str]]
) -> tuple[list[float], dict[str, list[float]]]:
    baseline: list[float] = []
    timings: dict[str, list[float]] = {name: [] for name in cases}
    # Rounds interleave the baseline with every case, so a busy machine slows all alike.
    for _ in range(runs):
        baseline.append(seconds([sys.executable, "-c", "pass"], base_env))
        for name, extra in cases.items():
            timings[name].append(seconds([dutycli], {**base_env, **extra}))
    return baseline, timings


def report(runs: int, baseline: list[float], timings: dict[str, list[float]]) -> None:
    base = statistics.median(baseline)
    print(f"python -c pass: {base * 1000:.1f} ms (median of {runs})")
    worst = {"cached": 0.0, "commands": 0.0, "options": 0.0, "uncached": 0.0}
    for name, times in timings.items():
        median = statistics.median(times)
        ratio = median / base
        if "no goal" not in name:
            kind = "cached"
            if "without the cache" in name:
                kind = "uncached"
            elif "command names" in name:
                kind = "commands"
            elif "option names" in name:
                kind = "options"
            worst[kind] = max(worst[kind], ratio)
        print(f"{name}: {median * 1000:.1f} ms, {ratio:.1f}x")
    for kind, label in (
        ("cached", "repeated TABs"),
        ("commands", "command names"),
        ("options", "option names and fixed values"),
        ("uncached", "first TAB after a change"),
    ):
        verdict = "meets" if worst[kind] <= GOAL else "misses"
        print(
            f"{label}: worst median {worst[kind]:.1f}x python -c pass ({verdict} the {GOAL:g}x goal)"
        )


if __name__ == "__main__":
    sys.exit(main())
