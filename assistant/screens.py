"""Synthetic customer screenshots with the exact text drawn on them, for OCR tests, benchmarks and
intent-classifier training data.

``render_screen(kind, rng)`` draws one screen (mobile or desktop page, dialog, or paper receipt, light or
dark) and returns its ground truth: one string per visual row, rows top to bottom, the pieces of a row
left to right, joined by single spaces. The same seed always gives the same image and lines.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["KINDS", "LAYOUTS", "RenderedScreen", "render_screen"]

LAYOUTS = ("mobile_page", "mobile_dialog", "desktop_page", "desktop_dialog", "paper")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
SANS = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
)
MONO = (
    ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
    ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf"),
)
RGB = tuple[int, int, int]
Fonts = tuple[str | None, str | None]
"""Regular and bold font files; None draws with Pillow's built-in font."""
Drawn = tuple[Image.Image, list[str]]
# style -> (bold, size in logical pixels, colour role)
STYLES: dict[str, tuple[bool, float, str]] = {
    "big": (True, 52, "text"),
    "title": (True, 23, "text"),
    "heading": (True, 17, "text"),
    "strong": (True, 15, "text"),
    "body": (False, 15, "text"),
    "muted": (False, 13, "muted"),
    "label": (False, 13, "muted"),
    "error": (False, 14, "error"),
    "link": (False, 14, "accent"),
    "button": (True, 15, "on_accent"),
    "field": (False, 15, "text"),
    "status": (True, 14, "text"),
}


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


def _content(kind: str, rng: random.Random, *, compact: bool) -> ScreenContent:
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


@dataclass(frozen=True)
class RenderedScreen:
    image: Image.Image
    lines: list[str]
    """The text drawn, one entry per visual row, in reading order."""
    kind: str
    layout: str = ""
    theme: str = ""


@dataclass(frozen=True)
class Theme:
    name: str
    page: RGB
    surface: RGB
    text: RGB
    muted: RGB
    border: RGB
    error: RGB
    error_bg: RGB
    accent: RGB
    on_accent: RGB
    skeleton: RGB
    raised: RGB
    """Dialog surface, lighter than the page in dark mode."""


LIGHT = Theme("light", (255, 255, 255), (255, 255, 255), (17, 24, 39), (88, 96, 110), (209, 213, 219),
              (190, 30, 30), (253, 236, 236), (33, 99, 70), (255, 255, 255), (229, 231, 235),
              (255, 255, 255))
DARK = Theme("dark", (13, 17, 23), (22, 27, 34), (230, 237, 243), (150, 160, 172), (58, 64, 72),
             (248, 113, 113), (64, 26, 28), (88, 166, 255), (13, 17, 23), (40, 46, 54),
             (36, 41, 49))
ACCENTS = {"light": ((33, 99, 70), (37, 99, 235), (31, 41, 55), (109, 40, 217)),
           "dark": ((88, 166, 255), (74, 200, 130), (240, 240, 240))}


