from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.errors import (
    CorruptImageError,
    ImageError,
    ImageTooLargeError,
    ImageTooSmallError,
    UnsupportedImageError,
)
from assistant.images import image_limits, load_image, open_heic_too
from assistant.settings import Settings

LIMITS = {"max_pixels": 40_000_000, "max_bytes": 20_000_000}
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def halves(size=(40, 20)) -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but whose pixel data is garbage: decoding it fails."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + chunk(b"IEND", b"")
    )


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "HEIF", "AVIF"])
def test_accepted_formats_come_out_rgb_with_their_size(fmt):
    open_heic_too()  # Pillow writes HEIC only with pillow-heif's plug-in
    image = load_image(encoded(halves(), fmt), **LIMITS)
    assert image.mode == "RGB"
    assert image.size == (40, 20)
    assert near(image.getpixel((5, 10)), RED)
    assert near(image.getpixel((35, 10)), BLUE)


def test_multi_picture_jpeg_from_a_phone_is_a_jpeg():
    second = Image.new("RGB", (40, 20), BLUE)
    data = encoded(halves(), "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    image = load_image(data, **LIMITS)
    assert near(image.getpixel((5, 10)), RED)


def test_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (16, 16), RED), Image.new("RGB", (16, 16), BLUE)]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = load_image(data, **LIMITS)
    assert image.mode == "RGB"
    assert near(image.getpixel((8, 8)), RED, tolerance=5)


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to display
    image = load_image(encoded(halves(), "JPEG", exif=exif.tobytes()), **LIMITS)
    assert image.size == (20, 40)
    assert near(image.getpixel((10, 5)), RED)
    assert near(image.getpixel((10, 35)), BLUE)


def test_transparency_is_flattened_onto_white():
    rgba = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    rgba.paste((255, 0, 0, 255), (0, 0, 10, 20))
    image = load_image(encoded(rgba, "PNG"), **LIMITS)
    assert image.mode == "RGB"
    assert image.getpixel((15, 10)) == WHITE
    assert image.getpixel((5, 10)) == RED


def test_transparent_gif_palette_is_flattened_onto_white():
    palette_image = Image.new("P", (16, 16), 0)
    palette_image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette_image.paste(1, (0, 0, 8, 16))
    image = load_image(encoded(palette_image, "GIF", transparency=0), **LIMITS)
    assert image.getpixel((12, 8)) == WHITE
    assert image.getpixel((4, 8)) == RED


def test_sixteen_bit_grey_keeps_its_brightness():
    grey = Image.fromarray(np.full((16, 16), 32768, dtype=np.uint16))
    image = load_image(encoded(grey, "PNG"), **LIMITS)
    assert near(image.getpixel((8, 8)), (128, 128, 128), tolerance=2)


def test_content_decides_not_the_file_name(tmp_path: Path):
    path = tmp_path / "photo.png"
    path.write_bytes(encoded(halves(), "JPEG"))
    assert load_image(path, **LIMITS).size == (40, 20)
    assert load_image(str(path), **LIMITS).size == (40, 20)


def test_tiny_image_is_refused():
    with pytest.raises(ImageTooSmallError, match="too small"):
        load_image(encoded(Image.new("RGB", (1, 1)), "PNG"), **LIMITS)


def test_thin_image_is_refused():
    with pytest.raises(ImageTooSmallError, match="at least 8x8"):
        load_image(encoded(Image.new("RGB", (400, 4)), "PNG"), **LIMITS)


def test_huge_header_is_refused_before_decoding():
    # The pixel data is garbage, so reaching the decoder would raise CorruptImageError instead.
    with pytest.raises(ImageTooLargeError, match="too large"):
        load_image(png_header_only(20_000, 20_000), **LIMITS)


def test_pixel_limit_is_checked_on_the_header():
    with pytest.raises(ImageTooLargeError, match="6000x6000 pixels"):
        load_image(png_header_only(6_000, 6_000), max_pixels=30_000_000, max_bytes=10**6)


