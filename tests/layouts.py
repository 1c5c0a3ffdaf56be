"""Three real 分解表 layouts other offices publish, as tables to write in every format, each
with the tasks a correct import must read from it (issue 13).

- 大竹县 2016 民生实事: no leaders, no goal names; 序号 numbers the items, one of them two
  rows under one merged 序号 and one merged 责任单位.
- 常熟市 2018: no leaders; heading rows spanning the table carry the goals (一、二、三), 序号
  numbers the tasks across them, 名称 is empty.
- 钟楼区 2024: six columns; goals with merged 序号/目标名称, and inside goal 2 sub-heading rows
  spanning 工作标准…配合单位 while the goal's merge runs on through them.

The grid of each (``Table``) is what the document shows; the expected tasks (``Expected``)
are written beside it from the same description, by hand: they are the oracle the importer is
checked against in every format, never derived from what the importer reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .tables import Table, write_delimited, write_docx, write_html, write_xlsx

NAME_FIELDS = ("leaders", "lead_units", "partner_units")
INHERITABLE = (*NAME_FIELDS, "deadline")


@dataclass(frozen=True)
class Expected:
    """One task as the dataset must hold it (its id is its place in the list)."""

    goal_no: int
    goal: str
    task: str
    lead_units: tuple[str, ...]
    leaders: tuple[str, ...] = ()
    partner_units: tuple[str, ...] = ()
    deadline: str = ""
    item_no: str = ""
    section: str = ""
    inherited: tuple[str, ...] = ()  # the fields its merged cells took from the row above

    def fields(self) -> dict[str, Any]:
        """The task's fields as a dataset task writes them (all but id and source_line)."""
        out: dict[str, Any] = {
            "goal_no": self.goal_no,
            "goal": self.goal,
            "item_no": self.item_no,
            "section": self.section,
            "task": self.task,
            "deadline": self.deadline,
            "deadline_inherited": "deadline" in self.inherited,
        }
        for name in NAME_FIELDS:
            out[name] = list(getattr(self, name))
            out[f"{name}_inherited"] = name in self.inherited
            out[f"{name}_open_ended"] = False
        return out


def task(
    goal_no: int,
    goal: str,
    text: str,
    lead: str,
    *,
    leaders: str = "",
    partners: str = "",
    deadline: str = "",
    item_no: str = "",
    section: str = "",
    inherited: str = "",
) -> Expected:
    """An expected task; names written as the cell lists them (、 between), ``inherited`` as
    the space-separated fields a merge filled."""

    def names(text: str) -> tuple[str, ...]:
        return tuple(text.split("、")) if text else ()

    return Expected(
        goal_no,
        goal,
        text,
        names(lead),
        names(leaders),
        names(partners),
        deadline,
        item_no,
        section,
        tuple(inherited.split()),
    )


@dataclass(frozen=True)
class Layout:
    name: str  # the fixture files' stem
    table: Table
    tasks: tuple[Expected, ...]
    label: str  # the dataset's label and title, from the lines above the table
    title: str
    # Each header label and the field it is read as ("a|b": either, as the report may say).
    columns: dict[str, str]
    absent: tuple[str, ...]  # the fields the table has no column for
    formats: tuple[str, ...] = ("docx", "xlsx", "html", "html-gbk")
    goals: list[tuple[int, str]] = field(init=False)

    def __post_init__(self) -> None:
        goals: list[tuple[int, str]] = []
        for expected in self.tasks:
            if (expected.goal_no, expected.goal) not in goals:
                goals.append((expected.goal_no, expected.goal))
        object.__setattr__(self, "goals", goals)


def write(layout: Layout, fmt: str, folder: Path) -> Path:
    """The layout's table as a file of ``fmt``: Word and Excel with real merges, a web page
    in UTF-8 (``<br>`` in cells) or in GBK (``<p>`` in cells, ``<th>`` header, ``.htm``),
    CSV without merges."""
    stem = folder / layout.name
    if fmt == "docx":
        return write_docx(layout.table, stem.with_suffix(".docx"))
    if fmt == "xlsx":
        return write_xlsx(layout.table, stem.with_suffix(".xlsx"))
    if fmt == "html":
        return write_html(layout.table, stem.with_suffix(".html"))
    if fmt == "html-gbk":
        path = folder / f"{layout.name}-gbk.htm"
        return write_html(layout.table, path, "gbk", line_break="p", header_tag="th")
    if fmt == "csv":
        return write_delimited(layout.table, stem.with_suffix(".csv"), ",", "utf-8-sig")
    raise ValueError(fmt)


