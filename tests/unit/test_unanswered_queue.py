from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from knowledge_base.db import session_scope
from knowledge_base.question_groups import QueueOptions, group_similar, unanswered_queue
from knowledge_base.repositories.faqs import FaqFields, add_faq, update_faq
from knowledge_base.repositories.unanswered import NO_WORDS, unanswered_turns
from tests.turns import NOON, rate, record_turn

HOUR = dt.timedelta(hours=1)


def store_mixed_turns(sessions) -> dict[str, int]:
    with session_scope(sessions) as session:
        ids = {
            "confident": record_turn(session, "how long is delivery", confidence=0.9, at=NOON).id,
            "clarify": record_turn(session, "do you ship to mars", action="clarify", confidence=0.3,
                                   at=NOON + HOUR).id,
            "no_match": record_turn(session, "what's the weather", action="no_match", confidence=0.1,
                                    at=NOON + 2 * HOUR).id,
            "low": record_turn(session, "gift wrapping?", confidence=0.45, at=NOON + 3 * HOUR).id,
            "product": record_turn(session, "", action="product", confidence=0.4, intent="product_question",
                                   at=NOON + 4 * HOUR).id,
        }
        disliked = record_turn(session, "can I return worn shoes", confidence=0.8, at=NOON + 5 * HOUR)
        rate(session, disliked, -1, comment="that is not what I asked", at=NOON + 6 * HOUR)
        liked = record_turn(session, "how do I pay", confidence=0.3, action="clarify", at=NOON + 7 * HOUR)
        rate(session, liked, -1, at=NOON + 8 * HOUR)
        ids |= {"disliked": disliked.id, "disliked_and_unsure": liked.id}
    return ids


def test_unsure_low_and_disliked_turns_come_with_their_question_newest_first(sessions):
    ids = store_mixed_turns(sessions)
    with session_scope(sessions) as session:
        turns = unanswered_turns(session=session, answer_threshold=0.5)
    assert [(t.message_id, t.reason, t.question) for t in turns] == [
        (ids["disliked_and_unsure"], "thumbs_down", "how do I pay"),
        (ids["disliked"], "thumbs_down", "can I return worn shoes"),
        (ids["low"], "low_confidence", "gift wrapping?"),
        (ids["no_match"], "no_match", "what's the weather"),
        (ids["clarify"], "clarify", "do you ship to mars"),
    ]
    assert turns[1].comment == "that is not what I asked"
    assert turns[1].at == NOON + 6 * HOUR


def test_since_and_limit_narrow_the_turns(sessions):
    store_mixed_turns(sessions)
    with session_scope(sessions) as session:
        recent = unanswered_turns(session=session, answer_threshold=0.5, since=NOON + 150 * dt.timedelta(minutes=1))
        newest_two = unanswered_turns(session=session, answer_threshold=0.5, limit=2)
    assert [t.question for t in recent] == ["how do I pay", "can I return worn shoes", "gift wrapping?"]
    assert [t.question for t in newest_two] == ["how do I pay", "can I return worn shoes"]


def test_turn_without_words_keeps_a_placeholder_question(sessions):
    with session_scope(sessions) as session:
        record_turn(session, "", action="clarify", confidence=0.0)
        [turn] = unanswered_turns(session=session, answer_threshold=0.5)
    assert turn.question == NO_WORDS


def test_grouping_puts_rewordings_together_and_counts_them(sessions, embedder):
    with session_scope(sessions) as session:
        for minutes, question in enumerate(
            ["do you deliver to Iceland", "how much is gift wrapping", "delivery to Iceland?"]
        ):
            record_turn(session, question, action="clarify", confidence=0.2,
                        at=NOON + dt.timedelta(minutes=minutes))
        turns = unanswered_turns(session=session, answer_threshold=0.5)
    groups = group_similar(turns, embedder.embed([t.question for t in turns]), similarity=0.5)
    assert [(g.question, g.count, g.wordings) for g, _ in groups] == [
        ("delivery to Iceland?", 2, ["delivery to Iceland?", "do you deliver to Iceland"]),
        ("how much is gift wrapping", 1, ["how much is gift wrapping"]),
    ]
    assert groups[0][0].reasons == {"clarify": 2}