@dataclass
class Painter:
    """Draws rows of text at logical sizes times ``scale``; with ``draw`` None it only measures."""

    draw: ImageDraw.ImageDraw | None
    theme: Theme
    fonts: Fonts
    scale: float
    lines: list[str]

    def font(self, style: str) -> ImageFont.FreeTypeFont:
        bold, size, _ = STYLES[style]
        return _font(self.fonts[1] if bold else self.fonts[0], max(9, round(size * self.scale)))

    def colour(self, style: str) -> RGB:
        return getattr(self.theme, STYLES[style][2])

    def text(self, xy: tuple[float, float], text: str, style: str, anchor: str = "lm",
             fill: RGB | None = None) -> None:
        if self.draw is not None and text:
            self.draw.text(xy, text, font=self.font(style), fill=fill or self.colour(style), anchor=anchor)

    def box(self, rect: tuple[float, float, float, float], fill: RGB | None, outline: RGB | None = None,
            radius: float = 8) -> None:
        if self.draw is not None:
            width = max(1, round(self.scale)) if outline else 0
            self.draw.rounded_rectangle(rect, radius * self.scale, fill=fill, outline=outline, width=width)

    def flow(self, rows: list[Row], x0: float, x1: float, y: float) -> float:
        """Draws rows from ``y`` down inside [x0, x1]; returns the y below the last row."""
        for row in rows:
            y = self._row(row, x0, x1, y)
        return y

    def _row(self, row: Row, x0: float, x1: float, y: float) -> float:
        if row.align == "gap":
            return y + row.size * self.scale
        if row.align == "rule":
            line_y = y + 6 * self.scale
            self.box((x0, line_y, x1, line_y + max(1, round(self.scale))), self.theme.border, radius=0)
            return y + 13 * self.scale
        if row.align == "buttons":
            return self._buttons(row, x0, x1, y)
        if row.align == "field":
            return self._field(row, x0, x1, y)
        font = self.font(row.style)
        split = self._split(row, font, x1 - x0)
        if split:
            return self.flow(split, x0, x1, y)
        height = font.size * 1.5
        middle = y + height / 2
        if row.style == "error" and row.boxed:
            margin = 10 * self.scale
            self.box((x0 - margin, y, x1 + margin, y + height), self.theme.error_bg, radius=0)
        self._cells(row, x0, x1, middle)
        self.lines.append(" ".join(cell for cell in row.cells if cell))
        return y + height

    def _split(self, row: Row, font: ImageFont.FreeTypeFont, width: float) -> list[Row]:
        """A row too wide for the column as several rows: text wrapped, or the cells stacked."""
        widths = [font.getlength(cell) for cell in row.cells]
        if len(row.cells) == 1 and widths[0] > width:
            pieces = _wrap(row.cells[0], font, width)
            return [replace(row, cells=(piece,)) for piece in pieces] if len(pieces) > 1 else []
        if len(row.cells) > 1 and sum(widths) + 24 * self.scale * (len(widths) - 1) > width:
            return [replace(row, cells=(cell,), align="left") for cell in row.cells]
        return []

    def _cells(self, row: Row, x0: float, x1: float, middle: float) -> None:
        cells = row.cells
        if row.align == "center":
            self.text(((x0 + x1) / 2, middle), " ".join(cells), row.style, "mm")
        elif row.align == "spread" and len(cells) > 1:
            self.text((x0, middle), cells[0], row.style)
            if len(cells) == 3:
                self.text((x0 + (x1 - x0) * 0.68, middle), cells[1], row.style, "rm")
            self.text((x1, middle), cells[-1], row.style, "rm")
        else:
            self.text((x0, middle), " ".join(cells), row.style)

    def _buttons(self, row: Row, x0: float, x1: float, y: float) -> float:
        font = self.font("button")
        gap = 12 * self.scale
        widths = [font.getlength(label) + 36 * self.scale for label in row.cells]
        if sum(widths) + gap * (len(widths) - 1) > x1 - x0:
            for label in row.cells:
                y = self._buttons(replace(row, cells=(label,)), x0, x1, y) + 2 * self.scale
            return y
        height = font.size * 2.7
        each = (x1 - x0 - gap * (len(widths) - 1)) / len(widths)
        for i, label in enumerate(row.cells):
            left = x0 + i * (each + gap)
            primary = i == len(row.cells) - 1
            self.box((left, y, left + each, y + height), self.theme.accent if primary else None,
                     None if primary else self.theme.border, radius=row.size or 8)
            fill = self.theme.on_accent if primary else self.theme.accent
            self.text((left + each / 2, y + height / 2), label, "button", "mm", fill)
        self.lines.append(" ".join(row.cells))
        return y + height + 10 * self.scale

    def _field(self, row: Row, x0: float, x1: float, y: float) -> float:
        font = self.font("field")
        height = font.size * 2.6
        value, *button = row.cells
        right = x1
        if button:
            width = self.font("button").getlength(button[0]) + 36 * self.scale
            right = x1 - width - 10 * self.scale
            self.box((right + 10 * self.scale, y, x1, y + height), self.theme.accent)
            self.text((right + 10 * self.scale + width / 2, y + height / 2), button[0], "button", "mm")
        outline = self.theme.error if row.style == "error" else self.theme.border
        self.box((x0, y, right, y + height), self.theme.surface, outline, radius=6)
        if value:
            self.text((x0 + 12 * self.scale, y + height / 2), value, "field")
        else:
            self._dots(x0 + 14 * self.scale, y + height / 2, row.size or 8)
        drawn = [cell for cell in row.cells if cell]
        if drawn:
            self.lines.append(" ".join(drawn))
        return y + height + 12 * self.scale

    def _dots(self, x: float, y: float, count: int) -> None:
        radius = 3.5 * self.scale
        for i in range(count):
            cx = x + i * 12 * self.scale
            if self.draw is not None:
                self.draw.ellipse((cx - radius, y - radius, cx + radius, y + radius), fill=self.theme.text)


