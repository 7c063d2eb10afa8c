"""Products and orders: tables with search; imports (a product CSV together with its photos, an orders CSV),
exports and removals that work as the `assistant products ...` and `assistant orders ...` commands do."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import gradio as gr
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from assistant.catalogue_admin import (
    export_orders_csv,
    export_products_csv,
    remove_orders,
    remove_products,
    split_names,
    split_skus,
)
from assistant.errors import UserInputError
from assistant.images import image_limits
from assistant.order_import import import_orders
from assistant.orders import order_number_format
from assistant.product_import import import_products
from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.catalogue import search_orders, search_products
from ui.console.common import attempt, exports_folder, short, write_export

TABLE_SUFFIXES = (".csv", ".xlsx")
PRODUCT_COLUMNS = ["sku", "name", "category", "price", "sizes", "in stock", "photos", "description"]
ORDER_COLUMNS = ["order", "placed", "customer", "email", "status", "carrier", "tracking", "country",
                 "items", "total"]


def products_frame(sessions: sessionmaker[Session], search: str = "") -> pd.DataFrame:
    with session_scope(sessions) as session:
        rows = [
            [p.sku, p.name, p.category, f"{p.price:.2f}", ", ".join(p.sizes or []),
             sum((p.stock or {}).values()), len(p.photos or []), short(p.description, 100)]
            for p in search_products(session=session, contains=search)
        ]
    return pd.DataFrame(rows, columns=PRODUCT_COLUMNS)


def orders_frame(sessions: sessionmaker[Session], search: str = "") -> pd.DataFrame:
    with session_scope(sessions) as session:
        rows = [
            [o.order_number, o.placed_at.strftime("%Y-%m-%d"), o.customer_name, o.customer_email, o.status,
             o.carrier or "", o.tracking_number or "", o.shipping_country,
             ", ".join(f"{i.quantity}× {i.sku} ({i.size})" for i in o.items),
             f"{sum(i.quantity * i.unit_price for i in o.items):.2f}" if o.items else ""]
            for o in search_orders(session=session, contains=search)
        ]
    return pd.DataFrame(rows, columns=ORDER_COLUMNS)


def import_product_files(runtime: Runtime, paths: list[str] | None) -> str:
    """One CSV and the photos it names, uploaded together: the photos are found by their file names."""

    def work() -> str:
        files = [Path(p) for p in paths or []]
        tables = [f for f in files if f.suffix.lower() in TABLE_SUFFIXES]
        if len(tables) != 1:
            raise UserInputError("Choose one CSV or Excel file of products, and the photos it names, to import together.")
        with tempfile.TemporaryDirectory() as folder:
            for file in files:
                shutil.copyfile(file, Path(folder) / file.name)
            settings = runtime.settings
            with session_scope(runtime.sessions) as session:
                report = import_products(session=session, path=Path(folder) / tables[0].name,
                                         data_dir=settings.data_dir, limits=image_limits(settings))
                embedded = runtime.product_index.sync(session)
        return f"Imported {report.summary()}; {embedded} photos embedded for photo search."

    return attempt(work)


def import_order_file(runtime: Runtime, path: str | None) -> str:
    def work() -> str:
        if not path:
            raise UserInputError("Choose a CSV or Excel file of orders to import first.")
        settings = runtime.settings
        number_format = order_number_format(settings)
        with session_scope(runtime.sessions) as session:
            report = import_orders(session=session, path=Path(path), number_format=number_format)
        return f"Imported {report.summary()}."

    return attempt(work)


def remove_product_skus(runtime: Runtime, text: str | None) -> str:
    def work() -> str:
        with session_scope(runtime.sessions) as session:
            skus = split_skus(text or "", session=session)
        removal = remove_products(sessions=runtime.sessions, skus=skus, data_dir=runtime.settings.data_dir)
        return _sentence(removal.summary("products"))

    return attempt(work)


def remove_order_numbers(sessions: sessionmaker[Session], text: str | None) -> str:
    def work() -> str:
        with session_scope(sessions) as session:
            removal = remove_orders(session=session, numbers=split_names(text or ""))
        return _sentence(removal.summary("orders"))

    return attempt(work)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def export_file(runtime: Runtime, write, name: str) -> str:
    """Writes an export for download into the data folder's exports; returns its path."""
    return str(write_export(runtime.sessions, write, exports_folder(runtime.settings.data_dir) / name))


