"""The options and arguments commands share, declared once as ``Annotated`` types.

Typer reads options from a command's signature; ``registry.command`` adds the shared ones
(``SHARED``) to a command by name, so a command's own signature holds only its own.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from dutycli.completion import hooks
from dutycli.schema import FORMATS, GROUP_BY, GROUP_BY_LABELS

OutputFormat = Enum("OutputFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]
GroupBy = Enum("GroupBy", {n: n for n in (*GROUP_BY, *GROUP_BY_LABELS)}, type=str)  # type: ignore[misc]
HeaderLanguage = Enum("HeaderLanguage", {n: n for n in ("zh", "en")}, type=str)  # type: ignore[misc]
DatasetFormat = Enum("DatasetFormat", {n: n for n in ("parquet", "ipc", "yaml")}, type=str)  # type: ignore[misc]


class UnitRole(str, Enum):
    lead = "lead"
    partner = "partner"
    any = "any"


FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="table, csv, tsv, json, jsonl, md, xlsx, docx, html or pdf [default: from the --output suffix, else table in a terminal and csv otherwise]",
        show_default=False,
        autocompletion=hooks.complete_format,
    ),
]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="FIELDS",
        help="Comma-separated fields to output, e.g. id,task,lead_units.",
        show_default=False,
        autocompletion=hooks.complete_field,
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Use only values written in each row, not those inherited from merged cells.",
    ),
]
DatasetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--dataset",
        metavar="NAME",
        help="Only this dataset (file name without .yaml) of a --data folder; repeat for more.",
        show_default=False,
        autocompletion=hooks.complete_dataset,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (replaced if it exists) instead of standard output; .csv .tsv .json .jsonl .md .xlsx .docx .html .pdf .txt choose the format.",
        show_default=False,
    ),
]
ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV/TSV for Excel and WPS: a UTF-8 BOM, and a ' before cells starting with = + - @ tab or CR so they are not run as formulas.",
    ),
]
AllFieldsOption = Annotated[
    bool,
    typer.Option(
        "--all-fields",
        help="Every field in xlsx, docx, html, pdf and .txt too (they show the table's own columns).",
    ),
]
GroupByOption = Annotated[
    GroupBy | None,
    typer.Option(
        "--group-by",
        help="goal, leader or unit (or 目标, 分管领导, 牵头单位): a heading per group with its count, then its rows "
        "(table, .txt, md, docx, html, pdf) [default: html and pdf by goal, the others none]",
        show_default=False,
    ),
]
HeaderOption = Annotated[
    HeaderLanguage | None,
    typer.Option(
        "--header",
        help="Column names of csv, tsv, json, jsonl and md: zh, the Chinese labels (编号, 工作标准), "
        "or en, the field names (id, task) [default: en; zh with --excel].",
        show_default=False,
    ),
]
WidthOption = Annotated[
    int | None,
    typer.Option(
        "--width",
        metavar="N",
        min=40,
        max=1000,
        help="Width of a table in characters [default: the terminal's; 100 in a .txt file].",
        show_default=False,
    ),
]
ExplodeOption = Annotated[
    bool,
    typer.Option(
        "--explode",
        help="One row per task × leader × lead unit (fields leader, lead_unit), for pivot tables.",
    ),
]
ProgressStoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        metavar="PATH",
        help="The progress store (督办记录) [default: the dataset's name with .progress.sqlite beside a --data "
        "file, progress.sqlite in a --data folder].",
        show_default=False,
    ),
]
WithProgressOption = Annotated[
    bool,
    typer.Option(
        "--with-progress",
        help="Add each task's latest status and progress (督办) from the progress store: "
        "of --period if given, else of the latest period answered.",
    ),
]
ProgressPeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="The reporting period (填报期): 2019Q1, 2019H1, 2019-03 or 2019.",
        show_default=False,
    ),
]

# The shared options by parameter name: (type with its option, default). A command names the
# ones it takes (``registry.command(shared=...)``); they follow its own, in this order.
SHARED: dict[str, tuple[Any, Any]] = {
    "strict": (StrictOption, False),
    "dataset": (DatasetOption, None),
    "fmt": (FormatOption, None),
    "fields": (FieldsOption, None),
    "all_fields": (AllFieldsOption, False),
    "explode": (ExplodeOption, False),
    "group_by": (GroupByOption, None),
    "width": (WidthOption, None),
    "output": (OutputOption, None),
    "excel": (ExcelOption, False),
    "header": (HeaderOption, None),
    "with_progress": (WithProgressOption, False),
    "period": (ProgressPeriodOption, None),
    "store": (ProgressStoreOption, None),
}
# Commands that list tasks: every shared option.
ROWS = tuple(SHARED)
# The options of --with-progress (督办), for commands that list tasks.
PROGRESS = ("with_progress", "period", "store")
# Commands that list something else (names, goals, counts): all but --explode, --group-by and
# --with-progress.
TABLE = tuple(name for name in SHARED if name not in ("explode", "group_by", *PROGRESS))

# Options of some commands each.
ExactOption = Annotated[
    bool, typer.Option("--exact", help="Match whole names only, not parts of names.")
]
RoleOption = Annotated[
    UnitRole,
    typer.Option("--role", help="Lead units (牵头), partner units (配合), or either (any)."),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]

# --top N of stats and matrix: how many names the terminal picture shows.
_TOP: dict[str, Any] = {"metavar": "N", "min": 0, "show_default": False}
StatsTopOption = Annotated[
    int | None,
    typer.Option(
        "--top",
        help="Only the N leaders and N units with most tasks; 0 for all "
        "[default: 15 in the terminal, all otherwise].",
        **_TOP,
    ),
]
MatrixTopOption = Annotated[
    int | None,
    typer.Option(
        "--top",
        help="Show only the N units with most tasks in the terminal; 0 for all [default: 12]. "
        "Files and pipes always get every unit.",
        **_TOP,
    ),
]

# The progress store (督办) of every ``dutycli progress`` command.