def render_screen(kind: str, rng: random.Random, *, layout: str | None = None,
                  theme: str | None = None) -> RenderedScreen:
    """One screenshot of ``kind`` (see KINDS). ``layout`` (see LAYOUTS) and ``theme`` ('light' or
    'dark') pin what is otherwise drawn at random; paper receipts are always light."""
    if kind not in KINDS:
        raise ValueError(f"unknown screen kind {kind!r}; expected one of {', '.join(KINDS)}")
    if layout not in (None, *LAYOUTS) or theme not in (None, "light", "dark"):
        raise ValueError(f"unknown layout {layout!r} or theme {theme!r}")
    layout = layout or rng.choice(LAYOUTS[:4] + (("paper",) * 2 if kind == "receipt" else ()))
    palette = _theme(rng, "light" if layout == "paper" else theme)  # receipts are printed on white
    fonts = _pick_fonts(rng, mono=layout == "paper")
    mobile = layout.startswith("mobile") or layout == "paper"
    content = _content(kind, rng, compact=layout.endswith("dialog"))
    draw_layout = {"mobile_page": _mobile_page, "mobile_dialog": _dialog, "desktop_page": _desktop_page,
                   "desktop_dialog": _dialog, "paper": _paper}[layout]
    image, lines = draw_layout(content, palette, fonts, rng, mobile)
    return RenderedScreen(image=image, lines=lines, kind=kind, layout=layout, theme=palette.name)


def _theme(rng: random.Random, name: str | None) -> Theme:
    base = {"light": LIGHT, "dark": DARK}[name or ("dark" if rng.random() < 0.35 else "light")]
    accent = rng.choice(ACCENTS[base.name])
    page = base.page if base.name == "dark" or rng.random() < 0.5 else (245, 246, 248)
    on_accent = (255, 255, 255) if sum(accent) < 400 else (13, 17, 23)
    return replace(base, accent=accent, on_accent=on_accent, page=page)


def _pick_fonts(rng: random.Random, mono: bool) -> Fonts:
    found = [pair for pair in (MONO if mono else SANS) if all(_font_path(name) for name in pair)]
    if not found:
        return None, None
    regular, bold = rng.choice(found)
    return _font_path(regular), _font_path(bold)


def _canvas(width: float, height: float, colour: RGB) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (round(width), round(height)), colour)
    return image, ImageDraw.Draw(image)


def _measure(content_rows: list[Row], theme: Theme, fonts: Fonts, scale: float, width: float) -> float:
    return Painter(None, theme, fonts, scale, []).flow(content_rows, 0, width, 0)


def _mobile_page(
    content: ScreenContent, theme: Theme, fonts: Fonts, rng: random.Random, mobile: bool
) -> Drawn:
    scale = rng.choice((1.0, 1.5, 2.0))
    width = rng.choice((360, 375, 390, 412, 430)) * scale
    pad = rng.choice((16, 20, 24)) * scale
    body_h = _measure(content.rows, theme, fonts, scale, width - 2 * pad)
    tabs = rng.random() < 0.5
    height = max(width * 2.16, body_h + 200 * scale)
    image, draw = _canvas(width, height, theme.surface)
    paint = Painter(draw, theme, fonts, scale, [])
    _status_bar(paint, rng, width, pad)
    paint.text((pad, 76 * scale), content.page, "heading")
    paint.lines.append(content.page)
    paint.box((0, 100 * scale, width, 100 * scale + max(1, round(scale))), theme.border, radius=0)
    paint.flow(content.rows, pad, width - pad, 118 * scale)
    if tabs:
        _tab_bar(paint, width, height)
    return image, paint.lines


