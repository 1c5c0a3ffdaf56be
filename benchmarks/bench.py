"""Time dutycli as whole processes, side by side with baselines measured in the same run.

    python benchmarks/bench.py startup            # start-up: dutycli vs importing its stack
    python benchmarks/bench.py startup --other OLD/bin/dutycli  # and another build, same run
    python benchmarks/bench.py scale              # 10k/100k/1M tasks: dutycli vs DuckDB, csvgrep
    python benchmarks/bench.py scale --sizes 10M  # ten million tasks (2.6 GB of CSV)
    python benchmarks/bench.py all --report benchmarks/out/report.md

``scale`` needs the datasets of ``benchmarks/generate.py`` (it runs the generator for any
size missing) and the ``bench`` extra (``pip install -e '.[bench]'``: DuckDB and csvkit).
Every figure is the median of several runs of a fresh process, with the spread (min-max);
runs of the tools compared are interleaved, so a busy machine slows all of them alike.
Peak memory is the child's maximum resident set size (``wait4``). Output goes to
/dev/null. Nothing here is a test: it prints figures and ratios, it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
DUTYCLI = str(BIN / "dutycli")


@dataclass
class Sample:
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks_kib: list[int] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    def spread(self) -> str:
        return f"{min(self.walls) * 1000:.0f}–{max(self.walls) * 1000:.0f}"

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def peak_mib(self) -> float:
        return max(self.peaks_kib) / 1024


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # As after a normal install: dutycli's own modules are byte-compiled once, then reused.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DUTYCLI_DATA", None)
    env["DUTYCLI_CACHE_DIR"] = str(HERE / "out" / "cache")
    env.update(extra)
    return env


def run_once(command: Sequence[str], env: dict[str, str]) -> tuple[float, float, int, int]:
    """Wall and CPU (user+system) seconds, peak RSS (KiB), exit code of one run."""
    with open(os.devnull, "wb") as devnull:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=devnull, stderr=devnull, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, int(usage.ru_maxrss), process.returncode


def measure(
    commands: dict[str, tuple[list[str], dict[str, str]]], runs: dict[str, int]
) -> dict[str, Sample]:
    """Run every command ``runs[name]`` times, interleaved, after one untimed warm-up each."""
    samples = {name: Sample() for name in commands}
    for command, env in commands.values():
        run_once(command, env)
    for round_no in range(max(runs.values())):
        for name, (command, env) in commands.items():
            if round_no < runs[name]:
                wall, cpu, peak, code = run_once(command, env)
                samples[name].walls.append(wall)
                samples[name].cpus.append(cpu)
                samples[name].peaks_kib.append(peak)
                samples[name].codes.add(code)
    return samples


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024**2:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import polars, typer; print(polars.__version__, typer.__version__)",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory} RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, Polars {versions[0] if versions else '?'}, "
        f"Typer {versions[1] if len(versions) > 1 else '?'}"
    )


STACK_IMPORT = "import typer, polars, yaml"

# --- start-up -------------------------------------------------------------------------


def startup(runs: int, other: str | None = None) -> list[str]:
    """Start-up rows; ``other`` (another build's dutycli) adds its rows, interleaved."""
    python = sys.executable
    env = child_env()
    completion = child_env(
        _DUTYCLI_COMPLETE="complete_bash", COMP_WORDS="dutycli by-u", COMP_CWORD="1"
    )
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([python, "-c", "pass"], env),
        f'python -c "{STACK_IMPORT}" (baseline)': (
            [python, "-c", STACK_IMPORT],
            env,
        ),
        "dutycli by-unit 发改局 --format csv": (
            [DUTYCLI, "by-unit", "发改局", "--format", "csv"],
            env,
        ),
        "  the same, cache off (DUTYCLI_NO_CACHE=1)": (
            [DUTYCLI, "by-unit", "发改局", "--format", "csv"],
            child_env(DUTYCLI_NO_CACHE="1"),
        ),
        "dutycli by-unit 发改局 --format table": (
            [DUTYCLI, "by-unit", "发改局", "--format", "table"],
            env,
        ),
        "dutycli --version": ([DUTYCLI, "--version"], env),
        "dutycli --help": ([DUTYCLI, "--help"], env),
        "dutycli by-unit --help": ([DUTYCLI, "by-unit", "--help"], env),
        "completion (dutycli by-u<TAB>)": ([DUTYCLI], completion),
    }
    if other is not None:
        for name, (command, environ) in list(commands.items()):
            if command[0] == DUTYCLI:
                commands[f"{name} [other: {other}]"] = ([other, *command[1:]], environ)
    samples = measure(commands, {name: runs for name in commands})
    base = samples[f'python -c "{STACK_IMPORT}" (baseline)'].median
    lines = [
        f"Start-up, shipped 122-task table, {runs} runs each (ms; ratio to the baseline):",
        "",
        "| command | median ms | min–max ms | × baseline | CPU ms | peak MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, sample in samples.items():
        lines.append(
            f"| {name.strip()} | {sample.median * 1000:.0f} | {sample.spread()} | "
            f"{sample.median / base:.2f} | {sample.cpu * 1000:.0f} | {sample.peak_mib:.0f} |"
        )
    return lines


# --- scale ------------------------------------------------------------------------------

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}

