"""The staff inbox: open hand-off tickets, their conversations, staff replies and resolving a ticket.

A staff reply is stored as a message with role ``staff`` in the customer's conversation, so the chat
shows it to the customer like any other turn. Resolving a ticket hands the conversation back to the
assistant (its status returns to ``open``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.errors import UserInputError
from knowledge_base.models import Conversation, HandoffTicket, Message, StaffUser, utcnow
from knowledge_base.repositories.conversations import add_message, conversation_messages

STAFF_ROLE = "staff"
OPEN, RESOLVED = "open", "resolved"
MAX_REPLY_CHARS = 5000


@dataclass(frozen=True)
class TicketSummary:
    """One row of the inbox."""

    ticket_id: int
    conversation_id: str
    """The conversation's public id (what the customer's chat holds)."""
    status: str
    reason: str
    created_at: dt.datetime
    message_count: int
    last_customer_text: str
    """What the customer said last, for the inbox list ('' when they have not written yet)."""


def list_tickets(*, session: Session, include_resolved: bool = False) -> list[TicketSummary]:
    """Tickets newest first; only open ones unless ``include_resolved``."""
    query = (
        select(HandoffTicket, Conversation.public_id)
        .join(Conversation, Conversation.id == HandoffTicket.conversation_id)
        .order_by(HandoffTicket.created_at.desc(), HandoffTicket.id.desc())
    )
    if not include_resolved:
        query = query.where(HandoffTicket.status == OPEN)
    rows = session.execute(query).all()
    counts = _message_counts(session, [ticket.conversation_id for ticket, _ in rows])
    return [
        TicketSummary(
            ticket_id=ticket.id,
            conversation_id=public_id,
            status=ticket.status,
            reason=ticket.reason,
            created_at=ticket.created_at,
            message_count=counts.get(ticket.conversation_id, 0),
            last_customer_text=_last_customer_text(session, ticket.conversation_id),
        )
        for ticket, public_id in rows
    ]


def get_ticket(*, session: Session, ticket_id: int) -> HandoffTicket:
    ticket = session.get(HandoffTicket, ticket_id)
    if ticket is None:
        raise UserInputError(f"There is no hand-off ticket {ticket_id}; refresh the inbox.")
    return ticket


def ticket_messages(*, session: Session, ticket_id: int) -> list[Message]:
    """Every message of the ticket's conversation, oldest first."""
    conversation = session.get(Conversation, get_ticket(session=session, ticket_id=ticket_id).conversation_id)
    return conversation_messages(session=session, public_id=conversation.public_id)


def reply_to_ticket(
    *, session: Session, ticket_id: int, text: str, staff_username: str | None = None
) -> Message:
    """Store a staff reply in the ticket's conversation; an unassigned ticket is assigned to the staff
    member who replies (``staff_username``, when it names an account)."""
    ticket = get_ticket(session=session, ticket_id=ticket_id)
    if ticket.status != OPEN:
        raise UserInputError(
            f"Hand-off ticket {ticket_id} is already resolved; the customer is back with the assistant."
        )
    cleaned = text.strip()
    if not cleaned:
        raise UserInputError("The reply is empty: type a message for the customer.")
    if len(cleaned) > MAX_REPLY_CHARS:
        raise UserInputError(f"The reply is {len(cleaned):,} characters long; the limit is {MAX_REPLY_CHARS:,}.")
    if staff_username and ticket.assigned_to_id is None:
        ticket.assigned_to_id = session.scalar(select(StaffUser.id).where(StaffUser.username == staff_username))
    conversation = session.get(Conversation, ticket.conversation_id)
    return add_message(session=session, conversation=conversation, role=STAFF_ROLE, text=cleaned)


def resolve_ticket(*, session: Session, ticket_id: int) -> HandoffTicket:
    """Close the ticket and give the conversation back to the assistant."""
    ticket = get_ticket(session=session, ticket_id=ticket_id)
    if ticket.status == RESOLVED:
        raise UserInputError(f"Hand-off ticket {ticket_id} is already resolved.")
    ticket.status = RESOLVED
    ticket.resolved_at = utcnow()
    conversation = session.get(Conversation, ticket.conversation_id)
    conversation.status = OPEN
    conversation.updated_at = utcnow()
    session.flush()
    return ticket


def _message_counts(session: Session, conversation_ids: list[int]) -> dict[int, int]:
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Message.conversation_id, func.count(Message.id))
        .where(Message.conversation_id.in_(conversation_ids))
        .group_by(Message.conversation_id)
    )
    return {conversation_id: count for conversation_id, count in rows}


def _last_customer_text(session: Session, conversation_id: int) -> str:
    message = session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.role == "customer")
        .order_by(Message.id.desc())
        .limit(1)
    )
    if message is None:
        return ""
    return message.text or message.transcript or ""
