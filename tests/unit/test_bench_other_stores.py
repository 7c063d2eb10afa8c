"""The other-stores benchmark's data and how it scores one reply."""

from __future__ import annotations

import csv
import io
import json

import pytest

from assistant.types import Inspection, IntentPrediction, Source
from bench.other_stores import SETS, faq_file, outcome


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_message_names_an_entry_of_its_own_store(name):
    stores = json.loads(SETS[name].read_text(encoding="utf-8"))["stores"]
    assert len(stores) >= 3
    for store in stores:
        assert len(store["faqs"]) >= 12 and len(store["questions"]) >= 20 and len(store["unanswerable"]) >= 10
        assert all(0 <= q["faq"] < len(store["faqs"]) for q in store["questions"])
        rows = list(csv.DictReader(io.StringIO(faq_file(store))))
        assert [r["question"] for r in rows] == [f["question"] for f in store["faqs"]]


def reply(action: str, *, sources=(), suggestions=()) -> Inspection:
    return Inspection(prediction=IntentPrediction("shipping_info", 0.9), hits=[], action=action, text="", transcript=None, ocr_text=None, products=(),
                      sources=tuple(Source(i, q, 0.5) for i, q in enumerate(sources)),
                      suggestions=tuple(Source(i, q, 0.3) for i, q in enumerate(suggestions)))


def test_replies_are_scored_against_the_entry_that_answers_the_message():
    assert outcome(reply("answer", sources=["A?"]), "A?") == "answered right"
    assert outcome(reply("answer", sources=["B?"]), "A?") == "answered wrong"
    assert outcome(reply("clarify", suggestions=["B?", "A?"]), "A?") == "offered, right one among them"
    assert outcome(reply("clarify", suggestions=["B?"]), "A?") == "offered, not among them"
    assert outcome(reply("out_of_scope"), "A?") == "refused as out of scope"
    assert outcome(reply("ask_order_number"), "A?").startswith("other")
    assert outcome(reply("answer", sources=["B?"]), None) == "answered"
    assert outcome(reply("clarify", suggestions=["B?"]), None) == "offered entries"
    assert outcome(reply("out_of_scope"), None) == "refused as out of scope"
