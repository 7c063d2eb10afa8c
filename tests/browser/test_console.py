"""Staff in the console: an FAQ entry made from the unanswered queue answers the next customer, CSV
export, the catalogue search, exports and removals, and the analytics charts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from knowledge_base.db import session_scope
from knowledge_base.repositories.analytics import conversations_per_day
from tests.browser.chat_page import last_answer, open_chat, send
from tests.browser.console_page import click_row, open_tab
from tests.browser.test_chat_staff import staff_page  # noqa: F401  (the signed-in staff page fixture)

pytestmark = pytest.mark.slow


def test_entry_created_from_the_queue_answers_the_next_customer(live_server, page, staff_page, shot):
    question = "Can I bring my parrot to your store?"  # no entry answers it: the assistant asks back
    answer = "Pets are welcome in our Utrecht showroom as long as they stay on a lead or in a cage."
    open_chat(page, live_server.url)
    send(page, question)

    open_tab(staff_page, "Unanswered")
    staff_page.get_by_role("button", name="Refresh queue").click()
    click_row(staff_page, "unanswered-table", question)
    staff_page.locator("#unanswered-create").click()
    question_box = staff_page.locator("#unanswered-question textarea, #unanswered-question input").first
    staff_page.wait_for_function(
        "(q) => [...document.querySelectorAll('#unanswered-question textarea, #unanswered-question input')]"
        ".some(e => e.value === q)", arg=question)
    staff_page.locator("#unanswered-answer textarea").fill(answer)
    shot(staff_page, "prefilled-from-queue")
    staff_page.locator("#unanswered-save").click()
    staff_page.locator("#unanswered-status", has_text="Added FAQ entry").wait_for()
    staff_page.locator("#unanswered-table", has_text=question).wait_for(state="detached")
    shot(staff_page, "queue-after-saving")
    assert question not in staff_page.locator("#unanswered-table").inner_text()
    assert question_box.input_value() == question

    open_chat(page, live_server.url)
    send(page, question)
    shot(page, "answered-with-the-new-entry")
    assert answer in last_answer(page)


def test_faq_export_offers_a_csv_file(staff_page, shot):
    open_tab(staff_page, "FAQ")
    staff_page.get_by_text("CSV import and export").click()
    staff_page.get_by_role("button", name="Export all entries").click()
    staff_page.locator('#faq-download [aria-label="faq-export.csv"]').wait_for()
    link = staff_page.locator("#faq-download [data-testid=download-link]")
    shot(staff_page, "exported")
    with staff_page.expect_download() as download:
        link.click()
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "question,answer,intent,alternates,tags,active"
    assert len(lines) > 150


def test_orders_search_and_analytics_charts(live_server, staff_page, shot):
    open_tab(staff_page, "Products and orders")
    staff_page.get_by_role("tab", name="Orders", exact=True).click()
    search = staff_page.locator("#order-search textarea, #order-search input").first
    search.fill("sanne.devries")
    search.press("Enter")
    staff_page.get_by_text("FG-100060").wait_for()
    shot(staff_page, "orders")
    staff_page.get_by_text("Export and remove orders").click()
    staff_page.get_by_role("button", name="Export all orders (CSV)").click()
    staff_page.locator('#order-download [aria-label="orders.csv"]').wait_for()
    with staff_page.expect_download() as download:
        staff_page.locator("#order-download [data-testid=download-link]").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len({row["order_number"] for row in rows}) == 62  # one row per order line, the number repeated
    assert len(rows) > 62 and all(row["item_sku"] for row in rows)
    staff_page.locator("#order-remove textarea, #order-remove input").first.fill("FG-104435")
    staff_page.get_by_role("button", name="Remove these orders").click()
    staff_page.locator("#order-remove-status", has_text="Removed 1 orders: FG-104435.").wait_for()
    shot(staff_page, "order-removed")
    search.fill("FG-1044")
    search.press("Enter")
    staff_page.locator("#orders-table span:visible", has_text="FG-104418").first.wait_for()
    assert "FG-104435" not in staff_page.locator("#orders-table").inner_text()
    open_tab(staff_page, "Analytics")
    staff_page.locator("#tab-analytics").get_by_role("button", name="Refresh").click()
    staff_page.locator("#analytics-summary", has_text="conversations since").wait_for()
    staff_page.locator("#tab-analytics canvas, #tab-analytics svg").first.wait_for()
    shot(staff_page, "analytics")
    today = dt.datetime.now(dt.UTC).date()
    with session_scope(live_server.runtime.sessions) as session:
        days = conversations_per_day(session=session, since=today - dt.timedelta(days=29), until=today)
    summary = staff_page.locator("#analytics-summary").inner_text()
    assert summary.startswith(f"{sum(n for _, n in days)} conversations since")
    assert "reply time:" in summary


def test_the_test_console_shows_the_routed_intent_and_each_signal_and_stores_nothing(live_server, page, staff_page, shot):
    from sqlalchemy import func, select

    from knowledge_base.models import Message

    question = "my card keeps getting declined at checkout"
    with session_scope(live_server.runtime.sessions) as session:
        stored_before = session.scalar(select(func.count(Message.id)))
    open_tab(staff_page, "Test console")
    staff_page.locator("#test-query textarea, #test-query input").first.fill(question)
    staff_page.locator("#test-run").click()
    summary = staff_page.locator("#test-summary", has_text="Intent:")
    summary.wait_for()
    shot(staff_page, "test-console")
    text = summary.inner_text()
    assert "payment_billing" in text
    hits = staff_page.get_by_label("Ranked hits").inner_text()
    assert "dense" in hits and "lexical" in hits and "bm25" in hits
    with session_scope(live_server.runtime.sessions) as session:
        assert session.scalar(select(func.count(Message.id))) == stored_before

    open_chat(page, live_server.url)
    send(page, question)
    reply_line = next(line for line in text.splitlines() if line.startswith("Reply:"))
    assert reply_line.removeprefix("Reply:").strip()[:60] in last_answer(page)  # the chat answers the same
