"""The chat's handler functions on a real store with the hashing embedder: turns, ratings, hand-offs,
staff replies, reloads, and errors turned into short messages."""

from __future__ import annotations

import pytest

from assistant.errors import CorruptImageError, ModelError, StorageError
from assistant.pipeline import Assistant
from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.models import Feedback, HandoffTicket
from knowledge_base.repositories.conversations import add_message, open_conversation
from knowledge_base.repositories.faqs import FaqFields, add_faq
from ui.chat import answer_turn, ask_json, hand_off, new_staff_replies, rate_answer, restore
from ui.chat_view import APOLOGY, MODEL_TROUBLE, STORAGE_TROUBLE, friendly_error, pending_entries


@pytest.fixture
def runtime(settings, sessions, retriever) -> Runtime:
    """A real Runtime whose sessions and assistant are the test store and the hashing embedder."""
    with session_scope(sessions) as session:
        add_faq(session=session, fields=FaqFields(
            "How long does delivery to Germany take?", "Germany: 2-4 business days.", "shipping_info",
            ["How many days until my parcel reaches Berlin?"], ["shipping"]))
        retriever.dense.sync(session)
    runtime = Runtime(settings)
    runtime.__dict__.update(sessions=sessions, assistant=Assistant(settings, sessions, retriever))
    return runtime


def test_answered_turn_shows_the_answer_with_source_and_confidence(runtime):
    view, conversation = answer_turn(runtime, "How long does delivery to Germany take?", [], None)
    assert conversation
    assert view.history[0] == {"role": "user", "content": "How long does delivery to Germany take?"}
    answer = view.history[1]["content"]
    assert answer.startswith("Germany: 2-4 business days.")
    assert 'Source: FAQ #1, "How long does delivery to Germany take?"' in answer and "confidence)" in answer
    assert view.message_ids == [1, 2]


def test_empty_turn_is_explained_and_not_stored(runtime):
    view, conversation = answer_turn(runtime, "   ", [], None)
    assert conversation is None
    assert view.history[-1]["content"].startswith("The question is empty")
    assert view.message_ids == [None]  # nothing stored, so nothing to rate


def test_unknown_file_type_is_refused_with_a_reason(runtime, tmp_path):
    document = tmp_path / "invoice.pdf"
    document.write_bytes(b"%PDF-1.4")
    view, _ = answer_turn(runtime, "see attached", [str(document)], None)
    assert "'invoice.pdf' is neither" in view.history[-1]["content"]


def test_two_voice_notes_are_refused(runtime, tmp_path):
    notes = [tmp_path / "a.wav", tmp_path / "b.ogg"]
    notes[0].write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")  # files are told apart by their content
    notes[1].write_bytes(b"OggS\x00\x02" + bytes(20))
    view, _ = answer_turn(runtime, "", [str(n) for n in notes], None)
    assert view.history[-1]["content"] == "Please send one voice note at a time."


def test_thumbs_down_is_stored_and_only_answers_can_be_rated(runtime):
    view, _ = answer_turn(runtime, "How long does delivery to Germany take?", [], None)
    assert rate_answer(runtime, view.message_ids, 1, False) is None
    assert rate_answer(runtime, view.message_ids, 0, True) is not None  # the customer's own message
    assert rate_answer(runtime, view.message_ids, 7, True) == "Only the assistant's answers can be rated."
    with session_scope(runtime.sessions) as session:
        ratings = [(f.message_id, f.rating) for f in session.query(Feedback)]
    assert ratings == [(view.message_ids[1], -1)]
    assert rate_answer(runtime, view.message_ids, 1, "") is None  # thumb taken back
    with session_scope(runtime.sessions) as session:
        assert session.query(Feedback).count() == 0


def test_hand_off_opens_a_ticket_and_staff_replies_reach_the_customer(runtime):
    view, conversation = hand_off(runtime, None)
    assert "member of our team" in view.history[-1]["content"]
    assert new_staff_replies(runtime, conversation, view.message_ids) is None
    with session_scope(runtime.sessions) as session:
        assert session.query(HandoffTicket).one().status == "open"
        stored = open_conversation(session=session, public_id=conversation)
        assert stored.status == "handed_off"
        add_message(session=session, conversation=stored, role="staff", text="Hi, Sam here. How can I help?")
    updated = new_staff_replies(runtime, conversation, view.message_ids)
    assert updated.history[-1]["content"] == "**Ferngrove Apparel team:** Hi, Sam here. How can I help?"
    assert new_staff_replies(runtime, conversation, updated.message_ids) is None


def test_restore_brings_back_the_stored_conversation_or_starts_afresh(runtime):
    live, conversation = answer_turn(runtime, "How long does delivery to Germany take?", [], None)
    restored, same = restore(runtime, conversation)
    assert same == conversation and restored.history == live.history
    fresh, none = restore(runtime, "no-such-conversation")
    assert none is None and fresh.history == []


def test_public_api_returns_the_reply_as_json(runtime):
    reply = ask_json(runtime, "How long does delivery to Germany take?", None)
    assert reply["action"] == "answer" and reply["sources"][0]["faq_id"] == 1
    import gradio as gr

    with pytest.raises(gr.Error, match="The question is empty"):
        ask_json(runtime, "", reply["conversation_id"])


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (CorruptImageError("The image cannot be read; please send it again."), "The image cannot be read"),
        (StorageError("disk full at /var/lib/x"), STORAGE_TROUBLE),
        (ModelError("whisper weights missing at /opt/x"), MODEL_TROUBLE),
        (ZeroDivisionError("division by zero"), APOLOGY),
    ],
)
def test_errors_reach_the_customer_as_short_messages(error, expected):
    message = friendly_error(error)
    assert message.startswith(expected)
    assert "/var/lib" not in message and "/opt" not in message and "Traceback" not in message


def test_progress_note_says_what_is_happening(tmp_path):
    assert pending_entries("", [str(tmp_path / "n.wav")])[-1]["metadata"]["title"] == "Transcribing your voice note…"
    assert pending_entries("", [str(tmp_path / "p.jpg")])[-1]["metadata"]["title"] == "Looking at your picture…"
    assert pending_entries("hi", [])[-1]["metadata"]["status"] == "pending"
