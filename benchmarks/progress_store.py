"""Write a progress store (督办) for a generated Parquet dataset: one realistic quarter.

Most lead units sent their form (one collection row per unit and period); of the tasks each
answering unit leads, about 70% are answered, some twice (a second, different version); the
statuses are the form's drop-down (``STATUSES``), the progress texts short. The dataset's name
is the Parquet file's (``tasks-1M`` for ``tasks-1M.parquet``), as dutycli names it.

    python benchmarks/progress_store.py /work/benchdata/tasks-1M.parquet -o out/tasks-1M.progress.sqlite

The output is the same for the same ``--seed`` (every draw is a hash of the task and unit,
computed column-wise by Polars); it is written in one transaction with ``executemany``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dutycli.locations import dataset_name
from dutycli.progress import store
from dutycli.progress.store import ANSWER_FIELDS, STATUSES

if TYPE_CHECKING:
    import polars as pl

# How often each status is given (percent, in the order of STATUSES).
STATUS_SHARES = (8, 55, 25, 10, 2)
PROGRESS_TEXTS = (
    "已完成方案编制，正在组织实施",
    "项目已开工，完成投资过半",
    "已完成全年目标",
    "正在开展前期调研",
    "受拆迁影响进度滞后",
    "已完成招标，进入施工阶段",
    "按计划有序推进",
    "已召开专题推进会",
    "资金已落实，正在采购",
    "已完成验收",
)
PROBLEMS = ("无", "资金缺口较大", "用地指标紧张", "")
NEXT_STEPS = ("继续推进", "加快进度，确保年底完成", "协调解决用地问题", "")
REPORTERS = ("张三", "李四", "王五", "赵六")
BATCH = 500_000  # tasks read and answered at a time


def build(
    parquet: Path,
    out: Path,
    period: str = "2019Q1",
    reporting: int = 90,
    answered: int = 70,
    second: int = 5,
    seed: int = 17,
) -> tuple[int, int]:
    """Write the store; return (collections, answers) written."""
    import polars as pl

    name = dataset_name(str(parquet))
    tasks = pl.scan_parquet(parquet)
    units = sorted(
        tasks.select(pl.col("lead_units").explode().drop_nulls().unique())
        .collect()
        .get_column("lead_units")
        .to_list()
    )
    units = [u for u in units if u]
    # Which units sent their form: a draw per unit (发改局, the benchmarks' unit, always does).
    draws = (pl.Series(units).hash(seed) % 100).to_list()
    sent = [u for u, d in zip(units, draws, strict=True) if d < reporting or u == "发改局"]
    total = tasks.select(pl.len()).collect().item()
    out.unlink(missing_ok=True)
    written = 0
    with store.connect(out) as db:
        db.execute("BEGIN")
        ids = {}
        for unit in sent:
            ids[unit] = db.execute(
                "INSERT INTO collections (dataset, period, unit, file_name, file_sha256,"
                " collected_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    name,
                    period,
                    unit,
                    f"{period}-{unit}.xlsx",
                    store.task_hash(f"{name}/{period}/{unit}"),
                    "2019-04-08T09:00:00+00:00",
                ),
            ).lastrowid
        # A slice of the tasks at a time: the memory stays that of a slice at 10M tasks.
        for offset in range(0, total, BATCH):
            answers = _answers(tasks.slice(offset, BATCH), sent, answered, second, seed)
            rows = answers.select(
                pl.col("unit").replace_strict(ids, return_dtype=pl.Int64).alias("collection_id"),
                pl.lit(name).alias("dataset"),
                pl.lit(period).alias("period"),
                "unit",
                pl.col("id").alias("task_id"),
                "task_sha256",
                "version",
                *ANSWER_FIELDS,
            )
            db.executemany(
                "INSERT INTO answers (collection_id, dataset, period, unit, task_id,"
                f" task_sha256, version, {', '.join(ANSWER_FIELDS)})"
                f" VALUES ({', '.join('?' * 13)})",
                rows.iter_rows(),
            )
            written += len(rows)
        db.execute("COMMIT")
    return len(sent), written


def _answers(
    tasks: pl.LazyFrame, sent: list[str], answered: int, second: int, seed: int
) -> pl.DataFrame:
    """The answers to the tasks of ``tasks`` (a slice), their second versions after them."""
    import polars as pl

    draw = (pl.col("id").hash(seed) ^ pl.col("unit").hash(seed + 1)).alias("draw")
    chosen = (
        tasks.select("id", "task", pl.col("lead_units").alias("unit"))
        .explode("unit")
        .filter(pl.col("unit").is_in(sent))
        .unique(["id", "unit"], keep="first", maintain_order=True)
        .with_columns(draw)
        .filter(pl.col("draw") % 100 < answered)
        .collect()
    )
    # The status of each percent (0…99) of a draw, as STATUS_SHARES divide them.
    by_percent = [s for s, share in zip(STATUSES, STATUS_SHARES, strict=True) for _ in range(share)]

    def status_of(shift: int) -> pl.Expr:
        roll = ((pl.col("draw") // (100 << shift)) % 100).cast(pl.Int64)
        return pl.lit(pl.Series(by_percent)).gather(roll)

    def pick(texts: tuple[str, ...], shift: int) -> pl.Expr:
        index = ((pl.col("draw") // (7 << shift)) % len(texts)).cast(pl.Int64)
        return pl.lit(pl.Series(texts)).gather(index)

    hashes = pl.Series(
        [store.task_hash(text) for text in chosen.get_column("task").to_list()], dtype=pl.String
    )
    first = chosen.drop("task").with_columns(
        hashes.alias("task_sha256"),
        pl.lit(1, pl.Int64).alias("version"),
        pick(PROGRESS_TEXTS, 1).alias("progress"),
        status_of(2).alias("status"),
        pick(PROBLEMS, 3).alias("problems"),
        pick(NEXT_STEPS, 4).alias("next_steps"),
        pick(REPORTERS, 5).alias("reporter"),
        pl.format("0519-8630{}", (pl.col("draw") % 10000).cast(pl.String).str.zfill(4)).alias(
            "phone"
        ),
    )
    # A second, different version of a few answers: a later collect of a corrected form.
    again = first.filter((pl.col("draw") // 1000) % 100 < second).with_columns(
        pl.lit(2, pl.Int64).alias("version"),
        pl.lit("已按要求整改，进度加快").alias("progress"),
        pl.lit("推进中").alias("status"),
    )
    return pl.concat([first, again])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parquet", type=Path, help="a dataset written by generate.py")
    parser.add_argument("-o", "--out", type=Path, required=True, help="the store to write")
    parser.add_argument("--period", default="2019Q1")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    forms, answers = build(args.parquet, args.out, args.period, seed=args.seed)
    print(
        f"{args.out}: {forms} forms, {answers} answers ({time.perf_counter() - start:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
