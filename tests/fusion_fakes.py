"""Real, light implementations of the encoders the intent router reads, for fast tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from PIL import Image

from assistant.text import TokenEmbeddings
from assistant.types import ImageFeatures


def _hashed(word: str, dim: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
    return np.random.default_rng(seed).standard_normal(dim).astype(np.float32)


class HashingTokenEncoder:
    """A text encoder: each word gets a fixed random vector; the sentence vector is their normalised mean."""

    name = "test-hashing-tokens"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def tokens(self, texts: Sequence[str], *, layer: int | None = None) -> TokenEmbeddings:
        if layer is not None:
            raise ValueError("this encoder has no inner layers")
        words = [re.findall(r"\w+", t.lower()) for t in texts]
        width = max([len(w) for w in words] + [1])
        vectors = np.zeros((len(texts), width, self.dim), np.float32)
        mask = np.zeros((len(texts), width), bool)
        sentences = np.zeros((len(texts), self.dim), np.float32)
        for i, row in enumerate(words):
            for j, word in enumerate(row):
                vectors[i, j] = _hashed(word, self.dim)
                mask[i, j] = True
            if row:
                mean = vectors[i, : len(row)].mean(0)
                sentences[i] = mean / np.linalg.norm(mean)
        return TokenEmbeddings(vectors, mask, sentences)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.tokens(texts).sentences


class ColourGridEncoder:
    """An image encoder: tokens are the mean colours of a 4x4 grid, pooled is their normalised mean."""

    name = "test-colour-grid"
    dim = token_dim = 3

    def encode(self, images: Sequence[Image.Image]) -> list[ImageFeatures]:
        out = []
        for image in images:
            grid = np.asarray(image.convert("RGB").resize((4, 4)), np.float32).reshape(16, 3) / 255.0
            pooled = grid.mean(0)
            out.append(ImageFeatures(pooled / max(np.linalg.norm(pooled), 1e-6), grid, self.name))
        return out


class NoWordsReader:
    """An OCR reader for pictures without writing."""

    def read(self, image: Image.Image):
        return ()
