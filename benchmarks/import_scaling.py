"""How `dutycli import` scales on large and hostile sources: every ratio should stay flat.

Run: .venv/bin/python benchmarks/import_scaling.py [SCALE]

Each case is timed (best of 3) at sizes n, 2n and 4n (n grows with SCALE, default 1)
and reported as a ratio against its own smallest size in the same run: about 2 and 4
for linear work, 4 and 16 for quadratic work. The cases:

- goals: a text table of n goals of one task each, against n tasks of one goal (the
  ratio goals ÷ tasks should stay near 1 at every size);
- a task cell of n lines (the text format joins a cell's lines);
- a leader cell with a name wrapped onto a new line n times;
- an Excel sheet whose used range reaches XFD1048576 (a formatted empty cell), against
  the same sheet without it (should stay near 1).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from dutycli.names import split_names
from dutycli.sources.normalize import import_file
from dutycli.sources.text import read_cells
from timing import best_of

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tables import Table, write_text, write_xlsx  # noqa: E402 - the test writers

HEADER = ["序号", "目标名称", "工作标准", "区政府分管领导", "牵头责任单位"]


def goals_table(count: int, one_goal: bool) -> Table:
    body = []
    for n in range(1, count + 1):
        first = not one_goal or n == 1
        body.append(
            [str(n) if first else "", f"目标{n}" if first else "", f"任务{n}", "张三", "某局"]
        )
    return Table(["附件1", "标题"], HEADER, body)


def report(name: str, sizes: list[int], seconds: list[float]) -> None:
    base = seconds[0]
    cells = "  ".join(
        f"{size:>9,}: {s * 1000:8.1f} ms ({s / base:5.2f}x)"
        for size, s in zip(sizes, seconds, strict=True)
    )
    print(f"{name:34} {cells}")


def main() -> None:
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)

        sizes = [5_000 * scale, 10_000 * scale, 20_000 * scale]
        times: dict[bool, list[float]] = {True: [], False: []}
        for size in sizes:
            for one_goal in (True, False):
                path = write_text(goals_table(size, one_goal), folder / f"g{size}{one_goal}.txt")
                times[one_goal].append(best_of(3, lambda p=path: import_file(p)))
        report("n tasks in one goal", sizes, times[True])
        report("n goals of one task", sizes, times[False])
        ratios = "  ".join(
            f"{size:>9,}: {g / t:5.2f}x"
            for size, g, t in zip(sizes, times[False], times[True], strict=True)
        )
        print(f"{'goals ÷ tasks (same n)':34} {ratios}")

        sizes = [250_000 * scale, 500_000 * scale, 1_000_000 * scale]
        seconds = []
        for size in sizes:
            text = "\t序号\n\t工作标准\n\t" + "第一行\n" * size
            seconds.append(best_of(3, lambda t=text: read_cells(t)))
        report("a cell of n lines", sizes, seconds)

        sizes = [25_000 * scale, 50_000 * scale, 100_000 * scale]
        seconds = []
        for size in sizes:
            cell = "应急管理局" + "\n(安委办)" * size
            seconds.append(best_of(3, lambda c=cell: split_names(c)))
        report("a name wrapped n times", sizes, seconds)

        import openpyxl
        from openpyxl.styles import Font

        plain = write_xlsx(goals_table(200, False), folder / "plain.xlsx")
        far = write_xlsx(goals_table(200, False), folder / "far.xlsx")
        book = openpyxl.load_workbook(far)
        book["分解表"].cell(1_048_576, 16_384).font = Font(bold=True)
        book.save(far)
        first = best_of(3, lambda: import_file(plain))
        second = best_of(3, lambda: import_file(far))
        print(
            f"{'xlsx with a far formatted cell':34} plain {first * 1000:.1f} ms, "
            f"far cell {second * 1000:.1f} ms ({second / first:.2f}x)"
        )


if __name__ == "__main__":
    main()
