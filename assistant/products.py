"""Product photo search: a customer's photo -> the catalogue products that look most like it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from assistant.images import ImageLimits, load_image
from assistant.vision import ImageEncoder
from knowledge_base.product_index import ProductHit


class EncoderPhotoEmbedder:
    """A ``PhotoEmbedder`` over an image encoder: validated photos in, pooled vectors out."""

    def __init__(self, encoder: ImageEncoder, limits: ImageLimits) -> None:
        self.encoder = encoder
        self.limits = limits
        self.name = encoder.name
        self.dim = encoder.dim

    def embed_photos(self, paths: Sequence[Path]) -> np.ndarray:
        images = [self.load(path) for path in paths]
        return self.embed_images(images)

    def embed_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        features = self.encoder.encode(list(images))
        return np.stack([f.pooled for f in features]).astype(np.float32)

    def load(self, path: Path) -> Image.Image:
        return load_image(path, max_pixels=self.limits.max_pixels, max_bytes=self.limits.max_bytes)


class LazyPhotoEmbedder(EncoderPhotoEmbedder):
    """Builds the shared image encoder only when a photo is first embedded or a name is asked for."""

    def __init__(self, models, limits: ImageLimits) -> None:
        self.models = models
        self.limits = limits

    @property
    def encoder(self) -> ImageEncoder:
        return self.models.image_encoder()

    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def dim(self) -> int:
        return self.encoder.dim


def product_hit_json(hit: ProductHit) -> dict:
    return {
        "product_id": hit.product_id,
        "sku": hit.sku,
        "name": hit.name,
        "category": hit.category,
        "score": round(hit.score, 4),
        "price": float(hit.price),
        "photo": hit.photo,
    }
