"""Synthetic knowledge bases of any size for latency measurements.

Content words follow a Zipf law, as in real help-centre text once stopwords are dropped: ranks start
at 50 (the stopwords' ranks), so the commonest content word is in about one entry in five. The shop words
below are the most frequent, then a long tail of made-up words up to 5,000; vectors are random.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
from sqlalchemy import Engine, text

VOCABULARY = (
    "order delivery parcel shipping return refund exchange size fit sleeve waist length colour fabric "
    "cotton wool linen leather suede sneaker boot sandal dress coat shirt trouser pullover bag jacket "
    "payment card paypal klarna invoice receipt discount code voucher gift account password login email "
    "address tracking courier customs duties express standard germany france spain italy netherlands "
    "belgium austria sweden denmark poland ireland kingdom states canada australia switzerland norway "
    "damaged wrong missing late delayed cancel change store warehouse stock restock newsletter student "
    "birthday loyalty points wash dry iron care shrink stain zip button seam strap heel sole insole width "
    "wide narrow small large petite tall maternity kids men women unisex vegan recycled organic sustainable "
    "price match sale outlet app website checkout error crash page basket cart wishlist review rating"
).split()


ZIPF_EXPONENT = 1.05
TAIL = [f"{a}{b}{c}" for a in "bdfgklmnprstvz" for b in "aeiou" for c in "bdgklmnprstx"]
FIRST_CONTENT_RANK = 50
SUFFIXES = ("an", "el", "or", "is", "um", "et")
WORDS = list(VOCABULARY) + [f"{x}{y}" for x in TAIL for y in SUFFIXES][: 5000 - len(VOCABULARY)]
WEIGHTS = [1.0 / (rank**ZIPF_EXPONENT) for rank in range(FIRST_CONTENT_RANK, FIRST_CONTENT_RANK + len(WORDS))]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, weights=WEIGHTS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "?"


def build_synthetic_kb(engine: Engine, *, size: int, dim: int, model_name: str, seed: int) -> list[str]:
    """Insert ``size`` entries with two alternates each and fresh random vectors; returns sample queries."""
    rng = random.Random(seed)
    vectors_rng = np.random.default_rng(seed)
    stamp = dt.datetime(2026, 1, 1)
    entries, alternates, embeddings = [], [], []
    for faq_id in range(1, size + 1):
        entries.append({"id": faq_id, "q": _sentence(rng, 5, 10) + f" #{faq_id}", "a": _sentence(rng, 15, 30)})
        for position in (1, 2):
            alternates.append({"faq": faq_id, "pos": position - 1, "q": _sentence(rng, 4, 9)})
    vectors = vectors_rng.standard_normal((size * 3, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for row, vector in enumerate(vectors):
        embeddings.append({"faq": row // 3 + 1, "pos": row % 3, "v": vector.tobytes()})
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO intents (id, name, description, examples) VALUES (1, 'shipping_info', '', '[]')"))
        connection.execute(
            text(
                "INSERT INTO faq_entries (id, question, question_key, answer, intent_id, tags, active, "
                "created_at, updated_at) VALUES (:id, :q, lower(:q), :a, 1, '[]', TRUE, :t, :t)"
            ),
            [{**e, "t": stamp} for e in entries],
        )
        connection.execute(
            text("INSERT INTO faq_alternates (faq_id, position, question) VALUES (:faq, :pos, :q)"), alternates
        )
        connection.execute(
            text(
                "INSERT INTO faq_embeddings (faq_id, position, model_name, dim, vector, source_updated_at) "
                "VALUES (:faq, :pos, :m, :d, :v, :t)"
            ),
            [{**e, "m": model_name, "d": dim, "t": stamp} for e in embeddings],
        )
    return [_sentence(rng, 4, 8) for _ in range(500)]
