from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from knowledge_base.dense import DenseIndex
from knowledge_base.repositories.intents import upsert_intent
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions
from tests.fakes import HashingEmbedder

DEMO_INTENTS = ("shipping_info", "return_refund", "payment_billing", "account_login")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kb.db'}"


@pytest.fixture
def sessions(db_url: str):
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        for name in DEMO_INTENTS:
            upsert_intent(session=session, name=name, description=name.replace("_", " "))
    yield factory
    engine.dispose()


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def retriever(embedder) -> HybridRetriever:
    return HybridRetriever(DenseIndex(embedder), RetrievalOptions(threshold=0.3))


@pytest.fixture(scope="session")
def text_encoder():
    """The real packaged all-MiniLM-L6-v2, loaded once for the whole run."""
    from assistant.text import TextEncoder

    return TextEncoder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")
