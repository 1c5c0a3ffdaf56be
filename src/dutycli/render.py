"""Rendering results: the one place that knows output formats.

Flat formats (CSV, TSV, JSON, JSONL, Markdown) keep every character of the data.
The terminal table shows control characters as visible escapes instead of sending
them to the terminal, and never reads data as Rich markup.
"""

from __future__ import annotations

import errno
import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from dutycli.errors import OutputClosed, OutputError, QueryError
from dutycli.schema import (
    DIFF_PREFIXES,
    INHERITABLE_COLUMNS,
    NAME_COLUMNS,
    NAME_JOINER,
    OPTIONAL_COLUMNS,
    label,
)

if TYPE_CHECKING:
    from pathlib import Path
    from typing import TypeVar

    import polars as pl
    from rich.text import Text

    FlatFrame = TypeVar("FlatFrame", pl.DataFrame, pl.LazyFrame)

ResultKind = Literal[
    "tasks", "names", "goals", "record", "datasets", "changes", "stats", "matrix", "metrics"
]

INHERITED_MARK = "↑"
SHEET_TITLES = {
    "tasks": "任务",
    "names": "名录",
    "goals": "目标",
    "record": "任务",
    "stats": "统计",
    "matrix": "领导×单位",
    "metrics": "量化指标",
}
# How many leaders/units the terminal pictures of stats and matrix show unless --top says.
DEFAULT_TOP = {"stats": 15, "matrix": 12}
# Text whose line breaks are layout; in every other column (names, datasets, paths) a line
# break is escaped, so one value never reads as two.
MULTILINE_COLUMNS = {"task", "goal", "old_task", "new_task", "phrase", "title", "label"}
# Columns left out of the terminal table unless asked for (they are in every flat format).
TABLE_HIDDEN = {"source_line"}
NUMBER_COLUMNS = {"id", "goal_no", "tasks", "inherited", "source_line", "old_id", "new_id"}
NUMBER_COLUMNS |= {"goals", "leader_count", "unit_count", "similarity", "value", "count"}
# What a terminal must never receive raw from data: C0/C1 controls (ESC starts ANSI
# sequences), the bidi controls that can reorder a line (U+061C, U+200E/F, U+202A-E,
# U+2066-9), line/paragraph separators that split a row, and invisible format
# characters (zero-width space/joiners, word joiner, BOM, interlinear annotation) that
# make two different names look alike. A newline is layout in task text and kept there.
_INVISIBLE = "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
_UNSAFE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")  # newline too


@dataclass
class Result:
    """What a command found: the rows, what they are, and what to emphasize in a table."""

    frame: pl.DataFrame | pl.LazyFrame  # lazy for a scanned dataset: read once, by ``rows``
    kind: ResultKind = "tasks"
    highlight_patterns: list[str] = field(default_factory=list)
    highlight_names: list[str] = field(default_factory=list)
    fields_chosen: bool = False  # the user picked columns with --fields: show exactly those
    top: int | None = None  # stats/matrix: how many names the terminal picture shows

    @property
    def rows(self) -> pl.DataFrame:
        """The result's rows: a lazy frame is collected here, at the render boundary."""
        import polars as pl

        if isinstance(self.frame, pl.LazyFrame):
            self.frame = self.frame.collect()
        return self.frame


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, keep_newlines: bool = True) -> str:
    """Control and invisible characters as visible escapes (``\\x1b``), for terminal text.

    With ``keep_newlines=False`` a newline is escaped too: for a one-line message or a name.
    """
    return (_UNSAFE if keep_newlines else _UNSAFE_LINE).sub(_escape, text)


def note(message: str) -> None:
    """A one-line message on stderr (never on stdout, which may be feeding a pipe)."""
    # A path or argument an ASCII locale decoded to surrogates is shown as the UTF-8 it is.
    message = message.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    sys.stderr.write(f"dutycli: {escape_controls(message, keep_newlines=False)}\n")
    sys.stderr.flush()


