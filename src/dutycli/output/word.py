"""A result as a Word document (.docx) in the source table's shape (the docx extra)."""

from __future__ import annotations

from typing import BinaryIO

from dutycli.errors import DutyError
from dutycli.output.document import Document


def write_docx(document: Document, out: BinaryIO) -> None:
    raise DutyError("docx output is not written yet")
