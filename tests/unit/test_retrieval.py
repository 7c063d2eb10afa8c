from __future__ import annotations

import pytest
from sqlalchemy import text

from knowledge_base.db import session_scope
from knowledge_base.dense import DenseIndex
from knowledge_base.errors import EmptyQueryError, QueryTooLongError, UnknownIntentError
from knowledge_base.lexical import fts_match_expression
from knowledge_base.repositories.faqs import FaqFields, add_faq, delete_faq, update_faq
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions

ENTRIES = [
    FaqFields("How long does delivery to Germany take?", "Germany: 2-4 business days.", "shipping_info",
              ["How many days until my parcel reaches Berlin?"], ["shipping"]),
    FaqFields("How do I return an item?", "Start a return in your account within 30 days.", "return_refund",
              ["Can I send something back?"], ["returns"]),
    FaqFields("Which payment methods do you accept?", "Visa, Mastercard, PayPal and iDEAL.", "payment_billing",
              ["Can I pay with PayPal?"], ["payment"]),
    FaqFields("How do I reset my password?", "Use 'Forgot password' on the login page.", "account_login",
              ["I forgot my password"], ["account"]),
]


@pytest.fixture
def faq_ids(sessions):
    with session_scope(sessions) as session:
        return [add_faq(session=session, fields=f).id for f in ENTRIES]


def search(sessions, retriever, query, **kwargs):
    with session_scope(sessions) as session:
        return retriever.search(session, query, **kwargs)


def test_best_hit_shows_every_signal_and_a_score_in_unit_range(sessions, retriever, faq_ids):
    result = search(sessions, retriever, "delivery time to Germany")
    best = result.best
    assert best.faq_id == faq_ids[0]
    assert best.answer == "Germany: 2-4 business days."
    assert best.bm25 > 0 and 0 < best.lexical < 1 and 0 < best.dense <= 1
    assert all(0.0 <= hit.score <= 1.0 for hit in result.hits)
    weight = retriever.options.dense_weight
    expected = weight * best.dense + (1 - weight) * best.lexical
    assert best.score == pytest.approx(expected, abs=1e-5)
    dialect = sessions.kw["bind"].dialect.name
    assert result.signals["lexical"] == {"sqlite": "sqlite-fts5-bm25", "postgresql": "postgresql-fulltext"}[dialect]


def test_intent_filter_only_returns_that_intent(sessions, retriever, faq_ids):
    result = search(sessions, retriever, "delivery time to Germany", intent="payment_billing")
    assert {hit.intent for hit in result.hits} == {"payment_billing"}


def test_unknown_intent_filter_is_a_clear_error(sessions, retriever, faq_ids):
    with pytest.raises(UnknownIntentError, match="Known intents"):
        search(sessions, retriever, "delivery", intent="nope")


def test_unrelated_query_is_not_confident_but_offers_closest(sessions, retriever, faq_ids):
    result = search(sessions, retriever, "zebra quantum saxophone")
    assert not result.confident
    assert result.hits, "the closest entries are still offered"


@pytest.mark.parametrize(
    "query",
    ['"delivery', "deliv*", "-delivery Germany", "delivery NEAR Germany", "delivery AND", "OR", "(Germany",
     "Germany:", "col:delivery", "^delivery", "delivery + germany", "NOT NOT"],
)
def test_fts_syntax_in_queries_is_searched_as_plain_words(sessions, retriever, faq_ids, query):
    result = search(sessions, retriever, query)
    assert result.hits  # every entry is still ranked by the dense signal
    if "delivery" in query.lower() or "germany" in query.lower():
        assert result.best.faq_id == faq_ids[0]


def test_fts_expression_quotes_every_term():
    assert fts_match_expression('say "NEAR" AND deliv*') == '"say" OR "near" OR "deliv"'
    assert fts_match_expression("the and of") is None