# The same three questions for every tool: (dutycli arguments, DuckDB query kind, column, value).
QUERIES = [
    ("by-unit 发改局", ["by-unit", "发改局"], "names", "lead_units", "发改局"),
    ("by-leader 陆秋明", ["by-leader", "陆秋明"], "names", "leaders", "陆秋明"),
    ("search 石墨烯", ["search", "石墨烯"], "text", "task,goal", "石墨烯"),
]

DUCKDB_SCRIPT = """
import sys, duckdb
path, kind, column, value = sys.argv[1:5]
con = duckdb.connect()
schema = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
# Lists joined with 、 as dutycli's CSV does.
select = ", ".join(
    f"array_to_string({name}, '、') AS {name}" if kind_.endswith("[]") else name
    for name, kind_, *_ in schema
)
literal = "'" + value.replace("'", "''") + "'"
if kind == "names":  # a list element containing the value, as dutycli matches names
    where = f"len(list_filter({column}, lambda x: contains(x, {literal}))) > 0"
else:
    where = " OR ".join(f"contains({c}, {literal})" for c in column.split(","))
con.execute(
    f"COPY (SELECT {select} FROM read_parquet('{path}') WHERE {where}) "
    "TO '/dev/stdout' (FORMAT csv, HEADER)"
)
"""


def _current(size: str, out: Path) -> bool:
    """The datasets of this size exist and have today's task fields."""
    import polars as pl

    from dutycli.schema import TASK_FIELDS

    parquet = out / f"tasks-{size}.parquet"
    if not (parquet.exists() and (out / f"tasks-{size}.csv").exists()):
        return False
    return list(pl.read_parquet_schema(parquet)) == list(TASK_FIELDS)


def ensure_datasets(sizes: list[str], out: Path) -> None:
    missing = [s for s in sizes if not _current(s, out)]
    if missing:
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--sizes",
                ",".join(str(SIZES[s]) for s in missing),
                "--out",
                str(out),
                "--formats",
                "parquet,csv",  # what the tools compared read
            ],
            check=True,
        )


def ensure_parquet(size: str, out: Path) -> Path:
    """The Parquet file of ``size`` tasks, generated when missing or out of date."""
    parquet = out / f"tasks-{size}.parquet"
    # Checked in a child: Polars imported here would grow this process, and a child's peak
    # memory (wait4) starts from its parent's size at fork.
    current = (
        parquet.exists()
        and not subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, polars as pl; from dutycli.schema import TASK_FIELDS; "
                "sys.exit(list(pl.read_parquet_schema(sys.argv[1])) != list(TASK_FIELDS))",
                str(parquet),
            ],
            check=False,
        ).returncode
    )
    if not current:
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--sizes",
                str(SIZES[size]),
                "--out",
                str(out),
                "--formats",
                "parquet",
            ],
            check=True,
        )
    return parquet


