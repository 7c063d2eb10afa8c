"""The in-process BM25 used on databases without full text ranks like the database's own full text."""

from __future__ import annotations

import pytest

from knowledge_base.bm25 import InMemoryBm25Lexical
from knowledge_base.db import session_scope
from knowledge_base.repositories.faqs import FaqFields, add_faq, update_faq
from knowledge_base.repositories.intents import require_intent
from knowledge_base.retrieval import lexical_backend

ENTRIES = [
    FaqFields("How long does delivery to Germany take?", "Two to four business days.", "shipping_info",
              ["Shipping time to Berlin"]),
    FaqFields("Do you deliver to Switzerland?", "Yes, duties are paid at the door.", "shipping_info",
              ["Shipping to Zurich"]),
    FaqFields("How do I return a pair of shoes?", "Print the label and drop the parcel off.", "return_refund",
              ["Send shoes back"]),
    FaqFields("Which cards do you accept?", "Visa, Mastercard and Amex.", "payment_billing",
              ["Can I pay by credit card?"]),
]


@pytest.fixture
def ids(sessions):
    with session_scope(sessions) as session:
        return [add_faq(session=session, fields=f).id for f in ENTRIES]


@pytest.mark.parametrize("query", ["delivery Germany", "shipping Zurich", "send back shoes", "credit card visa"])
def test_top_hit_matches_the_databases_full_text_search(sessions, ids, query):
    with session_scope(sessions) as session:
        fts = lexical_backend(session.get_bind().dialect.name).search(session, query, intent_id=None, limit=5)
        own = InMemoryBm25Lexical().search(session, query, intent_id=None, limit=5)
    assert own[0].faq_id == fts[0].faq_id
    assert own[0].bm25 > 0


def test_intent_filter_and_rebuild_after_an_edit(sessions, ids):
    lexical = InMemoryBm25Lexical()
    with session_scope(sessions) as session:
        payment = require_intent(session=session, name="payment_billing").id
        assert lexical.search(session, "shipping", intent_id=payment, limit=5) == []
        update_faq(session=session, faq_id=ids[3], fields=FaqFields(alternates=["Shipping paid by card?"]))
    with session_scope(sessions) as session:
        assert [h.faq_id for h in lexical.search(session, "shipping", intent_id=payment, limit=5)] == [ids[3]]
