"""The console's product and order imports (a CSV uploaded together with its photos, an orders CSV), exports
and removals."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from skimage import data as photos

from assistant.runtime import Runtime
from tests import databases
from assistant.catalogue_admin import export_orders_csv, export_products_csv
from ui.console.catalogue import (
    export_file,
    import_order_file,
    import_product_files,
    orders_frame,
    products_frame,
    remove_order_numbers,
    remove_product_skus,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def runtime(tmp_path) -> Runtime:
    return Runtime.start(databases.current().settings_for(tmp_path / "store", device="cpu"))


def uploaded(tmp_path: Path, name: str, write) -> str:
    """Gradio keeps every uploaded file in a folder of its own."""
    folder = tmp_path / "uploads" / name.replace(".", "-")
    folder.mkdir(parents=True)
    write(folder / name)
    return str(folder / name)


def test_a_product_csv_uploaded_with_its_photos_is_imported_and_searchable(runtime, tmp_path):
    csv_file = uploaded(tmp_path, "products.csv", lambda p: p.write_text(
        "sku,name,category,price,photos\nMUG-1,Coffee mug,Homeware,12.50,mug.png\n", encoding="utf-8"))
    photo = uploaded(tmp_path, "mug.png", lambda p: Image.fromarray(photos.coffee()).save(p))
    message = import_product_files(runtime, [csv_file, photo])
    assert message == "Imported 1 products: 1 added, 0 updated, 1 photos; 1 photos embedded for photo search."
    assert list(products_frame(runtime.sessions)["sku"]) == ["MUG-1"]


@pytest.mark.parametrize(
    ("names", "message"),
    [([], "Choose one CSV or Excel file of products"), (["a.csv", "b.csv"], "Choose one CSV or Excel file of products"),
     (["products.csv"], "row 2: the photo 'mug.png' is not in the CSV file's folder")],
)
def test_product_uploads_that_cannot_be_imported_say_why(runtime, tmp_path, names, message):
    text = "sku,name,category,price,photos\nMUG-1,Coffee mug,Homeware,12.50,mug.png\n"
    paths = [uploaded(tmp_path, name, lambda p: p.write_text(text, encoding="utf-8")) for name in names]
    result = import_product_files(runtime, paths)
    assert result.startswith("Not done:") and message in result
    assert products_frame(runtime.sessions).empty


def test_an_orders_csv_is_imported_and_listed(runtime, tmp_path):
    path = uploaded(tmp_path, "orders.csv", lambda p: p.write_text(
        "order_number,customer_email,status,placed_at\nFG-300001,ana@example.com,paid,2026-11-20\n", encoding="utf-8"))
    assert import_order_file(runtime, path) == "Imported 1 orders: 1 added, 0 updated."
    row = orders_frame(runtime.sessions).iloc[0]
    assert (row["order"], row["status"], row["total"]) == ("FG-300001", "paid", "")
    assert import_order_file(runtime, None) == "Not done: Choose a CSV or Excel file of orders to import first."


def test_products_and_orders_are_exported_and_removed_from_the_console(runtime, tmp_path):
    csv_file = uploaded(tmp_path, "products.csv", lambda p: p.write_text(
        "sku,name,category,price,photos\nMUG-1,Coffee mug,Homeware,12.50,mug.png\nMUG-2,Tea mug,Homeware,9,\n",
        encoding="utf-8"))
    photo = uploaded(tmp_path, "mug.png", lambda p: Image.fromarray(photos.coffee()).save(p))
    import_product_files(runtime, [csv_file, photo])
    orders = uploaded(tmp_path, "orders.csv", lambda p: p.write_text(
        "order_number,customer_email,status,placed_at\nFG-300001,ana@example.com,paid,2026-11-20\n", encoding="utf-8"))
    import_order_file(runtime, orders)
    exported = Path(export_file(runtime, export_products_csv, "products.csv")).read_text(encoding="utf-8")
    assert exported.splitlines()[1] == "MUG-1,Coffee mug,Homeware,12.50,,,"
    assert "FG-300001,ana@example.com,paid,2026-11-20 00:00" in Path(
        export_file(runtime, export_orders_csv, "orders.csv")).read_text(encoding="utf-8")
    assert remove_product_skus(runtime, "MUG-1, MUG-9") == (
        "Not done: Nothing was removed: no product has the SKU 'MUG-9'. Check the product list.")
    assert remove_product_skus(runtime, "") == "Not done: Name the products to remove by SKU."
    assert remove_product_skus(runtime, "MUG-1,\nMUG-2") == "Removed 2 products: MUG-1, MUG-2; 1 photo files deleted."
    assert products_frame(runtime.sessions).empty
    assert remove_order_numbers(runtime.sessions, "FG-300001") == "Removed 1 orders: FG-300001."
    assert orders_frame(runtime.sessions).empty
