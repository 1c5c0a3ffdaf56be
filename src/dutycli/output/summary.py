"""The bare ``dutycli`` screen: what is loaded and what to try. Plain text: no Rich."""

from __future__ import annotations

from typing import Any

from dutycli.i18n import t
from dutycli.output.streams import write_text
from dutycli.output.text import display_width, escape_controls


def summary_hints() -> list[tuple[str, str]]:
    """The commands the bare ``dutycli`` suggests, each with what it finds."""
    return [
        ("by-unit 发改局", t("tasks a unit leads")),
        ("by-leader 陆秋明", t("tasks a leader is in charge of")),
        ("by-target 4", t("tasks of a goal")),
        ("search 石墨烯", t("tasks by keyword")),
        ("units | leaders | targets", t("directories with task counts")),
    ]


def summary(meta: dict[str, Any], counts: dict[str, int], path: str, data_option: str) -> None:
    """The bare ``dutycli`` screen: what is loaded and what to try.

    ``data_option`` (``--data PATH ``, or empty) goes into the commands suggested, so that
    they query the same data when copied.
    """
    title = str(meta.get("title") or t("(untitled dataset)"))
    label = str(meta.get("label") or "")
    hints = [(f"dutycli {data_option}{command}", what) for command, what in summary_hints()]
    hints.append(("dutycli --help", t("every command and option")))
    # One column for the descriptions, unless a long --data path would push it far right.
    width = min(max(display_width(command) for command, _ in hints[:-2]) + 7, 40)
    lines = [
        escape_controls(f"{title}  {label}".rstrip(), keep_newlines=False),
        t("dataset {path}", path=escape_controls(path, keep_newlines=False)),
        t(
            "{goals} goals · {tasks} tasks · {leaders} leaders in charge · {units} lead units",
            **counts,
        ),
        "",
        t("Try:"),
    ]
    for command, what in hints:
        gap = " " * max(3, width - display_width(command))
        lines.append(f"  {escape_controls(command, keep_newlines=False)}{gap}{what}")
    write_text("\n".join(lines) + "\n")
