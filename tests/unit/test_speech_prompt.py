"""The shop's speech prompt setting reaches the transcriber's decoding options."""

import pytest
from pydantic import ValidationError

from assistant.settings import Settings
from assistant.speech import speech_options

PROMPT = "A customer's voice note to an online clothing store about an order (order numbers look like FG-100060)."


def test_speech_prompt_becomes_the_initial_prompt():
    assert speech_options(Settings(speech_prompt=PROMPT)).initial_prompt == PROMPT


def test_no_or_empty_speech_prompt_decodes_without_one():
    assert speech_options(Settings()).initial_prompt is None
    assert speech_options(Settings(speech_prompt="")).initial_prompt is None


def test_speech_prompt_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASSISTANT_SPEECH_PROMPT", PROMPT)
    assert speech_options(Settings()).initial_prompt == PROMPT


def test_an_over_long_speech_prompt_is_refused_with_its_limit():
    with pytest.raises(ValidationError, match="speech_prompt[\\s\\S]*at most 800 characters"):
        Settings(speech_prompt="refund " * 200)