def test_pillow_bomb_warning_becomes_too_large():
    # Over Pillow's own warning threshold (about 89 megapixels) although under our limit.
    with pytest.raises(ImageTooLargeError, match="Please resize"):
        load_image(png_header_only(10_000, 10_000), max_pixels=200_000_000, max_bytes=10**6)


def test_small_pixel_limit_names_the_size():
    with pytest.raises(ImageTooLargeError, match="100x100 pixels; the largest accepted is 5,000 pixels"):
        load_image(encoded(halves((100, 100)), "PNG"), max_pixels=5_000, max_bytes=10**6)


def test_file_over_byte_limit_is_refused(tmp_path: Path):
    data = encoded(halves(), "PNG")
    path = tmp_path / "big.png"
    path.write_bytes(data)
    for source in (data, path):
        with pytest.raises(ImageTooLargeError, match="The image file is .* MB; the largest accepted is"):
            load_image(source, max_pixels=10**6, max_bytes=10)


def test_truncated_jpeg_is_corrupt():
    data = encoded(Image.effect_noise((64, 64), 50).convert("RGB"), "JPEG")
    with pytest.raises(CorruptImageError, match="damaged or incomplete"):
        load_image(data[: len(data) // 2], **LIMITS)


def test_random_bytes_are_corrupt():
    noise = np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with pytest.raises(CorruptImageError, match="damaged or incomplete"):
        load_image(noise, **LIMITS)


def test_empty_file_is_corrupt(tmp_path: Path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(CorruptImageError, match="empty"):
        load_image(path, **LIMITS)


def test_missing_file_cannot_be_read(tmp_path: Path):
    with pytest.raises(CorruptImageError, match="could not be read"):
        load_image(tmp_path / "gone.png", **LIMITS)


@pytest.mark.parametrize(("fmt", "named"), [("BMP", "BMP format"), ("TIFF", "TIFF format")])
def test_formats_pillow_knows_but_we_refuse_are_named(fmt, named):
    with pytest.raises(UnsupportedImageError, match=named) as caught:
        load_image(encoded(halves(), fmt), **LIMITS)
    assert "PNG, JPEG, WebP, GIF, HEIC or AVIF" in str(caught.value)


@pytest.mark.parametrize("brand", [b"heic", b"avif"])
def test_a_damaged_phone_photo_is_corrupt(brand):
    with pytest.raises(CorruptImageError, match="seems damaged or incomplete"):
        load_image(b"\x00\x00\x00\x18ftyp" + brand + b"\x00" * 200, **LIMITS)


@pytest.mark.parametrize("fmt", ["HEIF", "AVIF"])
def test_a_phone_photo_over_the_pixel_limit_is_refused_before_decoding(fmt):
    open_heic_too()
    with pytest.raises(ImageTooLargeError, match="40x20 pixels"):
        load_image(encoded(halves(), fmt), max_pixels=500, max_bytes=LIMITS["max_bytes"])


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"Hello, my order 1234 never arrived.\n" * 10, "a text file"),
        (encoded(halves(), "PDF"), "a PDF document"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>", "an SVG drawing"),
        (b"OggS\x00\x02" + b"\x00" * 80, "a sound recording"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 80, "a sound recording"),
    ],
)
def test_non_image_files_are_named(data, named):
    with pytest.raises(UnsupportedImageError, match=named):
        load_image(data, **LIMITS)


def test_every_failure_is_an_image_error():
    for error in (CorruptImageError, ImageTooLargeError, ImageTooSmallError, UnsupportedImageError):
        assert issubclass(error, ImageError)


def test_limits_come_from_settings():
    limits = image_limits(Settings(max_image_pixels=1234, max_image_bytes=5678))
    assert (limits.max_pixels, limits.max_bytes) == (1234, 5678)
