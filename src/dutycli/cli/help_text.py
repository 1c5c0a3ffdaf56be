"""Help pages for a clerk: examples on the real table, the terminal's width, and text wrapped
by display width (a Chinese character takes two columns, and a line may break between any two
of them, never before a closing mark such as ，or after an opening one such as （).

Standard library only: ``--help`` imports this. The Click side of it (the formatter Typer
renders help with) is in ``typer_internals``.
"""

from __future__ import annotations

import functools
import re
import shutil

from dutycli.output.text import display_width

# Two or three commands per command, on the shipped 2019 table: the last lines of its help.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "by-unit": (
        "dutycli by-unit 发改局",
        "dutycli by-unit 发改局 --group-by goal",
        "dutycli by-unit 发改局 -o 发改局.docx",
    ),
    "by-leader": (
        "dutycli by-leader 陆秋明",
        "dutycli by-leader 陆秋明 --group-by goal",
        "dutycli by-leader 陆秋明 -o 陆秋明.xlsx",
    ),
    "by-target": ("dutycli by-target 4", "dutycli by-target 四", "dutycli by-target 营商环境"),
    "search": (
        "dutycli search 石墨烯",
        "dutycli search 人才 科技 --any",
        "dutycli search '增长[0-9.]+%' --regex",
    ),
    "list": (
        "dutycli list --unit 发改局 --unit 商务局",
        "dutycli list --leader 陆秋明 --keyword 项目",
        "dutycli list --target 4 --fields id,task,lead_units",
    ),
    "show": ("dutycli show 12", "dutycli show 12 -f json"),
    "leaders": ("dutycli leaders", "dutycli leaders -o 领导.xlsx"),
    "units": ("dutycli units", "dutycli units -o 单位.xlsx"),
    "targets": ("dutycli targets", "dutycli targets -f md"),
    "stats": ("dutycli stats", "dutycli stats --top 5"),
    "matrix": ("dutycli matrix", "dutycli matrix --top 0", "dutycli matrix -o 矩阵.xlsx"),
    "metrics": ("dutycli metrics", "dutycli metrics -o 量化指标.xlsx"),
    "datasets": ("dutycli datasets", "dutycli --data 数据/ datasets"),
    "diff": (
        "dutycli diff 2019.yaml 2020.yaml",
        "dutycli --data 数据/ diff 2019 2020",
        "dutycli diff 2019.yaml 2020.yaml -o 变化.xlsx",
    ),
    "import": (
        "dutycli import 分解表.docx -o 2020.yaml",
        "dutycli import 分解表.xlsx --dry-run --verbose",
        "dutycli import 分解表.docx --column 主要内容=task -o 2020.yaml",
    ),
    "export": (
        "dutycli export -o wujin-2019.parquet",
        "dutycli --data 2020.yaml export -o 2020.arrow",
    ),
    # 督办: a group's commands by their whole name.
    "progress": (
        "dutycli progress forms --period 2019Q1 -o 回收表/",
        "dutycli progress collect 回收表/*.xlsx",
    ),
    "progress forms": (
        "dutycli progress forms --period 2019Q1 -o 回收表/",
        "dutycli progress forms --period 2019H1 -o 回收表/ --unit 发改局 --as docx",
    ),
    "progress collect": (
        "dutycli progress collect 回收表/*.xlsx",
        "dutycli progress collect 回收表/*.xlsx 回收表/*.docx --store 督办.sqlite",
    ),
    "progress status": (
        "dutycli progress status --period 2019Q1",
        "dutycli progress status --period 2019Q1 --silent",
        "dutycli progress status --period 2019Q1 --unit 发改局 -o 进展.xlsx",
    ),
    "progress report": (
        "dutycli progress report --period 2019H1 -o 汇总.docx",
        "dutycli progress report --period 2019H1 -o 汇总.html",
    ),
    "progress export": (
        "dutycli progress export -o 督办记录.csv",
        "dutycli progress export -o 督办记录.parquet",
    ),
}

# The whole app's help ends with these.
APP_EXAMPLES = ("dutycli by-unit 发改局", "dutycli by-leader 陆秋明", "dutycli search 石墨烯")

_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
_CLOSING = "，。、；：？！）］」』】》〉”’…·,.;:?!)\\]"
_OPENING = "（［「『【《〈“‘"


@functools.cache
def _token() -> re.Pattern[str]:
    """A word of Latin letters, or one wide character with the marks that must stay beside
    it. Compiled when help is drawn, not by every query that imports this module."""
    return re.compile(
        rf"\s+|[{_OPENING}]*[{_WIDE}][{_CLOSING}]*|[{_OPENING}]*[^\s{_WIDE}]+[{_CLOSING}]*"
    )


def help_width() -> int:
    """The width help is wrapped to: the terminal's (``COLUMNS``, else the terminal itself),
    less two columns as Click leaves; at least 50."""
    return max(shutil.get_terminal_size().columns - 2, 50)


def _cut(token: str, width: int) -> list[str]:
    """A token wider than a whole line, in pieces that fit."""
    pieces, piece = [], ""
    for character in token:
        if piece and display_width(piece + character) > width:
            pieces.append(piece)
            piece = ""
        piece += character
    return [*pieces, piece] if piece else pieces


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """One paragraph as lines of at most ``width`` columns, the first starting with ``first``,
    the others with ``rest``."""
    lines: list[str] = []
    line, used = first, display_width(first)
    empty = True
    for token in _token().findall(" ".join(text.split())):
        if token.isspace():
            if not empty:
                line, used = line + " ", used + 1
            continue
        size = display_width(token)
        if not empty and used + size > width:
            lines.append(line.rstrip())
            line, used, empty = rest, display_width(rest), True
        room = width - used
        if size > room > 0 and empty:
            *whole, token = _cut(token, room)
            for piece in whole:
                lines.append(line + piece)
                line, used = rest, display_width(rest)
            size = display_width(token)
        line, used, empty = line + token, used + size, False
    lines.append(line.rstrip())
    return lines


def fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """``text`` wrapped as Click wraps help: paragraphs apart by an empty line keep their own
    indentation; a paragraph whose first line is ``\\b`` keeps its lines as written."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.expandtabs().strip("\n")):
        lines = block.split("\n")
        if lines[0].strip() == "\b":
            paragraphs.append("\n".join(rest + line for line in lines[1:]))
            continue
        indent = " " * (len(lines[0]) - len(lines[0].lstrip()))
        head = first if not paragraphs else rest
        paragraphs.append("\n".join(wrap(block, width, head + indent, rest + indent)))
    return "\n\n".join(paragraphs)


def summary(help_text: str | None) -> str:
    """A command's line in the list of commands: the first paragraph of its help, whole."""
    return " ".join((help_text or "").strip().split("\n\n")[0].split())
