"""Column widths of the terminal table: the task text gets the room, nothing breaks mid-word.

- A header breaks only between its words (分管/领导, 源文件/行号), never inside one (编/号):
  every column is at least as wide as its header's widest word.
- A name column is at least as wide as its longest single name, so a name never splits.
- Numbers never wrap; the task text takes what is left.
- A terminal too narrow for that layout gets a narrower one (``narrowed``): a diff's 原/新
  pairs stacked in one column, the goal as a heading over its rows instead of two columns,
  and in ``metrics`` the parts of a target left inside its 原文.

Every table row is as wide as the terminal (``fit`` hands out every cell of the width).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rich.cells import cell_len

from dutycli.schema import DIFF_PREFIXES, label

if TYPE_CHECKING:
    from rich.text import Text

# Columns that take the width left over; the others are as wide as their content, up to a cap.
FLEX_COLUMNS = ("task", "old_task", "new_task", "phrase")
FLEX_COMFORT = 30  # a task column this wide comes before widening the others
# Below this, the task text is too narrow to read: the table takes a narrower layout.
FLEX_NARROW = 20
COLUMN_CAPS = {"goal": 14, "section": 14, "item_no": 4, "deadline": 14, "dataset": 12}
# Text columns that get this much before the task text gets its comfort (a target's name).
COLUMN_COMFORT = {"indicator": 12}
NAMES_CAP = 20  # 地方金融监督管理局、 fits
TEXT_CAP = 30
# Header words longer than two characters (the rest of a label reads in pairs: 分管/领导).
LONG_WORDS = ("源文件", "数据集", "相似度", "任务数", "目标数", "领导数", "单位数")
# metrics: the parts of a target that its 原文 says too (left out of a narrow table).
TARGET_PARTS = ("verb", "value", "unit", "qualifier")


@dataclass
class Column:
    name: str
    kind: Literal["number", "names", "text"]
    cells: list[Text] = field(default_factory=list)
    width: int = 0


def header_words(text: str) -> list[str]:
    """A column label cut where a line may break: 原/新 alone, then words of two characters
    (三个字 words such as 源文件 whole); a label of three characters or fewer is one word."""
    for prefix in DIFF_PREFIXES.values():
        if text.startswith(prefix) and len(text) > 3:
            return [prefix, *header_words(text[len(prefix) :])]
    if " " in text:
        return [w + " " for w in text.split(" ")[:-1]] + [text.split(" ")[-1]]
    if len(text) <= 3 or not all(cell_len(c) == 2 for c in text):
        return [text]
    words: list[str] = []
    rest = text
    while rest:
        long = next((w for w in LONG_WORDS if rest.startswith(w)), None)
        take = len(long) if long else (3 if len(rest) == 3 else 2)
        words.append(rest[:take])
        rest = rest[take:]
    return words


def header_floor(column: str) -> int:
    return max(cell_len(w.strip()) for w in header_words(label(column)))


def header(column: str, width: int) -> Text:
    """A column's label in lines of at most ``width`` cells, broken only between words."""
    from rich.text import Text

    lines = [""]
    for word in header_words(label(column)):
        if lines[-1] and cell_len(lines[-1] + word.rstrip()) > width:
            lines.append("")
        lines[-1] += word
    return Text("\n".join(line.rstrip() for line in lines))


