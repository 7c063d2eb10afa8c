"""The labelled examples the router learns from, and their train / validation / test split.

Shipped examples are the customer messages of ``data/messages.csv``, the messages of
``data/image_dependent.csv`` whose meaning only the attached screen gives, the same messages paired with
a matching screenshot or product photo, and images sent without words. An image is named by a spec:
``screen:<kind>:<seed>`` (rendered by ``assistant.screens``), ``product:<sku>:<n>`` (a catalogue photo of
the demo store) or a file path (operators' own pictures).
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_DIR = Path(__file__).resolve().parents[2] / "knowledge_base" / "seed_data"
OUT_OF_SCOPE = "out_of_scope"

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
    """'text', 'image_decides', 'image_supports', 'image_only', 'faq' or 'operator'."""

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


def shipped_examples(options: CorpusOptions = CorpusOptions()) -> list[Example]:
    rng = random.Random(options.seed)
    photos = catalogue_photos()
    seeds = iter(range(options.seed * 100_000, options.seed * 100_000 + 1_000_000))

    def picture(kind: str) -> str:
        return rng.choice(photos) if kind == "product_photo" else f"screen:{kind}:{next(seeds)}"

    messages = read_csv_rows(DATA_DIR / "messages.csv")
    examples = [Example(row["text"], row["intent"]) for row in messages]
    for row in read_csv_rows(DATA_DIR / "image_dependent.csv"):
        intent = KIND_INTENTS[row["screen_kind"]]
        for _ in range(options.renders_per_ambiguous_message):
            examples.append(Example(row["text"], intent, picture(row["screen_kind"]), "image_decides"))
    for row in messages:
        kinds = SUPPORTING_IMAGES.get(row["intent"])
        if kinds and rng.random() < options.supporting_share:
            examples.append(Example(row["text"], row["intent"], picture(rng.choice(kinds)), "image_supports"))
    for kind, intent in KIND_INTENTS.items():
        for _ in range(options.image_only_per_kind):
            examples.append(Example("", intent, picture(kind), "image_only"))
    return examples


def faq_examples(questions: Iterable[tuple[str, str]]) -> list[Example]:
    """(question or alternate wording, intent) pairs of the knowledge base, as training examples."""
    return [Example(text, intent, None, "faq") for text, intent in questions if text.strip()]


def split_examples(
    examples: Sequence[Example], options: CorpusOptions = CorpusOptions()
) -> dict[str, list[Example]]:
    """Stratified by intent and grouped by message; FAQ wordings and operator data only ever train."""
    rng = random.Random(options.seed)
    members: dict[str, list[Example]] = defaultdict(list)
    splits: dict[str, list[Example]] = {"train": [], "val": [], "test": []}
    for example in examples:
        if example.kind in ("faq", "operator"):
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
