"""Excel workbooks given to the importers: the first sheet is read as the CSV it would have been saved as."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from assistant.order_import import import_orders
from assistant.orders import OrderNumberFormat
from knowledge_base.csv_table import decode_csv
from knowledge_base.db import session_scope
from knowledge_base.errors import CsvImportError, UserInputError
from knowledge_base.repositories.faq_csv import import_faqs_csv
from knowledge_base.repositories.faqs import list_faqs


def workbook(*rows, title: str = "FAQ", extra_sheet: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    if extra_sheet:
        book.create_sheet("Notes").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_first_sheet_becomes_csv_with_excels_row_numbers_numbers_and_dates():
    raw = workbook(["order_number", "placed_at", "price", "gift"],
                   [1001, dt.datetime(2026, 11, 20, 14, 30), 12.5, True],
                   [],
                   ["FG-300002", dt.datetime(2026, 11, 21), 19.0, None], extra_sheet=True)
    decoded = decode_csv(raw)
    assert decoded.text.splitlines() == ["order_number,placed_at,price,gift", "1001,2026-11-20 14:30:00,12.5,yes",
                                         ",,,", "FG-300002,2026-11-21,19,"]
    assert decoded.note == " (read from the workbook's first sheet, 'FAQ')"


def test_an_faq_workbook_imports_and_its_bad_rows_are_named_as_excel_numbers_them(sessions):
    rows = [["Question", "Answer", "Intent"], ["Do you ship to Norway?", "Yes, in 3-5 days.", "shipping_info"], [],
            ["Can I pay later?", None, "payment_billing"]]
    with session_scope(sessions) as session, pytest.raises(CsvImportError, match="row 4: the answer is empty"):
        import_faqs_csv(session=session, text=decode_csv(workbook(*rows)).text)
    rows[3][1] = "Yes, with Klarna."
    with session_scope(sessions) as session:
        report = import_faqs_csv(session=session, text=decode_csv(workbook(*rows)).text)
        assert report.added == 2
        assert [e.answer for e in list_faqs(session=session)] == ["Yes, in 3-5 days.", "Yes, with Klarna."]


def test_an_orders_workbook_with_real_excel_dates_imports(sessions, tmp_path):
    path = tmp_path / "orders.xlsx"
    path.write_bytes(workbook(["order_number", "customer_email", "status", "placed_at"],
                              [1001, "ana@example.com", "Completed", dt.datetime(2026, 11, 20, 9, 5)], title="Export"))
    with session_scope(sessions) as session:
        report = import_orders(session=session, path=path, number_format=OrderNumberFormat(prefix="", digits=4))
    assert report.summary() == ("1 orders: 1 added, 0 updated (read from the workbook's first sheet, 'Export'); "
                                "statuses read as Completed -> shipped (1)")


def _with_damaged_sheet(raw: bytes) -> bytes:
    """The workbook with its first sheet's XML cut in half (only read once its rows are)."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    files = {name: source.read(name) for name in source.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"]
    files["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    return _zip(files)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "an old Excel .xls workbook or a password-protected one"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
         "The file is an OpenDocument spreadsheet; save the table as 'CSV UTF-8' or as an Excel workbook"),
        (_zip({"photo.png": b"\x89PNG"}), "The file is a ZIP archive, not a table"),
        (workbook(["question", "answer"], ["a", "b"])[:400], "damaged or cut short"),
        (_zip({"xl/workbook.xml": b"not xml"}), "The Excel workbook cannot be read"),
        (workbook(), "The first sheet of the workbook ('FAQ') is empty."),
        (_with_damaged_sheet(workbook(*[["question", f"answer {n}"] for n in range(40)])),
         "The Excel workbook cannot be read (its first sheet is damaged)"),
    ],
)
def test_spreadsheets_that_cannot_be_read_say_what_to_do(raw, message):
    with pytest.raises(UserInputError) as caught:
        decode_csv(raw)
    assert message in str(caught.value)