def default_format() -> str:
    # A table for people, CSV for pipes and files: a piped Rich table would be cut to 80 columns.
    return "table" if sys.stdout.isatty() else "csv"


@contextmanager
def _stdout_guard() -> Iterator[None]:
    """Flush stdout; turn a closed pipe or a full disk into a DutyError the CLI knows."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        raise output_error(exc) from None


def output_error(exc: OSError) -> OutputClosed | OutputError:
    """A failed write to stdout: a reader that left (quiet) or a real error (one line)."""
    code = exc.errno
    if code is None:
        # A Rust writer (Polars) gives no errno, only "(os error 32)" in its text.
        found = re.search(r"os error (\d+)", str(exc))
        code = int(found.group(1)) if found else None
    if code == errno.EPIPE:
        return OutputClosed()
    reason = os.strerror(code) if code else str(exc)
    return OutputError(f"cannot write output: {reason}")


def _closed_pipe() -> None:
    # Rich's own handler exits with status 1; a reader leaving early is a normal end for us.
    raise OutputClosed()


def emit(result: Result, fmt: str, output: Path | None = None, excel: bool = False) -> None:
    """Write ``result`` as ``fmt`` to stdout, or to the file ``output`` (replaced atomically).

    ``excel`` (CSV/TSV only) adds a UTF-8 BOM and defuses cells a spreadsheet would run as
    formulas; without it CSV is written plain.
    """
    if excel and fmt not in ("csv", "tsv"):
        raise QueryError(f"--excel applies to csv and tsv output, not {fmt}")
    if output is not None and str(output) != "-":
        from dutycli import export

        export.write_file(output, lambda out: _emit(result, fmt, out, excel, to_file=True))
        return
    if fmt == "xlsx" and sys.stdout.isatty():
        raise QueryError("xlsx is a binary workbook, not for a terminal: add --output FILE.xlsx")
    with _stdout_guard():
        _emit(result, fmt, sys.stdout.buffer, excel)


def emit_text(text: str) -> None:
    emit_bytes(text.encode("utf-8"))


def emit_bytes(data: bytes) -> None:
    with _stdout_guard():
        sys.stdout.buffer.write(data)


def _emit(
    result: Result, fmt: str, out: BinaryIO, excel: bool = False, to_file: bool = False
) -> None:
    if fmt == "table":
        if to_file:
            text_out = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
            _table(result, text_out)
            text_out.detach()
        else:
            _table(result)
    elif fmt == "xlsx":
        from dutycli import export

        frame = flat(result.rows)
        headers = [label(c) for c in frame.columns]
        export.write_xlsx(frame, headers, out, title=SHEET_TITLES[result.kind])
    else:
        if excel:
            from dutycli import export

            out.write(export.UTF8_BOM)
        # Rendered in memory, then written from Python: a Polars writer blocked on a full
        # pipe would hold off Ctrl-C, a Python write is interrupted by it (exit 130).
        out.write(render_flat(result.rows, fmt, excel))


def render_flat(frame: pl.DataFrame, fmt: str, excel: bool = False) -> bytes:
    """A frame in one of the flat formats as UTF-8, every character of the data kept.

    ``excel`` (CSV/TSV) defuses cells a spreadsheet would run as formulas. Polars writes the
    bytes directly: a million rows as a str would be decoded and encoded again for nothing.
    """
    buffer = io.BytesIO()
    if fmt in ("csv", "tsv"):
        frame = flat(frame)
        if excel:
            from dutycli import export

            frame = export.neutralize(frame)
        frame.write_csv(buffer, separator="," if fmt == "csv" else "\t")
    elif fmt == "json":
        if frame.is_empty():
            return b"[]\n"
        frame.write_json(buffer)
        buffer.write(b"\n")
    elif fmt == "jsonl":
        frame.write_ndjson(buffer)
    elif fmt == "md":
        return markdown(frame).encode("utf-8")
    else:
        raise ValueError(fmt)  # pragma: no cover - the CLI validates formats
    return buffer.getvalue()


def flat(frame: FlatFrame) -> FlatFrame:
    """Lists joined with 、 so that CSV/TSV can hold them (lazily, for a LazyFrame)."""
    import polars as pl

    schema = frame.collect_schema()
    lists = [name for name, dtype in schema.items() if isinstance(dtype, pl.List)]
    return frame.with_columns(pl.col(name).list.join(NAME_JOINER) for name in lists)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return NAME_JOINER.join(_cell_text(v) for v in value)
    return str(value)


def markdown(frame: pl.DataFrame) -> str:
    def cell(value: Any) -> str:
        text = _cell_text(value).replace("\\", "\\\\").replace("|", "\\|")
        return text.replace("\r\n", "<br>").replace("\n", "<br>")

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join(lines) + "\n"


# --- the terminal table -------------------------------------------------------------


def _console(file: Any = None) -> Any:
    from rich.console import Console

    if file is not None:
        # --format table --output FILE: plain text at a generous width.
        return Console(highlight=False, width=160, file=file, color_system=None)
    if sys.stdout.isatty():
        console = Console(highlight=False, soft_wrap=False)
    else:
        # An explicit --format table into a pipe or file: a generous width, not Rich's 80.
        width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 160
        console = Console(highlight=False, width=width, force_terminal=False, color_system=None)
    console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
    return console


def safe_text(value: str, style: str = "", keep_newlines: bool = True) -> Text:
    """Data as a Rich Text: never parsed as markup, control characters shown as escapes.

    ``keep_newlines=False`` for names: a line break inside one name would read as two names.
    """
    from rich.text import Text

    text = Text(style=style)
    position = 0
    for match in (_UNSAFE if keep_newlines else _UNSAFE_LINE).finditer(value):
        text.append(value[position : match.start()])
        text.append(_escape(match), style="reverse")
        position = match.end()
    text.append(value[position:])
    return text


def _names_text(
    names: list[str] | None, inherited: bool, open_ended: bool, emphasize: set[str]
) -> Text:
    from rich.text import Text

    text = Text()
    for index, name in enumerate(names or []):
        if index:
            text.append(NAME_JOINER)
        style = "bold yellow" if name in emphasize else ("dim" if inherited else "")
        text.append_text(safe_text(name, style, keep_newlines=False))
    if open_ended:
        text.append("等", style="dim" if inherited else "")
    if inherited and names:
        text.append(f" {INHERITED_MARK}", style="cyan")
    return text


# Exploded results (--explode) name one leader/unit per row; their flags keep the list's name.
EXPLODED_NAMES = {"leader": "leaders", "lead_unit": "lead_units"}
# Columns that take the width left over; the others are as wide as their content, up to a cap.
FLEX_COLUMNS = ("task", "old_task", "new_task", "phrase")
FLEX_COMFORT = 30  # a task column this wide comes before widening the others
COLUMN_CAPS = {"goal": 14, "deadline": 14, "dataset": 12}
NAMES_CAP = 20  # 地方金融监督管理局、 fits
TEXT_CAP = 30
# The diff's change kinds, for people; CSV and JSON keep the machine values.
CHANGE_LABELS = {"added": "新增", "removed": "删除", "changed": "变更"}


@dataclass
class _Column:
    name: str
    kind: Literal["number", "names", "text"]
    cells: list[Text] = field(default_factory=list)
    width: int = 0


def _table(result: Result, file: Any = None) -> None:
    import polars as pl
    from rich.table import Table
    from rich.text import Text

    from dutycli import wrap

    frame = result.rows
    console = _console(file)
    if result.kind == "record":
        _record(console, frame)
        return
    if result.kind in ("stats", "matrix") and not result.fields_chosen:
        _picture(console, result)
        return
    columns = list(frame.columns)
    # With a value column shown, its provenance flags become markers rather than columns.
    folded = {
        f"{c}_{flag}"
        for c in INHERITABLE_COLUMNS
        if c in columns or c in {EXPLODED_NAMES.get(e) for e in columns}
        for flag in ("inherited", "open_ended")
    }
    shown = [c for c in columns if c not in folded]
    if not result.fields_chosen:
        hidden = set(TABLE_HIDDEN)
        # A table without partner units or deadlines should not show empty columns for them
        # (nor should diff's old_/new_ copies of them).
        for column in columns:
            base = column.removeprefix("old_").removeprefix("new_")
            if base in OPTIONAL_COLUMNS and not any(frame.get_column(column).to_list()):
                hidden |= {column, f"{column}_inherited", f"{column}_open_ended"}
        shown = [c for c in shown if c not in hidden]

    def kind(column: str) -> Literal["number", "names", "text"]:
        if column in NUMBER_COLUMNS:
            return "number"
        base = column.removeprefix("old_").removeprefix("new_")
        if base in NAME_COLUMNS or column in EXPLODED_NAMES or frame.schema[column] == pl.List:
            return "names"
        return "text"

    table_columns = [_Column(column, kind(column)) for column in shown]
    any_inherited = False
    emphasize = set(result.highlight_names)
    for row in frame.iter_rows(named=True):
        for spec in table_columns:
            column = spec.name
            value = row[column]
            names_of = EXPLODED_NAMES.get(column, column)
            if names_of in NAME_COLUMNS:
                names = ([value] if value else []) if column in EXPLODED_NAMES else value
                inherited = bool(row.get(f"{names_of}_inherited")) and bool(names)
                any_inherited |= inherited
                spec.cells.append(
                    _names_text(
                        names, inherited, bool(row.get(f"{names_of}_open_ended")), emphasize
                    )
                )
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a whole number reads 5, not 5.0 (flat formats keep 5.0)
            if column == "change":
                value = CHANGE_LABELS.get(value, value)
            text = safe_text(
                _cell_text(value) if not isinstance(value, bool) else ("是" if value else ""),
                keep_newlines=column in MULTILINE_COLUMNS,
            )
            if column in INHERITABLE_COLUMNS and row.get(f"{column}_inherited") and value:
                any_inherited = True
                text.stylize("dim")
                text.append(f" {INHERITED_MARK}", style="cyan")
            if column in ("task", "goal"):
                for pattern in result.highlight_patterns:
                    try:
                        text.highlight_regex(pattern, style="bold reverse")
                    except re.error:
                        break  # a Rust-only regex feature: skip the highlight, keep the row
            if isinstance(value, list):
                text = Text()
                for index, item in enumerate(value):
                    if index:
                        text.append(NAME_JOINER)
                    text.append_text(
                        safe_text(
                            str(item),
                            "bold yellow" if item in emphasize else "",
                            keep_newlines=False,
                        )
                    )
            spec.cells.append(text)

    _fit(table_columns, console.width)
    table = Table(show_lines=True, header_style="bold")
    for spec in table_columns:
        table.add_column(
            _header(spec.name, spec.width),
            width=spec.width,
            overflow="fold",  # only for a terminal too narrow for the layout
            no_wrap=spec.kind == "number",
            justify="right" if spec.kind == "number" else "left",
        )
    for index in range(len(frame)):
        table.add_row(
            *(
                spec.cells[index]
                if spec.kind == "number"
                else wrap.wrap(spec.cells[index], spec.width, names=spec.kind == "names")
                for spec in table_columns
            )
        )
    console.print(table)
    console.print(Text(_count_line(result, frame), style="bold"))
    if any_inherited:
        console.print(
            Text(
                f"{INHERITED_MARK} 合并单元格：沿用同一目标内上一行的值（--strict 只看本行填写的值）",
                style="dim",
            )
        )


def _header(column: str, width: int) -> Text:
    """A column's label, on two lines when narrower than it: 原/新 on a line of its own."""
    from rich.cells import cell_len
    from rich.text import Text

    from dutycli import wrap

    text = label(column)
    if cell_len(text) > width and column.startswith(tuple(DIFF_PREFIXES)):
        base = label(column.split("_", 1)[1])
        return Text(text[: len(text) - len(base)] + "\n").append_text(wrap.wrap(Text(base), width))
    return wrap.wrap(Text(text), width)


