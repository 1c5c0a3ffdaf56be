"""The hostile-input corpus: bad files and the exact one-line error each must produce.

Each case is a row: what the file holds, how it is given to dutycli, the expected stderr
line (a regex, matched in full after ``dutycli: ``) and exit code. Task-level cases are
generated from ``schema.TASK_FIELDS``, so a new field gets its wrong-type and missing-field
cases without editing this file. Source-table cases are written as logical tables (lists of
rows) and turned into bytes by one writer per source format; a new importer adds a writer
to ``SOURCE_WRITERS`` and its expected message to every case (a test fails until it does).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dutycli.schema import SPARSE_FIELDS, TASK_FIELDS

from .. import tables

PATH = "{path}"  # replaced by the escaped path of the file under test
NAME = "{name}"  # replaced by the escaped file name


@dataclass(frozen=True)
class Case:
    id: str
    content: bytes
    message: str  # regex for the whole stderr line after "dutycli: "
    exit_code: int = 2
    # Generated per-field cases all run in-process; the installed command runs the first of
    # each kind (same code path, and each process costs a Python start-up).
    process: bool = True


# --- datasets (YAML, --data FILE) -------------------------------------------------------

HEADER = "dutycli_dataset: 1\ntitle: t\nlabel: l\ngoals: [{number: 1, name: 甲}]\ntasks:\n"
HEADER_LINES = HEADER.count("\n")

# One valid value per field kind, and one wrong value with the type name the error reports.
VALID = {"int": "1", "str": "文本", "names": "[张三, 李四]", "bool": "false"}
WRONG: dict[str, list[tuple[str, str, str]]] = {
    # kind: [(yaml value, expected wording, type name reported)]
    "int": [
        ("x", "a whole number", "str"),
        ("1.5", "a whole number", "float"),
        ("true", "a whole number", "bool"),
        ("99999999999999999999", "a whole number", "int"),
        ("null", "a whole number", "nothing"),
    ],
    "str": [
        ("123", "text", "int"),
        ("null", "text", "nothing"),
        ("[a]", "text", "list"),
        ("2019-01-01", "text", "date"),
        ("!!binary aGk=", "text", "bytes"),
    ],
    "names": [
        ("张三", "a list of names", "str"),
        ("[1, 2]", "a list of names", "list"),
        ("{a: 1}", "a list of names", "dict"),
        ("!!set {a}", "a list of names", "set"),
    ],
    "bool": [
        ("yes please", "true or false", "str"),
        ("1", "true or false", "int"),
        ("null", "true or false", "nothing"),
    ],
}


def task_lines(overrides: dict[str, str | None] | None = None, task_id: int = 1) -> list[str]:
    """A task as YAML lines, one field a line in schema order; None drops a field."""
    values: dict[str, str | None] = {name: VALID[kind] for name, kind in TASK_FIELDS.items()}
    values["id"] = str(task_id)
    values.update(overrides or {})
    lines = [f"{name}: {value}" for name, value in values.items() if value is not None]
    return ["- " + lines[0], *("  " + line for line in lines[1:])]


def dataset_text(*tasks: list[str], header: str = HEADER) -> bytes:
    return (header + "".join(line + "\n" for task in tasks for line in task)).encode()


def field_line(name: str) -> int:
    """The 1-based line of ``name`` in the first task written by ``task_lines``."""
    return HEADER_LINES + 1 + list(TASK_FIELDS).index(name)


def _wrong_type_cases() -> list[Case]:
    cases: list[Case] = []
    kinds_seen: set[str] = set()
    for name, kind in TASK_FIELDS.items():
        for value, wording, got in WRONG[kind]:
            cases.append(
                Case(
                    f"wrong-type-{name}-{got}-{len(cases)}",
                    dataset_text(task_lines({name: value})),
                    f"{PATH}:{field_line(name)}: task 1: field {name!r} must be {wording}, "
                    f"got {got}",
                    # The installed command reads a wrong value as the library does: one
                    # of each kind through the process is enough (each costs a start-up).
                    process=kind not in kinds_seen and value is WRONG[kind][0][0],
                )
            )
        kinds_seen.add(kind)
    return cases


def _missing_field_cases() -> list[Case]:
    # A task may leave out the fields most tables leave empty (they then read as "").
    required = [name for name in TASK_FIELDS if name not in SPARSE_FIELDS]
    return [
        Case(
            f"missing-{name}",
            dataset_text(task_lines({name: None})),
            f"{PATH}:{HEADER_LINES + 1}: task 1: missing field {name!r}",
            process=index == 0,
        )
        for index, name in enumerate(required)
    ]


VALID_FIELDS = ", ".join(TASK_FIELDS)
REAL_START = b"dutycli_dataset: 1\ntitle: \xe3\x80\x8a"  # first bytes of a real dataset, then cut

DATASET_CASES: list[Case] = [
    Case("empty-file", b"", f"{PATH}: empty file, not a dataset"),
    Case("blank-file", b"\n  \n\n", f"{PATH}: empty file, not a dataset"),
    Case(
        "binary-png",
        b"\x89PNG\r\n\x1a\n\x00\xff\xfe",
        f"{PATH}: not a YAML dataset \\(not UTF-8 text at byte 0\\)",
    ),
    Case(
        "binary-nul",
        b"\x00\x01\x02\x03",
        f"{PATH}:1: not valid YAML: unacceptable character #x0000: control characters are not allowed",
    ),
    Case(
        "utf16",
        "tasks: []\n".encode("utf-16"),
        f"{PATH}: not a YAML dataset \\(not UTF-8 text at byte 0\\)",
    ),
    Case(
        "truncated-mid-character",
        REAL_START[:-1],
        f"{PATH}: not a YAML dataset \\(not UTF-8 text at byte 26\\)",
    ),
    Case(
        "truncated-flow-list",
        dataset_text(task_lines())[:-40] + b"\n",
        f"{PATH}:\\d+: not valid YAML: .+",
    ),
    Case(
        "truncated-quoted",
        HEADER.encode() + b'- task: "unterminated\n',
        f"{PATH}:\\d+: not valid YAML: found unexpected end of stream",
    ),
    Case("truncated-after-key", HEADER.encode(), f"{PATH}:5: 'tasks' must be a list"),
    Case(
        "plain-text",
        b"just text\n",
        f"{PATH}: not a dutycli dataset \\(expected a mapping with 'tasks'\\)",
    ),
    Case(
        "top-level-list",
        b"- 1\n- 2\n",
        f"{PATH}: not a dutycli dataset \\(expected a mapping with 'tasks'\\)",
    ),
    Case(
        "no-version",
        b"tasks: []\n",
        f"{PATH}:1: unsupported dataset version None \\(this dutycli reads 1\\)",
    ),
    Case(
        "future-version",
        b"dutycli_dataset: 9\ntasks: []\n",
        f"{PATH}:1: unsupported dataset version 9 \\(this dutycli reads 1\\)",
    ),
    Case(
        "tasks-not-a-list",
        b"dutycli_dataset: 1\ntasks: {a: 1}\n",
        f"{PATH}:2: 'tasks' must be a list",
    ),
    Case(
        "task-not-a-mapping",
        dataset_text(["- just text"]),
        f"{PATH}:{HEADER_LINES + 1}: task 1: must be a mapping of fields",
    ),
    Case(
        "goals-wrong",
        dataset_text(task_lines(), header=HEADER.replace("[{number: 1, name: 甲}]", "[1, 2]")),
        f"{PATH}:4: 'goals' must be a list of \\{{number, name\\}}",
    ),
    Case(
        "title-not-text",
        dataset_text(task_lines(), header=HEADER.replace("title: t", "title: [t]")),
        f"{PATH}:2: 'title' must be text",
    ),
    Case(
        "duplicate-ids",
        dataset_text(task_lines(), task_lines()),
        f"{PATH}:{HEADER_LINES + len(TASK_FIELDS) + 1}: task 2: duplicate id 1",
    ),
    Case(
        "duplicate-key-in-task",
        dataset_text([*task_lines(), "  task: 第二个值"]),
        f"{PATH}:{HEADER_LINES + len(TASK_FIELDS) + 1}: not valid YAML: found duplicate key 'task'",
    ),
    Case(
        "duplicate-top-level-key",
        dataset_text(task_lines()) + b"tasks: []\n",
        f"{PATH}:{HEADER_LINES + len(TASK_FIELDS) + 1}: not valid YAML: found duplicate key 'tasks'",
    ),
    Case(
        "unknown-extra-field",
        dataset_text([*task_lines(), "  colour: red"]),
        f"{PATH}:{HEADER_LINES + len(TASK_FIELDS) + 1}: task 1: unknown field 'colour'; "
        f"valid fields: {re.escape(VALID_FIELDS)}",
    ),
    Case(
        "lone-surrogate-escape",
        dataset_text(task_lines({"task": '"a\\ud800b"'})),
        f"{PATH}:{field_line('task')}: not valid YAML: found invalid Unicode character escape code",
    ),
    *_wrong_type_cases(),
    *_missing_field_cases(),
]

# Tags that would build or call Python objects under an unsafe loader. The marker file must
# never appear: the safe loader refuses the tag before anything is constructed.
PYTHON_TAGS = [
    "!!python/object/apply:os.system [touch {marker}]",
    "!!python/object/new:os.system [touch {marker}]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:pathlib.Path {{}}",
    "!<tag:yaml.org,2002:python/object/apply:subprocess.call> [[touch, {marker}]]",
]


def python_tag_case(tag: str, marker: str) -> Case:
    value = tag.format(marker=marker)
    return Case(
        "python-tag-" + re.sub(r"\W+", "-", tag.split()[0]).strip("-"),
        dataset_text(task_lines({"task": value})),
        f"{PATH}:{field_line('task')}: not valid YAML: could not determine a constructor "
        "for the tag .*python/.*",
    )


# --- source tables (dutycli import SOURCE) ----------------------------------------------

Table = list[list[str]]
HEADER_ROW = ["序号", "目标名称", "工作标准", "区政府分管领导", "牵头责任单位"]


def write_text_table(table: Table, preamble: tuple[str, ...] = ("附件1", "标题")) -> bytes:
    """The Word-extracted text format: every cell starts a line with a TAB."""
    lines = list(preamble)
    for row in table:
        lines += ["\t" + cell for cell in row]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _via(writer: Callable[[tables.Table, Path], object]) -> Callable[[Table], bytes]:
    """A writer of tests/tables.py (Word, Excel, CSV) as rows -> bytes."""

    def write(table: Table) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "table"
            writer(tables.Table(["附件1", "标题"], table[0], table[1:]), path)
            return path.read_bytes()

    return write


# One writer per source format the importer reads: suffix -> writer.
SOURCE_WRITERS: dict[str, Callable[[Table], bytes]] = {
    ".txt": write_text_table,
    ".csv": _via(lambda table, path: tables.write_delimited(table, path, ",")),
    ".docx": _via(tables.write_docx),
    ".xlsx": _via(tables.write_xlsx),
}


@dataclass(frozen=True)
class SourceCase:
    id: str
    table: Table | None  # a logical table for every writer, or None for raw bytes
    # suffix -> regex of the stderr line after "dutycli: "; None: the format cannot hold it
    messages: dict[str, str | None]
    raw: bytes = b""
    exit_code: int = 2
    extra: dict[str, Any] = field(default_factory=dict)


ROW = ["1", "目标", "任务文本", "张三", "某局"]


def _at_first_row(message: str, text_line: int = 8) -> dict[str, str | None]:
    """A message about the first body row, where each format places it."""
    return {
        ".txt": f"{NAME}: line {text_line}: {message}",
        ".csv": f"{NAME}: line 4: {message}",
        ".docx": f"{NAME}: row 2: {message}",
        ".xlsx": f"{NAME}: row 4: {message}",
    }


WORD = "not a readable Word \\(\\.docx\\) file: File is not a zip file"
EXCEL = "not a readable Excel \\(\\.xlsx\\) file: File is not a zip file"
NOT_TEXT = (
    "neither UTF-8 nor GB18030/GBK text \\(UTF-8 fails at byte 0, line 1; "
    "GB18030 at byte 9, line 3\\); save it as UTF-8 and import again"
)
NUL = "holds NUL characters \\(first at line 1\\): a binary file, not a text table"
MISSING = (
    "the header lacks a leaders or lead units column \\(分管领导, 牵头单位, 责任单位, …\\); "
    "labels found: 序号, 目标名称, 工作标准, 备注, 说明; name a column with --column LABEL=FIELD "
    "\\(fields: goal_no, goal, item_no, section, task, leaders, lead_units, partner_units, "
    "deadline\\)"
)
EXTRA = "a cell beyond the header's 5 columns: '多余'"

SOURCE_CASES: list[SourceCase] = [
    SourceCase(
        "empty-file",
        None,
        # Said before any reader is chosen (an empty .doc went to LibreOffice, to be called
        # a document without a table).
        dict.fromkeys((".txt", ".csv", ".docx", ".xlsx"), f"{PATH}: empty file, not a table"),
    ),
    SourceCase(
        "binary",
        None,
        {
            ".txt": f"{PATH}: {NOT_TEXT}",
            ".csv": f"{PATH}: {NOT_TEXT}",
            ".docx": f"{PATH}: {WORD}",
            ".xlsx": f"{PATH}: {EXCEL}",
        },
        raw=b"\x89PNG\r\n\x1a\n\x00\xff\xfe",
    ),
    SourceCase(
        "binary-utf8-nul",
        None,
        {
            ".txt": f"{PATH}: {NUL}",
            ".csv": f"{PATH}: {NUL}",
            ".docx": f"{PATH}: {WORD}",
            ".xlsx": f"{PATH}: {EXCEL}",
        },
        raw=b"\x00\x01\x02\x1b[31m",
    ),
    SourceCase(
        "empty-table",
        [HEADER_ROW],
        dict.fromkeys(
            (".txt", ".csv", ".docx", ".xlsx"), f"{NAME}: the table has a header but no rows"
        ),
    ),
    SourceCase(
        "missing-column",
        [[*HEADER_ROW[:3], "备注", "说明"], ROW],
        {
            ".txt": f"{NAME}: line 3: {MISSING}",
            ".csv": f"{NAME}: line 3: {MISSING}",
            ".docx": f"{NAME}: row 1: {MISSING}",
            ".xlsx": f"{NAME}: row 3: {MISSING}",
        },
    ),
    SourceCase(
        "row-with-too-many-cells",
        [HEADER_ROW, ROW, [*ROW, "多余"]],
        {
            ".txt": f"{NAME}: line 18: 16 cells do not make rows of 5; "
            "a row has missing or extra cells",
            ".csv": f"{NAME}: line 5: {EXTRA}",
            ".docx": None,  # every row of a Word table has the table's cells
            ".xlsx": f"{NAME}: row 5: {EXTRA}",
        },
    ),
    SourceCase(
        "row-with-too-few-cells",
        [HEADER_ROW, ROW, ROW[:4]],
        {
            ".txt": f"{NAME}: line 13: 14 cells do not make rows of 5; "
            "a row has missing or extra cells",
            # Rows are delimited: a short row is read with empty cells at its end, as
            # spreadsheets write them, so it is not an error there.
            ".csv": None,
            ".docx": None,
            ".xlsx": None,
        },
    ),
    SourceCase(
        "goal-number-not-a-number",
        [HEADER_ROW, ["甲", *ROW[1:]]],
        _at_first_row("goal number \\(序号\\) '甲' is not a whole number"),
    ),
    SourceCase(
        "first-row-without-goal",
        [HEADER_ROW, ["", *ROW[1:]]],
        _at_first_row("the first row has no goal number \\(序号\\)"),
    ),
    SourceCase(
        "row-without-task-text",
        [HEADER_ROW, [*ROW[:2], "", *ROW[3:]]],
        _at_first_row("a row without task text \\(工作标准\\)", text_line=10),
    ),
]


def regex(template: str, path: str, name: str) -> str:
    return template.replace(PATH, re.escape(path)).replace(NAME, re.escape(name))
