#!/usr/bin/env python3
"""Write the demo store's product photos from the Fashion-MNIST training split.

Every product in ``knowledge_base/seed_data/products.json`` names its ``photo_indices``: indices into the
Fashion-MNIST *training* images (a gallery of several photos per product, as shops show). This script reads the IDX files shipped by the Debian package
``dataset-fashion-mnist``, checks that the label of each chosen image matches the product's category
(the categories are exactly Fashion-MNIST's ten class names), and saves the original 28x28 greyscale
image losslessly as ``knowledge_base/seed_data/photos/<sku>-<n>.png`` (n = 1, 2, ...).

Usage::

    python scripts/extract_product_photos.py [--dataset-dir DIR] [--products FILE] [--out DIR]

Only the standard library, numpy and Pillow are needed. Exits with status 1 and a clear message when
a file is missing or malformed, or when a product's photo does not match its category.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET_DIR = Path("/usr/share/datasets/fashion-mnist")
DEFAULT_PRODUCTS = REPO_ROOT / "knowledge_base" / "seed_data" / "products.json"
DEFAULT_OUT = REPO_ROOT / "knowledge_base" / "seed_data" / "photos"

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"

# Fashion-MNIST class names, indexed by label.
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# IDX magic numbers: two zero bytes, the data type (0x08 = unsigned byte), the number of dimensions.
IDX_UBYTE_1D = 0x00000801
IDX_UBYTE_3D = 0x00000803


class PhotoError(Exception):
    """A problem with the dataset files or the product list, reported to the user."""


def read_idx(path: Path, expected_magic: int) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes into an array shaped by its header."""
    if not path.is_file():
        raise PhotoError(f"{path} not found (install the Debian package dataset-fashion-mnist)")
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    if len(data) < 4:
        raise PhotoError(f"{path} is too short to be an IDX file")
    magic = int.from_bytes(data[:4], "big")
    if magic != expected_magic:
        raise PhotoError(f"{path}: magic number 0x{magic:08x}, expected 0x{expected_magic:08x}")
    ndim = magic & 0xFF
    header_end = 4 + 4 * ndim
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected_size = header_end + int(np.prod(dims))
    if len(data) != expected_size:
        raise PhotoError(f"{path}: {len(data)} bytes, expected {expected_size} for shape {dims}")
    return np.frombuffer(data, dtype=np.uint8, offset=header_end).reshape(dims)


def load_training_split(dataset_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(dataset_dir / TRAIN_IMAGES, IDX_UBYTE_3D)
    labels = read_idx(dataset_dir / TRAIN_LABELS, IDX_UBYTE_1D)
    if images.shape[0] != labels.shape[0]:
        raise PhotoError(f"{images.shape[0]} training images but {labels.shape[0]} labels")
    return images, labels


def check_product(product: dict, labels: np.ndarray) -> list[int]:
    """Return the product's photo indices after checking that their labels match the category."""
    indices = product.get("photo_indices")
    if not isinstance(indices, list) or not indices:
        raise PhotoError(f"{product.get('sku', '<no sku>')}: photo_indices must be a non-empty list")
    return [check_photo(product, index, labels) for index in indices]


def check_photo(product: dict, index: object, labels: np.ndarray) -> int:
    sku = product.get("sku", "<no sku>")
    category = product.get("category")
    if category not in CLASS_NAMES:
        raise PhotoError(f"{sku}: category {category!r} is not a Fashion-MNIST class name")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(labels):
        raise PhotoError(f"{sku}: photo_index {index!r} is not an index into the {len(labels)} training images")
    label = int(labels[index])
    if CLASS_NAMES[label] != category:
        raise PhotoError(
            f"{sku}: training image {index} is labelled {label} ({CLASS_NAMES[label]}), "
            f"but the product's category is {category!r}"
        )
    return index


def extract(products_path: Path, dataset_dir: Path, out_dir: Path) -> int:
    """Check every product first, then write all photos; returns the number written."""
    products = json.loads(products_path.read_text(encoding="utf-8"))
    images, labels = load_training_split(dataset_dir)
    chosen = [(product["sku"], check_product(product, labels)) for product in products]
    out_dir.mkdir(parents=True, exist_ok=True)
    for sku, indices in chosen:
        for number, index in enumerate(indices, start=1):
            Image.fromarray(images[index]).save(out_dir / f"{sku}-{number}.png", format="PNG")
    return sum(len(indices) for _, indices in chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset-dir", type=Path, default=DEFAULT_DATASET_DIR)
    parser.add_argument("--products", type=Path, default=DEFAULT_PRODUCTS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        count = extract(args.products, args.dataset_dir, args.out)
    except PhotoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {count} product photos to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
