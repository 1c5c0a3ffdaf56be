"""How long `dutycli import` takes per source format, against the text format.

Run: .venv/bin/python benchmarks/import_speed.py [COPIES]

The real 2019 table (122 tasks) is written COPIES times over (default 8, about
1000 tasks, goals renumbered) as text, GB18030 text, CSV, Word (real merged cells)
and Excel (merged ranges), with the writers the tests use. Each import is timed
(best of 3) and reported as a ratio against the UTF-8 text import of the same run.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from dutycli.sources.normalize import import_file
from timing import best_of

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tables import (  # noqa: E402 - the test writers live beside the tests
    Table,
    write_delimited,
    write_docx,
    write_text,
    write_xlsx,
)
from tests.test_formats import wujin_table  # noqa: E402


def repeated(copies: int) -> Table:
    base = wujin_table()
    goals = max(int(r[0]) for r in base.body if r[0].strip())
    body = []
    for n in range(copies):
        for row in base.body:
            number = str(int(row[0]) + n * goals) if row[0].strip() else ""
            body.append([number, *row[1:]])
    return Table(base.preamble, base.header, body, base.merge_columns)


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    table = repeated(copies)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sources = {
            "text (baseline)": write_text(table, folder / "t.txt"),
            "text GB18030 CRLF": write_text(table, folder / "g.txt", "gb18030", "\r\n"),
            "csv": write_delimited(table, folder / "t.csv", ",", "utf-8-sig"),
            "docx": write_docx(table, folder / "t.docx"),
            "xlsx": write_xlsx(table, folder / "t.xlsx"),
        }
        tasks = len(import_file(sources["text (baseline)"])[0]["tasks"])
        times = {
            label: best_of(3, lambda p=path: import_file(p)) for label, path in sources.items()
        }
        baseline = times["text (baseline)"]
        print(f"{tasks} tasks")
        for label, seconds in times.items():
            print(f"{label:20} {seconds * 1000:8.1f} ms  {seconds / baseline:5.2f}x text")


if __name__ == "__main__":
    main()
