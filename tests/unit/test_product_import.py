"""A store's own catalogue from CSV: products, prices as shops write them, sizes, stock and photos."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from skimage import data as photos
from sqlalchemy import delete

from assistant.catalogue_admin import export_products_csv
from assistant.errors import CsvImportError, UserInputError
from assistant.images import ImageLimits
from assistant.product_import import import_products
from knowledge_base.db import session_scope
from knowledge_base.models import Product
from tests.stored_rows import stored_by

LIMITS = ImageLimits(max_pixels=40_000_000, max_bytes=20_000_000)
HEADER = "sku,name,category,price,description,sizes,stock,photos\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    Image.fromarray(photos.coffee()).save(tmp_path / "mug.png")
    Image.fromarray(photos.chelsea()).save(tmp_path / "cat.jpg")
    (tmp_path / "notes.jpg").write_text("not a photo at all")
    return tmp_path


def run_import(sessions, folder: Path, text: str, *, data_dir: Path | None = None):
    csv_file = folder / "products.csv"
    csv_file.write_text(text, encoding="utf-8")
    with session_scope(sessions) as session:
        return import_products(session=session, path=csv_file, data_dir=data_dir or folder / "data", limits=LIMITS)


def stored(sessions) -> dict[str, Product]:
    return stored_by(sessions, Product, "sku")


def test_products_are_added_with_prices_sizes_stock_and_photos(sessions, folder):
    report = run_import(sessions, folder, HEADER + (
        'MUG-1,Coffee mug,Homeware,"€12,50",A white mug.,,,mug.png\n'
        "POSTER-CAT,Cat poster,Posters,$9.99,Tabby.,A3|A2,A3:4|A2:0,cat.jpg|mug.png\n"
        'SOFA-2,Two-seat sofa,Furniture,"1,299.00 EUR",,,,\n'
        'SOFA-3,Three-seat sofa,Furniture,"1,499",,,,\n'
        "SOCK-1,Sock,Socks,£2.5,,,,\n"
        'SOFA-4,Corner sofa,Furniture,"1.899,00 €",,,,\n'
        "SOFA-5,Bed sofa,Furniture,2.499,,,,\n"
    ))
    assert (report.added, report.updated, report.photos) == (7, 0, 3)
    products = stored(sessions)
    assert [products[s].price for s in ("MUG-1", "POSTER-CAT", "SOFA-2", "SOFA-3", "SOCK-1", "SOFA-4", "SOFA-5")] == [
        Decimal("12.50"), Decimal("9.99"), Decimal("1299.00"), Decimal("1499.00"), Decimal("2.50"),
        Decimal("1899.00"), Decimal("2499.00")]
    poster = products["POSTER-CAT"]
    assert (poster.sizes, poster.stock, len(poster.photos)) == (["A3", "A2"], {"A3": 4, "A2": 0}, 2)
    assert poster.photos[1] == products["MUG-1"].photos[0]  # one stored copy of the same picture
    for photo in poster.photos:
        assert photo.startswith("products/") and photo.endswith(".png")
        assert Image.open(folder / "data" / photo).format == "PNG"


def test_a_known_sku_is_updated_and_columns_left_out_are_kept(sessions, folder):
    run_import(sessions, folder, HEADER + "MUG-1,Coffee mug,Homeware,12.50,A white mug.,S|L,S:1|L:2,mug.png\n")
    before = stored(sessions)["MUG-1"]
    report = run_import(sessions, folder, "sku,name,category,price\nMUG-1,Big coffee mug,Homeware,14\n")
    assert (report.added, report.updated) == (0, 1)
    after = stored(sessions)["MUG-1"]
    assert (after.name, after.price) == ("Big coffee mug", Decimal("14.00"))
    assert (after.photos, after.sizes, after.stock, after.description) == (
        before.photos, before.sizes, before.stock, before.description)


def test_bad_rows_are_each_named_and_nothing_is_stored(sessions, folder):
    with pytest.raises(CsvImportError) as caught:
        run_import(sessions, folder, HEADER + (
            "MUG-1,Coffee mug,Homeware,12.50,,,,mug.png\n"
            "MUG-2,Tea mug,Homeware,cheap,,,,\n"
            "MUG-3,Milk mug,Homeware,4,,S|M,L:3,\n"
            "MUG-4,Cup,Homeware,4,,,S=3,\n"
            "MUG-1,Same SKU,Homeware,4,,,,\n"
            "MUG-6,,Homeware,4,,,,\n"
            "MUG-7,Photo gone,Homeware,4,,,,missing.png\n"
            "MUG-8,Not a photo,Homeware,4,,,,notes.jpg\n"
            "MUG-9,Free,Homeware,-1,,,,\n"
            "MUG-10,Far,Homeware,4,,,,../secret.png\n"
            "MUG-11,Cup,Homeware,4,,S,S:²,\n"
            "MUG-12,Cup,Homeware,19.9.9,,,,\n"
        ))
    problems = caught.value.problems
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "the price 'cheap' is not an amount like 19.99" in problems[3]
    assert "'L', which is not among the sizes" in problems[4]
    assert "'S=3' is not SIZE:COUNT" in problems[5]
    assert "the same SKU as row 2" in problems[6]
    assert "the name is empty" in problems[7]
    assert "'missing.png' is not in the CSV file's folder" in problems[8]
    assert "'notes.jpg' cannot be used: This file is a text file" in problems[9]
    assert "the price '-1'" in problems[10]
    assert "'../secret.png' is outside the CSV file's folder" in problems[11]
    assert "'S:²' is not SIZE:COUNT" in problems[12]
    assert "the price '19.9.9'" in problems[13]
    assert stored(sessions) == {}
    assert not (folder / "data").exists()


def test_a_missing_file_or_missing_columns_are_clear_errors(sessions, folder):
    with session_scope(sessions) as session, pytest.raises(UserInputError, match="There is no file"):
        import_products(session=session, path=folder / "none.csv", data_dir=folder, limits=LIMITS)
    with pytest.raises(CsvImportError, match="missing column"):
        run_import(sessions, folder, "sku,name,price\nMUG-1,Mug,4\n")


def test_a_shop_systems_export_is_read_by_its_own_column_names(sessions, folder):
    report = run_import(sessions, folder, (
        "Variant SKU,Title,Product Type,Variant Price,Body (HTML),Type\n"
        'MUG-1,Coffee mug,Homeware,12.50,"<p>A <strong>white</strong> mug.</p><ul><li>300 ml</li></ul>",simple\n'))
    assert report.summary() == ("1 products: 1 added, 0 updated, 0 photos (columns read as: Variant SKU -> sku, "
                                "Title -> name, Product Type -> category, Variant Price -> price, Body (HTML) -> description)")
    mug = stored(sessions)["MUG-1"]
    assert (mug.name, mug.price, mug.description) == ("Coffee mug", Decimal("12.50"), "A **white** mug. - 300 ml")


def test_formula_like_cells_are_exported_as_text_and_imported_back_as_written(sessions, folder):
    with session_scope(sessions) as session:
        session.add_all([
            Product(sku="-MUG-1", name='=HYPERLINK("http://evil.example","Mug")', category="@Homeware",
                    price=Decimal("12.50"), description="+1 555 0100 engraves it.", sizes=["-", "S"],
                    stock={"-": 2, "S": 0}, photos=[]),
            Product(sku="TEE-1", name="'Tis the tee", category="Shirts", price=Decimal("0.00"), description="",
                    sizes=[], stock={}, photos=[]),
        ])
    out = io.StringIO()
    with session_scope(sessions) as session:
        export_products_csv(session=session, stream=out)
        session.execute(delete(Product))
    assert list(csv.reader(io.StringIO(out.getvalue())))[1:] == [
        ["'-MUG-1", '\'=HYPERLINK("http://evil.example","Mug")', "'@Homeware", "12.50", "'+1 555 0100 engraves it.",
         "'-|S", "'-:2|S:0"],
        ["TEE-1", "'Tis the tee", "Shirts", "0.00", "", "", ""],
    ]
    assert run_import(sessions, folder, out.getvalue()).added == 2
    products = stored(sessions)
    mug, tee = products["-MUG-1"], products["TEE-1"]
    assert (mug.name, mug.category, mug.price, mug.description, mug.sizes, mug.stock) == (
        '=HYPERLINK("http://evil.example","Mug")', "@Homeware", Decimal("12.50"), "+1 555 0100 engraves it.",
        ["-", "S"], {"-": 2, "S": 0})
    assert (tee.name, tee.price) == ("'Tis the tee", Decimal("0.00"))
