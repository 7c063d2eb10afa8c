"""`assistant orders import FILE.csv`: the store's orders, so that customers asking about one get its status.

Columns ``order_number,customer_email,status,placed_at`` are required; ``customer_name``, ``carrier``,
``tracking_number``, ``shipping_country``, ``shipped_at``, ``delivered_at`` and ``estimated_delivery`` are
optional, and so are the order's lines (``order_items``), one row per line. Order numbers must have the
store's format (``OrderNumberFormat``) and are stored as it writes them; dates are ISO 8601
(``2026-11-20`` or ``2026-11-20 14:30``). All rows or none; a known order number updates that order, and a
column left out of the file leaves that part of it as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import UserInputError
from assistant.order_items import ITEM_ALIASES, ITEM_COLUMNS, ItemLine, item_line, replace_items
from assistant.orders import STATUS_ALIASES, STATUS_PHRASES, OrderNumberFormat
from knowledge_base.csv_formulas import unescape_formulas
from knowledge_base.csv_table import CsvRow, check_rows, read_table_file
from knowledge_base.models import Order
from knowledge_base.text_input import require_printable

COLUMNS = ("order_number", "customer_email", "status", "placed_at", "customer_name", "carrier",
           "tracking_number", "shipping_country", "shipped_at", "delivered_at", "estimated_delivery")
REQUIRED = COLUMNS[:4]
ALIASES = {
    "order_number": ("order_id", "order_no", "order", "order_#", "order_reference"),
    "customer_email": ("email", "billing_email", "e_mail", "email_address", "customer_e_mail"),
    "status": ("order_status",),
    "placed_at": ("order_date", "created_at", "date_created", "purchase_date"),
    "customer_name": ("billing_name", "full_name"),
    "carrier": ("shipping_carrier", "courier"),
    "tracking_number": ("tracking_code", "tracking_no", "tracking_id"),
    "shipping_country": ("shipping_country_code",),
    "shipped_at": ("shipped_date", "date_shipped"),
    "delivered_at": ("delivered_date", "date_delivered"),
    "estimated_delivery": ("estimated_delivery_date", "expected_delivery_date"),
    **ITEM_ALIASES,
}
"""Other names of the columns in shop systems' exports (WooCommerce, Shopify, ...); only names that cannot
mean another thing, as a column read under a wrong name would refuse rows or change data."""
TEXT_LIMITS = {"customer_email": 320, "customer_name": 200, "status": 32, "carrier": 64, "tracking_number": 64}
DATETIMES = ("placed_at", "shipped_at", "delivered_at")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class OrderImport:
    added: int = 0
    updated: int = 0
    lines: int | None = None
    """Order lines stored, when the file has an item SKU column."""
    note: str = ""
    read_as: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(status as written, status stored) for statuses given in another shop system's words, with counts."""

    def summary(self) -> str:
        text = f"{self.added + self.updated} orders: {self.added} added, {self.updated} updated"
        text += ("" if self.lines is None else f", {self.lines} order lines") + self.note
        if self.read_as:
            text += "; statuses read as " + ", ".join(
                f"{given} -> {stored.replace('_', ' ')} ({n})" for (given, stored), n in sorted(self.read_as.items()))
        return text


def import_orders(*, session: Session, path: Path, number_format: OrderNumberFormat) -> OrderImport:
    table, note = read_table_file(path, required=REQUIRED, expected=(*COLUMNS, *ITEM_COLUMNS), what="order",
                                  aliases=ALIASES)
    table = unescape_formulas(table)
    with_lines = "item_sku" in table.columns
    seen: dict[str, int] = {}
    checked = check_rows(table, lambda row: _check(row, seen, number_format, with_lines))
    report = OrderImport(note=note, lines=sum(1 for f in checked if f["line"]) if with_lines else None)
    lines: dict[str, list[ItemLine]] = {}
    with session.begin_nested():
        orders = {f["order_number"]: _store(session, f, report) for f in checked if not f["more_lines"]}
        for fields in checked:
            lines.setdefault(fields["order_number"], []).extend([fields["line"]] if fields["line"] else [])
        if with_lines:
            for number, order in orders.items():
                replace_items(session, order, lines[number])
        session.flush()
    for row, fields in zip(table.rows, checked, strict=True):
        given = " ".join(row.cells["status"].split())
        if not fields["more_lines"] and _plain(given) != fields["status"]:
            report.read_as[(given, fields["status"])] += 1
    return report


