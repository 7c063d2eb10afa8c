"""Fuzzing the turn handler and the search query parser: any text a customer can type is answered or
refused with the project's own UserInputError, and never reaches FTS5 as syntax."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from assistant.errors import UserInputError
from assistant.settings import Settings
from assistant.types import UserTurn
from knowledge_base.db import session_scope
from knowledge_base.lexical import FTS_TABLE, SqliteFtsLexical, fts_match_expression, query_terms
from tests.unit.security_fixtures import light_runtime, light_store
from ui.chat import run_turn
from ui.chat_view import APOLOGY, MODEL_TROUBLE, STORAGE_TROUBLE

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FTS_SYNTAX = ['"', "*", "-", "+", "(", ")", ":", "^", "NEAR", "AND", "OR", "NOT", "NEAR(", "{", "}", "\x00",
              "delivery", "Germany", " ", "\n", "FG-100060", "é", "ß", "🙂", "\u200b"]
customer_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FTS_SYNTAX), max_size=30).map("".join),
    st.text(min_size=2001, max_size=2100),
)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    data = tmp_path_factory.mktemp("fuzz-turns") / "data"
    with light_store(data.parent / "kb.db") as (sessions, retriever):
        yield light_runtime(Settings(data_dir=data, device="cpu", router="retrieval"), sessions, retriever)


@FUZZ
@given(message=customer_text, continue_conversation=st.booleans())
def test_the_assistant_answers_or_refuses_any_text(runtime, message, continue_conversation):
    conversation = None
    if continue_conversation:
        conversation = runtime.assistant.respond(UserTurn(text="delivery to Germany")).conversation_id
    try:
        reply = runtime.assistant.respond(UserTurn(text=message, conversation_id=conversation))
    except UserInputError:
        return
    assert reply.text and reply.action and reply.conversation_id


@settings(max_examples=40, deadline=None)
@given(message=customer_text)
def test_the_chat_handler_never_apologises_for_customer_text(runtime, message):
    outcome = run_turn(runtime, message, [], None)
    shown = outcome.view.history[-1]["content"]
    assert shown not in (APOLOGY, STORAGE_TROUBLE, MODEL_TROUBLE)


@FUZZ
@given(query=customer_text)
def test_any_query_becomes_quoted_terms_that_fts5_accepts(runtime, query):
    expression = fts_match_expression(query)
    terms = query_terms(query)
    assert (expression is None) == (not terms) and len(terms) <= 32
    with session_scope(runtime.sessions) as session:
        hits = SqliteFtsLexical().search(session, query, intent_id=None, limit=5)
        if expression is not None:
            session.execute(text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :e"), {"e": expression}).all()
    assert all(hit.bm25 >= 0 or hit.bm25 < 0 for hit in hits)  # numbers, not NaN
