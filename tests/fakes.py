"""Real, light implementations of the model protocols for fast tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np


class HashingEmbedder:
    """An ``Embedder``: bag of word and character-trigram hashes, L2-normalised.

    Texts that share words get similar vectors, so ranking behaves like a (weak) real encoder.
    """

    name = "test-hashing-embedder"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in _features(text):
                digest = hashlib.blake2b(feature.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


def _features(text: str) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    grams = [w[i : i + 3] for w in words for i in range(max(len(w) - 2, 1))]
    return words + grams


class ThumbnailPhotoEmbedder:
    """A ``PhotoEmbedder``: the photo shrunk to 8x8 grey pixels, centred and L2-normalised."""

    name = "test-thumbnail-embedder"
    dim = 64

    def embed_photos(self, paths) -> np.ndarray:
        from PIL import Image

        rows = []
        for path in paths:
            with Image.open(path) as image:
                pixels = np.asarray(image.convert("L").resize((8, 8)), dtype=np.float32).ravel()
            pixels -= pixels.mean()
            rows.append(pixels / (np.linalg.norm(pixels) or 1.0))
        return np.stack(rows).astype(np.float32)


DEFAULT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "order_status": ("where is my order", "track", "tracking", "arrive", "arrived", "order status"),
    "shipping_info": ("delivery", "shipping", "deliver"),
    "return_refund": ("return", "refund"),
    "damaged_or_wrong_item": ("damaged", "broken", "wrong item"),
    "product_question": ("how much", "in stock", "material", "this one"),
    "payment_billing": ("payment", "card", "declined", "invoice"),
    "account_login": ("password", "log in", "login", "account"),
    "technical_issue": ("error", "crash", "website"),
    "cancel_order": ("cancel",),
    "promotions": ("discount", "promo", "voucher", "coupon"),
    "human_agent": ("person", "human", "agent"),
    "greeting": ("hello", "hi", "good morning"),
    "thanks_goodbye": ("thanks", "thank you", "bye"),
}


class KeywordRouter:
    """An ``IntentRouter``: counts each intent's keywords (whole words) in the text and the images' words.

    The intent with the most matches wins (ties go to the earlier intent in the table), with its share of
    all matches as confidence; a message that matches no keyword is out of scope.
    """

    name = "test-keyword-router"

    def __init__(self, keywords: dict[str, tuple[str, ...]] | None = None) -> None:
        table = DEFAULT_KEYWORDS if keywords is None else keywords
        self.patterns = {
            intent: [re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE) for word in words]
            for intent, words in table.items()
        }
        self.seen: list[tuple[str, int]] = []
        """(text, number of images) of every call, so tests can check what the router was given."""

    def predict(self, *, text: str, images=()):
        from assistant.types import IntentPrediction

        self.seen.append((text, len(images)))
        words = " ".join([text, *(image.ocr_text for image in images)])
        counts = {intent: sum(len(p.findall(words)) for p in patterns) for intent, patterns in self.patterns.items()}
        total = sum(counts.values())
        if total == 0:
            return IntentPrediction("out_of_scope", 1.0, out_of_scope=True, router=self.name)
        ranked = sorted((item for item in counts.items() if item[1]), key=lambda item: -item[1])
        top_k = tuple((intent, count / total) for intent, count in ranked[:3])
        return IntentPrediction(top_k[0][0], top_k[0][1], top_k=top_k, router=self.name)


class PreparedMediaReader:
    """A media reader (``read(turn) -> Perception``) for tests without speech or OCR models.

    Images are really encoded by a ``PhotoEmbedder`` (their pooled vector and a one-token grid); their
    words and the voice notes' transcripts are what the test says an OCR model and Whisper would read.
    """

    def __init__(self, photo_embedder, *, ocr: dict | None = None, transcripts: dict | None = None) -> None:
        self.photo_embedder = photo_embedder
        self.ocr = ocr or {}
        self.transcripts = transcripts or {}

    def read(self, turn):
        from assistant.perception import Perception
        from assistant.types import ImageFeatures

        images = []
        if turn.images:
            vectors = self.photo_embedder.embed_photos(list(turn.images))
            for path, vector in zip(turn.images, vectors, strict=True):
                images.append(ImageFeatures(vector, vector[None, :], self.photo_embedder.name,
                                            tuple(self.ocr.get(path, ()))))
        transcript = self.transcripts[turn.audio] if turn.audio else None
        return Perception(transcript, tuple(images))
