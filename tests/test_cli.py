"""Every command and format through Typer's CliRunner, checked against the dataset itself."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from dutycli.schema import TASK_FIELDS
from dutycli.store import loader

from .conftest import DATASET, ROOT, run_cli


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return loader.read_dataset(DATASET).tasks


def csv_rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def ids(text: str) -> list[int]:
    return [int(row["id"]) for row in csv_rows(text)]


def expected_ids(records: list[dict[str, Any]], column: str, predicate: Any) -> list[int]:
    return [r["id"] for r in records if any(predicate(name) for name in r[column])]


def test_by_unit_finds_every_task_led_by_the_unit(records: list[dict[str, Any]]) -> None:
    result = run_cli("by-unit", "发改局", "-f", "csv")
    assert result.exit_code == 0
    assert ids(result.stdout) == expected_ids(records, "lead_units", lambda n: n == "发改局")
    assert len(ids(result.stdout)) > 10


def test_partial_unit_names_match_and_are_reported(records: list[dict[str, Any]]) -> None:
    result = run_cli("by-unit", "纪委", "-f", "csv")
    assert result.exit_code == 0
    assert ids(result.stdout) == expected_ids(records, "lead_units", lambda n: "纪委" in n)
    assert "纪委, 纪委监委" in result.stderr
    exact = run_cli("by-unit", "纪委", "--exact", "-f", "csv")
    assert ids(exact.stdout) == expected_ids(records, "lead_units", lambda n: n == "纪委")
    assert exact.stderr == ""


def test_query_whitespace_is_ignored_like_in_the_table() -> None:
    assert (
        run_cli("by-unit", "编  办", "-f", "csv").stdout
        == run_cli("by-unit", "编办", "-f", "csv").stdout
    )


def test_by_leader_partial_and_exact(records: list[dict[str, Any]]) -> None:
    result = run_cli("by-leader", "张", "-f", "csv")
    assert ids(result.stdout) == expected_ids(records, "leaders", lambda n: n.startswith("张"))
    assert "张小虎, 张强" in result.stderr
    lu = run_cli("by-leader", "陆秋明", "-f", "csv")
    assert ids(lu.stdout) == expected_ids(records, "leaders", lambda n: n == "陆秋明")


def test_unknown_name_suggests_and_exits_2() -> None:
    result = run_cli("by-unit", "法改局")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "did you mean" in result.stderr and "发改局" in result.stderr
    assert run_cli("by-leader", "王五").exit_code == 2


def test_strict_counts_only_values_written_in_the_row(records: list[dict[str, Any]]) -> None:
    result = run_cli("by-unit", "商务局", "--strict", "-f", "csv")
    written = [
        r["id"] for r in records if "商务局" in r["lead_units"] and not r["lead_units_inherited"]
    ]
    assert ids(result.stdout) == written
    everything = ids(run_cli("by-unit", "商务局", "-f", "csv").stdout)
    assert set(written) < set(everything)


def test_by_target_by_number_and_name(records: list[dict[str, Any]]) -> None:
    by_number = run_cli("by-target", "4", "-f", "csv")
    assert ids(by_number.stdout) == [r["id"] for r in records if r["goal_no"] == 4]
    by_name = run_cli("by-target", "营商环境", "-f", "csv")
    assert by_name.stdout == by_number.stdout
    several = run_cli("by-target", "动能", "-f", "csv")
    assert {int(r["goal_no"]) for r in csv_rows(several.stdout)} == {5, 6, 7, 8}
    assert "matches 4 goals" in several.stderr
    missing = run_cli("by-target", "99")
    assert missing.exit_code == 2 and "1 to 22" in missing.stderr


def test_search_all_any_regex_and_case(records: list[dict[str, Any]]) -> None:
    graphene = run_cli("search", "石墨烯", "-f", "csv")
    assert ids(graphene.stdout) == [r["id"] for r in records if "石墨烯" in r["task"]]
    both = run_cli("search", "石墨烯", "创新中心", "-f", "csv")
    assert ids(both.stdout) == [
        r["id"] for r in records if "石墨烯" in r["task"] and "创新中心" in r["task"]
    ]
    either = run_cli("search", "石墨烯", "PM2.5", "--any", "-f", "csv")
    assert ids(either.stdout) == [
        r["id"] for r in records if "石墨烯" in r["task"] or "PM2.5" in r["task"]
    ]
    assert ids(run_cli("search", "gdp", "-f", "csv").stdout) == [
        r["id"] for r in records if "GDP" in r["task"]
    ]
    # A literal dot is not a wildcard outside --regex.
    assert run_cli("search", "PM2X5", "-f", "csv").exit_code == 1
    regex = run_cli("search", "--regex", r"增长\d+(\.\d+)?%", "-f", "csv")
    assert ids(regex.stdout) == [
        r["id"] for r in records if re.search(r"增长\d+(\.\d+)?%", r["task"])
    ]
    assert run_cli("search", "--regex", "(").exit_code == 2


def test_search_matches_goal_names_too(records: list[dict[str, Any]]) -> None:
    result = run_cli("search", "乡村振兴", "-f", "csv")
    assert ids(result.stdout) == [r["id"] for r in records if "乡村振兴" in r["task"] + r["goal"]]


def test_no_rows_exits_1_with_header_only_csv() -> None:
    result = run_cli("search", "不存在的关键词", "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout.strip() == ",".join(TASK_FIELDS)


def test_list_combines_filters(records: list[dict[str, Any]]) -> None:
    result = run_cli(
        "list", "--leader", "陆秋明", "--unit", "发改局", "--unit", "政府办", "-f", "csv"
    )
    assert ids(result.stdout) == [
        r["id"]
        for r in records
        if "陆秋明" in r["leaders"] and ({"发改局", "政府办"} & set(r["lead_units"]))
    ]
    targeted = run_cli("list", "-t", "1", "-t", "22", "-k", "增长", "-f", "csv")
    assert ids(targeted.stdout) == [
        r["id"] for r in records if r["goal_no"] in (1, 22) and "增长" in r["task"]
    ]
    assert ids(run_cli("list", "-f", "csv").stdout) == [r["id"] for r in records]


def test_show_explains_where_values_came_from() -> None:
    record = json.loads(run_cli("show", "7", "-f", "json").stdout)[0]
    assert record["task"] == "进出口总额增长3%左右"
    assert record["leaders_source_id"] == 6 and record["lead_units_source_id"] == 6
    table = run_cli("show", "7", "-f", "table").stdout
    assert "沿用第 6 条" in table
    assert run_cli("show", "0").exit_code == 2


def test_directories_count_tasks(records: list[dict[str, Any]]) -> None:
    leaders = csv_rows(run_cli("leaders", "-f", "csv").stdout)
    assert len(leaders) == 8
    counts = {row["name"]: int(row["tasks"]) for row in leaders}
    assert counts["陆秋明"] == sum("陆秋明" in r["leaders"] for r in records)
    assert [int(r["tasks"]) for r in leaders] == sorted(counts.values(), reverse=True)
    inherited = {row["name"]: int(row["inherited"]) for row in leaders}
    assert inherited["徐治国"] == sum(
        "徐治国" in r["leaders"] and r["leaders_inherited"] for r in records
    )
    units = csv_rows(run_cli("units", "--strict", "-f", "csv").stdout)
    assert all(row["inherited"] == "0" for row in units)
    targets = csv_rows(run_cli("targets", "-f", "csv").stdout)
    assert [int(t["goal_no"]) for t in targets] == list(range(1, 23))
    assert sum(int(t["tasks"]) for t in targets) == len(records)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "md", "table"])
def test_every_format_keeps_the_rows(fmt: str, records: list[dict[str, Any]]) -> None:
    result = run_cli("by-unit", "发改局", "-f", fmt)
    assert result.exit_code == 0
    wanted = [r for r in records if "发改局" in r["lead_units"]]
    out = result.stdout
    if fmt == "json":
        assert json.loads(out) == wanted
        assert "陆秋明" in out  # non-ASCII kept as is
    elif fmt == "jsonl":
        assert [json.loads(line) for line in out.splitlines()] == wanted
    elif fmt in ("csv", "tsv"):
        rows = csv_rows(out, "," if fmt == "csv" else "\t")
        assert list(rows[0]) == list(TASK_FIELDS)
        assert [row["lead_units"] for row in rows] == ["、".join(r["lead_units"]) for r in wanted]
        assert {row["lead_units_inherited"] for row in rows} <= {"true", "false"}
    elif fmt == "md":
        lines = out.splitlines()
        assert lines[0].startswith("| id | goal_no |")
        assert len(lines) == len(wanted) + 2
    else:
        assert "牵头单位" in out and f"共 {len(wanted)} 条任务" in out


def test_fields_choose_and_order_columns() -> None:
    result = run_cli("by-unit", "发改局", "-f", "csv", "--fields", "lead_units,id")
    assert result.stdout.splitlines()[0] == "lead_units,id"
    bad = run_cli("by-unit", "发改局", "--fields", "id,nope")
    assert bad.exit_code == 2
    assert "valid fields: id（编号）,goal_no（序号）" in bad.stderr
    names = run_cli("leaders", "-f", "csv", "--fields", "name")
    assert names.stdout.splitlines()[:2] == ["name", "陆秋明"]


def test_table_marks_inherited_values_with_a_legend() -> None:
    out = run_cli("by-unit", "商务局", "-f", "table").stdout
    assert "↑" in out and "合并单元格" in out
    strict = run_cli("by-unit", "商务局", "-f", "table", "--strict").stdout
    assert "↑" not in strict


def test_data_option_and_environment_select_a_dataset(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    text = DATASET.read_text(encoding="utf-8").replace("发改局", "发展改革委")
    other.write_text(text, encoding="utf-8")
    assert run_cli("--data", str(other), "by-unit", "发展改革委").exit_code == 0
    assert run_cli("by-unit", "发展改革委", env={"DUTYCLI_DATA": str(other)}).exit_code == 0
    assert run_cli("by-unit", "发展改革委").exit_code == 2


def test_markup_and_escapes_in_data_are_shown_literally(tmp_path: Path) -> None:
    text = DATASET.read_text(encoding="utf-8").replace(
        "task: 地区生产总值增长7%左右", 'task: "[bold]加粗[/] [red]x[/red] \\e[31m红\\e[0m"'
    )
    path = tmp_path / "markup.yaml"
    path.write_text(text, encoding="utf-8")
    table = run_cli("--data", str(path), "show", "1", "-f", "table").stdout
    assert "[bold]加粗[/] [red]x[/red]" in table
    assert "\x1b" not in table
    assert "\\x1b[31m红\\x1b[0m" in table
    listed = run_cli("--data", str(path), "by-unit", "发改局", "-f", "table").stdout
    assert "[bold]加粗[/]" in listed and "\x1b" not in listed
    # Flat formats keep the data exactly.
    record = json.loads(run_cli("--data", str(path), "show", "1", "-f", "json").stdout)[0]
    assert record["task"] == "[bold]加粗[/] [red]x[/red] \x1b[31m红\x1b[0m"
    assert "\x1b[31m" in run_cli("--data", str(path), "show", "1", "-f", "csv").stdout


def test_bare_command_summarizes_the_dataset(records: list[dict[str, Any]]) -> None:
    result = run_cli(env={"DUTYCLI_LANG": "zh"})  # the Chinese screen
    assert result.exit_code == 0
    assert f"{len(records)} 条任务" in result.stdout
    assert "22 个目标" in result.stdout and "8 位分管领导" in result.stdout
    assert "dutycli by-unit 发改局" in result.stdout


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.startswith("dutycli ")
    help_text = run_cli("--help").stdout
    assert "Exit codes: 0 rows found; 1 no rows; 2 usage or data error" in help_text


def test_usage_errors_are_one_line_exit_2() -> None:
    for args in (["by-unit"], ["nope"], ["by-unit", "发改局", "-f", "xml"], ["show", "abc"]):
        result = run_cli(*args)
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("id,id", "--fields names id more than once"),
        ("id,,task", "empty field name"),
        (",", "--fields is empty"),
    ],
)
def test_bad_field_lists_are_one_line_errors(fields: str, message: str) -> None:
    for args in (["by-unit", "发改局"], ["leaders"], ["by-target", "1", "--explode"]):
        result = run_cli(*args, "-f", "csv", "--fields", fields)
        assert result.exit_code == 2, (args, result.stderr)
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_usage_messages_speak_to_users() -> None:
    misplaced = run_cli("by-unit", "发改局", "--data", "x.yaml")
    assert misplaced.exit_code == 2
    assert "--data goes before the command" in misplaced.stderr
    not_a_number = run_cli("show", "abc")
    assert "not a whole number" in not_a_number.stderr
    assert "Input should be" not in not_a_number.stderr
    assert "Value error" not in run_cli("by-unit", "发改局", "-f", "xml").stderr


def test_import_refuses_an_existing_output_before_working(tmp_path: Path) -> None:
    target = tmp_path / "exists.yaml"
    target.write_text("keep me", encoding="utf-8")
    raw = ROOT / "data" / "raw" / "wujin-2019-duty-table.txt"
    result = run_cli("import", str(raw), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"dutycli: {target}: already exists; use --force to replace it"
    ]
    assert target.read_text(encoding="utf-8") == "keep me"


def test_suggestions_need_real_likeness() -> None:
    assert "did you mean" not in run_cli("by-unit", "不存在局").stderr
    assert "陆秋明" in run_cli("by-leader", "陆明").stderr


def test_each_test_has_its_own_user_directories(tmp_path: Path) -> None:
    # The autouse fixture of conftest: nothing of the developer's shell or of another test.
    assert not {k for k in os.environ if k.startswith("DUTYCLI_")} - {"DUTYCLI_CACHE_DIR"}
    home = Path(os.environ["HOME"])
    assert home.parent == tmp_path.parent  # a folder of this test run, not the user's home
    for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        assert Path(os.environ[variable]).is_relative_to(home)
    assert Path(os.environ["DUTYCLI_CACHE_DIR"]).is_relative_to(home)
