"""A light web runtime for the security tests: the test store, the hashing embedder, no model loading."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.pipeline import Assistant
from assistant.runtime import Runtime
from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from knowledge_base.dense import DenseIndex
from knowledge_base.repositories.faqs import FaqFields, add_faq
from knowledge_base.repositories.intents import upsert_intent
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions
from tests.fakes import HashingEmbedder

GERMANY = "How long does delivery to Germany take?"


def light_runtime(settings, sessions, retriever, *, answer: str = "Germany: 2-4 business days.") -> Runtime:
    """A real Runtime over the test store with one FAQ entry (whose answer is ``answer``)."""
    with session_scope(sessions) as session:
        add_faq(session=session, fields=FaqFields(GERMANY, answer, "shipping_info", [], ["shipping"]))
        retriever.dense.sync(session)
    runtime = Runtime(settings)
    runtime.__dict__.update(sessions=sessions, assistant=Assistant(settings, sessions, retriever))
    return runtime


@contextmanager
def light_store(db_file: Path) -> Iterator[tuple]:
    """(sessions, retriever) over a fresh SQLite store with the shipping intent, for module-wide fixtures."""
    engine = make_engine(f"sqlite:///{db_file}")
    upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        upsert_intent(session=session, name="shipping_info", description="shipping info")
    try:
        yield sessions, HybridRetriever(DenseIndex(HashingEmbedder()), RetrievalOptions(threshold=0.3))
    finally:
        engine.dispose()
