"""The database goes away for a while: the customer is told in one sentence that the message was not
saved, and when the database is back the next turn works in the same process, in the same conversation.

SQLite: another program holds the write lock. PostgreSQL: the server is stopped (closing every
connection) and started again on the same port (the engine's pooled connections are dead by then).
"""

from __future__ import annotations

import sqlite3

import pytest

from assistant.pipeline import build_retriever
from assistant.runtime import Runtime
from assistant.settings import Settings
from knowledge_base.db import session_scope
from knowledge_base.errors import StorageError
from knowledge_base.models import Message
from knowledge_base.repositories.faqs import FaqFields, add_faq
from knowledge_base.repositories.intents import upsert_intent
from ui.chat import HANDOFF_TEXT, answer_turn, hand_off
from ui.chat_view import STORAGE_TROUBLE

QUESTION = "how long does delivery to Germany take?"
ANSWER = "Delivery to Germany takes 2-4 business days."


def stored_messages(runtime: Runtime) -> list[tuple[str, str]]:
    with session_scope(runtime.sessions) as session:
        return [(m.role, m.text) for m in session.query(Message).order_by(Message.id)]


def start_runtime(data_dir, database_url, text_encoder) -> Runtime:
    settings = Settings(data_dir=data_dir, database_url=database_url, router="retrieval")
    runtime = Runtime.start(settings)
    runtime.__dict__["retriever"] = build_retriever(settings, text_encoder)
    return runtime


@pytest.fixture
def sqlite_runtime(tmp_path, text_encoder) -> Runtime:
    runtime = start_runtime(tmp_path / "data", None, text_encoder)
    with session_scope(runtime.sessions) as session:
        upsert_intent(session=session, name="shipping_info", description="delivery")
        add_faq(session=session, fields=FaqFields("How long does delivery to Germany take?", ANSWER, "shipping_info"))
    return runtime


def test_a_database_locked_by_another_program_is_told_to_the_customer_and_the_next_turn_works(sqlite_runtime):
    runtime = sqlite_runtime
    view, conversation_id = answer_turn(runtime, QUESTION, [], None)
    assert ANSWER in view.history[-1]["content"]

    holder = sqlite3.connect(runtime.settings.data_dir / "assistant.db")
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock past the busy timeout
    try:
        view, kept_id = answer_turn(runtime, "and to France?", [], conversation_id)
    finally:
        holder.rollback()
        holder.close()
    assert kept_id == conversation_id
    assert view.history[-1] == {"role": "assistant", "content": STORAGE_TROUBLE}
    assert {"role": "user", "content": "and to France?"} in view.history  # shown, and said to be unsaved
    assert [text for role, text in stored_messages(runtime) if role == "customer"] == [QUESTION]

    view, same_id = answer_turn(runtime, QUESTION, [], conversation_id)
    assert same_id == conversation_id
    assert ANSWER in view.history[-1]["content"]
    assert [text for role, text in stored_messages(runtime) if role == "customer"] == [QUESTION, QUESTION]


def test_a_postgres_server_that_goes_down_and_comes_back_needs_no_restart(postgres, tmp_path, text_encoder):
    runtime = start_runtime(tmp_path / "data", postgres.create_database(), text_encoder)
    view, conversation_id = hand_off(runtime, None)
    assert HANDOFF_TEXT in view.history[-1]["content"]

    postgres.halt()
    try:
        view, kept_id = hand_off(runtime, conversation_id)
        assert kept_id == conversation_id
        assert view.history[-1] == {"role": "assistant", "content": STORAGE_TROUBLE}
        with pytest.raises(StorageError, match="could not be used"):
            stored_messages(runtime)
    finally:
        postgres.resume()

    view, same_id = hand_off(runtime, conversation_id)
    assert same_id == conversation_id
    assert HANDOFF_TEXT in view.history[-1]["content"]
    assert stored_messages(runtime) == [("assistant", HANDOFF_TEXT)] * 2  # the turn during the outage was not stored
