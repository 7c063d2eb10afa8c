"""Hand-off tickets: a conversation passed from the assistant to a person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Conversation, HandoffTicket

HANDED_OFF = "handed_off"


def open_handoff(*, session: Session, conversation: Conversation, reason: str) -> HandoffTicket:
    """The conversation's open ticket, or a new one; the conversation is marked as handed off."""
    ticket = session.scalar(
        select(HandoffTicket).where(
            HandoffTicket.conversation_id == conversation.id, HandoffTicket.status == "open"
        )
    )
    if ticket is None:
        ticket = HandoffTicket(conversation_id=conversation.id, reason=reason, status="open")
        session.add(ticket)
    conversation.status = HANDED_OFF
    session.flush()
    return ticket
