"""PostgreSQL full-text search: the index follows every change, customer text is only ever plain words,
and the question outranks the answer."""

from __future__ import annotations

import pytest

from knowledge_base.db import session_scope
from knowledge_base.lexical import PostgresFullTextLexical, tsquery_lexemes
from knowledge_base.repositories.faqs import FaqFields, add_faq, delete_faq, update_faq
from knowledge_base.repositories.intents import require_intent

pytestmark = pytest.mark.postgresql_only("PostgreSQL's full-text search")

GERMANY = FaqFields("How long does delivery to Germany take?", "Two to four business days.", "shipping_info",
                    ["Shipping time to Berlin"])
CARDS = FaqFields("Which cards do you accept?", "Visa and Mastercard; delivery is free over EUR 50.",
                  "payment_billing", ["Can I pay by credit card?"])


def search(sessions, query: str, intent: str | None = None) -> list[int]:
    with session_scope(sessions) as session:
        intent_id = require_intent(session=session, name=intent).id if intent else None
        hits = PostgresFullTextLexical().search(session, query, intent_id=intent_id, limit=10)
    assert all(hit.bm25 > 0 for hit in hits)
    return [hit.faq_id for hit in hits]


@pytest.fixture
def ids(sessions) -> list[int]:
    with session_scope(sessions) as session:
        return [add_faq(session=session, fields=fields).id for fields in (GERMANY, CARDS)]


def test_question_words_outrank_answer_words_and_stems_match(sessions, ids):
    assert search(sessions, "deliveries") == ids  # stemmed; the question beats the answer's mention
    assert search(sessions, "berlin") == [ids[0]]  # alternates are searched
    assert search(sessions, "delivery", intent="payment_billing") == [ids[1]]


@pytest.mark.parametrize(
    "query",
    ["delivery & !germany", "delivery | (berlin", "'; DROP TABLE faq_entries; --", "germany:* <-> \\ ' \"",
     "!!!", "the and of"],
)
def test_tsquery_operators_in_customer_text_are_plain_words(sessions, ids, query):
    found = search(sessions, query)  # never a syntax error
    assert set(found) <= set(ids)
    if "germany" in query or "delivery" in query:
        assert ids[0] in found


def test_each_word_becomes_one_quoted_lexeme():
    assert tsquery_lexemes("!!! ?? the and") == []
    assert tsquery_lexemes("Germany's delivery & !card") == ["'germany'", "'s'", "'delivery'", "'card'"]


def test_index_follows_edits_deactivation_and_deletion(sessions, ids):
    with session_scope(sessions) as session:
        update_faq(session=session, faq_id=ids[0], fields=FaqFields(alternates=["Parcel to Munich"]))
    assert search(sessions, "berlin") == []
    assert search(sessions, "munich") == [ids[0]]
    with session_scope(sessions) as session:
        update_faq(session=session, faq_id=ids[1], fields=FaqFields(active=False))
    assert search(sessions, "cards") == []
    with session_scope(sessions) as session:
        delete_faq(session=session, faq_id=ids[0])
    assert search(sessions, "munich") == []
