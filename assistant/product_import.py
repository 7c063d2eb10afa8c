"""`assistant products import FILE.csv`: a store's own catalogue, with photos for product photo search.

Columns ``sku,name,category,price`` are required; ``description``, ``sizes`` (``S|M|L``), ``stock``
(``S:3|M:0|L:5``) and ``photos`` (image files, ``|``-separated, in the CSV's folder) are optional. The
import is all-or-nothing: every row and every photo is checked first, then photos are stored as PNG under
``<data dir>/products/`` and the products added, or updated where the SKU exists already (a column left
out of the file leaves that part of the product as it is). The caller embeds the new photos.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import ImageError, UserInputError
from assistant.images import ImageLimits, load_image, store_png
from knowledge_base.csv_formulas import unescape_formulas
from knowledge_base.csv_table import CsvRow, check_rows, read_table_file
from knowledge_base.html_text import html_to_markdown, looks_like_html
from knowledge_base.models import Product
from knowledge_base.seed import PRODUCT_PHOTO_DIR
from knowledge_base.text_input import require_printable

COLUMNS = ("sku", "name", "category", "price", "description", "sizes", "stock", "photos")
REQUIRED = ("sku", "name", "category", "price")
ALIASES = {
    "sku": ("product_code", "item_code", "article_number", "variant_sku"),
    "name": ("title", "product_name", "product"),
    "category": ("product_type", "product_category"),
    "price": ("regular_price", "variant_price", "retail_price", "unit_price"),
    "description": ("body_html", "body_(html)", "product_description"),
}
"""Other names of the columns in shop systems' exports (Shopify, WooCommerce, ...)."""
SEPARATOR = "|"
LENGTHS = {"sku": 64, "name": 200, "category": 64}
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+|\d{1,3}(\.\d{3})+")
"""Groups of three digits after a comma or a dot, and no decimals: 1,299 and 2.499 are thousands."""
_CURRENCY = re.compile(r"^[€$£]|\s*(EUR|USD|GBP|[€$£])$", re.IGNORECASE)


@dataclass
class ProductImport:
    added: int = 0
    updated: int = 0
    photos: int = 0
    note: str = ""
    """How the file was read, when that is worth saying (its encoding)."""

    def summary(self) -> str:
        return f"{self.added + self.updated} products: {self.added} added, {self.updated} updated, {self.photos} photos{self.note}"


@dataclass
class _Checked:
    fields: dict = field(default_factory=dict)
    photos: list[Path] | None = None
    """Checked photo files (decoded again when stored, so a large catalogue is not held in memory)."""


def import_products(*, session: Session, path: Path, data_dir: Path, limits: ImageLimits) -> ProductImport:
    table, note = read_table_file(path, required=REQUIRED, expected=COLUMNS, what="product", aliases=ALIASES)
    table = unescape_formulas(table)
    seen: dict[str, int] = {}
    checked = check_rows(table, lambda row: _check(row, seen, path.parent, limits))
    report = ProductImport(note=note)
    with session.begin_nested():
        for item in checked:
            _write(session, item, data_dir, limits, report)
    return report


def _check(row: CsvRow, seen: dict[str, int], folder: Path, limits: ImageLimits) -> _Checked:
    cells = row.cells
    fields = {name: _text(cells, name) for name in ("sku", "name", "category")}
    if fields["sku"] in seen:
        raise UserInputError(f"the same SKU as row {seen[fields['sku']]}")
    seen[fields["sku"]] = row.number
    fields["price"] = _price(cells["price"])
    if "description" in cells:
        fields["description"] = require_printable(_plain_text(cells["description"]), "description")
    if "sizes" in cells:
        fields["sizes"] = _items(cells["sizes"])
    if "stock" in cells:
        fields["stock"] = _stock(cells["stock"], fields.get("sizes"))
    photos = [_photo(name, folder, limits) for name in _items(cells["photos"])] if "photos" in cells else None
    return _Checked(fields, photos)


def _plain_text(cell: str) -> str:
    """A description as written; one written in HTML (a shop system's export) as one paragraph of text."""
    return " ".join(html_to_markdown(cell).split()) if looks_like_html(cell) else cell.strip()


def _text(cells: dict[str, str], name: str) -> str:
    value = " ".join(cells.get(name, "").split())
    if not value:
        raise UserInputError(f"the {name} is empty")
    if len(value) > LENGTHS[name]:
        raise UserInputError(f"the {name} is {len(value)} characters long; at most {LENGTHS[name]}")
    return require_printable(value, name)


def _price(cell: str) -> Decimal:
    """19.99, 19,99, €19.99, 1,299.00 EUR, 1.299,00 €, 1 299,00, 2.499 (thousands) -> a Decimal."""
    text = re.sub(r"[\s\u00a0\u202f']", "", _CURRENCY.sub("", cell.strip()))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif _THOUSANDS.fullmatch(text):
        text = re.sub(r"[.,]", "", text)
    else:
        text = text.replace(",", ".")
    try:
        price = Decimal(text) if re.fullmatch(r"\d+(\.\d{1,2})?", text) else None
    except InvalidOperation:
        price = None
    if price is None or price >= Decimal("100000000"):
        raise UserInputError(f"the price {cell.strip()!r} is not an amount like 19.99")
    return price.quantize(Decimal("0.01"))


def _items(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


def _stock(cell: str, sizes: list[str] | None) -> dict[str, int]:
    stock: dict[str, int] = {}
    for part in _items(cell):
        size, _, count = part.rpartition(":")
        if not size.strip() or not re.fullmatch(r"[0-9]+", count.strip()):
            raise UserInputError(f"stock {part!r} is not SIZE:COUNT, as in S:3|M:0")
        if sizes is not None and size.strip() not in sizes:
            raise UserInputError(f"stock names the size {size.strip()!r}, which is not among the sizes")
        stock[size.strip()] = int(count)
    return stock


def _photo(name: str, folder: Path, limits: ImageLimits) -> Path:
    """The checked photo's path; photos are read from the CSV's folder (or below it) only."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise UserInputError(f"the photo {name!r} is outside the CSV file's folder; put the photos beside it")
    if not path.is_file():
        raise UserInputError(f"the photo {name!r} is not in the CSV file's folder")
    _load(path, name, limits)
    return path


def _load(path: Path, name: str, limits: ImageLimits) -> Image.Image:
    try:
        return load_image(path, max_pixels=limits.max_pixels, max_bytes=limits.max_bytes)
    except ImageError as error:
        raise UserInputError(f"the photo {name!r} cannot be used: {error}") from error


def _write(session: Session, item: _Checked, data_dir: Path, limits: ImageLimits, report: ProductImport) -> None:
    product = session.scalar(select(Product).where(Product.sku == item.fields["sku"]))
    if product is None:
        product = Product(sku=item.fields["sku"], description="", sizes=[], stock={}, photos=[])
        session.add(product)
        report.added += 1
    else:
        report.updated += 1
    for name, value in item.fields.items():
        setattr(product, name, value)
    if item.photos is not None:
        folder = data_dir / PRODUCT_PHOTO_DIR
        stored = [store_png(_load(photo, photo.name, limits), folder) for photo in item.photos]
        product.photos = [(Path(PRODUCT_PHOTO_DIR) / path.name).as_posix() for path in stored]
        report.photos += len(item.photos)
    session.flush()
