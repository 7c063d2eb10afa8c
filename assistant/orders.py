"""Order numbers in what customers type, say or photograph, and how an order's status is told to them.

Order numbers look like ``FG-100060`` by default (``OrderNumberFormat``: the store's prefix, or none, and
its number of digits). Customers write them as "FG-100060", "fg 100060", "FG100060", "order 100060",
"order no. 100060" or "#100060"; OCR and transcripts may give "FG - 100060", "F G 100 060", "FG-1O0060"
or "F G one zero zero zero six zero". Digits alone (a price, a postcode, a phone number) are never taken
for an order number: the prefix, the word "order" or "#" must precede them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from knowledge_base.models import Order

_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_SPOKEN = re.compile(r"\b(" + "|".join(_SPOKEN_DIGITS) + r")\b", re.IGNORECASE)
_SAMPLE_DIGITS = "123456789012"


@dataclass(frozen=True)
class OrderNumberFormat:
    """How the store's order numbers look: ``prefix-digits`` (FG-100060), or digits alone."""

    prefix: str = "FG"
    """Letters before the digits ('' when the store's order numbers are digits only)."""
    digits: int = 6

    @property
    def example(self) -> str:
        return self.written(_SAMPLE_DIGITS[: self.digits])

    def written(self, digits: str) -> str:
        """The order number as it is stored: FG-100060."""
        return f"{self.prefix}-{digits}" if self.prefix else digits

    def parse_exact(self, text: str) -> str | None:
        """The order number when ``text`` is one and nothing else, as a store's own files write it
        ("FG-100060", "fg 100060", "#1001" for digits only); None otherwise."""
        compact = re.sub(r"[\s\-_.]", "", text)
        lead = re.escape(self.prefix) if self.prefix else "#?"
        match = re.fullmatch(rf"{lead}(\d{{{self.digits}}})", compact, re.IGNORECASE)
        return self.written(match.group(1)) if match else None

    def described(self) -> str:
        if self.prefix:
            return f"It starts with {self.prefix}- followed by {self.digits} digits (for example {self.example})"
        return f"It has {self.digits} digits (for example {self.example})"


def order_number_format(settings) -> OrderNumberFormat:
    """The store's format from its settings (ASSISTANT_ORDER_PREFIX, ASSISTANT_ORDER_DIGITS)."""
    return OrderNumberFormat(settings.order_prefix, settings.order_digits)


@functools.lru_cache(maxsize=16)
def _patterns(number_format: OrderNumberFormat, expecting: bool) -> tuple[re.Pattern, ...]:
    rest = number_format.digits - 1
    # N digits, each may be preceded by one space, dot, comma or dash ("100 060", "1-0-0-0-6-0"), and not
    # followed by one more.
    spaced = rf"(\d(?:[ ,.\-]?\d){{{rest}}})(?![ ,.\-]?\d)"
    patterns = [
        # order 100060, order #100060, order no. 100060, order number: 100 060, my order is 100060
        re.compile(r"\border(?:\s*(?:number|num|no\.?|nr\.?|id|ref(?:erence)?))?(?:\s+is)?\s*[:#]?\s*" + spaced,
                   re.IGNORECASE),
        # #100060
        re.compile(rf"(?<![\w#&])#\s?(\d{{{number_format.digits}}})(?!\d)"),
    ]
    if number_format.prefix:
        # FG-100060, fg 100060, FG100060, F G 100060, FG - 100060, orders/FG-100060; OCR may read 0 as O.
        letters = r"\s?[-.]?\s?".join(re.escape(letter) for letter in number_format.prefix)
        patterns.insert(0, re.compile(
            rf"(?<![a-z0-9]){letters}\s*[-\u2013\u2014_:#.]*\s*(\d(?:[ ,.\-]?[\dOo]){{{rest}}})(?![ ,.\-]?\d)",
            re.IGNORECASE))
    if expecting:
        # The customer was asked for the number: "100060", "it's 1001".
        patterns.append(re.compile(r"(?<![\w#-])" + spaced))
    return tuple(patterns)


STATUS_PHRASES = {
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
    "payment_failed": "could not be completed because the payment did not go through",
    "partially_shipped": "has been partly shipped: some items are on their way and the rest follow",
    "partially_refunded": "has been partly refunded",
}

STATUS_ALIASES = {
    **dict.fromkeys(("on_hold", "pending_payment", "awaiting_payment", "unpaid", "holded", "new"), "pending"),
    **dict.fromkeys(("authorized", "authorised"), "paid"),
    **dict.fromkeys(("unfulfilled", "awaiting_fulfillment", "awaiting_shipment", "ready_to_ship", "packed",
                     "in_progress"), "processing"),
    **dict.fromkeys(("completed", "complete", "fulfilled", "dispatched", "sent"), "shipped"),
    **dict.fromkeys(("partially_fulfilled", "partly_shipped"), "partially_shipped"),
    **dict.fromkeys(("canceled", "voided"), "cancelled"),
    **dict.fromkeys(("failed", "declined"), "payment_failed"),
    "closed": "refunded",
    "return_pending": "return_requested",
}
"""Other shop systems' names (WooCommerce, Shopify, Magento, ...) for the states above. A "completed" or
"fulfilled" order has left the warehouse; it counts as delivered only where a delivery date is given."""

