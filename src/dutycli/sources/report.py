"""The import report: what the importer changed, inferred, or did not read, for the user.

``lines`` lists every normalized cell (``import -v``, ``--check``); ``summary`` is the line
every import prints, and it always counts what was not read or read only in part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dutycli.sources.table import NOTE_KINDS, Note, counted

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
        at = self.unit
        out = []
        if self.columns:
            read = ", ".join(f"{label} → {column}" for column, label in self.columns.items())
            out.append(f"columns read: {read}")
            absent = [c for c in TABLE_COLUMNS if c not in self.columns]
            if absent:
                out.append(f"columns absent (left empty): {', '.join(absent)}")
        out += [f"ignored column {label!r} ({why})" for label, why in self.ignored_columns]
        rows: list[tuple[int, str]] = []
        rows += [
            (ln, f"joined name written with spaces: {name!r}") for ln, name in self.joined_names
        ]
        rows += [
            (ln, f"name wrapped onto the next line joined: {name!r}")
            for ln, name in self.wrapped_names
        ]
        rows += [(ln, f"open-ended list (等) in {column}") for ln, column in self.open_lists]
        rows += [
            (ln, f"merged cell, {column} inherited from the row above")
            for ln, column in self.inherited_cells
        ]
        rows += [
            (ln, f"goal {no} repeated at a page break, read as the same goal")
            for ln, no in self.continued_goals
        ]
        rows += [(ln, "repeated header row skipped") for ln in self.skipped_headers]
        rows += [(ln, f"heading row {role}") for ln, role in self.headings]
        rows += [(ln, f"heading {what}") for ln, what in self.count_mismatches]
        rows += [
            (ln, f"task without leaders or lead units (a note or a heading?): {text!r}")
            for ln, text in self.unowned_tasks
        ]
        rows += [
            (ln, f"no {column} at the first row of its goal")
            for ln, column in self.empty_first_cells
        ]
        rows += [(n.line, n.text) for n in self.notes if n.line]
        rows.sort(key=lambda entry: entry[0])  # stable: one row's kinds keep their order
        out += [f"{at} {ln}: {text}" for ln, text in rows]
        out += [n.text for n in self.notes if not n.line]
        return out

    def summary(self) -> str:
        # What was not read comes first: it is what a reader of the summary must not miss.
        parts = self.note_counts()
        if self.unowned_tasks:  # found by no by-unit or by-leader: not to be missed either
            parts.append(
                f"{counted(len(self.unowned_tasks), 'task')} without leaders or lead units"
            )
        parts += [
            f"{len(self.joined_names)} names joined",
            f"{len(self.open_lists)} open-ended lists",
            f"{len(self.inherited_cells)} merged cells inherited",
            f"{len(self.continued_goals)} page-break goal rows",
            f"{len(self.empty_first_cells)} empty first cells",
        ]
        # Only what happened: a text file never has these.
        if self.wrapped_names:
            parts.append(f"{len(self.wrapped_names)} wrapped names joined")
        if self.headings:
            parts.append(f"{len(self.headings)} heading rows")
        if self.count_mismatches:
            parts.append(f"{len(self.count_mismatches)} heading counts differ from their items")
        absent = [c for c in KEY_COLUMNS if self.columns and c not in self.columns]
        if absent:
            parts.append(f"columns absent: {', '.join(absent)}")
        if self.skipped_headers:
            parts.append(f"{len(self.skipped_headers)} repeated header rows skipped")
        if self.ignored_columns:
            parts.append(f"{len(self.ignored_columns)} columns ignored")
        return ", ".join(parts)

    def note_counts(self) -> list[str]:
        """Each kind of note with its count, and the rows it left unread: '1 table not read (4 rows)'."""
        kinds: dict[str, list[Note]] = {}
        for note in self.notes:
            kinds.setdefault(note.kind, []).append(note)
        parts = []
        for kind, notes in kinds.items():
            one, several = NOTE_KINDS[kind]
            count = sum(n.count for n in notes)
            rows = sum(n.rows for n in notes)
            part = f"{count} {one if count == 1 else several}"
            parts.append(part + (f" ({counted(rows, 'row')})" if rows else ""))
        return parts
