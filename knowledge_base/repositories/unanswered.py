"""Turns the assistant did not answer well, each with the customer's question that led to it.

A turn counts when the assistant's message is a clarifying question (``clarify``), found nothing
(``no_match``), answered with a confidence under the answer threshold, or got a thumbs-down
(a feedback row with ``rating < 0``). A turn that is both low-confidence and disliked appears once,
as ``thumbs_down``, dated by the feedback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from knowledge_base.models import Conversation, Feedback, Message

UNSURE_ACTIONS = ("clarify", "no_match")
NO_WORDS = "(no words: picture only)"


@dataclass(frozen=True)
class UnansweredTurn:
    message_id: int
    """The assistant's message."""
    conversation_id: str
    """Public id of the conversation."""
    question: str
    """The customer's words that led to the message (typed text, else the voice note's transcript)."""
    reply: str
    action: str | None
    intent: str | None
    """The intent the assistant routed the question to."""
    confidence: float | None
    reason: str
    """'clarify', 'no_match', 'low_confidence' or 'thumbs_down'."""
    at: dt.datetime
    """When the turn happened, or for 'thumbs_down' when the feedback was given."""
    comment: str = ""
    """The customer's feedback comment, if any."""


def unanswered_turns(
    *,
    session: Session,
    answer_threshold: float,
    since: dt.datetime | None = None,
    limit: int = 1000,
) -> list[UnansweredTurn]:
    """Unsure, low-confidence and disliked turns, newest first (at most ``limit``)."""
    disliked = _disliked_turns(session, since, limit)
    unsure = _unsure_turns(session, answer_threshold, since, limit)
    seen = {turn.message_id for turn in disliked}
    turns = disliked + [turn for turn in unsure if turn.message_id not in seen]
    turns.sort(key=lambda turn: (turn.at, turn.message_id), reverse=True)
    return turns[:limit]


def _question_column():
    """The latest customer message before the assistant's message, in the same conversation."""
    customer = aliased(Message)
    return (
        select(customer.id)
        .where(
            customer.conversation_id == Message.conversation_id,
            customer.role == "customer",
            customer.id < Message.id,
        )
        .order_by(customer.id.desc())
        .limit(1)
        .correlate(Message)
        .scalar_subquery()
    )


def _unsure_turns(session, threshold: float, since, limit: int) -> list[UnansweredTurn]:
    query = (
        select(Message, Conversation.public_id, _question_column())
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Message.role == "assistant",
            or_(
                Message.action.in_(UNSURE_ACTIONS),
                and_(Message.action == "answer", Message.confidence < threshold),
            ),
        )
        .order_by(Message.id.desc())
        .limit(limit)
    )
    if since is not None:
        query = query.where(Message.created_at >= since)
    rows = session.execute(query).all()
    questions = _questions(session, [question_id for *_, question_id in rows])
    return [
        _turn(message, public_id, questions.get(question_id), _reason(message), message.created_at)
        for message, public_id, question_id in rows
    ]


def _disliked_turns(session, since, limit: int) -> list[UnansweredTurn]:
    query = (
        select(Message, Conversation.public_id, _question_column(), Feedback)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .join(Feedback, Feedback.message_id == Message.id)
        .where(Feedback.rating < 0)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    if since is not None:
        query = query.where(Feedback.created_at >= since)
    rows = session.execute(query.limit(limit)).all()
    questions = _questions(session, [question_id for _, _, question_id, _ in rows])
    turns: dict[int, UnansweredTurn] = {}
    for message, public_id, question_id, feedback in rows:
        if message.id not in turns:  # newest feedback first: keep the latest per message
            turns[message.id] = _turn(
                message, public_id, questions.get(question_id), "thumbs_down", feedback.created_at,
                comment=feedback.comment or "",
            )
    return list(turns.values())


def _questions(session: Session, message_ids: list[int | None]) -> dict[int, str]:
    ids = [i for i in message_ids if i is not None]
    if not ids:
        return {}
    rows = session.execute(select(Message.id, Message.text, Message.transcript).where(Message.id.in_(ids)))
    return {message_id: (text or "").strip() or (transcript or "").strip() for message_id, text, transcript in rows}


def _reason(message: Message) -> str:
    return message.action if message.action in UNSURE_ACTIONS else "low_confidence"


def _turn(message: Message, public_id: str, question: str | None, reason: str, at, *, comment: str = ""):
    return UnansweredTurn(
        message_id=message.id,
        conversation_id=public_id,
        question=question or NO_WORDS,
        reply=message.text,
        action=message.action,
        intent=message.intent,
        confidence=message.confidence,
        reason=reason,
        at=at,
        comment=comment,
    )