def _status_bar(paint: Painter, rng: random.Random, width: float, pad: float) -> None:
    s = paint.scale
    clock = f"{rng.randint(7, 22)}:{rng.randint(0, 59):02d}"
    paint.text((pad + 8 * s, 24 * s), clock, "status")
    paint.lines.append(clock)
    x = width - pad - 30 * s
    paint.box((x, 18 * s, x + 24 * s, 30 * s), None, paint.theme.text, radius=3)
    paint.box((x + 3 * s, 21 * s, x + 3 * s + 14 * s, 27 * s), paint.theme.text, radius=1)
    for i in range(4):
        bar = (x - 30 * s + i * 5 * s, 30 * s - (i + 1) * 3 * s, x - 27 * s + i * 5 * s, 30 * s)
        paint.box(bar, paint.theme.text, radius=0)


def _tab_bar(paint: Painter, width: float, height: float) -> None:
    s = paint.scale
    labels = ("Home", "Shop", "Bag", "Account")
    top = height - 64 * s
    paint.box((0, top, width, height), paint.theme.page, radius=0)
    for i, label in enumerate(labels):
        cx = width * (i + 0.5) / len(labels)
        paint.box((cx - 9 * s, top + 12 * s, cx + 9 * s, top + 28 * s), None, paint.theme.muted, radius=4)
        paint.text((cx, top + 44 * s), label, "muted", "mm")
    paint.lines.append(" ".join(labels))


def _desktop_page(
    content: ScreenContent, theme: Theme, fonts: Fonts, rng: random.Random, mobile: bool
) -> Drawn:
    scale = rng.choice((1.0, 1.0, 1.25, 1.5))
    width, card_w = 1280 * scale, rng.choice((480, 560, 640)) * scale
    body_h = _measure(content.rows, theme, fonts, scale, card_w - 64 * scale)
    chrome = rng.random() < 0.5
    top = (84 if chrome else 0) * scale
    height = max(800 * scale, top + body_h + 260 * scale)
    image, draw = _canvas(width, height, theme.page)
    paint = Painter(draw, theme, fonts, scale, [])
    if chrome:
        _browser_chrome(paint, content, width)
    _site_header(paint, rng, width, top)
    x0 = (width - card_w) / 2
    y0 = top + 110 * scale
    paint.box((x0, y0, x0 + card_w, y0 + body_h + 64 * scale), theme.surface, theme.border, radius=12)
    paint.flow(content.rows, x0 + 32 * scale, x0 + card_w - 32 * scale, y0 + 32 * scale)
    return image, paint.lines


def _browser_chrome(paint: Painter, content: ScreenContent, width: float) -> None:
    s = paint.scale
    paint.box((0, 0, width, 84 * s), paint.theme.skeleton, radius=0)
    paint.box((80 * s, 8 * s, 320 * s, 40 * s), paint.theme.page, radius=8)
    title = f"{content.page} | Ferngrove"
    paint.text((100 * s, 24 * s), title, "muted")
    paint.box((120 * s, 48 * s, width - 120 * s, 78 * s), paint.theme.page, radius=15)
    paint.text((140 * s, 63 * s), content.url, "muted")
    paint.lines.extend([title, content.url])


