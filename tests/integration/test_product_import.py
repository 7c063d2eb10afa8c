"""A store's own catalogue with real colour photos: `assistant products import`, photo search and `ask`."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageEnhance
from skimage import data as photos

from tests.cli_runner import ask, run, run_json

pytestmark = pytest.mark.slow

PHOTOS = {"MUG-1": photos.coffee, "POSTER-CAT": photos.chelsea, "ROCKET-1": photos.rocket,
          "POSTER-ASTRO": photos.astronaut}


def customer_photo(source: Image.Image, path: Path) -> Path:
    """The same item as a customer photographs it: cropped, smaller, brighter, tilted, JPEG."""
    width, height = source.size
    picture = source.crop((width // 10, height // 12, width - width // 8, height - height // 10))
    picture = ImageEnhance.Brightness(picture.resize((picture.width // 2, picture.height // 2))).enhance(1.15)
    picture.rotate(6, expand=True, fillcolor=(255, 255, 255)).save(path, quality=70)
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> tuple[Path, Path]:
    data_dir, files = tmp_path_factory.mktemp("store"), tmp_path_factory.mktemp("catalogue")
    for sku, load in PHOTOS.items():
        Image.fromarray(load()).convert("RGB").save(files / f"{sku}.png")
    (files / "products.csv").write_text(
        "sku,name,category,price,description,sizes,stock,photos\n"
        'MUG-1,Coffee mug,Homeware,"€12,50",A white porcelain mug.,,,MUG-1.png\n'
        "POSTER-CAT,Cat poster,Posters,9.99,A tabby cat.,A3|A2,A3:4|A2:0,POSTER-CAT.png\n"
        "ROCKET-1,Rocket model,Toys,45,A launch-pad model.,One size,One size:2,ROCKET-1.png\n"
        "POSTER-ASTRO,Astronaut poster,Posters,11,An astronaut portrait.,A3,A3:1,POSTER-ASTRO.png\n",
        encoding="utf-8")
    run(data_dir, "init")
    result = run(data_dir, "products", "import", str(files / "products.csv"))
    assert "4 products: 4 added, 0 updated, 4 photos; 4 photos embedded" in result.stdout
    return data_dir, files


@pytest.mark.parametrize("sku", list(PHOTOS))
def test_a_customers_photo_finds_the_imported_product(store, tmp_path, sku):
    data_dir, files = store
    photo = customer_photo(Image.open(files / f"{sku}.png"), tmp_path / "photo.jpg")
    hits = run_json(data_dir, "products", "search", "--image", str(photo), "--k", "2")["hits"]
    assert hits[0]["sku"] == sku


def test_how_much_is_this_with_a_photo_gets_the_products_details(store, tmp_path):
    data_dir, files = store
    photo = customer_photo(Image.open(files / "POSTER-CAT.png"), tmp_path / "photo.jpg")
    reply = ask(data_dir, "how much is this?", "--image", str(photo))
    assert reply["action"] == "product"
    assert "Cat poster" in reply["reply"] and "9.99" in reply["reply"] and "In stock in A3." in reply["reply"]


def test_reimport_updates_by_sku_and_a_bad_file_changes_nothing(store, tmp_path):
    data_dir, _ = store
    update = tmp_path / "update.csv"
    update.write_text("sku,name,category,price\nMUG-1,Coffee mug,Homeware,13.00\n", encoding="utf-8")
    assert "1 products: 0 added, 1 updated, 0 photos" in run(data_dir, "products", "import", str(update)).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name,category,price,photos\nMUG-1,Coffee mug,Homeware,1,gone.png\n", encoding="utf-8")
    result = run(data_dir, "products", "import", str(bad), code=2)
    assert "row 2: the photo 'gone.png' is not in the CSV file's folder" in result.stderr
    photo = customer_photo(Image.open(store[1] / "MUG-1.png"), tmp_path / "mug.jpg")
    hits = run_json(data_dir, "products", "search", "--image", str(photo), "--k", "1")["hits"]
    assert (hits[0]["sku"], hits[0]["price"]) == ("MUG-1", 13.0)
