"""The labelled examples the router learns from, and their train / validation / test split.

Shipped examples are the customer messages of ``data/messages.csv``, the messages of
``data/image_dependent.csv`` whose meaning only the attached screen gives, the same messages paired with
a matching screenshot or product photo, and images sent without words. The two ``data/training_*.csv``
files add messages of both sorts that only ever train. An image is named by a spec:
``screen:<kind>:<seed>`` (rendered by ``assistant.screens``), ``product:<sku>:<n>`` (a catalogue photo of
the demo store) or a file path (operators' own pictures).
"""

from __future__ import annotations

import csv
import json
import itertools
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_DIR = Path(__file__).resolve().parents[2] / "knowledge_base" / "seed_data"
OUT_OF_SCOPE = "out_of_scope"
TRAIN_ONLY_KINDS = ("training_only", "faq", "operator")
"""Kinds of example that only ever train: held-out splits hold the shipped customer messages only."""
TRAINING_ONLY_SEED_OFFSET = 1_000_000
"""Screenshot seeds of training-only pictures start this far after the shipped ones, so none repeats."""

KIND_INTENTS = {
    "payment_declined": "payment_billing",
    "login_failed": "account_login",
    "account_locked": "account_login",
    "server_error": "technical_issue",
    "app_crash": "technical_issue",
    "promo_invalid": "promotions",
    "order_tracking": "order_status",
    "receipt": "return_refund",
    "product_photo": "product_question",
}
"""Which intent a picture of each kind decides when the words alone don't."""

SUPPORTING_IMAGES = {
    "payment_billing": ("payment_declined",),
    "account_login": ("login_failed", "account_locked"),
    "technical_issue": ("server_error", "app_crash"),
    "promotions": ("promo_invalid",),
    "order_status": ("order_tracking",),
    "return_refund": ("receipt", "product_photo"),
    "product_question": ("product_photo",),
    "damaged_or_wrong_item": ("product_photo",),
    "cancel_order": ("receipt",),
}
"""Pictures customers attach to messages that already say what they want."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    image: str | None = None
    """Image spec (see the module docstring), or None for a text-only message."""
    kind: str = "text"
    """'text', 'image_decides', 'image_supports', 'image_only', 'training_only', 'faq' or 'operator'."""

    @property
    def group(self) -> str:
        """Examples of one group fall in one split, so no test message was seen in training."""
        return " ".join(self.text.lower().split()) or f"{self.image}"


@dataclass(frozen=True)
class CorpusOptions:
    seed: int = 13
    """Seed of every random choice: renders, pairings and the split."""
    renders_per_ambiguous_message: int = 3
    """Screenshots drawn for each message whose image decides its intent."""
    supporting_share: float = 0.3
    """Share of ordinary messages that also get a matching picture."""
    image_only_per_kind: int = 6
    """Pictures sent without any words, per kind."""
    validation_share: float = 0.15
    test_share: float = 0.15


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def catalogue_photos() -> list[str]:
    products = json.loads((SEED_DIR / "products.json").read_text(encoding="utf-8"))
    return [f"product:{p['sku']}:{n}" for p in products for n in range(1, len(p["photo_indices"]) + 1)]


class PictureDraw:
    """Draws picture specs: a catalogue photo, or a screenshot render with a seed no other draw uses."""

    def __init__(self, rng: random.Random, first_seed: int) -> None:
        self.rng = rng
        self.photos = catalogue_photos()
        self.seeds = itertools.count(first_seed)

    def __call__(self, kind: str) -> str:
        return self.rng.choice(self.photos) if kind == "product_photo" else f"screen:{kind}:{next(self.seeds)}"


def ambiguous(rows: Iterable[dict[str, str]], draw: PictureDraw, renders: int, kind: str) -> list[Example]:
    """Each message whose screen decides its intent, once per render of that screen."""
    return [Example(row["text"], KIND_INTENTS[row["screen_kind"]], draw(row["screen_kind"]), kind)
            for row in rows for _ in range(renders)]


def supporting_pictures(rows: Iterable[dict[str, str]], draw: PictureDraw, share: float, kind: str) -> list[Example]:
    """A share of the messages again, with a picture that fits their intent."""
    examples = []
    for row in rows:
        kinds = SUPPORTING_IMAGES.get(row["intent"])
        if kinds and draw.rng.random() < share:
            examples.append(Example(row["text"], row["intent"], draw(draw.rng.choice(kinds)), kind))
    return examples


def shipped_examples(options: CorpusOptions = CorpusOptions()) -> list[Example]:
    draw = PictureDraw(random.Random(options.seed), options.seed * 100_000)
    messages = read_csv_rows(DATA_DIR / "messages.csv")
    examples = [Example(row["text"], row["intent"]) for row in messages]
    examples += ambiguous(read_csv_rows(DATA_DIR / "image_dependent.csv"), draw,
                          options.renders_per_ambiguous_message, "image_decides")
    examples += supporting_pictures(messages, draw, options.supporting_share, "image_supports")
    for kind, intent in KIND_INTENTS.items():
        examples += [Example("", intent, draw(kind), "image_only") for _ in range(options.image_only_per_kind)]
    return examples + training_only_examples(options)


def training_only_examples(options: CorpusOptions = CorpusOptions()) -> list[Example]:
    """The messages of ``data/training_*.csv``: more wordings to learn from, never validated or tested on."""
    draw = PictureDraw(random.Random(options.seed + 1), options.seed * 100_000 + TRAINING_ONLY_SEED_OFFSET)
    messages = read_csv_rows(DATA_DIR / "training_messages.csv")
    examples = [Example(row["text"], row["intent"], None, "training_only") for row in messages]
    examples += ambiguous(read_csv_rows(DATA_DIR / "training_image_dependent.csv"), draw,
                          options.renders_per_ambiguous_message, "training_only")
    return examples + supporting_pictures(messages, draw, options.supporting_share, "training_only")


def faq_examples(questions: Iterable[tuple[str, str]]) -> list[Example]:
    """(question or alternate wording, intent) pairs of the knowledge base, as training examples."""
    return [Example(text, intent, None, "faq") for text, intent in questions if text.strip()]


def split_examples(
    examples: Sequence[Example], options: CorpusOptions = CorpusOptions()
) -> dict[str, list[Example]]:
    """Stratified by intent and grouped by message; the kinds in TRAIN_ONLY_KINDS only ever train."""
    rng = random.Random(options.seed)
    members: dict[str, list[Example]] = defaultdict(list)
    splits: dict[str, list[Example]] = {"train": [], "val": [], "test": []}
    for example in examples:
        if example.kind in TRAIN_ONLY_KINDS:
            splits["train"].append(example)
        else:
            members[example.group].append(example)
    by_intent: dict[str, list[str]] = defaultdict(list)
    for key, group in members.items():
        by_intent[group[0].intent].append(key)
    for intent in sorted(by_intent):
        keys = sorted(by_intent[intent])
        rng.shuffle(keys)
        n_test = round(len(keys) * options.test_share)
        n_val = round(len(keys) * options.validation_share)
        for position, key in enumerate(keys):
            name = "test" if position < n_test else "val" if position < n_test + n_val else "train"
            splits[name].extend(members[key])
    return splits
