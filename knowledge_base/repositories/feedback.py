"""Customers' thumbs up / down on the assistant's answers: one rating per answer, the latest wins."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge_base.errors import UserInputError
from knowledge_base.models import Feedback, Message

THUMBS_UP = 1
THUMBS_DOWN = -1


def record_feedback(*, session: Session, message_id: int, rating: int, comment: str = "") -> Feedback:
    """Store ``rating`` (+1 or -1) for the assistant's message ``message_id``, replacing an earlier one."""
    if rating not in (THUMBS_UP, THUMBS_DOWN):
        raise UserInputError(f"A rating is {THUMBS_UP} (helpful) or {THUMBS_DOWN} (not helpful), not {rating!r}.")
    message = session.get(Message, message_id)
    if message is None or message.role != "assistant":
        raise UserInputError(f"There is no answer with id {message_id} to rate.")
    feedback = session.scalar(select(Feedback).where(Feedback.message_id == message_id))
    if feedback is None:
        feedback = Feedback(message_id=message_id, rating=rating, comment=comment)
        session.add(feedback)
    else:
        feedback.rating, feedback.comment = rating, comment
    session.flush()
    return feedback


def clear_feedback(*, session: Session, message_id: int) -> None:
    """Forget the rating of one answer (the customer took the thumb back)."""
    session.execute(delete(Feedback).where(Feedback.message_id == message_id))


def feedback_for(*, session: Session, message_id: int) -> Feedback | None:
    return session.scalar(select(Feedback).where(Feedback.message_id == message_id))
