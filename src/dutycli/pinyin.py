"""Names in Latin letters: the pinyin of a name, and a query typed in pinyin matched to it.

A clerk at a terminal without a Chinese input method types ``lqm`` or ``luqiuming`` for
陆秋明 and ``fgj`` for 发改局. Each name is *spelled* once (``spell``: per character, its
readings, the likeliest first) when a dataset's cache or completion summary is built, and
kept there; a query only compares letters with the spelling (``match``), which needs
nothing but the standard library. pypinyin is imported by ``spell`` alone: never on the
paths of ``--help``, ``--version`` or TAB (a TAB that builds a summary is a cache miss).

A leader is a person: the first character of the name is read as a surname (单 shan,
曾 zeng, 解 xie, 仇 qiu …), where pypinyin reads it as the common word (dan, ceng, jie).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: completion imports this module on every TAB
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

Spelling = list[list[str]]  # per syllable, its readings (the likeliest first)

# Surnames read otherwise than the common word: compound surnames first (two characters).
COMPOUND_SURNAMES = {
    "万俟": ["mo", "qi"],
    "尉迟": ["yu", "chi"],
    "单于": ["chan", "yu"],
    "长孙": ["zhang", "sun"],
    "澹台": ["tan", "tai"],
    "令狐": ["ling", "hu"],
    "皇甫": ["huang", "fu"],
}
SURNAMES = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "查": "zha",
    "区": "ou",
    "朴": "piao",
    "盖": "ge",
    "覃": "qin",
    "缪": "miao",
    "乐": "yue",
    "员": "yun",
    "折": "she",
    "繁": "po",
    "召": "shao",
    "翟": "zhai",
    "宁": "ning",
    "种": "chong",
    "秘": "bi",
    "冼": "xian",
    "隗": "wei",
    "逄": "pang",
    "黑": "he",
    "句": "gou",
    "柏": "bai",
    "藏": "zang",
    "曲": "qu",
    "任": "ren",
    "华": "hua",
    "薄": "bo",
    "都": "du",
    "阚": "kan",
    "盛": "sheng",
    "相": "xiang",
    "祭": "zhai",
    "燕": "yan",
    "便": "pian",
    "谌": "chen",
    "叶": "ye",
    "沈": "shen",
    "贾": "jia",
    "尉": "wei",
    "莘": "shen",
    "卜": "bu",
    "廑": "qin",
    "蕃": "pi",
    "那": "na",
    "过": "guo",
    "郇": "huan",
    "纪": "ji",
    "粘": "nian",
    "能": "nai",
    "重": "chong",
    "长": "chang",
    "行": "xing",
    "传": "chuan",
    "石": "shi",
    "阿": "a",
    "奇": "qi",
    "眭": "sui",
}


def is_latin(query: str) -> bool:
    """Whether a query (as ``names.fold`` gives it) may be pinyin: Latin letters only, two or
    more (one letter would match half the names)."""
    return len(query) >= 2 and query.isascii() and query.isalpha()


def _each(run: str) -> Any:
    """A run of letters and digits pypinyin does not spell: each character a syllable."""
    return list(run)


def spell(name: str, person: bool = False) -> Spelling:
    """The readings of each syllable of ``name``: a Chinese character's pinyin (without
    tones; every reading of a polyphonic character, the one the words around it give first),
    any other letter or digit as itself. ``person``: the name is a person's, read with its
    surname first (``SURNAMES``)."""
    from pypinyin import Style, lazy_pinyin, pinyin

    from dutycli.names import fold

    text = fold(name)
    likeliest = lazy_pinyin(text, style=Style.NORMAL, errors=_each)
    every = pinyin(text, style=Style.NORMAL, heteronym=True, errors=_each)
    spelled: Spelling = []
    for first, others in zip(likeliest, every, strict=False):
        readings = [first, *(o for o in others if o != first)]
        readings = [r.lower() for r in readings if r.isascii() and r.isalnum()]
        if readings:  # brackets and punctuation are not spelled
            spelled.append(readings)
    if person:
        compound = COMPOUND_SURNAMES.get(text[:2])
        surname = compound or ([SURNAMES[text[0]]] if text[:1] in SURNAMES else [])
        for index, reading in enumerate(surname):
            if index < len(spelled):
                spelled[index] = [reading]  # a surname has its one reading
    return spelled


def spell_all(names: Iterable[str], people: Iterable[str] = ()) -> dict[str, Spelling]:
    """The spelling of every name (``people``: the names that are persons', leaders)."""
    persons = set(people)
    return {name: spell(name, name in persons) for name in {*names, *persons}}


CACHE_VERSION = 1


def spellings(source: str, names: Iterable[str], person: bool = False) -> dict[str, Spelling]:
    """The spelling of each of ``names`` (persons' with ``person``), from the cache of the data
    at ``source`` (a dataset file or folder): a name is spelled once, when a query or a TAB
    first needs it, and kept there. A spelling depends on the name alone, so the cache holds
    every name ever spelled for that data; a damaged entry is spelled again."""
    import json
    import os

    from dutycli.locations import cache_file, prune_cache, read_cache_entry

    wanted = list(dict.fromkeys(names))
    kind = "people" if person else "names"
    entry = cache_file("pinyin", os.path.abspath(source), ".json")
    known: dict[str, dict[str, Spelling]] = {"people": {}, "names": {}}
    found = read_cache_entry(entry) if entry is not None else None
    if found is not None:
        try:
            cached = json.loads(found[0].decode("utf-8"))
            if (
                cached["version"] == CACHE_VERSION
                and set(cached["spellings"]) == set(known)
                and all(valid(part) for part in cached["spellings"].values())
            ):
                known = cached["spellings"]
        except (ValueError, LookupError, TypeError):
            pass  # an unusable entry: spell again
    missing = [name for name in wanted if name not in known[kind]]
    if missing:
        known[kind].update({name: spell(name, person) for name in missing})
        if entry is not None:
            from pathlib import Path

            from dutycli.files import write_atomically

            text = json.dumps({"version": CACHE_VERSION, "spellings": known}, ensure_ascii=False)
            try:
                os.makedirs(os.path.dirname(entry), exist_ok=True)
                new = not os.path.exists(entry)
                write_atomically(Path(entry), lambda out: out.write(text.encode()), durable=False)
                if new:
                    prune_cache(os.path.dirname(entry))
            except (OSError, ValueError):
                pass  # not kept: spelled again next time
    return {name: known[kind][name] for name in wanted}


def _matches(query: str, spelled: Spelling, at: int, whole: bool) -> bool:
    """Whether ``query`` is spelled by the syllables from ``at`` on, each by a start of one of
    its readings (``lqm``, ``luqm``, ``luqiuming``); ``whole``: to the last syllable."""
    ends = {0}  # how much of the query the syllables so far can have spelled
    for readings in spelled[at:]:
        after = set()
        for done in ends:
            rest = query[done:]
            for reading in readings:
                size = 1
                while size <= min(len(reading), len(rest)) and reading[:size] == rest[:size]:
                    after.add(done + size)
                    size += 1
        if not whole and len(query) in after:
            return True
        ends = after
        if not ends:
            return False
    return whole and len(query) in ends


def match(query: str, spelled: Spelling, whole: bool = False, start: bool = False) -> bool:
    """Whether a Latin ``query`` (folded, ``is_latin``) spells the whole name (``whole``), its
    start (``start``), or a run of its syllables from any one on (as a Chinese query may be
    any part of a name)."""
    if whole or start:
        return _matches(query, spelled, 0, whole)
    return any(_matches(query, spelled, at, False) for at in range(len(spelled)))


def keys(spelled: Spelling) -> tuple[str, str]:
    """The name's full pinyin and its initials (``luqiuming``, ``lqm``), for likeness."""
    return "".join(r[0] for r in spelled), "".join(r[0][:1] for r in spelled)


def valid(spellings: object) -> bool:
    """Whether a cached value has the shape ``spell_all`` gives."""
    return isinstance(spellings, dict) and all(
        isinstance(name, str)
        and isinstance(spelled, list)
        and all(
            isinstance(readings, list) and readings and all(isinstance(r, str) for r in readings)
            for readings in spelled
        )
        for name, spelled in spellings.items()
    )