# 大竹县 2016: 序号 | 民生实事 | 责任单位 | 完成时限. Item 5 is two rows: its 序号 and 责任单位 are
# merged over both, each row has its own 完成时限.
DAZHU = Layout(
    name="dazhu-2016",
    table=Table(
        preamble=["附件", "大竹县2016年十件民生实事目标任务分解表"],
        header=["序号", "民生实事", "责任单位", "完成时限"],
        body=[
            ["1", "新建城区公办幼儿园2所，新增学位1080个", "教科局", "2016年8月底前"],
            [
                "2",
                "实施农村饮水安全巩固提升工程，解决3.2万人饮水不安全问题",
                "水务局",
                "2016年11月底前",
            ],
            [
                "3",
                "改造城区老旧小区12个，完善供水、供电、照明设施",
                "住建局、经信委",
                "2016年12月底前",
            ],
            ["4", "新建乡镇标准化卫生院5所", "卫计局", "2016年10月底前"],
            ["5", "开工建设县老年养护楼", "民政局、住建局", "2016年6月底前"],
            ["", "开工建设老年大学", "", "2016年9月底前"],
            [
                "6",
                "新建城乡公交候车亭100个，新开通农村客运班线10条",
                "交通运输局",
                "2016年12月底前",
            ],
            ["7", "实施城区背街小巷亮化工程，安装LED路灯2000盏", "经信委", "2016年10月底前"],
            ["8", "新增城镇就业3000人，培训农村劳动力5000人次", "人社局", "2016年12月底前"],
            ["9", "建成城区标准化农贸市场2个", "商务局、住建局", "2016年12月底前"],
            ["10", "完成农村危房改造2000户", "住建局", "2016年11月底前"],
        ],
        # rows() index: the header is 0, item 5 starts at 5.
        spans=((5, 0, 2, 1), (5, 2, 2, 1)),
    ),
    tasks=(
        task(1, "", "新建城区公办幼儿园2所，新增学位1080个", "教科局", deadline="2016年8月底前"),
        task(
            2,
            "",
            "实施农村饮水安全巩固提升工程，解决3.2万人饮水不安全问题",
            "水务局",
            deadline="2016年11月底前",
        ),
        task(
            3,
            "",
            "改造城区老旧小区12个，完善供水、供电、照明设施",
            "住建局、经信委",
            deadline="2016年12月底前",
        ),
        task(4, "", "新建乡镇标准化卫生院5所", "卫计局", deadline="2016年10月底前"),
        task(5, "", "开工建设县老年养护楼", "民政局、住建局", deadline="2016年6月底前"),
        task(
            5,
            "",
            "开工建设老年大学",
            "民政局、住建局",
            deadline="2016年9月底前",
            inherited="lead_units",
        ),
        task(
            6,
            "",
            "新建城乡公交候车亭100个，新开通农村客运班线10条",
            "交通运输局",
            deadline="2016年12月底前",
        ),
        task(
            7,
            "",
            "实施城区背街小巷亮化工程，安装LED路灯2000盏",
            "经信委",
            deadline="2016年10月底前",
        ),
        task(
            8,
            "",
            "新增城镇就业3000人，培训农村劳动力5000人次",
            "人社局",
            deadline="2016年12月底前",
        ),
        task(9, "", "建成城区标准化农贸市场2个", "商务局、住建局", deadline="2016年12月底前"),
        task(10, "", "完成农村危房改造2000户", "住建局", deadline="2016年11月底前"),
    ),
    label="附件",
    title="大竹县2016年十件民生实事目标任务分解表",
    columns={
        "序号": "goal_no",
        "民生实事": "task",
        "责任单位": "lead_units",
        "完成时限": "deadline",
    },
    absent=("goal", "leaders", "partner_units"),
    formats=("docx", "xlsx", "html", "html-gbk", "csv"),
)

