"""Quantitative targets written in task texts: pure text functions, no Polars.

A target is a number written in Arabic digits with a unit (``7%``, ``1160家``), the verb that
governs it (增长, 达到, 新增…), the indicator it measures and a qualifier (左右, 以上, 以内).
The 2019 table writes every target in Arabic digits; Chinese numerals in it are names
(三大开发区, 十项工程, 第四次全国经济普查), so only Arabic digits are read.

Numbers that are part of a name rather than a target are skipped, each rule with its reason
(see ``EXCLUSIONS``): a year (2019年), a ranking (300强), a quoted slogan (“2345”目标), a
name mixing letters and digits (PM2.5), an ordinal (第3次) and digits too many for a value.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from dataclasses import dataclass

# Longest first, so 个百分点 wins over 个 and 万平方米 over 平方米.
UNITS = (
    "个百分点",
    "万平方米",
    "平方公里",
    "平方米",
    "亿美元",
    "万美元",
    "万吨",
    "万人次",
    "人次",
    "万人",
    "万元",
    "亿元",
    "公里",
    "万户",
    "%",
    "％",
    "家",
    "人",
    "元",
    "个",
    "条",
    "户",
    "所",
    "座",
    "项",
    "吨",
)
# Verbs that govern a number; longest first (提高到 before 提高).
VERBS = (
    "提高到",
    "控制在",
    "保持在",
    "下降到",
    "建成投产",
    "增长",
    "提高",
    "提升",
    "下降",
    "减少",
    "达到",
    "新增",
    "新建",
    "建成",
    "完成",
    "突破",
    "超过",
    "超",
    "发放",
    "投入",
    "惠及",
    "培育",
    "打造",
    "推进",
)
QUALIFIERS = ("左右", "以上", "以内", "以下")

# Numbers that are names, not targets: the character after (or around) them says so.
EXCLUSIONS: dict[str, str] = {
    "year": "a year (2019年全国女曲锦标赛) dates an event, it measures nothing",
    "ranking": "a ranking list (300强, 世界500强) is the name of a group of firms",
    "slogan": "a number alone in quotes (“2345”目标) is the name of a programme",
    "code": "digits joined to Latin letters (PM2.5) are part of a name",
    "ordinal": "第3次 counts an occurrence, it sets no amount",
    "long": "more than 15 digits are an identifier (a credit code), and no value holds them exactly",
}
# The most significant digits a value (a 64-bit float) holds exactly.
VALUE_DIGITS = 15

# \d: full-width digits (１２) count too; float() reads them.
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Punctuation that ends a clause. Not 、 (新增绿色建筑、装配式建筑超300万平方米 is one clause) and
# not a line break (in a source a line break can fall inside a word).
_CLAUSE_BREAK = frozenset("，,；;。！？!?：:")
_QUOTES = "“”\"'‘’「」"
_BREAKS = re.compile("[" + re.escape("".join(sorted(_CLAUSE_BREAK))) + "]")
# A number's phrase reaches this many characters into its clause on either side, and its
# verb and indicator are read there: the 2019 table's longest reach is 19. A longer clause
# is cut, marked … (with a note), so that a text of many numbers in one endless clause
# costs time in proportion to its length, not to its square.
PHRASE_REACH = 100
CUT_MARK = "…"


@dataclass(frozen=True)
class Metric:
    """One number of a task text: a target, or a number skipped with the reason why."""

    indicator: str
    verb: str
    value: float | None  # None: a target without an amount (完成上级下达目标)
    unit: str
    qualifier: str
    phrase: str  # the clause of the task text the number stands in, verbatim (cut: see cut)
    start: int  # offset of the number in the task text
    end: int
    excluded: str = ""  # a key of EXCLUSIONS when the number is not a target
    cut: bool = False  # the clause reached further than PHRASE_REACH: phrase marked …


class _Clauses:
    """Where the clauses of a text begin and end, found once (a break: ``_CLAUSE_BREAK``)."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.breaks = [match.start() for match in _BREAKS.finditer(text)]

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The clause around [start, end): from the last break before to the first after."""
        index = bisect.bisect_left(self.breaks, start)
        left = self.breaks[index - 1] + 1 if index else 0
        after = bisect.bisect_left(self.breaks, end)
        right = self.breaks[after] if after < len(self.breaks) else self.length
        return left, right


def _excluded(text: str, start: int, end: int) -> str:
    if len(text[start:end].replace(".", "").lstrip("0")) > VALUE_DIGITS:
        return "long"
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if after == "年":
        return "year"
    if after == "强":
        return "ranking"
    if before == "第":
        return "ordinal"
    if before in _QUOTES and after in _QUOTES:
        return "slogan"
    if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
        return "code"
    return ""


def _last_verb(text: str) -> tuple[str, int]:
    """The verb that ends nearest the end of ``text`` (and where it starts), or ("", -1)."""
    best, best_start, best_end = "", -1, -1
    for verb in VERBS:
        index = text.rfind(verb)
        if index >= 0 and (index + len(verb) > best_end):
            best, best_start, best_end = verb, index, index + len(verb)
    return best, best_start


def _strip(text: str) -> str:
    """Words of an indicator: without quotes and without whitespace (a wrapped line)."""
    return "".join(ch for ch in text if ch not in _QUOTES and not ch.isspace())


def extract(text: str) -> list[Metric]:
    """Every Arabic number of ``text`` in order: targets, and names marked ``excluded``."""
    found: list[Metric] = []
    clauses = _Clauses(text)
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        value = float(match.group())
        left, right = clauses.around(start, end)
        # The clause as far as PHRASE_REACH either side: what is read, and shown.
        near, far = max(left, start - PHRASE_REACH), min(right, end + PHRASE_REACH)
        cut = near > left or far < right
        phrase = (CUT_MARK if near > left else "") + text[near:far]
        phrase += CUT_MARK if far < right else ""
        reason = _excluded(text, start, end)
        if reason:
            found.append(Metric("", "", value, "", "", phrase, start, end, reason, cut))
            continue
        rest = text[end:far]
        unit = next((u for u in UNITS if rest.startswith(u)), "")
        rest = rest[len(unit) :]
        qualifier = next((q for q in QUALIFIERS if rest.startswith(q)), "")
        after = _strip(rest[len(qualifier) :])
        head = text[near:start]
        verb, verb_start = _last_verb(head)
        if verb:
            between = _strip(head[verb_start + len(verb) :])
            before = _strip(head[:verb_start])
        else:
            between, before = "", _strip(head)
            # A verb after the number: 90个区重点项目建成投产.
            for candidate in VERBS:
                if after.endswith(candidate) and len(after) > len(candidate):
                    verb, after = candidate, after[: -len(candidate)]
                    break
        # The noun after the number names what is counted (新增1160家“上云”企业); else the
        # words between verb and number (新增城镇就业2.3万人); else those before the verb.
        indicator = after or between or before
        found.append(
            Metric(
                indicator,
                verb,
                value,
                unit.replace("％", "%"),
                qualifier,
                phrase,
                start,
                end,
                cut=cut,
            )
        )
    return found


# A target that names no amount but is checked all the same: 节能减排完成上级下达目标 stands among
# the main targets of a work report. Read as a target whose value is empty.
# The whole target is an indicator (no stop in it), the verb and its object: what follows
# finds exactly what ``(?P<indicator>[^，,；;。：:]+?)`` + this pattern would.
_ASSIGNED_TARGET = re.compile(
    r"(?P<verb>完成|达到)(?P<object>(?:上级|省|市|区)(?:下达|确定)的?(?:目标|任务))"
)
_INDICATOR_STOP = re.compile(r"[，,；;。：:]")


def assigned(text: str) -> list[Metric]:
    """Targets without an amount: a whole clause 'INDICATOR 完成/达到 上级下达目标'.

    Finds what that whole pattern's ``finditer`` finds, without trying it at every position
    (which scans to the end of a long clause from each: the square of its length): the
    verb-object pairs and the characters an indicator may not hold are found once, and each
    match runs from where the search stands to the first pair after it, if nothing stops it.
    """
    targets = [(m.start(), m) for m in _ASSIGNED_TARGET.finditer(text)]
    starts = [start for start, _ in targets]
    stops = [m.start() for m in _INDICATOR_STOP.finditer(text)]
    found = []
    position = 0
    while position < len(text):
        stop = bisect.bisect_left(stops, position)
        if stop < len(stops) and stops[stop] == position:
            position += 1  # an indicator cannot begin at a stop
            continue
        index = bisect.bisect_right(starts, position)  # a pair after one indicator character
        if index == len(starts):
            break
        start, target = targets[index]
        if stop < len(stops) and stops[stop] < start:
            position = stops[stop] + 1  # no match begins before the stop: go past it
            continue
        end = target.end()
        whole = (position == 0 or text[position - 1] in _CLAUSE_BREAK) and (
            end == len(text) or text[end] in _CLAUSE_BREAK
        )
        phrase = text[position:end]
        if whole and not _NUMBER.search(phrase):  # only a clause that is nothing but the target
            indicator = _strip(phrase[: start - position])
            verb = target.group("verb")
            found.append(Metric(indicator, verb, None, "", "", phrase, position, end))
        position = end
    return found


def targets(text: str) -> list[Metric]:
    """The targets of a task text, in order of appearance: numbers, and assigned targets."""
    found = _numbers(text)
    if "下达" in text or "确定" in text:  # every assigned target names one (_ASSIGNED_TARGET)
        found = sorted(found + assigned(text), key=lambda m: m.start)
    return found


# A run of text between clause breaks.
_CLAUSE = re.compile("[^" + re.escape("".join(sorted(_CLAUSE_BREAK))) + "]+")


def _numbers(text: str) -> list[Metric]:
    """``extract``'s targets, read clause by clause: all it reads of a number is its clause
    and the characters either side of the number (at the clause's edge, the break or the
    text's end), so a clause met again with the same edges, in another task or another
    year's table, is read once."""
    found: list[Metric] = []
    for clause in _CLAUSE.finditer(text):
        if _NUMBER.search(clause.group()):
            left = max(clause.start() - 1, 0)  # with the break before it, if any
            piece = text[left : clause.end() + 1]  # and the one after
            found += (
                dataclasses.replace(m, start=m.start + left, end=m.end + left) if left else m
                for m in _clause_targets(piece)
            )
    return found


@functools.lru_cache(maxsize=1 << 16)
def _clause_targets(clause: str) -> tuple[Metric, ...]:
    return tuple(m for m in extract(clause) if not m.excluded)
