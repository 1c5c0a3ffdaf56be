"""A scanned dataset's CSV written while it is read (output.sink): the same bytes as the
collected rows would give, the rows counted, a failed write stopping the engine."""

from __future__ import annotations

import errno
import io
import subprocess
from pathlib import Path

import polars as pl
import pytest

from dutycli.output import sink
from dutycli.output.flat import flat
from tests.conftest import dutycli_executable, interrupted_while_blocked, run_cli

QUERIES = [
    ["by-unit", "发改局"],
    ["by-leader", "陆秋明", "-f", "tsv"],
    ["search", "经济", "发展"],
    ["search", "石墨烯", "--header", "zh"],
    ["list", "-u", "发改局", "-k", "经济", "--fields", "id,task,lead_units"],
    ["by-target", "4", "--strict"],
    ["by-unit", "发改局", "--explode"],
    ["search", "没有这个词"],
]


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sink") / "wujin.parquet"
    assert run_cli("export", "-o", str(target)).exit_code == 0
    return target


@pytest.mark.parametrize("args", QUERIES, ids=" ".join)
def test_a_scanned_dataset_writes_what_the_yaml_one_does(parquet: Path, args: list[str]) -> None:
    fmt = [] if "-f" in args else ["-f", "csv"]
    scanned = run_cli("--data", str(parquet), *args, *fmt)
    loaded = run_cli(*args, *fmt)
    assert scanned.stdout == loaded.stdout
    assert scanned.exit_code == loaded.exit_code
    assert loaded.stdout.count("\n") >= 1  # the header at least


def test_the_rows_written_are_counted(parquet: Path, tmp_path: Path) -> None:
    out = tmp_path / "found.csv"
    result = run_cli("--data", str(parquet), "by-leader", "陆秋明", "-o", str(out))
    expected = pl.read_csv(out).height
    assert expected == 43
    assert f"({expected} rows, csv)" in result.stderr


def _frame(rows: int) -> pl.LazyFrame:
    texts = [f'任务{i}，"引号"\n换行' for i in range(rows)]
    names = [[f"单位{i % 7}", "发改局"] if i % 3 else [] for i in range(rows)]
    return pl.LazyFrame(
        {"id": range(rows), "task": texts, "units": names},
        schema={"id": pl.Int64, "task": pl.String, "units": pl.List(pl.String)},
    )


def test_bytes_equal_write_csv_and_small_output_is_held(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = flat(_frame(5_000))
    expected = io.BytesIO()
    frame.collect().write_csv(expected)
    writes: list[int] = []

    class Out(io.BytesIO):
        def write(self, data: object) -> int:
            writes.append(len(data))  # type: ignore[arg-type]
            return super().write(data)  # type: ignore[arg-type]

    out = Out()
    assert sink.sink_csv(frame, out) == 5_000
    assert out.getvalue() == expected.getvalue()
    assert len(writes) == 1  # under HOLD_BYTES: written whole, at the end

    monkeypatch.setattr(sink, "HOLD_BYTES", 1_000)
    streamed = Out()
    writes.clear()
    assert sink.sink_csv(frame, streamed) == 5_000
    assert streamed.getvalue() == expected.getvalue()
    assert len(writes) > 1


def test_a_failed_write_stops_the_engine_and_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sink, "HOLD_BYTES", 100)
    calls = 0

    class Closed(io.RawIOBase):
        def write(self, data: object) -> int:
            nonlocal calls
            calls += 1
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    with pytest.raises(BrokenPipeError):
        sink.sink_csv(flat(_frame(20_000)), Closed())  # type: ignore[arg-type]
    assert calls == 1  # the first failure stopped it: no write was tried again


def test_an_engine_error_reaches_the_caller() -> None:
    frame = pl.LazyFrame({"a": ["1", "x"]}).select(pl.col("a").cast(pl.Int64, strict=True))
    out = io.BytesIO()
    with pytest.raises(pl.exceptions.PolarsError):
        sink.sink_csv(frame, out)
    assert out.getvalue() == b""  # nothing was out before the failure


# --- the process contract on the streaming path ------------------------------------------


@pytest.fixture(scope="module")
def big_parquet(parquet: Path) -> Path:
    """The real tasks forty times as Parquet: more CSV than ``HOLD_BYTES``, so it streams."""
    one = pl.read_parquet(parquet)
    copies = pl.concat([one] * 40).with_columns(pl.int_range(1, 40 * one.height + 1).alias("id"))
    big = parquet.with_name("big.parquet")
    copies.write_parquet(big, metadata=pl.read_parquet_metadata(parquet))
    return big


def test_a_streamed_result_into_a_closed_pipe_is_quiet(big_parquet: Path) -> None:
    command = f"'{dutycli_executable()}' --data '{big_parquet}' list -f csv | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, timeout=60, check=False
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"id,goal_no,")


def test_sigint_while_a_streamed_result_is_blocked_exits_130(big_parquet: Path) -> None:
    assert interrupted_while_blocked("--data", str(big_parquet), "list", "-f", "csv") == (
        130,
        "dutycli: interrupted\n",
    )
