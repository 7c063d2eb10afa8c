"""Handlers of the unanswered, inbox, analytics, test-console and retraining tabs on a real database."""

from __future__ import annotations

import dataclasses
import datetime as dt

from knowledge_base.db import session_scope
from knowledge_base.question_groups import QueueOptions
from knowledge_base.repositories.conversations import add_message, conversation_messages, open_conversation
from knowledge_base.repositories.handoffs import open_handoff
from tests.turns import NOON, rate, record_turn
from ui.console.analytics import analytics_view
from ui.console.faq import FaqForm, save_faq
from ui.console.inbox import conversation_history, resolve, send_staff_reply, tickets_frame
from ui.console.retrain import metrics_frame
from ui.console.unanswered import faq_form_from_group, load_queue, queue_frame, queue_summary, turns_frame

OPTIONS = QueueOptions(answer_threshold=0.3, similarity=0.5)


def test_thumbs_down_questions_are_grouped_and_an_entry_from_them_empties_the_queue(sessions, retriever):
    with session_scope(sessions) as session:
        for minutes, question in enumerate(["Do you deliver to Iceland?", "deliver to iceland"]):
            answer = record_turn(session, question, intent="shipping_info",
                                 at=NOON + dt.timedelta(minutes=minutes))
            rate(session, answer, -1, comment="wrong answer", at=NOON + dt.timedelta(minutes=minutes))
    [group] = load_queue(sessions, retriever, OPTIONS)
    frame = queue_frame([group])
    assert frame.iloc[0].to_dict() == {
        "asked": 2, "question": "deliver to iceland", "why": "thumbs_down ×2",
        "last asked": "2026-11-20 12:01", "other wordings": "Do you deliver to Iceland?",
    }
    assert list(turns_frame(group)["comment"]) == ["wrong answer", "wrong answer"]
    assert queue_summary([group]).startswith("1 question waiting (2 turns).")
    form = faq_form_from_group(group, ["return_refund", "shipping_info"])
    assert form == FaqForm(question="deliver to iceland", alternates="Do you deliver to Iceland?",
                           intent="shipping_info")
    assert faq_form_from_group(group, ["return_refund"]).intent is None  # an intent that no longer exists
    status, _ = save_faq(sessions, retriever.dense.sync, dataclasses.replace(form, answer="Yes, in 5-7 business days."))
    assert status.startswith("Added FAQ entry")
    assert load_queue(sessions, retriever, OPTIONS) == []
    assert queue_summary([]) == "Nothing waiting: every recent question was answered with confidence."


def handed_off_conversation(sessions) -> tuple[int, str]:
    with session_scope(sessions) as session:
        reply = record_turn(session, "my parcel is damaged, I want a person", action="handoff",
                            intent="human_agent", reply="A colleague will reply here.")
        ticket = open_handoff(session=session, conversation=reply.conversation, reason="asked for a person")
        return ticket.id, reply.conversation.public_id


def test_staff_reply_from_the_inbox_reaches_the_customers_conversation(sessions):
    ticket_id, public_id = handed_off_conversation(sessions)
    assert list(tickets_frame(sessions)["ticket"]) == [ticket_id]
    status, sent = send_staff_reply(sessions, ticket_id, "Sorry about that! A new one is on its way.")
    assert (status, sent) == (f"Reply sent to the customer of ticket {ticket_id}.", True)
    with session_scope(sessions) as session:
        last = conversation_messages(session=session, public_id=public_id)[-1]
    assert (last.role, last.text) == ("staff", "Sorry about that! A new one is on its way.")
    history = conversation_history(sessions, ticket_id)
    assert [m["role"] for m in history] == ["user", "assistant", "assistant"]
    assert history[-1]["content"] == "**Staff:** Sorry about that! A new one is on its way."
    assert history[1]["content"].endswith("*(handoff, intent human_agent)*")


def test_inbox_shows_voice_notes_and_attachments_by_name(sessions):
    ticket_id, public_id = handed_off_conversation(sessions)
    with session_scope(sessions) as session:
        conversation = open_conversation(session=session, public_id=public_id)
        add_message(session=session, conversation=conversation, role="customer", text="",
                    transcript="here is the photo", attachments=["/data/uploads/ab12/box.jpg", "/x/note.webm"])
    assert conversation_history(sessions, ticket_id)[-1] == {
        "role": "user", "content": "(voice note) here is the photo\n\n*Attached: box.jpg, note.webm*"}


def test_inbox_refusals_and_resolving(sessions):
    ticket_id, _ = handed_off_conversation(sessions)
    assert send_staff_reply(sessions, None, "hi") == ("Not done: Pick a conversation in the inbox first.", False)
    status, sent = send_staff_reply(sessions, ticket_id, "  ")
    assert not sent and status == "Not done: The reply is empty: type a message for the customer."
    assert resolve(sessions, ticket_id) == f"Ticket {ticket_id} resolved; the assistant answers this customer again."
    assert tickets_frame(sessions).empty
    assert list(tickets_frame(sessions, include_resolved=True)["status"]) == ["resolved"]
    assert resolve(sessions, ticket_id) == f"Not done: Hand-off ticket {ticket_id} is already resolved."


def test_analytics_view_on_a_known_week(sessions):
    today = dt.date(2026, 11, 20)
    with session_scope(sessions) as session:
        liked = record_turn(session, "delivery?", at=NOON - dt.timedelta(days=2), latency_ms=120)
        record_turn(session, "hmm?", action="clarify", intent="return_refund", at=NOON, latency_ms=80)
        record_turn(session, "person please", action="handoff", intent="human_agent", at=NOON, latency_ms=100)
        rate(session, liked, 1, at=NOON)
        record_turn(session, "last year", at=NOON - dt.timedelta(days=400))
    view = analytics_view(sessions, 7, today)
    assert list(view.conversations["conversations"]) == [0, 0, 0, 0, 1, 0, 2]
    assert str(view.conversations["day"].iloc[-1].date()) == "2026-11-20"
    assert dict(view.outcomes.values.tolist()) == {"answered": 1, "clarified": 1, "handed off": 1}
    assert dict(view.intents.values.tolist()) == {"human_agent": 1, "return_refund": 1, "shipping_info": 1}
    assert dict(view.feedback.values.tolist()) == {"thumbs up": 1, "thumbs down": 0}
    assert view.latency.values.tolist()[-2:] == [[view.latency["day"].iloc[-1], "p50", 90.0],
                                                 [view.latency["day"].iloc[-1], "p95", 99.0]]
    assert "**3** conversations" in view.summary
    assert "1 helpful / 0 not helpful (100% helpful)" in view.summary
    assert "p50 100 ms, p95 118 ms over 3 replies" in view.summary


def test_metrics_are_flattened_into_rows():
    metrics = {"accuracy": 0.91234, "recall": {"shipping_info": 1.0, "return_refund": 0.5}, "examples": 120}
    frame = metrics_frame(metrics)
    assert frame.values.tolist() == [
        ["accuracy", 0.9123], ["recall / shipping_info", 1.0], ["recall / return_refund", 0.5], ["examples", 120]
    ]
