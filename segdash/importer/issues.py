"""What checking a file finds: one `Issue` per problem, with where it is and a Swedish message."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_row(self) -> dict[str, object]:
        row = asdict(self)
        row["severity"] = SEVERITY_LABELS[self.severity]
        return row


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
