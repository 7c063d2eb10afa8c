"""In a real browser, HTML in an FAQ answer and in a customer's message shows as text and never runs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from knowledge_base.db import session_scope
from knowledge_base.models import FaqEntry, Message
from tests.browser.chat_page import conversation_text, last_answer, open_chat, send

pytestmark = pytest.mark.slow

SCRIPT = "<script>window.__pwned = 'script'</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'\">"
QUESTION = "Do you accept PayPal?"


def answered_faq_id(server) -> int:
    with session_scope(server.runtime.sessions) as session:
        reply = session.scalars(select(Message).where(Message.role == "assistant").order_by(Message.id.desc())).first()
        return int(reply.sources[0]["faq_id"])


def test_html_in_an_faq_answer_and_a_customer_message_is_shown_as_text(live_server, page, shot):
    open_chat(page, live_server.url)
    send(page, QUESTION)
    faq_id = answered_faq_id(live_server)
    with session_scope(live_server.runtime.sessions) as session:
        entry = session.get(FaqEntry, faq_id)
        original = entry.answer
        entry.answer = f"{original} {SCRIPT} {IMG}"
    try:
        send(page, QUESTION)
        assert SCRIPT in last_answer(page) and IMG in last_answer(page)
        send(page, f"{QUESTION} {IMG} {SCRIPT}")
        page.wait_for_timeout(500)  # give an injected onerror handler the chance to fire
        shot(page, "inert-html")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("#conversation script, #conversation img[src='x']").count() == 0
        assert f"{QUESTION} {IMG} {SCRIPT}" in conversation_text(page)
    finally:
        with session_scope(live_server.runtime.sessions) as session:
            session.get(FaqEntry, faq_id).answer = original
