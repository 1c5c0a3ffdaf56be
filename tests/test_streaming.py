"""Large results in pieces (issue 17): the flat formats a slice of rows at a time, byte for byte
what one render of the whole result writes; a large terminal table a block at a time, its
first block out before the rest is rendered; a reader that leaves (``head``, a pager quit)
stops the work, with the exit code of a normal end."""

from __future__ import annotations

import io
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.cells import cell_len

from dutycli.output import flat, spreadsheet, streams, table, table_stream
from dutycli.output.result import Result
from dutycli.output.streams import Streams
from dutycli.store import loader, yaml_file
from dutycli.store.frames import frame_from_records

from .conftest import DATASET, dutycli_executable, run_cli, run_in_terminal
from .test_datasets import build_2020

ROOT = Path(__file__).parents[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FLAT = [
    *(
        (fmt, excel, header)
        for fmt in ("csv", "tsv")
        for excel in (False, True)
        for header in ("en", "zh")
    ),
    *((fmt, False, header) for fmt in ("json", "jsonl", "md") for header in ("en", "zh")),
]


@pytest.fixture(autouse=True)
def real_streams() -> Iterator[None]:
    yield
    streams.use(None)


@pytest.fixture(scope="module")
def real() -> pl.DataFrame:
    return frame_from_records(loader.read_dataset(DATASET).tasks)


@pytest.fixture(scope="module")
def tricky() -> pl.DataFrame:
    """Values every format must quote or escape, 60 rows of them (several slices)."""
    rows = {
        "id": [1, 2, None, 4, 5],
        "task": ['说"引号"，逗号', "换\n行\r\n", "", None, "=SUM(A1)"],
        "leaders": [["甲", "乙"], [], None, ["+1"], ["|竖线|"]],
        "score": [1.5, float("nan"), float("inf"), None, -0.0],
        "@cmd": ["-2", "@x", "\t制表", "`code`", "<b>&</b>"],
    }
    return pl.concat([pl.DataFrame(rows)] * 12)


def one_shot(frame: pl.DataFrame, fmt: str, excel: bool, header: str) -> bytes:
    """The whole frame rendered at once, as dutycli wrote it before it wrote slices."""
    if header == "zh":
        from dutycli.schema import labelled

        frame = frame.rename(dict(zip(frame.columns, labelled(frame.columns), strict=True)))
    buffer = io.BytesIO()
    if fmt in ("csv", "tsv"):
        frame, separator = flat.flat(frame), "," if fmt == "csv" else "\t"
        if not excel:
            frame.write_csv(buffer, separator=separator)
            return buffer.getvalue()
        names = [spreadsheet.neutralize_text(name) for name in frame.columns]
        pl.DataFrame([pl.Series(f"c{i}", [n]) for i, n in enumerate(names)]).write_csv(
            buffer, separator=separator, include_header=False
        )
        spreadsheet.neutralize(frame).write_csv(buffer, separator=separator, include_header=False)
    elif fmt == "json":
        return frame.write_json().encode() + b"\n" if len(frame) else b"[]\n"
    elif fmt == "jsonl":
        frame.write_ndjson(buffer)
    else:
        lines = ["| " + " | ".join(flat.markdown_cell(c) for c in frame.columns) + " |"]
        lines.append("|" + "---|" * len(frame.columns))
        lines += ["| " + " | ".join(map(flat.markdown_cell, r)) + " |" for r in frame.iter_rows()]
        return ("\n".join(lines) + "\n").encode()
    return buffer.getvalue()


@pytest.mark.parametrize(("fmt", "excel", "header"), FLAT)
def test_flat_slices_are_the_bytes_of_one_render(
    fmt: str, excel: bool, header: str, real: pl.DataFrame, tricky: pl.DataFrame
) -> None:
    for frame in (real, tricky, tricky.clear()):
        whole = one_shot(frame, fmt, excel, header)
        for rows in (1, 7, None):
            pieces = list(flat.flat_pieces(frame, fmt, excel, header, rows=rows))
            assert b"".join(pieces) == whole, (fmt, excel, header, rows)
            if rows == 7 and len(frame):
                assert len(pieces) > len(frame) // 7  # really in slices
    if excel:
        assert b"'=SUM(A1)" in b"".join(flat.flat_pieces(tricky, fmt, excel, header, rows=7))


@pytest.mark.parametrize(
    "args", [["-f", "csv", "--excel"], ["-f", "json"], ["-f", "md", "--header", "zh"]]
)
def test_a_command_writes_the_same_bytes_in_slices(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = run_cli("list", *args)
    monkeypatch.setattr(flat, "SLICE_ROWS", 5)
    sliced = run_cli("list", *args)
    assert whole.exit_code == sliced.exit_code == 0
    assert sliced.stdout == whole.stdout and sliced.stderr == whole.stderr
    if "--excel" in args:
        assert sliced.stdout.startswith("\ufeff")


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    source = loader.read_dataset(DATASET)
    new, _ = build_2020(source.tasks)
    after = tmp_path_factory.mktemp("streaming") / "wujin-2020.yaml"
    after.write_text(
        yaml_file.dump({**source.meta, "goals": source.goals, "tasks": new}), encoding="utf-8"
    )
    return [str(DATASET), str(after)]


# (command, width, colour): plain, highlighted, grouped, a narrow terminal's goal headings and
# a diff's stacked pairs.
TABLES: list[tuple[list[str], int, bool]] = [
    (["list"], 120, True),
    (["search", "经济"], 160, True),
    (["list", "--group-by", "leader"], 80, False),
    (["list"], 60, False),
    (["metrics"], 100, False),
    (["diff"], 60, True),
]


@pytest.mark.parametrize(("args", "width", "colour"), TABLES, ids=lambda v: str(v))
def test_a_table_in_blocks_reads_as_the_whole_table(
    args: list[str], width: int, colour: bool, two_years: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [*args, *two_years] if args == ["diff"] else args
    streams.use(Streams(terminal=True, width=width, colour=colour))
    whole = run_cli(*args)
    # Every row streamed, in blocks of 7, the widths measured on every row: nothing may differ.
    for name, value in (("STREAM_ROWS", 0), ("BLOCK_ROWS", 7), ("SAMPLE_ROWS", 10**6)):
        monkeypatch.setattr(table_stream, name, value)
    blocks = run_cli(*args)
    assert whole.exit_code == blocks.exit_code == 0
    assert blocks.stdout == whole.stdout


def test_a_large_table_has_one_header_and_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # Widths from a sample of 30 of the 122 rows: still one table, every row once, in order.
    for name, value in (("STREAM_ROWS", 100), ("BLOCK_ROWS", 25), ("SAMPLE_ROWS", 30)):
        monkeypatch.setattr(table_stream, name, value)
    streams.use(Streams(terminal=True, width=120, colour=False))
    lines = run_cli("list", "--fields", "id,task,leaders").stdout.splitlines()
    assert [line[0] for line in lines if line[:1] in "┏┡└"] == ["┏", "┡", "└"]
    assert {cell_len(line) for line in lines if line[:1] in "┏┃┡│├└"} == {120}  # one width
    ids = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
    assert [int(i) for i in ids if i] == list(range(1, 123))
    assert sum(line.startswith("├") for line in lines) == 121
    assert lines[-2] == "共 122 条任务" and lines[-1].startswith("↑ 合并单元格")


def test_a_long_name_outside_the_sample_is_not_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = "某某市某某区某某街道某某社区服务中心"  # 36 cells: wider than a name column's cap
    source = loader.read_dataset(DATASET)
    tasks = [
        {**t, "lead_units": [*t["lead_units"], long]} if t["id"] == 6 else t for t in source.tasks
    ]
    data = tmp_path / "long.yaml"
    data.write_text(yaml_file.dump({**source.meta, "goals": source.goals, "tasks": tasks}), "utf-8")
    # 10 rows of the 122 measured (rows 1, 13, 25…): task 6's cells are not among them.
    for name, value in (("STREAM_ROWS", 100), ("BLOCK_ROWS", 25), ("SAMPLE_ROWS", 10)):
        monkeypatch.setattr(table_stream, name, value)
    streams.use(Streams(terminal=True, width=120, colour=False))
    shown = run_cli("--data", str(data), "list", "--fields", "id,lead_units,task").stdout
    assert f" {long} " in shown or f" {long}、" in shown


def counting_cells(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Rows whose cells were built, call by call (the work of rendering them)."""
    built: list[int] = []
    cells = table.cells

    def counted(result: Result, frame: pl.DataFrame, shown: list[str]) -> Any:
        built.append(len(frame))
        return cells(result, frame, shown)

    monkeypatch.setattr(table, "cells", counted)
    return built


def test_the_first_block_comes_before_the_rest_is_rendered(
    real: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = pl.concat([real] * 10)
    built = counting_cells(monkeypatch)
    streams.use(Streams(terminal=True, width=120, colour=False))
    pieces = table_stream.pieces(Result(big), streams.current().console())
    first = next(pieces)
    assert first.startswith("┏") and "┡" in first and "└" not in first
    # The sample that decides the widths, then one block: none of the rest.
    assert built == [table_stream.SAMPLE_ROWS, table_stream.BLOCK_ROWS]
    second = next(pieces)  # a block goes on where the one before ended
    assert second.startswith("├") and "┃" not in second and "└" not in second
    assert built[2:] == [table_stream.BLOCK_ROWS]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 synthetic tasks (benchmarks/generate.py): 40 s of table to render whole."""
    out = tmp_path_factory.mktemp("generated")
    command = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--sizes", "20000"]
    subprocess.run(
        [*command, "--formats", "parquet", "--out", str(out)], check=True, capture_output=True
    )
    return out / "tasks-20k.parquet"


def test_a_pager_quit_early_stops_the_rendering(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = counting_cells(monkeypatch)
    streams.use(Streams(terminal=True, width=120, pager="head -n 1", height=40))
    outcome = run_cli("--data", str(generated), "list")
    assert outcome.exit_code == 0 and outcome.stderr == ""
    # A screen held, a pipe's buffer (64 KiB) and a block: far from the 20,000 rows.
    assert sum(built[1:]) < 2000, built


def test_a_closed_pipe_stops_a_large_result_at_once(generated: Path) -> None:
    for fmt in ("csv", "json", "table"):
        command = f"'{dutycli_executable()}' --data '{generated}' list -f {fmt} | head -1"
        completed = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command], capture_output=True, timeout=60, check=False
        )
        assert completed.returncode == 0 and completed.stderr == b"", (fmt, completed.stderr)
        assert len(completed.stdout.splitlines()) == 1


def test_the_pager_gets_the_first_block_and_quitting_it_ends_dutycli(
    generated: Path, tmp_path: Path
) -> None:
    mark = tmp_path / "first-line"
    pager = tmp_path / "pager"
    pager.write_text(f"#!/bin/sh\nhead -n 1 > {mark}\n")
    pager.chmod(pager.stat().st_mode | stat.S_IEXEC)
    code, screen = run_in_terminal(
        "--data", str(generated), "list", columns=120, env={"DUTYCLI_PAGER": str(pager)}
    )
    assert code == 0 and "Traceback" not in screen and "Broken" not in screen
    assert ANSI.sub("", mark.read_text(encoding="utf-8")).startswith("┏")
    assert "条任务" not in screen  # the rest was never rendered
