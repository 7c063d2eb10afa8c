from __future__ import annotations

import pytest

from assistant.errors import UserInputError
from assistant.intent_guess import RouterIntentGuesser

from tests.fakes import KeywordRouter


def test_the_wordings_vote_and_intents_without_entries_are_skipped():
    router = KeywordRouter({"greeting": ("hello",), "shipping_info": ("delivery",), "payment_billing": ("card",)})
    guess = RouterIntentGuesser(lambda: router)
    assert guess(["hello, how long is delivery?", "hello delivery card", "card card"]) == "payment_billing"
    assert guess(["hello hello hello delivery"]) == "shipping_info"
    assert [text for text, _ in router.seen][:3] == ["hello, how long is delivery?", "hello delivery card", "card card"]


def test_nothing_to_file_under_gives_no_guess():
    guess = RouterIntentGuesser(lambda: KeywordRouter({"greeting": ("hello",)}))
    assert guess(["hello there", "what is the weather"]) is None


def test_the_router_is_loaded_once_and_only_when_a_guess_is_needed():
    loads = []

    def load():
        loads.append(1)
        return KeywordRouter()

    guess = RouterIntentGuesser(load)
    assert loads == []
    guess(["where is my parcel"])
    guess(["refund please"])
    assert loads == [1]


def test_no_router_for_the_stores_intents_is_a_clear_error():
    with pytest.raises(UserInputError, match="no intent router is trained for this store's intents yet"):
        RouterIntentGuesser(lambda: None)(["anything"])
