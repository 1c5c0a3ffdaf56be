"""Hostile datasets on disk, caches and metadata: each class fixed at its shared mechanism.

- Resource bombs: the one YAML loader bounds alias expansion (``yaml_file.load_yaml``), a
  file read whole is bounded (``yaml_file.read_whole``), JSON read back is bounded.
- Names that hold a separator: one rule (``names.name_list_fault``) in the one validation
  (``store.validation``) of every format: YAML, an export read back, Parquet and Arrow IPC.
- Caches and metadata: a checksum on every cache entry, a completion summary of the wrong
  shape is a miss, no cache of a pipe, a bounded cache folder (``locations.prune_cache``),
  and Parquet metadata validated by the same function as YAML's.
- Tracebacks and messages: every value the YAML loader cannot build, a bad JSONL line, a
  huge number, Click's wording of --data: one line on stderr, exit 2.
"""

from __future__ import annotations

import csv
import json
import marshal
import os
import re
import threading
import zlib
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command

from dutycli import locations, names
from dutycli.cli.app import app
from dutycli.cli.usage import usage_message
from dutycli.completion import summaries
from dutycli.errors import DataError
from dutycli.schema import TASK_FIELDS
from dutycli.store import aliases, cache, loader, readback, whole_file, yaml_file

from .conftest import DATASET, Outcome, run_cli, run_process, settled
from .hostile.cases import HEADER, dataset_text, task_lines


