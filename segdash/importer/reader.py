"""Turning uploaded bytes into sheets of cell values, refusing what is not a sane spreadsheet.

Detects the real format from the content (not the file name), guards against oversized
uploads, decompression bombs and oversized sheets before any parsing, and reads workbooks with
calamine (a Rust reader, many times faster than openpyxl), CSV with the standard library (a
plain CSV of millions of rows by columns, with pyarrow), and official-statistics JSON (Kolada,
JSON-stat) with `jsonformats`.
Reading runs inside the check's forked child, which has a memory ceiling (segdash.isolated).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import python_calamine

from segdash import fmt, isolated
from segdash.config import Limits
from segdash.importer.issues import FileRejected

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".json")
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_CORRUPT = (
    "Filen är skadad eller ofullständig och kan inte öppnas som kalkylark. "
    "Spara om den i Excel och försök igen."
)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")  # how UTF-8 writes å, ä, ö, …
_STRAY_BYTES = re.compile("[\udc80-\udcff]+")  # bytes that are not UTF-8, after surrogateescape
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]+")  # characters that are UTF-8
_DELIMITER_NAMES = {";": "semikolon (;)", ",": "komma (,)", "\t": "tabb"}


@dataclass
class RawSheet:
    """One sheet's cells; rows[i] is the row Excel shows as i + 1 (CSV: line i + 1)."""

    name: str
    rows: Sequence[list[object]]  # a list, or a plain CSV's ColumnRows
    # Merged cell areas as ((first row, first column), (last row, last column)), 0-based.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    # A plain CSV read by columns: per column a pyarrow DictionaryArray (codes of its distinct
    # texts), as long as `rows`; tables cut from it never make a Python object per cell.
    columns: list | None = None


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
        return _read_workbook(data, file_name, limits)
    from segdash.importer import jsonformats  # it builds on RawSheet, defined here

    if jsonformats.looks_like_json(data):
        return jsonformats.read_json(data, file_name, limits.max_rows)
    if suffix in WORKBOOK_SUFFIXES:
        raise FileRejected(
            f"Filen heter {suffix} men är inget kalkylark: innehållet känns inte igen. "
            "Är den skadad, eller en annan sorts fil med fel ändelse?"
        )
    return [_read_csv(data, file_name, limits)]


def _read_workbook(data: bytes, file_name: str, limits: Limits) -> list[RawSheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        names = {m.filename for m in members}
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError):
        raise FileRejected(_CORRUPT) from None
    if not ("xl/workbook.xml" in names or mimetype == _ODS_MIME):
        raise FileRejected("Filen är ett zip-arkiv men inget kalkylark (.xlsx eller .ods).")
    declared = sum(m.file_size for m in members)
    if declared > limits.max_unpacked_bytes:
        raise FileRejected(
            f"Filen packas upp till {_mb(declared)}, mer än gränsen "
            f"{_mb(limits.max_unpacked_bytes)}. Den kan vara en så kallad zip-bomb; dela upp "
            "den i mindre filer om den är äkta."
        )
    _refuse_dtd(archive, members)
    # Calamine allocates a sheet's whole rectangle at once (an ODS: every repeated cell) and
    # aborts the process when that fails, so a 3 KB file with one value in A1 and one in
    # XFD1048576 would end its process. It runs in the check's child (segdash.isolated), which
    # is told which sheet is being read, so that such an end is reported with the sheet's name.
    return _parse_workbook(data, limits, started=lambda sheet: isolated.note((file_name, sheet)))


