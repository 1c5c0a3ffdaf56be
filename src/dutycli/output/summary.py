"""The bare ``dutycli`` screen: what is loaded and what to try. Plain text: no Rich."""

from __future__ import annotations

from typing import Any

from dutycli.output.streams import write_text
from dutycli.output.text import display_width, escape_controls

SUMMARY_HINTS = [
    ("by-unit 发改局", "某单位牵头的任务"),
    ("by-leader 陆秋明", "某领导分管的任务"),
    ("by-target 4", "某目标下的任务"),
    ("search 石墨烯", "按关键词查任务"),
    ("units | leaders | targets", "名录与任务数"),
]


def summary(meta: dict[str, Any], counts: dict[str, int], path: str, data_option: str) -> None:
    """The bare ``dutycli`` screen: what is loaded and what to try.

    ``data_option`` (``--data PATH ``, or empty) goes into the commands suggested, so that
    they query the same data when copied.
    """
    title = str(meta.get("title") or "（未命名数据集）")
    label = str(meta.get("label") or "")
    hints = [(f"dutycli {data_option}{command}", what) for command, what in SUMMARY_HINTS]
    hints.append(("dutycli --help", "全部命令与选项"))
    # One column for the descriptions, unless a long --data path would push it far right.
    width = min(max(display_width(command) for command, _ in hints[:-2]) + 7, 40)
    lines = [
        escape_controls(f"{title}  {label}".rstrip(), keep_newlines=False),
        f"数据集 {escape_controls(path, keep_newlines=False)}",
        f"{counts['goals']} 个目标 · {counts['tasks']} 条任务 · {counts['leaders']} 位分管领导 · "
        f"{counts['units']} 个牵头单位",
        "",
        "试试：",
    ]
    for command, what in hints:
        gap = " " * max(3, width - display_width(command))
        lines.append(f"  {escape_controls(command, keep_newlines=False)}{gap}{what}")
    write_text("\n".join(lines) + "\n")
