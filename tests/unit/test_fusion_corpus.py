from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from assistant.fusion.corpus import (
    KIND_INTENTS, OUT_OF_SCOPE, SEED_DIR, Example, read_csv_rows, shipped_examples, split_examples,
    training_only_examples,
)
from assistant.fusion.pictures import load_picture
from assistant.images import pixel_key

FRESH_MESSAGES = Path(__file__).resolve().parents[2] / "bench" / "data" / "fresh_messages.csv"


def test_every_intent_has_at_least_60_messages_and_out_of_scope_150():
    counts = Counter(e.intent for e in shipped_examples() if e.kind == "text")
    assert counts[OUT_OF_SCOPE] >= 150
    assert all(n >= 60 for n in counts.values())
    assert len(counts) == 14


def test_ambiguous_messages_get_one_rendered_screen_per_kind_they_name():
    decides = [e for e in shipped_examples() if e.kind == "image_decides"]
    assert {e.intent for e in decides} == set(KIND_INTENTS.values())
    screens = [e for e in decides if e.image.startswith("screen:")]
    assert len({e.image for e in screens}) == len(screens)  # every render is a different picture


def test_the_corpus_and_its_split_are_the_same_every_time():
    first, second = shipped_examples(), shipped_examples()
    assert first == second
    assert split_examples(first) == split_examples(second)


def test_no_message_is_in_two_splits_and_each_intent_is_tested():
    splits = split_examples(shipped_examples())
    groups = {name: {e.group for e in part} for name, part in splits.items()}
    assert not groups["train"] & groups["test"]
    assert not groups["train"] & groups["val"]
    assert not groups["val"] & groups["test"]
    assert len({e.intent for e in splits["test"]}) == 14


def test_faq_wordings_and_operator_examples_only_ever_train():
    extra = [Example("how long does delivery take", "shipping_info", None, "faq"),
             Example("my own wording", "promotions", None, "operator")]
    splits = split_examples(shipped_examples() + extra)
    assert all(e in splits["train"] for e in extra)


def test_training_only_messages_only_ever_train_and_repeat_no_shipped_message():
    extra = training_only_examples()
    assert len({e.text for e in extra if not e.image}) >= 600
    assert {e.intent for e in extra if e.image and e.image.startswith("screen:")} >= set(KIND_INTENTS.values()) - {
        "product_question"}
    splits = split_examples(shipped_examples())
    assert all(e.kind != "training_only" for part in ("val", "test") for e in splits[part])
    shipped = {e.group for e in shipped_examples() if e.kind != "training_only"}
    assert not shipped & {e.group for e in extra}


def test_training_only_screenshots_are_other_renders_than_the_shipped_ones():
    screens = [e.image for e in shipped_examples() if e.image and e.image.startswith("screen:")]
    assert len(set(screens)) == len(screens)


@pytest.mark.slow
def test_training_only_messages_are_no_rewordings_of_held_out_or_fresh_messages(text_encoder):
    splits = split_examples(shipped_examples())
    held_out = sorted({e.text for part in ("val", "test") for e in splits[part] if e.text})
    held_out += [row["text"] for row in read_csv_rows(FRESH_MESSAGES)]
    extra = sorted({e.text for e in training_only_examples()})
    similarity = text_encoder.embed(extra) @ text_encoder.embed(held_out).T
    assert similarity.max() < 0.85, extra[int(np.argmax(similarity.max(axis=1)))]


@pytest.mark.slow
def test_the_fresh_benchmark_messages_are_no_rewordings_of_training_messages(text_encoder):
    faqs = json.loads((SEED_DIR / "faqs.json").read_text(encoding="utf-8"))
    training = {e.text for e in split_examples(shipped_examples())["train"] if e.text}
    training |= {text for faq in faqs for text in (faq["question"], *faq["alternates"])}
    fresh = [row["text"] for row in read_csv_rows(FRESH_MESSAGES)]
    assert len(fresh) >= 150
    similarity = text_encoder.embed(fresh) @ text_encoder.embed(sorted(training)).T
    assert similarity.max() < 0.85, fresh[int(np.argmax(similarity.max(axis=1)))]


def test_a_screen_spec_renders_the_same_pixels_every_time():
    spec = next(e.image for e in shipped_examples() if e.image and e.image.startswith("screen:"))
    assert pixel_key(load_picture(spec)) == pixel_key(load_picture(spec))
    product = next(e.image for e in shipped_examples() if e.image and e.image.startswith("product:"))
    assert load_picture(product).size[0] >= 28
