"""The screenshot renderer: deterministic for a seed, every kind drawn, ground truth that matches."""

from __future__ import annotations

import hashlib
import random
import re

import numpy as np
import pytest

from assistant import screens
from assistant.screens import KINDS, LAYOUTS, render_screen


def render(kind: str, seed: int, **pins):
    return render_screen(kind, random.Random(seed), **pins)


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_seed_draws_the_same_screen(kind):
    first, second = render(kind, 7), render(kind, 7)
    assert first.lines == second.lines
    assert first.image.size == second.image.size
    assert first.image.tobytes() == second.image.tobytes()


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_clean_nonempty_lines(kind):
    for seed in range(12):
        screen = render(kind, seed)
        assert screen.kind == kind
        assert screen.image.mode == "RGB"
        assert min(screen.image.size) >= 300
        assert screen.lines
        for line in screen.lines:
            assert line and line == line.strip() and "  " not in line


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_can_be_pinned(layout):
    screen = render("receipt", 3, layout=layout)
    assert screen.layout == layout
    assert any(re.search(r"FG-\d{6}", line) for line in screen.lines)


def test_dark_theme_draws_light_text_on_a_dark_page():
    screen = render("server_error", 1, theme="dark", layout="mobile_page")
    assert screen.theme == "dark"
    assert np.asarray(screen.image.convert("L")).mean() < 80


def test_screens_carry_the_shop_formats():
    tracking = render("order_tracking", 2, layout="mobile_page")
    assert any(re.fullmatch(r"Order FG-\d{6}", line) for line in tracking.lines)
    declined = "\n".join(render("payment_declined", 4, layout="desktop_page").lines)
    assert re.search(r"(ending in|\*{4}|•{4}) \d{4}", declined)
    receipt = "\n".join(render("receipt", 5, layout="paper").lines)
    assert re.search(r"Total (€\d+\.\d{2}|\d+,\d{2} €)", receipt)


def test_seeds_vary_wording_layout_size_and_theme():
    drawn = [render("payment_declined", seed) for seed in range(40)]
    assert len({screen.layout for screen in drawn}) == 4
    assert {screen.theme for screen in drawn} == {"light", "dark"}
    assert len({screen.image.size for screen in drawn}) >= 6
    assert len({line for screen in drawn for line in screen.lines}) > 100


def test_without_any_installed_font_the_builtin_font_is_used(monkeypatch):
    monkeypatch.setattr(screens, "_font_path", lambda name: None)
    screen = render("login_failed", 0)
    assert screen.lines
    assert np.asarray(screen.image.convert("L")).std() > 5


def test_an_unknown_kind_layout_or_theme_is_refused():
    with pytest.raises(ValueError, match="unknown screen kind"):
        render("refund_request", 0)
    with pytest.raises(ValueError, match="unknown layout"):
        render("receipt", 0, layout="tablet")
    with pytest.raises(ValueError, match="theme"):
        render("receipt", 0, theme="sepia")


def _digest(screens_drawn) -> str:
    digest = hashlib.sha256()
    for screen in screens_drawn:
        digest.update("\n".join(screen.lines).encode())
        digest.update(repr(screen.image.size).encode())
        digest.update(screen.image.tobytes())
    return digest.hexdigest()


def test_fixed_seeds_draw_exactly_the_pinned_screens(monkeypatch):
    """Pins the wording and the pixels (with Pillow's built-in font, the same on every machine), so a
    change of the renderer that alters any drawn screen is noticed."""
    lines = hashlib.sha256()
    for kind in KINDS:
        for seed in (11, 12):
            lines.update("\n".join(render(kind, seed).lines).encode())
    assert lines.hexdigest() == "6fcf7fbbb76ed2b5fd0898fe24e6cb2216090eb475e9f622f4818ec54b6b11fc"
    monkeypatch.setattr(screens, "_font_path", lambda name: None)
    drawn = [render(kind, seed) for kind in KINDS for seed in (11, 12)]
    assert _digest(drawn) == PINNED_BUILTIN_FONT_DIGEST


PINNED_BUILTIN_FONT_DIGEST = "4f5b0a4f3701ca2178b912d980a2159818fee3aeeb2eb4d2b117f9bfd6f88baa"
