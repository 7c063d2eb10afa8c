"""Listing, exporting and removing products and orders: `assistant products|orders list|export|delete`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PIL import Image
from skimage import data as photos

from tests.cli_runner import ask, run, run_json

pytestmark = pytest.mark.slow

PRODUCTS = (
    "sku,name,category,price,description,sizes,stock,photos\n"
    'MUG-1,Coffee mug,Homeware,"€12,50","A white mug, 300 ml.",,,mug.png\n'
    "POSTER-CAT,Cat poster,Posters,9.99,A tabby cat.,A3|A2,A3:4|A2:0,cat.png|cat-2.png\n"
)
ORDERS = (
    "order_number,customer_email,status,placed_at,carrier,tracking_number,estimated_delivery\n"
    "FG-300001,ana@example.com,shipped,2026-11-20 10:15,DHL,JJD001,2026-11-24\n"
    "FG-300002,ben@example.com,paid,2026-11-21,,,\n"
)


@pytest.fixture
def store(tmp_path) -> Path:
    data_dir, files = tmp_path / "store", tmp_path / "files"
    files.mkdir()
    Image.fromarray(photos.coffee()).save(files / "mug.png")
    Image.fromarray(photos.chelsea()).save(files / "cat.png")
    Image.fromarray(photos.chelsea()).rotate(90).save(files / "cat-2.png")
    (files / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    (files / "orders.csv").write_text(ORDERS, encoding="utf-8")
    run(data_dir, "init")
    run(data_dir, "products", "import", str(files / "products.csv"))
    run(data_dir, "orders", "import", str(files / "orders.csv"))
    return data_dir


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_products_are_listed_and_exported_in_the_import_columns(store, tmp_path):
    listed = run_json(store, "products", "list")
    assert [(p["sku"], p["price"], len(p["photos"])) for p in listed] == [("MUG-1", 12.5, 1), ("POSTER-CAT", 9.99, 2)]
    assert [p["sku"] for p in run_json(store, "products", "list", "--contains", "tabby")] == ["POSTER-CAT"]
    exported = rows(run(store, "products", "export").stdout)
    assert exported[1] == {"sku": "POSTER-CAT", "name": "Cat poster", "category": "Posters", "price": "9.99",
                           "description": "A tabby cat.", "sizes": "A3|A2", "stock": "A3:4|A2:0"}
    assert exported[0]["description"] == "A white mug, 300 ml."


def test_an_edited_product_export_imports_back_and_keeps_the_photos(store, tmp_path):
    path = tmp_path / "products.csv"
    assert run(store, "products", "export", str(path)).stdout.strip() == f"exported 2 products to {path}"
    path.write_text(path.read_text(encoding="utf-8").replace("9.99", "7.50"), encoding="utf-8")
    assert "2 products: 0 added, 2 updated, 0 photos" in run(store, "products", "import", str(path)).stdout
    poster = run_json(store, "products", "list", "--contains", "POSTER")[0]
    assert (poster["price"], len(poster["photos"])) == (7.5, 2)


def test_a_removed_product_is_no_longer_found_by_its_photo_and_its_photo_files_go(store, tmp_path):
    photo_files = lambda: sorted(p.name for p in (store / "products").iterdir())  # noqa: E731
    assert len(photo_files()) == 3
    result = run(store, "products", "delete", "POSTER-CAT")
    assert result.stdout.strip() == "removed 1 products: POSTER-CAT; 2 photo files deleted"
    assert len(photo_files()) == 1
    Image.fromarray(photos.chelsea()).save(tmp_path / "cat.jpg")
    hits = run_json(store, "products", "search", "--image", str(tmp_path / "cat.jpg"))["hits"]
    assert [hit["sku"] for hit in hits] == ["MUG-1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["MUG-1", "mug-2"], "no product has the SKU 'mug-2'. Check the product list."),
     (["poster-cat"], "no product has the SKU 'poster-cat' (did you mean 'POSTER-CAT'?)")],
)
def test_an_unknown_sku_removes_nothing_and_says_which(store, args, message):
    result = run(store, "products", "delete", *args, code=2)
    assert result.stderr.startswith("error: Nothing was removed:") and message in result.stderr
    assert len(run_json(store, "products", "list")) == 2
    assert len(list((store / "products").iterdir())) == 3


def test_orders_are_listed_exported_and_read_back_unchanged(store, tmp_path):
    assert [o["order_number"] for o in run_json(store, "orders", "list")] == ["FG-300002", "FG-300001"]
    path = tmp_path / "orders.csv"
    run(store, "orders", "export", str(path))
    exported = rows(path.read_text(encoding="utf-8"))
    assert exported[0]["placed_at"] == "2026-11-20 10:15" and exported[0]["estimated_delivery"] == "2026-11-24"
    before = run_json(store, "orders", "list")
    assert "2 orders: 0 added, 2 updated" in run(store, "orders", "import", str(path)).stdout
    assert run_json(store, "orders", "list") == before


def test_a_removed_order_is_not_found_when_a_customer_asks_and_unknown_numbers_remove_nothing(store):
    result = run(store, "orders", "delete", "FG-300001", "FG-399999", code=2)
    assert "no order has the order number 'FG-399999'" in result.stderr
    assert len(run_json(store, "orders", "list")) == 2
    assert run(store, "orders", "delete", "FG-300001").stdout.strip() == "removed 1 orders: FG-300001"
    assert ask(store, "where is my order FG-300001?")["action"] == "order_not_found"
    assert ask(store, "where is my order FG-300002?")["action"] == "order_status"