def _fit(columns: list[_Column], console_width: int) -> None:
    """Column widths for a terminal ``console_width`` cells wide (sets ``width`` on each).

    Every column gets the width below which its content would break badly (a name, a
    number); then numbers their header's width, the task text a comfortable width, the
    other columns their content's (capped), and the task text the rest.
    """
    from rich.cells import cell_len

    from dutycli import wrap

    # Rich's box: a border before every column and after the last, one space of padding each side.
    available = console_width - 3 * len(columns) - 1
    least: list[int] = []
    wanted: list[int] = []
    natural: list[int] = []
    for spec in columns:
        header = cell_len(label(spec.name))
        base = spec.name.removeprefix("old_").removeprefix("new_")
        plains = [cell.plain for cell in spec.cells]
        longest = max([header, *(wrap.longest_line(p) for p in plains)])
        natural.append(longest)
        if spec.kind == "number":
            # Numbers never wrap; a narrow terminal wraps their header instead.
            least.append(max([2, *(cell_len(p) for p in plains)]))
            wanted.append(longest)
            continue
        unbreakable = max([0, *(wrap.widest(p, names=spec.kind == "names") for p in plains)])
        if spec.name in FLEX_COLUMNS:
            cap = longest
            floor = min(longest, max(header, unbreakable, 16))
        else:
            cap = COLUMN_CAPS.get(base, NAMES_CAP if spec.kind == "names" else TEXT_CAP)
            # A name column may wrap its header rather than squeeze the task text.
            # (原/新 then goes on a line of its own above the label: 原 / 分管领导).
            short_header = cell_len(label(base)) if base != spec.name else header
            floor = max(unbreakable, min(short_header, 8))
            floor = min(floor, cap, longest)
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

    # Too narrow even for that: take from the task text first (it wraps anywhere), then
    # from other text, and only then split names; below 4 cells Rich folds what is left.
    names = [i for i in others if columns[i].kind == "names"]
    texts = [i for i in others if i not in names]
    for group, floor in ((flex, 8), (texts, 6), (flex + texts + names, 4)):
        while spare < 0:
            candidates = [i for i in group if widths[i] > floor]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            widths[widest] -= 1
            spare += 1
    grow(numbers, wanted)
    grow(flex, [min(w, FLEX_COMFORT) for w in wanted])
    grow(others, wanted)
    grow(flex, wanted)
    if not flex:
        grow(others, natural)  # no task text to give the room to: let long values unfold
    for spec, width in zip(columns, widths, strict=True):
        spec.width = width


