"""The look of the synthetic customer screenshots: text styles (weight, size and colour role of each
kind of row) and the light and dark colour themes, with their accent colours."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

RGB = tuple[int, int, int]
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


def pick_theme(rng: random.Random, name: str | None) -> Theme:
    """``name`` ('light' or 'dark', else drawn at random) with a random accent colour."""
    base = {"light": LIGHT, "dark": DARK}[name or ("dark" if rng.random() < 0.35 else "light")]
    accent = rng.choice(ACCENTS[base.name])
    page = base.page if base.name == "dark" or rng.random() < 0.5 else (245, 246, 248)
    on_accent = (255, 255, 255) if sum(accent) < 400 else (13, 17, 23)
    return replace(base, accent=accent, on_accent=on_accent, page=page)
