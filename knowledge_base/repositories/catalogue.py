"""Read-only searches over the product catalogue and the orders, for the staff console."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from knowledge_base.models import Order, Product


def search_products(*, session: Session, contains: str = "", limit: int | None = 200) -> list[Product]:
    """Products whose SKU, name, category or description contains the text (all when it is empty), at most
    ``limit`` (None: no limit)."""
    query = select(Product).order_by(Product.sku).limit(limit)
    pattern = _pattern(contains)
    if pattern:
        query = query.where(
            or_(*(func.lower(column).like(pattern, escape="\\") for column in (
                Product.sku, Product.name, Product.category, Product.description
            )))
        )
    return list(session.scalars(query))


def search_orders(*, session: Session, contains: str = "", limit: int | None = 200) -> list[Order]:
    """Orders whose number, customer email or name, status or tracking number contains the text,
    newest first (all when it is empty)."""
    query = select(Order).order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit)
    pattern = _pattern(contains)
    if pattern:
        query = query.where(
            or_(*(func.lower(func.coalesce(column, "")).like(pattern, escape="\\") for column in (
                Order.order_number, Order.customer_email, Order.customer_name, Order.status,
                Order.tracking_number,
            )))
        )
    return list(session.scalars(query))


def _pattern(contains: str) -> str | None:
    cleaned = " ".join((contains or "").split()).lower()
    if not cleaned:
        return None
    escaped = cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