def _count_line(result: Result, frame: pl.DataFrame) -> str:
    count = len(frame)
    if result.kind == "tasks" and EXPLODED_NAMES.keys() & set(frame.columns):
        # --explode: a row is a task × leader × unit, so rows and tasks are different counts.
        if "id" not in frame.columns:
            return f"共 {count} 行"
        keys = [c for c in ("dataset", "id") if c in frame.columns]
        return f"共 {count} 行（{frame.select(keys).n_unique()} 条任务）"
    noun = {
        "tasks": "条任务",
        "names": "个名称",
        "goals": "个目标",
        "record": "条任务",
        "datasets": "个数据集",
        "changes": "处变化",
        "stats": "行",
        "matrix": "位领导",
        "metrics": "个量化指标",
    }[result.kind]
    return f"共 {count} {noun}"


def _picture(console: Any, result: Result) -> None:
    """The terminal view of stats (bar charts) and matrix (shaded grid)."""
    from dutycli import charts

    limit = DEFAULT_TOP[result.kind] if result.top is None else result.top
    if result.kind == "matrix":
        charts.matrix(console, result.rows, limit)
        return
    from dutycli.analysis import top

    frame = top(result.rows, limit)
    # The dataset section counts every leader and unit, also those cut by --top before.
    totals = dict(
        frame.filter(frame.get_column("section") == "dataset").select("name", "count").iter_rows()
    )
    hidden = {
        section: totals.get(plural, 0) - int((frame.get_column("section") == section).sum())
        for section, plural in (("leader", "leaders"), ("unit", "units"))
    }
    charts.stats(console, frame, hidden)


