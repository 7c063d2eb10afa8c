"""The wording of the synthetic customer screenshots: for each kind of screen (see KINDS), the rows of
text it shows, drawn at random from several phrasings, with the shop's formats for order numbers, money,
dates, e-mail addresses and carriers' tracking numbers. ``assistant.screens`` lays the rows out and draws
them.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass


KINDS = ("payment_declined", "login_failed", "account_locked", "server_error", "app_crash", "promo_invalid",
         "order_tracking", "receipt")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PRODUCTS = ("Linen shirt", "Merino crew neck", "Slim chinos", "Wool overcoat", "Rain jacket", "Cotton tee",
            "Denim jacket", "Knit beanie", "Chelsea boots", "Pleated skirt", "Hooded sweatshirt",
            "Silk scarf")
PROMO_CODES = ("WINTER25", "SPRING10", "WELCOME15", "FERN20", "SUMMER30", "FREESHIP", "NEWSEASON", "BF40")
NAMES = ("anna.keller", "j.moreau", "lucas.berg", "sofia.r", "mia.jansen", "tom.okafor", "e.rossi")
DOMAINS = ("gmail.com", "outlook.com", "web.de", "proton.me", "example.com")


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...] = ()
    style: str = "body"
    align: str = "left"
    """left | center | spread (first cell left, last right) | buttons | field | gap | rule"""
    boxed: bool = False
    size: int = 0
    """Height of a gap row, or the number of masked characters in an empty (password) field."""


@dataclass(frozen=True)
class ScreenContent:
    page: str
    url: str
    rows: list[Row]


@dataclass(frozen=True)
class Facts:
    """Per-screen choices shared by all the wording: compact (dialog) or not, money and date formats."""

    compact: bool
    euro_prefix: bool
    date_style: int

    def eur(self, amount: float) -> str:
        text = f"{amount:,.2f}"
        return f"€{text}" if self.euro_prefix else text.translate(str.maketrans(",.", ".,")) + " €"

    def date(self, rng: random.Random) -> str:
        return self.dates(rng, 1)[0]

    def dates(self, rng: random.Random, count: int) -> list[str]:
        """``count`` dates in 2026, each a few days after the one before."""
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 330))
        out = []
        for _ in range(count):
            month = MONTHS[day.month - 1]
            out.append((f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}",
                        f"{day.day:02d}/{day.month:02d}/{day.year}",
                        f"{WEEKDAYS[day.weekday()]}, {day.day} {month}")[self.date_style])
            day += datetime.timedelta(days=rng.randint(1, 3))
        return out


def screen_content(kind: str, rng: random.Random, *, compact: bool) -> ScreenContent:
    """The rows of one screen of ``kind``; ``compact`` for a dialog's shorter wording."""
    facts = Facts(compact, rng.random() < 0.7, rng.randrange(4))
    return CONTENT[kind](rng, facts)


def _para(text: str, style: str = "body", align: str = "left", boxed: bool = False) -> Row:
    return Row((text,), style, align, boxed=boxed)


def _gap(size: int = 10) -> Row:
    return Row(align="gap", size=size)


def _buttons(*labels: str) -> Row:
    return Row(labels, "button", "buttons")


def _order(rng: random.Random) -> str:
    return f"FG-{rng.randint(100000, 999999)}"


def _hex(rng: random.Random, n: int) -> str:
    return _draw(rng, "0123456789abcdef", n)


def _email(rng: random.Random) -> str:
    return f"{rng.choice(NAMES)}@{rng.choice(DOMAINS)}"


def _amount(rng: random.Random, low: int, high: int) -> float:
    return rng.randint(low, high) + rng.choice((0.0, 0.5, 0.9, 0.95, 0.99))


def _tracking(rng: random.Random) -> tuple[str, str]:
    """(carrier, tracking number) in each carrier's own format."""
    digits, letters = "0123456789", "ABCDEFGHJKLMNPRSTUVWXYZ"
    return rng.choice((
        ("DHL", "00340434" + _draw(rng, digits, 12)),
        ("UPS", f"1Z{_draw(rng, letters, 3)}{_draw(rng, digits, 13)}"),
        ("DPD", _draw(rng, digits, 14)),
        ("PostNL", f"3S{_draw(rng, letters, 4)}{_draw(rng, digits, 9)}"),
        ("GLS", _draw(rng, digits, 11)),
    ))


