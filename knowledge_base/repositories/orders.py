"""Orders, looked up by the number the customer knows them by."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Order


def find_order(*, session: Session, order_number: str) -> Order | None:
    """The order ``order_number`` (e.g. 'FG-100060', matched exactly), or None when there is none."""
    return session.scalar(select(Order).where(Order.order_number == order_number.strip().upper()))