def _record(console: Any, frame: pl.DataFrame) -> None:
    from rich.cells import cell_len
    from rich.table import Table

    from dutycli import wrap

    for row in frame.iter_rows(named=True):
        fields: list[tuple[str, Text]] = []
        for column, value in row.items():
            if column.endswith("_source_id"):
                continue
            if column in OPTIONAL_COLUMNS and not value and not row.get(f"{column}_source_id"):
                continue  # the table has no such column, or this row leaves it empty
            if column in NAME_COLUMNS:
                text = _names_text(
                    value,
                    bool(row.get(f"{column}_inherited")) and bool(value),
                    bool(row.get(f"{column}_open_ended")),
                    set(),
                )
                fields.append((column, text))
            elif column in INHERITABLE_COLUMNS:
                text = safe_text(_cell_text(value))
                if row.get(f"{column}_inherited") and value:
                    text.append(f" {INHERITED_MARK}", style="cyan")
                fields.append((column, text))
            elif not column.endswith(("_inherited", "_open_ended")):
                fields.append((column, safe_text(_cell_text(value))))
        label_width = max(cell_len(label(column)) for column, _ in fields)
        # Two columns: borders and padding take 7 cells.
        width = max(console.width - label_width - 7, 8)
        table = Table(show_header=False, show_lines=True)
        table.add_column("字段", style="bold", no_wrap=True, width=label_width)
        table.add_column("值", overflow="fold", width=width)
        for column, text in fields:
            text = wrap.wrap(text, width, names=column in NAME_COLUMNS)
            if column in INHERITABLE_COLUMNS:
                # The provenance note follows the names, on a line of its own when they fill one.
                note = safe_text(_provenance(row, column), "italic")
                last = text.plain.rsplit("\n", 1)[-1]
                if cell_len(last) + note.cell_len > width:
                    text.append("\n")
                text.append_text(wrap.wrap(note, width))
            table.add_row(label(column), text)
        console.print(table)


