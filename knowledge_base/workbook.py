"""Spreadsheet files given where a CSV is expected: an Excel workbook's first sheet is read as CSV text.

Staff keep FAQ lists, catalogues and orders in Excel; saving as CSV first is a step they forget. The
first worksheet of an ``.xlsx`` file becomes CSV text with its rows where Excel numbers them, so every
importer's row numbers stay the ones staff see. Formulas give the value Excel last computed, whole numbers
lose Excel's ``.0``, and dates become ISO 8601. Files that cannot be read this way (old ``.xls``
workbooks, password-protected ones, OpenDocument sheets, other archives) get their own message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from knowledge_base.errors import UserInputError

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls workbooks, and encrypted .xlsx files
MAX_ROWS = 200_000


def is_spreadsheet_file(raw: bytes) -> bool:
    return raw.startswith((_ZIP, _OLE))


def first_sheet_as_csv(raw: bytes) -> tuple[str, str]:
    """The first worksheet as CSV text, and the sheet's name."""
    if raw.startswith(_OLE):
        raise UserInputError(
            "The file is an old Excel .xls workbook or a password-protected one; save it as an Excel "
            "workbook (.xlsx) without a password, or as 'CSV UTF-8', and import again.")
    archive = _archive(raw)
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        kind = "an OpenDocument spreadsheet" if _opendocument(archive, names) else "a ZIP archive, not a table"
        raise UserInputError(f"The file is {kind}; save the table as 'CSV UTF-8' or as an Excel workbook "
                             "(.xlsx) and import again.")
    return _sheet_text(raw)


def _archive(raw: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as error:
        raise UserInputError("The file looks like a spreadsheet but is damaged or cut short; save it again "
                             "and import the new file.") from error


def _opendocument(archive: zipfile.ZipFile, names: set[str]) -> bool:
    return "mimetype" in names and b"opendocument" in archive.read("mimetype")


def _sheet_text(raw: bytes) -> tuple[str, str]:
    import openpyxl  # only staff imports need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise UserInputError("The Excel workbook cannot be read (it is damaged or not a real .xlsx file); "
                             "save it again, or as 'CSV UTF-8', and import again.") from error
    try:
        if not book.worksheets:
            raise UserInputError("The Excel workbook has no worksheet; put the table on its first sheet.")
        sheet = book.worksheets[0]
        return _rows_as_csv(sheet), sheet.title
    except UserInputError:
        raise
    except Exception as error:  # the sheet's own XML is only parsed while its rows are read
        raise UserInputError("The Excel workbook cannot be read (its first sheet is damaged); save it again, "
                             "or as 'CSV UTF-8', and import again.") from error
    finally:
        book.close()


def _rows_as_csv(sheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    last = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            raise UserInputError(f"The sheet '{sheet.title}' has more than {MAX_ROWS:,} rows; split it.")
        writer.writerow([_cell(value) for value in row])
        last = number
    if not last:
        raise UserInputError(f"The first sheet of the workbook ('{sheet.title}') is empty.")
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
