"""The target extractor against every number written in the real 2019 table.

``LEDGER`` accounts for each Arabic number of every task text: either the target it is, or the
reason it is not one. A number added to the data without an entry here fails the test.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from dutycli.query import metrics
from dutycli.store import loader

from .conftest import DATASET, RAW, run_cli

Target = tuple[str, str, float, str, str]  # indicator, verb, value, unit, qualifier

# (task id, number as written) -> the target, or the EXCLUSIONS key saying why it is none.
LEDGER: dict[tuple[int, str], Target | str] = {
    # Goal 1, 主要预期目标 (task 11, 节能减排完成上级下达目标, has no number).
    (1, "7"): ("地区生产总值", "增长", 7, "%", "左右"),
    (2, "6.5"): ("规模以上工业增加值", "增长", 6.5, "%", "左右"),
    (3, "0.5"): ("服务业增加值占GDP比重", "提高", 0.5, "个百分点", ""),
    (4, "7"): ("固定资产投资", "增长", 7, "%", "左右"),
    (5, "7.5"): ("一般公共预算收入", "增长", 7.5, "%", "左右"),
    (6, "8.5"): ("社会消费品零售总额", "增长", 8.5, "%", "左右"),
    (7, "3"): ("进出口总额", "增长", 3, "%", "左右"),
    (8, "7.6"): ("实际到账外资", "", 7.6, "亿美元", ""),  # the text names no verb
    (9, "8"): ("全体居民人均可支配收入", "增长", 8, "%", "左右"),
    (10, "3"): ("城镇登记失业率", "控制在", 3, "%", "以内"),
    # The other goals.
    (12, "500"): "ranking",  # 世界500强企业
    # 90个区重点项目建成投产: a count with a completion verb, checkable at year end: a target.
    (15, "90"): ("区重点项目", "建成投产", 90, "个", ""),
    (18, "300"): "ranking",  # 武进300强企业培育机制
    (20, "1160"): ("上云企业", "新增", 1160, "家", ""),
    (24, "8"): ("单位建设用地税收收入", "增长", 8, "%", ""),
    (25, "83"): ("一般贸易进出口占货物进出口总额比重", "达到", 83, "%", ""),
    (28, "2345"): "slogan",  # “2345”目标
    (42, "25"): ("市级以上企业技术中心", "培育", 25, "家", ""),
    (42, "118"): ("高新技术企业", "新增", 118, "家", ""),
    # 打造3平方公里核心区: the size of the area to build, a target like 新增…万平方米.
    (46, "3"): ("核心区", "打造", 3, "平方公里", ""),
    (50, "5"): ("上市挂牌企业", "新增", 5, "家", "以上"),
    # 推进…等46公里河道及沿河桥梁建设工程: the length of works to carry out.
    (59, "46"): ("河道及沿河桥梁建设工程", "推进", 46, "公里", ""),
    (67, "60"): ("绿色优质农产品比重", "提高到", 60, "%", ""),
    (68, "1"): ("户人均年收入", "达到", 1, "万元", "以上"),
    (72, "300"): ("新增绿色建筑、装配式建筑", "超", 300, "万平方米", ""),
    (75, "2.5"): "code",  # PM2.5平均浓度大幅下降: the pollutant's name; the target has no number
    # 提升城区7条主要河道水质: seven rivers to improve, a countable commitment.
    (76, "7"): ("主要河道水质", "提升", 7, "条", ""),
    (76, "40"): ("地表水达到或好于三类水体比率", "达到", 40, "%", ""),
    (81, "26.4"): ("林木覆盖率", "达到", 26.4, "%", ""),
    (85, "2.3"): ("城镇就业", "新增", 2.3, "万人", ""),
    (89, "6250"): ("人均拥有社会保险福利总额", "超", 6250, "元", ""),
    (92, "18"): ("公积金贷款", "发放", 18, "亿元", ""),
    (94, "3800"): ("慈善救助金", "发放", 3800, "万元", ""),
    (94, "1.1"): ("困难群众", "惠及", 1.1, "万人次", ""),
    (95, "3000"): ("光彩资金", "投入", 3000, "万元", ""),
    (97, "65"): ("义务教育优质均衡比例", "达到", 65, "%", ""),
    (98, "6"): ("基层医疗中心", "培育", 6, "家", ""),
    (98, "30"): ("全科医生", "新增", 30, "人", ""),
    (101, "2019"): "year",  # 承办…2019年全国女曲锦标赛
}

NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def tasks() -> list[dict[str, Any]]:
    return loader.read_dataset(DATASET).tasks


def outcome(found: metrics.Metric) -> Target | str:
    if found.excluded:
        return found.excluded
    assert found.value is not None  # every number read has a value
    return (found.indicator, found.verb, found.value, found.unit, found.qualifier)


def test_every_number_in_the_task_texts_is_accounted_for(tasks: list[dict[str, Any]]) -> None:
    seen: dict[tuple[int, str], Target | str] = {}
    for task in tasks:
        text = task["task"]
        found = metrics.extract(text)
        # The extractor looks at every number a plain scan sees, no more, no less.
        assert [m.start for m in found] == [m.start() for m in NUMBER.finditer(text)]
        for item in found:
            key = (task["id"], text[item.start : item.end])
            assert key not in seen, f"two numbers {key}: give them separate ledger keys"
            seen[key] = outcome(item)
    unaccounted = sorted(set(seen) - set(LEDGER))
    assert not unaccounted, f"numbers not in LEDGER: {[(k, seen[k]) for k in unaccounted]}"
    assert not sorted(set(LEDGER) - set(seen)), "LEDGER entries no longer in the data"
    for key, expected in LEDGER.items():
        assert seen[key] == expected, key


def test_the_raw_table_has_no_number_outside_the_task_texts_but_titles_and_goal_numbers(
    tasks: list[dict[str, Any]],
) -> None:
    lines = RAW.read_text(encoding="utf-8").splitlines()
    in_raw = Counter(
        n
        for line in lines[2:]  # line 1 is 附件1, line 2 the title with 2019年
        if not re.fullmatch(r"\s*\d+\s*", line)  # a 序号 cell
        for n in NUMBER.findall(line)
    )
    in_tasks = Counter(n for task in tasks for n in NUMBER.findall(task["task"]))
    assert in_raw == in_tasks
    assert NUMBER.findall(lines[0] + lines[1]) == ["1", "2019"]


def test_chinese_numerals_in_the_table_are_names_not_quantities(
    tasks: list[dict[str, Any]],
) -> None:
    # 三大开发区, 十项工程, 第四次全国经济普查, 三年行动, 三十种重大疾病保险: no unit of measure
    # follows, so none reads as a target; a Chinese-numeral amount would need the extractor.
    pattern = re.compile(r"[一二三四五六七八九十百千两]+(?:万|亿|%|％|家|人|元|公里|平方|亩|吨)")
    found = {m.group() for task in tasks for m in pattern.finditer(task["task"])}
    assert found == set(), found


def test_goal_one_gives_all_eleven_main_targets(
    tasks: list[dict[str, Any]],
) -> None:
    goal_one = [t for t in tasks if t["goal_no"] == 1]
    assert len(goal_one) == 11
    rows = [(t["id"], m) for t in goal_one for m in metrics.targets(t["task"])]
    assert [task_id for task_id, _ in rows] == list(range(1, 12))
    for task_id, found in rows:
        assert found.phrase == tasks[task_id - 1]["task"]
    # The eleventh names no amount: a target all the same, with an empty value.
    last = rows[-1][1]
    assert (last.indicator, last.verb, last.value, last.unit) == ("节能减排", "完成", None, "")


def test_assigned_targets_only_as_a_whole_clause() -> None:
    assert [m.indicator for m in metrics.targets("安全生产完成省下达任务")] == ["安全生产"]
    assert metrics.targets("积极争取完成上级下达目标的基础上再提高") == []
    assert metrics.targets("推动节能减排") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("粮食产量下降到3万吨以下", [("粮食产量", "下降到", 3.0, "万吨", "以下")]),
        ("新增就业１２人", [("就业", "新增", 12.0, "人", "")]),  # full-width digits
        ("完成第3次普查", []),  # an ordinal
        (
            "地区生产\n总值增长7%左右",
            [("地区生产总值", "增长", 7.0, "%", "左右")],
        ),  # a wrapped line
        ("惠及2万人，发放10亿元", [("", "惠及", 2.0, "万人", ""), ("", "发放", 10.0, "亿元", "")]),
    ],
)
def test_shapes_of_target_phrases(text: str, expected: list[Target]) -> None:
    got = [(m.indicator, m.verb, m.value, m.unit, m.qualifier) for m in metrics.targets(text)]
    assert got == expected


def test_metrics_command_lists_every_target_with_its_owners(
    tasks: list[dict[str, Any]],
) -> None:
    import json

    result = run_cli("metrics", "-f", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    targets: dict[tuple[int, str], Any] = {
        k: v for k, v in LEDGER.items() if not isinstance(v, str)
    }
    # The one target without an amount (value empty).
    targets[(11, "节能减排完成上级下达目标")] = ("节能减排", "完成", None, "", "")
    assert len(rows) == len(targets)
    by_id = {t["id"]: t for t in tasks}
    for row in rows:
        task = by_id[row["id"]]
        assert row["phrase"] in task["task"]
        assert row["leaders"] == task["leaders"] and row["lead_units"] == task["lead_units"]
        key = next(
            k
            for k, v in targets.items()
            if k[0] == row["id"] and not isinstance(v, str) and v[0] == row["indicator"]
        )
        got = [
            row[k] if k == "value" else row[k] or ""
            for k in ("indicator", "verb", "value", "unit", "qualifier")
        ]
        assert tuple(got) == targets[key]