# 常熟市 2018: 序号 | 名称 | 工作任务 | 牵头责任单位. A heading row spanning the table opens each
# part and is its goal; 序号 numbers the tasks 1…17 across the parts; 名称 is empty throughout.
CS_ONE = "一、经济社会发展主要预期目标分解（11项）"
CS_TWO = "二、全力推动产业转型升级（5项）"
CS_THREE = "三、持续改善城乡人居环境（4项）"
CHANGSHU_ROWS = [
    (1, CS_ONE, "地区生产总值增长7.5%左右", "市发改委"),
    (1, CS_ONE, "一般公共预算收入增长6%左右", "市财政局"),
    (1, CS_ONE, "规模以上工业总产值增长8%左右", "市经信委"),
    (1, CS_ONE, "全社会固定资产投资增长8%左右", "市发改委"),
    (1, CS_ONE, "社会消费品零售总额增长10%左右", "市商务局"),
    (1, CS_ONE, "城镇居民人均可支配收入增长8%左右", "市人社局"),
    (1, CS_ONE, "城镇新增就业1.6万人", ""),  # 牵头责任单位 merged with the row above
    (1, CS_ONE, "单位地区生产总值能耗下降完成苏州市下达任务", "市经信委、市发改委"),
    (2, CS_TWO, "实施工业企业技术改造项目300个", "市经信委"),
    (2, CS_TWO, "新增高新技术企业60家", "市科技局"),
    (2, CS_TWO, "推进汽车产业园整车及零部件项目建设", "常熟高新区"),
    (2, CS_TWO, "建成省级以上智能车间5个", "市经信委"),
    (2, CS_TWO, "新增境内外上市企业3家", "市金融办"),
    (3, CS_THREE, "完成老旧小区改造20个", "市住建局"),
    (3, CS_THREE, "新建改造城市道路15公里", "市住建局、市交通运输局"),
    (3, CS_THREE, "建成区新增绿化面积50万平方米", "市住建局"),
    (3, CS_THREE, "完成农村生活污水治理村庄200个", "市水务局"),
]


def _changshu_body() -> list[list[str]]:
    body: list[list[str]] = []
    heading = ""
    for number, (_, part, text, units) in enumerate(CHANGSHU_ROWS, start=1):
        if part != heading:
            body.append([part, "", "", ""])
            heading = part
        body.append([str(number), "", text, units])
    return body


CHANGSHU = Layout(
    name="changshu-2018",
    table=Table(
        preamble=["附件1", "常熟市2018年政府工作报告目标任务分解表"],
        header=["序号", "名称", "工作任务", "牵头责任单位"],
        body=_changshu_body(),
        # rows() index: headings at 1, 10 and 16 span all four columns; 牵头责任单位 of tasks
        # 6 and 7 (rows 7 and 8) is one merged cell.
        spans=((1, 0, 1, 4), (10, 0, 1, 4), (16, 0, 1, 4), (7, 3, 2, 1)),
    ),
    tasks=(
        task(1, CS_ONE, "地区生产总值增长7.5%左右", "市发改委", item_no="1"),
        task(1, CS_ONE, "一般公共预算收入增长6%左右", "市财政局", item_no="2"),
        task(1, CS_ONE, "规模以上工业总产值增长8%左右", "市经信委", item_no="3"),
        task(1, CS_ONE, "全社会固定资产投资增长8%左右", "市发改委", item_no="4"),
        task(1, CS_ONE, "社会消费品零售总额增长10%左右", "市商务局", item_no="5"),
        task(1, CS_ONE, "城镇居民人均可支配收入增长8%左右", "市人社局", item_no="6"),
        task(1, CS_ONE, "城镇新增就业1.6万人", "市人社局", item_no="7", inherited="lead_units"),
        task(
            1,
            CS_ONE,
            "单位地区生产总值能耗下降完成苏州市下达任务",
            "市经信委、市发改委",
            item_no="8",
        ),
        task(2, CS_TWO, "实施工业企业技术改造项目300个", "市经信委", item_no="9"),
        task(2, CS_TWO, "新增高新技术企业60家", "市科技局", item_no="10"),
        task(2, CS_TWO, "推进汽车产业园整车及零部件项目建设", "常熟高新区", item_no="11"),
        task(2, CS_TWO, "建成省级以上智能车间5个", "市经信委", item_no="12"),
        task(2, CS_TWO, "新增境内外上市企业3家", "市金融办", item_no="13"),
        task(3, CS_THREE, "完成老旧小区改造20个", "市住建局", item_no="14"),
        task(3, CS_THREE, "新建改造城市道路15公里", "市住建局、市交通运输局", item_no="15"),
        task(3, CS_THREE, "建成区新增绿化面积50万平方米", "市住建局", item_no="16"),
        task(3, CS_THREE, "完成农村生活污水治理村庄200个", "市水务局", item_no="17"),
    ),
    label="附件1",
    title="常熟市2018年政府工作报告目标任务分解表",
    # 序号 numbers the tasks here: the report may call it either.
    columns={
        **{"序号": "goal_no|item_no", "名称": "goal", "工作任务": "task"},
        **{"牵头责任单位": "lead_units"},
    },
    absent=("leaders", "partner_units", "deadline"),
    formats=("docx", "xlsx", "html", "html-gbk", "csv"),
)

