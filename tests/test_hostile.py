"""The hostile-input corpus (tests/hostile/cases.py) through both ways of running dutycli.

Every bad file gives exactly one line on stderr, the documented exit code, nothing on
stdout and no traceback — in-process (CliRunner) and as the installed command. The
installed command runs every case too; those runs are started together (a thread pool of
subprocesses) so the corpus stays cheap, and each case still reports on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dutycli.errors import DataError
from dutycli.store import loader

from .conftest import Outcome, run_cli, run_process
from .hostile.cases import (
    DATASET_CASES,
    PYTHON_TAGS,
    SOURCE_CASES,
    SOURCE_WRITERS,
    Case,
    SourceCase,
    python_tag_case,
    regex,
)


def assert_one_line_error(outcome: Outcome, pattern: str, exit_code: int) -> None:
    assert outcome.exit_code == exit_code, outcome
    assert outcome.stdout == ""
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("dutycli: ")
    assert re.fullmatch(pattern, lines[0].removeprefix("dutycli: ")), (pattern, lines[0])


class Corpus:
    """The corpus written to one directory, with the installed command's outcome per run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.marker = root / "ran"
        self.runs: dict[str, tuple[str, ...]] = {}
        self.outcomes: dict[str, Outcome] = {}
        for case in [*DATASET_CASES, *self.tag_cases()]:
            path = root / "datasets" / f"{case.id}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(case.content)
            self.runs[case.id] = ("--data", str(path), "list")
        for source_case in SOURCE_CASES:
            for suffix in SOURCE_WRITERS:
                if source_case.messages.get(suffix) is None:
                    continue
                folder = root / f"source-{source_case.id}{suffix}"
                folder.mkdir()
                source = self.source(source_case, suffix)
                self.runs[f"{source_case.id}{suffix}-check"] = ("import", str(source), "--check")
                target = folder / "out.yaml"
                self.runs[f"{source_case.id}{suffix}-write"] = (
                    "import",
                    str(source),
                    "-o",
                    str(target),
                )

    def tag_cases(self) -> list[Case]:
        return [python_tag_case(tag, str(self.marker)) for tag in PYTHON_TAGS]

    def dataset(self, case: Case) -> Path:
        return self.root / "datasets" / f"{case.id}.yaml"

    def source(self, case: SourceCase, suffix: str) -> Path:
        source = self.root / f"source-{case.id}{suffix}" / f"{case.id}{suffix}"
        if not source.exists():
            data = case.raw if case.table is None else SOURCE_WRITERS[suffix](case.table)
            source.write_bytes(data)
        return source

    def run_all_processes(self) -> None:
        skipped = {case.id for case in DATASET_CASES if not case.process}
        skipped |= {
            f"{case.id}{suffix}-write"
            for case in SOURCE_CASES
            for suffix in SOURCE_WRITERS
            if suffix != _process_suffix(case)
        }
        # import --check reads like import -o: the installed command runs the -o form only.
        runs = {
            key: args
            for key, args in self.runs.items()
            if key not in skipped and not key.endswith("-check")
        }
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {key: pool.submit(run_process, *args) for key, args in runs.items()}
        self.outcomes = {key: future.result() for key, future in futures.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    built = Corpus(tmp_path_factory.mktemp("hostile"))
    built.run_all_processes()
    return built


Runner = Callable[[Corpus, str], Outcome]
RUNNERS: dict[str, Runner] = {
    "cli": lambda corpus, key: run_cli(*corpus.runs[key]),
    "process": lambda corpus, key: corpus.outcomes[key],
}


DATASET_RUNS = [
    pytest.param(case, runner, id=f"{case.id}-{runner}")
    for case in DATASET_CASES
    for runner in RUNNERS
    if runner == "cli" or case.process
]


@pytest.mark.parametrize(("case", "runner"), DATASET_RUNS)
def test_bad_dataset_is_one_exact_error(corpus: Corpus, case: Case, runner: str) -> None:
    path = corpus.dataset(case)
    outcome = RUNNERS[runner](corpus, case.id)
    assert_one_line_error(outcome, regex(case.message, str(path), path.name), case.exit_code)


@pytest.mark.parametrize("case", DATASET_CASES, ids=lambda c: c.id)
def test_bad_dataset_is_a_data_error_in_the_library(corpus: Corpus, case: Case) -> None:
    path = corpus.dataset(case)
    with pytest.raises(DataError) as raised:
        loader.read_dataset(path)
    assert re.fullmatch(regex(case.message, str(path), path.name), str(raised.value))


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("index", range(len(PYTHON_TAGS)), ids=PYTHON_TAGS)
def test_python_object_tags_are_refused_and_nothing_runs(
    corpus: Corpus, index: int, runner: str
) -> None:
    case = corpus.tag_cases()[index]
    path = corpus.dataset(case)
    outcome = RUNNERS[runner](corpus, case.id)
    assert_one_line_error(outcome, regex(case.message, str(path), path.name), 2)
    assert not corpus.marker.exists()


def test_every_source_case_has_a_message_for_every_source_format() -> None:
    for case in SOURCE_CASES:
        missing = set(SOURCE_WRITERS) - set(case.messages)
        assert not missing, f"{case.id}: add the expected message (or None) for {sorted(missing)}"


def _process_suffix(case: SourceCase) -> str:
    """The one format of a case the installed command runs (the library path is the same
    for every format; each process costs a start-up)."""
    return next(s for s in SOURCE_WRITERS if case.messages.get(s) is not None)


SOURCE_RUNS = [
    pytest.param(case, suffix, runner, id=f"{case.id}{suffix}-{runner}")
    for case in SOURCE_CASES
    for suffix in SOURCE_WRITERS
    for runner in RUNNERS
    if case.messages.get(suffix) is not None
    and (runner == "cli" or suffix == _process_suffix(case))
]


@pytest.mark.parametrize(("case", "suffix", "runner"), SOURCE_RUNS)
def test_bad_source_table_is_one_exact_error_and_writes_nothing(
    corpus: Corpus, case: SourceCase, suffix: str, runner: str
) -> None:
    source = corpus.source(case, suffix)
    message = case.messages[suffix]
    assert message is not None
    pattern = regex(message, str(source), source.name)
    for mode in ("check", "write") if runner == "cli" else ("write",):
        outcome = RUNNERS[runner](corpus, f"{case.id}{suffix}-{mode}")
        assert_one_line_error(outcome, pattern, case.exit_code)
    # Neither the target nor a temporary file was left beside the source.
    assert sorted(p.name for p in source.parent.iterdir()) == [source.name]


# --- hostile but valid: kept exactly ---------------------------------------------------

BIG_TEXT = ("第一行：石墨烯 [bold]x[/] \x1b[31m\n" + "责任分解" * 87381)[: 1 << 20]  # 1 Mi chars


def test_a_megabyte_task_text_loads_and_round_trips_intact(tmp_path: Path) -> None:
    # Through the source format: import keeps the cell verbatim...
    source = tmp_path / "big.txt"
    table = [
        ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
        ["1", "目标", BIG_TEXT, "张三", "某局"],
    ]
    source.write_bytes(SOURCE_WRITERS[".txt"](table))
    target = tmp_path / "big.yaml"
    imported = run_process("import", str(source), "-o", str(target))
    assert imported.exit_code == 0, imported.stderr
    assert len(target.read_bytes()) > 1 << 20
    assert loader.read_dataset(target).tasks[0]["task"] == BIG_TEXT
    # ...and every way of reading it back gives the same text.
    for runner in (run_cli, run_process):
        shown = runner("--data", str(target), "show", "1", "-f", "json", "--fields", "task")
        assert shown.exit_code == 0
        assert (
            shown.stdout
            == json.dumps([{"task": BIG_TEXT}], ensure_ascii=False, separators=(",", ":")) + "\n"
        )
    found = run_process("--data", str(target), "search", "石墨烯", "-f", "table")
    assert found.exit_code == 0 and "共 1 条任务" in found.stdout


def test_control_characters_in_source_names_are_kept(tmp_path: Path) -> None:
    # NUL itself marks a binary file for the importer (see the corpus); other controls are data.
    names = ["甲\x01乙", "\x1b[31m丙", "[bold]丁[/]", "戊\u202e己"]
    table = [
        ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
        ["1", "目标\x07", "任务\x08文本", "、".join(names), "、".join(reversed(names))],
    ]
    source = tmp_path / "controls.txt"
    source.write_bytes(SOURCE_WRITERS[".txt"](table))
    target = tmp_path / "controls.yaml"
    assert run_cli("import", str(source), "-o", str(target)).exit_code == 0
    task = loader.read_dataset(target).tasks[0]
    assert task["leaders"] == names and task["lead_units"] == names[::-1]
    assert task["goal"] == "目标\x07" and task["task"] == "任务\x08文本"
    record = json.loads(run_process("--data", str(target), "show", "1", "-f", "json").stdout)[0]
    assert {k: record[k] for k in task} == task


def test_yaml_merge_keys_are_not_mistaken_for_duplicate_keys(tmp_path: Path) -> None:
    from .hostile.cases import HEADER, task_lines

    first = task_lines()
    # The second task takes every field from the first (<<: *first) and overrides its id.
    second = ["- <<: *first", "  id: 2"]
    anchored = ["- &first", "  " + first[0].removeprefix("- "), *first[1:]]
    text = HEADER + "".join(line + "\n" for line in [*anchored, *second])
    path = tmp_path / "merge.yaml"
    path.write_text(text, encoding="utf-8")
    tasks = loader.read_dataset(path).tasks
    assert [t["id"] for t in tasks] == [1, 2]
    assert {**tasks[0], "id": 2} == tasks[1]