def build_catalogue_tab(runtime: Runtime) -> None:
    sessions = runtime.sessions
    with gr.Tabs():
        with gr.Tab("Products"):
            product_search = gr.Textbox(label="Search SKU, name, category or description", elem_id="product-search")
            products = gr.Dataframe(lambda: products_frame(sessions), interactive=False, wrap=True, max_height=500,
                                    elem_id="products-table")
            product_search.submit(lambda text: products_frame(sessions, text or ""), [product_search], products)
            with gr.Accordion("Import products", open=False):
                gr.Markdown("Columns `sku,name,category,price,description,sizes,stock,photos` (sizes `S|M`, "
                            "stock `S:3|M:0`, photo file names separated by `|`). Choose the CSV (or Excel workbook) and its photos "
                            "together. All rows are imported, or none when any row is wrong.")
                product_files = gr.File(label="CSV and photos", file_count="multiple", type="filepath",
                                        elem_id="product-upload")
                product_import = gr.Button("Import")
                product_status = gr.Markdown(elem_id="product-import-status")
            with gr.Accordion("Export and remove products", open=False):
                product_export = gr.Button("Export all products (CSV, photos left out)")
                product_download = gr.File(label="Export", interactive=False, elem_id="product-download")
                product_skus = gr.Textbox(label="SKUs to remove, separated by commas or spaces",
                                          elem_id="product-remove")
                product_remove = gr.Button("Remove these products", variant="stop")
                product_removed = gr.Markdown(elem_id="product-remove-status")
            product_import.click(
                lambda files, text: (import_product_files(runtime, files), products_frame(sessions, text or "")),
                [product_files, product_search], [product_status, products])
            product_export.click(lambda: export_file(runtime, export_products_csv, "products.csv"),
                                 None, product_download)
            product_remove.click(
                lambda skus, text: (remove_product_skus(runtime, skus), products_frame(sessions, text or "")),
                [product_skus, product_search], [product_removed, products])
        with gr.Tab("Orders"):
            order_search = gr.Textbox(label="Search order number, customer, email, status or tracking number",
                                      elem_id="order-search")
            orders = gr.Dataframe(lambda: orders_frame(sessions), interactive=False, wrap=True, max_height=500,
                                  elem_id="orders-table")
            order_search.submit(lambda text: orders_frame(sessions, text or ""), [order_search], orders)
            with gr.Accordion("Import orders", open=False):
                gr.Markdown("Columns `order_number,customer_email,status,placed_at` and optionally "
                            "`customer_name,carrier,tracking_number,shipping_country,shipped_at,delivered_at,"
                            "estimated_delivery`; dates as 2026-11-20.")
                order_file = gr.File(label="CSV or Excel file to import", file_types=list(TABLE_SUFFIXES), type="filepath",
                                     elem_id="order-upload")
                order_import = gr.Button("Import")
                order_status = gr.Markdown(elem_id="order-import-status")
            with gr.Accordion("Export and remove orders", open=False):
                order_export = gr.Button("Export all orders (CSV)")
                order_download = gr.File(label="Export", interactive=False, elem_id="order-download")
                order_numbers = gr.Textbox(label="Order numbers to remove, separated by commas or spaces",
                                           elem_id="order-remove")
                order_remove = gr.Button("Remove these orders", variant="stop")
                order_removed = gr.Markdown(elem_id="order-remove-status")
            order_import.click(
                lambda path, text: (import_order_file(runtime, path), orders_frame(sessions, text or "")),
                [order_file, order_search], [order_status, orders])
            order_export.click(lambda: export_file(runtime, export_orders_csv, "orders.csv"), None, order_download)
            order_remove.click(
                lambda numbers, text: (remove_order_numbers(sessions, numbers), orders_frame(sessions, text or "")),
                [order_numbers, order_search], [order_removed, orders])