def _site_header(paint: Painter, rng: random.Random, width: float, top: float) -> None:
    s = paint.scale
    paint.box((0, top, width, top + 64 * s), paint.theme.surface, radius=0)
    brand = rng.choice(("Ferngrove Apparel", "FERNGROVE", "Ferngrove"))
    nav = rng.choice((("Women", "Men", "Kids", "Sale"), ("New in", "Clothing", "Shoes", "Sale")))
    right = ("Account", f"Bag ({rng.randint(0, 4)})")
    middle = top + 32 * s
    paint.text((48 * s, middle), brand, "heading")
    x = 340 * s
    for item in nav:
        paint.text((x, middle), item, "body")
        x += paint.font("body").getlength(item) + 32 * s
    paint.text((width - 48 * s, middle), "   ".join(right), "body", "rm")
    paint.lines.append(" ".join((brand, *nav, *right)))


def _dialog(
    content: ScreenContent, theme: Theme, fonts: Fonts, rng: random.Random, mobile: bool
) -> Drawn:
    scale = rng.choice((1.0, 1.5, 2.0)) if mobile else rng.choice((1.0, 1.25))
    width, height = (390 * scale, 844 * scale) if mobile else (1280 * scale, 800 * scale)
    dialog_w = min(width - 40 * scale, rng.choice((300, 340) if mobile else (420, 480)) * scale)
    image, draw = _canvas(width, height, theme.page)
    _skeleton(draw, theme, rng, width, height, scale)
    shade = Image.new("RGB", image.size, (0, 0, 0))
    image = Image.blend(image, shade, 0.5)
    paint = Painter(ImageDraw.Draw(image), theme, fonts, scale, [])
    inner = dialog_w - 48 * scale
    body_h = _measure(content.rows, theme, fonts, scale, inner)
    x0, y0 = (width - dialog_w) / 2, max(24 * scale, (height - body_h) / 2 - 24 * scale)
    if y0 + body_h + 48 * scale > height:
        image = image.crop((0, 0, round(width), round(y0 + body_h + 72 * scale)))
        paint.draw = ImageDraw.Draw(image)
    paint.box((x0, y0, x0 + dialog_w, y0 + body_h + 48 * scale), theme.raised, radius=14)
    paint.flow(content.rows, x0 + 24 * scale, x0 + dialog_w - 24 * scale, y0 + 24 * scale)
    return image, paint.lines


def _skeleton(draw: ImageDraw.ImageDraw, theme: Theme, rng: random.Random, width: float, height: float,
              scale: float) -> None:
    """Grey placeholder blocks: a page behind the dialog, without words that would need ground truth."""
    draw.rectangle((0, 0, width, 60 * scale), fill=theme.skeleton)
    y = 90 * scale
    while y < height - 120 * scale:
        block = rng.choice((120, 180, 240)) * scale
        rect = (24 * scale, y, width - 24 * scale, y + block)
        draw.rounded_rectangle(rect, 10 * scale, fill=theme.skeleton)
        y += block + 24 * scale


def _paper(
    content: ScreenContent, theme: Theme, fonts: Fonts, rng: random.Random, mobile: bool
) -> Drawn:
    scale = rng.choice((1.0, 1.5, 2.0))
    paper_w = rng.choice((320, 360)) * scale
    body_h = _measure(content.rows, LIGHT, fonts, scale, paper_w - 40 * scale)
    width, height = paper_w + 80 * scale, body_h + 120 * scale
    image, draw = _canvas(width, height, rng.choice(((200, 200, 196), (60, 62, 66))))
    paper = replace(LIGHT, surface=(250, 249, 245), text=(30, 30, 30), muted=(70, 70, 70))
    paint = Painter(draw, paper, fonts, scale, [])
    paint.box((40 * scale, 30 * scale, 40 * scale + paper_w, height - 30 * scale), paper.surface, radius=2)
    paint.flow(content.rows, 60 * scale, 20 * scale + paper_w, 50 * scale)
    return image, paint.lines


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


@cache
def _font_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in sorted(folder.rglob("*.ttf")):
                index.setdefault(path.name, str(path))
    return index


def _font_path(name: str) -> str | None:
    return _font_index().get(name)


@lru_cache(maxsize=256)
def _font(path: str | None, size: int) -> ImageFont.FreeTypeFont:
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size)
