"""Loads the demo store (Ferngrove Apparel): intents, FAQ entries, products with photos, and orders.

Idempotent: every record is matched on its natural key (intent name, question, SKU, order number) and
updated in place, so seeding twice leaves the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Order, OrderItem, Product
from knowledge_base.repositories.faqs import FaqFields, add_faq, find_by_question, update_faq
from knowledge_base.repositories.intents import intent_names, upsert_intent

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
PRODUCT_PHOTO_DIR = "products"


@dataclass(frozen=True)
class SeedReport:
    intents: int
    faqs: int
    products: int
    orders: int


def load_json(name: str) -> list[dict]:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def same_wording_key(text: str) -> str:
    """A wording as compared with the demo store's: case and spacing left out."""
    return " ".join(text.lower().split())


def demo_wordings() -> frozenset[str]:
    """``same_wording_key`` of every question and alternate of the demo store's FAQ entries."""
    return frozenset(
        same_wording_key(wording) for item in load_json("faqs.json")
        for wording in (item["question"], *item.get("alternates", ()))
    )


def add_routing_intents(*, session: Session) -> int:
    """Adds the routing intents the shipped router knows (order_status, ..., out_of_scope) that the database
    lacks, so that a store can import its own FAQ entries without the demo store. Intents already there are
    left as they are; returns how many were added."""
    known = set(intent_names(session=session))
    missing = [item for item in load_json("intents.json") if item["name"] not in known]
    for item in missing:
        upsert_intent(
            session=session, name=item["name"], description=item["description"], examples=item["examples"]
        )
    return len(missing)


def seed_demo_store(*, session: Session, data_dir: Path) -> SeedReport:
    intents = load_json("intents.json")
    for item in intents:
        upsert_intent(
            session=session, name=item["name"], description=item["description"], examples=item["examples"]
        )
    faqs = load_json("faqs.json")
    for item in faqs:
        _upsert_faq(session, item)
    products = load_json("products.json")
    for item in products:
        _upsert_product(session, item, data_dir)
    session.flush()
    orders = load_json("orders.json")
    for item in orders:
        _upsert_order(session, item)
    session.flush()
    return SeedReport(len(intents), len(faqs), len(products), len(orders))


def _upsert_faq(session: Session, item: dict) -> None:
    fields = FaqFields(
        question=item["question"],
        answer=item["answer"],
        intent=item["intent"],
        alternates=item["alternates"],
        tags=item.get("tags", []),
        active=True,
    )
    existing = find_by_question(session=session, question=item["question"])
    if existing is None:
        add_faq(session=session, fields=fields)
    elif _faq_differs(existing, fields):
        update_faq(session=session, faq_id=existing.id, fields=fields)


def _faq_differs(entry, fields: FaqFields) -> bool:
    return (
        entry.answer != fields.answer
        or entry.intent.name != fields.intent
        or entry.alternate_questions != list(fields.alternates or [])
        or list(entry.tags or []) != list(fields.tags or [])
        or not entry.active
    )


def _upsert_product(session: Session, item: dict, data_dir: Path) -> None:
    product = session.scalar(select(Product).where(Product.sku == item["sku"]))
    if product is None:
        product = Product(sku=item["sku"])
        session.add(product)
    product.name = item["name"]
    product.category = item["category"]
    product.description = item["description"]
    product.price = Decimal(str(item["price"]))
    product.sizes = item["sizes"]
    product.stock = item["stock"]
    count = len(item["photo_indices"])
    product.photos = [_install_photo(f"{item['sku']}-{n}.png", data_dir) for n in range(1, count + 1)]


def _install_photo(name: str, data_dir: Path) -> str:
    """Copy a packaged photo into the data folder; returns its path relative to the data folder."""
    source = SEED_DIR / "photos" / name
    relative = Path(PRODUCT_PHOTO_DIR) / name
    target = data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copyfile(source, target)
    return relative.as_posix()


def _upsert_order(session: Session, item: dict) -> None:
    order = session.scalar(select(Order).where(Order.order_number == item["order_number"]))
    if order is None:
        order = Order(order_number=item["order_number"])
        session.add(order)
    order.customer_email = item["customer_email"]
    order.customer_name = item.get("customer_name", "")
    order.status = item["status"]
    order.carrier = item.get("carrier")
    order.tracking_number = item.get("tracking_number")
    order.shipping_country = item["shipping_country"]
    order.placed_at = _datetime(item["placed_at"])
    order.shipped_at = _datetime(item.get("shipped_at"))
    order.delivered_at = _datetime(item.get("delivered_at"))
    estimated = item.get("estimated_delivery")
    order.estimated_delivery = dt.date.fromisoformat(estimated) if estimated else None
    products = {p.sku: p for p in session.scalars(select(Product))}
    order.items = [
        OrderItem(
            sku=line["sku"],
            product_id=products[line["sku"]].id if line["sku"] in products else None,
            size=line["size"],
            quantity=line["quantity"],
            unit_price=Decimal(str(line["unit_price"])),
        )
        for line in item["items"]
    ]


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
