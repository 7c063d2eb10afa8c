"""A customer in a real browser: typed questions, photos, voice notes, suggestions, reloads, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from assistant.images import open_heic_too
from knowledge_base.db import session_scope
from knowledge_base.models import FaqEntry
from tests.audio_samples import encode, espeak_available, speak
from tests.browser.chat_page import attach, conversation_text, last_answer, open_chat, send, wait_for_answer

pytestmark = pytest.mark.slow

SEED_DATA = Path(__file__).resolve().parents[2] / "knowledge_base" / "seed_data"


def stored_answer(server, faq_id: int) -> str:
    with session_scope(server.runtime.sessions) as session:
        return session.get(FaqEntry, faq_id).answer


def test_typed_question_gets_the_curated_answer_with_its_source(live_server, page, shot):
    open_chat(page, live_server.url)
    shot(page, "empty-chat")
    send(page, "How long does delivery to Germany take?")
    answer = last_answer(page)
    shot(page, "answered")
    assert "2-4 business days to Germany" in answer
    assert 'Source: FAQ #2, "How long does delivery take within the EU?"' in answer
    assert "confidence" in answer
    assert stored_answer(live_server, 2) in answer  # the curated answer, verbatim


def test_conversation_comes_back_after_a_reload(live_server, page, shot):
    open_chat(page, live_server.url)
    send(page, "Do you accept PayPal?")
    before = conversation_text(page)
    page.reload()
    page.get_by_text("Do you accept PayPal?").wait_for()
    page.get_by_text("Source: FAQ #").first.wait_for()
    shot(page, "after-reload")
    assert conversation_text(page) == before


@pytest.mark.parametrize("fmt", ["PNG", "HEIF"])  # HEIF: an iPhone's HEIC photo
def test_product_photo_brings_that_product(live_server, page, shot, tmp_path, fmt):
    product = next(p for p in json.loads((SEED_DATA / "products.json").read_text()) if p["sku"] == "FG-AB-001")
    photo = SEED_DATA / "photos" / "FG-AB-001-1.png"
    if fmt == "HEIF":
        open_heic_too()
        photo = tmp_path / "IMG_0042.heic"
        Image.open(SEED_DATA / "photos" / "FG-AB-001-1.png").convert("RGB").save(photo, format=fmt)
    open_chat(page, live_server.url)
    send(page, "how much is this?", files=(photo,))
    shot(page, f"product-photo-{fmt}")
    assert f"This looks like our {product['name']}" in last_answer(page)
    assert "SKU FG-AB-001" in last_answer(page)
    assert page.locator("#conversation .user-row img").count() == 1  # the thumbnail stays in the chat


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed (make system-packages)")
@pytest.mark.parametrize("fmt", ["wav", "webm", "caf"])  # a recorder's WebM and Apple's CAF have no audio/ type
def test_voice_note_shows_its_transcript_and_an_answer(live_server, page, shot, tmp_path, fmt):
    note = speak("How long does delivery to Germany take?", tmp_path / "voice-note.wav")
    if fmt != "wav":
        note = encode(note, fmt, tmp_path / f"voice-note.{fmt}")
    open_chat(page, live_server.url)
    attach(page, note)
    page.locator("#message textarea").press("Enter")
    page.get_by_text("Transcribing your voice note").wait_for()
    shot(page, f"transcribing-{fmt}")
    wait_for_answer(page)
    shot(page, f"voice-answered-{fmt}")
    text = conversation_text(page)
    assert "Voice note:" in text and "germany" in text.lower()
    assert "2-4 business days to Germany" in last_answer(page)


def test_unsure_answer_offers_closest_questions_as_buttons(live_server, page, shot):
    open_chat(page, live_server.url)
    send(page, "I have a problem with my item")
    assert "low confidence" in last_answer(page)
    chosen = "My item arrived damaged. What should I do?"
    shot(page, "suggestions")
    page.locator("#conversation .option", has_text=chosen).click()
    page.wait_for_function(
        "(q) => [...document.querySelectorAll('#conversation .user-row')].pop()?.innerText.includes(q)", arg=chosen)
    wait_for_answer(page)
    shot(page, "suggestion-answered")
    assert 'Source: FAQ #' in last_answer(page)
    assert '"My item arrived damaged. What should I do?"' in last_answer(page)


def test_bad_file_gets_a_short_friendly_message(live_server, page, shot, tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"this is not a picture at all " * 20)
    open_chat(page, live_server.url)
    attach(page, fake)
    page.locator("#message textarea").press("Enter")
    wait_for_answer(page)
    shot(page, "bad-file")
    answer = last_answer(page)
    assert "Traceback" not in conversation_text(page)
    assert "image" in answer.lower() and len(answer) < 300
