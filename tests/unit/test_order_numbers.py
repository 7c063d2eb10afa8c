from __future__ import annotations

import datetime as dt

import pytest

from assistant.orders import (
    OrderNumberFormat,
    ask_order_number_text,
    describe_order,
    find_email,
    find_order_number,
    only_an_order_number,
)
from knowledge_base.models import Order


@pytest.mark.parametrize(
    "text",
    [
        "FG-100060", "fg 100060 please", "FG100060", "order 100060", "order #100060", "my order is 100060",
        "order no. 100060", "Order number: 100 060", "#100060", "FG - 100060", "F G 100060", "F G 100 060",
        "FG-1O0060", "F G one zero zero zero six zero", "ferngrove.shop/account/orders/FG-100060",
        "Hi! Where is FG-100060?\nThanks",
    ],
)
def test_order_numbers_are_found_however_they_are_written(text):
    assert find_order_number(text) == "FG-100060"


@pytest.mark.parametrize(
    "text",
    [
        "it cost 100060 euros", "postcode 100060", "call me on 0612345678", "order 2 items for 100 euros",
        "FG-AB-001", "FG-1000601", "price EUR 123456.00", "an order of 123456 shirts", "config 123456", "",
    ],
)
def test_six_digits_without_context_are_not_an_order_number(text):
    assert find_order_number(text) is None


def test_the_first_text_with_a_number_wins_and_none_is_skipped():
    assert find_order_number(None, "no number here", "screenshot: FG-104280", "FG-100060") == "FG-104280"


@pytest.mark.parametrize(
    ("text", "number"),
    [("ACM-20417 hasn't come", "ACM-20417"), ("a c m 20417", "ACM-20417"), ("order 20417", "ACM-20417"),
     ("#20417", "ACM-20417"), ("order two zero four one seven", "ACM-20417"), ("FG-100060", None),
     ("ACM-204170", None), ("zip 20417", None)],
)
def test_a_stores_own_prefix_and_length(text, number):
    assert find_order_number(text, number_format=OrderNumberFormat(prefix="ACM", digits=5)) == number


@pytest.mark.parametrize(
    ("text", "number"),
    [("where is order #1001", "1001"), ("order number 1001", "1001"), ("1001", None), ("#10012", None)],
)
def test_order_numbers_of_digits_only(text, number):
    assert find_order_number(text, number_format=OrderNumberFormat(prefix="", digits=4)) == number


@pytest.mark.parametrize(
    ("text", "digits_only", "default"),
    [("1001", "1001", None), ("it's 1001", "1001", None), ("100060", None, "FG-100060"),
     ("sure: 100 060", None, "FG-100060"), ("10012", None, None), ("A1001", None, None)],
)
def test_digits_alone_count_only_when_the_number_was_asked_for(text, digits_only, default):
    assert find_order_number(text, number_format=OrderNumberFormat("", 4), expecting=True) == digits_only
    assert find_order_number(text, expecting=True) == default
    assert find_order_number(text, number_format=OrderNumberFormat("", 4)) is None and find_order_number(text) is None


def test_the_request_for_a_number_describes_the_format():
    assert "It starts with FG- followed by 6 digits (for example FG-123456)" in ask_order_number_text()
    assert "It has 4 digits (for example 1234)" in ask_order_number_text(OrderNumberFormat("", 4))


def test_order_status_text_tells_status_carrier_tracking_and_dates():
    order = Order(
        order_number="FG-103348", status="delayed", carrier="DHL", tracking_number="JJD0008423482047058415",
        placed_at=dt.datetime(2026, 10, 26, 23, 23), estimated_delivery=dt.date(2026, 11, 16),
    )
    text = describe_order(order)
    assert "FG-103348 (placed 26 October 2026) is delayed in transit" in text
    assert "DHL, tracking number JJD0008423482047058415" in text and "expected by 16 November 2026" in text


def test_an_order_not_yet_shipped_has_no_tracking_sentence():
    order = Order(order_number="FG-104407", status="pending", placed_at=dt.datetime(2026, 11, 20, 20, 37))
    text = describe_order(order)
    assert "waiting for payment" in text and "tracking" not in text


def test_an_order_whose_payment_failed_promises_no_delivery():
    order = Order(order_number="FG-104408", status="payment_failed", placed_at=dt.datetime(2026, 11, 20, 9, 0),
                  estimated_delivery=dt.date(2026, 11, 25))
    text = describe_order(order)
    assert text == "Your order FG-104408 (placed 20 November 2026) could not be completed because the payment did not go through."


@pytest.mark.parametrize(
    ("texts", "email"),
    [(("my email is Sanne.DeVries@Example.com.",), "sanne.devries@example.com"),
     (("order FG-100060", "it's ana+shop@mail.example.co.uk, thanks"), "ana+shop@mail.example.co.uk"),
     (("order FG-100060 please", None), None), (("a@b or @example.com",), None),
     (("email: 'Aoife.O'Brien@example.ie'",), "aoife.o'brien@example.ie")],
)
def test_an_email_address_is_found_in_the_customers_words(texts, email):
    assert find_email(*texts) == email


@pytest.mark.parametrize(
    ("spoken", "email"),
    [("My email is Kacper dot Nowak at example dot net.", "kacper.nowak@example.net"),
     ("The address is kacper.nowak at example.net, thanks", "kacper.nowak@example.net"),
     ("I bought it at zalando dot com", None), ("my email? I was at home. Dot.", None)],
)
def test_an_email_address_said_in_a_voice_note_is_found(spoken, email):
    assert find_email(None, spoken=spoken) == email


@pytest.mark.parametrize(
    ("text", "number_format", "alone"),
    [
        ("100060", OrderNumberFormat(), True),
        (" #100060. ", OrderNumberFormat(), True),
        ("fg 100060", OrderNumberFormat(), True),
        ("my new postcode is 100060", OrderNumberFormat(), False),
        ("62704", OrderNumberFormat("", 5), True),
        ("Springfield 62704", OrderNumberFormat("", 5), False),
        ("1006", OrderNumberFormat(), False),
        ("", OrderNumberFormat(), False),
    ],
)
def test_a_message_that_is_only_an_order_number(text, number_format, alone):
    assert only_an_order_number(text, number_format) is alone
