"""Greeting or thanks for words in another language: the store's own examples decide whether a message is
small talk at all, and the nearest examples, shipped phrases included, vote on which."""

from __future__ import annotations

import numpy as np

from assistant.multilingual import CrossLingualOptions, CrossLingualSearch, small_talk_phrases
from knowledge_base.db import session_scope
from knowledge_base.repositories.intents import upsert_intent

GREETING, THANKS, OTHER = np.eye(3, dtype=np.float32)


class DirectionEmbedder:
    """Greetings point one way, thanks another, anything else a third (the shipped phrases by the intent
    they are filed under)."""

    name, dim = "test-directions", 3

    def __init__(self, greetings: set[str], thanks: set[str]) -> None:
        self.greetings = greetings | set(small_talk_phrases()["greeting"])
        self.thanks = thanks | set(small_talk_phrases()["thanks_goodbye"])

    def embed(self, texts):
        return np.stack([GREETING if t in self.greetings else THANKS if t in self.thanks else OTHER for t in texts])


def search(greetings=("Hi", "Hello"), thanks=("Thanks",)) -> CrossLingualSearch:
    return CrossLingualSearch(DirectionEmbedder(set(greetings), set(thanks)), None, CrossLingualOptions())


def add_intents(sessions, **examples) -> None:
    with session_scope(sessions) as session:
        for name, texts in examples.items():
            upsert_intent(session=session, name=name, description=name, examples=list(texts))


def test_the_vote_names_the_intent_and_the_stores_own_examples_give_the_cosine(sessions):
    add_intents(sessions, greeting=["Hi", "Hello"], thanks_goodbye=["Thanks"])
    with session_scope(sessions) as session:
        assert search().small_talk(session, GREETING) == ("greeting", 1.0)
        assert search().small_talk(session, THANKS) == ("thanks_goodbye", 1.0)
        tilted = (0.6 * THANKS + 0.8 * OTHER).astype(np.float32)
        intent, cosine = search().small_talk(session, tilted)
        assert intent == "thanks_goodbye" and abs(cosine - 0.6) < 1e-6


def test_a_store_without_examples_or_without_the_winning_intent_gets_no_small_talk(sessions):
    with session_scope(sessions) as session:
        assert search().small_talk(session, GREETING) is None
    add_intents(sessions, greeting=["Hi", "Hello"])
    with session_scope(sessions) as session:
        assert search().small_talk(session, THANKS) is None  # the shipped thanks win; the store has no such intent
        assert search().small_talk(session, GREETING) == ("greeting", 1.0)
