"""Products a customer names by SKU or by their whole name, and the size they ask about."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.dialogue import describe_product
from assistant.named_products import asked_size, named_product
from knowledge_base.db import session_scope
from knowledge_base.models import Product

CATALOGUE = [("FG-AB-001", "Leather Chelsea Boot"), ("FG-AB-002", "Suede Chelsea Boot"),
             ("FG-AB-003", "Lace-Up Lug-Sole Boot"), ("MUG-1", "Mug")]


@pytest.fixture
def catalogue(sessions):
    with session_scope(sessions) as session:
        for sku, name in CATALOGUE:
            session.add(Product(sku=sku, name=name, category="Ankle boot", price=Decimal("159.95"),
                                sizes=["40", "41"], stock={"40": 2, "41": 0}, photos=[]))
    return sessions


@pytest.mark.parametrize(
    ("text", "sku"),
    [("how much is the Suede Chelsea Boot?", "FG-AB-002"), ("do you have suede chelsea boots in size 41", "FG-AB-002"),
     ("is fg-ab-003 in stock", "FG-AB-003"), ("the lace-up lug-sole boots, are they waterproof?", "FG-AB-003"),
     ("do the Chelsea boots run true to size?", None),  # the leather or the suede one: the FAQ answers
     ("can I get a mug of tea", None),  # one-word names are too common to count
     ("my order FG-AB-0031 is late", None)],
)
def test_a_product_is_named_by_its_sku_or_its_whole_name(catalogue, text, sku):
    with session_scope(catalogue) as session:
        product = named_product(session, text)
        assert (product.sku if product else None) == sku


def test_the_size_asked_about_is_answered_first():
    product = Product(sku="FG-AB-002", name="Suede Chelsea Boot", category="Ankle boot", price=Decimal("159.95"),
                      description="Suede.", sizes=["40", "41"], stock={"40": 2, "41": 0})
    assert asked_size("do you have it in size 41?") == "41" and asked_size("what sizes are there") is None
    text = describe_product(product, size="41", pictured=False).text
    assert text == "Our Suede Chelsea Boot (Ankle boot, SKU FG-AB-002), EUR 159.95. Suede. Size 41 is sold out right now. In stock in 40."
    assert "It is not made in size 48. " in describe_product(product, size="48").text
    assert describe_product(product, size="40").text.startswith("This looks like our Suede Chelsea Boot")
