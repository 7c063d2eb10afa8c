"""Encoder features of messages and pictures, computed once and cached on disk per encoder.

The fusion model never runs the encoders itself: training reads these arrays, and at chat time the
pipeline's own ``ImageFeatures`` are turned into the same arrays.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from assistant.fusion.lexical_bag import EMPTY_BAG, LexicalBag, lexical_bag
from assistant.fusion.pictures import OcrCache, load_picture, words_in
from assistant.types import ImageFeatures

MAX_TEXT_TOKENS = 64
MAX_OCR_TOKENS = 96


@dataclass(frozen=True, eq=False)
class TextArrays:
    tokens: np.ndarray
    """(n, 384) contextual token vectors of the words, at most MAX_TEXT_TOKENS (or MAX_OCR_TOKENS)."""
    vector: np.ndarray
    """(384,) L2-normalised sentence vector."""
    bag: LexicalBag = EMPTY_BAG
    """Hashed n-grams of a message's words (left empty for the words read in a picture)."""


@dataclass(frozen=True, eq=False)
class PictureArrays:
    visual_tokens: np.ndarray
    """(n, token_dim) the image encoder's token grid."""
    visual_pooled: np.ndarray
    """(dim,) the image encoder's pooled vector."""
    words: TextArrays
    """The OCR text, encoded like a message."""
    ocr_lines: int


@dataclass(frozen=True, eq=False)
class ExampleArrays:
    text: TextArrays
    pictures: tuple[PictureArrays, ...] = ()


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class TextFeatures:
    """Sentence vector and token vectors of texts, cached by content."""

    def __init__(self, encoder, *, max_tokens: int = MAX_TEXT_TOKENS, with_bag: bool = True,
                 layer: int | None = None) -> None:
        self.encoder = encoder
        self.max_tokens = max_tokens
        self.with_bag = with_bag
        self.layer = layer
        """Read the tokens at this hidden layer of the encoder (None: its output)."""

    def bag(self, text: str) -> LexicalBag:
        return lexical_bag(text) if self.with_bag else EMPTY_BAG

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> list[TextArrays]:
        out: list[TextArrays] = []
        for start in range(0, len(texts), batch_size):
            chunk = [t.strip() for t in texts[start : start + batch_size]]
            tokens = self.encoder.tokens(chunk, layer=self.layer)
            vectors = tokens.sentences
            for row, text in enumerate(chunk):
                length = min(int(tokens.mask[row].sum()), self.max_tokens) if text else 0
                out.append(TextArrays(tokens.vectors[row, :length].astype(np.float16), vectors[row], self.bag(text)))
        return out


def picture_arrays(features: ImageFeatures, words: TextArrays) -> PictureArrays:
    """What the model reads of one image the pipeline has already encoded and read."""
    return PictureArrays(
        visual_tokens=np.asarray(features.tokens, dtype=np.float16),
        visual_pooled=np.asarray(features.pooled, dtype=np.float32),
        words=words,
        ocr_lines=len(features.ocr_lines),
    )


class FeatureStore:
    """Arrays for training examples: messages by text, pictures by spec, kept in safetensors files."""

    def __init__(self, *, text_encoder, image_encoder, ocr_reader, folder: Path, ocr_cache: OcrCache,
                 text_layer: int | None = None) -> None:
        self.text = TextFeatures(text_encoder, layer=text_layer)
        self._text_prefix = "t" if text_layer is None else f"t{text_layer}"
        self.words = TextFeatures(text_encoder, max_tokens=MAX_OCR_TOKENS, with_bag=False)
        self.image_encoder = image_encoder
        self.ocr_reader = ocr_reader
        self.ocr_cache = ocr_cache
        self.folder = folder / _key(f"{text_encoder.name}|{image_encoder.name}")[:16]
        self._arrays = self._load()
        self._dirty = False
        self._lock = threading.Lock()

    def examples(self, examples: Sequence, progress=None) -> list[ExampleArrays]:
        texts = self._texts(sorted({e.text for e in examples}))
        specs = sorted({e.image for e in examples if e.image})
        pictures = {}
        for done, spec in enumerate(specs):
            pictures[spec] = self._picture(spec)
            if progress is not None:
                progress(done + 1, len(specs))
        self.save()
        return [
            ExampleArrays(texts[e.text], (pictures[e.image],) if e.image else ()) for e in examples
        ]

    def _texts(self, texts: list[str]) -> dict[str, TextArrays]:
        prefix = self._text_prefix
        missing = [t for t in texts if f"{prefix}/{_key(t)}/tokens" not in self._arrays]
        for text, arrays in zip(missing, self.text.encode(missing), strict=True):
            self._put(f"{prefix}/{_key(text)}", tokens=arrays.tokens, vector=arrays.vector)
        return {t: self._text_arrays(f"{prefix}/{_key(t)}", self.text.bag(t)) for t in texts}

    def _picture(self, spec: str) -> PictureArrays:
        key = f"p/{_key(spec)}"
        if f"{key}/visual_tokens" not in self._arrays:
            image = load_picture(spec)
            found = words_in(image, cache=self.ocr_cache, reader=self.ocr_reader)
            (features,) = self.image_encoder.encode([image])
            (words,) = self.words.encode([found["text"]])
            self._put(
                key, visual_tokens=np.asarray(features.tokens, np.float16),
                visual_pooled=np.asarray(features.pooled, np.float32), tokens=words.tokens,
                vector=words.vector, ocr_lines=np.array([found["lines"]], np.int32),
            )
        arrays = self._arrays
        return PictureArrays(
            arrays[f"{key}/visual_tokens"], arrays[f"{key}/visual_pooled"], self._text_arrays(key),
            int(arrays[f"{key}/ocr_lines"][0]),
        )

    def _text_arrays(self, key: str, bag: LexicalBag = EMPTY_BAG) -> TextArrays:
        return TextArrays(self._arrays[f"{key}/tokens"], self._arrays[f"{key}/vector"], bag)

    def _put(self, key: str, **arrays: np.ndarray) -> None:
        with self._lock:
            for name, value in arrays.items():
                self._arrays[f"{key}/{name}"] = np.ascontiguousarray(value)
            self._dirty = True

    def _load(self) -> dict[str, np.ndarray]:
        path = self.folder / "features.safetensors"
        return dict(load_file(path)) if path.is_file() else {}

    def save(self) -> None:
        self.ocr_cache.save()
        if not self._dirty:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / "features.partial"
        save_file(self._arrays, str(partial))
        partial.replace(self.folder / "features.safetensors")
        self._dirty = False
