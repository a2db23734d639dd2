"""Turning uploaded bytes into sheets of cell values, refusing what is not a sane spreadsheet.

Detects the real format from the content (not the file name), guards against oversized
uploads, decompression bombs and oversized sheets before any parsing, and reads workbooks with
calamine (a Rust reader, many times faster than openpyxl) and CSV with the standard library.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import python_calamine

from segdash import fmt
from segdash.config import Limits
from segdash.importer.issues import FileRejected

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
TEXT_SUFFIXES = (".csv", ".txt")


@dataclass
class RawSheet:
    """One sheet's cells; rows[i] is the row Excel shows as i + 1 (CSV: line i + 1)."""

    name: str
    rows: list[list[object]]


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f}".replace(".", ",") + " MB"


def read_sheets(data: bytes, file_name: str, limits: Limits) -> list[RawSheet]:
    """All sheets of a file. Raises FileRejected with a Swedish message when it can't be read."""
    suffix = PurePath(file_name).suffix.lower()
    if len(data) == 0:
        raise FileRejected("Filen är tom.")
    if len(data) > limits.max_upload_bytes:
        raise FileRejected(
            f"Filen är för stor ({_mb(len(data))}). Största tillåtna storlek är "
            f"{_mb(limits.max_upload_bytes)}."
        )
    if data.startswith(b"%PDF"):
        raise FileRejected(
            "Filen är en PDF, inte ett kalkylark. Ladda upp en .xlsx-, .ods- eller .csv-fil."
        )
    if data.startswith(_OLE2_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRejected(
                "Arbetsboken är lösenordsskyddad och kan inte läsas. Ta bort lösenordet i Excel "
                "(Arkiv > Info > Skydda arbetsbok) och ladda upp den igen."
            )
        raise FileRejected(
            "Filen är i det gamla Excel-formatet (.xls). Spara den som .xlsx och ladda upp igen."
        )
    if data.startswith(b"PK"):
        return _read_workbook(data, limits)
    if suffix in WORKBOOK_SUFFIXES:
        raise FileRejected(
            f"Filen heter {suffix} men är inget kalkylark: innehållet känns inte igen. "
            "Är den skadad, eller en annan sorts fil med fel ändelse?"
        )
    return [_read_csv(data, file_name, limits)]


def _read_workbook(data: bytes, limits: Limits) -> list[RawSheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        names = {m.filename for m in members}
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError):
        raise FileRejected(
            "Filen är skadad eller ofullständig och kan inte öppnas som kalkylark. "
            "Spara om den i Excel och försök igen."
        ) from None
    if not ("xl/workbook.xml" in names or mimetype == _ODS_MIME):
        raise FileRejected(
            "Filen är ett zip-arkiv men inget kalkylark (.xlsx eller .ods)."
        )
    declared = sum(m.file_size for m in members)
    if declared > limits.max_unpacked_bytes:
        raise FileRejected(
            f"Filen packas upp till {_mb(declared)}, mer än gränsen "
            f"{_mb(limits.max_unpacked_bytes)}. Den kan vara en så kallad zip-bomb; dela upp "
            "den i mindre filer om den är äkta."
        )
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            height = sheet.end[0] + 1 if sheet.end else 0
            if height > limits.max_rows + 1:
                raise FileRejected(
                    f"Bladet ”{meta.name}” har {fmt.number(height)} rader; gränsen är "
                    f"{fmt.number(limits.max_rows)} rader per blad."
                )
            sheets.append(RawSheet(meta.name, sheet.to_python(skip_empty_area=False)))
        return sheets
    except python_calamine.PasswordError:
        raise FileRejected(
            "Arbetsboken är lösenordsskyddad och kan inte läsas. Ta bort lösenordet och "
            "ladda upp den igen."
        ) from None
    except (python_calamine.CalamineError, ValueError, OSError, zipfile.BadZipFile):
        raise FileRejected(
            "Filen är skadad eller ofullständig och kan inte läsas som kalkylark. "
            "Spara om den i Excel och försök igen."
        ) from None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Swedish Excel saves "CSV (semikolonavgränsad)" in Windows-1252.
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes, file_name: str, limits: Limits) -> RawSheet:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            "Filen är varken ett kalkylark eller en textfil (CSV). Ladda upp .xlsx, .ods eller .csv."
        )
    text = _decode(data)
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        raise FileRejected("Filen innehåller ingen text.")
    # Pick the delimiter that splits the most lines the same way; Swedish CSV uses ';'.
    best, best_score = ";", -1
    for delimiter in (";", ",", "\t"):
        counts = [line.count(delimiter) for line in lines]
        score = sum(1 for c in counts if c and c == max(counts))
        if score > best_score:
            best, best_score = delimiter, score
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    rows: list[list[object]] = []
    try:
        for row in reader:
            if len(rows) > limits.max_rows:
                raise FileRejected(
                    f"Filen har fler än {fmt.number(limits.max_rows)} rader, som är gränsen."
                )
            rows.append([cell if cell.strip() else "" for cell in row])
    except csv.Error:
        raise FileRejected("CSV-filen kan inte tolkas (felaktiga citattecken).") from None
    return RawSheet(PurePath(file_name).stem, rows)
