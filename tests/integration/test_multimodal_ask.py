"""`assistant ask` with photos, screenshots and voice notes, on the seeded demo store with real models."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from PIL import Image

from assistant.images import open_heic_too
from assistant.screens import render_screen
from bench.products import fashion_mnist_test_images
from tests.audio_samples import encode, speak

from tests.cli_runner import ask, no_traceback_of_ours, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store")
    run(path, "seed")
    return path




@pytest.mark.parametrize("fmt", ["PNG", "HEIF"])  # HEIF: an iPhone's HEIC photo
def test_photo_of_a_catalogue_item_brings_that_products_details(data_dir, tmp_path, fmt):
    images, labels = fashion_mnist_test_images(1)  # Fashion-MNIST TEST images: never in the catalogue
    photo = tmp_path / f"sneaker.{fmt.lower()}"
    open_heic_too()
    images[labels.index("Sneaker")].resize((140, 140)).convert("RGB").save(photo, format=fmt)
    reply = ask(data_dir, "how much is this one?", "--image", str(photo))
    assert reply["action"] == "product"
    assert reply["products"][0]["category"] == "Sneaker"
    assert reply["products"][0]["name"] in reply["reply"] and "EUR" in reply["reply"]


@pytest.mark.parametrize("colour", ["white", "black"])
def test_a_blank_photo_is_not_taken_for_a_product(data_dir, tmp_path, colour):
    photo = tmp_path / f"{colour}.jpg"
    Image.new("RGB", (640, 480), colour).save(photo, quality=80)
    reply = ask(data_dir, "what is this", "--image", str(photo))
    assert reply["action"] != "product"
    assert reply["products"] == [] and "This looks like our" not in reply["reply"]


def test_products_search_json(data_dir, tmp_path):
    images, labels = fashion_mnist_test_images(1)
    photo = tmp_path / "bag.png"
    images[labels.index("Bag")].save(photo)
    hits = json.loads(run(data_dir, "products", "search", "--image", str(photo), "--k", "3", "--json").stdout)["hits"]
    assert len(hits) == 3 and hits[0]["category"] == "Bag"
    assert set(hits[0]) >= {"product_id", "sku", "name", "category", "score"}


def test_screenshot_words_feed_the_answer(data_dir, tmp_path):
    screen = render_screen("payment_declined", random.Random(3))
    path = tmp_path / "declined.png"
    screen.image.save(path)
    reply = ask(data_dir, "it keeps showing me this", "--image", str(path))
    assert "declined" in reply["ocr_text"].lower()
    assert reply["action"] != "product"
    assert reply["intent"] == "payment_billing"


def test_voice_note_is_transcribed_and_answered(data_dir, tmp_path):
    wav = speak("How long does delivery to Germany take?", tmp_path / "note.wav")
    note = encode(wav, "ogg", tmp_path / "note.ogg")
    reply = ask(data_dir, "--audio", str(note))
    assert reply["language"] == "en"
    assert "germany" in reply["transcript"].lower()
    assert reply["action"] == "answer" and reply["intent"] == "shipping_info"


def test_unreadable_image_is_a_clear_error(data_dir, tmp_path):
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"this is not a photo at all")
    result = run(data_dir, "ask", "what is this", "--image", str(bad), code=2)
    assert "error:" in result.stderr and no_traceback_of_ours(result.stderr)
