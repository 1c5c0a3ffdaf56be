"""Large results in pieces: time to the first row through a pager, and peak memory of a CSV.

    .venv/bin/python benchmarks/streaming.py [--data /work/benchdata/tasks-1M.parquet] [--old]

1. A terminal table of ``by-unit 发改局`` (90,166 rows at 1M tasks) on a pseudo-terminal,
   through a pager that reads one line and quits: seconds until the pager has its first line,
   and until dutycli has ended.
2. ``by-unit 发改局 -f csv > /dev/null`` and ``list -f csv`` (every task): wall time and peak
   RSS (``wait4``).

Each is measured for dutycli as it is and, in the same run, for the old path: the table
rendered whole before the pager starts (``table_stream.STREAM_ROWS`` raised), the CSV rendered
whole before it is written (``flat.SLICE_ROWS`` raised). The old table path renders every row
first (minutes at 90k rows): it runs only with ``--old``.
"""

from __future__ import annotations

import argparse
import os
import pty
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OLD_TABLE = "from dutycli.output import table_stream; table_stream.STREAM_ROWS = 10**12\n"
OLD_FLAT = "from dutycli.output import flat; flat.SLICE_ROWS = 10**12\n"
RUN = 'from dutycli.__main__ import main; sys.argv[0] = "dutycli"; main()\n'


def command(patch: str, *args: str) -> list[str]:
    program = "import sys\n" + patch + RUN
    return [sys.executable, "-c", program, *args]


def first_row(data: str, patch: str, work: Path) -> tuple[float, float]:
    """Seconds to the pager's first line, and to dutycli's end, on a pseudo-terminal."""
    mark = work / "first-line"
    mark.unlink(missing_ok=True)
    pager = work / "pager"
    pager.write_text(
        f"#!{sys.executable}\nimport sys, time\nsys.stdin.buffer.readline()\n"
        f"open({str(mark)!r}, 'w').write(repr(time.time()))\n"
    )
    pager.chmod(0o755)
    primary, secondary = pty.openpty()
    environment = {**os.environ, "DUTYCLI_PAGER": str(pager), "COLUMNS": "160", "LINES": "50"}
    start = time.time()
    process = subprocess.Popen(
        command(patch, "--data", data, "by-unit", "发改局", "-f", "table"),
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=environment,
    )
    os.close(secondary)
    while True:  # the terminal must be read, or a full one blocks the writer
        try:
            if not os.read(primary, 65536):
                break
        except OSError:
            break
    process.wait()
    ended = time.time() - start
    os.close(primary)
    first = float(mark.read_text()) - start if mark.exists() else float("nan")
    return first, ended


def csv_run(data: str, patch: str, *query: str) -> tuple[float, float]:
    """Wall seconds and peak MiB of ``dutycli --data DATA QUERY -f csv > /dev/null``."""
    with open(os.devnull, "wb") as null:
        start = time.time()
        process = subprocess.Popen(command(patch, "--data", data, *query, "-f", "csv"), stdout=null)
        _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.time() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/benchdata/tasks-1M.parquet")
    parser.add_argument("--old", action="store_true", help="also the old table path (minutes)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ.setdefault("DUTYCLI_CACHE_DIR", str(work / "cache"))
        csv_run(options.data, "", "units")  # a file's first query checks its values: not timed
        print("| path | first row s | dutycli ends s |\n|---|---:|---:|")
        new = first_row(options.data, "", work)
        print(f"| table in blocks (now) | {new[0]:.2f} | {new[1]:.2f} |")
        if options.old:
            old = first_row(options.data, OLD_TABLE, work)
            print(f"| table whole (old) | {old[0]:.2f} | {old[1]:.2f} |")
            print(f"\nfirst row: old ÷ now = {old[0] / new[0]:.0f}×\n")
        print("\n| -f csv > /dev/null | path | best s of 3 | peak MiB | peak now ÷ old |")
        print("|---|---|---:|---:|---:|")
        for query in (["by-unit", "发改局"], ["list"]):
            peaks: dict[str, float] = {}
            for name, patch in (("slices (now)", ""), ("whole (old)", OLD_FLAT)):
                measured = [csv_run(options.data, patch, *query) for _ in range(3)]
                peaks[name] = max(peak for _, peak in measured)
                best = min(seconds for seconds, _ in measured)
                ratio = f"{peaks['slices (now)'] / peaks[name]:.2f}" if "old" in name else ""
                print(f"| {' '.join(query)} | {name} | {best:.2f} | {peaks[name]:.0f} | {ratio} |")


if __name__ == "__main__":
    main()
