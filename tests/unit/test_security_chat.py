"""The chat: a per-session message limit, and HTML in FAQ answers and customer messages shown as text."""

from __future__ import annotations

import pytest

from knowledge_base.db import session_scope
from knowledge_base.models import Message
from knowledge_base.repositories.conversations import add_message, open_conversation
from tests.unit.security_fixtures import GERMANY, light_runtime
from ui.chat import load_view, run_turn
from ui.chat_view import inert_html, literal_text
from ui.rate_limits import MessageLimiter

SCRIPT = "<script>window.__pwned = 1</script>"
IMG = '<img src=x onerror="window.__pwned = 1">'


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def runtime(settings, sessions, retriever):
    return light_runtime(settings, sessions, retriever, answer=f"Germany: 2-4 days. {SCRIPT} {IMG} **bold**")


def stored_messages(runtime) -> int:
    with session_scope(runtime.sessions) as session:
        return session.query(Message).count()


def test_a_session_over_its_message_limit_is_asked_to_wait_and_nothing_is_stored(runtime):
    clock = FakeClock()
    limiter = MessageLimiter(max_messages=2, window_seconds=60, clock=clock)
    first = run_turn(runtime, GERMANY, [], None, limiter=limiter, session_key="tab-1")
    run_turn(runtime, GERMANY, [], first.conversation_id, limiter=limiter, session_key="tab-1")
    assert stored_messages(runtime) == 4
    clock.now += 10
    refused = run_turn(runtime, GERMANY, [], first.conversation_id, limiter=limiter, session_key="tab-1")
    assert refused.view.history[-1]["content"].startswith("You are sending messages faster than I can answer")
    assert "wait 50 seconds" in refused.view.history[-1]["content"]
    assert refused.keep_message and stored_messages(runtime) == 4
    clock.now += 51
    allowed = run_turn(runtime, GERMANY, [], first.conversation_id, limiter=limiter, session_key="tab-1")
    assert not allowed.keep_message and stored_messages(runtime) == 6


def test_the_limit_holds_per_session_and_per_conversation(runtime):
    limiter = MessageLimiter(max_messages=1, window_seconds=60, clock=FakeClock())
    first = run_turn(runtime, GERMANY, [], None, limiter=limiter, session_key="tab-1")
    other_tab = run_turn(runtime, GERMANY, [], None, limiter=limiter, session_key="tab-2")
    assert not other_tab.keep_message  # another visitor is not slowed down
    same_conversation = run_turn(runtime, GERMANY, [], first.conversation_id, limiter=limiter, session_key="tab-3")
    assert same_conversation.keep_message  # a new tab on the same conversation shares its limit


def test_message_limiter_counts_nothing_for_a_refused_message():
    clock = FakeClock()
    limiter = MessageLimiter(max_messages=1, window_seconds=10, clock=clock)
    assert limiter.try_send((("session", "a"), ("conversation", "c"))) == 0
    assert limiter.try_send((("session", "b"), ("conversation", "c"))) == 10
    assert limiter.try_send((("session", "b"),)) == 0  # the refused message did not count for b


@pytest.mark.parametrize("text", [SCRIPT, IMG, "<b>x</b> & <a href='javascript:alert(1)'>y</a>"])
def test_inert_html_leaves_no_tag(text):
    for made_safe in (inert_html(text), literal_text(text)):
        assert "<" not in made_safe and ">" not in made_safe


def test_literal_text_shows_markdown_as_typed():
    assert literal_text("**not bold** [link](http://x) `code` $5") == (
        "\\*\\*not bold\\*\\* \\[link\\]\\(http://x\\) \\`code\\` \\$5"
    )


def test_script_and_img_in_an_faq_answer_are_shown_as_text(runtime):
    outcome = run_turn(runtime, GERMANY, [], None)
    answer = outcome.view.history[-1]["content"]
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in answer
    assert '&lt;img src=x onerror="window.__pwned = 1"&gt;' in answer
    assert "<script" not in answer and "<img" not in answer
    assert "**bold**" in answer  # the answer's own Markdown is kept


def test_script_and_img_in_customer_messages_and_staff_replies_are_shown_as_text(runtime):
    with session_scope(runtime.sessions) as session:
        conversation = open_conversation(session=session)
        add_message(session=session, conversation=conversation, role="customer", text=f"hi {SCRIPT} {IMG}",
                    transcript=f"said {IMG}")
        add_message(session=session, conversation=conversation, role="staff", text=f"reply {SCRIPT}")
        conversation_id = conversation.public_id
    shown = " ".join(entry["content"] for entry in load_view(runtime, conversation_id).history)
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;" in shown and "&lt;img src=x onerror=" in shown


def test_the_console_inbox_shows_a_customers_html_as_text(runtime):
    from ui.console.inbox import chat_message

    with session_scope(runtime.sessions) as session:
        conversation = open_conversation(session=session)
        message = add_message(session=session, conversation=conversation, role="customer", text=f"{SCRIPT} {IMG}")
        shown = chat_message(message)["content"]
    assert "<script" not in shown and "<img" not in shown and "&lt;script&gt;" in shown
