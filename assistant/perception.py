"""Turns a turn's voice note and images into text and features: transcript, image vectors, OCR words."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, ImageStat

from assistant.images import ImageLimits, load_image
from assistant.types import ImageFeatures, Transcript, UserTurn

PRODUCT_PHOTO_MAX_OCR_LINES = 2
"""An image with at most this many lines of words is taken for a photo of an item, not a screenshot."""
PLAIN_IMAGE_MAX_SPREAD = 3.0
"""Standard deviation of grey levels (0-255) up to which a picture is one flat colour: a blank white or
black photo scores 0 to 1 (JPEG noise); a white shirt on a white table still shows folds and edges."""


@dataclass(frozen=True)
class Perception:
    transcript: Transcript | None = None
    images: tuple[ImageFeatures, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def ocr_text(self) -> str:
        return "\n".join(f.ocr_text for f in self.images if f.ocr_text)

    def product_photos(self) -> list[ImageFeatures]:
        return [f for f in self.images if not f.plain and len(f.ocr_lines) <= PRODUCT_PHOTO_MAX_OCR_LINES]


class MediaReader:
    """Uses the shared models of a ``ModelRegistry``; builds each one only when a turn first needs it."""

    def __init__(self, models, limits: ImageLimits, *, ocr: bool = True) -> None:
        self.models = models
        self.limits = limits
        self.ocr = ocr

    def read(self, turn: UserTurn) -> Perception:
        timings: dict[str, float] = {}
        transcript = self._transcribe(turn.audio, timings) if turn.audio else None
        images = self._see(turn.images, timings) if turn.images else ()
        return Perception(transcript, images, timings)

    def _transcribe(self, audio: Path, timings: dict[str, float]) -> Transcript:
        started = time.perf_counter()
        transcript = self.models.transcriber().transcribe(Path(audio))
        timings["transcribe"] = _ms(started)
        return transcript

    def _see(self, paths: tuple[Path, ...], timings: dict[str, float]) -> tuple[ImageFeatures, ...]:
        started = time.perf_counter()
        images = [load_image(p, max_pixels=self.limits.max_pixels, max_bytes=self.limits.max_bytes) for p in paths]
        features = [
            replace(f, plain=is_plain(image))
            for f, image in zip(self.models.image_encoder().encode(images), images, strict=True)
        ]
        timings["encode_images"] = _ms(started)
        if not self.ocr:
            return tuple(features)
        started = time.perf_counter()
        reader = self.models.ocr_reader()
        with_words = tuple(replace(f, ocr_lines=reader.read(image)) for f, image in zip(features, images, strict=True))
        timings["ocr"] = _ms(started)
        return with_words


def is_plain(image: Image.Image) -> bool:
    small = image.resize((128, 128), Image.Resampling.BOX).convert("L")
    return ImageStat.Stat(small).stddev[0] <= PLAIN_IMAGE_MAX_SPREAD


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
