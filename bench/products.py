"""Product photo search: top-1 category accuracy on Fashion-MNIST TEST images against the catalogue.

The catalogue is the demo store (its photos come from the training split). Each test image is searched
with the image encoder and, as the baseline, by raw-pixel nearest neighbour over the same photos.

    python bench/products.py [--per-class 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.images import ImageLimits  # noqa: E402
from assistant.products import EncoderPhotoEmbedder  # noqa: E402
from assistant.vision import create_image_encoder  # noqa: E402
from knowledge_base.db import session_scope  # noqa: E402
from knowledge_base.product_index import ProductImageIndex  # noqa: E402
from bench.store import seeded_demo_store  # noqa: E402
from scripts.extract_product_photos import IDX_UBYTE_1D, IDX_UBYTE_3D, read_idx  # noqa: E402

FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def fashion_mnist_test_images(per_class: int) -> tuple[list[Image.Image], list[str]]:
    images = read_idx(FASHION_MNIST / "t10k-images-idx3-ubyte.gz", IDX_UBYTE_3D)
    labels = read_idx(FASHION_MNIST / "t10k-labels-idx1-ubyte.gz", IDX_UBYTE_1D)
    chosen = [i for c in range(10) for i in np.flatnonzero(labels == c)[:per_class]]
    return [Image.fromarray(images[i], "L").convert("RGB") for i in chosen], [CLASSES[labels[i]] for i in chosen]


def encoder_accuracy(sessions, workdir, images, labels, embedder, *, discriminant):
    """(accuracy, seconds per query, best score of each query)."""
    index = ProductImageIndex(embedder, workdir, discriminant=discriminant)
    with session_scope(sessions) as session:
        index.sync(session)
        started = time.perf_counter()
        vectors = embedder.embed_images(images)
        best = [index.search(session, v, k=1)[0] for v in vectors]
        seconds = (time.perf_counter() - started) / len(images)
    accuracy = float(np.mean([b.category == y for b, y in zip(best, labels, strict=True)]))
    return accuracy, seconds, [b.score for b in best]


def other_photos() -> list[Image.Image]:
    """Real photos of things the shop does not sell (scikit-image's sample photos)."""
    from skimage import data

    return [Image.fromarray(getattr(data, name)()).convert("RGB") for name in ("chelsea", "coffee", "astronaut", "rocket")]


def pixel_accuracy(sessions, workdir, images, labels) -> float:
    from sqlalchemy import select

    from knowledge_base.models import Product

    with session_scope(sessions) as session:
        refs = [(p.category, workdir / photo) for p in session.scalars(select(Product)) for photo in p.photos]
    ref_pixels = np.stack([_pixels(Image.open(path)) for _, path in refs])
    hits = 0
    for image, label in zip(images, labels, strict=True):
        nearest = int(np.argmin(((ref_pixels - _pixels(image)) ** 2).sum(axis=1)))
        hits += refs[nearest][0] == label
    return hits / len(images)


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L").resize((28, 28)), dtype=np.float32).ravel() / 255.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=20)
    args = parser.parse_args()
    images, labels = fashion_mnist_test_images(args.per_class)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        sessions = seeded_demo_store(workdir, "products.db")
        embedder = EncoderPhotoEmbedder(create_image_encoder("efficientnet", device="cpu"), ImageLimits(10**8, 10**8))
        plain, _, _ = encoder_accuracy(sessions, workdir, images, labels, embedder, discriminant=False)
        accuracy, seconds, scores = encoder_accuracy(sessions, workdir, images, labels, embedder, discriminant=True)
        others = other_photos()
        _, _, other_scores = encoder_accuracy(sessions, workdir, others, ["-"] * len(others), embedder, discriminant=True)
        baseline = pixel_accuracy(sessions, workdir, images, labels)
    print(f"\n{len(images)} Fashion-MNIST test images, catalogue of the demo store's product photos\n")
    print("| method | top-1 category accuracy | vs baseline |\n|---|---|---|")
    print(f"| raw-pixel nearest neighbour (baseline) | {baseline:.1%} | 1.00x |")
    print(f"| EfficientNet-Lite0, plain cosine | {plain:.1%} | {plain / baseline:.2f}x |")
    print(f"| EfficientNet-Lite0 + catalogue discriminant (shipped) | {accuracy:.1%} | {accuracy / baseline:.2f}x |")
    print(f"\n{seconds * 1000:.0f} ms per query photo (encoding and search)")
    print(f"best-match score: Fashion-MNIST test photos min {min(scores):.3f}, 5th percentile "
          f"{np.percentile(scores, 5):.3f}; photos of other things (cat, coffee, astronaut, rocket) max "
          f"{max(other_scores):.3f}")


if __name__ == "__main__":
    main()
