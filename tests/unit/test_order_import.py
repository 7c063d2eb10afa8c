"""A store's own orders from CSV, in its own order-number format."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete

from assistant.catalogue_admin import export_orders_csv
from assistant.errors import CsvImportError, UserInputError
from assistant.order_import import import_orders
from assistant.orders import OrderNumberFormat
from knowledge_base.db import session_scope
from knowledge_base.models import Order, Product
from tests.stored_rows import stored_by

ACME = OrderNumberFormat(prefix="ACM", digits=5)
HEADER = "order_number,customer_email,status,placed_at,carrier,tracking_number,shipping_country,estimated_delivery\n"


def run_import(sessions, tmp_path: Path, text: str, number_format: OrderNumberFormat = ACME):
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    with session_scope(sessions) as session:
        return import_orders(session=session, path=path, number_format=number_format)


def stored(sessions) -> dict[str, Order]:
    return stored_by(sessions, Order, "order_number")


def test_orders_are_stored_in_the_stores_format_with_their_dates(sessions, tmp_path):
    report = run_import(sessions, tmp_path, HEADER + (
        "ACM-20417,ana@example.com,shipped,2026-11-18,DHL,JD0001,de,2026-11-25\n"
        "acm 20418,ben@example.com,Out for delivery,2026-11-19T10:30:00+01:00,UPS,1Z999,FR,\n"
        "ACM-20419,cy@example.com,in-transit,2026-11-19,UPS,1Z998,FR,2026-11-25T00:00:00+01:00\n"
    ))
    assert (report.added, report.updated) == (3, 0)
    orders = stored(sessions)
    third = orders["ACM-20419"]
    assert (third.status, third.estimated_delivery) == ("in_transit", dt.date(2026, 11, 25))  # the day as written
    first, second = orders["ACM-20417"], orders["ACM-20418"]
    assert (first.status, first.carrier, first.shipping_country) == ("shipped", "DHL", "DE")
    assert first.estimated_delivery == dt.date(2026, 11, 25) and first.placed_at == dt.datetime(2026, 11, 18)
    assert second.status == "out_for_delivery" and second.placed_at == dt.datetime(2026, 11, 19, 9, 30)
    assert second.estimated_delivery is None


def test_a_known_order_is_updated_and_columns_left_out_are_kept(sessions, tmp_path):
    run_import(sessions, tmp_path, HEADER + "ACM-20417,ana@example.com,shipped,2026-11-18,DHL,JD0001,DE,2026-11-25\n")
    report = run_import(sessions, tmp_path, "order_number,customer_email,status,placed_at,delivered_at\n"
                                            "ACM-20417,ana@example.com,delivered,2026-11-18,2026-11-24 13:05\n")
    assert (report.added, report.updated) == (0, 1)
    order = stored(sessions)["ACM-20417"]
    assert (order.status, order.delivered_at, order.tracking_number) == (
        "delivered", dt.datetime(2026, 11, 24, 13, 5), "JD0001")


def test_digits_only_order_numbers(sessions, tmp_path):
    run_import(sessions, tmp_path, "order_number,customer_email,status,placed_at\n#1001,c@example.com,paid,2026-11-20\n",
               OrderNumberFormat(prefix="", digits=4))
    assert list(stored(sessions)) == ["1001"]


def test_bad_rows_are_each_named_and_nothing_is_stored(sessions, tmp_path):
    with pytest.raises(CsvImportError) as caught:
        run_import(sessions, tmp_path, HEADER + (
            "ACM-20417,ana@example.com,shipped,2026-11-18,,,,\n"
            "FG-100060,ben@example.com,shipped,2026-11-18,,,,\n"
            "ACM-20417,ana@example.com,shipped,2026-11-18,,,,\n"
            "ACM-20419,not an email,shipped,2026-11-18,,,,\n"
            "ACM-20420,d@example.com,,2026-11-18,,,,\n"
            "ACM-20421,e@example.com,paid,18/11/2026,,,,\n"
            "ACM-20422,f@example.com,paid,2026-11-18,,,Germany,\n"
            "ACM-20423,g@example.com,paid,,,,,\n"
            "ACM-20424,h@example.com,Backordered,2026-11-18,,,,\n"
        ))
    problems = caught.value.problems
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "unknown status 'Backordered'; use one of: pending, paid, processing, shipped" in problems[10]
    assert "(or a shop system's name for one, such as completed, on-hold, fulfilled or canceled)" in problems[10]
    assert "the order number 'FG-100060' does not look like ACM-12345" in problems[3]
    assert "the same order number as row 2" in problems[4]
    assert "'not an email' is not an email address" in problems[5]
    assert "the status is empty" in problems[6]
    assert "'18/11/2026' is not a date like 2026-11-20" in problems[7]
    assert "'Germany' is not a two-letter code" in problems[8]
    assert "the placed_at date is empty" in problems[9]
    assert stored(sessions) == {}


def test_other_shop_systems_statuses_are_read_as_ours_and_the_import_says_so(sessions, tmp_path):
    report = run_import(sessions, tmp_path, "order_number,customer_email,status,placed_at,delivered_at\n"
                        "ACM-20417,a@example.com,wc-completed,2026-11-18,\n"
                        "ACM-20418,b@example.com,Completed,2026-11-18,2026-11-21 10:00\n"
                        "ACM-20419,c@example.com,On hold,2026-11-18,\n"
                        "ACM-20420,d@example.com,Partially fulfilled,2026-11-18,\n"
                        "ACM-20421,e@example.com,failed,2026-11-18,\n"
                        "ACM-20422,f@example.com,Canceled,2026-11-18,\n"
                        "ACM-20423,g@example.com,in transit,2026-11-18,\n"
                        "ACM-20424,h@example.com,shipped,2026-11-18,2026-11-21 10:00\n")
    assert {number: order.status for number, order in stored(sessions).items()} == {
        "ACM-20417": "shipped", "ACM-20418": "delivered", "ACM-20419": "pending", "ACM-20420": "partially_shipped",
        "ACM-20421": "payment_failed", "ACM-20422": "cancelled", "ACM-20423": "in_transit",
        "ACM-20424": "shipped"}  # the store's own word is kept as written
    assert report.summary().endswith(
        "; statuses read as Canceled -> cancelled (1), Completed -> delivered (1), On hold -> pending (1), "
        "Partially fulfilled -> partially shipped (1), failed -> payment failed (1), wc-completed -> shipped (1)")


def test_a_missing_file_is_a_clear_error(sessions, tmp_path):
    with session_scope(sessions) as session, pytest.raises(UserInputError, match="There is no file"):
        import_orders(session=session, path=tmp_path / "none.csv", number_format=ACME)


@pytest.mark.parametrize(
    ("text", "number"),
    [("FG-100060", "FG-100060"), ("fg 100060", "FG-100060"), ("FG100060", "FG-100060"), ("FG-10006", None),
     ("order FG-100060", None), ("100060", None)],
)
def test_order_numbers_in_files_must_be_exactly_one(text, number):
    assert OrderNumberFormat().parse_exact(text) == number


def test_a_shop_systems_export_is_read_by_its_own_column_names(sessions, tmp_path):
    report = run_import(sessions, tmp_path, (
        "Order Number,Order Status,Order Date,Billing Email,Tracking Number,Payment Method\n"
        "ACM-20417,Completed,2026-11-18 10:00,ana@example.com,JD0001,card\n"))
    assert report.summary() == (
        "1 orders: 1 added, 0 updated (columns read as: Order Status -> status, Order Date -> placed_at, "
        "Billing Email -> customer_email); statuses read as Completed -> shipped (1)")
    order = stored(sessions)["ACM-20417"]
    assert (order.customer_email, order.tracking_number) == ("ana@example.com", "JD0001")


def test_two_names_for_one_column_are_not_guessed_between(sessions, tmp_path):
    with pytest.raises(CsvImportError, match="missing column\\(s\\) customer_email"):
        run_import(sessions, tmp_path, "order_number,status,placed_at,email,billing_email\n"
                                       "ACM-20417,paid,2026-11-18,a@example.com,b@example.com\n")


def test_formula_like_cells_are_exported_as_text_and_imported_back_as_written(sessions, tmp_path):
    with session_scope(sessions) as session:
        session.add_all([
            Order(order_number="ACM-20417", customer_email="+ana@example.com", status="shipped",
                  placed_at=dt.datetime(2026, 11, 18, 10, 15), customer_name='=HYPERLINK("http://evil.example","Ana")',
                  carrier="@Post", tracking_number="-JD0001", shipping_country="DE",
                  estimated_delivery=dt.date(2026, 11, 25)),
            Order(order_number="ACM-20418", customer_email="ben@example.com", status="paid",
                  placed_at=dt.datetime(2026, 11, 19), customer_name="'Tis Ben", shipping_country=""),
        ])
    out = io.StringIO()
    with session_scope(sessions) as session:
        export_orders_csv(session=session, stream=out)
        session.execute(delete(Order))
    assert list(csv.reader(io.StringIO(out.getvalue())))[1:] == [
        ["ACM-20417", "'+ana@example.com", "shipped", "2026-11-18 10:15", '\'=HYPERLINK("http://evil.example","Ana")',
         "'@Post", "'-JD0001", "DE", "", "", "2026-11-25", "", "", "", ""],
        ["ACM-20418", "ben@example.com", "paid", "2026-11-19 00:00", "'Tis Ben", "", "", "", "", "", "", "", "", "",
         ""],
    ]
    assert run_import(sessions, tmp_path, out.getvalue()).added == 2
    orders = stored(sessions)
    ana, ben = orders["ACM-20417"], orders["ACM-20418"]
    assert (ana.customer_email, ana.customer_name, ana.carrier, ana.tracking_number) == (
        "+ana@example.com", '=HYPERLINK("http://evil.example","Ana")', "@Post", "-JD0001")
    assert (ana.placed_at, ana.estimated_delivery) == (dt.datetime(2026, 11, 18, 10, 15), dt.date(2026, 11, 25))
    assert (ben.customer_name, ben.placed_at) == ("'Tis Ben", dt.datetime(2026, 11, 19))


LINES = (
    "order_number,customer_email,status,placed_at,Lineitem sku,Lineitem quantity,Lineitem price,item_size\n"
    "ACM-20417,ana@example.com,paid,2026-11-18,TEE-1,2,19.95,M\n"
    "ACM-20417,,,,MUG-1,1,9,\n"
    "ACM-20418,ben@example.com,pending,2026-11-19,,,,\n"
)


def lines_of(order: Order) -> list[tuple]:
    return [(i.sku, i.size, i.quantity, i.unit_price, i.product_id is not None) for i in order.items]


def test_an_orders_lines_come_one_row_each_as_shop_systems_export_them(sessions, tmp_path):
    with session_scope(sessions) as session:
        session.add(Product(sku="TEE-1", name="Tee", category="Shirts", price=Decimal("19.95"), description="",
                            sizes=["M"], stock={}, photos=[]))
    report = run_import(sessions, tmp_path, LINES)
    assert (report.added, report.updated, report.lines) == (2, 0, 2)
    assert report.summary().startswith("2 orders: 2 added, 0 updated, 2 order lines (columns read as: Lineitem sku")
    orders = stored(sessions)
    assert lines_of(orders["ACM-20417"]) == [("TEE-1", "M", 2, Decimal("19.95"), True),
                                            ("MUG-1", "", 1, Decimal("9.00"), False)]
    assert orders["ACM-20417"].status == "paid" and orders["ACM-20418"].items == []


def test_a_file_without_line_columns_keeps_the_lines_and_one_with_them_replaces_them(sessions, tmp_path):
    run_import(sessions, tmp_path, LINES)
    without_lines = HEADER + "ACM-20417,ana@example.com,shipped,2026-11-18,DHL,JD1,DE,\n"
    assert run_import(sessions, tmp_path, without_lines).lines is None
    assert [i.sku for i in stored(sessions)["ACM-20417"].items] == ["TEE-1", "MUG-1"]
    run_import(sessions, tmp_path, LINES.replace("MUG-1,1,9", "CAP-2,3,4.50").replace("TEE-1,2,19.95,M\n", "\n", 1)
               .replace("\n\n", ",,,\n"))
    assert lines_of(stored(sessions)["ACM-20417"]) == [("CAP-2", "", 3, Decimal("4.50"), False)]


def test_bad_lines_are_each_named_and_nothing_is_stored(sessions, tmp_path):
    header = "order_number,customer_email,status,placed_at,item_sku,item_quantity,item_price\n"
    with pytest.raises(CsvImportError) as caught:
        run_import(sessions, tmp_path, header + (
            "ACM-20417,ana@example.com,paid,2026-11-18,TEE-1,0,19.95\n"
            "ACM-20417,,,,,,\n"
            "ACM-20418,ben@example.com,paid,2026-11-18,TEE-1,two,19.95\n"
            "ACM-20419,cy@example.com,paid,2026-11-18,TEE-1,1,\n"
            "ACM-20420,di@example.com,paid,2026-11-18,TEE-1,1,19,95\n"
            "ACM-20421,ed@example.com,paid,2026-11-18,,2,\n"
            "ACM-20422,fa@example.com,paid,2026-11-18,TEE-1,1,-3\n"
        ))
    assert caught.value.problems == {
        2: "the item quantity '0' is not a whole number of at least 1",
        3: "the same order number as row 2 and no item SKU, so no order line",
        4: "the item quantity 'two' is not a whole number of at least 1",
        5: "the item price is empty; give the price of one item, such as 29.95",
        6: caught.value.problems[6],
        7: "the row gives an item quantity or price but no item SKU",
        8: "the item price '-3' is not a price such as 29.95",
    }
    assert "more cells" in caught.value.problems[6] or "columns" in caught.value.problems[6]
    assert stored(sessions) == {}


def test_exported_orders_with_lines_import_back_the_same(sessions, tmp_path):
    run_import(sessions, tmp_path, LINES)
    out = io.StringIO()
    with session_scope(sessions) as session:
        assert export_orders_csv(session=session, stream=out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert [row[0] for row in rows[1:]] == ["ACM-20417", "ACM-20417", "ACM-20418"]
    assert [row[-4:] for row in rows[1:]] == [
        ["TEE-1", "M", "2", "19.95"], ["MUG-1", "", "1", "9.00"], ["", "", "", ""]]
    before = {number: lines_of(order) for number, order in stored(sessions).items()}
    with session_scope(sessions) as session:
        session.execute(delete(Order))
    assert run_import(sessions, tmp_path, out.getvalue()).lines == 2
    assert {number: lines_of(order) for number, order in stored(sessions).items()} == before
