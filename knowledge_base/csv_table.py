"""Staff's CSV files read as a table: encoding, delimiter, header and rows numbered as a spreadsheet does.

Spreadsheet programs save CSV with a byte order mark, in Windows-1252 or Windows-1250 (Excel's plain "CSV"
on Windows in Western or Central Europe) or UTF-16 (its "Unicode Text"), with semicolons instead of commas
(European locales) or tabs, and with blank rows written as a line of delimiters. All of these are read, and
so is an Excel workbook's first sheet (``workbook``); anything that cannot be read is refused with the row
number a spreadsheet shows (the header is row 1, blank rows count, a cell with line breaks stays one row).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from knowledge_base.code_pages import code_page_text
from knowledge_base.errors import CsvImportError, UserInputError
from knowledge_base.workbook import first_sheet_as_csv, is_spreadsheet_file

T = TypeVar("T")
Aliases = Mapping[str, Sequence[str]]
"""Other names of a column, as staff's exports write them (after ``_column_name``): {column: names}."""
DELIMITERS = (",", ";", "\t")
_MULTIBYTE_RUN = re.compile(r"[^\x00-\x7f]{4,}")
"""Four non-ASCII characters in a row: European text read in its code page has hardly any, text in a
multi-byte encoding (Shift-JIS, GBK, EUC-KR, ...) or in Cyrillic or Greek read as Windows-1252 is full of
them."""
_UTF8_SEQUENCE = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2[\x80-\x84][\x80-\xbf]")
"""UTF-8 for accented letters and typographic signs (ü, é, ’, –, €): in Windows-1252 text these byte pairs
would be Â or Ã followed by a sign, or â€, which no one writes."""
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class CsvRow:
    number: int
    """The row as a spreadsheet numbers it (header = 1)."""
    cells: dict[str, str]
    """Cell text by lower-cased column name; a column missing from the file is absent."""
    overflow: bool = False
    """The row has more cells than the header has columns."""


@dataclass(frozen=True)
class CsvTable:
    columns: tuple[str, ...]
    rows: list[CsvRow]
    delimiter: str
    renamed: tuple[tuple[str, str], ...] = ()
    """(column as the file names it, column it was read as) for each column known by another name."""

    @property
    def renamed_note(self) -> str:
        if not self.renamed:
            return ""
        return " (columns read as: " + ", ".join(f"{given} -> {name}" for given, name in self.renamed) + ")"


@dataclass(frozen=True)
class CsvText:
    text: str
    encoding: str
    """'UTF-8', 'UTF-16', 'Windows-1252', 'Windows-1250', or 'Excel' for a workbook's first sheet."""
    sheet: str = ""
    """The worksheet read, for a workbook."""

    @property
    def note(self) -> str:
        """What staff should know about how the file was read ('' for UTF-8)."""
        if self.encoding == "UTF-8":
            return ""
        if self.encoding == "Excel":
            return f" (read from the workbook's first sheet, '{self.sheet}')"
        return f" (read as {self.encoding} text; 'CSV UTF-8' is the format to save in)"


def read_csv_text(raw: bytes) -> str:
    return decode_csv(raw).text