def one_line_error(outcome: Outcome, pattern: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr matching ``pattern`` after 'dutycli: '."""
    assert outcome.exit_code == 2, outcome
    assert outcome.stdout == ""
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert re.fullmatch("dutycli: " + pattern, lines[0]), (pattern, lines[0])


def shipped_tasks(count: int = 3) -> list[dict[str, Any]]:
    return loader.read_dataset(DATASET).tasks[:count]


def write_yaml(path: Path, tasks: list[dict[str, Any]], **meta: Any) -> Path:
    document = {"dutycli_dataset": 1, "title": "t", "goals": [], **meta, "tasks": tasks}
    path.write_text(yaml_file.dump(document), encoding="utf-8")
    return path


def cache_entries(kind: str) -> list[Path]:
    folder = Path(os.environ["DUTYCLI_CACHE_DIR"]) / kind
    return sorted(folder.iterdir()) if folder.exists() else []


# --- class 3: resource bombs (the YAML loader, files read whole, JSON read back) ----------


def laughs(levels: int, width: int = 9) -> str:
    """A "billion laughs": each level a list of ``width`` aliases of the level below."""
    lines = [f"  l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels + 1):
        lines.append(f"  l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "dutycli_dataset: 1\nextra:\n" + "\n".join(lines) + "\ntasks: []\n"


def merge_laughs(levels: int, width: int = 9) -> str:
    """The same with merge keys, which PyYAML flattens into ever longer node lists."""
    lines = ["  m0: &m0 {a: 1, b: 2}"]
    for level in range(1, levels + 1):
        lines.append(f"  m{level}: &m{level} {{<<: [{', '.join([f'*m{level - 1}'] * width)}]}}")
    return "dutycli_dataset: 1\nextra:\n" + "\n".join(lines) + "\ntasks: []\n"


def test_a_billion_laughs_is_refused_before_it_expands(tmp_path: Path) -> None:
    # 9**7 = 4.8 million "lol"s from 380 bytes: before, seconds of work and a 4 MB cache entry
    # (9**8: 20 s; 9**9: minutes and gigabytes).
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(laughs(7), encoding="utf-8")
    assert bomb.stat().st_size < 1024
    outcome = run_process("--data", str(bomb), "list")
    one_line_error(
        outcome,
        re.escape(f"{bomb}:8: aliases (*name) here expand the file beyond 16 times its size ")
        + r"\(more than 1,000,000 values and characters\); write the values out",
    )
    assert cache_entries("datasets") == []


@pytest.mark.parametrize("text", [laughs(7), merge_laughs(7)], ids=["lists", "merge-keys"])
def test_the_one_yaml_loader_bounds_alias_expansion_for_every_reader(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="expand the file beyond 16 times its size"):
        yaml_file.load_yaml(path, text)
    # Datasets, aliases files and completion all read YAML through it.
    with pytest.raises(DataError, match="expand the file"):
        loader.read_dataset(path)
    aliases_file = tmp_path / "aliases.yaml"
    aliases_file.write_text(text.replace("tasks: []\n", ""), encoding="utf-8")
    with pytest.raises(DataError, match="expand the file"):
        aliases.load(aliases_file)
    assert summaries.file_summary(str(path)) is None


def test_aliases_within_bounds_still_load(tmp_path: Path) -> None:
    # Four levels (6,561 values) is far below the bound: aliases are allowed, not banned.
    text = laughs(4).replace("tasks: []", "tasks: []\nfour: *l4")
    assert len(yaml_file.load_yaml(tmp_path / "x.yaml", text)["four"]) == 9


@pytest.mark.parametrize(
    "value", ["&a [*a]", "&a {b: *a}", "&a [[1, *a]]"], ids=["list", "mapping", "nested"]
)
def test_a_value_that_holds_itself_is_refused(tmp_path: Path, value: str) -> None:
    # Before: accepted, and `export -o x.parquet` then failed with a traceback.
    path = tmp_path / "loop.yaml"
    path.write_text(f"dutycli_dataset: 1\nextra: {value}\ntasks: []\n", encoding="utf-8")
    one_line_error(
        run_cli("--data", str(path), "export", "-o", str(tmp_path / "x.parquet")),
        re.escape(f"{path}:2: an alias (*name) inside its own anchor: a value that holds itself"),
    )


def test_a_file_read_whole_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /dev/zero never ends: it is read up to the limit, not until memory runs out.
    monkeypatch.setattr(whole_file, "MAX_FILE_BYTES", 4096)
    message = "a dataset file larger than 4,096 bytes, the most dutycli reads whole"
    with pytest.raises(DataError, match=re.escape(f"/dev/zero: {message}")):
        loader.read(Path("/dev/zero"))
    big = tmp_path / "big.yaml"
    big.write_text(laughs(2) + "#" * 5000, encoding="utf-8")
    with pytest.raises(DataError, match="larger than 4,096 bytes"):
        loader.read(big)
    aliases_file = tmp_path / "aliases.yaml"
    aliases_file.write_text("a: [b]\n" + "#" * 5000, encoding="utf-8")
    with pytest.raises(DataError, match="an aliases file larger than 4,096 bytes"):
        aliases.load(aliases_file)
    assert whole_file.MAX_FILE_BYTES == 4096  # the limit is the named constant, nothing else


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_nested_thousands_deep_is_one_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    one_line_error(
        run_process("--data", str(path), "list"),
        re.escape(f"{path}:1: not a dutycli export: JSON nested too deeply"),
    )


def test_reading_back_fifty_thousand_goals_is_linear(tmp_path: Path) -> None:
    # Goals were derived by searching the list of goals for every task: 50k goals took about
    # a minute. Now a set: well under a second here.
    template = shipped_tasks(1)[0]
    tasks = [{**template, "id": n, "goal_no": n, "goal": f"目标{n}"} for n in range(1, 50_001)]
    path = tmp_path / "goals.jsonl"
    path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in tasks), "utf-8")
    data = readback.parse(path, path.read_bytes(), "jsonl")
    assert [g["number"] for g in data.goals] == list(range(1, 50_001))
    assert data.goals[-1] == {"number": 50_000, "name": "目标50000"}


# --- class 6: names that hold a separator, one rule for every format -------------------

BAD_NAMES = {
    "two-names": (["陆秋明、徐治国"], "'陆秋明、徐治国' is more than one name"),
    "comma": (["陆秋明,徐治国"], "'陆秋明,徐治国' is more than one name"),
    "full-width-comma": (["陆秋明，徐治国"], "'陆秋明，徐治国' is more than one name"),
    "line-break": (["陆秋明\n徐治国"], "'陆秋明\\\\n徐治国' is more than one name"),
    "empty": (["发改局", ""], "a name is empty \\(''\\)"),
    "blank": ([" "], "a name is empty \\(' '\\)"),
    "inner-space": (["是 峰"], "'是 峰' holds whitespace"),
    "open-bracket": (["甲(", "乙)"], "the names '甲\\(、乙\\)' run together when joined with 、"),
}


@pytest.mark.parametrize("names_and_fault", BAD_NAMES.values(), ids=BAD_NAMES)
def test_the_names_rule_is_the_importers(names_and_fault: tuple[list[str], str]) -> None:
    bad, fault = names_and_fault
    found = names.name_list_fault(bad)
    assert found is not None and re.match(fault, found), found
    # What the rule accepts is exactly what the importer's split gives back.
    assert names.split_joined("、".join(bad)) != bad


@pytest.mark.parametrize(
    "good",
    [[], ["陆秋明", "徐治国"], ["应急管理局(安委办、减灾办)"], ["某局等"], ["甲)("], ["ＧＤＰ办"]],
)
def test_names_the_importer_makes_pass_and_survive_joining(good: list[str]) -> None:
    assert names.name_list_fault(good) is None
    assert names.split_joined("、".join(good)) == good


def bad_name_file(folder: Path, fmt: str, bad: list[str]) -> Path:
    """The shipped table's first tasks with task 2's leaders replaced, written as ``fmt``."""
    tasks = shipped_tasks()
    tasks[1] = {**tasks[1], "leaders": bad}
    path = folder / f"names.{fmt}"
    if fmt == "yaml":
        return write_yaml(path, tasks)
    if fmt == "json":
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    elif fmt == "jsonl":
        path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in tasks), "utf-8")
    else:
        from dutycli.store.frames import frame_from_records

        frame = frame_from_records(tasks)
        frame.write_parquet(path) if fmt == "parquet" else frame.write_ipc(path)
    return path


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "parquet", "arrow"])
@pytest.mark.parametrize("names_and_fault", BAD_NAMES.values(), ids=BAD_NAMES)
def test_every_format_refuses_a_name_the_importer_would_split(
    tmp_path: Path, fmt: str, names_and_fault: tuple[list[str], str]
) -> None:
    bad, fault = names_and_fault
    path = bad_name_file(tmp_path, fmt, bad)
    line = ":\\d+" if fmt == "yaml" else ""
    one_line_error(
        run_cli("--data", str(path), "leaders"),
        re.escape(str(path)) + f"{line}: task 2: field 'leaders': {fault}.*",
    )


@pytest.mark.parametrize("cell", ["陆秋明，徐治国", "陆秋明、 徐治国", "、", "陆秋明、"])
def test_a_csv_cell_is_split_as_the_importer_splits_or_refused(tmp_path: Path, cell: str) -> None:
    exported = tmp_path / "all.csv"
    assert run_cli("list", "-o", str(exported)).exit_code == 0
    with open(exported, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["leaders"] = cell
    edited = tmp_path / "edited.csv"
    with open(edited, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(TASK_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    one_line_error(
        run_cli("--data", str(edited), "leaders"),
        re.escape(f"{edited}: task 1: field 'leaders': ") + ".*",
    )


def test_a_yaml_name_with_a_separator_no_longer_answers_differently_once_exported(
    tmp_path: Path,
) -> None:
    # The example: before, the YAML passed, 陆秋明 matched nothing (the name was
    # '陆秋明、徐治国'), and its CSV export read back matched it.
    path = bad_name_file(tmp_path, "yaml", ["陆秋明、徐治国"])
    one_line_error(
        run_process("--data", str(path), "by-leader", "陆秋明", "--exact"),
        re.escape(f"{path}:")
        + r"\d+: task 2: field 'leaders': '陆秋明、徐治国' is more than one name .*",
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_a_name_with_a_separator_inside_brackets_round_trips(tmp_path: Path, fmt: str) -> None:
    # The importer keeps 应急管理局(安委办、减灾办) one name; the CSV read back split it in two.
    name = "应急管理局(安委办、减灾办)"
    path = bad_name_file(tmp_path, "yaml", [name, "徐治国"])
    exported = tmp_path / f"out.{fmt}"
    assert run_cli("--data", str(path), "list", "-o", str(exported)).exit_code == 0
    shown = run_cli("--data", str(exported), "show", "2", "-f", "json", "--fields", "leaders")
    assert json.loads(shown.stdout) == [{"leaders": [name, "徐治国"]}]


def test_an_aliases_spelling_that_holds_a_separator_is_refused(tmp_path: Path) -> None:
    # It could never match a stored name, so the clerk's alias would silently do nothing.
    path = tmp_path / "aliases.yaml"
    path.write_text('发改局: [区发改局, "发改局、财政局"]\n', encoding="utf-8")
    one_line_error(
        run_cli("--aliases", str(path), "by-unit", "发改局"),
        re.escape(f"{path}: 发改局: '发改局、财政局' is more than one name ") + ".*",
    )


# --- class 7: caches and metadata --------------------------------------------------------


def flip_in(entry: Path, old: bytes, new: bytes) -> None:
    content = entry.read_bytes()
    assert content.count(old) >= 1
    entry.write_bytes(content.replace(old, new, 1))


def test_a_flipped_bit_in_a_cached_dataset_is_a_miss_not_a_wrong_answer(tmp_path: Path) -> None:
    data = settled(write_yaml(tmp_path / "d.yaml", shipped_tasks(122)))
    expected = run_process("--data", str(data), "by-unit", "发改局", "--fields", "id,lead_units")
    assert expected.exit_code == 0 and "发改局" in expected.stdout
    (entry,) = cache_entries("datasets")
    # 局 is E5 B1 80 in UTF-8; one bit more is E5 B1 81, 屁: still valid text in the Arrow data.
    flip_in(entry, "发改局".encode(), "发改屁".encode())
    again = run_process("--data", str(data), "by-unit", "发改局", "--fields", "id,lead_units")
    assert (again.exit_code, again.stdout, again.stderr) == (0, expected.stdout, "")


def test_every_byte_of_a_cache_entry_is_checked(tmp_path: Path) -> None:
    data = settled(write_yaml(tmp_path / "d.yaml", shipped_tasks(5)))
    source = loader.read(data)
    loader.table(source)  # parses the YAML and writes the entry
    (entry,) = cache_entries("datasets")
    good = entry.read_bytes()
    assert cache.lookup(data, source.raw) is not None
    for offset in range(0, len(good), max(1, len(good) // 97)):
        damaged = bytearray(good)
        damaged[offset] ^= 0x01
        entry.write_bytes(bytes(damaged))
        assert cache.lookup(data, source.raw) is None, offset


FORGED = {
    "name-a-number": lambda s: s["names"]["leaders"].update({"陆秋明": "many"}),
    "list-for-dict": lambda s: s["names"].update({"leaders": ["陆秋明"]}),
    "goal-short": lambda s: s["goals"].append([1]),
    "id-text": lambda s: s["ids"].append(["x", "y"]),
    "tasks-text": lambda s: s.update({"tasks": "122"}),
}


@pytest.mark.parametrize("forge", FORGED.values(), ids=FORGED)
def test_a_forged_completion_cache_is_a_miss(tmp_path: Path, forge: Any) -> None:
    data = settled(write_yaml(tmp_path / "d.yaml", shipped_tasks(10)))
    truth = summaries.file_summary(str(data))
    (entry,) = cache_entries("completion")
    cached = marshal.loads(entry.read_bytes()[4:])
    forge(cached["summary"])
    # Forged as it was (its checksum no longer matches), and with a checksum that matches:
    # the shape is checked too.
    payload = marshal.dumps(cached)
    for checksum in (entry.read_bytes()[:4], zlib.crc32(payload).to_bytes(4, "big")):
        entry.write_bytes(checksum + payload)
        # A real TAB: before, a traceback on the shell's line.
        tab = run_process(
            env={
                "_DUTYCLI_COMPLETE": "complete_bash",
                "COMP_WORDS": f"dutycli\n--data\n{data}\nby-leader\n陆",
                "COMP_CWORD": "4",
            }
        )
        assert (tab.exit_code, tab.stderr) == (0, "")
        assert tab.stdout.split()[0] == "陆秋明"
        entry.write_bytes(checksum + payload)
        assert summaries.file_summary(str(data)) == truth


def fifo_with(path: Path, content: bytes) -> threading.Thread:
    os.mkfifo(path)

    def write() -> None:
        with open(path, "wb") as pipe:
            pipe.write(content)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


def test_a_pipe_is_read_but_never_cached(tmp_path: Path) -> None:
    # --data <(...) is a pipe; before, every one left a cache entry behind.
    pipe = tmp_path / "pipe.yaml"
    writer = fifo_with(pipe, DATASET.read_bytes())
    outcome = run_process("--data", str(pipe), "by-unit", "发改局", "-f", "csv")
    writer.join(timeout=10)
    assert outcome.exit_code == 0 and outcome.stdout.count("\n") > 10
    assert cache_entries("datasets") == []
    assert locations.file_key(str(tmp_path)) is None  # a folder neither
    assert locations.file_key("/dev/null") is None


def age(path: Path, days: float) -> None:
    past = path.stat().st_mtime - days * 86_400
    os.utime(path, (past, past))


def test_the_cache_folder_is_bounded_least_recently_used_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Caches of temporary files piled up forever; now each folder keeps the entries used last.
    monkeypatch.setattr(locations, "CACHE_MAX_ENTRIES", 3)
    paths = [settled(write_yaml(tmp_path / f"tmp{n}.yaml", shipped_tasks(3))) for n in range(5)]

    def query(index: int) -> None:
        assert run_cli("--data", str(paths[index]), "list").exit_code == 0

    def kept() -> list[str]:
        return sorted(entry.name.split("-", 1)[1] for entry in cache_entries("datasets"))

    for index in range(3):
        query(index)
    written = sorted(cache_entries("datasets"), key=os.path.getmtime)
    for days, entry in zip((3, 2, 1), written, strict=True):
        age(entry, days)
    query(0)  # tmp0, written first, is used again: it is kept, tmp1 goes first
    query(3)
    assert kept() == ["tmp0.yaml.arrow", "tmp2.yaml.arrow", "tmp3.yaml.arrow"]
    query(4)
    assert kept() == ["tmp0.yaml.arrow", "tmp3.yaml.arrow", "tmp4.yaml.arrow"]


def test_old_entries_and_leftover_temporary_files_are_removed(tmp_path: Path) -> None:
    folder = Path(os.environ["DUTYCLI_CACHE_DIR"]) / "completion"
    folder.mkdir(parents=True)
    old, recent, leftover = folder / "old.json", folder / "recent.json", folder / ".x.1.tmp"
    for path in (old, recent, leftover):
        path.write_text("{}")
    age(old, locations.CACHE_MAX_AGE_DAYS + 1)
    age(leftover, 1)
    summaries.file_summary(str(settled(write_yaml(tmp_path / "d.yaml", shipped_tasks(3)))))
    assert sorted(p.name for p in folder.iterdir()) == [
        Path(
            locations.cache_file("completion", str(tmp_path / "d.yaml"), summaries.SUFFIX) or ""
        ).name,
        "recent.json",
    ]


def test_the_cache_folder_is_bounded_in_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(os.environ["DUTYCLI_CACHE_DIR"]) / "datasets"
    folder.mkdir(parents=True)
    for n in range(6):
        (folder / f"{n}.arrow").write_bytes(b"x" * 1000)
        age(folder / f"{n}.arrow", 6 - n)  # 5 is the newest
    monkeypatch.setattr(locations, "CACHE_MAX_BYTES", 3500)
    locations.prune_cache(str(folder))
    assert sorted(p.name for p in folder.iterdir()) == ["3.arrow", "4.arrow", "5.arrow"]


META_CASES = {
    "title-number": ({"title": 5}, "'title' must be text"),
    "goals-text": ({"goals": "x"}, "'goals' must be a list of \\{number, name\\}"),
    "goal-beyond-64-bits": (
        {"goals": [{"number": 2**64, "name": "x"}]},
        "'goals' must be a list of \\{number, name\\}",
    ),
    "version": ({"dutycli_dataset": 9}, "unsupported dataset version 9 \\(this dutycli reads 1\\)"),
    "version-true": (
        {"dutycli_dataset": True},
        "unsupported dataset version True \\(this dutycli reads 1\\)",
    ),
    "nested": (
        {"note": json.loads("[" * 20 + "]" * 20)},
        "'note' is nested deeper than 16 levels; metadata holds only text, numbers, "
        "true/false, lists and mappings",
    ),
    "not-finite": ({"note": float("nan")}, "'note' holds a number that is not finite.*"),
}


@pytest.mark.parametrize("fmt", ["yaml", "parquet"])
@pytest.mark.parametrize("meta_and_fault", META_CASES.values(), ids=META_CASES)
def test_metadata_is_validated_alike_in_yaml_and_parquet(
    tmp_path: Path, fmt: str, meta_and_fault: tuple[dict[str, Any], str]
) -> None:
    meta, fault = meta_and_fault
    if fmt == "yaml":
        path = write_yaml(tmp_path / "m.yaml", shipped_tasks(), **meta)
        where = ":\\d+"
    else:
        from dutycli.store.frames import frame_from_records

        path = tmp_path / "m.parquet"
        text = json.dumps({"dutycli_dataset": 1, "title": "t", **meta})
        frame_from_records(shipped_tasks()).write_parquet(path, metadata={"dutycli": text})
        where = ": metadata"
    one_line_error(run_cli("--data", str(path), "list"), re.escape(str(path)) + f"{where}: {fault}")


def test_parquet_metadata_no_longer_flows_into_an_export_that_is_then_refused(
    tmp_path: Path,
) -> None:
    # Before: the Parquet file was queried, exported as YAML, and that YAML was refused.
    from dutycli.store.frames import frame_from_records

    path = tmp_path / "m.parquet"
    meta = json.dumps({"title": ["not", "text"], "goals": []})
    frame_from_records(shipped_tasks()).write_parquet(path, metadata={"dutycli": meta})
    target = tmp_path / "out.yaml"
    one_line_error(
        run_process("--data", str(path), "export", "-o", str(target)),
        re.escape(f"{path}: metadata: 'title' must be text"),
    )
    assert not target.exists()


@pytest.mark.parametrize(
    "text",
    ["[" * 5000 + "]" * 5000, '{"n": ' + "9" * 5000 + "}", '{"title": "t"'],
    ids=["deep", "huge-number", "cut"],
)
def test_parquet_metadata_that_is_not_json_is_one_line(tmp_path: Path, text: str) -> None:
    from dutycli.store.frames import frame_from_records

    path = tmp_path / "m.parquet"
    frame_from_records(shipped_tasks()).write_parquet(path, metadata={"dutycli": text})
    one_line_error(
        run_cli("--data", str(path), "list"),
        re.escape(f"{path}: the 'dutycli' metadata is not JSON"),
    )


@pytest.mark.parametrize(
    ("value", "wording"),
    [
        ("2019-01-01", "holds a date"),
        ("!!binary aGk=", "holds binary data \\(!!binary\\)"),
        ("!!set {a}", "holds a set \\(!!set\\)"),
        ("!!omap [a: 1]", "holds pairs \\(!!omap or !!pairs\\)"),
        ("{1: a}", "holds a mapping with a key that is not text"),
    ],
)
def test_metadata_json_cannot_hold_is_refused_not_a_traceback_on_export(
    tmp_path: Path, value: str, wording: str
) -> None:
    # Before: accepted, then `export -o x.parquet` died in json.dumps with a traceback.
    path = tmp_path / "m.yaml"
    header = HEADER.replace("title: t\n", f"title: t\nsource: {value}\n")
    path.write_bytes(dataset_text(task_lines(), header=header))
    one_line_error(
        run_cli("--data", str(path), "export", "-o", str(tmp_path / "x.parquet")),
        re.escape(f"{path}:3: 'source' ") + wording + "; metadata holds only .*",
    )


# --- classes 4 and 8: tracebacks and messages -------------------------------------------

UNBUILDABLE = {
    "no-such-day": ("2019-02-30", "'2019-02-30' is not a date \\(day is out of range for month\\)"),
    "no-such-month": ("2019-13-01", "'2019-13-01' is not a date \\(month must be in 1..12\\)"),
    "timestamp-tag": ("!!timestamp x", "'x' is not a date"),
    "int-tag": ("!!int 9x", "'9x' is not a whole number"),
    "empty-int": ("!!int ''", "'' is not a whole number"),
    "float-tag": ("!!float x", "'x' is not a number"),
    "bool-tag": ("!!bool maybe", "'maybe' is not true or false"),
    "map-tag-on-list": ("!!map [a]", "expected a mapping, but found a sequence"),
    "set-tag-on-list": ("!!set [a]", "expected a mapping, but found a sequence"),
    "huge-number": ("9" * 5000, "a number of 5,000 characters \\(no field holds one\\)"),
}


@pytest.mark.parametrize("value_and_problem", UNBUILDABLE.values(), ids=UNBUILDABLE)
def test_a_value_yaml_cannot_build_is_one_line_at_its_line(
    tmp_path: Path, value_and_problem: tuple[str, str]
) -> None:
    value, problem = value_and_problem
    for field in ("task", "id"):
        path = tmp_path / f"{field}.yaml"
        path.write_bytes(dataset_text(task_lines({field: value})))
        line = HEADER.count("\n") + 1 + list(TASK_FIELDS).index(field)
        one_line_error(
            run_cli("--data", str(path), "list"),
            re.escape(f"{path}:{line}: not valid YAML: ") + problem,
        )


def test_unbuildable_values_as_the_installed_command(tmp_path: Path) -> None:
    path = tmp_path / "date.yaml"
    path.write_bytes(dataset_text(task_lines({"deadline": "2019-02-30"})))
    one_line_error(
        run_process("--data", str(path), "list"),
        re.escape(f"{path}:") + r"\d+: not valid YAML: '2019-02-30' is not a date .*",
    )


def test_a_version_must_be_the_whole_number_one(tmp_path: Path) -> None:
    for written in ("1.0", "true"):
        path = tmp_path / "v.yaml"
        path.write_text(f"dutycli_dataset: {written}\ntasks: []\n", encoding="utf-8")
        one_line_error(
            run_cli("--data", str(path), "list"),
            re.escape(f"{path}:1: unsupported dataset version ") + ".* \\(this dutycli reads 1\\)",
        )


def test_a_bad_jsonl_line_is_named_by_its_line(tmp_path: Path) -> None:
    tasks = [json.dumps(t, ensure_ascii=False) for t in shipped_tasks()]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([tasks[0], "", tasks[1], "{bad", tasks[2]]), encoding="utf-8")
    one_line_error(
        run_process("--data", str(path), "list"),
        re.escape(f"{path}:4: not valid JSON: Expecting property name enclosed in double quotes"),
    )


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_a_huge_number_read_back_is_one_line(tmp_path: Path, suffix: str) -> None:
    task = {**shipped_tasks(1)[0], "id": 1}
    path = tmp_path / f"huge{suffix}"
    if suffix == ".csv":
        assert run_cli("list", "-o", str(tmp_path / "all.csv")).exit_code == 0
        lines = (tmp_path / "all.csv").read_text(encoding="utf-8").splitlines()
        path.write_text(lines[0] + "\n" + "9" * 5000 + lines[1][1:] + "\n", encoding="utf-8")
        pattern = re.escape(f"{path}: record 2: field 'id' must be a whole number, got ") + ".*"
    else:
        text = json.dumps([task] if suffix == ".json" else task, ensure_ascii=False)
        path.write_text("\n" + text.replace('"id": 1,', '"id": ' + "9" * 5000 + ","), "utf-8")
        pattern = re.escape(f"{path}:2: a number of 5000 digits (no field holds one)")
    one_line_error(run_process("--data", str(path), "list"), pattern)


def test_a_csv_number_is_read_only_as_written(tmp_path: Path) -> None:
    # int() also reads " 1", "1_0" and Arabic-Indic digits: the value would change silently.
    assert run_cli("list", "-o", str(tmp_path / "all.csv")).exit_code == 0
    lines = (tmp_path / "all.csv").read_text(encoding="utf-8").splitlines()
    for written in ("1_0", " 1", "١"):
        path = tmp_path / "n.csv"
        path.write_text(lines[0] + "\n" + written + lines[1][1:] + "\n", encoding="utf-8")
        one_line_error(
            run_cli("--data", str(path), "list"),
            re.escape(f"{path}: record 2: field 'id' must be a whole number, got {written!r}"),
        )


def test_a_long_task_text_reads_back_from_csv(tmp_path: Path) -> None:
    # The csv module's 128 KiB cell limit refused an export of a long task as "not valid CSV".
    text = "长" * 200_000
    data = write_yaml(tmp_path / "long.yaml", [{**shipped_tasks(1)[0], "task": text}])
    for fmt in ("csv", "tsv"):
        exported = tmp_path / f"long.{fmt}"
        assert run_cli("--data", str(data), "list", "-o", str(exported)).exit_code == 0
        shown = run_cli("--data", str(exported), "show", "1", "-f", "json", "--fields", "task")
        assert json.loads(shown.stdout) == [{"task": text}]


def test_a_field_written_twice_is_refused_not_half_lost(tmp_path: Path) -> None:
    # The CSV reader kept the last of two 'id' columns, JSON the last of two "id" keys:
    # a value was lost without a word. YAML already refused a key written twice.
    exported = tmp_path / "all.csv"
    assert run_cli("list", "-o", str(exported)).exit_code == 0
    with open(exported, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    twice = tmp_path / "twice.csv"
    with open(twice, "w", encoding="utf-8", newline="") as handle:
        header, *body = rows
        csv.writer(handle).writerows([[*header, "id"], *([*row, "1000"] for row in body)])
    one_line_error(
        run_cli("--data", str(twice), "list"),
        re.escape(f"{twice}: not a whole dutycli export: the header has id twice ") + ".*",
    )
    task = json.dumps(shipped_tasks(1)[0], ensure_ascii=False).replace(
        '"id": 1,', '"id": 1, "id": 2,'
    )
    for suffix, text in ((".json", f"[{task}]"), (".jsonl", task)):
        path = tmp_path / f"twice{suffix}"
        path.write_text(text, encoding="utf-8")
        one_line_error(
            run_cli("--data", str(path), "list"),
            re.escape(f"{path}:1: a field written twice in one task: 'id'"),
        )


def test_a_parquet_file_through_a_pipe_is_worded(tmp_path: Path) -> None:
    parquet = tmp_path / "d.parquet"
    assert run_cli("export", "-o", str(parquet)).exit_code == 0
    pipe = tmp_path / "pipe"
    writer = fifo_with(pipe, parquet.read_bytes())
    outcome = run_process("--data", str(pipe), "list")
    writer.join(timeout=10)
    one_line_error(
        outcome,
        re.escape(f"{pipe}: a Parquet dataset is scanned, not read in one go: ")
        + "give it as a file, not a pipe or a device",
    )


def test_an_option_error_names_what_the_user_used_not_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Click words a bad --data as "'--data' (env var: 'DUTYCLI_DATA')" wherever it came from.
    group = get_command(app)
    param: Any = next(p for p in group.params if p.name == "data")
    given = group.make_context("dutycli", ["--data", "x", "list"], resilient_parsing=True)
    problem = typer.BadParameter("path 'x' is not readable.", ctx=given, param=param)
    assert usage_message(problem).startswith("Invalid value for '--data': path 'x'")
    monkeypatch.setenv("DUTYCLI_DATA", "x")
    from_env = group.make_context("dutycli", ["list"], resilient_parsing=True)
    problem = typer.BadParameter("path 'x' is not readable.", ctx=from_env, param=param)
    assert usage_message(problem).startswith("Invalid value for 'DUTYCLI_DATA': path 'x'")


def test_an_unreadable_data_file_is_read_and_worded_by_dutycli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Click's own readable check (os.access) answered for --data, blaming DUTYCLI_DATA too;
    # now dutycli opens the file and says why it cannot (run as root, every file is readable:
    # os.access stands in for a file this user may not read).
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, *a, **k: "secret" not in str(p) and real_access(p, *a, **k)
    )
    secret = tmp_path / "secret.yaml"
    secret.write_bytes(DATASET.read_bytes())
    outcome = run_cli("--data", str(secret), "by-unit", "发改局")
    assert outcome.exit_code == 0 and "env var" not in outcome.stderr
    outcome = run_cli("--aliases", str(secret), "by-unit", "发改局")
    assert "env var" not in outcome.stderr


def test_a_path_set_in_the_environment_is_named_as_such(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    one_line_error(
        run_process("list", env={"DUTYCLI_DATA": str(missing)}),
        re.escape(f"{missing}: dataset file not found (the path set by DUTYCLI_DATA)"),
    )
    one_line_error(
        run_process("--data", str(missing), "list", env={"DUTYCLI_DATA": str(DATASET)}),
        re.escape(f"{missing}: dataset file not found"),
    )
    one_line_error(
        run_cli("list", env={"DUTYCLI_ALIASES": str(missing)}),
        re.escape(f"{missing}: aliases file not found (the path set by DUTYCLI_ALIASES)"),
    )


@pytest.mark.parametrize("forged", ["link to /dev/zero", "fifo"])
def test_a_cache_entry_that_is_no_regular_file_is_a_miss_not_a_hang(
    forged: str, tmp_path: Path
) -> None:
    data = tmp_path / "ds.yaml"
    data.write_bytes(DATASET.read_bytes())
    settled(data)
    cache_dir = Path(os.environ["DUTYCLI_CACHE_DIR"])
    expected = run_process("--data", str(data), "by-unit", "发改局", "-f", "csv")
    for kind in ("datasets", "completion"):
        for entry in (cache_dir / kind).glob("*") if (cache_dir / kind).is_dir() else []:
            entry.unlink()
            if forged == "fifo":
                os.mkfifo(entry)
            else:
                entry.symlink_to("/dev/zero")
    assert list((cache_dir / "datasets").glob("*"))
    # A forged entry is never opened as a file to wait on or read without end (timeout: 60 s).
    again = run_process("--data", str(data), "by-unit", "发改局", "-f", "csv")
    assert (again.exit_code, again.stdout) == (expected.exit_code, expected.stdout)
    # ...and the miss wrote a good entry again in its place.
    assert locations.read_cache_entry(str(next((cache_dir / "datasets").glob("*")))) is not None
    odd = tmp_path / "odd"
    os.mkfifo(odd) if forged == "fifo" else odd.symlink_to("/dev/zero")
    assert locations.read_cache_entry(str(odd)) is None
