from __future__ import annotations

import pytest

from knowledge_base.db import session_scope
from knowledge_base.repositories.catalogue import search_orders, search_products
from knowledge_base.seed import seed_demo_store


@pytest.fixture
def demo_store(sessions, tmp_path):
    with session_scope(sessions) as session:
        seed_demo_store(session=session, data_dir=tmp_path / "data")
    return sessions


def test_products_match_name_description_and_sku_case_blind(demo_store):
    with session_scope(demo_store) as session:
        everything = search_products(session=session)
        cotton = search_products(session=session, contains="  ORGANIC   cotton ")
        by_sku = search_products(session=session, contains="fg-ts-001")
        few = search_products(session=session, limit=3)
    assert len(everything) == 50
    assert [p.sku for p in everything] == sorted(p.sku for p in everything)
    assert "FG-TS-001" in {p.sku for p in cotton}
    assert all("organic cotton" in (p.name + " " + p.description).lower() for p in cotton)
    assert [p.sku for p in by_sku] == ["FG-TS-001"]
    assert len(few) == 3


def test_like_wildcards_in_the_search_are_plain_characters(demo_store):
    with session_scope(demo_store) as session:
        assert search_products(session=session, contains="100% cotton")  # a real percent sign matches
        assert search_products(session=session, contains="1%0") == []  # as a wildcard it would match "100"
        assert search_orders(session=session, contains="FG_1") == []  # as a wildcard it would match "FG-1"


def test_orders_match_email_and_status_newest_first(demo_store):
    with session_scope(demo_store) as session:
        sanne = search_orders(session=session, contains="sanne.devries@")
        refunded = search_orders(session=session, contains="refunded")
        everything = search_orders(session=session)
    assert "FG-100060" in {o.order_number for o in sanne}
    assert all(o.customer_email == "sanne.devries@example.com" for o in sanne)
    assert refunded and all(o.status == "refunded" for o in refunded)
    assert len(everything) == 62
    assert [o.placed_at for o in everything] == sorted((o.placed_at for o in everything), reverse=True)
