"""The demo store in a fresh database (a SQLite file unless a URL is given), for benchmarks."""

from __future__ import annotations

from pathlib import Path

from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head
from knowledge_base.seed import seed_demo_store


def seeded_demo_store(workdir: Path, name: str, *, url: str | None = None):
    """A session factory over ``url`` (default: the SQLite file ``workdir/name``) holding the seeded demo
    store (photos copied to workdir)."""
    engine = make_engine(url or f"sqlite:///{workdir / name}")
    upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        seed_demo_store(session=session, data_dir=workdir)
    return sessions
