"""What checking a file finds: one `Issue` per problem, with where it is and a Swedish message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from segdash import fmt

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "Fel", WARNING: "Varning"}


@dataclass(frozen=True)
class Issue:
    severity: str  # ERROR blocks the import, WARNING does not
    message: str  # Swedish, for the analyst
    file: str = ""
    sheet: str = ""
    row: int | None = None  # the row number as Excel (or the CSV line count) shows it
    column: str = ""  # the column's header as written in the file
    value: str = ""  # the offending value as text
    # The problem without the cell's value, for the grouped report: issues with the same group
    # text (in one file, sheet and column) are one line there, listing their values. Empty:
    # issues group by their message.
    group: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_row(self) -> dict[str, object]:
        row = asdict(self)
        row.pop("group")
        row["severity"] = SEVERITY_LABELS[self.severity]
        return row


@dataclass(frozen=True)
class IssueGroup:
    """One line of the grouped report: one problem in one column, with its rows and values."""

    severity: str
    file: str
    sheet: str
    column: str
    message: str
    rows: tuple[int, ...]
    values: tuple[str, ...]
    count: int  # issues in the group (a file-level issue has no rows)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        """'rad 2–401, 400 rader' / 'rad 7' / '' for a problem that is not on a row."""
        if not self.rows:
            return ""
        text = "rad " + row_ranges(self.rows)
        return text if len(self.rows) == 1 else f"{text}, {fmt.number(len(self.rows))} rader"

    @property
    def rows_short(self) -> str:
        """'2–401 (400)' / '7' / '': the rows for a table column."""
        if not self.rows:
            return ""
        text = row_ranges(self.rows, limit=3)
        return text if len(self.rows) == 1 else f"{text} ({fmt.number(len(self.rows))})"

    @property
    def text(self) -> str:
        """The line as the report shows it: where, then what."""
        return f"{self.where}: {self.message}" if self.where else self.message


def row_ranges(rows: Sequence[int], limit: int = 6) -> str:
    """Sorted row numbers as ranges: [2, 3, 4, 9] -> '2–4, 9'; long lists end with '…'."""
    ordered = sorted(set(rows))
    spans: list[tuple[int, int]] = []
    for row in ordered:
        if spans and row == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], row)
        else:
            spans.append((row, row))
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in spans[:limit]]
    return ", ".join(parts) + (" …" if len(spans) > limit else "")


def group_issues(issues: Sequence[Issue], max_values: int = 5) -> list[IssueGroup]:
    """The same problem on many rows as one line, in the order the problems first appear."""
    groups: dict[tuple, list[Issue]] = {}
    for issue in issues:
        key = (issue.severity, issue.file, issue.sheet, issue.column, issue.group or issue.message)
        groups.setdefault(key, []).append(issue)
    out = []
    for (severity, file, sheet, column, text), members in groups.items():
        values = tuple(dict.fromkeys(i.value for i in members if i.value))
        message = text
        if members[0].group and values:
            shown = ", ".join(f"”{v}”" for v in values[:max_values])
            more = (
                f" och {fmt.number(len(values) - max_values)} till"
                if len(values) > max_values
                else ""
            )
            label = "värde" if len(values) == 1 else f"{fmt.number(len(values))} olika värden"
            message = f"{text} ({label}: {shown}{more})"
        elif not members[0].group and len(members) == 1:
            message = members[0].message
        rows = tuple(i.row for i in members if i.row is not None)
        out.append(IssueGroup(severity, file, sheet, column, message, rows, values, len(members)))
    return out


class FileRejected(Exception):
    """A file that cannot be read at all; carries the one issue that says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def show_value(value: object, limit: int = 80) -> str:
    """A cell value as text for a message, shortened so a huge cell cannot flood the report."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def issues_frame_columns() -> list[str]:
    return ["severity", "file", "sheet", "row", "column", "value", "message"]