def _refuse_dtd(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Excel and LibreOffice never write a DTD; one in a part is an entity-expansion attack.

    Calamine refuses entities anyway; this only gives the clearer message. A DTD must come
    before the root element, so the start of each part is enough.
    """
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(member) as part:
                head = part.read(4096)
        except Exception:  # noqa: BLE001 - zipfile, zlib, bz2, lzma: each fails its own way
            raise FileRejected(_CORRUPT) from None
        if any(marker in head for marker in _DTD_MARKERS):
            raise FileRejected(
                "Arbetsboken innehåller en XML-definition (DOCTYPE/ENTITY) som Excel och "
                "LibreOffice aldrig skriver. Den kan vara ett försök att överbelasta servern och "
                "läses inte. Spara om filen i Excel och försök igen."
            )


def _parse_workbook(
    data: bytes, limits: Limits, started: Callable[[str], None] = lambda name: None
) -> list[RawSheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            started(meta.name)
            sheet = workbook.get_sheet_by_name(meta.name)
            height = sheet.end[0] + 1 if sheet.end else 0
            if height > limits.max_rows + 1:
                raise FileRejected(
                    f"Bladet ”{meta.name}” har {fmt.number(height)} rader; gränsen är "
                    f"{fmt.number(limits.max_rows)} rader per blad."
                )
            rows = sheet.to_python(skip_empty_area=False)
            sheets.append(RawSheet(meta.name, rows, sheet.merged_cell_ranges or []))
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


def too_big_to_read(sheet: str, memory_bytes: int) -> str:
    """The message for a workbook whose reading ran past the check's memory ceiling."""
    where = f"Bladet ”{sheet}”" if sheet else "Arbetsboken"
    return (
        f"{where} kräver mer än {fmt.number(memory_bytes / 1e6, 0)} MB minne för att läsas. "
        "Oftast beror det på någon enstaka cell långt ner eller långt till höger om tabellen; "
        "ta bort allt utanför tabellen och försök igen."
    )


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Swedish Excel saves "CSV (semikolonavgränsad)" in Windows-1252. A UTF-8 file with a few
    # Windows-1252 bytes pasted in stays UTF-8, or every å, ä and ö in it would be garbled.
    if not _UTF8_SEQUENCE.search(data):
        return data.decode("cp1252", errors="replace")
    text = data.decode("utf-8", errors="surrogateescape")
    stray = sum(map(len, _STRAY_BYTES.findall(text)))
    if stray > sum(map(len, _NON_ASCII.findall(text))):
        return data.decode("cp1252", errors="replace")
    return _STRAY_BYTES.sub(
        lambda m: bytes(ord(ch) - 0xDC00 for ch in m.group()).decode("cp1252", errors="replace"),
        text,
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or '-be' when every other byte of the start is zero, as in ASCII-ish text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if even.count(0) == 0 and odd.count(0) >= 0.9 * len(odd):
        return "utf-16-le"
    if odd.count(0) == 0 and even.count(0) >= 0.9 * len(even):
        return "utf-16-be"
    return None


def _read_csv(data: bytes, file_name: str, limits: Limits) -> RawSheet:
    plain = _read_plain_csv(data, file_name, limits)
    if plain is not None:
        return plain
    bomless = None if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(data)
    if bomless:
        text = data.decode(bomless, errors="replace")
    elif b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            "Filen är varken ett kalkylark eller en textfil (CSV). Ladda upp .xlsx, .ods eller .csv."
        )
    else:
        text = _decode(data)
    numbered = _first_lines(text)
    best = _delimiter(numbered)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best, strict=True)
    rows: list[list[object]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise FileRejected(
                f"CSV-filen kan inte tolkas: citattecknen går inte ihop på rad {start} (ett "
                "citattecken avslutas aldrig, eller följs av text före nästa avgränsare)."
            ) from None
        if len(rows) > limits.max_rows:
            raise FileRejected(_too_many_rows(limits))
        rows.append([cell if cell.strip() else "" for cell in row])
    return RawSheet(PurePath(file_name).stem, rows)


def _too_many_rows(limits: Limits) -> str:
    return f"Filen har fler än {fmt.number(limits.max_rows)} rader, som är gränsen."


def _first_lines(text: str) -> list[tuple[int, str]]:
    """The non-blank lines among the first 50, numbered from 1: what the delimiter is told by."""
    return [(n, line) for n, line in enumerate(text.splitlines()[:50], 1) if line.strip()]


def _delimiter(numbered: list[tuple[int, str]]) -> str:
    """The delimiter that splits the most lines the same way, or FileRejected for a file that
    is no table of text."""
    if not numbered:
        raise FileRejected("Filen innehåller ingen text.")
    if numbered[0][1].lstrip().startswith("<"):
        raise FileRejected(
            "Filen är en webbsida eller XML-fil, inte ett kalkylark eller en CSV-fil. Öppna den "
            "i Excel och spara den som .xlsx."
        )
    lines = [line for _, line in numbered]
    splits = {delimiter: _splits(lines, delimiter) for delimiter in _DELIMITER_NAMES}
    # Pick the delimiter that splits the most lines the same way; Swedish CSV uses ';'.
    best, best_score = ";", -1
    for delimiter, per_line in splits.items():
        counts = [c for c in per_line if c is not None]
        score = sum(1 for c in counts if c and c == max(counts))
        if score > best_score:
            best, best_score = delimiter, score
    _refuse_mixed_delimiters(numbered, splits, best)
    return best


def _splits(lines: list[str], delimiter: str) -> list[int | None]:
    """How many times `delimiter` splits each of these lines into cells, as the csv module
    reads them: not inside a quoted cell ("Klart, men sent"), whose quote opens only at the
    start of a cell and in which a doubled quote is a quote. A quoted cell may run over a
    line break: the lines it continues on belong to the line it began on, and are None."""
    counts: list[int | None] = []
    quoted = False  # inside a quoted cell at the end of the line before
    began = -1  # the line the current row began on
    for line in lines:
        continues = quoted
        splits, quoted = _line_splits(line, delimiter, quoted)
        if continues:
            counts[began] += splits  # type: ignore[operator]
            counts.append(None)
        else:
            began = len(counts)
            counts.append(splits)
    return counts


def _line_splits(line: str, delimiter: str, quoted: bool) -> tuple[int, bool]:
    """The delimiters outside quoted cells in one line, and whether it ends inside one
    (`quoted`: it begins inside one). Jumps from quote to quote and delimiter to delimiter."""
    splits, i, start = 0, 0, not quoted
    while i < len(line):
        if quoted:
            close = line.find('"', i)
            if close < 0:
                return splits, True
            if line.startswith('"', close + 1):  # a doubled quote: a quote in the cell
                i = close + 2
                continue
            quoted, start, i = False, False, close + 1
        elif start and line[i] == '"':
            quoted, i = True, i + 1
        else:
            found = line.find(delimiter, i)
            if found < 0:
                return splits, False
            splits, start, i = splits + 1, True, found + 1
    return splits, quoted


def _read_plain_csv(data: bytes, file_name: str, limits: Limits) -> RawSheet | None:
    """A plain CSV read by columns (pyarrow) instead of a Python list per row: UTF-8, lines
    ended by LF or CRLF, the same number of cells on every line, and quotes only around whole
    cells of one line, as statistical databases and R export millions of rows. The cells are
    exactly what the csv module gives; None for any other file, which the csv module reads
    (and words any error).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        return None
    if b"\x00" in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    body = memoryview(data)[3:] if data.startswith(b"\xef\xbb\xbf") else memoryview(data)
    head = _head_text(body)
    if head is None:
        return None
    try:
        delimiter = _delimiter(_first_lines(head))
    except FileRejected:
        return None  # the csv module's path says why, from the whole text
    quoted = b'"' in data
    if quoted and not _whole_cells_quoted(body, delimiter):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as arrow_csv

    first = head.split("\n", 1)[0]
    names = [f"c{n}" for n in range((_splits([first], delimiter)[0] or 0) + 1)]
    try:
        table = arrow_csv.read_csv(
            pa.py_buffer(body),
            read_options=arrow_csv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=arrow_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"' if quoted else False,
                double_quote=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,  # a blank line is a row: row numbers are line numbers
            ),
            convert_options=arrow_csv.ConvertOptions(
                # Each column as codes of its distinct texts: a national file has millions of
                # rows and a few thousand areas.
                column_types=dict.fromkeys(names, pa.dictionary(pa.int32(), pa.string())),
                null_values=[],
                strings_can_be_null=False,
                check_utf8=True,  # not UTF-8: Windows-1252, which the csv module's path decodes
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows > limits.max_rows + 1:
        raise FileRejected(_too_many_rows(limits))
    columns = [table.column(name).unify_dictionaries().combine_chunks() for name in names]
    longest = max((pc.max(pc.binary_length(c.dictionary)).as_py() or 0) for c in columns)
    if longest > csv.field_size_limit():
        return None  # the csv module refuses such a cell
    return RawSheet(PurePath(file_name).stem, ColumnRows(columns), columns=columns)


def _whole_cells_quoted(body: memoryview, delimiter: str) -> bool:
    """Whether every quote opens or closes a whole cell ("Region Dalarna") within one line,
    with no quote inside it: then pyarrow and the csv module read the same cells."""
    octets = np.frombuffer(body, dtype=np.uint8)
    quotes = np.flatnonzero(octets == ord('"'))
    if len(quotes) % 2:
        return False
    opens, closes = quotes[0::2], quotes[1::2]
    before = octets[np.maximum(opens - 1, 0)]
    after = octets[np.minimum(closes + 1, len(octets) - 1)]
    starts = (opens == 0) | (before == ord(delimiter)) | (before == ord("\n"))
    ends = (closes == len(octets) - 1) | np.isin(after, [ord(delimiter), ord("\r"), ord("\n")])
    newlines = np.flatnonzero(octets == ord("\n"))
    one_line = np.searchsorted(newlines, opens) == np.searchsorted(newlines, closes)
    return bool(starts.all() and ends.all() and one_line.all())


def _head_text(body: memoryview) -> str | None:
    """The start of a file as UTF-8 text, long enough for its first 50 lines; None when it is
    not UTF-8."""
    size = 1 << 16
    while True:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            text = decoder.decode(bytes(body[:size]), final=size >= len(body))
        except UnicodeDecodeError:
            return None
        if size >= len(body) or len(text.splitlines()) > 50:
            return text
        size *= 4


class ColumnRows(Sequence):
    """A plain CSV's rows over its columns: a row becomes a list of cells, as the csv module
    gives them (blank cells ''), only when it is looked at (the header scan, samples, notes
    under the table), a block of rows at a time; tables are cut from the columns."""

    _BLOCK = 512

    def __init__(
        self,
        columns: list,
        start: int = 0,
        stop: int | None = None,
        blocks: dict[int, list[list[object]]] | None = None,  # shared by slices
    ) -> None:
        self.columns = columns
        self._start = start
        self._stop = len(columns[0]) if stop is None else stop
        self._blocks: dict[int, list[list[object]]] = {} if blocks is None else blocks

    def __len__(self) -> int:
        return self._stop - self._start

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[n] for n in range(start, stop, step)]
            stop = max(start, stop)
            return ColumnRows(self.columns, self._start + start, self._start + stop, self._blocks)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._row(self._start + index)

    def __iter__(self) -> Iterator[list[object]]:
        for n in range(self._start, self._stop):
            yield self._row(n)

    def _row(self, n: int) -> list[object]:
        number = n // self._BLOCK
        rows = self._blocks.get(number)
        if rows is None:
            start = number * self._BLOCK
            cells = [column.slice(start, self._BLOCK).to_pylist() for column in self.columns]
            rows = [
                [cell if cell.strip() else "" for cell in row] for row in zip(*cells, strict=True)
            ]
            if len(self._blocks) >= 8:  # a scan keeps the last few blocks, not the file
                del self._blocks[next(iter(self._blocks))]
            self._blocks[number] = rows
        return rows[n % self._BLOCK]


def _refuse_mixed_delimiters(
    numbered: list[tuple[int, str]], splits: dict[str, list[int | None]], best: str
) -> None:
    """A table whose rows are split by different characters (a header typed with ';' above
    rows pasted with ','): the same number of columns, but another delimiter. `splits`: each
    delimiter's splits of each line (`_splits`)."""
    width = max((c for c in splits[best] if c is not None), default=0)
    if width < 2:
        return
    first = next(n for (n, _), c in zip(numbered, splits[best], strict=True) if c == width)
    for other in _DELIMITER_NAMES:
        if other == best:
            continue
        for (n, _), mine, theirs in zip(numbered, splits[best], splits[other], strict=True):
            if mine == 0 and theirs == width:
                a, b = sorted([(first, best), (n, other)])
                raise FileRejected(
                    f"CSV-filen blandar avgränsare: rad {a[0]} delar kolumnerna med "
                    f"{_DELIMITER_NAMES[a[1]]} men rad {b[0]} med {_DELIMITER_NAMES[b[1]]}. "
                    "Spara om filen så att alla rader använder samma avgränsare."
                )