def test_empty_query_is_refused(sessions, retriever, faq_ids):
    with pytest.raises(EmptyQueryError, match="question is empty"):
        search(sessions, retriever, "   \n ")


def test_100_kb_query_is_refused_with_its_length(sessions, retriever, faq_ids):
    with pytest.raises(QueryTooLongError, match="102,400 characters long; the limit is 2,000"):
        search(sessions, retriever, "a" * 102_400)


def test_index_follows_add_edit_and_delete(sessions, retriever, embedder, faq_ids):
    with session_scope(sessions) as session:
        new_id = add_faq(session=session, fields=FaqFields(
            "Do you offer gift wrapping?", "Yes, for EUR 3.", "shipping_info", ["Gift wrap?"])).id
    assert search(sessions, retriever, "gift wrapping").best.faq_id == new_id

    with session_scope(sessions) as session:
        update_faq(session=session, faq_id=new_id, fields=FaqFields(
            question="Can you engrave a bag?", alternates=["Bag engraving"]))
    result = search(sessions, retriever, "engrave my bag")
    assert result.best.faq_id == new_id and result.best.question == "Can you engrave a bag?"
    with session_scope(sessions) as session:
        vectors = session.execute(
            text("SELECT count(*) FROM faq_embeddings WHERE faq_id = :i"), {"i": new_id}).scalar_one()
        assert vectors == 2  # question + one alternate, the old wordings gone

    with session_scope(sessions) as session:
        delete_faq(session=session, faq_id=new_id)
    assert new_id not in {hit.faq_id for hit in search(sessions, retriever, "engrave my bag").hits}


def test_inactive_entries_are_not_found(sessions, retriever, faq_ids):
    with session_scope(sessions) as session:
        update_faq(session=session, faq_id=faq_ids[2], fields=FaqFields(active=False))
    result = search(sessions, retriever, "pay with PayPal")
    assert faq_ids[2] not in {hit.faq_id for hit in result.hits}


def test_vectors_are_not_recomputed_when_nothing_changed(sessions, retriever, embedder, faq_ids):
    search(sessions, retriever, "returns")
    calls = embedder.calls
    search(sessions, retriever, "returns")
    assert embedder.calls == calls + 1  # only the query was embedded


@pytest.mark.parametrize("mode", ["rrf", "dense", "lexical"])
def test_comparison_modes_rank_and_stay_in_unit_range(sessions, retriever, faq_ids, mode):
    result = search(sessions, retriever, "reset my password", fusion=mode)
    assert result.best.faq_id == faq_ids[3]
    assert all(0.0 <= hit.score <= 1.0 for hit in result.hits)


def test_a_clear_winner_in_meaning_is_confident_under_the_hybrid_threshold(sessions, embedder, faq_ids):
    strict = RetrievalOptions(threshold=0.99, clear_winner_cosine=0.5, clear_winner_margin=0.1)
    result = search(sessions, HybridRetriever(DenseIndex(embedder), strict), "How long does delivery to Germany take?")
    assert result.best.faq_id == faq_ids[0] and result.best.score < 0.99
    assert result.clear_winner and result.confident
    filtered = search(sessions, HybridRetriever(DenseIndex(embedder), strict), "How long does delivery to Germany take?",
                      intent="shipping_info")
    assert not filtered.clear_winner and not filtered.confident  # only a search over every entry can tell


def test_no_clear_winner_without_the_lead_over_the_next_entry(sessions, embedder, faq_ids):
    no_lead = RetrievalOptions(threshold=0.99, clear_winner_cosine=0.5, clear_winner_margin=0.99)
    result = search(sessions, HybridRetriever(DenseIndex(embedder), no_lead), "How long does delivery to Germany take?")
    assert not result.clear_winner and not result.confident
    too_far = RetrievalOptions(threshold=0.99, clear_winner_cosine=1.01)
    assert not search(sessions, HybridRetriever(DenseIndex(embedder), too_far), "delivery Germany").confident
