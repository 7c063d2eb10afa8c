"""Synthetic customer screenshots with the exact text drawn on them, for OCR tests, benchmarks and
intent-classifier training data.

``render_screen(kind, rng)`` draws one screen (mobile or desktop page, dialog, or paper receipt, light or
dark) and returns its ground truth: one string per visual row, rows top to bottom, the pieces of a row
left to right, joined by single spaces. The same seed always gives the same image and lines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from assistant.screen_styles import LIGHT, RGB, STYLES, Theme, pick_theme
from assistant.screen_texts import KINDS, Row, ScreenContent, screen_content

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
Fonts = tuple[str | None, str | None]
"""Regular and bold font files; None draws with Pillow's built-in font."""
Drawn = tuple[Image.Image, list[str]]


@dataclass(frozen=True)
class RenderedScreen:
    image: Image.Image
    lines: list[str]
    """The text drawn, one entry per visual row, in reading order."""
    kind: str
    layout: str = ""
    theme: str = ""


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
    palette = pick_theme(rng, "light" if layout == "paper" else theme)  # receipts are printed on white
    fonts = _pick_fonts(rng, mono=layout == "paper")
    mobile = layout.startswith("mobile") or layout == "paper"
    content = screen_content(kind, rng, compact=layout.endswith("dialog"))
    draw_layout = {"mobile_page": _mobile_page, "mobile_dialog": _dialog, "desktop_page": _desktop_page,
                   "desktop_dialog": _dialog, "paper": _paper}[layout]
    image, lines = draw_layout(content, palette, fonts, rng, mobile)
    return RenderedScreen(image=image, lines=lines, kind=kind, layout=layout, theme=palette.name)


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