def _provenance(row: dict[str, Any], column: str) -> str:
    if not row[column]:
        return "（未填写，且同一目标内上方无可沿用的值）"
    parts = []
    if row.get(f"{column}_inherited"):
        source = row.get(f"{column}_source_id")
        parts.append(
            f"（合并单元格，沿用第 {source} 条的值）" if source else "（合并单元格，沿用上一行）"
        )
    else:
        parts.append("（本行填写）")
    if row.get(f"{column}_open_ended"):
        parts.append("（原表名单以“等”结尾，未列尽）")
    return "".join(parts)


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
    import unicodedata

    def cells(text: str) -> int:
        # Display width (CJK takes two cells) without Rich, which this plain screen never loads.
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    title = str(meta.get("title") or "（未命名数据集）")
    label = str(meta.get("label") or "")
    hints = [(f"dutycli {data_option}{command}", what) for command, what in SUMMARY_HINTS]
    hints.append(("dutycli --help", "全部命令与选项"))
    # One column for the descriptions, unless a long --data path would push it far right.
    width = min(max(cells(command) for command, _ in hints[:-2]) + 7, 40)
    lines = [
        escape_controls(f"{title}  {label}".rstrip(), keep_newlines=False),
        f"数据集 {escape_controls(path, keep_newlines=False)}",
        f"{counts['goals']} 个目标 · {counts['tasks']} 条任务 · {counts['leaders']} 位分管领导 · "
        f"{counts['units']} 个牵头单位",
        "",
        "试试：",
    ]
    for command, what in hints:
        gap = " " * max(3, width - cells(command))
        lines.append(f"  {escape_controls(command, keep_newlines=False)}{gap}{what}")
    emit_text("\n".join(lines) + "\n")