def decode_csv(raw: bytes) -> CsvText:
    """UTF-8 (with or without a byte order mark), UTF-16 with its byte order mark, the first sheet of an
    Excel workbook, or else Windows-1252 or Windows-1250 when the bytes read as Western or Central European
    text (``code_pages``)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return CsvText(_decoded(raw, "utf-16", "UTF-16"), "UTF-16")
    if is_spreadsheet_file(raw):
        text, sheet = first_sheet_as_csv(raw)
        return CsvText(text, "Excel", sheet)
    if not raw.strip():
        raise UserInputError("The file is empty: export the table as CSV again and import that file.")
    try:
        return CsvText(raw.decode("utf-8-sig"), "UTF-8")
    except UnicodeDecodeError as error:
        read = _european(raw)
        if read is None:
            raise UserInputError(
                f"The file is not UTF-8 text (byte {error.start} cannot be read) and not European Windows-1252 "
                "or Windows-1250 text either (or it mixes them); save it as 'CSV UTF-8' and import again."
            ) from error
        return CsvText(*read)


def _decoded(raw: bytes, codec: str, name: str) -> str:
    try:
        text = raw.decode(codec).lstrip("\ufeff")
    except UnicodeDecodeError as error:
        raise UserInputError(
            f"The file starts as {name} text but byte {error.start} cannot be read; "
            "save it as 'CSV UTF-8' and import again."
        ) from error
    if not text.strip():
        raise UserInputError("The file is empty: export the table as CSV again and import that file.")
    return text


def _european(raw: bytes) -> tuple[str, str] | None:
    """(text, code page) when ``raw`` reads as Western or Central European text."""
    if _UTF8_SEQUENCE.search(raw):  # UTF-8 text with a stray byte: read as a code page it would be garbled
        return None
    read = code_page_text(raw)
    return None if read is None or _MULTIBYTE_RUN.search(read[0]) else read


def read_table_file(path: Path, *, required: Sequence[str], expected: Sequence[str], what: str,
                    aliases: Aliases | None = None) -> tuple[CsvTable, str]:
    """The table in the CSV file at ``path``, and the note on how it was read (``CsvText.note`` and the
    columns known by another name)."""
    if not path.is_file():
        raise UserInputError(f"There is no file {path}.")
    decoded = decode_csv(path.read_bytes())
    table = read_table(decoded.text, required=required, expected=expected, what=what, aliases=aliases)
    return table, decoded.note + table.renamed_note


def read_table(text: str, *, required: Sequence[str], expected: Sequence[str], what: str,
               aliases: Aliases | None = None) -> CsvTable:
    """The header (which must name every ``required`` column, or an alias of it) and every non-blank row
    of ``text``. Column names are read without regard to case, and spaces or hyphens in them count as
    underscores ("Order Number" is ``order_number``)."""
    delimiter, given, columns = _header(text, required, expected, aliases or {})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[CsvRow] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number > 1 and any(cell.strip() for cell in cells):
                rows.append(_row(number, columns, cells))
    except csv.Error as error:
        raise CsvImportError({number + 1: _reason(error)}) from error
    if not rows:
        raise UserInputError(f"The CSV file has a header but no {what} rows.")
    renamed = tuple((g, c) for g, c in zip(given, columns, strict=True) if c and _column_name(g) != c)
    return CsvTable(tuple(columns), rows, delimiter, renamed)


def _header(text: str, required: Sequence[str], expected: Sequence[str],
            aliases: Aliases) -> tuple[str, list[str], list[str]]:
    """The delimiter, the header's cells as written, and the column each is read as."""
    first_line = text.splitlines()[0] if text.strip() else ""
    given = {d: _columns(first_line, d) for d in DELIMITERS}
    parsed = {d: _known_as(given[d], aliases) for d in DELIMITERS}
    delimiter = next((d for d in DELIMITERS if all(c in parsed[d] for c in required)), None)
    if delimiter is None:
        missing = [c for c in required if c not in parsed[","]]
        raise CsvImportError(
            {1: f"missing column(s) {', '.join(missing)}; the first row must name the columns "
                f"{','.join(expected)} (separated by commas, semicolons or tabs)"}
        )
    columns = parsed[delimiter]
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise CsvImportError({1: f"the column(s) {', '.join(repeated)} appear more than once in the header"})
    return delimiter, given[delimiter], columns


def _columns(line: str, delimiter: str) -> list[str]:
    try:
        cells = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [cell.strip() for cell in cells]


def _column_name(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def _known_as(cells: list[str], aliases: Aliases) -> list[str]:
    """Column names, with an alias taken for its column when the file does not name that column itself
    and names only one of its aliases."""
    names = [_column_name(cell) for cell in cells]
    for column, others in aliases.items():
        present = [i for i, name in enumerate(names) if name in others]
        if column not in names and len(present) == 1:
            names[present[0]] = column
    return names


def _row(number: int, columns: list[str], cells: list[str]) -> CsvRow:
    named = {name: cell for name, cell in zip(columns, cells) if name}
    unnamed = [cell for name, cell in zip(columns, cells) if not name]
    extra = cells[len(columns):]
    overflow = any(cell.strip() for cell in (*unnamed, *extra))
    return CsvRow(number, named, overflow)


def _reason(error: csv.Error) -> str:
    message = str(error)
    if "unexpected end of data" in message:
        return 'a quoted cell is never closed (it opens with " and no closing " follows)'
    if "field larger than field limit" in message:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    if "expected after" in message:
        return 'a quoted cell goes on after its closing " (write "" for a quote inside a quoted cell)'
    return f"unreadable CSV: {message}"


def overflow_problem(table: CsvTable) -> str:
    name = DELIMITER_NAMES[table.delimiter]
    return f"more cells than columns (is there a {name} that should be inside quotes?)"


def check_rows(table: CsvTable, check: Callable[[CsvRow], T]) -> list[T]:
    """``check`` of every row, in order; when any row is refused (too many cells, or ``check`` raised a
    ``UserInputError``), one ``CsvImportError`` names them all."""
    problems: dict[int, str] = {}
    checked: list[T] = []
    for row in table.rows:
        try:
            if row.overflow:
                raise UserInputError(overflow_problem(table))
            checked.append(check(row))
        except UserInputError as error:
            problems[row.number] = str(error)
    if problems:
        raise CsvImportError(problems)
    return checked
