"""Conversations and their messages, stored as they happen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import UserInputError
from knowledge_base.models import Conversation, Message, utcnow


def open_conversation(*, session: Session, public_id: str | None = None, channel: str = "web") -> Conversation:
    """The conversation ``public_id``, or a new one when it is None."""
    if public_id is None:
        conversation = Conversation(public_id=str(uuid.uuid4()), channel=channel, context={})
        session.add(conversation)
        session.flush()
        return conversation
    conversation = session.scalar(select(Conversation).where(Conversation.public_id == public_id))
    if conversation is None:
        raise UserInputError(f"There is no conversation {public_id!r}; start a new one.")
    return conversation


def add_message(
    *,
    session: Session,
    conversation: Conversation,
    role: str,
    text: str,
    transcript: str | None = None,
    language: str | None = None,
    attachments: Sequence[str] = (),
    intent: str | None = None,
    confidence: float | None = None,
    action: str | None = None,
    sources: Sequence[dict] = (),
    latency_ms: float | None = None,
) -> Message:
    message = Message(
        conversation=conversation,
        role=role,
        text=text,
        transcript=transcript,
        language=language,
        attachments=list(attachments),
        intent=intent,
        confidence=confidence,
        action=action,
        sources=list(sources),
        latency_ms=latency_ms,
    )
    conversation.updated_at = utcnow()
    session.add(message)
    session.flush()
    return message


def conversation_messages(*, session: Session, public_id: str) -> list[Message]:
    conversation = open_conversation(session=session, public_id=public_id)
    return list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
        )
    )
