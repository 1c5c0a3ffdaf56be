"""A result as one self-contained web page: grouped, filterable, printable."""

from __future__ import annotations

from dutycli.output.document import Document


def render(document: Document) -> str:
    raise NotImplementedError