def test_each_turn_joins_the_most_similar_group(sessions):
    with session_scope(sessions) as session:
        for minutes, question in enumerate(["b", "a", "c"]):
            record_turn(session, question, action="clarify", confidence=0.2, at=NOON + dt.timedelta(minutes=minutes))
        turns = unanswered_turns(session=session, answer_threshold=0.5)  # c, a, b
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])  # c and a differ; b is closer to a
    groups = group_similar(turns, vectors, similarity=0.5)
    assert [[t.question for t in g.turns] for g, _ in groups] == [["c"], ["a", "b"]]


def test_vectors_must_match_turns():
    with pytest.raises(ValueError, match="2 turns but 1 vectors"):
        group_similar([object(), object()], np.zeros((1, 4)), similarity=0.5)


def test_group_leaves_the_queue_once_an_entry_answers_it(sessions, retriever):
    with session_scope(sessions) as session:
        record_turn(session, "Do you offer gift wrapping for presents?", action="no_match", confidence=0.1)
        record_turn(session, "how long does delivery take to Spain", action="clarify", confidence=0.3)
    with session_scope(sessions) as session:
        queue = unanswered_queue(session=session, retriever=retriever, options=QueueOptions(answer_threshold=0.3))
        assert [g.question for g in queue] == ["how long does delivery take to Spain",
                                               "Do you offer gift wrapping for presents?"]
        add_faq(session=session, fields=FaqFields(
            question="Do you offer gift wrapping for presents?", answer="Yes, for 3 euros.", intent="shipping_info",
        ))
        retriever.dense.sync(session)
    with session_scope(sessions) as session:
        queue = unanswered_queue(session=session, retriever=retriever, options=QueueOptions(answer_threshold=0.3))
    assert [g.question for g in queue] == ["how long does delivery take to Spain"]


def test_disliked_answer_stays_queued_until_its_entry_changes(sessions, retriever):
    with session_scope(sessions) as session:
        entry = add_faq(session=session, fields=FaqFields(
            question="Can I return worn shoes?", answer="No.", intent="return_refund"))
        retriever.dense.sync(session)
        answer = record_turn(session, "Can I return worn shoes?", confidence=0.95, intent="return_refund")
        rate(session, answer, -1)
        faq_id = entry.id
    options = QueueOptions(answer_threshold=0.3)
    with session_scope(sessions) as session:
        assert [g.question for g in unanswered_queue(session=session, retriever=retriever, options=options)] == [
            "Can I return worn shoes?"]
        update_faq(session=session, faq_id=faq_id, fields=FaqFields(answer="Unworn shoes only, within 30 days."))
        retriever.dense.sync(session)
    with session_scope(sessions) as session:
        assert unanswered_queue(session=session, retriever=retriever, options=options) == []


@pytest.mark.slow
def test_default_similarity_groups_real_rewordings(sessions, text_encoder):
    questions = ["can I send back shoes that are too small", "is paypal accepted", "where is my parcel",
                 "return shoes wrong size", "can I pay with paypal"]
    with session_scope(sessions) as session:
        for minutes, question in enumerate(questions):
            record_turn(session, question, action="clarify", confidence=0.2, at=NOON + dt.timedelta(minutes=minutes))
        turns = unanswered_turns(session=session, answer_threshold=0.5)
    groups = group_similar(turns, text_encoder.embed([t.question for t in turns]),
                           similarity=QueueOptions().similarity)
    assert sorted(sorted(t.question for t in g.turns) for g, _ in groups) == [
        ["can I pay with paypal", "is paypal accepted"],
        ["can I send back shoes that are too small", "return shoes wrong size"],
        ["where is my parcel"],
    ]
