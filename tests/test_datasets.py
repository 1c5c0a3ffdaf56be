"""Many datasets side by side: --data folders, --dataset, `datasets`, aliases and `diff`.

The fixture is a 2020 copy of the real 2019 table with the changes a new year brings:
a unit renamed (发改局 → 发展和改革局), a task removed, two added, a task whose leaders
changed and a task reworded without any change of who is responsible.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dutycli.errors import DataError
from dutycli.query import diff
from dutycli.schema import TASK_FIELDS
from dutycli.store import aliases, loader, yaml_file

from .conftest import DATASET, ROOT, run_cli, run_process

ALIASES = ROOT / "data" / "aliases.yaml"
OLD_UNIT, NEW_UNIT = "发改局", "发展和改革局"


@dataclass
class Fixture:
    folder: Path
    old: list[dict[str, Any]]
    new: list[dict[str, Any]]
    removed: dict[str, Any]  # the 2019 task left out of 2020
    added: list[str]  # texts of the 2020 tasks new that year
    regrouped: tuple[int, int]  # (2019 id, 2020 id) of the task whose leaders changed
    reworded: tuple[int, int]  # (2019 id, 2020 id) of the task reworded, same names


def build_2020(old: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    tasks = copy.deepcopy(old)
    goal_1 = [t for t in tasks if t["goal_no"] == 1]
    removed = goal_1[2]
    tasks.remove(removed)
    goal_1[0]["task"] = goal_1[0]["task"].replace("7%", "6.5%")
    assert goal_1[0]["task"] != old[0]["task"]
    goal_1[3]["leaders"] = ["徐治国"]  # was 戴士福、陆秋明 (or whatever the table says)
    for task in tasks:
        task["lead_units"] = [NEW_UNIT if u == OLD_UNIT else u for u in task["lead_units"]]
    added = dict(copy.deepcopy(goal_1[4]), task="数字经济核心产业增加值增长10%以上")
    added["lead_units"] = ["工信局"]
    tasks.insert(tasks.index(goal_1[4]) + 1, added)
    last_goal = [t for t in tasks if t["goal_no"] == tasks[-1]["goal_no"]]
    tasks.append(dict(copy.deepcopy(last_goal[-1]), task="开展廉政风险点排查，建立防控台账"))
    for number, task in enumerate(tasks, 1):
        task["id"] = number
    return tasks, removed


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    folder = tmp_path_factory.mktemp("years")
    source = loader.read_dataset(DATASET)
    new, removed = build_2020(source.tasks)
    document = {
        **source.meta,
        "title": "《2020年政府工作报告》目标任务责任分解表",
        "goals": source.goals,
        "tasks": new,
    }
    (folder / "wujin-2020.yaml").write_text(yaml_file.dump(document), encoding="utf-8")
    shutil.copy(DATASET, folder / "wujin-2019.yaml")
    shutil.copy(ALIASES, folder / "aliases.yaml")
    (folder / "notes.txt").write_text("not a dataset", encoding="utf-8")
    old = source.tasks
    goal_1_old = [t for t in old if t["goal_no"] == 1]
    new_id = {t["task"]: t["id"] for t in new}
    return Fixture(
        folder,
        old,
        new,
        removed,
        ["数字经济核心产业增加值增长10%以上", "开展廉政风险点排查，建立防控台账"],
        (goal_1_old[3]["id"], new_id[goal_1_old[3]["task"]]),
        (goal_1_old[0]["id"], 1),
    )


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def names_of(cell: str) -> list[str]:
    return cell.split("、") if cell else []


# --- loading a folder ---------------------------------------------------------------


def test_one_dataset_output_has_no_dataset_column() -> None:
    result = run_cli("--data", str(DATASET), "list", "-f", "csv")
    assert list(rows(result.stdout)[0]) == list(TASK_FIELDS)


def test_a_folder_loads_every_dataset_with_a_dataset_column_first(years: Fixture) -> None:
    result = run_cli("--data", str(years.folder), "list", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    found = rows(result.stdout)
    assert list(found[0]) == ["dataset", *TASK_FIELDS]
    expected = [("wujin-2019", t["id"]) for t in years.old]
    expected += [("wujin-2020", t["id"]) for t in years.new]
    assert [(r["dataset"], int(r["id"])) for r in found] == expected


def test_dataset_option_filters_and_rejects_unknown_names(years: Fixture) -> None:
    data = ("--data", str(years.folder))
    one = run_cli(*data, "list", "--dataset", "wujin-2020", "-f", "csv")
    assert [int(r["id"]) for r in rows(one.stdout)] == [t["id"] for t in years.new]
    assert {r["dataset"] for r in rows(one.stdout)} == {"wujin-2020"}
    both = run_cli(*data, "list", "--dataset", "wujin-2020", "--dataset", "wujin-2019")
    assert both.exit_code == 0
    bad = run_cli(*data, "units", "--dataset", "wujin-2021")
    assert bad.exit_code == 2 and bad.stdout == ""
    assert (
        bad.stderr == "dutycli: no dataset named 'wujin-2021'; datasets: wujin-2019, wujin-2020\n"
    )
    single = run_cli("units", "--dataset", "wujin-2020")
    assert single.exit_code == 2 and "datasets: wujin-2019" in single.stderr
    assert run_cli("units", "--dataset", "wujin-2019", "-f", "csv").exit_code == 0


def test_environment_variable_takes_a_folder(years: Fixture) -> None:
    result = run_cli("datasets", "-f", "csv", env={"DUTYCLI_DATA": str(years.folder)})
    assert [r["dataset"] for r in rows(result.stdout)] == ["wujin-2019", "wujin-2020"]


def test_show_needs_a_dataset_when_the_id_is_in_several(years: Fixture) -> None:
    data = ("--data", str(years.folder))
    ambiguous = run_cli(*data, "show", "3")
    assert ambiguous.exit_code == 2
    assert "task id 3 is in 2 datasets (wujin-2019, wujin-2020)" in ambiguous.stderr
    assert "--dataset" in ambiguous.stderr
    chosen = run_cli(*data, "show", "3", "--dataset", "wujin-2020", "-f", "json")
    [record] = json.loads(chosen.stdout)
    assert record["dataset"] == "wujin-2020" and record["task"] == years.new[2]["task"]
    # The last id exists only in 2020 (it has one task more): no --dataset needed.
    last = run_cli(*data, "show", str(len(years.new)), "-f", "json")
    assert json.loads(last.stdout)[0]["task"] == years.new[-1]["task"]


def test_show_sources_stay_within_the_dataset(years: Fixture) -> None:
    data = ("--data", str(years.folder))
    inherited = next(t for t in years.new if t["lead_units_inherited"] and t["goal_no"] > 1)
    result = run_cli(*data, "show", str(inherited["id"]), "--dataset", "wujin-2020", "-f", "json")
    [record] = json.loads(result.stdout)
    source = next(
        t
        for t in reversed(years.new[: inherited["id"]])
        if not t["lead_units_inherited"] and t["lead_units"]
    )
    assert record["lead_units_source_id"] == source["id"]


def test_directories_count_across_datasets(years: Fixture) -> None:
    result = run_cli("--data", str(years.folder), "units", "-f", "csv")
    found = {r["name"]: r for r in rows(result.stdout)}
    for name in ("工信局", OLD_UNIT, NEW_UNIT):
        in_old = sum(name in t["lead_units"] for t in years.old)
        in_new = sum(name in t["lead_units"] for t in years.new)
        assert int(found[name]["tasks"]) == in_old + in_new
    assert names_of(found["工信局"]["datasets"]) == ["wujin-2019", "wujin-2020"]
    assert names_of(found[NEW_UNIT]["datasets"]) == ["wujin-2020"]
    leaders = rows(run_cli("--data", str(years.folder), "leaders", "-f", "csv").stdout)
    assert sum(int(r["tasks"]) for r in leaders) == sum(
        len(t["leaders"]) for t in years.old + years.new
    )


def test_targets_and_goals_are_per_dataset(years: Fixture) -> None:
    data = ("--data", str(years.folder))
    goals = rows(run_cli(*data, "targets", "-f", "csv").stdout)
    assert [(r["dataset"], int(r["goal_no"])) for r in goals][:2] == [
        ("wujin-2019", 1),
        ("wujin-2019", 2),
    ]
    assert len(goals) == 44
    goal_1_2020 = next(r for r in goals if r["dataset"] == "wujin-2020" and r["goal_no"] == "1")
    assert int(goal_1_2020["tasks"]) == sum(t["goal_no"] == 1 for t in years.new)
    by_name = run_cli(*data, "by-target", "营商环境", "-f", "csv")
    assert "matches 2 goals: wujin-2019 4, wujin-2020 4" in by_name.stderr
    assert len(rows(by_name.stdout)) == sum(t["goal_no"] == 4 for t in years.old + years.new)
    listed = run_cli(*data, "list", "-t", "4", "--dataset", "wujin-2019", "-f", "csv")
    assert len(rows(listed.stdout)) == sum(t["goal_no"] == 4 for t in years.old)


def test_bare_command_summarizes_every_dataset(years: Fixture) -> None:
    result = run_cli("--data", str(years.folder), env={"DUTYCLI_LANG": "zh"})  # the Chinese screen
    assert result.exit_code == 0
    assert "2 个数据集：wujin-2019、wujin-2020" in result.stdout
    assert f"{len(years.old) + len(years.new)} 条任务" in result.stdout


def test_datasets_lists_counts_titles_and_files(years: Fixture) -> None:
    result = run_cli("--data", str(years.folder), "datasets", "-f", "json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert [d["dataset"] for d in listed] == ["wujin-2019", "wujin-2020"]
    assert listed[1]["title"] == "《2020年政府工作报告》目标任务责任分解表"
    assert listed[1]["tasks"] == len(years.new)
    assert listed[0]["goals"] == len({t["goal_no"] for t in years.old})
    assert listed[0]["unit_count"] == len({u for t in years.old for u in t["lead_units"]})
    assert listed[0]["leader_count"] == len({n for t in years.old for n in t["leaders"]})
    assert Path(listed[1]["path"]) == years.folder / "wujin-2020.yaml"
    table = run_cli("--data", str(years.folder), "datasets", "-f", "table")
    assert "共 2 个数据集" in table.stdout and "数据集" in table.stdout
    default = rows(run_cli("datasets", "-f", "csv").stdout)
    assert [r["dataset"] for r in default] == ["wujin-2019"]


def test_a_broken_file_in_the_folder_is_named(tmp_path: Path) -> None:
    shutil.copy(DATASET, tmp_path / "a.yaml")
    (tmp_path / "b.yml").write_text("dutycli_dataset: 1\ntasks: [1]\n", encoding="utf-8")
    result = run_cli("--data", str(tmp_path), "units")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"dutycli: {tmp_path / 'b.yml'}:")
    assert len(result.stderr.splitlines()) == 1


def test_empty_folder_and_clashing_names_are_errors(tmp_path: Path) -> None:
    empty = run_cli("--data", str(tmp_path), "units")
    assert empty.exit_code == 2 and "no dataset files" in empty.stderr
    shutil.copy(DATASET, tmp_path / "a.yaml")
    shutil.copy(DATASET, tmp_path / "a.yml")
    clash = run_cli("--data", str(tmp_path), "units")
    assert clash.exit_code == 2 and "'a'" in clash.stderr


# --- aliases ------------------------------------------------------------------------


def test_aliases_find_other_spellings_on_the_shipped_data() -> None:
    canonical = run_cli("by-unit", OLD_UNIT, "--exact", "-f", "csv")
    for spelling in (NEW_UNIT, "区发改局"):
        other = run_cli("by-unit", spelling, "-f", "csv")
        assert other.exit_code == 0, other.stderr
        assert other.stdout == canonical.stdout  # output shows the name as the table wrote it
        assert run_cli("by-unit", spelling, "--exact", "-f", "csv").stdout == canonical.stdout


def test_aliases_match_every_spelling_across_years(years: Fixture) -> None:
    data = ("--data", str(years.folder))
    for query in (OLD_UNIT, NEW_UNIT):
        result = run_cli(*data, "by-unit", query, "--exact", "-f", "csv")
        found = rows(result.stdout)
        expected = [t["id"] for t in years.old if OLD_UNIT in t["lead_units"]]
        expected += [t["id"] for t in years.new if NEW_UNIT in t["lead_units"]]
        assert [int(r["id"]) for r in found] == expected
        # Stored names stay as each year wrote them.
        assert all(
            (OLD_UNIT if r["dataset"] == "wujin-2019" else NEW_UNIT) in names_of(r["lead_units"])
            for r in found
        )
    listed = run_cli(*data, "list", "-u", NEW_UNIT, "--dataset", "wujin-2019", "-f", "csv")
    assert len(rows(listed.stdout)) == sum(OLD_UNIT in t["lead_units"] for t in years.old)


def test_aliases_file_can_be_chosen_or_emptied(years: Fixture, tmp_path: Path) -> None:
    empty = tmp_path / "none.yaml"
    empty.write_text("# no aliases\n", encoding="utf-8")
    without = run_cli("--aliases", str(empty), "by-unit", NEW_UNIT)
    assert without.exit_code == 2 and "no unit matches" in without.stderr
    env = run_cli("by-unit", NEW_UNIT, "-f", "csv", env={"DUTYCLI_ALIASES": str(empty)})
    assert env.exit_code == 2
    mine = tmp_path / "mine.yaml"
    mine.write_text("商务局: [区商务局]\n", encoding="utf-8")
    found = run_cli("--aliases", str(mine), "by-unit", "区商务局", "-f", "csv")
    assert found.exit_code == 0
    assert all("商务局" in names_of(r["lead_units"]) for r in rows(found.stdout))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("发改局: [区发改局\n", "not valid YAML"),
        ("- 发改局\n", "must be a mapping"),
        ("发改局: {a: 1}\n", "must be a list of non-empty names"),
        ("发改局: [区发改局]\n财政局: [区发改局]\n", "listed under both"),
        ("发改局: !!python/object/apply:os.system [echo hi]\n", "not valid YAML"),
    ],
)
def test_a_bad_aliases_file_is_one_line_naming_it(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "aliases.yaml"
    bad.write_text(text, encoding="utf-8")
    result = run_cli("--aliases", str(bad), "by-unit", "发改局")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"dutycli: {bad}")
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    missing = run_cli("--aliases", str(tmp_path / "nope.yaml"), "units")
    assert missing.exit_code == 2 and "aliases file not found" in missing.stderr


def test_aliases_file_beside_the_data_is_used_and_not_read_as_a_dataset(
    years: Fixture, tmp_path: Path
) -> None:
    shutil.copy(years.folder / "wujin-2020.yaml", tmp_path / "wujin-2020.yaml")
    assert run_cli("--data", str(tmp_path), "by-unit", OLD_UNIT, "--exact").exit_code == 2
    (tmp_path / "aliases.yaml").write_text(f"{OLD_UNIT}: [{NEW_UNIT}]\n", encoding="utf-8")
    assert run_cli("--data", str(tmp_path), "by-unit", OLD_UNIT, "--exact").exit_code == 0
    one_file = run_cli("--data", str(tmp_path / "wujin-2020.yaml"), "by-unit", OLD_UNIT)
    assert one_file.exit_code == 0
    listed = rows(run_cli("--data", str(tmp_path), "datasets", "-f", "csv").stdout)
    assert [r["dataset"] for r in listed] == ["wujin-2020"]


def test_a_cached_aliases_file_is_parsed_again_when_it_changes(tmp_path: Path) -> None:
    # Same size, same time, other content: the cache knows it by its bytes.
    path = tmp_path / "aliases.yaml"
    path.write_text("发改局: [区发改局]\n", encoding="utf-8")
    first = aliases.load(path)
    assert aliases.load(path) == first  # served from the cache the second time
    stat = path.stat()
    path.write_text("财政局: [区财政局]\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = aliases.load(path)
    assert again.canonical_name("区财政局") == "财政局"
    assert again.canonical_name("区发改局") == "区发改局"
    path.write_text("财政局: [区发改局]\n财政: [区发改局]\n", encoding="utf-8")
    with pytest.raises(DataError, match="listed under both"):  # validated, cached or not
        aliases.load(path)
    with pytest.raises(DataError, match="listed under both"):
        aliases.load(path)


def test_aliases_loader_groups_spellings() -> None:
    loaded = aliases.load(ALIASES)
    assert loaded.canonical_name("区 发改局") == OLD_UNIT
    assert loaded.canonical_name("财政局") == "财政局"
    assert set(loaded.spellings(NEW_UNIT)) >= {OLD_UNIT, NEW_UNIT, "区发改局"}
    with pytest.raises(DataError):
        aliases.load(ROOT / "data")


# --- diff ---------------------------------------------------------------------------


def diff_rows(years: Fixture, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    result = run_cli(
        *extra,
        "diff",
        str(years.folder / "wujin-2019.yaml"),
        str(years.folder / "wujin-2020.yaml"),
        "-f",
        "json",
    )
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def test_diff_reports_added_removed_and_changed_tasks(years: Fixture) -> None:
    code, changes = diff_rows(years)
    assert code == 0
    summary = [(c["change"], c["old_id"], c["new_id"]) for c in changes]
    added_ids = [t["id"] for t in years.new if t["task"] in years.added]
    assert sorted(summary, key=str) == sorted(
        [
            ("removed", years.removed["id"], None),
            ("changed", *years.regrouped),
            *[("added", None, new_id) for new_id in added_ids],
        ],
        key=str,
    )
    changed = next(c for c in changes if c["change"] == "changed")
    old = next(t for t in years.old if t["id"] == years.regrouped[0])
    assert changed["old_leaders"] == old["leaders"] and changed["new_leaders"] == ["徐治国"]
    assert changed["old_task"] == changed["new_task"] == old["task"]
    assert changed["goal_no"] == 1 and changed["similarity"] == 1.0
    removed = next(c for c in changes if c["change"] == "removed")
    assert removed["old_task"] == years.removed["task"] and removed["new_task"] is None
    assert removed["old_lead_units"] == years.removed["lead_units"]
    # The reworded task (7% → 6.5%) is the same task, and its names did not change.
    assert years.reworded[0] not in [c["old_id"] for c in changes]


def test_diff_without_aliases_sees_the_renamed_unit(years: Fixture, tmp_path: Path) -> None:
    empty = tmp_path / "none.yaml"
    empty.write_text("", encoding="utf-8")
    _, changes = diff_rows(years, "--aliases", str(empty))
    renamed = [
        c
        for c in changes
        if c["change"] == "changed" and OLD_UNIT in c["old_lead_units"]
        if NEW_UNIT in c["new_lead_units"]
    ]
    expected = sum(OLD_UNIT in t["lead_units"] for t in years.old if t["id"] != years.removed["id"])
    assert len(renamed) == expected > 5


def test_diff_of_identical_datasets_exits_1() -> None:
    table = run_cli("diff", str(DATASET), str(DATASET), "-f", "table")
    assert (table.exit_code, table.stdout, table.stderr) == (1, "", "dutycli: no differences\n")
    result = run_cli("diff", str(DATASET), str(DATASET), "-f", "csv")
    assert result.exit_code == 1
    assert rows(result.stdout) == []
    assert result.stdout.startswith("change,old_id,new_id,goal_no,goal,old_task,new_task,")


def test_diff_takes_dataset_names_from_the_data_folder(years: Fixture) -> None:
    by_name = run_cli("--data", str(years.folder), "diff", "wujin-2019", "wujin-2020", "-f", "csv")
    by_path = run_cli(
        "diff",
        str(years.folder / "wujin-2019.yaml"),
        str(years.folder / "wujin-2020.yaml"),
        "-f",
        "csv",
    )
    assert by_name.exit_code == 0 and by_name.stdout == by_path.stdout
    missing = run_cli("diff", "wujin-2019", str(DATASET))
    assert missing.exit_code == 2 and "wujin-2019: dataset file not found" in missing.stderr


def test_diff_table_and_formats(years: Fixture) -> None:
    old, new = str(years.folder / "wujin-2019.yaml"), str(years.folder / "wujin-2020.yaml")
    table = run_cli("diff", old, new, "-f", "table")
    assert "原工作标准" in table.stdout and "新牵头单位" in table.stdout
    assert f"共 {2 + 1 + 1} 处变化" in table.stdout
    csv_out = rows(run_cli("diff", old, new, "-f", "csv").stdout)
    assert [r["change"] for r in csv_out].count("added") == 2
    picked = run_cli("diff", old, new, "--fields", "change,new_id", "-f", "csv")
    assert picked.stdout.splitlines()[0] == "change,new_id"


def test_diff_reads_every_dataset_format(years: Fixture, tmp_path: Path) -> None:
    old, new = years.folder / "wujin-2019.yaml", years.folder / "wujin-2020.yaml"
    as_yaml = run_cli("diff", str(old), str(new), "-f", "csv")
    assert as_yaml.exit_code == 0 and len(rows(as_yaml.stdout)) > 1
    # Aliases come from beside the old file: keep them beside the converted ones too.
    shutil.copy(years.folder / "aliases.yaml", tmp_path / "aliases.yaml")
    converted: dict[str, Path] = {}
    for path, suffix in ((old, ".parquet"), (new, ".arrow"), (new, ".parquet")):
        target = tmp_path / f"{path.stem}{suffix}"
        assert run_cli("--data", str(path), "export", "-o", str(target)).exit_code == 0
        converted[f"{path.stem}{suffix}"] = target
    flat = tmp_path / "wujin-2020.jsonl"
    flat.write_text(run_cli("--data", str(new), "list", "-f", "jsonl").stdout, encoding="utf-8")
    for before, after in (
        (converted["wujin-2019.parquet"], converted["wujin-2020.arrow"]),
        (converted["wujin-2019.parquet"], new),
        (old, converted["wujin-2020.parquet"]),
        (converted["wujin-2019.parquet"], flat),
    ):
        result = run_cli("diff", str(before), str(after), "-f", "csv")
        assert (result.exit_code, result.stdout) == (0, as_yaml.stdout), (before, after)
        assert result.stderr == ""


def test_diff_pairs_goals_by_name_when_numbers_move() -> None:
    old = [(1, "甲"), (2, "乙"), (3, "丙")]
    new = [(1, "乙"), (2, "丁"), (3, "丙")]
    # 乙 moved to number 1; 丙 kept its place; 丁 is new (number 2 was 乙's), 甲 is gone.
    assert diff.pair_goals(old, new) == [(2, 1), (None, 2), (3, 3), (1, None)]
    # A renamed goal keeps its number.
    assert diff.pair_goals([(1, "甲"), (2, "乙")], [(1, "甲甲"), (2, "乙")]) == [(1, 1), (2, 2)]
    assert diff.pair_goals([(1, "甲")], [(2, "乙")]) == [(None, 2), (1, None)]


def test_diff_pairs_tasks_deterministically() -> None:
    old = ["地区生产总值增长7%左右", "进出口总额增长3%左右", "进出口总额增长3%左右"]
    new = ["进出口总额增长3%左右", "地区生产总值增长6.5%左右", "进出口总额增长3%左右", "全新任务"]
    pairs = diff.pair_tasks(old, new, diff.CUTOFF)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (1, 0), (2, 2)]
    assert pairs == diff.pair_tasks(old, new, diff.CUTOFF)


def test_diff_uses_every_name_field_of_the_schema() -> None:
    assert diff.name_fields() == [k for k, v in TASK_FIELDS.items() if v == "names"]
    assert {f"new_{f}" for f in diff.name_fields()} <= set(diff.columns())


# --- the installed command ----------------------------------------------------------


def test_installed_command_reads_folders_and_diffs(years: Fixture) -> None:
    listed = run_process("--data", str(years.folder), "by-unit", NEW_UNIT, "--exact")
    assert listed.exit_code == 0
    found = rows(listed.stdout)
    assert next(iter(found[0])) == "dataset"
    assert {r["dataset"] for r in found} == {"wujin-2019", "wujin-2020"}
    shown = run_process("datasets", env={"DUTYCLI_DATA": str(years.folder)})
    assert [r["dataset"] for r in rows(shown.stdout)] == ["wujin-2019", "wujin-2020"]
    changed = run_process(
        "diff", str(years.folder / "wujin-2019.yaml"), str(years.folder / "wujin-2020.yaml")
    )
    assert changed.exit_code == 0 and len(rows(changed.stdout)) == 4
    same = run_process("diff", str(DATASET), str(DATASET))
    assert same.exit_code == 1 and same.stderr == ""
    bad = run_process("--data", str(years.folder), "show", "1")
    assert bad.exit_code == 2 and len(bad.stderr.splitlines()) == 1


def test_diff_cutoff_decides_what_counts_as_the_same_task(years: Fixture) -> None:
    old, new = str(years.folder / "wujin-2019.yaml"), str(years.folder / "wujin-2020.yaml")
    strict = rows(run_cli("diff", old, new, "--cutoff", "1", "-f", "csv").stdout)
    # The reworded task (7% → 6.5%) is no longer the same task: removed and added.
    assert ("removed", str(years.reworded[0]), "") in [
        (r["change"], r["old_id"], r["new_id"]) for r in strict
    ]
    assert ("added", "", str(years.reworded[1])) in [
        (r["change"], r["old_id"], r["new_id"]) for r in strict
    ]
    assert run_cli("diff", old, new, "--cutoff", "2").exit_code == 2


def test_exports_read_back_through_data(tmp_path: Path) -> None:
    """A whole CSV/TSV/JSON/JSONL export is a dataset again; a partial one is refused."""
    expected = run_cli("list", "-f", "json").stdout
    for fmt in ("csv", "tsv", "json", "jsonl"):
        path = tmp_path / f"all.{fmt}"
        assert run_cli("list", "-f", fmt, "-o", str(path)).exit_code == 0
        again = run_process("--data", str(path), "list", "-f", "json")
        assert again.exit_code == 0, again.stderr
        assert again.stdout == expected, fmt
    partial = tmp_path / "partial.csv"
    run_cli("list", "--fields", "id,task", "-o", str(partial))
    refused = run_process("--data", str(partial), "units")
    assert refused.exit_code == 2
    assert "not a whole dutycli export" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    excel = tmp_path / "excel.csv"
    run_cli("list", "--excel", "-o", str(excel))
    assert "--excel" in run_process("--data", str(excel), "units").stderr