def scale(sizes: list[str], runs: int, csvgrep_runs: int, out: Path) -> list[str]:
    ensure_datasets(sizes, out)
    csvgrep = shutil.which("csvgrep", path=str(BIN)) or shutil.which("csvgrep")
    env = child_env()
    lines = [
        f"Scale: Parquet input (csvgrep: the same table as CSV), CSV output to /dev/null; "
        f"median of {runs} runs (csvgrep: {csvgrep_runs}):",
        "",
        "| tasks | query | rows out | dutycli s (CPU s) | peak MiB | DuckDB s (CPU s) | "
        "dutycli ÷ DuckDB | csvgrep s (CPU s) | csvgrep ÷ dutycli | csvgrep ÷ stack start-up |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    growth: dict[str, dict[str, float]] = {}
    for size in sizes:
        parquet = out / f"tasks-{size}.parquet"
        csv = out / f"tasks-{size}.csv"
        for label, args, kind, column, value in QUERIES:
            commands: dict[str, tuple[list[str], dict[str, str]]] = {
                "dutycli": ([DUTYCLI, "--data", str(parquet), *args, "-f", "csv"], env),
                "duckdb": (
                    [sys.executable, "-c", DUCKDB_SCRIPT, str(parquet), kind, column, value],
                    env,
                ),
            }
            # The stack's start-up, which any dutycli command pays before reading a byte:
            # csvgrep's time over it is the best ratio to csvgrep this stack could reach.
            commands["stack"] = ([sys.executable, "-c", STACK_IMPORT], env)
            counts = {"dutycli": runs, "duckdb": runs, "stack": runs}
            if csvgrep and csvgrep_runs:
                csvgrep_args = ["-c", column, "-m", value, str(csv)]
                if "," in column:
                    csvgrep_args.insert(0, "--any-match")
                commands["csvgrep"] = ([csvgrep, *csvgrep_args], env)
                counts["csvgrep"] = csvgrep_runs
            samples = measure_scaled(commands, counts)
            rows = count_rows([DUTYCLI, "--data", str(parquet), *args, "-f", "csv"], env)
            failed = [name for name, s in samples.items() if s.codes - {0}]
            if failed:  # a tool that failed has no figure worth printing
                raise SystemExit(f"bench: {', '.join(failed)} failed on {size} {label}")
            ours, duck = samples["dutycli"], samples["duckdb"]
            grep = samples.get("csvgrep")
            growth.setdefault(label, {})[size] = ours.median
            lines.append(
                f"| {size} | {label} | {rows} | {ours.median:.3f} ({ours.cpu:.2f}) | "
                f"{ours.peak_mib:.0f} | {duck.median:.3f} ({duck.cpu:.2f}) | "
                f"{ours.median / duck.median:.2f} | "
                + (
                    f"{grep.median:.2f} ({grep.cpu:.2f}) | {grep.median / ours.median:.1f}× | "
                    f"{grep.median / samples['stack'].median:.1f}× |"
                    if grep
                    else "– | – | – |"
                )
            )
            print(lines[-1], file=sys.stderr)
    first = sizes[0]
    for later in sizes[1:]:
        factor = SIZES[later] / SIZES[first]
        lines += [
            "",
            f"Growth of dutycli's wall time from {first} to {later} tasks ({factor:.0f}× the tasks):",
            "",
        ]
        for label, by_size in growth.items():
            lines.append(f"- {label}: {by_size[later] / by_size[first]:.1f}×")
    return lines


def measure_scaled(
    commands: dict[str, tuple[list[str], dict[str, str]]], runs: dict[str, int]
) -> dict[str, Sample]:
    # csvgrep takes seconds at a million rows, tens of seconds at ten million: no warm-up run.
    slow = {name for name, count in runs.items() if count <= 1}
    quick = {name: commands[name] for name in commands if name not in slow}
    samples = measure(quick, {name: runs[name] for name in quick})
    for name in slow:
        sample = Sample()
        for _ in range(runs[name]):
            wall, cpu, peak, code = run_once(*commands[name])
            sample.walls.append(wall)
            sample.cpus.append(cpu)
            sample.peaks_kib.append(peak)
            sample.codes.add(code)
        samples[name] = sample
    return samples


def count_rows(command: list[str], env: dict[str, str]) -> int:
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    return max(0, done.stdout.count(b"\n") - 1)


def report(lines: list[str], path: Path | None) -> None:
    """Print the tables, and write them to ``path`` too when given (``--report``)."""
    text = "\n".join(lines) + "\n"
    print(text)
    if path:
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["startup", "scale", "all"])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (start-up: ×3)")
    parser.add_argument("--sizes", default="10k,100k,1M", help="any of 10k,100k,1M,10M")
    parser.add_argument("--csvgrep-runs", type=int, default=1, help="0 leaves csvgrep out")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--report", type=Path, help="also write the tables to this file")
    parser.add_argument(
        "--other", help="start-up: another build's dutycli executable, measured in the same run"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    load = os.getloadavg()[0]
    lines = [f"Machine: {machine()}; load average at start {load:.1f}", ""]
    if args.what in ("startup", "all"):
        lines += [*startup(args.runs * 3, args.other), ""]
    if args.what in ("scale", "all"):
        sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
        lines += scale(sizes, args.runs, args.csvgrep_runs, args.out)
    report(lines, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
