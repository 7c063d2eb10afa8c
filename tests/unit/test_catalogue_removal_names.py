"""The SKUs staff type in the console's removal box, where a SKU may itself hold a space."""

from __future__ import annotations

from decimal import Decimal

from assistant.catalogue_admin import remove_products, split_skus
from knowledge_base.db import session_scope
from knowledge_base.models import Product


def add_products(sessions, *skus: str) -> None:
    with session_scope(sessions) as session:
        session.add_all(Product(sku=sku, name=sku, category="Shirts", price=Decimal("9.00"), description="",
                                sizes=[], stock={}, photos=[]) for sku in skus)


def test_a_stored_sku_with_a_space_stays_whole_and_others_split_on_spaces(sessions):
    add_products(sessions, "TEE 01", "TEE", "01", "MUG-1")
    with session_scope(sessions) as session:
        assert split_skus("TEE 01, MUG-1", session=session) == ["TEE 01", "MUG-1"]
        assert split_skus("MUG-1 TEE\n01;", session=session) == ["MUG-1", "TEE", "01"]
        assert split_skus("CAP 9", session=session) == ["CAP", "9"]
        assert split_skus("", session=session) == []


def test_a_product_whose_sku_has_a_space_can_be_removed_by_it(sessions, tmp_path):
    add_products(sessions, "TEE 01", "MUG-1")
    with session_scope(sessions) as session:
        skus = split_skus(" TEE 01 ", session=session)
    assert remove_products(sessions=sessions, skus=skus, data_dir=tmp_path).removed == ["TEE 01"]
    with session_scope(sessions) as session:
        assert [p.sku for p in session.query(Product)] == ["MUG-1"]
