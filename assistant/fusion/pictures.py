"""Turns an example's image spec into pixels, and remembers what OCR read in each picture.

OCR takes about a second per screenshot on a small CPU, so its output is kept in a JSON file keyed by a
hash of the pixels: a picture drawn again the same way is never read twice, and a changed one is.
"""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

from PIL import Image

from assistant.fusion.corpus import SEED_DIR
from assistant.images import load_image, pixel_key
from assistant.screens import render_screen

SHIPPED_OCR_CACHE = Path(__file__).resolve().parent / "data" / "ocr_cache.json"


def load_picture(spec: str, *, max_pixels: int = 40_000_000, max_bytes: int = 20_000_000) -> Image.Image:
    """``screen:<kind>:<seed>``, ``product:<sku>:<n>`` or a path to an image file."""
    if spec.startswith("screen:"):
        _, kind, seed = spec.split(":")
        return render_screen(kind, random.Random(int(seed))).image
    if spec.startswith("product:"):
        _, sku, number = spec.split(":")
        path = SEED_DIR / "photos" / f"{sku}-{number}.png"
        return load_image(path, max_pixels=max_pixels, max_bytes=max_bytes)
    return load_image(Path(spec), max_pixels=max_pixels, max_bytes=max_bytes)


class OcrCache:
    """{pixel key: {"text": words in reading order, "lines": how many lines}}; thread-safe."""

    def __init__(self, path: Path, *, fallback: Path | None = SHIPPED_OCR_CACHE) -> None:
        self.path = path
        self._entries: dict[str, dict] = {}
        for source in (fallback, path):
            if source is not None and source.is_file():
                self._entries.update(json.loads(source.read_text(encoding="utf-8")))
        self._lock = threading.Lock()
        self._dirty = False

    def get(self, image: Image.Image) -> dict | None:
        return self._entries.get(pixel_key(image))

    def put(self, image: Image.Image, *, text: str, lines: int) -> None:
        with self._lock:
            self._entries[pixel_key(image)] = {"text": text, "lines": lines}
            self._dirty = True

    def save(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial")
            partial.write_text(json.dumps(self._entries, sort_keys=True, indent=0), encoding="utf-8")
            partial.replace(self.path)
            self._dirty = False

    def __len__(self) -> int:
        return len(self._entries)


def words_in(image: Image.Image, *, cache: OcrCache, reader) -> dict:
    """What OCR reads in the picture, from the cache when this exact picture was read before."""
    found = cache.get(image)
    if found is None:
        from assistant.ocr import ocr_text

        lines = reader.read(image)
        found = {"text": ocr_text(lines), "lines": len(lines)}
        cache.put(image, **found)
    return found
