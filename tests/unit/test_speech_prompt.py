"""The shop's speech prompt setting reaches the transcriber's decoding options."""

import pytest
from pydantic import ValidationError

from assistant.settings import SHOP_SPEECH_PROMPT, Settings
from assistant.speech import echoes_prompt, speech_options

PROMPT = "A customer's voice note to an online clothing store about an order (order numbers look like FG-100060)."


def test_speech_prompt_becomes_the_initial_prompt():
    assert speech_options(Settings(speech_prompt=PROMPT)).initial_prompt == PROMPT


def test_the_shop_prompt_is_the_default_and_an_empty_one_turns_it_off(monkeypatch):
    assert speech_options(Settings()).initial_prompt == SHOP_SPEECH_PROMPT
    assert speech_options(Settings(speech_prompt="")).initial_prompt is None
    monkeypatch.setenv("ASSISTANT_SPEECH_PROMPT", "")
    assert speech_options(Settings()).initial_prompt is None


def test_speech_prompt_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASSISTANT_SPEECH_PROMPT", PROMPT)
    assert speech_options(Settings()).initial_prompt == PROMPT


def test_an_over_long_speech_prompt_is_refused_with_its_limit():
    with pytest.raises(ValidationError, match="speech_prompt[\\s\\S]*at most 800 characters"):
        Settings(speech_prompt="refund " * 200)


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("A customer's voice note to an online clothing store about an order, a return, size, payment or "
         "delivery.", True),
        ("a voice note to an online store about an order", True),
        ("I want to return an order", False),
        ("My payment was taken twice for the same order, please refund one of them.", False),
        ("Hi, I have a question about an order or a return.", False),  # the prompt's words, not its order
        ("A voice note to an online store about an order. Hi, I have a question.", True),
        ("Hi, I have a question. Hi, I have a question.", True),  # an echo that repeats itself
        ("A customer's voice note to an online clothing store. A customer's voice note to an online", True),
        ("Hi, I have a question about the blue jacket I ordered last week.", False),
    ],
)
def test_a_segment_that_repeats_the_prompt_is_recognised(text, echo):
    assert echoes_prompt(text, SHOP_SPEECH_PROMPT) is echo
    assert echoes_prompt(text, None) is False
