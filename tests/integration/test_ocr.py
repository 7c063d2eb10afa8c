"""Reading the words in screenshots with the packaged PP-OCRv4 models, on rendered screens."""

from __future__ import annotations

import random
import re
import threading

import pytest
from PIL import Image, ImageDraw, ImageFont

from assistant.errors import ModelError
from assistant.ocr import OcrOptions, OcrReader, group_rows, ocr_text
from assistant.screens import render_screen
from assistant.types import OcrLine

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="session")
def reader() -> OcrReader:
    return OcrReader()


def font(size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size=size)


def words_image(size: tuple[int, int], words: list[tuple[str, tuple[int, int], int]]) -> Image.Image:
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for text, xy, px in words:
        draw.text(xy, text, font=font(px), fill=(20, 20, 20), anchor="lm")
    return image


def line(text: str, left: float, top: float, right: float, bottom: float) -> OcrLine:
    return OcrLine(text, ((left, top), (right, top), (right, bottom), (left, bottom)), 0.99)


def test_rows_group_by_vertical_overlap_and_read_left_to_right():
    lines = [
        line("Delta", 300, 52, 380, 70),
        line("Alpha", 10, 8, 90, 40),
        line("Charlie", 10, 50, 120, 72),
        line("Bravo", 300, 14, 380, 32),
        line("Echo", 10, 100, 70, 120),
    ]
    assert ocr_text(lines) == "Alpha Bravo\nCharlie Delta\nEcho"
    assert [len(row) for row in group_rows(lines)] == [2, 2, 1]


@pytest.mark.slow
def test_a_declined_payment_is_read_with_its_card_digits(reader):
    for seed, layout in ((1, "mobile_page"), (2, "desktop_dialog")):
        screen = render_screen("payment_declined", random.Random(seed), layout=layout)
        digits = re.search(r"(?:ending in|\*{4}|•{4}) (\d{4})", "\n".join(screen.lines)).group(1)
        text = ocr_text(reader.read(screen.image))
        assert "declined" in text.lower()
        assert digits in text


@pytest.mark.slow
def test_an_order_tracking_screen_yields_the_exact_order_number(reader):
    for seed, layout in ((3, "mobile_page"), (4, "desktop_page")):
        screen = render_screen("order_tracking", random.Random(seed), layout=layout)
        order = re.search(r"FG-\d{6}", "\n".join(screen.lines)).group(0)
        assert order in re.findall(r"FG-\d{6}", ocr_text(reader.read(screen.image)))


@pytest.mark.slow
def test_a_two_column_layout_reads_top_to_bottom_then_left_to_right(reader):
    # Left column in a larger font than the right; rows are centred on the same line.
    image = words_image(
        (900, 420),
        [
            ("Subtotal", (40, 80), 34),
            ("Shipping", (40, 200), 34),
            ("Total", (40, 320), 34),
            ("59.90", (700, 80), 22),
            ("4.95", (700, 200), 22),
            ("64.85", (700, 320), 22),
        ],
    )
    lines = reader.read(image)
    assert [item.text for item in lines] == ["Subtotal", "59.90", "Shipping", "4.95", "Total", "64.85"]
    assert ocr_text(lines) == "Subtotal 59.90\nShipping 4.95\nTotal 64.85"


@pytest.mark.slow
def test_boxes_of_a_downscaled_huge_screenshot_are_in_original_pixels(reader):
    words = [("Refund", (400, 300), 72), ("FG-104233", (2600, 1700), 72)]
    image = words_image((4000, 2400), words)
    draw = ImageDraw.Draw(image)
    lines = {item.text: item for item in reader.read(image)}
    assert set(lines) == {"Refund", "FG-104233"}
    for text, xy, px in words:
        left, top, right, bottom = draw.textbbox(xy, text, font=font(px), anchor="lm")
        xs = [x for x, _ in lines[text].box]
        ys = [y for _, y in lines[text].box]
        assert abs(min(xs) - left) < 40 and abs(max(xs) - right) < 40
        assert min(ys) < (top + bottom) / 2 < max(ys)
        assert abs((min(ys) + max(ys)) / 2 - (top + bottom) / 2) < 30


@pytest.mark.slow
def test_an_image_without_text_gives_no_lines(reader):
    image = Image.new("RGB", (800, 600), (246, 247, 249))
    ImageDraw.Draw(image).rounded_rectangle((100, 100, 700, 400), 24, fill=(210, 214, 220))
    assert reader.read(image) == ()
    assert reader.read(Image.new("L", (1, 1))) == ()


@pytest.mark.slow
def test_a_dark_theme_screen_is_read(reader):
    screen = render_screen("server_error", random.Random(5), theme="dark", layout="desktop_page")
    text = ocr_text(reader.read(screen.image)).lower()
    found = [truth for truth in screen.lines if truth.lower() in text]
    assert len(found) >= 0.8 * len(screen.lines)


@pytest.mark.slow
def test_a_transparent_png_is_read_on_white(reader):
    image = Image.new("RGBA", (600, 160), (0, 0, 0, 0))
    ImageDraw.Draw(image).text(
        (30, 80), "Promo code WINTER25", font=font(36), fill=(0, 0, 0, 255), anchor="lm"
    )
    assert ocr_text(reader.read(image)) == "Promo code WINTER25"


@pytest.mark.slow
def test_concurrent_reads_give_the_same_lines(reader):
    screen = render_screen("receipt", random.Random(9), layout="paper")
    results: list[tuple[OcrLine, ...]] = []
    threads = [threading.Thread(target=lambda: results.append(reader.read(screen.image))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1] and results[0]


@pytest.mark.slow
def test_an_engine_failure_becomes_a_model_error(reader, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("onnxruntime exploded")

    monkeypatch.setattr(reader, "_engine", broken)
    with pytest.raises(ModelError) as caught:
        reader.read(Image.new("RGB", (200, 100), "white"))
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_missing_model_files_become_a_model_error(monkeypatch):
    import rapidocr_onnxruntime

    def missing(*args, **kwargs):
        raise FileNotFoundError("ch_PP-OCRv4_det_infer.onnx")

    monkeypatch.setattr(rapidocr_onnxruntime, "RapidOCR", missing)
    with pytest.raises(ModelError, match="rapidocr-onnxruntime"):
        OcrReader(OcrOptions())
