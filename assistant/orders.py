"""Order numbers in what customers type, say or photograph, and how an order's status is told to them.

Order numbers look like ``FG-100060``. Customers write them as "FG-100060", "fg 100060", "FG100060",
"order 100060", "order no. 100060" or "#100060"; OCR and transcripts may give "FG - 100060",
"F G 100 060", "FG-1O0060" or "F G one zero zero zero six zero". Six digits alone (a price, a postcode, a
phone number) are never taken for an order number: the prefix, the word "order" or "#" must precede them.
"""

from __future__ import annotations

import datetime as dt
import re

from knowledge_base.models import Order

ORDER_PREFIX = "FG"
DIGITS = 6

_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_SPOKEN = re.compile(r"\b(" + "|".join(_SPOKEN_DIGITS) + r")\b", re.IGNORECASE)
# Six digits, each may be preceded by one space, dot, comma or dash ("100 060", "1-0-0-0-6-0"),
# and not followed by a seventh.
_SPACED_DIGITS = r"(\d(?:[ ,.\-]?\d){5})(?![ ,.\-]?\d)"
_PATTERNS = (
    # FG-100060, fg 100060, FG100060, F G 100060, FG - 100060, orders/FG-100060; OCR may read 0 as O.
    re.compile(r"(?<![a-z0-9])f\s?[-.]?\s?g\s*[-\u2013\u2014_:#.]*\s*(\d(?:[ ,.\-]?[\dOo]){5})(?![ ,.\-]?\d)",
               re.IGNORECASE),
    # order 100060, order #100060, order no. 100060, order number: 100 060, my order is 100060
    re.compile(r"\border(?:\s*(?:number|num|no\.?|nr\.?|id|ref(?:erence)?))?(?:\s+is)?\s*[:#]?\s*"
               + _SPACED_DIGITS, re.IGNORECASE),
    # #100060
    re.compile(r"(?<![\w#&])#\s?(\d{6})(?!\d)"),
)

_STATUS_PHRASES = {
    "pending": "has been received and is waiting for payment to be confirmed",
    "paid": "is paid and waiting to be packed",
    "processing": "is being packed in our warehouse",
    "shipped": "has been shipped",
    "in_transit": "is on its way",
    "out_for_delivery": "is out for delivery",
    "delayed": "is delayed in transit",
    "delivered": "has been delivered",
    "cancelled": "was cancelled",
    "return_requested": "has a return request that we are processing",
    "returned": "has been returned to us",
    "refunded": "has been refunded",
}

ASK_ORDER_NUMBER_TEXT = (
    "I can look that up for you. What is your order number? It starts with FG- followed by six digits "
    "(for example FG-123456) and is in your order confirmation email."
)


def find_order_number(*texts: str | None) -> str | None:
    """The first order number in the texts (typed words, transcript, OCR words), as 'FG-123456'."""
    for text in texts:
        if not text:
            continue
        spoken = _SPOKEN.sub(lambda m: _SPOKEN_DIGITS[m.group(1).lower()], text)
        for candidate in (text, spoken) if spoken != text else (text,):
            number = _first_match(candidate)
            if number:
                return number
    return None


def _first_match(text: str) -> str | None:
    found = [(m.start(), m.group(1)) for pattern in _PATTERNS for m in pattern.finditer(text)]
    if not found:
        return None
    digits = re.sub(r"[^0-9Oo]", "", min(found)[1]).replace("O", "0").replace("o", "0")
    return f"{ORDER_PREFIX}-{digits}" if len(digits) == DIGITS else None


def unknown_order_text(order_number: str) -> str:
    return (
        f"I couldn't find an order {order_number}. Please check the number in your order confirmation "
        "email (it looks like FG-123456) and send it again."
    )


def describe_order(order: Order) -> str:
    """What a customer wants to know about their order: status, carrier and tracking, delivery date."""
    phrase = _STATUS_PHRASES.get(order.status, f"has the status '{order.status.replace('_', ' ')}'")
    parts = [f"Your order {order.order_number} (placed {_day(order.placed_at)}) {phrase}."]
    if order.carrier and order.tracking_number:
        parts.append(f"It travels with {order.carrier}, tracking number {order.tracking_number}.")
    parts.append(_delivery_sentence(order))
    return " ".join(part for part in parts if part)


def _delivery_sentence(order: Order) -> str:
    if order.delivered_at is not None:
        return f"It was delivered on {_day(order.delivered_at)}."
    if order.status == "cancelled" or order.estimated_delivery is None:
        return ""
    if order.status == "delayed":
        return (
            f"It was expected by {_day(order.estimated_delivery)}; we're sorry for the wait, "
            "and the carrier's tracking page shows the newest estimate."
        )
    return f"Estimated delivery: {_day(order.estimated_delivery)}."


def _day(value: dt.date | dt.datetime) -> str:
    return f"{value.day} {value:%B %Y}"
