"""Names as a clerk types them: in pinyin (lqm, luqiuming, fgj), several at once, and the
hints between commands."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from dutycli import pinyin
from dutycli.completion import values as completion
from dutycli.errors import QueryError
from dutycli.query import filters
from dutycli.store.loader import load

from .conftest import DATASET, run_cli, run_process

FRAME = load(DATASET).frame
assert isinstance(FRAME, pl.DataFrame)
LEADERS = filters.known_names(FRAME, "leaders")
UNITS = filters.known_names(FRAME, ("lead_units", "partner_units"))
# Spelled once for the module (pypinyin is imported once).
SPELLED_LEADERS = {name: pinyin.spell(name, person=True) for name in LEADERS}
SPELLED_UNITS = {name: pinyin.spell(name) for name in UNITS}
# The real leaders of the shipped table, as a clerk spells them.
LEADER_PINYIN = {
    "刘志峰": ("lzf", "liuzhifeng"),
    "张小虎": ("zxh", "zhangxiaohu"),
    "张强": ("zq", "zhangqiang"),
    "徐治国": ("xzg", "xuzhiguo"),
    "戴士福": ("dsf", "daishifu"),
    "是峰": ("sf", "shifeng"),
    "薛红霞": ("xhx", "xuehongxia"),
    "陆秋明": ("lqm", "luqiuming"),
}


def test_the_table_of_leaders_is_the_shipped_one() -> None:
    assert sorted(LEADERS) == sorted(LEADER_PINYIN)


@pytest.mark.parametrize("leader", sorted(LEADER_PINYIN))
def test_each_leader_is_found_by_initials_and_full_pinyin_alone(leader: str) -> None:
    for typed in (*LEADER_PINYIN[leader], LEADER_PINYIN[leader][1].upper()):
        found = filters.match_names(FRAME, "leaders", typed, spelled=SPELLED_LEADERS)
        assert found.names == [leader], typed
        exact = filters.match_names(FRAME, "leaders", typed, exact=True, spelled=SPELLED_LEADERS)
        assert exact.names == [leader], typed


def test_a_part_of_a_name_in_pinyin_finds_every_name_it_spells() -> None:
    found = filters.match_names(FRAME, "leaders", "zhang", spelled=SPELLED_LEADERS)
    assert found.names == ["张小虎", "张强"]
    # 士福 of 戴士福 is also "sf", but 是峰 is spelled whole: the whole name wins.
    assert filters.match_names(FRAME, "leaders", "sf", spelled=SPELLED_LEADERS).names == ["是峰"]
    assert filters.match_names(FRAME, "leaders", "qiuming", spelled=SPELLED_LEADERS).names == [
        "陆秋明"
    ]
    with pytest.raises(QueryError, match="no leader"):
        filters.match_names(FRAME, "leaders", "qiuming", exact=True, spelled=SPELLED_LEADERS)


def test_units_in_pinyin() -> None:
    assert filters.match_names(FRAME, "lead_units", "fgj", spelled=SPELLED_UNITS).names == [
        "发改局"
    ]
    found = filters.match_names(FRAME, "lead_units", "shangwuju", spelled=SPELLED_UNITS)
    assert found.names == ["商务局"]


def test_pinyin_did_you_mean() -> None:
    with pytest.raises(QueryError, match="did you mean 陆秋明"):
        filters.match_names(FRAME, "leaders", "luqiuminh", spelled=SPELLED_LEADERS)
    with pytest.raises(QueryError, match="did you mean 发改局"):
        filters.match_names(FRAME, "lead_units", "fagaiji", spelled=SPELLED_UNITS)


@pytest.mark.parametrize(
    ("name", "initials", "wrong"),
    [
        ("单峰", "sf", "df"),
        ("曾国强", "zgq", "cgq"),
        ("解晓东", "xxd", "jxd"),
        ("仇明", "qm", "cm"),
        ("查文", "zw", "cw"),
        ("区伟", "ow", "qw"),
        ("朴树", "ps", "pus"),
        ("尉迟恭", "ycg", "wcg"),
    ],
)
def test_polyphonic_surnames_are_read_as_surnames(name: str, initials: str, wrong: str) -> None:
    spelled = pinyin.spell(name, person=True)
    assert pinyin.match(initials, spelled, whole=True)
    assert not pinyin.match(wrong, spelled, whole=True)
    frame = pl.DataFrame({"leaders": [[name], ["陆秋明"]]})
    people = {n: pinyin.spell(n, person=True) for n in (name, "陆秋明")}
    assert filters.match_names(frame, "leaders", initials, spelled=people).names == [name]


def test_a_unit_is_not_read_as_a_person() -> None:
    # 单 of a unit's name is the word (dan), 曾 of a leader's the surname (zeng).
    assert pinyin.keys(pinyin.spell("单位办"))[1] == "dwb"
    assert pinyin.keys(pinyin.spell("曾强", person=True))[1] == "zq"


def test_by_leader_and_by_unit_in_pinyin() -> None:
    for typed in ("lqm", "luqiuming", "LuQiuMing"):
        got = run_cli("by-leader", typed, "-f", "json")
        assert got.exit_code == 0, got.stderr
        rows = json.loads(got.stdout)
        assert len(rows) == 43 and all("陆秋明" in row["leaders"] for row in rows)
    got = run_cli("by-unit", "fgj", "-f", "json")
    rows = json.loads(got.stdout)
    assert len(rows) == 11 and all("发改局" in row["lead_units"] for row in rows)
    got = run_cli("list", "--leader", "zq", "--unit", "sfj", "-f", "json")
    rows = json.loads(got.stdout)
    assert rows and all("张强" in r["leaders"] and "司法局" in r["lead_units"] for r in rows)


def test_the_pinyin_is_spelled_once_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("by-leader", "lqm", "-f", "csv").exit_code == 0
    cache = Path(os.environ["DUTYCLI_CACHE_DIR"]) / "pinyin"
    entries = list(cache.iterdir())
    assert len(entries) == 1
    cached = json.loads(entries[0].read_text("utf-8"))
    assert cached["spellings"]["people"]["陆秋明"][0] == ["lu", "liu"]

    def spell(name: str, person: bool = False) -> pinyin.Spelling:
        raise AssertionError(f"{name} spelled again")

    monkeypatch.setattr(pinyin, "spell", spell)
    assert run_cli("by-leader", "zxh", "-f", "csv").exit_code == 0
    assert completion.values(completion.Request("leader", "lqm"))[0][0] == "陆秋明"
    # A damaged entry is spelled again, never a wrong answer.
    entries[0].write_text('{"version": 1, "spellings": {"people": 3}}', "utf-8")
    with pytest.raises(AssertionError, match="spelled again"):
        run_cli("by-leader", "zxh", "-f", "csv")


def test_tab_offers_the_names_a_pinyin_spells() -> None:
    offered = [v for v, _ in completion.values(completion.Request("leader", "lqm"))]
    assert offered == ["陆秋明"]
    offered = [v for v, _ in completion.values(completion.Request("leader", "zh"))]
    assert offered[:2] == ["张小虎", "张强"]  # names that start so come first
    offered = [v for v, _ in completion.values(completion.Request("unit", "fgj"))]
    assert offered == ["发改局"]
    from dutycli.completion.protocol import answer

    reply = answer(
        {
            "_DUTYCLI_COMPLETE": "complete_bash",
            "COMP_WORDS": "dutycli by-leader lqm",
            "COMP_CWORD": "2",
        }
    )
    assert reply == "陆秋明"


def test_several_names_in_one_query(tmp_path: Path) -> None:
    one = json.loads(run_cli("by-unit", "发改局", "-f", "json").stdout)
    other = json.loads(run_cli("by-unit", "商务局", "-f", "json").stdout)
    wanted = sorted({r["id"] for r in one + other})
    for args in (["发改局", "商务局"], ["发改局、商务局"], ["发改局,商务局"], ["发改局，商务局"]):
        got = run_cli("by-unit", *args, "-f", "json")
        assert got.exit_code == 0, got.stderr
        assert sorted(r["id"] for r in json.loads(got.stdout)) == wanted, args
    leaders = json.loads(run_cli("by-leader", "张强、是峰", "-f", "json").stdout)
    assert {r["id"] for r in leaders} == {
        r["id"]
        for name in ("张强", "是峰")
        for r in json.loads(run_cli("by-leader", name, "-f", "json").stdout)
    }
    document = tmp_path / "两个单位.txt"
    assert run_cli("by-unit", "发改局", "商务局", "-o", str(document)).exit_code == 0
    assert "牵头单位：发改局、商务局" in document.read_text("utf-8")


@pytest.mark.parametrize(
    ("word", "english", "chinese"),
    [
        ("发改局", "发改局: a unit, not a command; try: dutycli by-unit 发改局", "是牵头单位"),
        ("陆秋明", "陆秋明: a leader, not a command; try: dutycli by-leader 陆秋明", "是分管领导"),
        (
            "营商环境",
            "优化营商环境: a goal, not a command; try: dutycli by-target 营商环境",
            "是目标",
        ),
    ],
)
def test_a_name_typed_as_a_command_says_which_command_finds_it(
    word: str, english: str, chinese: str
) -> None:
    got = run_cli(word, "-f", "csv", env={"DUTYCLI_LANG": "en"})
    assert (got.exit_code, got.stdout, got.stderr) == (2, "", f"dutycli: {english}\n")
    got = run_cli(word, env={"DUTYCLI_LANG": "zh"})
    assert got.exit_code == 2 and chinese in got.stderr and "请用：dutycli by-" in got.stderr
    # Not a name: Click's own message, as before.
    got = run_cli("不存在的词")
    assert got.exit_code == 2 and "No such command" in got.stderr


def test_the_hints_in_both_languages_from_a_real_run() -> None:
    english = run_process("发改局", env={"LANG": "C.UTF-8", "LC_ALL": ""})
    assert english.exit_code == 2
    assert english.stderr == "dutycli: 发改局: a unit, not a command; try: dutycli by-unit 发改局\n"
    chinese = run_process(
        "search", "陆秋明", "-f", "csv", env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""}
    )
    assert chinese.exit_code == 1
    assert chinese.stderr == (
        "dutycli: 陆秋明：是分管领导的名字，任务内容里没有。请用：dutycli by-leader 陆秋明\n"
    )


def test_a_search_for_a_name_points_to_the_command_that_finds_it() -> None:
    got = run_cli("search", "发改局", "-f", "csv", env={"DUTYCLI_LANG": "en"})
    assert got.exit_code == 1
    assert "发改局: a unit's name, not in the task texts; try: dutycli by-unit 发改局" in got.stderr
    # A search that finds rows says nothing more.
    got = run_cli("search", "营商环境", "-f", "csv")
    assert got.exit_code == 0 and got.stderr == ""


# --- fields named in Chinese ------------------------------------------------------------------


def test_fields_by_chinese_label_mixed_with_field_names() -> None:
    got = run_cli("by-unit", "发改局", "-f", "csv", "--fields", "编号,task,牵头单位")
    assert got.exit_code == 0, got.stderr
    assert got.stdout.splitlines()[:2] == ["id,task,lead_units", "1,地区生产总值增长7%左右,发改局"]
    bad = run_cli("by-unit", "发改局", "--fields", "编号,领导", env={"DUTYCLI_LANG": "en"})
    assert bad.exit_code == 2
    assert "unknown field '领导'" in bad.stderr and "leaders（分管领导）" in bad.stderr
    twice = run_cli("by-unit", "发改局", "--fields", "编号,id")
    assert twice.exit_code == 2 and "id more than once" in twice.stderr
    # With --explode, 分管领导 is the single-name field it becomes.
    got = run_cli("by-unit", "发改局", "--explode", "-f", "csv", "--fields", "编号,分管领导")
    assert got.stdout.splitlines()[0] == "id,leader"


def test_group_by_in_chinese_is_the_same_grouping() -> None:
    for chinese, english in (("牵头单位", "unit"), ("分管领导", "leader"), ("目标", "goal")):
        zh = run_cli("by-leader", "陆秋明", "-f", "md", "--group-by", chinese)
        en = run_cli("by-leader", "陆秋明", "-f", "md", "--group-by", english)
        assert zh.exit_code == 0 and zh.stdout == en.stdout


def test_header_zh_names_columns_by_label(tmp_path: Path) -> None:
    got = run_cli("by-unit", "发改局", "-f", "json", "--fields", "id,task", "--header", "zh")
    assert list(json.loads(got.stdout)[0]) == ["编号", "工作标准"]
    for fmt, first in (
        ("csv", "编号,工作标准"),
        ("tsv", "编号\t工作标准"),
        ("md", "| 编号 | 工作标准 |"),
    ):
        got = run_cli("by-unit", "发改局", "-f", fmt, "--fields", "id,task", "--header", "zh")
        assert got.stdout.splitlines()[0] == first, fmt
    jsonl = run_cli("by-unit", "发改局", "-f", "jsonl", "--fields", "id", "--header", "zh")
    assert json.loads(jsonl.stdout.splitlines()[0]) == {"编号": 1}
    # The Excel CSV has Chinese headers, as xlsx does; --header en gives the fields back.
    excel = run_cli("by-unit", "发改局", "--excel", "--fields", "id,task")
    assert excel.stdout.splitlines()[0] == "\ufeff编号,工作标准"
    excel = run_cli("by-unit", "发改局", "--excel", "--header", "en", "--fields", "id,task")
    assert excel.stdout.splitlines()[0] == "\ufeffid,task"
    wrong = run_cli(
        "by-unit", "发改局", "-f", "xlsx", "--header", "zh", "-o", str(tmp_path / "x.xlsx")
    )
    assert wrong.exit_code == 2 and "--header applies to csv" in wrong.stderr


@pytest.mark.parametrize("suffix", ["csv", "tsv", "json", "jsonl"])
def test_an_export_with_chinese_headers_reads_back(tmp_path: Path, suffix: str) -> None:
    export = tmp_path / f"任务.{suffix}"
    assert run_cli("list", "--header", "zh", "-o", str(export)).exit_code == 0
    back = run_cli("--data", str(export), "by-leader", "陆秋明", "-f", "json")
    assert back.exit_code == 0, back.stderr
    original = run_cli("by-leader", "陆秋明", "-f", "json")
    assert json.loads(back.stdout) == json.loads(original.stdout)


def test_tab_completes_fields_by_chinese_label() -> None:
    got = completion.values(completion.Request("field", "id,工", "by-unit"))
    assert [value for value, _ in got] == ["id,工作标准"]
    got = completion.values(completion.Request("field", "编", "by-unit"))
    assert got[0] == ("编号", "id")
