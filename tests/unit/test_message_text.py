"""Customer text with bytes that are not UTF-8, control characters, or no words at all."""

from __future__ import annotations

import pytest

from assistant.dialogue import NO_WORDS_TEXT
from assistant.settings import Settings
from assistant.types import UserTurn
from knowledge_base.db import session_scope
from knowledge_base.errors import UserInputError
from knowledge_base.repositories.conversations import conversation_messages
from knowledge_base.retrieval import validate_query
from knowledge_base.text_input import clean_message, require_printable
from tests.unit.security_fixtures import light_runtime, light_store


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    data = tmp_path_factory.mktemp("message-text") / "data"
    with light_store(data.parent / "kb.db") as (sessions, retriever):
        yield light_runtime(Settings(data_dir=data, device="cpu", router="retrieval"), sessions, retriever)


def test_clean_message_replaces_undecodable_bytes_and_drops_control_characters():
    assert clean_message("caf\udce9 ok\x00\x1b\n\tnext") == "caf\ufffd ok\n\tnext"


def test_require_printable_names_the_character_and_its_place():
    assert require_printable("fine\nlines\ttab", "answer") == "fine\nlines\ttab"
    with pytest.raises(UserInputError, match=r"The answer contains .* \(U\+DCE9\) at character 4"):
        require_printable("caf\udce9", "answer")


def test_a_message_with_a_nul_byte_and_undecodable_bytes_is_answered_and_stored_clean(runtime):
    reply = runtime.assistant.respond(UserTurn(text="delivery to Germany\x00 caf\udce9"))
    assert reply.action == "answer"
    with session_scope(runtime.sessions) as session:
        stored = conversation_messages(session=session, public_id=reply.conversation_id)[0].text
    assert stored == "delivery to Germany caf\ufffd"


@pytest.mark.parametrize("message", ["😡😡📦❓", "?!?!...,,;;", "\u200b\u200b"])
def test_a_message_without_words_asks_for_words(runtime, message):
    reply = runtime.assistant.respond(UserTurn(text=message))
    assert (reply.action, reply.text) == ("no_match", NO_WORDS_TEXT)


def test_a_search_query_is_cleaned_the_same_way():
    assert validate_query("delivery\x00 to caf\udce9", max_chars=100) == "delivery to caf\ufffd"
