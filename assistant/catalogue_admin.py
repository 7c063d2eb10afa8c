"""Exports and removals for the catalogue and the orders: the other half of their CSV imports.

An export is a CSV that the matching import reads back. The product export leaves the photos out: a
re-import of the file (prices changed in a spreadsheet, say) keeps every product's photos as they are.
Removing a product deletes its photo vectors with it and, once the deletion is committed, the photo
files that no other product uses; order lines that named it keep its SKU.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import UserInputError
from assistant.order_import import COLUMNS as ORDER_COLUMNS
from assistant.order_items import ITEM_COLUMNS, item_cells
from assistant.product_import import COLUMNS as PRODUCT_PHOTO_COLUMNS
from assistant.product_import import SEPARATOR
from knowledge_base.csv_formulas import escape_formulas
from knowledge_base.db import session_scope
from knowledge_base.models import Order, Product

PRODUCT_COLUMNS = tuple(name for name in PRODUCT_PHOTO_COLUMNS if name != "photos")
_LIST_SEPARATORS = re.compile(r"[\s,;]+")
_LINE_SEPARATORS = re.compile(r"[\r\n,;]+")


@dataclass
class Removal:
    removed: list[str] = field(default_factory=list)
    """SKUs or order numbers, as stored."""
    photo_files: int = 0
    """Photo files deleted because no remaining product uses them."""

    def summary(self, what: str) -> str:
        text = f"removed {len(self.removed)} {what}: {', '.join(self.removed)}"
        return text + (f"; {self.photo_files} photo files deleted" if self.photo_files else "")


def split_names(text: str) -> list[str]:
    """SKUs or order numbers typed in one box, separated by commas, semicolons, spaces or line breaks."""
    return [name for name in _LIST_SEPARATORS.split(text or "") if name]


def split_skus(text: str, *, session: Session) -> list[str]:
    """SKUs typed in one box, as ``split_names`` reads them, except that a part between commas, semicolons
    or line breaks that is a stored SKU with spaces in it ("TEE 01") stays whole."""
    parts = [part.strip() for part in _LINE_SEPARATORS.split(text or "") if part.strip()]
    spaced = [part for part in parts if _LIST_SEPARATORS.search(part)]
    stored = set(session.scalars(select(Product.sku).where(Product.sku.in_(spaced)))) if spaced else set()
    return [name for part in parts for name in ([part] if part in stored else split_names(part))]


def export_products_csv(*, session: Session, stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(PRODUCT_COLUMNS)
    products = list(session.scalars(select(Product).order_by(Product.sku)))
    for p in products:
        stock = SEPARATOR.join(f"{size}:{count}" for size, count in (p.stock or {}).items())
        writer.writerow(escape_formulas([p.sku, p.name, p.category, f"{p.price:.2f}", p.description or "",
                                         SEPARATOR.join(p.sizes or []), stock]))
    return len(products)


def export_orders_csv(*, session: Session, stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow((*ORDER_COLUMNS, *ITEM_COLUMNS))
    orders = list(session.scalars(select(Order).order_by(Order.placed_at, Order.order_number)))
    for order in orders:
        cells = [_cell(getattr(order, name)) for name in ORDER_COLUMNS]
        for item in sorted(order.items, key=lambda i: i.id) or [None]:
            writer.writerow(escape_formulas([*cells, *item_cells(item)]))
    return len(orders)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def remove_products(*, sessions: sessionmaker[Session], skus: Sequence[str], data_dir: Path) -> Removal:
    """Deletes the products with these SKUs, all or none: an unknown SKU deletes nothing."""
    with session_scope(sessions) as session:
        products = _require(session, Product, Product.sku, skus, "product", "SKU")
        photos = {photo for p in products for photo in p.photos or []}
        removal = Removal(removed=[p.sku for p in products])
        session.execute(delete(Product).where(Product.id.in_([p.id for p in products])))
    with session_scope(sessions) as session:
        still_used = {photo for photos_of in session.scalars(select(Product.photos)) for photo in photos_of or []}
    for photo in sorted(photos - still_used):
        path = data_dir / photo
        if path.is_file():
            path.unlink()
            removal.photo_files += 1
    return removal


def remove_orders(*, session: Session, numbers: Sequence[str]) -> Removal:
    """Deletes the orders with these numbers and their lines, all or none."""
    orders = _require(session, Order, Order.order_number, numbers, "order", "order number")
    session.execute(delete(Order).where(Order.id.in_([o.id for o in orders])))
    return Removal(removed=[o.order_number for o in orders])


def _require(session: Session, model, column, names: Sequence[str], what: str, key: str) -> list:
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if not wanted:
        raise UserInputError(f"Name the {what}s to remove by {key}.")
    found = {getattr(row, column.key): row for row in session.scalars(select(model).where(column.in_(wanted)))}
    missing = [name for name in wanted if name not in found]
    if missing:
        hints = [_hint(session, column, name) for name in missing]
        raise UserInputError(
            f"Nothing was removed: no {what} has the {key} " + ", ".join(hints) + f". Check the {what} list."
        )
    return [found[name] for name in wanted]


def _hint(session: Session, column, name: str) -> str:
    """The name quoted, with the stored spelling when it differs only in case."""
    other = session.scalar(select(column).where(func.lower(column) == name.lower()).limit(1))
    return f"{name!r} (did you mean {other!r}?)" if other else repr(name)
