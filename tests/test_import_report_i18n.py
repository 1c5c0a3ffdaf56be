"""The import report in the clerk's language: `import --check -v` of real layouts (常熟 2018 in
Word, with heading rows and a heading count that differs from its items; 钟楼 2024 in Excel,
with a sheet not read) says every line in Chinese under a Chinese locale, and exactly what it
said before in English otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutycli.sources.table import Note, Notes, counted, kinds

from .conftest import run_cli, run_process
from .layouts import CHANGSHU, ZHONGLOU, write


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("layouts")
    return {
        "changshu": write(CHANGSHU, "docx", folder),
        "zhonglou": write(ZHONGLOU, "xlsx", folder),
    }


def report(path: Path, language: str) -> list[str]:
    outcome = run_cli("import", str(path), "--check", "-v", env={"DUTYCLI_LANG": language})
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == ""  # --check writes nothing
    return outcome.stderr.splitlines()


HEADING = "'一、经济社会发展主要预期目标分解（11项）'"


def test_changshu_in_english_as_before(files: dict[str, Path]) -> None:
    lines = report(files["changshu"], "en")
    assert lines[0] == (
        "dutycli: columns read: 序号 → goal_no, 名称 → goal, 工作任务 → task, "
        "牵头责任单位 → lead_units"
    )
    assert lines[1] == "dutycli: columns absent (left empty): leaders, partner_units, deadline"
    assert (
        f"dutycli: row 2: heading row {HEADING} read as goal 1; 序号 below it numbers its "
        "tasks (item_no)"
    ) in lines
    assert f"dutycli: row 2: heading {HEADING} counts 11 items; 8 are below it" in lines
    assert "dutycli: row 9: merged cell, lead_units inherited from the row above" in lines
    assert lines[-1] == (
        "dutycli: changshu-2018.docx: 3 goals, 17 tasks; 0 names joined, 0 open-ended lists, "
        "1 merged cells inherited, 0 page-break goal rows, 0 empty first cells, 3 heading rows, "
        "1 heading counts differ from their items, columns absent: leaders"
    )


def test_changshu_in_chinese(files: dict[str, Path]) -> None:
    lines = report(files["changshu"], "zh")
    assert lines[0] == (
        "dutycli: 已读取的列：序号 → 序号（goal_no）、名称 → 目标名称（goal）、"
        "工作任务 → 工作标准（task）、牵头责任单位 → 牵头单位（lead_units）"
    )
    assert lines[1] == (
        "dutycli: 表中没有的列（留空）：分管领导（leaders）、配合单位（partner_units）、"
        "完成时限（deadline）"
    )
    assert (
        f"dutycli: 第 2 行：标题行 {HEADING} 读作目标 1，其下的序号为任务序号（item_no）"
    ) in lines
    assert f"dutycli: 第 2 行：标题 {HEADING} 写有 11 项，其下实有 8 项" in lines
    assert "dutycli: 第 9 行：合并单元格，牵头单位（lead_units）沿用上一行" in lines
    assert lines[-1] == (
        "dutycli: changshu-2018.docx：3 个目标，17 条任务；连写名字 0 个，以“等”结尾的名单 0 个，"
        "沿用上一行的合并单元格 1 个，分页处重复的目标行 0 行，目标首行的空单元格 0 个，"
        "标题行 3 行，标题所写项数与实际不符 1 处，表中没有的列：分管领导（leaders）"
    )
    # No English word is left but the field names in their parentheses and the file's name.
    words = " ".join(lines).replace("dutycli", "").replace("changshu-2018.docx", "")
    for field in ("goal_no", "goal", "task", "lead_units", "leaders", "partner_units"):
        words = words.replace(f"（{field}）", "")
    words = words.replace("（item_no）", "").replace("deadline", "")
    assert not any(c.isascii() and c.isalpha() for c in words), words


@pytest.mark.parametrize(
    ("language", "note", "summary"),
    [
        (
            "en",
            "dutycli: sheet '说明' (1 row with values) is not read",
            "3 goals, 15 tasks; 1 other sheet not read (1 row), 0 names joined",
        ),
        (
            "zh",
            "dutycli: 工作表 '说明'（1 行有值）未读取",
            "3 个目标，15 条任务；1 个其他工作表未读取（1 行），连写名字 0 个",
        ),
    ],
)
def test_a_readers_note_in_both_languages(
    files: dict[str, Path], language: str, note: str, summary: str
) -> None:
    lines = report(files["zhonglou"], language)
    assert note in lines
    assert summary in lines[-1]
    section = "其下各任务的类别" if language == "zh" else "the section of the tasks below it"
    assert any(line.endswith(section) for line in lines)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_CN.UTF-8", "dutycli: 第 2 行：标题 {heading} 写有 11 项，其下实有 8 项"),
        ("C.UTF-8", "dutycli: row 2: heading {heading} counts 11 items; 8 are below it"),
    ],
)
def test_the_real_import_speaks_the_locales_language(
    files: dict[str, Path], locale: str, expected: str
) -> None:
    env = {"LANG": locale, "LC_ALL": "", "LC_MESSAGES": "", "DUTYCLI_LANG": ""}
    outcome = run_process("import", str(files["changshu"]), "--check", "-v", env=env)
    assert outcome.exit_code == 0
    assert expected.format(heading=HEADING) in outcome.stderr.splitlines()


def test_counts_and_kinds_of_notes_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTYCLI_LANG", "en")
    assert (counted(1, "row"), counted(1_500, "row"), counted(2, "column")) == (
        "1 row",
        "1,500 rows",
        "2 columns",
    )
    assert kinds("sheet", 1) == "other sheet not read"
    notes = Notes([Note(n, "outside", "x") for n in range(1, 1_003)])
    assert notes[-1].text == "2 more texts outside the table not read (not listed)"
    monkeypatch.setenv("DUTYCLI_LANG", "zh")
    assert (counted(1, "row"), counted(1_500, "row"), counted(2, "task")) == (
        "1 行",
        "1,500 行",
        "2 条任务",
    )
    assert kinds("sheet", 3) == "个其他工作表未读取"
    notes = Notes([Note(n, "outside", "x") for n in range(1, 1_003)])
    assert notes[-1].text == "另有 2 处表格外的文字未读取（未逐一列出）"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "dutycli: wrote {path} (11 rows, txt)"),
        ("zh", "dutycli: 已写入 {path}（11 行，txt）"),
    ],
)
def test_a_txt_file_is_said_to_be_txt(tmp_path: Path, language: str, said: str) -> None:
    target = tmp_path / "发改局.txt"
    outcome = run_cli("by-unit", "发改局", "-o", str(target), env={"DUTYCLI_LANG": language})
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stderr == said.format(path=target) + "\n"
    assert "发改局" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "missing", "wrong"),
    [
        ("en", "dataset file not found", "task 1: field 'id' must be a whole number, got str"),
        ("zh", "找不到数据集文件", "任务 1：字段 'id' 必须是整数，实际是 str"),
    ],
)
def test_the_words_inside_a_data_error_follow_the_language(
    tmp_path: Path, language: str, missing: str, wrong: str
) -> None:
    env = {"DUTYCLI_LANG": language}
    absent = run_cli("--data", str(tmp_path / "nope.yaml"), "units", env=env)
    assert absent.exit_code == 2 and missing in absent.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("dutycli_dataset: 1\ntitle: x\ngoals: []\ntasks:\n- {id: x}\n", "utf-8")
    wrong_kind = run_cli("--data", str(bad), "units", env=env)
    assert wrong_kind.exit_code == 2 and wrong in wrong_kind.stderr
