"""The multilingual benchmark's scoring of one reply and of a run."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from assistant.types import Source
from bench.multilingual import outcome, utility


def reply(action: str, sources=(), suggestions=()) -> SimpleNamespace:
    as_sources = lambda questions: tuple(Source(i, q, 0.9) for i, q in enumerate(questions))  # noqa: E731
    return SimpleNamespace(action=action, sources=as_sources(sources), suggestions=as_sources(suggestions))


def test_each_reply_is_scored_against_the_entry_it_should_find():
    assert outcome(reply("answer", ["How do I return an item?"]), "How do I return an item?") == "answered right"
    assert outcome(reply("answer", ["Are returns free?"]), "How do I return an item?") == "answered wrong"
    offered = reply("clarify", suggestions=["Are returns free?", "How do I return an item?"])
    assert outcome(offered, "How do I return an item?") == "offered, right one among them"
    assert outcome(offered, "What is your phone number?") == "offered, not among them"
    assert outcome(reply("goodbye"), "How do I return an item?") == "refused or no match"
    assert outcome(reply("ask_order_number"), "Where is my order?") == "asked for the order number"


def test_questions_the_shop_cannot_answer_count_answers_against_it():
    assert outcome(reply("answer", ["Are returns free?"]), None) == "answered"
    assert outcome(reply("clarify", suggestions=["Are returns free?"]), None) == "offered entries"
    assert outcome(reply("out_of_scope"), None) == "refused or no match"
    in_scope = Counter({"answered right": 6, "answered wrong": 1})
    assert utility(in_scope, Counter({"answered": 1, "refused or no match": 2})) == (6 - 2 * 2) / 10
