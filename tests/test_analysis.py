"""stats, matrix and --explode, checked against counts computed from the dataset records."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

import pytest

from dutycli.query import analysis
from dutycli.query import filters as query
from dutycli.store import loader

from .conftest import DATASET, run_cli, run_process


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return loader.read_dataset(DATASET).tasks


def strict(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "leaders": [] if r["leaders_inherited"] else r["leaders"],
            "lead_units": [] if r["lead_units_inherited"] else r["lead_units"],
        }
        for r in records
    ]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- stats ---------------------------------------------------------------------------


def test_stats_totals_match_the_records(records: list[dict[str, Any]]) -> None:
    result = run_cli("stats", "-f", "csv")
    assert result.exit_code == 0
    rows = csv_rows(result.stdout)
    assert list(rows[0]) == ["section", "name", "count", "explicit", "inherited"]
    totals = {r["name"]: int(r["count"]) for r in rows if r["section"] == "dataset"}
    assert totals == {
        "goals": len({r["goal_no"] for r in records}),
        "tasks": len(records),
        "leaders": len({n for r in records for n in r["leaders"]}),
        "units": len({n for r in records for n in r["lead_units"]}),
        "tasks_without_leader": sum(1 for r in records if not r["leaders"]),
        "tasks_without_unit": sum(1 for r in records if not r["lead_units"]),
        "tasks_with_several_leaders": sum(1 for r in records if len(r["leaders"]) > 1),
        "tasks_with_several_units": sum(1 for r in records if len(r["lead_units"]) > 1),
    }
    assert totals["tasks_without_leader"] > 0 and totals["tasks_with_several_units"] > 0


@pytest.mark.parametrize(("section", "column"), [("leader", "leaders"), ("unit", "lead_units")])
def test_stats_counts_explicit_and_inherited_apart(
    records: list[dict[str, Any]], section: str, column: str
) -> None:
    rows = [r for r in csv_rows(run_cli("stats", "-f", "csv").stdout) if r["section"] == section]
    counts = Counter(n for r in records for n in r[column])
    inherited = Counter(n for r in records if r[f"{column}_inherited"] for n in r[column])
    assert {r["name"]: int(r["count"]) for r in rows} == counts
    for row in rows:
        assert int(row["inherited"]) == inherited[row["name"]]
        assert int(row["explicit"]) + int(row["inherited"]) == int(row["count"])
    # Most tasks first, then by name: a stable order.
    keys = [(-int(r["count"]), r["name"]) for r in rows]
    assert keys == sorted(keys)


def test_stats_top_and_strict() -> None:
    rows = json.loads(run_cli("stats", "--top", "3", "-f", "json").stdout)
    assert Counter(r["section"] for r in rows) == {"dataset": 8, "leader": 3, "unit": 3}
    strict_rows = json.loads(run_cli("stats", "--strict", "-f", "json").stdout)
    assert all(r["inherited"] == 0 for r in strict_rows if r["section"] != "dataset")


def test_stats_terminal_picture_shows_both_bar_segments() -> None:
    result = run_cli("stats", "-f", "table", "--top", "2")
    assert result.exit_code == 0
    out = result.stdout
    assert "各分管领导的任务数" in out and "各牵头单位的任务数" in out
    line = next(line for line in out.splitlines() if line.startswith("陆秋明"))
    assert "█" in line and "░" in line and "沿用" in line
    assert "未显示" in out  # names left out by --top are counted, not silently dropped


# --- matrix --------------------------------------------------------------------------


def pair_counts(records: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter((lead, u) for r in records for lead in r["leaders"] for u in r["lead_units"])


@pytest.mark.parametrize("is_strict", [False, True])
def test_matrix_csv_is_a_pivot_of_leader_unit_pairs(
    records: list[dict[str, Any]], is_strict: bool
) -> None:
    source = strict(records) if is_strict else records
    expected = pair_counts(source)
    result = run_cli("matrix", "-f", "csv", *(["--strict"] if is_strict else []))
    assert result.exit_code == 0
    rows = csv_rows(result.stdout)
    header = list(rows[0])
    assert header[0] == "leader"
    units, leaders = header[1:], [r["leader"] for r in rows]
    assert set(units) == {u for _, u in expected} and set(leaders) == {lead for lead, _ in expected}
    for row in rows:
        for unit in units:
            assert int(row[unit]) == expected[(row["leader"], unit)]
    # Ordered by totals (most first), then name.
    leader_total = Counter[str]()
    unit_total = Counter[str]()
    for (leader, unit), count in expected.items():
        leader_total[leader] += count
        unit_total[unit] += count
    assert leaders == sorted(leader_total, key=lambda n: (-leader_total[n], n))
    assert units == sorted(unit_total, key=lambda n: (-unit_total[n], n))


def test_strict_matrix_differs_from_the_inherited_one(records: list[dict[str, Any]]) -> None:
    assert pair_counts(strict(records)) != pair_counts(records)
    assert run_cli("matrix", "--strict", "-f", "csv").stdout != run_cli("matrix").stdout


def test_matrix_terminal_shows_top_units_and_row_totals(records: list[dict[str, Any]]) -> None:
    result = run_cli("matrix", "-f", "table", "--top", "3")
    assert result.exit_code == 0
    # 任务数: his tasks that name a lead unit, a task of several units once (not the pairs).
    totals = Counter(n for r in records if r["lead_units"] for n in r["leaders"])
    assert sum(c for (n, _), c in pair_counts(records).items() if n == "陆秋明") > 43
    lu_line = next(line for line in result.stdout.splitlines() if "陆秋明" in line)
    assert lu_line.rstrip("│ ").split()[-1] == str(totals["陆秋明"])
    assert "未显示" in result.stdout


def test_empty_matrix_is_no_rows() -> None:
    frame = query.collect(loader.load(DATASET).frame).head(0)
    assert analysis.matrix(frame).columns == ["leader"]


# --- --explode -----------------------------------------------------------------------


def test_explode_gives_one_row_per_task_leader_unit(records: list[dict[str, Any]]) -> None:
    result = run_cli("list", "--explode", "-f", "csv")
    assert result.exit_code == 0
    rows = csv_rows(result.stdout)
    expected = [
        (r["id"], leader, unit)
        for r in records
        for leader in r["leaders"] or [""]
        for unit in r["lead_units"] or [""]
    ]
    assert [(int(r["id"]), r["leader"], r["lead_unit"]) for r in rows] == expected
    # No task is dropped: the ones without a leader keep a row with an empty leader.
    assert {int(r["id"]) for r in rows} == {r["id"] for r in records}
    assert any(r["leader"] == "" for r in rows)


def test_explode_json_has_null_for_a_missing_name_and_works_on_every_query() -> None:
    rows = json.loads(run_cli("by-unit", "商务局", "--explode", "-f", "json").stdout)
    assert all(isinstance(r["lead_unit"], str) for r in rows)
    assert any(r["leader"] is None for r in rows)
    for args in (["by-leader", "陆秋明"], ["by-target", "1"], ["search", "石墨烯"]):
        plain = csv_rows(run_cli(*args, "-f", "csv").stdout)
        exploded = csv_rows(run_cli(*args, "--explode", "-f", "csv").stdout)
        assert len(exploded) >= len(plain)
        assert {r["id"] for r in exploded} == {r["id"] for r in plain}


def test_explode_fields_and_process() -> None:
    result = run_process("by-leader", "陆秋明", "--explode", "--fields", "id,leader,lead_unit")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "id,leader,lead_unit"
    rows = csv_rows(result.stdout)
    # Co-leaders of the same task get their own rows: a pivot on leader counts them too.
    assert {r["leader"] for r in rows} > {"陆秋明"}
