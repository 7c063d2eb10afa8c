from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.settings import Settings
from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from knowledge_base.dense import DenseIndex
from knowledge_base.repositories.intents import upsert_intent
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions
from tests import databases
from tests.fakes import HashingEmbedder
from tests.pg_server import PostgresServer, PostgresUnavailable

DEMO_INTENTS = ("shipping_info", "return_refund", "payment_billing", "account_login")


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--db-backend",
        choices=databases.BACKENDS,
        default=os.environ.get(databases.BACKEND_ENV, "sqlite"),
        help="database every test runs on: sqlite files, or a PostgreSQL server started for the run "
        f"(default: ${databases.BACKEND_ENV}, else sqlite)",
    )


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): tests SQLite behaviour itself; skipped on --db-backend=postgresql"
    )
    config.addinivalue_line(
        "markers", "postgresql_only(reason): tests PostgreSQL behaviour itself; skipped on SQLite"
    )
    databases.configure(config.getoption("--db-backend"))


def pytest_unconfigure(config) -> None:
    databases.current().close()


def pytest_report_header(config) -> str:
    return f"database backend: {config.getoption('--db-backend')}"


def pytest_collection_modifyitems(config, items) -> None:
    backend = config.getoption("--db-backend")
    other = {"sqlite": "postgresql_only", "postgresql": "sqlite_only"}[backend]
    for item in items:
        marker = item.get_closest_marker(other)
        if marker is not None:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"not on {backend}: {reason}"))


@pytest.fixture(scope="session")
def test_databases() -> databases.DatabaseBackend:
    return databases.current()


@pytest.fixture
def db_url(tmp_path: Path, test_databases) -> str:
    """A fresh empty database for one test (a SQLite file, or a new PostgreSQL database)."""
    return test_databases.fresh_url(tmp_path / "kb.db")


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
def settings(tmp_path: Path, test_databases) -> Settings:
    data_dir = tmp_path / "data"
    return Settings(data_dir=data_dir, database_url=test_databases.url_for(data_dir))


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server of the module's own, for tests that use both databases in one run."""
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as error:
        pytest.skip(f"PostgreSQL server binaries are needed: {error}")
    yield server
    server.stop()