# 钟楼区 2024: 序号 | 目标名称 | 工作标准 | 分管领导 | 牵头单位 | 配合单位. Goal 2 holds two
# sub-heading rows spanning 工作标准…配合单位, its 序号/目标名称 merged on through them.
ZL_ONE, ZL_TWO, ZL_THREE = "经济运行稳中向好", "项目建设提质增效", "城市更新全面推进"
ZL_PROJECTS = "聚力攻坚项目“双进”"  # the cell is written on two lines: 聚力攻坚 / 项目“双进”
ZL_SERVICE = "优化营商环境服务"  # 优化营商 / 环境服务
ZHONGLOU = Layout(
    name="zhonglou-2024",
    table=Table(
        preamble=["附件", "钟楼区2024年度高质量发展目标任务责任分解表"],
        header=["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位"],
        body=[
            ["1", ZL_ONE, "（1）地区生产总值增长6%左右", "王建华", "区发改委", "区统计局"],
            ["", "", "（2）一般公共预算收入增长3%", "", "区财政局", "区税务局"],
            ["", "", "（3）规上工业增加值增长7%", "吴伟", "区经信委", "区统计局"],
            [
                *("", "", "（4）社会消费品零售总额增长5.5%", "李敏", "区商务局"),
                "区统计局、区市场监管局",
            ],
            ["2", ZL_TWO, "（5）完成重大项目投资150亿元", "吴伟", "区发改委", "区住建局"],
            ["", "", "（6）新开工亿元以上产业项目30个", "", "区经信委", "区商务局"],
            ["", "", "（7）新增省市重大项目5个", "", "区发改委", "区经信委"],
            ["", "", "聚力攻坚\n项目“双进”", "", "", ""],
            ["", "", "（8）新招引10亿元以上项目8个", "吴伟", "区商务局", "区经信委、各街道"],
            ["", "", "（9）推动20个项目竣工投产", "", "区经信委", "区发改委"],
            [
                *("", "", "（10）推动重点项目进园区、进楼宇落地15个", "陈刚、吴伟"),
                *("区住建局", "区商务局"),
            ],
            ["", "", "优化营商\n环境服务", "", "", ""],
            [
                *("", "", "（11）工程建设项目审批时间压缩至60个工作日以内", "陈刚"),
                *("区行政审批局", "区住建局"),
            ],
            ["", "", "（12）新增市场主体1.2万户", "", "区市场监管局", "区行政审批局"],
            ["3", ZL_THREE, "（13）完成老旧小区改造12个", "陈刚", "区住建局", "各街道"],
            ["", "", "（14）新建改造城市道路8条", "", "区住建局", "区城管局"],
            ["", "", "（15）新增公共停车泊位2000个", "", "区城管局", "区住建局、公安分局"],
        ],
        # rows() index: goal 1 is rows 1-4, goal 2 rows 5-14 (sub-headings at 8 and 12, each
        # spanning columns 3-6), goal 3 rows 15-17; 分管领导 merged over runs of tasks.
        spans=(
            *((1, 0, 4, 1), (1, 1, 4, 1), (5, 0, 10, 1), (5, 1, 10, 1)),
            *((15, 0, 3, 1), (15, 1, 3, 1), (8, 2, 1, 4), (12, 2, 1, 4)),
            *((1, 3, 2, 1), (5, 3, 3, 1), (9, 3, 2, 1), (13, 3, 2, 1), (15, 3, 3, 1)),
        ),
    ),
    tasks=(
        task(
            1,
            ZL_ONE,
            "（1）地区生产总值增长6%左右",
            "区发改委",
            leaders="王建华",
            partners="区统计局",
        ),
        task(
            1,
            ZL_ONE,
            "（2）一般公共预算收入增长3%",
            "区财政局",
            leaders="王建华",
            partners="区税务局",
            inherited="leaders",
        ),
        task(
            1,
            ZL_ONE,
            "（3）规上工业增加值增长7%",
            "区经信委",
            leaders="吴伟",
            partners="区统计局",
        ),
        task(
            1,
            ZL_ONE,
            "（4）社会消费品零售总额增长5.5%",
            "区商务局",
            leaders="李敏",
            partners="区统计局、区市场监管局",
        ),
        task(
            2,
            ZL_TWO,
            "（5）完成重大项目投资150亿元",
            "区发改委",
            leaders="吴伟",
            partners="区住建局",
        ),
        task(
            2,
            ZL_TWO,
            "（6）新开工亿元以上产业项目30个",
            "区经信委",
            leaders="吴伟",
            partners="区商务局",
            inherited="leaders",
        ),
        task(
            2,
            ZL_TWO,
            "（7）新增省市重大项目5个",
            "区发改委",
            leaders="吴伟",
            partners="区经信委",
            inherited="leaders",
        ),
        task(
            2,
            ZL_TWO,
            "（8）新招引10亿元以上项目8个",
            "区商务局",
            leaders="吴伟",
            partners="区经信委、各街道",
            section=ZL_PROJECTS,
        ),
        task(
            2,
            ZL_TWO,
            "（9）推动20个项目竣工投产",
            "区经信委",
            leaders="吴伟",
            partners="区发改委",
            section=ZL_PROJECTS,
            inherited="leaders",
        ),
        task(
            2,
            ZL_TWO,
            "（10）推动重点项目进园区、进楼宇落地15个",
            "区住建局",
            leaders="陈刚、吴伟",
            partners="区商务局",
            section=ZL_PROJECTS,
        ),
        task(
            2,
            ZL_TWO,
            "（11）工程建设项目审批时间压缩至60个工作日以内",
            "区行政审批局",
            leaders="陈刚",
            partners="区住建局",
            section=ZL_SERVICE,
        ),
        task(
            2,
            ZL_TWO,
            "（12）新增市场主体1.2万户",
            "区市场监管局",
            leaders="陈刚",
            partners="区行政审批局",
            section=ZL_SERVICE,
            inherited="leaders",
        ),
        task(
            3,
            ZL_THREE,
            "（13）完成老旧小区改造12个",
            "区住建局",
            leaders="陈刚",
            partners="各街道",
        ),
        task(
            3,
            ZL_THREE,
            "（14）新建改造城市道路8条",
            "区住建局",
            leaders="陈刚",
            partners="区城管局",
            inherited="leaders",
        ),
        task(
            3,
            ZL_THREE,
            "（15）新增公共停车泊位2000个",
            "区城管局",
            leaders="陈刚",
            partners="区住建局、公安分局",
            inherited="leaders",
        ),
    ),
    label="附件",
    title="钟楼区2024年度高质量发展目标任务责任分解表",
    columns={
        **{"序号": "goal_no", "目标名称": "goal", "工作标准": "task", "分管领导": "leaders"},
        **{"牵头单位": "lead_units", "配合单位": "partner_units"},
    },
    absent=("deadline",),
)

LAYOUTS = (DAZHU, CHANGSHU, ZHONGLOU)
