from __future__ import annotations

import sqlite3

import pytest

from knowledge_base.db import make_engine, make_session_factory, session_scope
from knowledge_base.errors import DatabaseLockedError, DatabaseReadOnlyError
from knowledge_base.repositories.faqs import FaqFields, add_faq, list_faqs

NEW = FaqFields("Do you ship to Iceland?", "Yes, in 5-8 days.", "shipping_info")


def count_entries(factory) -> int:
    with session_scope(factory) as session:
        return len(list_faqs(session=session))


@pytest.mark.sqlite_only("opens the SQLite file read-only")
def test_read_only_database_gives_clear_error_and_keeps_data(sessions, tmp_path):
    with session_scope(sessions) as session:
        add_faq(session=session, fields=FaqFields("Existing?", "Yes.", "shipping_info"))
    read_only = make_session_factory(
        make_engine(f"sqlite:///file:{tmp_path / 'kb.db'}?mode=ro&uri=true")
    )
    with pytest.raises(DatabaseReadOnlyError, match="read-only: nothing was changed"):
        with session_scope(read_only) as session:
            add_faq(session=session, fields=NEW)
    assert count_entries(read_only) == 1  # reads still work
    assert count_entries(sessions) == 1


@pytest.mark.sqlite_only("holds SQLite's file lock from a second connection")
def test_locked_database_gives_clear_error_and_keeps_data(sessions, tmp_path):
    holder = sqlite3.connect(tmp_path / "kb.db")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        impatient = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'kb.db'}", busy_timeout_ms=50))
        with pytest.raises(DatabaseLockedError, match="locked by another program"):
            with session_scope(impatient) as session:
                add_faq(session=session, fields=NEW)
    finally:
        holder.rollback()
        holder.close()
    assert count_entries(sessions) == 0
