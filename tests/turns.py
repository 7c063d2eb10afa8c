"""Stored conversation turns for tests of the staff views (real rows in the test database)."""

from __future__ import annotations

import datetime as dt

from knowledge_base.models import Conversation, Feedback, Message
from knowledge_base.repositories.conversations import add_message, open_conversation

NOON = dt.datetime(2026, 11, 20, 12, 0)


def record_turn(
    session,
    question: str,
    *,
    action: str = "answer",
    confidence: float = 0.9,
    intent: str | None = "shipping_info",
    reply: str = "Standard delivery takes 3-5 business days.",
    at: dt.datetime | None = None,
    latency_ms: float | None = 100.0,
    conversation: Conversation | None = None,
) -> Message:
    """A customer question and the assistant's reply; both dated ``at`` when given. Returns the reply."""
    conversation = conversation or open_conversation(session=session)
    asked = add_message(session=session, conversation=conversation, role="customer", text=question)
    replied = add_message(
        session=session, conversation=conversation, role="assistant", text=reply, intent=intent,
        confidence=confidence, action=action, latency_ms=latency_ms,
    )
    if at is not None:
        asked.created_at = replied.created_at = at
        conversation.started_at = min(conversation.started_at, at)
    session.flush()
    return replied


def rate(session, message: Message, rating: int, *, comment: str = "", at: dt.datetime | None = None) -> Feedback:
    feedback = Feedback(message_id=message.id, rating=rating, comment=comment)
    if at is not None:
        feedback.created_at = at
    session.add(feedback)
    session.flush()
    return feedback
