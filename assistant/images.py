"""Opens customer images safely: checks size and format from the real content, then decodes to RGB."""

from __future__ import annotations

import functools
import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from assistant.audio import sniff_format
from assistant.errors import (
    CorruptImageError,
    ImageTooLargeError,
    ImageTooSmallError,
    UnsupportedImageError,
)
from assistant.settings import Settings

# MPO is how Pillow names the multi-picture JPEGs that many phones and cameras write; HEIF covers the
# iPhone's HEIC photos.
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "MPO", "WEBP", "GIF", "HEIF", "AVIF"})
MIN_SIDE = 8
ACCEPTED_HINT = "Please send a PNG, JPEG, WebP, GIF, HEIC or AVIF image (a screenshot or a photo works)."
_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"<svg", "an SVG drawing"),
    (b"<?xml", "an XML or SVG file"),
)


@functools.cache
def open_heic_too() -> None:
    """Lets Pillow open HEIC/HEIF photos (pillow-heif); AVIF it opens itself. Done once per process."""
    import pillow_heif

    pillow_heif.register_heif_opener()


@dataclass(frozen=True)
class ImageLimits:
    max_pixels: int
    max_bytes: int


def image_limits(settings: Settings) -> ImageLimits:
    return ImageLimits(max_pixels=settings.max_image_pixels, max_bytes=settings.max_image_bytes)


def load_image(
    source: str | Path | bytes | bytearray | memoryview, *, max_pixels: int, max_bytes: int
) -> Image.Image:
    """The image as RGB, upright (EXIF orientation applied), transparency flattened onto white.

    Raises an ``ImageError`` subclass whose message tells the customer what to do.
    """
    data = _read_bytes(source, max_bytes)
    image = _open_checked(data, max_pixels)
    _decode(image)
    return _to_rgb(_upright(image))


def pixel_key(image: Image.Image) -> str:
    """A name for a picture from its pixels: the same picture gets the same key, whatever its file."""
    digest = hashlib.sha256(f"{image.mode}:{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()[:32]


def store_png(image: Image.Image, folder: Path) -> Path:
    """Saves ``image`` as ``folder/<pixel key>.png`` unless it is there already; returns that path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{pixel_key(image)}.png"
    if not target.exists():
        partial = target.with_suffix(".partial")
        image.save(partial, format="PNG")
        partial.replace(target)
    return target


def _read_bytes(source: str | Path | bytes | bytearray | memoryview, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            _check_byte_size(path.stat().st_size, max_bytes)
            data = path.read_bytes()
        except OSError as error:
            raise CorruptImageError(
                "The image file could not be read. Please choose it again and re-upload it."
            ) from error
    if not data:
        raise CorruptImageError("The image file is empty. Please choose the image again and re-upload it.")
    _check_byte_size(len(data), max_bytes)
    return data


def _check_byte_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImageTooLargeError(
            f"The image file is {_megabytes(size)}; the largest accepted is {_megabytes(max_bytes)}. "
            "Please send a smaller or more compressed image, or a screenshot of the part that matters."
        )


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Reads only the header: format and size are known here, pixel data is not decoded yet."""
    try:
        # Image.open raises or warns about decompression bombs itself, before any pixel is decoded.
        open_heic_too()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
        raise ImageTooLargeError(_too_many_pixels_message(None, limit)) from error
    except UnidentifiedImageError as error:
        raise _unidentified(data) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _corrupt() from error
    if image.format not in ACCEPTED_FORMATS:
        raise UnsupportedImageError(
            f"This file is in {image.format} format, which we can't read. {ACCEPTED_HINT}"
        )
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLargeError(_too_many_pixels_message(image.size, max_pixels))
    if min(width, height) < MIN_SIDE:
        raise ImageTooSmallError(
            f"The image is only {width}x{height} pixels, too small to show anything. "
            f"Please send a larger image (at least {MIN_SIDE}x{MIN_SIDE} pixels)."
        )
    return image


def _decode(image: Image.Image) -> None:
    """Decodes the pixels (the first frame of an animation)."""
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _corrupt() from error


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        return image  # unreadable EXIF: keep the pixels as stored


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        image = _sixteen_bit_to_grey(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _sixteen_bit_to_grey(image: Image.Image) -> Image.Image:
    # Pillow clips 16-bit grey to 255 when converting to RGB, which turns most photos white.
    values = np.asarray(image, dtype=np.float32)
    return Image.fromarray(np.clip(values / 257.0, 0, 255).astype(np.uint8), mode="L")


def _unidentified(data: bytes) -> UnsupportedImageError | CorruptImageError:
    kind = _sniff(data)
    if kind is None:
        return _corrupt()
    return UnsupportedImageError(f"This file is {kind}, not an image we can read. {ACCEPTED_HINT}")


def _sniff(data: bytes) -> str | None:
    """Names common files Pillow cannot open, so the customer learns what they sent."""
    head = data[:64].lstrip()
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if sniff_format(data[:64]) is not None:
        return "a sound recording (send a voice note as audio, not as a picture)"
    if _looks_like_text(data[:4096]):
        return "a text file"
    return None


def _looks_like_text(sample: bytes) -> bool:
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * len(text)


def _corrupt() -> CorruptImageError:
    return CorruptImageError(
        "The image could not be opened: the file seems damaged or incomplete. "
        "Please save it again or take a new screenshot, and re-upload it."
    )


def _too_many_pixels_message(size: tuple[int, int] | None, max_pixels: int) -> str:
    described = f"{size[0]}x{size[1]} pixels" if size else "too large to process"
    return (
        f"The image is {described}; the largest accepted is {_pixel_count(max_pixels)}. "
        "Please resize it or send a screenshot of the part that matters."
    )


def _pixel_count(pixels: int) -> str:
    if pixels >= 1_000_000:
        return f"about {pixels / 1_000_000:.0f} megapixels"
    return f"{pixels:,} pixels"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
