"""Dense search in SQL with pgvector, where the PostgreSQL server has the extension.

Debian's packages have no pgvector, so here this test is skipped with the server's own error message.
"""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from knowledge_base.dense import DenseIndex
from knowledge_base.repositories.faqs import FaqFields, add_faq, update_faq
from knowledge_base.repositories.intents import upsert_intent
from tests.fakes import HashingEmbedder

pytestmark = pytest.mark.postgresql_only("pgvector is a PostgreSQL extension")

ENTRIES = [
    FaqFields("How long does delivery to Germany take?", "Two to four days.", "shipping_info", ["Berlin parcel"]),
    FaqFields("Which cards do you accept?", "Visa and Mastercard.", "payment_billing", ["Pay by credit card?"]),
    FaqFields("How do I return shoes?", "Print the label.", "return_refund", ["Send shoes back"]),
]


@pytest.fixture
def pgvector_sessions(db_url):
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    except DBAPIError as error:
        engine.dispose()
        pytest.skip(f"CREATE EXTENSION vector failed: {str(error.orig).strip()}")
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        for name in ("shipping_info", "payment_billing", "return_refund"):
            upsert_intent(session=session, name=name)
    yield factory
    engine.dispose()


def test_search_runs_in_sql_and_matches_exact_cosine(pgvector_sessions):
    embedder = HashingEmbedder()
    index = DenseIndex(embedder)
    with session_scope(pgvector_sessions) as session:
        ids = [add_faq(session=session, fields=fields).id for fields in ENTRIES]
    query = embedder.embed(["credit card payment"])[0]
    with session_scope(pgvector_sessions) as session:
        assert index.backend(session) == "pgvector-hnsw"
        scores = index.similarities(session, query, intent_id=None, top=3)
        stored = session.execute(text("SELECT count(*) FROM faq_vectors")).scalar_one()
    assert stored == 6  # a question and an alternate per entry
    for faq_id, fields in zip(ids, ENTRIES, strict=True):
        exact = float(np.max(embedder.embed([fields.question, *fields.alternates]) @ query))
        assert scores[faq_id] == pytest.approx(exact, abs=1e-4)
    assert max(scores, key=scores.get) == ids[1]

    with session_scope(pgvector_sessions) as session:  # an edit is re-embedded before the next search
        update_faq(session=session, faq_id=ids[2], fields=FaqFields(alternates=["credit card payment"]))
    with session_scope(pgvector_sessions) as session:
        scores = index.similarities(session, query, intent_id=None, top=1)
    assert scores == {ids[2]: pytest.approx(1.0, abs=1e-4)}
