"""Thumbs up / down on answers: one rating per answer, the latest wins, only answers can be rated."""

from __future__ import annotations

import pytest

from knowledge_base.db import session_scope
from knowledge_base.errors import UserInputError
from knowledge_base.repositories.conversations import add_message, open_conversation
from knowledge_base.repositories.feedback import (
    THUMBS_DOWN,
    THUMBS_UP,
    clear_feedback,
    feedback_for,
    record_feedback,
)


@pytest.fixture
def answer_and_question(sessions) -> tuple[int, int]:
    with session_scope(sessions) as session:
        conversation = open_conversation(session=session)
        question = add_message(session=session, conversation=conversation, role="customer", text="hi?")
        answer = add_message(session=session, conversation=conversation, role="assistant", text="Hello.")
        return answer.id, question.id


def test_latest_rating_replaces_the_earlier_one(sessions, answer_and_question):
    answer_id, _ = answer_and_question
    with session_scope(sessions) as session:
        record_feedback(session=session, message_id=answer_id, rating=THUMBS_UP)
    with session_scope(sessions) as session:
        record_feedback(session=session, message_id=answer_id, rating=THUMBS_DOWN)
    with session_scope(sessions) as session:
        assert feedback_for(session=session, message_id=answer_id).rating == THUMBS_DOWN
        clear_feedback(session=session, message_id=answer_id)
    with session_scope(sessions) as session:
        assert feedback_for(session=session, message_id=answer_id) is None


def test_only_answers_can_be_rated(sessions, answer_and_question):
    _, question_id = answer_and_question
    with session_scope(sessions) as session, pytest.raises(UserInputError, match="no answer with id"):
        record_feedback(session=session, message_id=question_id, rating=THUMBS_UP)
    with session_scope(sessions) as session, pytest.raises(UserInputError, match="no answer with id"):
        record_feedback(session=session, message_id=999_999, rating=THUMBS_UP)


def test_ratings_other_than_up_or_down_are_refused(sessions, answer_and_question):
    answer_id, _ = answer_and_question
    with session_scope(sessions) as session, pytest.raises(UserInputError, match="not 5"):
        record_feedback(session=session, message_id=answer_id, rating=5)
