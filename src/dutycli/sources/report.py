"""The import report: what the importer changed, inferred, or did not read, for the user.

``lines`` lists every normalized cell (``import -v``, ``--check``); ``summary`` is the line
every import prints, and it always counts what was not read or read only in part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dutycli.i18n import t
from dutycli.sources.table import Note, clauses, counted, field_name, kinds, listed

# The columns of a table, in the order a report lists them (item_no and section come from
# headings unless a column is mapped to them).
TABLE_COLUMNS = ("goal_no", "goal", "task", "leaders", "lead_units", "partner_units", "deadline")
# Columns whose absence the summary line names: most tables have them.
KEY_COLUMNS = ("goal_no", "goal", "leaders", "lead_units")


@dataclass
class ImportReport:
    """What the importer changed or inferred, so nothing is normalized silently."""

    unit: str = "line"  # what the numbers count: lines of a text file, rows of a table
    joined_names: list[tuple[int, str]] = field(default_factory=list)
    wrapped_names: list[tuple[int, str]] = field(default_factory=list)
    open_lists: list[tuple[int, str]] = field(default_factory=list)
    inherited_cells: list[tuple[int, str]] = field(default_factory=list)
    continued_goals: list[tuple[int, int]] = field(default_factory=list)
    skipped_headers: list[int] = field(default_factory=list)
    empty_first_cells: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[tuple[str, str]] = field(default_factory=list)  # (label, why)
    columns: dict[str, str] = field(default_factory=dict)  # field: its header label
    headings: list[tuple[int, str]] = field(default_factory=list)  # (line, what it became)
    count_mismatches: list[tuple[int, str]] = field(default_factory=list)  # (line, what)
    # Tasks with neither leaders nor lead units, own or inherited: answered by no by-unit or
    # by-leader, and often a note or a heading typed into the task column.
    unowned_tasks: list[tuple[int, str]] = field(default_factory=list)  # (line, task text)
    # What was not read, or read only in part (from the reader, and the preamble and merges
    # across columns from here): always counted in the summary line.
    notes: list[Note] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The columns read, then every normalized cell in the order of the table's rows (the
        kinds of one row in a fixed order), then what concerns the file as a whole."""
        out = []
        if self.columns:
            read = [f"{label} → {field_name(column)}" for column, label in self.columns.items()]
            out.append(t("columns read: {columns}", columns=listed(read)))
            absent = [field_name(c) for c in TABLE_COLUMNS if c not in self.columns]
            if absent:
                out.append(t("columns absent (left empty): {columns}", columns=listed(absent)))
        out += [
            t("ignored column {label!r} ({why})", label=label, why=why)
            for label, why in self.ignored_columns
        ]
        rows: list[tuple[int, str]] = []
        rows += [
            (ln, t("joined name written with spaces: {name!r}", name=name))
            for ln, name in self.joined_names
        ]
        rows += [
            (ln, t("name wrapped onto the next line joined: {name!r}", name=name))
            for ln, name in self.wrapped_names
        ]
        rows += [
            (ln, t("open-ended list (等) in {column}", column=field_name(column)))
            for ln, column in self.open_lists
        ]
        rows += [
            (ln, t("merged cell, {column} inherited from the row above", column=field_name(column)))
            for ln, column in self.inherited_cells
        ]
        rows += [
            (ln, t("goal {number} repeated at a page break, read as the same goal", number=no))
            for ln, no in self.continued_goals
        ]
        rows += [(ln, t("repeated header row skipped")) for ln in self.skipped_headers]
        rows += self.headings  # each said in full where it was read (sources/goals.py)
        rows += self.count_mismatches
        rows += [
            (
                ln,
                t("task without leaders or lead units (a note or a heading?): {text!r}", text=text),
            )
            for ln, text in self.unowned_tasks
        ]
        rows += [
            (ln, t("no {column} at the first row of its goal", column=field_name(column)))
            for ln, column in self.empty_first_cells
        ]
        rows += [(n.line, n.text) for n in self.notes if n.line]
        rows.sort(key=lambda entry: entry[0])  # stable: one row's kinds keep their order
        if self.unit == "row":
            out += [t("row {number}: {text}", number=ln, text=text) for ln, text in rows]
        else:
            out += [t("line {number}: {text}", number=ln, text=text) for ln, text in rows]
        out += [n.text for n in self.notes if not n.line]
        return out

    def summary(self) -> str:
        # What was not read comes first: it is what a reader of the summary must not miss.
        parts = self.note_counts()
        if self.unowned_tasks:  # found by no by-unit or by-leader: not to be missed either
            parts.append(
                t(
                    "{tasks} without leaders or lead units",
                    tasks=counted(len(self.unowned_tasks), "task"),
                )
            )
        parts += [
            t("{count} names joined", count=len(self.joined_names)),
            t("{count} open-ended lists", count=len(self.open_lists)),
            t("{count} merged cells inherited", count=len(self.inherited_cells)),
            t("{count} page-break goal rows", count=len(self.continued_goals)),
            t("{count} empty first cells", count=len(self.empty_first_cells)),
        ]
        # Only what happened: a text file never has these.
        if self.wrapped_names:
            parts.append(t("{count} wrapped names joined", count=len(self.wrapped_names)))
        if self.headings:
            parts.append(t("{count} heading rows", count=len(self.headings)))
        if self.count_mismatches:
            parts.append(
                t(
                    "{count} heading counts differ from their items",
                    count=len(self.count_mismatches),
                )
            )
        absent = [field_name(c) for c in KEY_COLUMNS if self.columns and c not in self.columns]
        if absent:
            parts.append(t("columns absent: {columns}", columns=listed(absent)))
        if self.skipped_headers:
            parts.append(t("{count} repeated header rows skipped", count=len(self.skipped_headers)))
        if self.ignored_columns:
            parts.append(t("{count} columns ignored", count=len(self.ignored_columns)))
        return clauses(parts)

    def note_counts(self) -> list[str]:
        """Each kind of note with its count, and the rows it left unread: '1 table not read (4 rows)'."""
        by_kind: dict[str, list[Note]] = {}
        for note in self.notes:
            by_kind.setdefault(note.kind, []).append(note)
        parts = []
        for kind, notes in by_kind.items():
            count = sum(n.count for n in notes)
            rows = sum(n.rows for n in notes)
            part = f"{count} {kinds(kind, count)}"
            if rows:
                part = t("{part} ({rows})", part=part, rows=counted(rows, "row"))
            parts.append(part)
        return parts
