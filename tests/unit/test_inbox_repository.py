from __future__ import annotations

import pytest

from knowledge_base.db import session_scope
from knowledge_base.errors import UserInputError
from knowledge_base.models import Conversation, StaffUser
from knowledge_base.repositories.conversations import conversation_messages
from knowledge_base.repositories.handoffs import open_handoff
from knowledge_base.repositories.inbox import (
    MAX_REPLY_CHARS,
    get_ticket,
    list_tickets,
    reply_to_ticket,
    resolve_ticket,
    ticket_messages,
)
from tests.turns import record_turn


def handed_off(sessions, question="I want to speak to a person about my refund") -> tuple[int, str]:
    with session_scope(sessions) as session:
        reply = record_turn(session, question, action="handoff", intent="return_refund",
                            reply="I am passing you to a colleague.")
        conversation = reply.conversation
        ticket = open_handoff(session=session, conversation=conversation, reason="customer asked for a person")
        return ticket.id, conversation.public_id


def test_open_ticket_is_listed_with_the_customers_last_words(sessions):
    ticket_id, public_id = handed_off(sessions)
    with session_scope(sessions) as session:
        [row] = list_tickets(session=session)
    assert (row.ticket_id, row.conversation_id, row.status) == (ticket_id, public_id, "open")
    assert row.reason == "customer asked for a person"
    assert row.message_count == 2
    assert row.last_customer_text == "I want to speak to a person about my refund"


def test_staff_reply_is_a_message_in_the_customers_conversation(sessions):
    ticket_id, public_id = handed_off(sessions)
    with session_scope(sessions) as session:
        staff = StaffUser(username="mira", password_hash="x")
        session.add(staff)
        session.flush()
        reply_to_ticket(session=session, ticket_id=ticket_id, text="  Hi, I have refunded your order.  ",
                        staff_username="mira")
        staff_id = staff.id
    with session_scope(sessions) as session:
        messages = conversation_messages(session=session, public_id=public_id)
        assert [(m.role, m.text) for m in messages][-1] == ("staff", "Hi, I have refunded your order.")
        assert [m.id for m in ticket_messages(session=session, ticket_id=ticket_id)] == [m.id for m in messages]
        assert get_ticket(session=session, ticket_id=ticket_id).assigned_to_id == staff_id


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "The reply is empty"), ("x" * (MAX_REPLY_CHARS + 1), "the limit is 5,000")],
)
def test_empty_or_overlong_reply_is_refused(sessions, text, message):
    ticket_id, public_id = handed_off(sessions)
    with pytest.raises(UserInputError, match=message), session_scope(sessions) as session:
        reply_to_ticket(session=session, ticket_id=ticket_id, text=text)
    with session_scope(sessions) as session:
        assert len(conversation_messages(session=session, public_id=public_id)) == 2


def test_unknown_ticket_is_named(sessions):
    with pytest.raises(UserInputError, match="no hand-off ticket 999"), session_scope(sessions) as session:
        reply_to_ticket(session=session, ticket_id=999, text="hello")


def test_resolving_gives_the_conversation_back_and_hides_the_ticket(sessions):
    ticket_id, public_id = handed_off(sessions)
    other_id, _ = handed_off(sessions, "A human please")
    with session_scope(sessions) as session:
        ticket = resolve_ticket(session=session, ticket_id=ticket_id)
        assert ticket.status == "resolved" and ticket.resolved_at is not None
    with session_scope(sessions) as session:
        conversation_id = get_ticket(session=session, ticket_id=ticket_id).conversation_id
        assert session.get(Conversation, conversation_id).status == "open"
        assert [t.ticket_id for t in list_tickets(session=session)] == [other_id]
        assert {t.ticket_id for t in list_tickets(session=session, include_resolved=True)} == {ticket_id, other_id}
    with pytest.raises(UserInputError, match="already resolved"), session_scope(sessions) as session:
        reply_to_ticket(session=session, ticket_id=ticket_id, text="one more thing")
    with pytest.raises(UserInputError, match="already resolved"), session_scope(sessions) as session:
        resolve_ticket(session=session, ticket_id=ticket_id)
