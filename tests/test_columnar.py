"""Parquet and Arrow IPC datasets, export, the YAML cache and the synthetic generator."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from dutycli import locations
from dutycli.query import filters as query
from dutycli.query import keywords
from dutycli.schema import TASK_FIELDS
from dutycli.store import cache, loader
from dutycli.store.frames import task_schema
from dutycli.store.loader import load

from .conftest import (
    DATASET,
    ROOT,
    dutycli_executable,
    run_cli,
    run_in_terminal,
    run_process,
    settled,
)

QUERIES = [
    ["by-unit", "发改局"],
    ["by-unit", "纪委"],
    ["by-leader", "陆秋明"],
    ["by-target", "4"],
    ["search", "石墨烯"],
    ["search", "gdp", "增长", "--any"],
    ["search", "--regex", "增长[0-9]+%"],
    ["list", "-u", "商务局", "-k", "外资"],
    ["show", "12"],
    ["units"],
    ["leaders"],
    ["targets"],
    ["by-unit", "发改局", "--strict"],
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exported")
    paths = {}
    for kind, suffix in (("parquet", ".parquet"), ("ipc", ".arrow"), ("yaml", ".yaml")):
        target = folder / f"wujin{suffix}"
        result = run_cli("export", "-o", str(target))
        assert result.exit_code == 0, result.stderr
        paths[kind] = target
    return paths


@pytest.mark.parametrize("kind", ["parquet", "ipc", "yaml"])
@pytest.mark.parametrize("args", QUERIES, ids=" ".join)
def test_every_query_answers_the_same_from_every_format(
    exported: dict[str, Path], kind: str, args: list[str]
) -> None:
    expected = run_cli(*args, "-f", "json")
    got = run_cli("--data", str(exported[kind]), *args, "-f", "json")
    assert (got.exit_code, got.stdout, got.stderr) == (
        expected.exit_code,
        expected.stdout,
        expected.stderr,
    )


def test_summary_from_parquet_keeps_the_title(exported: dict[str, Path]) -> None:
    shipped = run_cli().stdout.replace(str(loader.default_path()), str(exported["parquet"]))
    data = str(exported["parquet"])
    # The same screen, except that the commands it suggests name the data.
    got = run_cli("--data", data).stdout
    assert got.splitlines()[:5] == shipped.splitlines()[:5]
    suggested = [  # each command, then its description after a gap of spaces
        line.split("   ")[0].split()[1:]
        for line in got.splitlines()
        if line.startswith("  dutycli ")
    ]
    assert len(suggested) == len(got.splitlines()[5:]) == 6
    for words in suggested[:4]:  # by-unit, by-leader, by-target, search
        assert words[:2] == ["--data", data]
        assert run_cli(*words, "-f", "csv").exit_code == 0, words
    # Named by DUTYCLI_DATA already: the commands are copied as they are.
    from_env = run_cli(env={"DUTYCLI_DATA": data}).stdout
    assert from_env == shipped


def test_columnar_datasets_are_scanned_lazily(exported: dict[str, Path]) -> None:
    for kind in ("parquet", "ipc"):
        table = load(exported[kind])
        assert isinstance(table.frame, pl.LazyFrame)
        assert table.frame.collect_schema() == task_schema()
        found = query.with_names(table.frame, "lead_units", ["发改局"])
        assert isinstance(found, pl.LazyFrame)  # nothing read until the CLI renders
    assert isinstance(load(DATASET).frame, pl.DataFrame)  # YAML stays eager, as before


def test_yaml_round_trip_through_parquet_is_exact(
    exported: dict[str, Path], tmp_path: Path
) -> None:
    back = tmp_path / "back.yaml"
    assert run_cli("--data", str(exported["parquet"]), "export", "-o", str(back)).exit_code == 0
    assert loader.read_dataset(back).tasks == loader.read_dataset(DATASET).tasks
    assert loader.read_dataset(back).goals == loader.read_dataset(DATASET).goals
    assert loader.read_dataset(back).meta == loader.read_dataset(DATASET).meta


def test_import_writes_parquet_by_suffix(exported: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "imported.parquet"
    raw = ROOT / "data" / "raw" / "wujin-2019-duty-table.txt"
    assert run_cli("import", str(raw), "-o", str(target)).exit_code == 0
    assert pl.read_parquet(target).equals(pl.read_parquet(exported["parquet"]))


def test_export_refuses_to_overwrite_or_guess(tmp_path: Path) -> None:
    target = tmp_path / "t.parquet"
    assert run_cli("export", "-o", str(target)).exit_code == 0
    again = run_cli("export", "-o", str(target))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run_cli("export", "-o", str(target), "--force").exit_code == 0
    unknown = run_cli("export", "-o", str(tmp_path / "t.dat"))
    assert unknown.exit_code == 2 and "--format" in unknown.stderr
    chosen = run_cli("export", "-o", str(tmp_path / "t.dat"), "--format", "ipc")
    assert chosen.exit_code == 0
    assert run_cli("--data", str(tmp_path / "t.dat"), "by-unit", "发改局").exit_code == 0


def _write_parquet(path: Path, frame: pl.DataFrame) -> Path:
    frame.write_parquet(path)
    return path


def _one_line_error(result_stderr: str, path: Path, *words: str) -> None:
    assert result_stderr.startswith(f"dutycli: {path}"), result_stderr
    assert len(result_stderr.splitlines()) == 1
    for word in words:
        assert word in result_stderr


def test_parquet_is_validated_against_the_schema(tmp_path: Path) -> None:
    tasks = load(DATASET).frame
    assert isinstance(tasks, pl.DataFrame)
    first, last = next(iter(TASK_FIELDS)), "source_line"  # the last field a file must have
    cases = {
        "missing.parquet": (tasks.drop(last), ["missing field", repr(last)]),
        "extra.parquet": (tasks.with_columns(pl.lit(1).alias("colour")), ["unknown field"]),
        "dtype.parquet": (tasks.with_columns(pl.col(first).cast(pl.String)), ["must be"]),
        "lists.parquet": (
            tasks.with_columns(pl.col("leaders").list.join("、")),
            ["'leaders'", "must be a list of names"],
        ),
    }
    for name, (frame, words) in cases.items():
        path = _write_parquet(tmp_path / name, frame)
        result = run_cli("--data", str(path), "units")
        assert result.exit_code == 2, name
        _one_line_error(result.stderr, path, *words)
        assert result.stdout == ""


def test_a_damaged_columnar_file_is_a_clear_error(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(b"PAR1" + b"\0" * 64)
    result = run_cli("--data", str(damaged), "units")
    assert result.exit_code == 2
    _one_line_error(result.stderr, damaged, "not a readable Parquet file")
    arrow = tmp_path / "damaged.arrow"
    arrow.write_bytes(b"ARROW1" + b"\0" * 64)
    result = run_cli("--data", str(arrow), "units")
    assert result.exit_code == 2
    _one_line_error(result.stderr, arrow, "not a readable Arrow IPC file")


def test_columnar_values_are_checked_as_yaml_values_are(tmp_path: Path) -> None:
    tasks = load(DATASET).frame
    assert isinstance(tasks, pl.DataFrame)
    ids = tasks.get_column("id").to_list()
    at = {n: ids[n - 1] for n in (3, 5, 7, 9)}  # the id of the task in row n
    names = pl.List(pl.String)

    def replaced(row: int, column: str, value: pl.Expr) -> pl.DataFrame:
        return tasks.with_columns(
            pl.when(pl.col("id") == at[row]).then(value).otherwise(pl.col(column)).alias(column)
        )

    cases = {
        "repeated-id": (
            replaced(5, "id", pl.lit(at[3])),
            f"task 5: duplicate id {at[3]}",
        ),
        "no-goal": (
            replaced(7, "goal", pl.lit(None, dtype=pl.String)),
            "task 7: field 'goal' must be text, got nothing",
        ),
        "no-leaders": (
            replaced(3, "leaders", pl.lit(None, dtype=names)),
            "task 3: field 'leaders' must be a list of names, got nothing",
        ),
        "a-name-that-is-nothing": (
            replaced(9, "lead_units", pl.lit([None, "发改局"], dtype=names)),
            "task 9: field 'lead_units' must be a list of names, got a name that is nothing",
        ),
    }
    for name, (frame, message) in cases.items():
        for suffix in (".parquet", ".arrow"):
            path = tmp_path / f"{name}{suffix}"
            if suffix == ".parquet":
                frame.write_parquet(path)
            else:
                frame.write_ipc(path)
            for result in (
                run_cli("--data", str(settled(path)), "units"),
                run_cli("--data", str(path), "export", "-o", str(tmp_path / f"{name}.yaml")),
            ):
                assert (result.exit_code, result.stdout) == (2, ""), (name, suffix)
                assert result.stderr == f"dutycli: {path}: {message}\n"
            assert not (tmp_path / f"{name}.yaml").exists()


def test_the_check_is_remembered_until_the_file_changes(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    env = {"DUTYCLI_CACHE_DIR": str(cache_dir)}
    data = tmp_path / "t.parquet"
    assert run_cli("export", "-o", str(data)).exit_code == 0
    fresh = run_process("--data", str(data), "units", env=env)
    assert fresh.exit_code == 0 and not (cache_dir / "checked").exists()  # not settled yet
    settled(data)
    assert run_process("--data", str(data), "units", env=env).stdout == fresh.stdout
    assert len(list((cache_dir / "checked").iterdir())) == 1
    # Rewritten with a repeated id: a new size and time, so it is checked again.
    tasks = pl.read_parquet(data)
    tasks.with_columns(pl.lit(1).cast(pl.Int64).alias("id")).write_parquet(data)
    refused = run_process("--data", str(settled(data)), "units", env=env)
    assert refused.exit_code == 2 and "duplicate id 1" in refused.stderr


def _damage(path: Path) -> None:
    """Invert the middle half of a file in place, keeping its size and times, up to its
    footer (the schema and the metadata: damaged, no command would read the file at all)."""
    stat = path.stat()
    data = bytearray(path.read_bytes())
    magic = b"PAR1" if data.endswith(b"PAR1") else b"ARROW1"
    length_at = len(data) - len(magic) - 4
    footer = length_at - int.from_bytes(data[length_at : length_at + 4], "little")
    for i in range(len(data) // 4, min(3 * len(data) // 4, footer)):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_file_damaged_inside_is_a_one_line_error_for_every_command(tmp_path: Path) -> None:
    commands = [["units"], ["by-unit", "发改局"], ["search", "石墨烯"], ["list"], []]
    for suffix, label in ((".parquet", "Parquet"), (".arrow", "Arrow IPC")):
        data = tmp_path / f"t{suffix}"
        assert run_cli("export", "-o", str(data)).exit_code == 0
        good = tmp_path / f"good{suffix}"
        good.write_bytes(data.read_bytes())
        _damage(data)
        # Found by the check on first use, whatever the command reads.
        for args in commands:
            result = run_process("--data", str(settled(data)), *args)
            assert (result.exit_code, result.stdout) == (2, ""), (suffix, args, result)
            assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
            assert result.stderr.startswith(f"dutycli: {data}: not a readable {label} file: ")
        changed = run_process("diff", str(good), str(data))
        assert changed.exit_code == 2, changed  # never 1, "no differences"
        assert changed.stderr.startswith(f"dutycli: {data}: not a readable {label} file: ")


def test_damage_after_the_check_is_still_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Damaged after it passed the check, in place with the same size and time: its change
    # time tells, so the file is checked again and refused.
    env = {"DUTYCLI_CACHE_DIR": str(tmp_path / "cache")}
    data = tmp_path / "t.parquet"
    assert run_cli("export", "-o", str(data)).exit_code == 0
    assert run_process("--data", str(settled(data)), "units", env=env).exit_code == 0
    _damage(data)
    again = run_process("--data", str(data), "units", env=env)
    assert (again.exit_code, again.stdout) == (2, "")
    assert again.stderr.startswith(f"dutycli: {data}: not a readable Parquet file: ")
    # Were the verdict to apply all the same, the query meets the damage while reading.
    monkeypatch.setenv("DUTYCLI_CACHE_DIR", env["DUTYCLI_CACHE_DIR"])
    cache.remember_checked(data, written=True)
    for args in (["by-unit", "发改局"], ["list"]):
        result = run_process("--data", str(data), *args, env=env)
        assert (result.exit_code, result.stdout) == (2, ""), result
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"dutycli: {data}: cannot read the data")
    good = tmp_path / "good.parquet"
    assert run_cli("export", "-o", str(good)).exit_code == 0
    changed = run_process("diff", str(good), str(data), env=env)
    assert changed.exit_code == 2 and changed.stderr.startswith(f"dutycli: {data}: ")


def test_export_to_stdout_writes_the_file_s_bytes(tmp_path: Path) -> None:
    for kind, suffix in (("yaml", ".yaml"), ("parquet", ".parquet"), ("ipc", ".arrow")):
        target = tmp_path / f"t{suffix}"
        assert run_cli("export", "-o", str(target)).exit_code == 0
        piped = subprocess.run(
            [dutycli_executable(), "export", "-o", "-", "--format", kind],
            capture_output=True,
            check=False,
        )
        assert (piped.returncode, piped.stderr) == (0, b""), kind
        assert piped.stdout == target.read_bytes(), kind
    assert not Path("-").exists()
    unknown = run_cli("export", "-o", "-")
    assert unknown.exit_code == 2 and "use --format" in unknown.stderr
    # Binary data is not for a terminal; YAML is text and may go there.
    code, screen = run_in_terminal("export", "-o", "-", "--format", "parquet")
    assert code == 2 and "Parquet is binary, not for a terminal" in screen
    code, screen = run_in_terminal("export", "-o", "-", "--format", "yaml")
    assert code == 0 and "dutycli_dataset: 1" in screen


def test_literal_keyword_search_matches_the_regex_search() -> None:
    frame = load(DATASET).frame
    assert isinstance(frame, pl.DataFrame)
    for keyword in ["增长", "5%", "（", "GDP", "gdp", "2019年", "a.b", "\\", "研发 投入"]:
        patterns = keywords.keyword_patterns([keyword], regex=False)
        regex = frame.filter(
            pl.col("task").str.contains(patterns[0]) | pl.col("goal").str.contains(patterns[0])
        )
        assert query.collect(keywords.with_keywords(frame, patterns)).equals(regex), keyword


# --- the YAML cache -------------------------------------------------------------------


def _rows(stdout: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout)))


def test_cache_is_used_and_never_stale(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    data.write_bytes(DATASET.read_bytes())
    cache_dir = tmp_path / "cache"
    env = {"DUTYCLI_CACHE_DIR": str(cache_dir)}
    first = run_process("--data", str(data), "by-leader", "陆秋明", env=env)
    assert len(list(cache_dir.glob("datasets/*.arrow"))) == 1
    assert run_process("--data", str(data), "by-leader", "陆秋明", env=env).stdout == first.stdout
    # Same size, same modification time, different content: the hash tells.
    stat = data.stat()
    text = data.read_text(encoding="utf-8").replace("陆秋明", "甲乙丙")
    data.write_text(text, encoding="utf-8")
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert data.stat().st_size == stat.st_size
    assert run_process("--data", str(data), "by-leader", "陆秋明", env=env).exit_code == 2
    renamed = run_process("--data", str(data), "by-leader", "甲乙丙", env=env)
    assert [r["id"] for r in _rows(renamed.stdout)] == [r["id"] for r in _rows(first.stdout)]


def test_a_damaged_or_unwritable_cache_never_fails_a_query(tmp_path: Path) -> None:
    expected = run_process("by-unit", "发改局").stdout
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    result = run_process("by-unit", "发改局", env={"DUTYCLI_CACHE_DIR": str(blocked / "sub")})
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    folder = tmp_path / "cache"
    run_process("by-unit", "发改局", env={"DUTYCLI_CACHE_DIR": str(folder)})
    for entry in folder.glob("*.arrow"):
        entry.write_bytes(entry.read_bytes()[:200])  # cut short
    result = run_process("by-unit", "发改局", env={"DUTYCLI_CACHE_DIR": str(folder)})
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")


def test_no_cache_writes_nothing_and_never_beside_the_dataset(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    data = folder / "d.yaml"
    data.write_bytes(DATASET.read_bytes())
    folder.chmod(0o555)  # a read-only dataset folder
    try:
        off = run_process(
            "--data",
            str(data),
            "units",
            env={"DUTYCLI_NO_CACHE": "1", "DUTYCLI_CACHE_DIR": str(tmp_path / "c")},
        )
        assert off.exit_code == 0
        assert not (tmp_path / "c").exists()
        assert run_process("--data", str(data), "units").exit_code == 0
        assert sorted(p.name for p in folder.iterdir()) == ["d.yaml"]
    finally:
        folder.chmod(0o755)


def test_cache_directory_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUTYCLI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert locations.cache_dir() == "/somewhere/dutycli"
    monkeypatch.setenv("DUTYCLI_NO_CACHE", "1")
    assert locations.cache_dir() is None


# --- the generator (the benchmark's data) -----------------------------------------------


def test_generator_writes_datasets_dutycli_reads(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--sizes",
            "1000",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    parquet, yaml_file = tmp_path / "tasks-1k.parquet", tmp_path / "tasks-1k.yaml"
    frame = pl.read_parquet(parquet)
    assert frame.schema == task_schema() and len(frame) == 1000
    assert frame.get_column("id").is_unique().all()
    real = load(DATASET).frame
    assert isinstance(real, pl.DataFrame)
    # Names come from the real table; texts are CJK sentences of realistic length.
    assert set(frame.get_column("lead_units").explode().drop_nulls()) <= set(
        real.get_column("lead_units").explode().drop_nulls()
    )
    lengths = frame.get_column("task").str.len_chars()
    assert 10 < lengths.mean() < 200  # type: ignore[operator]
    # The YAML and the Parquet file hold the same tasks.
    for args in (["by-unit", "发改局"], ["search", "石墨烯"], ["leaders"]):
        from_yaml = run_cli("--data", str(yaml_file), *args, "-f", "json")
        from_parquet = run_cli("--data", str(parquet), *args, "-f", "json")
        assert from_yaml.exit_code == 0
        assert json.loads(from_yaml.stdout) == json.loads(from_parquet.stdout)


def test_a_folder_may_mix_yaml_and_parquet(exported: dict[str, Path], tmp_path: Path) -> None:
    mixed, plain = tmp_path / "mixed", tmp_path / "plain"
    mixed.mkdir()
    plain.mkdir()
    (mixed / "a.yaml").write_bytes(DATASET.read_bytes())
    (mixed / "b.parquet").write_bytes(exported["parquet"].read_bytes())
    (plain / "a.yaml").write_bytes(DATASET.read_bytes())
    (plain / "b.yaml").write_bytes(DATASET.read_bytes())
    for args in (
        ["by-unit", "发改局"],
        ["by-target", "4"],
        ["targets"],
        ["show", "5", "--dataset", "b"],
    ):
        got = run_cli("--data", str(mixed), *args, "-f", "json")
        expected = run_cli("--data", str(plain), *args, "-f", "json")
        assert (got.exit_code, got.stdout) == (expected.exit_code, expected.stdout), args
    refused = run_cli("--data", str(mixed), "export", "-o", str(tmp_path / "x.parquet"))
    assert refused.exit_code == 2 and "choose one with --dataset NAME" in refused.stderr
    # One of the folder's datasets, chosen by name, exports as that file alone would.
    for name in ("a", "b"):
        chosen = tmp_path / f"{name}.yaml"
        result = run_cli("--data", str(mixed), "export", "--dataset", name, "-o", str(chosen))
        assert result.exit_code == 0, result.stderr
        alone = run_cli("--data", str(mixed / ("a.yaml" if name == "a" else "b.parquet")), "list")
        assert run_cli("--data", str(chosen), "list").stdout == alone.stdout
    unknown = run_cli("--data", str(mixed), "export", "--dataset", "c", "-o", str(tmp_path / "c"))
    assert unknown.exit_code == 2 and "no dataset named 'c'" in unknown.stderr