def _store(session: Session, fields: dict, report: OrderImport) -> Order:
    order = session.scalar(select(Order).where(Order.order_number == fields["order_number"]))
    if order is None:
        order = Order(shipping_country="")
        session.add(order)
        report.added += 1
    else:
        report.updated += 1
    for name in COLUMNS:
        if name in fields:
            setattr(order, name, fields[name])
    return order


def _plain(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", cell.lower())


def _check(row: CsvRow, seen: dict[str, int], number_format: OrderNumberFormat, with_lines: bool) -> dict:
    """The row's order fields, its line (``line``, or None) and whether it only adds a line to an order of
    an earlier row (``more_lines``: its other cells are not read, as shop systems leave them blank)."""
    cells = {name: " ".join(value.split()) for name, value in row.cells.items() if name in (*COLUMNS, *ITEM_COLUMNS)}
    number = number_format.parse_exact(cells["order_number"])
    if number is None:
        raise UserInputError(f"the order number {cells['order_number']!r} does not look like {number_format.example}")
    first = seen.setdefault(number, row.number)
    line = item_line(cells) if with_lines else None
    if first != row.number:
        if line is None:
            raise UserInputError(f"the same order number as row {first}"
                                 + (" and no item SKU, so no order line" if with_lines else ""))
        return {"order_number": number, "line": line, "more_lines": True}
    fields: dict = {"order_number": number, "line": line, "more_lines": False}
    for name, limit in TEXT_LIMITS.items():
        if name in cells:
            fields[name] = _text(cells[name], name, limit) or (None if name in ("carrier", "tracking_number") else "")
    if not _EMAIL.match(fields["customer_email"]):
        raise UserInputError(f"the customer email {cells['customer_email']!r} is not an email address")
    if not fields["status"]:
        raise UserInputError("the status is empty")
    fields["status"] = _status(cells["status"])
    if "shipping_country" in cells:
        fields["shipping_country"] = _country(cells["shipping_country"])
    for name in DATETIMES:
        if name in cells:
            fields[name] = _moment(cells[name], name, required=name == "placed_at")
    if "estimated_delivery" in cells:
        fields["estimated_delivery"] = _day(cells["estimated_delivery"])
    if fields["status"] == "shipped" and _plain(cells["status"]) != "shipped" and fields.get("delivered_at"):
        fields["status"] = "delivered"  # "completed" with a delivery date
    return fields


def _status(cell: str) -> str:
    name = re.sub(r"^wc_", "", _plain(cell))  # WooCommerce's stored form: wc-completed
    status = STATUS_ALIASES.get(name, name)
    if status not in STATUS_PHRASES:
        raise UserInputError(f"unknown status {cell!r}; use one of: {', '.join(STATUS_PHRASES)} "
                             "(or a shop system's name for one, such as completed, on-hold, fulfilled or canceled)")
    return status


def _text(value: str, name: str, limit: int) -> str:
    if len(value) > limit:
        raise UserInputError(f"the {name.replace('_', ' ')} is {len(value)} characters long; at most {limit}")
    return require_printable(value, name.replace("_", " "))


def _country(value: str) -> str:
    if value and not re.fullmatch(r"[A-Za-z]{2}", value):
        raise UserInputError(f"the shipping country {value!r} is not a two-letter code such as DE")
    return value.upper()


def _moment(value: str, name: str, *, required: bool) -> dt.datetime | None:
    """A point in time, in UTC when the file gives a time zone."""
    if not value:
        if required:
            raise UserInputError(f"the {name} date is empty")
        return None
    moment = _parsed(value, name)
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _day(value: str) -> dt.date | None:
    """A calendar day as written, whatever time or time zone follows it."""
    return _parsed(value, "estimated_delivery").date() if value else None


def _parsed(value: str, name: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise UserInputError(f"the {name} date {value!r} is not a date like 2026-11-20 or 2026-11-20 14:30") from error