def _draw(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def _payment_declined(rng: random.Random, facts: Facts) -> ScreenContent:
    brand, digits = rng.choice(("Visa", "Mastercard", "Amex", "Maestro")), f"{rng.randint(0, 9999):04d}"
    card = rng.choice((f"{brand} ending in {digits}", f"{brand} **** {digits}", f"{brand} •••• {digits}"))
    total = facts.eur(_amount(rng, 19, 380))
    title = rng.choice(("Payment declined", "Your payment was declined", "Payment failed", "Card declined"))
    message = rng.choice((
        "Your card was declined. Please use a different payment method or contact your bank.",
        f"We couldn't charge {total} to your card. Your bank declined the payment.",
        "The transaction was declined by your card issuer. No money has been taken.",
        "Your payment could not be completed. Check your card details and try again.",
    ))
    code = rng.choice(("Error code: card_declined", "Decline code: do_not_honor",
                       "Reason: insufficient funds", "Error 402: Payment Required",
                       f"Reference: PAY-{_hex(rng, 8).upper()}"))
    rows = [Row((title,), "title"), _gap(), _para(message), _gap(), Row((card,), "strong")]
    if not facts.compact:
        rows += [Row(("Order total", total), "body", "spread"),
                 Row(("Order", _order(rng)), "muted", "spread")]
    rows += [Row((code,), "muted"), _gap(16), _buttons("Use another card", "Try again")]
    return ScreenContent("Checkout", "ferngrove.shop/checkout/payment", rows)


def _login_failed(rng: random.Random, facts: Facts) -> ScreenContent:
    error = rng.choice(("Incorrect email or password.", "The password you entered is incorrect.",
                        "We couldn't find an account with that email address.",
                        "Sign-in failed. Please check your details and try again.",
                        f"Wrong email or password. {rng.randint(1, 4)} attempts left."))
    if facts.compact:
        rows = [Row(("Sign-in failed",), "title"), _gap(), _para(error), _gap(16),
                _buttons("Forgot password", "Try again")]
        return ScreenContent("Sign in", "ferngrove.shop/account/login", rows)
    action = rng.choice(("Sign in", "Log in"))
    rows = [Row((rng.choice((action, "Welcome back")),), "title"), _gap(),
            _para(error, "error", boxed=True), _gap(),
            Row(("Email",), "label"), Row((_email(rng),), "error", "field"),
            Row(("Password",), "label"), Row(("",), "error", "field", size=rng.randint(8, 12)),
            Row(("Forgot your password?",), "link"), _gap(), _buttons(action)]
    if rng.random() < 0.5:
        rows.append(Row((f"Error code: AUTH_{rng.choice((401, 403, 429))}",), "muted"))
    return ScreenContent(action, "ferngrove.shop/account/login", rows)


def _account_locked(rng: random.Random, facts: Facts) -> ScreenContent:
    attempts, minutes = rng.randint(3, 10), rng.choice((15, 30, 60))
    title = rng.choice(("Account locked", "Your account is temporarily locked", "Too many sign-in attempts"))
    message = rng.choice((
        f"For your security we locked your account after {attempts} failed sign-in attempts.",
        f"We noticed {attempts} unsuccessful attempts to sign in to your account.",
        "Your account has been locked to protect your personal information.",
    ))
    advice = rng.choice((f"Try again in {minutes} minutes or reset your password.",
                         "Reset your password to unlock your account.",
                         "Contact our support team to unlock your account."))
    rows = [Row((title,), "title"), _gap(), _para(message), _para(advice)]
    if not facts.compact:
        rows += [_gap(), Row(("Account", _email(rng)), "muted", "spread"),
                 Row((f"Locked until {rng.randint(8, 22)}:{rng.randint(0, 59):02d}",), "muted")]
    rows += [_gap(16), _buttons("Contact support", "Reset password")]
    return ScreenContent("Sign in", "ferngrove.shop/account/locked", rows)


SERVER_ERRORS = (
    ("500", "Internal Server Error", "Something went wrong on our end. Please try again in a few minutes.",
     "Error 500"),
    ("502", "Bad Gateway", "The server received an invalid response. Please refresh the page.", "Error 502"),
    ("503", "Service Unavailable", "We are doing some maintenance and will be back shortly.", "Error 503"),
    ("504", "Gateway Timeout", "The page took too long to load. Please try again.", "Error 504"),
    ("", "This site can't be reached", "ferngrove.shop unexpectedly closed the connection.",
     "ERR_CONNECTION_RESET"),
    ("", "This site can't be reached", "ferngrove.shop took too long to respond.",
     "ERR_CONNECTION_TIMED_OUT"),
    ("", "No internet", "Check your network cables, modem and router.", "ERR_INTERNET_DISCONNECTED"),
)


def _server_error(rng: random.Random, facts: Facts) -> ScreenContent:
    big, title, message, code = rng.choice(SERVER_ERRORS)
    align = "center" if big and not facts.compact else "left"
    rows = [Row((big,), "big", align)] if big and not facts.compact else []
    rows += [Row((title,), "title", align), _gap(), _para(message, align=align), _gap(),
             Row((code,), "muted", align)]
    if not facts.compact and rng.random() < 0.6:
        rows.append(Row((f"Request ID: {_hex(rng, 8)}-{_hex(rng, 4)}",), "muted", align))
    rows += [_gap(16), _buttons(*rng.choice((("Reload",), ("Go to homepage", "Try again"))))]
    return ScreenContent("Checkout", "ferngrove.shop/checkout", rows)


def _app_crash(rng: random.Random, facts: Facts) -> ScreenContent:
    title, message, buttons = rng.choice((
        ("Ferngrove keeps stopping", "", ("App info", "Close app")),
        ("Ferngrove has stopped", "", ("Open app again",)),
        ("Oops! Something went wrong", "The app ran into a problem and needs to restart.", ("Restart app",)),
        ("Ferngrove quit unexpectedly", "Click Reopen to open the application again.", ("Ignore", "Reopen")),
        ("The app crashed", "Sorry about that. We have sent a report to our team.", ("Send feedback", "OK")),
    ))
    rows = [Row((title,), "title"), _gap()]
    if message:
        rows.append(_para(message))
    if not facts.compact or rng.random() < 0.5:
        rows += [Row((rng.choice(("java.lang.NullPointerException", "Fatal exception: main",
                                  "EXC_BAD_ACCESS (SIGSEGV)", "Application Not Responding")),), "muted"),
                 Row((f"Crash ID: {_hex(rng, 4).upper()}-{_hex(rng, 4).upper()}",), "muted"),
                 Row((f"Version 3.{rng.randint(0, 9)}.{rng.randint(0, 20)} "
                      f"(build {rng.randint(1000, 2999)})",), "muted")]
    rows += [_gap(16), _buttons(*buttons)]
    return ScreenContent("Home", "ferngrove.shop/app", rows)


def _promo_invalid(rng: random.Random, facts: Facts) -> ScreenContent:
    code = rng.choice(PROMO_CODES)
    minimum = facts.eur(rng.choice((50, 75, 100)))
    message = rng.choice((f"The code {code} is not valid.", f"{code} has expired.",
                          f"{code} can't be used with sale items.", f"Spend {minimum} or more to use {code}.",
                          "This promo code has already been used.",
                          f"Sorry, {code} is not a valid promo code."))
    if facts.compact:
        rows = [Row(("Code not applied",), "title"), _gap(), _para(message), _gap(16), _buttons("OK")]
        return ScreenContent("Your bag", "ferngrove.shop/bag", rows)
    items = [(rng.choice(PRODUCTS), _amount(rng, 15, 180)) for _ in range(rng.randint(1, 3))]
    subtotal = sum(price for _, price in items)
    shipping = 0.0 if subtotal > 60 else 4.95
    rows = [Row((f"Your bag ({len(items)})",), "title"), _gap()]
    rows += [Row((name, facts.eur(price)), "body", "spread") for name, price in items]
    rows += [_gap(), Row(("Promo code",), "label"), Row((code, "Apply"), "error", "field"),
             _para(message, "error"), _gap(),
             Row(("Subtotal", facts.eur(subtotal)), "body", "spread"),
             Row(("Shipping", facts.eur(shipping) if shipping else "Free"), "body", "spread"),
             Row(("Total", facts.eur(subtotal + shipping)), "strong", "spread"), _gap(),
             _buttons(rng.choice(("Checkout", "Continue to payment")))]
    return ScreenContent("Your bag", "ferngrove.shop/bag", rows)


def _order_tracking(rng: random.Random, facts: Facts) -> ScreenContent:
    order, (carrier, number) = _order(rng), _tracking(rng)
    status = rng.choice(("Shipped", "In transit", "Out for delivery", "Delivered", "Delayed"))
    *steps, eta = facts.dates(rng, 4)
    url = f"ferngrove.shop/account/orders/{order}"
    if facts.compact:
        rows = [Row((f"Order {order}",), "title"), _gap(),
                _para(f"Your parcel is {status.lower()} with {carrier}. Expected on {eta}."),
                Row((f"Tracking: {number}",), "muted"), _gap(16), _buttons("Close", "Track")]
        return ScreenContent("Track order", url, rows)
    rows = [Row((f"Order {order}",), "title"), Row((status,), "heading"),
            Row((f"Estimated delivery: {eta}",), "body"), _gap(),
            Row(("Carrier", carrier), "body", "spread"), Row(("Tracking number", number), "body", "spread"),
            Row(align="rule")]
    for step, when in list(zip(("Order placed", "Shipped", "Out for delivery"), steps))[: rng.randint(2, 3)]:
        rows.append(Row((step, when), "muted", "spread"))
    rows += [_gap(16), _buttons(*rng.choice((("Track package",), ("Contact us", "View order"))))]
    return ScreenContent("Track order", url, rows)


def _receipt(rng: random.Random, facts: Facts) -> ScreenContent:
    order = _order(rng)
    items = [(rng.randint(1, 2), rng.choice(PRODUCTS), _amount(rng, 12, 160))
             for _ in range(rng.randint(1, 4))]
    subtotal = sum(qty * price for qty, _, price in items)
    shipping = rng.choice((0.0, 4.95, 6.50))
    total = facts.eur(subtotal + shipping)
    brand, digits = rng.choice(("Visa", "Mastercard", "PayPal")), f"{rng.randint(0, 9999):04d}"
    paid = f"Paid with {brand}" if brand == "PayPal" else f"Paid with {brand} ending in {digits}"
    if facts.compact:
        rows = [Row(("Order confirmed",), "title"), _gap(),
                _para(f"Thank you! Your order {order} has been placed."),
                Row(("Total", total), "strong", "spread"),
                _gap(16), _buttons("View receipt", "Continue shopping")]
        return ScreenContent("Order confirmed", "ferngrove.shop/checkout/done", rows)
    rows = [Row(("Ferngrove Apparel",), "title", "center"),
            Row((rng.choice(("Receipt", "Order confirmation", "Thank you for your order!")),), "muted",
                "center"),
            _gap(), Row(("Order", order), "body", "spread"), Row(("Date", facts.date(rng)), "body", "spread"),
            Row(align="rule")]
    rows += [Row((f"{qty} x {name}", facts.eur(qty * price)), "body", "spread") for qty, name, price in items]
    rows += [Row(align="rule"), Row(("Subtotal", facts.eur(subtotal)), "body", "spread"),
             Row(("Shipping", facts.eur(shipping) if shipping else "Free"), "body", "spread"),
             Row(("Total", total), "strong", "spread"), Row(("VAT included",), "muted"), _gap(),
             Row((paid,), "muted")]
    return ScreenContent("Receipt", f"ferngrove.shop/account/orders/{order}", rows)


CONTENT = {"payment_declined": _payment_declined, "login_failed": _login_failed,
           "account_locked": _account_locked, "server_error": _server_error, "app_crash": _app_crash,
           "promo_invalid": _promo_invalid, "order_tracking": _order_tracking, "receipt": _receipt}
