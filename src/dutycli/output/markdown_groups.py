"""Markdown with --group-by: a heading per group, then the group's rows as a table."""

from __future__ import annotations

from dutycli.output.document import Document, group_title
from dutycli.output.flat import markdown_cell


def grouped(document: Document) -> str:
    """A heading (``##``) per group with its count, then the group's rows as a table."""
    header = " | ".join(markdown_cell(c) for c in document.labels)
    parts = []
    for group in document.groups:
        lines = [f"## {markdown_cell(group_title(document.group_by, group))}", ""]
        lines += [f"| {header} |", "|" + "---|" * len(document.columns)]
        lines += [
            "| " + " | ".join(markdown_cell(v) for v in document.rows[i]) + " |" for i in group.rows
        ]
        parts.append("\n".join(lines) + "\n")
    notes = "".join(f"\n{markdown_cell(line)}\n" for line in document.notes)
    return "\n".join(parts) + notes
