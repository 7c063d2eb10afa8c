from __future__ import annotations

import pytest
from sqlalchemy import text

from knowledge_base.db import session_scope
from knowledge_base.errors import (
    DuplicateQuestionError,
    FaqNotFoundError,
    UnknownIntentError,
    UserInputError,
)
from knowledge_base.repositories.faqs import (
    FaqFields,
    add_faq,
    delete_faq,
    get_faq,
    list_faqs,
    question_key,
    update_faq,
)

SHIPPING = FaqFields(
    question="How long does delivery take?",
    answer="Standard delivery takes 3-5 business days.",
    intent="shipping_info",
    alternates=["When will my parcel arrive?", "Delivery time?"],
    tags=["Shipping", "shipping", "delivery"],
)


def fts_rows(session) -> list[tuple]:
    """(id, question, alternates) of each entry in the full-text index; on PostgreSQL only entries whose
    stored document equals one computed afresh from their current wordings count."""
    if session.get_bind().dialect.name == "sqlite":
        return session.execute(text("SELECT rowid, question, alternates FROM faq_fts ORDER BY rowid")).all()
    return session.execute(text(
        "SELECT f.id, f.question, coalesce((SELECT string_agg(a.question, ' | ' ORDER BY a.position) "
        "FROM faq_alternates a WHERE a.faq_id = f.id), '') FROM faq_search_documents d "
        "JOIN faq_entries f ON f.id = d.faq_id WHERE d.document = faq_search_document(f.id) ORDER BY f.id"
    )).all()


def test_add_stores_entry_alternates_and_clean_tags(sessions):
    with session_scope(sessions) as session:
        entry = add_faq(session=session, fields=SHIPPING)
        faq_id = entry.id
    with session_scope(sessions) as session:
        stored = get_faq(session=session, faq_id=faq_id)
        assert stored.question == "How long does delivery take?"
        assert stored.intent.name == "shipping_info"
        assert stored.alternate_questions == ["When will my parcel arrive?", "Delivery time?"]
        assert stored.tags == ["shipping", "delivery"]
        assert fts_rows(session) == [
            (faq_id, "How long does delivery take?", "When will my parcel arrive? | Delivery time?")
        ]


def test_question_key_ignores_case_spacing_and_end_punctuation():
    assert question_key("  How long does  DELIVERY take?? ") == question_key("how long does delivery take")


def test_duplicate_question_is_refused_with_the_existing_id(sessions):
    with session_scope(sessions) as session:
        first = add_faq(session=session, fields=SHIPPING)
    with pytest.raises(DuplicateQuestionError) as caught:
        with session_scope(sessions) as session:
            add_faq(session=session, fields=FaqFields("how long does DELIVERY take", "x", "shipping_info"))
    assert f"FAQ entry {first.id}" in str(caught.value)
    with session_scope(sessions) as session:
        assert len(list_faqs(session=session)) == 1


def test_unknown_intent_names_the_known_ones(sessions):
    with pytest.raises(UnknownIntentError, match="Unknown intent 'shiping'.*shipping_info"):
        with session_scope(sessions) as session:
            add_faq(session=session, fields=FaqFields("Q?", "A.", "shiping"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (FaqFields("   ", "A.", "shipping_info"), "question is empty"),
        (FaqFields("Q?", "  ", "shipping_info"), "answer is empty"),
        (FaqFields("Q" * 600, "A.", "shipping_info"), "limit is 500"),
        (FaqFields(None, "A.", "shipping_info"), "needs a question, an answer and an intent"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_stored(sessions, fields, message):
    with pytest.raises(UserInputError, match=message):
        with session_scope(sessions) as session:
            add_faq(session=session, fields=fields)
    with session_scope(sessions) as session:
        assert list_faqs(session=session) == []
        assert fts_rows(session) == []


def test_edit_keeps_fts_in_step_and_bumps_updated_at(sessions):
    with session_scope(sessions) as session:
        entry = add_faq(session=session, fields=SHIPPING)
        faq_id, created = entry.id, entry.updated_at
    with session_scope(sessions) as session:
        update_faq(
            session=session,
            faq_id=faq_id,
            fields=FaqFields(question="How long is shipping to Germany?", alternates=["Germany delivery?"]),
        )
    with session_scope(sessions) as session:
        entry = get_faq(session=session, faq_id=faq_id)
        assert entry.updated_at > created
        assert entry.answer == SHIPPING.answer
        assert fts_rows(session) == [(faq_id, "How long is shipping to Germany?", "Germany delivery?")]


def test_delete_removes_entry_alternates_and_fts_row(sessions):
    with session_scope(sessions) as session:
        faq_id = add_faq(session=session, fields=SHIPPING).id
    with session_scope(sessions) as session:
        delete_faq(session=session, faq_id=faq_id)
    with session_scope(sessions) as session:
        assert fts_rows(session) == []
        assert session.execute(text("SELECT count(*) FROM faq_alternates")).scalar_one() == 0
    with pytest.raises(FaqNotFoundError, match="no FAQ entry with id"):
        with session_scope(sessions) as session:
            delete_faq(session=session, faq_id=faq_id)


def test_an_update_that_changes_nothing_keeps_updated_at(sessions):
    with session_scope(sessions) as session:
        entry = add_faq(session=session, fields=SHIPPING)
        stamp = entry.updated_at
        same = FaqFields(SHIPPING.question, SHIPPING.answer, SHIPPING.intent, SHIPPING.alternates, SHIPPING.tags)
        assert update_faq(session=session, faq_id=entry.id, fields=same).updated_at == stamp
        changed = FaqFields(alternates=["Delivery time?"])
        assert update_faq(session=session, faq_id=entry.id, fields=changed).updated_at > stamp


@pytest.mark.parametrize("field", ["question", "answer"])
def test_a_control_character_in_staff_text_is_refused(sessions, field):
    with session_scope(sessions) as session:
        with pytest.raises(UserInputError, match=rf"The {field} contains an invisible control character \(U\+0007\)"):
            add_faq(session=session, fields=FaqFields(**(vars(SHIPPING) | {field: "ring \x07 bell"})))
