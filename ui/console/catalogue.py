"""Products and orders: read-only tables with search."""

from __future__ import annotations

import gradio as gr
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.catalogue import search_orders, search_products
from ui.console.common import short

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
             f"{sum(i.quantity * i.unit_price for i in o.items):.2f}"]
            for o in search_orders(session=session, contains=search)
        ]
    return pd.DataFrame(rows, columns=ORDER_COLUMNS)


def build_catalogue_tab(runtime: Runtime) -> None:
    sessions = runtime.sessions
    with gr.Tabs():
        with gr.Tab("Products"):
            product_search = gr.Textbox(label="Search SKU, name, category or description", elem_id="product-search")
            products = gr.Dataframe(lambda: products_frame(sessions), interactive=False, wrap=True, max_height=500)
            product_search.submit(lambda text: products_frame(sessions, text or ""), [product_search], products)
        with gr.Tab("Orders"):
            order_search = gr.Textbox(label="Search order number, customer, email, status or tracking number",
                                      elem_id="order-search")
            orders = gr.Dataframe(lambda: orders_frame(sessions), interactive=False, wrap=True, max_height=500)
            order_search.submit(lambda text: orders_frame(sessions, text or ""), [order_search], orders)
