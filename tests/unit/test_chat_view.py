from __future__ import annotations

import pytest

from knowledge_base.models import Message
from ui.chat_view import answer_markdown


def message(action: str, confidence: float, sources: list[dict]) -> Message:
    return Message(role="assistant", text="reply text", action=action, confidence=confidence, sources=sources)


def test_an_answer_is_labelled_by_how_well_its_faq_entry_matched():
    source = {"faq_id": 3, "question": "How long does delivery take?", "score": 0.58}
    text = answer_markdown(message("answer", 0.97, [source]))  # the router was sure of the intent
    assert 'Source: FAQ #3, "How long does delivery take?" (medium confidence)' in text


def test_a_question_back_is_always_low_confidence_whatever_the_router_said():
    text = answer_markdown(message("clarify", 0.93, [{"faq_id": 1, "question": "q", "score": 0.4}]))
    assert text.endswith("*(low confidence)*")


def test_other_actions_show_the_routers_confidence():
    assert answer_markdown(message("order_status", 0.91, [])).endswith("*(high confidence)*")


@pytest.mark.parametrize("host_types", [True, False])  # False: a host without /etc/mime.types
def test_the_chat_upload_takes_every_accepted_voice_note_and_picture_format(monkeypatch, host_types):
    import mimetypes

    from gradio_client.utils import is_valid_file

    if not host_types:
        monkeypatch.setattr(mimetypes, "guess_type", mimetypes.MimeTypes(filenames=()).guess_type)

    from ui.chat import UPLOAD_TYPES
    from ui.chat_view import STORED_AUDIO_SUFFIXES

    names = [f"note{suffix}" for suffix in sorted(STORED_AUDIO_SUFFIXES | {".3gp", ".aif", ".opus"})]
    names += ["photo.png", "photo.jpg", "photo.JPG", "photo.webp", "photo.gif", "photo.heic", "photo.avif"]
    assert [name for name in names if not is_valid_file(name, UPLOAD_TYPES)] == []
    assert not is_valid_file("notes.pdf", UPLOAD_TYPES)