def fit(columns: list[Column], console_width: int) -> None:
    """Column widths for a terminal ``console_width`` cells wide (sets ``width`` on each).

    Every column gets the width below which its content or header would break inside a
    word; then numbers their content's, the task text a comfortable width, the other
    columns their content's (capped), and the task text the rest. Whatever is still
    left goes to the task text, else to the first text column: a row is as wide as the
    terminal.
    """
    from dutycli.output import wrap
    from dutycli.schema import NAME_COLUMNS

    # Rich's box: a border before every column and after the last, one space of padding each side.
    available = console_width - 3 * len(columns) - 1
    least: list[int] = []
    wanted: list[int] = []
    natural: list[int] = []
    for spec in columns:
        words = header_floor(spec.name)
        base = spec.name.removeprefix("old_").removeprefix("new_")
        plains = [cell.plain for cell in spec.cells]
        longest = max([words, *(wrap.longest_line(p) for p in plains)])
        natural.append(longest)
        if spec.kind == "number":
            least.append(max([words, *(wrap.longest_line(p) for p in plains)]))
            wanted.append(least[-1])
            continue
        unbreakable = max([0, *(wrap.widest(p, names=spec.kind == "names") for p in plains)])
        if spec.name in FLEX_COLUMNS:
            floor = max(words, min(longest, max(unbreakable, 16)))
            cap = longest
        elif spec.kind == "names" or base in NAME_COLUMNS:
            floor = max(words, unbreakable)  # a name is never split
            cap = max(floor, NAMES_CAP)
        else:
            cap = COLUMN_CAPS.get(base, TEXT_CAP)
            floor = max(words, min(unbreakable, cap, longest))
        least.append(floor)
        wanted.append(min(longest, max(cap, floor)))
    widths = list(least)
    flex = [i for i, spec in enumerate(columns) if spec.name in FLEX_COLUMNS]
    others = [i for i, spec in enumerate(columns) if spec.kind != "number" and i not in flex]
    numbers = [i for i, spec in enumerate(columns) if spec.kind == "number"]
    spare = available - sum(widths)

    def grow(indexes: list[int], targets: list[int]) -> None:
        # One cell at a time to the narrowest column still short of its target: a fair share.
        nonlocal spare
        while spare > 0:
            short = [i for i in indexes if widths[i] < targets[i]]
            if not short:
                return
            narrowest = min(short, key=lambda i: widths[i])
            widths[narrowest] += 1
            spare -= 1

    # Too narrow even for the floors: take from the task text (it wraps anywhere) down to 8
    # cells, then from other text; names and header words stay whole as long as they can.
    # Only a terminal too narrow for any table splits names (and then Rich folds what is left).
    texts = [i for i in others if columns[i].kind != "names"]
    whole = [header_floor(c.name) for c in columns]
    for group, floor, keep in (
        (flex, 8, whole),
        (texts + flex, 4, whole),
        (others, 4, [0] * len(columns)),
    ):
        while spare < 0:
            candidates = [i for i in group if widths[i] > max(floor, keep[i])]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            widths[widest] -= 1
            spare += 1
    grow(numbers, wanted)
    # Where there is room, text with a short header (类别) gets four characters a line first.
    grow(texts, [min(w, COLUMN_COMFORT.get(columns[i].name, 8)) for i, w in enumerate(wanted)])
    grow(flex, [min(w, FLEX_COMFORT) for w in wanted])
    grow(others, wanted)
    grow(flex, wanted)
    grow(others, natural)  # room left: long values unfold
    if spare > 0:
        # Still room: a row is as wide as the terminal, the task text (or the first text) wider.
        takers = flex or others or numbers
        if takers:
            widths[takers[0]] += spare
    for spec, width in zip(columns, widths, strict=True):
        spec.width = width


def narrow_width(columns: list[Column]) -> int:
    """The task text's width after ``fit`` (the narrowest of them), or a wide one if none."""
    return min((c.width for c in columns if c.name in FLEX_COLUMNS), default=FLEX_NARROW)


def stacked(columns: list[Column]) -> list[Column]:
    """A diff's 原/新 pairs as one column each: the value, or ``old →`` over the new one
    where they differ (相似度 left out) (a narrow terminal cannot show twelve columns side by side)."""
    from rich.text import Text

    names = [c.name for c in columns]
    out: list[Column] = []
    for spec in columns:
        base = spec.name.removeprefix("old_")
        if spec.name == "similarity" or (
            spec.name.startswith("new_") and f"old_{spec.name[4:]}" in names
        ):
            continue
        if spec.name.startswith("old_") and f"new_{base}" in names:
            new = columns[names.index(f"new_{base}")]
            merged = Column(base, spec.kind)
            for old_cell, new_cell in zip(spec.cells, new.cells, strict=True):
                if not new_cell.plain or old_cell.plain == new_cell.plain:
                    merged.cells.append(new_cell if new_cell.plain else old_cell)
                elif not old_cell.plain:
                    merged.cells.append(new_cell)
                else:
                    merged.cells.append(Text.assemble(old_cell, " →\n", new_cell))
            out.append(merged)
        else:
            out.append(spec)
    return out
