from __future__ import annotations

from collections import Counter

from PIL import Image
from sqlalchemy import func, select, text

from knowledge_base.db import session_scope
from knowledge_base.models import FaqEntry, Intent, Order, OrderItem, Product
from knowledge_base.seed import SEED_DIR, seed_demo_store
from knowledge_base.lexical import full_text_table

FASHION_MNIST_CLASSES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}
DEMO_INTENTS = {
    "order_status", "shipping_info", "return_refund", "damaged_or_wrong_item", "product_question",
    "payment_billing", "account_login", "technical_issue", "cancel_order", "promotions", "human_agent",
    "greeting", "thanks_goodbye", "out_of_scope",
}


def seed(sessions, data_dir):
    with session_scope(sessions) as session:
        return seed_demo_store(session=session, data_dir=data_dir)


def index_table(session) -> str:
    return full_text_table(session.get_bind().dialect.name)


def snapshot(sessions) -> dict:
    with session_scope(sessions) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Intent, FaqEntry, Product, Order, OrderItem)
        } | {"fts": session.execute(text(f"SELECT count(*) FROM {index_table(session)}")).scalar_one()}


def test_demo_store_has_what_a_real_shop_needs(sessions, tmp_path):
    seed(sessions, tmp_path)
    with session_scope(sessions) as session:
        assert {i.name for i in session.scalars(select(Intent))} >= DEMO_INTENTS
        entries = list(session.scalars(select(FaqEntry)).unique())
        assert len(entries) >= 120
        assert all(len(e.alternate_questions) >= 2 for e in entries)
        answerable = Counter(e.intent.name for e in entries)
        assert len(answerable) >= 11
        products = list(session.scalars(select(Product)))
        assert len(products) >= 40
        assert {p.category for p in products} == FASHION_MNIST_CLASSES
        orders = list(session.scalars(select(Order)))
        assert len(orders) >= 50
        assert len({o.status for o in orders}) >= 8
        assert all(o.items for o in orders)
        assert all(o.order_number.startswith("FG-") for o in orders)


def test_product_photos_are_fashion_mnist_images_copied_into_the_data_dir(sessions, tmp_path):
    seed(sessions, tmp_path)
    with session_scope(sessions) as session:
        for product in session.scalars(select(Product)):
            photo = tmp_path / product.photos[0]
            with Image.open(photo) as image:
                assert image.size == (28, 28) and image.mode == "L"
    assert (SEED_DIR / "photos" / "LICENSE-fashion-mnist.txt").read_text().count("MIT") >= 1


def test_seeding_twice_changes_nothing(sessions, tmp_path):
    seed(sessions, tmp_path)
    first = snapshot(sessions)
    with session_scope(sessions) as session:
        stamps = dict(session.execute(select(FaqEntry.id, FaqEntry.updated_at)).all())
    seed(sessions, tmp_path)
    assert snapshot(sessions) == first
    with session_scope(sessions) as session:
        assert dict(session.execute(select(FaqEntry.id, FaqEntry.updated_at)).all()) == stamps
