"""Reading a sheet a person hands over (.csv / .xlsx), safely and row by row.

Nothing here knows what the columns mean. What it guarantees:

- limits first, before any row is read: at most MAX_FILE_BYTES on disk and MAX_ROWS
  rows (counted while streaming, so a longer file is refused before anything is
  written); memory stays bounded whatever the file's size;
- an XLSX is a zip of XML: its unpacked size and compression ratio are checked from the
  zip's directory before openpyxl opens it (a 530 KB "bomb" once unpacked to 519 MB),
  and XML that declares a DOCTYPE or entities (which Excel never writes, and which
  can expand without end) is refused; it is then read in openpyxl's read-only mode;
- a CSV is read as it is saved in practice: UTF-8 with or without BOM, UTF-16 with or
  without a BOM (without one: told by where its NUL bytes fall), GB18030 (Chinese
  Excel's "CSV"), or Big5 (Taiwan and Hong Kong) — told apart by which of them reads a
  header row and by how plausible the text is; a binary file
  or an XLSX renamed .csv is said to be one. Quotes are read strictly: a quote left
  open would silently swallow the rows after it, so it stops the file with the row
  and line named, and a row that a quote ran across several lines is marked
  (``SheetRows.spans``) for the caller to judge.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import DomainError

CSV_SUFFIXES = {".csv", ".txt"}


XLSX_SUFFIXES = {".xlsx", ".xlsm"}


MAX_FILE_BYTES = 100 * 1024 * 1024  # what an import reads: far above any shop's list


MAX_ROWS = 200_000  # rows under the header


MAX_UNPACKED = 512 * 1024 * 1024  # an XLSX's XML, all parts together


MAX_SHARED_STRINGS = 64 * 1024 * 1024  # read whole by openpyxl, even in read-only mode


MAX_RATIO = 250  # unpacked / packed for a part above 1 MB: real sheets stay far below


HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in shop sheets


SNIFF_BYTES = 256 * 1024


# How a CSV's encoding reads in a message.
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16",
                  "utf-16-be": "UTF-16", "gb18030": "GB18030", "big5hkscs": "Big5"}  # fmt: skip


GB18030_BOM = "\ufeff".encode("gb18030")  # 84 31 95 33: some converters write it


Rows = Iterator[tuple[int, tuple]]


def check_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    raise DomainError("import.unknown_format", path=str(path))


def size_text(size: int) -> str:
    for unit, bytes_ in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= bytes_:
            return f"{size / bytes_:.1f} {unit}"
    return f"{size} B"


class SheetRows:
    """The rows of a sheet, numbered as a person sees them, one at a time (an iterator);
    for a CSV also its delimiter and the rows a quoted cell ran over several lines."""

    def __init__(self, rows: Rows, path: Path, *, spans: dict[int, tuple[int, int]] | None = None,
                 delimiter: str = ",", encoding: str = "") -> None:  # fmt: skip
        self._rows, self.path = rows, path
        self.spans = spans if spans is not None else {}
        self.delimiter, self.encoding = delimiter, encoding
        # The header's row once the caller has found it: MAX_ROWS counts the rows under it.
        self.header_row = HEADER_SEARCH_ROWS

    def __iter__(self) -> SheetRows:
        return self

    def __next__(self) -> tuple[int, tuple]:
        number, values = next(self._rows)
        if number > MAX_ROWS + self.header_row:
            raise DomainError("import.too_many_rows", path=str(self.path), limit=MAX_ROWS)
        return number, values


@contextmanager
def open_rows(path: Path, is_header: Callable[[tuple], bool] | None = None) -> Iterator[SheetRows]:
    """Every row of the file's first sheet as (row number a person sees, cell values).

    `is_header` recognises the header row: it tells GB18030 from Big5. Raises a
    DomainError naming the file for anything it will not read; reading past MAX_ROWS
    raises too."""
    kind = check_format(path)
    if not path.is_file():
        raise DomainError("store.missing", path=str(path))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DomainError("import.too_large", path=str(path), size=size_text(size),
                          limit=size_text(MAX_FILE_BYTES), rows=MAX_ROWS)  # fmt: skip
    opener = _csv_rows if kind == "csv" else _xlsx_rows
    with opener(path, is_header) as rows:
        yield rows


# ------------------------------------------------------------------ CSV


def _odd(text: str) -> int:
    """Characters a Chinese sheet does not hold but a wrong decoding produces: private use,
    kana, Greek/Cyrillic, box drawing, vertical forms, control characters."""
    n = 0
    for ch in text:
        cp = ord(ch)
        if cp < 0x80:
            n += cp < 0x20 and ch not in "\t\r\n"
        elif (0xE000 <= cp <= 0xF8FF or 0x3040 <= cp <= 0x30FF or 0x0370 <= cp <= 0x04FF
              or 0x2500 <= cp <= 0x257F or 0xFE10 <= cp <= 0xFE4F or cp == 0xFFFD):  # fmt: skip
            n += 1
    return n


def _binary(head: bytes) -> bool:
    """Bytes no text encoding of a sheet uses (outside UTF-16): NUL, and C0 controls
    other than tab, line feed and carriage return."""
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([b])) for b in (*range(1, 9), 11, 12, *range(14, 32), 127))
    return controls > max(8, len(head) // 200)


def _utf16_without_bom(head: bytes) -> str | None:
    """The codec ("utf-16-le" or "utf-16-be") of UTF-16 text saved without a BOM, else None.

    A sheet's commas, digits, line breaks and Latin letters are one byte and a NUL in
    UTF-16: most NULs fall on one side of the byte pairs (the second byte in little-endian,
    the first in big-endian; the other side has one only for a character such as 一,
    U+4E00). The text must then read as UTF-16 and hold next to no control characters:
    a binary file read so shows NULs (two NUL bytes side by side) or U+0001, U+0002 …
    (16-bit numbers in a data file), and is refused as no text."""
    units = len(head) // 2
    if units < 2:
        return None
    first, second = head[0 : units * 2 : 2].count(0), head[1 : units * 2 : 2].count(0)
    low, high = min(first, second), max(first, second)
    if high < max(2, units // 50) or low >= high:
        return None
    encoding = "utf-16-le" if second > first else "utf-16-be"
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head[: units * 2], final=False)
    except UnicodeDecodeError:
        return None
    controls = sum(ch < " " and ch not in "\t\r\n" for ch in text)
    return encoding if controls <= len(text) // 1000 else None


def sniff_encoding(path: Path, head: bytes, is_header: Callable[[tuple], bool] | None) -> str:
    """The codec a CSV's text is in: BOMs first, then UTF-8, then GB18030 or Big5."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(GB18030_BOM):
        return "gb18030"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(b"PK\x03\x04"):
        raise DomainError("import.xlsx_named_csv", path=str(path))
    utf16 = _utf16_without_bom(head)
    if utf16 is not None:
        return utf16
    if _binary(head):
        raise DomainError("import.not_text", path=str(path))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in ("gb18030", "big5hkscs"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        lines = text.splitlines()[:HEADER_SEARCH_ROWS]
        header = is_header is not None and any(
            is_header(tuple(row)) for row in csv.reader(lines, delimiter=_delimiter(text))
        )
        readings.append((not header, _odd(text) / max(1, len(text)), len(readings), encoding))
    if not readings:
        raise DomainError("import.bad_encoding", path=str(path))
    return min(readings)[3]


def _delimiter(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    return max(",\t;", key=first.count) if first else ","


def _csv_records(path: Path, handle: Any, delimiter: str,
                 spans: dict[int, tuple[int, int]]) -> Rows:  # fmt: skip
    """A CSV's records as numbered rows; a row that ran over several lines of the file
    (a quoted cell with line breaks) is noted in `spans` as (first, last) line."""
    reader, line, number = csv.reader(handle, delimiter=delimiter, strict=True), 0, 0
    try:
        for record in reader:
            number += 1
            if reader.line_num > line + 1:
                spans[number] = (line + 1, reader.line_num)
            line = reader.line_num
            yield number, tuple(record)
    except UnicodeDecodeError as exc:
        raise DomainError("import.bad_encoding", path=str(path)) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise DomainError("import.unreadable", path=str(path), detail=str(exc)) from exc
        raise DomainError("import.bad_quote", path=str(path), row=number + 1,
                          line=line + 1) from exc  # fmt: skip


@contextmanager
def _csv_rows(path: Path, is_header: Callable[[tuple], bool] | None) -> Iterator[SheetRows]:
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    encoding = sniff_encoding(path, head, is_header)
    with path.open(encoding=encoding, newline="") as f:
        try:
            sample = f.read(64 * 1024)
        except UnicodeDecodeError as exc:
            raise DomainError("import.bad_encoding", path=str(path)) from exc
        f.seek(0)
        delimiter, spans = _delimiter(sample.lstrip("\ufeff")), {}
        if sample.startswith("\ufeff"):  # a BOM the codec keeps (GB18030's)
            f.read(1)
        records = _csv_records(path, f, delimiter, spans)
        yield SheetRows(records, path, spans=spans, delimiter=delimiter, encoding=encoding)


# ------------------------------------------------------------------ XLSX


_ENTITY_MARKS = tuple(
    mark.encode(codec) for mark in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le", "utf-16-be")
)  # fmt: skip


def check_xlsx(path: Path) -> None:
    """Refuse an XLSX whose zip would unpack to more than an import reads, or that holds
    XML entity declarations, before any XML parser sees it."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DomainError("import.unreadable", path=str(path), detail=type(exc).__name__) from exc
    with zf:
        infos = zf.infolist()
        unpacked = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        strings = sum(
            i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml")
        )
        ratio = max((i.file_size / max(1, i.compress_size) for i in infos if i.file_size > 1 << 20),
                    default=0)  # fmt: skip
        if unpacked > MAX_UNPACKED or strings > MAX_SHARED_STRINGS or ratio > MAX_RATIO:
            raise DomainError("import.xlsx_bomb", path=str(path), packed=size_text(packed),
                              unpacked=size_text(unpacked))  # fmt: skip
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")) and _declares_entities(zf, info):  # fmt: skip
                raise DomainError("import.xlsx_entities", path=str(path), part=info.filename)


def _declares_entities(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part holds <!DOCTYPE or <!ENTITY, read in chunks (the sizes above
    bound the work; the zip module stops at the declared size)."""
    overlap = max(len(m) for m in _ENTITY_MARKS)
    tail = b""
    try:
        with zf.open(info) as part:
            while chunk := part.read(1 << 20):
                window = tail + chunk
                if any(m in window for m in _ENTITY_MARKS):
                    return True
                tail = window[-overlap:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise DomainError("import.unreadable", path=str(zf.filename),
                          detail=type(exc).__name__) from exc  # fmt: skip
    return False


@contextmanager
def _xlsx_rows(path: Path, _is_header: Callable[[tuple], bool] | None) -> Iterator[SheetRows]:
    check_xlsx(path)
    from openpyxl import load_workbook  # only an import pays for openpyxl

    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise DomainError("import.unreadable", path=str(path), detail=type(exc).__name__) from exc
    except Exception as exc:  # an XML parser's own error on a damaged part
        if "xml" not in type(exc).__module__.lower():
            raise
        raise DomainError("import.unreadable", path=str(path), detail=type(exc).__name__) from exc
    try:
        if not wb.worksheets:
            raise DomainError("import.unreadable", path=str(path), detail="no sheet")
        # The first sheet a person sees: a hidden sheet before it (a list of values, an
        # old copy) is not the one they mean.
        visible = [w for w in wb.worksheets if getattr(w, "sheet_state", "visible") == "visible"]
        ws = (visible or wb.worksheets)[0]
        ws.reset_dimensions()  # some writers store a wrong size; read what is there
        yield SheetRows(_unbroken(enumerate(ws.iter_rows(values_only=True), start=1), path), path)
    finally:
        wb.close()


def _unbroken(rows: Rows, path: Path) -> Rows:
    """The rows, a damaged part of the file said as such (openpyxl parses as it goes)."""
    try:
        yield from rows
    except (KeyError, ValueError, TypeError, IndexError, zipfile.BadZipFile, OSError) as exc:
        raise DomainError("import.unreadable", path=str(path), detail=type(exc).__name__) from exc
    except Exception as exc:
        if "xml" not in type(exc).__module__.lower():
            raise
        raise DomainError("import.unreadable", path=str(path), detail=type(exc).__name__) from exc
