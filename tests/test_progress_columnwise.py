"""The column-wise progress joins (issue 17) answer exactly as the row-by-row code they
replaced: the old functions are kept here as the reference and both are run on tricky cases
(several lead units with different or equal answers, a unit with no answer, several versions,
several periods, deadlines that are dates, ongoing or not understood), eager and lazy."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dutycli.progress import deadlines, status, store
from dutycli.progress.store import ANSWER_FIELDS

# --- the reference: the row-by-row code of issue 16 ---------------------------------------------


def old_latest(answers: pl.DataFrame, period: str | None) -> pl.DataFrame:
    if period is not None:
        answers = answers.filter(pl.col("period") == period)
    else:
        latest = answers.group_by("dataset", "unit", "task_id").agg(pl.col("period").max())
        answers = answers.join(latest, on=["dataset", "unit", "task_id", "period"])
    return answers.sort("version").group_by("dataset", "period", "unit", "task_id").last()


def old_status_rows(
    tasks: pl.DataFrame, answers: pl.DataFrame, period: str, as_of: date, year: int
) -> pl.DataFrame:
    rows = (
        tasks.explode("lead_units")
        .rename({"lead_units": "lead_unit"})
        .filter(pl.col("lead_unit").is_not_null() & (pl.col("lead_unit") != ""))
    )
    latest = old_latest(answers, period).rename({"task_id": "id", "unit": "lead_unit"})
    keep = ["dataset", "lead_unit", "id", *ANSWER_FIELDS, "version"]
    rows = rows.join(latest.select(keep), on=["dataset", "lead_unit", "id"], how="left")
    parsed = [deadlines.parse(text, year) for text in rows.get_column("deadline").to_list()]
    done = rows.get_column("status").to_list()
    overdue = [
        isinstance(when, date) and when < as_of and s != "已完成"
        for when, s in zip(parsed, done, strict=True)
    ]
    return rows.with_columns(
        pl.Series("deadline_date", [deadlines.shown(p) for p in parsed], pl.String),
        pl.Series("overdue", overdue, pl.Boolean),
        pl.lit(period).alias("period"),
        *(pl.col(name).fill_null("") for name in ANSWER_FIELDS),
    ).select("dataset", *status.STATUS_COLUMNS)


def old_with_progress(
    tasks: pl.DataFrame, answers: pl.DataFrame, period: str | None
) -> pl.DataFrame:
    latest = old_latest(answers, period)
    by_task = (
        latest.sort("unit")
        .group_by("dataset", pl.col("task_id").alias("id"), maintain_order=True)
        .agg(
            pl.col("period").max(),
            pl.col("unit").alias("_units"),
            pl.col("status").alias("_statuses"),
            pl.col("progress").alias("_progress"),
        )
    )
    joined = tasks.join(by_task, on=["dataset", "id"], how="left", maintain_order="left")
    said, texts = [], []
    for units, statuses, progress in zip(
        joined.get_column("_units").to_list(),
        joined.get_column("_statuses").to_list(),
        joined.get_column("_progress").to_list(),
        strict=True,
    ):
        said.append(status._joined(units or [], statuses or []))
        texts.append(status._joined(units or [], progress or []))
    return joined.with_columns(
        pl.col("period").fill_null(""),
        pl.Series("status", said, pl.String),
        pl.Series("progress", texts, pl.String),
    ).drop("_units", "_statuses", "_progress")


# --- the cases ------------------------------------------------------------------------------------

TASKS = pl.DataFrame(
    {
        "dataset": ["d"] * 7 + ["e"],
        "id": [1, 2, 3, 4, 5, 6, 7, 1],
        "goal_no": [1, 1, 1, 2, 2, 2, 3, 1],
        "goal": ["甲"] * 3 + ["乙"] * 3 + ["丙", "甲"],
        "task": [f"任务{i}" for i in range(1, 8)] + ["任务1"],
        "lead_units": [
            ["商务局", "发改局"],  # two units, different answers
            ["发改局", "商务局"],  # two units, the same answer
            ["发改局"],  # one unit, a second version
            ["统计局"],  # no answer at all
            ["发改局", "统计局", "商务局"],  # one of three silent
            [],  # no lead unit
            ["发改局", "发改局"],  # a unit listed twice
            ["发改局"],  # another dataset's task of the same id
        ],
        "leaders": [["张三"], [], ["李四"], ["张三", "李四"], [], [], ["王五"], ["张三"]],
        "deadline": ["12月底前", "一季度", "长期坚持", None, "增长6.5%", "上半年", "", "6月30日前"],
    }
)


def answer(dataset: str, period: str, unit: str, task: int, version: int, said: str, text: str):
    return {
        "dataset": dataset,
        "period": period,
        "unit": unit,
        "task_id": task,
        "version": version,
        "progress": text,
        "status": said,
        "problems": "无",
        "next_steps": "",
        "reporter": unit[0],
        "phone": "1",
    }


ANSWERS = pl.DataFrame(
    [
        answer("d", "2019Q1", "商务局", 1, 1, "推进中", "商务过半"),
        answer("d", "2019Q1", "发改局", 1, 1, "已完成", "发改完成"),
        answer("d", "2019Q1", "发改局", 2, 1, "推进中", "同一进展"),
        answer("d", "2019Q1", "商务局", 2, 1, "推进中", "同一进展"),
        answer("d", "2019Q1", "发改局", 3, 1, "推进中", "第一版"),
        answer("d", "2019Q1", "发改局", 3, 2, "滞后", "第二版"),
        answer("d", "2019Q1", "发改局", 3, 3, "已完成", "第三版"),
        answer("d", "2019Q2", "发改局", 3, 1, "推进中", "二季度"),  # a later period
        answer("d", "2019Q1", "发改局", 5, 1, "推进中", "五"),
        answer("d", "2019Q2", "商务局", 5, 1, "推进中", "五"),  # the same, another period
        answer("d", "2019Q1", "发改局", 7, 1, "已完成", "七"),
        answer("e", "2019Q1", "发改局", 1, 1, "滞后", "另一个数据集"),
        answer("d", "2019", "发改局", 2, 1, "未启动", "全年"),  # sorts before 2019Q1
        answer("d", "2019-03", "商务局", 1, 1, "无法完成", "三月"),
    ]
)


@pytest.mark.parametrize("period", [None, "2019Q1", "2019Q2", "2019", "2019Q3"])
@pytest.mark.parametrize("lazy", [False, True])
def test_with_progress_is_the_row_by_row_answer(period: str | None, lazy: bool) -> None:
    expected = old_with_progress(TASKS, ANSWERS, period)
    found = status.with_progress(TASKS.lazy() if lazy else TASKS, ANSWERS, period)
    assert isinstance(found, pl.LazyFrame) == lazy
    got = found.collect() if isinstance(found, pl.LazyFrame) else found
    assert got.equals(expected), (got, expected)
    if period is None:  # the cases really are tricky ones
        by_id = dict(zip(got["id"].to_list()[:7], got["status"].to_list()[:7], strict=True))
        assert by_id[1] == "发改局：已完成；商务局：推进中" and by_id[2] == "推进中"
        assert by_id[4] == ""


@pytest.mark.parametrize("period", ["2019Q1", "2019Q2", "2019Q3"])
@pytest.mark.parametrize("as_of", [date(2019, 3, 31), date(2019, 12, 31)])
@pytest.mark.parametrize("lazy", [False, True])
def test_status_rows_are_the_row_by_row_answer(period: str, as_of: date, lazy: bool) -> None:
    expected = old_status_rows(TASKS, ANSWERS, period, as_of, 2019)
    found = status.status_rows(TASKS.lazy() if lazy else TASKS, ANSWERS, period, as_of, 2019)
    assert isinstance(found, pl.LazyFrame) == lazy
    got = found.collect() if isinstance(found, pl.LazyFrame) else found
    assert got.equals(expected), (got, expected)
    if period == "2019Q1" and as_of == date(2019, 12, 31):
        overdue = got.filter("overdue").select("dataset", "id", "lead_unit").rows()
        # 一季度 answered 推进中 by both units; 6月30日前 answered 滞后; 12月底前 is not before.
        assert overdue == [("d", 2, "发改局"), ("d", 2, "商务局"), ("e", 1, "发改局")]


def test_the_store_reads_only_what_is_asked(tmp_path: Path) -> None:
    """answers_of: the answers of some datasets (and a period), the asked fields, every
    version: the same rows as answers_frame gives."""
    path = tmp_path / "s.progress.sqlite"
    for (dataset, period, unit), rows in ANSWERS.group_by(
        "dataset", "period", "unit", maintain_order=True
    ):
        for version in sorted(set(rows["version"].to_list())):
            # Each version its own collect of another file: record makes it the next version.
            name = f"{dataset}-{period}-{unit}-{version}.xlsx"
            form = store.Form(str(dataset), str(period), str(unit), name, store.task_hash(name))
            said = [
                store.Answer(r["task_id"], "h", **{f: r[f] for f in ANSWER_FIELDS})
                for r in rows.filter(pl.col("version") == version).iter_rows(named=True)
            ]
            store.record(path, form, said)
    everything = store.answers_frame(path)
    for datasets, period in ((["d"], None), (["d", "e"], "2019Q1"), (["x"], None)):
        found = store.answers_of(path, datasets, period, ("status", "progress"))
        wanted = everything.filter(pl.col("dataset").is_in(datasets))
        if period is not None:
            wanted = wanted.filter(pl.col("period") == period)
        assert found.columns == [
            "dataset",
            "period",
            "unit",
            "task_id",
            "version",
            "status",
            "progress",
        ]
        key = ["dataset", "period", "unit", "task_id", "version"]
        assert found.sort(key).equals(wanted.select(found.columns).sort(key))
    assert len(store.answers_of(path, ["d"], None, ANSWER_FIELDS)) == 13


def test_answers_read_again_come_from_the_cache_until_the_store_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answers a query read are kept (answers_cache) and used while the store is
    unchanged; a collect, even within the same clock tick, is seen; a damaged entry is
    a miss, never a wrong answer; DUTYCLI_NO_CACHE turns it off."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("DUTYCLI_CACHE_DIR", str(cache))
    monkeypatch.delenv("DUTYCLI_NO_CACHE", raising=False)
    path = tmp_path / "s.progress.sqlite"

    def collect(unit: str, task: int, said: str, name: str) -> None:
        form = store.Form("d", "2019Q1", unit, name, store.task_hash(name))
        store.record(path, form, [store.Answer(task, "h", progress=said, status="推进中")])

    def read() -> list[tuple[object, ...]]:
        found = store.answers_of(path, ["d"], "2019Q1", ("status", "progress"))
        return found.select("unit", "task_id", "version", "progress").rows()

    collect("发改局", 1, "第一版", "a.xlsx")
    assert read() == [("发改局", 1, 1, "第一版")]
    entries = list((cache / "progress").iterdir())
    assert len(entries) == 1
    # A hit: the entry, not SQLite, answers: one forged (with a valid digest) is believed.
    magic, _, rest = entries[0].read_bytes().split(b"\n", 2)
    header, payload = rest.split(b"\n", 1)
    forged = pl.read_parquet(io.BytesIO(payload)).with_columns(pl.lit("缓存").alias("progress"))
    out = io.BytesIO()
    forged.write_parquet(out)
    rest = header + b"\n" + out.getvalue()
    digest = hashlib.sha256(rest).hexdigest().encode()
    entries[0].write_bytes(magic + b"\n" + digest + b"\n" + rest)
    assert read() == [("发改局", 1, 1, "缓存")]
    collect("发改局", 1, "第二版", "b.xlsx")
    assert read() == [("发改局", 1, 1, "第一版"), ("发改局", 1, 2, "第二版")]
    for entry in (cache / "progress").iterdir():  # damaged: a flipped byte in the Parquet
        data = bytearray(entry.read_bytes())
        data[-20] ^= 0xFF
        entry.write_bytes(bytes(data))
    assert read() == [("发改局", 1, 1, "第一版"), ("发改局", 1, 2, "第二版")]
    monkeypatch.setenv("DUTYCLI_NO_CACHE", "1")
    monkeypatch.setenv("DUTYCLI_CACHE_DIR", str(tmp_path / "none"))
    collect("商务局", 2, "商务", "c.xlsx")
    assert ("商务局", 2, 1, "商务") in read()
    assert not (tmp_path / "none").exists()
