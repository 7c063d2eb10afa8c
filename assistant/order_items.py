"""The lines of an order in an orders CSV: one row per line, the order's number repeated on each.

Shop systems export orders this way (Shopify's "Lineitem sku", "Lineitem quantity", "Lineitem price"):
the first row of an order carries its status, dates and customer, and every row carries one line. Columns
``item_sku``, ``item_size``, ``item_quantity`` and ``item_price``; a row without a SKU has no line (an
order with none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import UserInputError
from knowledge_base.models import Order, OrderItem, Product
from knowledge_base.text_input import require_printable

ITEM_COLUMNS = ("item_sku", "item_size", "item_quantity", "item_price")
ITEM_ALIASES = {
    "item_sku": ("lineitem_sku", "line_item_sku"),
    "item_quantity": ("lineitem_quantity", "line_item_quantity"),
    "item_price": ("lineitem_price", "line_item_price"),
    "item_size": ("line_item_size",),
}
_PRICE = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_WHOLE = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class ItemLine:
    sku: str
    size: str
    quantity: int
    unit_price: Decimal


def item_line(cells: dict[str, str]) -> ItemLine | None:
    """The row's line (cells already trimmed); None when it names no SKU and no quantity or price."""
    sku = cells.get("item_sku", "")
    if not sku:
        if cells.get("item_quantity") or cells.get("item_price"):
            raise UserInputError("the row gives an item quantity or price but no item SKU")
        return None
    return ItemLine(_limited(sku, "item SKU", 64), _limited(cells.get("item_size", ""), "item size", 16),
                    _quantity(cells.get("item_quantity", "")), _price(cells.get("item_price", "")))


def replace_items(session: Session, order: Order, lines: list[ItemLine]) -> None:
    """The order's lines become ``lines``, each tied to the catalogue's product with its SKU, if any."""
    skus = {line.sku for line in lines}
    found = session.execute(select(Product.sku, Product.id).where(Product.sku.in_(skus))) if skus else ()
    products = {sku: product_id for sku, product_id in found}
    order.items = [OrderItem(sku=line.sku, size=line.size, quantity=line.quantity, unit_price=line.unit_price,
                             product_id=products.get(line.sku)) for line in lines]


def item_cells(item: OrderItem | None) -> list[str]:
    """The line's cells as the export writes them, in ``ITEM_COLUMNS`` order."""
    if item is None:
        return ["", "", "", ""]
    return [item.sku, item.size, str(item.quantity), f"{item.unit_price:.2f}"]


def _limited(value: str, name: str, limit: int) -> str:
    if len(value) > limit:
        raise UserInputError(f"the {name} is {len(value)} characters long; at most {limit}")
    return require_printable(value, name)


def _quantity(value: str) -> int:
    if not value:
        return 1
    if not _WHOLE.fullmatch(value) or int(value) < 1:
        raise UserInputError(f"the item quantity {value!r} is not a whole number of at least 1")
    return int(value)


def _price(value: str) -> Decimal:
    if not value:
        raise UserInputError("the item price is empty; give the price of one item, such as 29.95")
    if not _PRICE.fullmatch(value):
        raise UserInputError(f"the item price {value!r} is not a price such as 29.95")
    return Decimal(value)
