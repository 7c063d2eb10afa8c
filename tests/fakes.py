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