def ask_order_number_text(number_format: OrderNumberFormat = OrderNumberFormat()) -> str:
    return (
        f"I can look that up for you. What is your order number? {number_format.described()} and is in "
        "your order confirmation email."
    )


def order_lookup_offer_text(number_format: OrderNumberFormat = OrderNumberFormat()) -> str:
    return (
        f"If this is about an order you have placed, send me its order number and I will check it. "
        f"{number_format.described()} and is in your order confirmation email."
    )


def only_an_order_number(text: str | None, number_format: OrderNumberFormat = OrderNumberFormat()) -> bool:
    """The message is an order number and nothing else ("FG-100060", "#100060", or its digits alone)."""
    if not text:
        return False
    bare = text.strip().rstrip(".!")
    return bool(number_format.parse_exact(bare) or re.fullmatch(rf"#?\s*\d{{{number_format.digits}}}", bare))


def find_order_number(
    *texts: str | None, number_format: OrderNumberFormat = OrderNumberFormat(), expecting: bool = False
) -> str | None:
    """The first order number in the texts (typed words, transcript, OCR words), as the store writes it.
    ``expecting``: the customer was just asked for one, so digits alone count too."""
    for text in texts:
        if not text:
            continue
        spoken = _SPOKEN.sub(lambda m: _SPOKEN_DIGITS[m.group(1).lower()], text)
        for candidate in (text, spoken) if spoken != text else (text,):
            number = _first_match(candidate, number_format, expecting)
            if number:
                return number
    return None


def _first_match(text: str, number_format: OrderNumberFormat, expecting: bool) -> str | None:
    patterns = _patterns(number_format, expecting)
    found = [(m.start(), m.group(1)) for pattern in patterns for m in pattern.finditer(text)]
    if not found:
        return None
    digits = re.sub(r"[^0-9Oo]", "", min(found)[1]).replace("O", "0").replace("o", "0")
    return number_format.written(digits) if len(digits) == number_format.digits else None


_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")


_SPOKEN_PART = r"[a-z0-9_-]+(?:(?:\s+dot\s+|\.)[a-z0-9_-]+)*"
_SPOKEN_EMAIL = re.compile(
    rf"\b({_SPOKEN_PART})\s+(?:at|@)\s+([a-z0-9-]+(?:(?:\s+dot\s+|\.)[a-z0-9-]+)*(?:\s+dot\s+|\.)[a-z]{{2,}})\b")
"""An address as Whisper writes it down when spoken: "kacper dot nowak at example dot net"."""


def find_email(*texts: str | None, spoken: str | None = None) -> str | None:
    """The first email address in the customer's words (typed ``texts``, then a voice note's transcript
    ``spoken``, where "dot" and "at" may stand for the signs when the note says "email" or "address"),
    lower-cased."""
    for text in (*texts, spoken):
        match = _EMAIL.search(text or "")
        if match:
            return match.group(0).strip("'").lower()
    if not re.search(r"\be-?mail|\baddress", (spoken or "").lower()):  # "I bought it at zalando dot com"
        return None
    said = _SPOKEN_EMAIL.search((spoken or "").lower())
    if said is None:
        return None
    name, domain = (re.sub(r"\s+dot\s+", ".", part) for part in said.groups())
    return f"{name}@{domain}"


def ask_order_email_text(order_number: str) -> str:
    return (
        f"To keep order details private, please also type the email address you used for order "
        f"{order_number}."
    )


def email_mismatch_text(order_number: str) -> str:
    return (
        f"I couldn't find an order {order_number} placed with that email address. Please check both in your "
        "order confirmation email and send them again, or ask to talk to a person."
    )


def unknown_order_text(order_number: str, number_format: OrderNumberFormat = OrderNumberFormat()) -> str:
    return (
        f"I couldn't find an order {order_number}. Please check the number in your order confirmation "
        f"email (it looks like {number_format.example}) and send it again."
    )


def describe_order(order: Order) -> str:
    """What a customer wants to know about their order: status, carrier and tracking, delivery date."""
    phrase = STATUS_PHRASES.get(order.status, f"has the status '{order.status.replace('_', ' ')}'")
    parts = [f"Your order {order.order_number} (placed {_day(order.placed_at)}) {phrase}."]
    if order.carrier and order.tracking_number:
        parts.append(f"It travels with {order.carrier}, tracking number {order.tracking_number}.")
    parts.append(_delivery_sentence(order))
    return " ".join(part for part in parts if part)


def _delivery_sentence(order: Order) -> str:
    if order.delivered_at is not None:
        return f"It was delivered on {_day(order.delivered_at)}."
    if order.status in ("cancelled", "payment_failed") or order.estimated_delivery is None:
        return ""
    if order.status == "delayed":
        return (
            f"It was expected by {_day(order.estimated_delivery)}; we're sorry for the wait, "
            "and the carrier's tracking page shows the newest estimate."
        )
    return f"Estimated delivery: {_day(order.estimated_delivery)}."


def _day(value: dt.date | dt.datetime) -> str:
    return f"{value.day} {value:%B %Y}"
