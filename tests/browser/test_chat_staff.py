"""Customer and staff together: a thumbs down reaches the staff queue, an edited answer reaches the chat,
and a staff reply reaches a customer who asked for a person."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from knowledge_base.db import session_scope
from knowledge_base.models import Feedback, Message
from tests.browser.chat_page import last_answer, open_chat, rate_last_answer, send
from tests.browser.console_page import click_row, open_tab, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture
def staff_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(30_000)
    staff = context.new_page()
    sign_in(staff, live_server.url, live_server.staff_user, live_server.staff_password)
    staff.get_by_role("tab", name="FAQ").wait_for()
    yield staff
    context.close()


def test_thumbs_down_is_stored_and_the_question_reaches_the_staff_queue(live_server, page, staff_page, shot):
    question = "Which payment methods do you accept?"
    open_chat(page, live_server.url)
    send(page, question)
    assert "Source: FAQ #" in last_answer(page)  # answered with confidence: only the thumb can queue it
    rate_last_answer(page, "Dislike")
    shot(page, "disliked")
    deadline = time.monotonic() + 30
    while not disliked_answers(live_server):
        assert time.monotonic() < deadline, "the thumbs down was not stored"
        time.sleep(0.2)
    open_tab(staff_page, "Unanswered")
    staff_page.get_by_role("button", name="Refresh queue").click()
    row = staff_page.locator("#unanswered-table [role=row]", has_text=question).first
    row.wait_for()
    assert "thumbs_down" in row.inner_text()
    shot(staff_page, "staff-queue")


def disliked_answers(server) -> list[str]:
    with session_scope(server.runtime.sessions) as session:
        return [m.text for m in session.scalars(
            select(Message).join(Feedback, Feedback.message_id == Message.id).where(Feedback.rating < 0))]


def test_staff_edit_of_an_answer_reaches_the_chat(live_server, page, staff_page, shot):
    edited = "Returns are free within 45 days of delivery (edited by staff for this test)."
    open_tab(staff_page, "FAQ")
    staff_page.locator("#faq-search textarea, #faq-search input").first.fill("return")
    staff_page.locator("#faq-search textarea, #faq-search input").first.press("Enter")
    click_row(staff_page, "faq-table", "How do I return an item")
    staff_page.wait_for_function(  # the form is filled by the row's select event; edit only after that
        "() => [...document.querySelectorAll('#faq-question textarea, #faq-question input')]"
        ".some(e => e.value === 'How do I return an item?')")
    answer_box = staff_page.locator("#faq-answer textarea")
    answer_box.fill(edited)
    staff_page.locator("#faq-save").click()
    staff_page.locator("#faq-status", has_text="the chat answers with it").wait_for()
    shot(staff_page, "faq-edited")
    open_chat(page, live_server.url)
    send(page, "How do I return an item?")
    shot(page, "edited-answer")
    assert edited in last_answer(page)


def test_staff_reply_reaches_a_customer_who_asked_for_a_person(live_server, page, staff_page, shot):
    open_chat(page, live_server.url)
    send(page, "My parcel is lost, can someone help me?")
    page.get_by_role("button", name="Talk to a person").click()
    page.get_by_text("member of our team").wait_for()
    shot(page, "handed-off")
    open_tab(staff_page, "Hand-off inbox")
    staff_page.locator("#tab-inbox").get_by_role("button", name="Refresh").click()
    click_row(staff_page, "inbox-table", "My parcel is lost")
    staff_page.locator("#inbox-reply textarea").fill("Hello, this is Sam from Ferngrove. I am looking into it.")
    staff_page.locator("#inbox-send").click()
    shot(staff_page, "staff-replied")
    page.get_by_text("Hello, this is Sam from Ferngrove").wait_for()
    shot(page, "staff-reply-arrived")
    assert "Ferngrove Apparel team:" in page.locator("#conversation").inner_text()
