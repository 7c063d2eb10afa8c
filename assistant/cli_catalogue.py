"""`assistant products ...` and `assistant orders ...`: list, search, import, export and remove."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_common import export_to, print_json, reports_errors, start_runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.catalogue import search_orders, search_products

products_app = typer.Typer(help="Catalogue products.", no_args_is_help=True)
orders_app = typer.Typer(help="The store's orders.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
Contains = Annotated[str, typer.Option(help="Only those that contain this text.")]
ExportFile = Annotated[Path | None, typer.Argument(help="File to write; stdout if left out.")]


def product_json(product) -> dict:
    return {"product_id": product.id, "sku": product.sku, "name": product.name, "category": product.category,
            "price": float(product.price), "description": product.description, "sizes": list(product.sizes or []),
            "stock": dict(product.stock or {}), "photos": list(product.photos or [])}


def order_json(order) -> dict:
    moments = {name: getattr(order, name) for name in ("placed_at", "shipped_at", "delivered_at", "estimated_delivery")}
    return {"order_number": order.order_number, "customer_email": order.customer_email,
            "customer_name": order.customer_name, "status": order.status, "carrier": order.carrier,
            "tracking_number": order.tracking_number, "shipping_country": order.shipping_country,
            **{name: value.isoformat() if value else None for name, value in moments.items()},
            "items": [{"sku": i.sku, "size": i.size, "quantity": i.quantity, "unit_price": float(i.unit_price)}
                      for i in order.items]}


@products_app.command("list")
@reports_errors
def products_list(contains: Contains = "", json_output: JsonFlag = False) -> None:
    """List the catalogue by SKU."""
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        products = [product_json(p) for p in search_products(session=session, contains=contains, limit=None)]
    if json_output:
        print_json(products)
        return
    currency = runtime.settings.currency
    for p in products:
        typer.echo(f"{p['sku']:<16} {p['name']} ({p['category']}, {currency} {p['price']:.2f}, "
                   f"{len(p['photos'])} photos)")


@products_app.command("search")
@reports_errors
def products_search(
    image: Annotated[Path, typer.Option(help="A photo of the item.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50)] = 5,
    json_output: JsonFlag = False,
) -> None:
    """Find the catalogue products that look most like a photo."""
    from assistant.products import product_hit_json

    runtime = start_runtime()
    embedder = runtime.product_index.embedder
    vector = embedder.embed_photos([image])[0]
    with session_scope(runtime.sessions) as session:
        hits = [product_hit_json(h) for h in runtime.product_index.search(session, vector, k=k)]
    if json_output:
        print_json({"hits": hits})
        return
    for rank, hit in enumerate(hits, start=1):
        price = f"{runtime.settings.currency} {hit['price']:.2f}"
        typer.echo(f"{rank}. [{hit['score']:.3f}] {hit['sku']} {hit['name']} ({hit['category']}, {price})")


@products_app.command("import")
@reports_errors
def products_import(path: Path) -> None:
    """Import a CSV (sku,name,category,price[,description,sizes,stock,photos]); all rows or none."""
    from assistant.images import image_limits
    from assistant.product_import import import_products

    runtime = start_runtime()
    settings = runtime.settings
    with session_scope(runtime.sessions) as session:
        report = import_products(session=session, path=path, data_dir=settings.data_dir, limits=image_limits(settings))
        embedded = runtime.product_index.sync(session)
    typer.echo(f"imported {report.summary()}; {embedded} photos embedded for photo search")


@products_app.command("export")
@reports_errors
def products_export(path: ExportFile = None) -> None:
    """Export the catalogue as CSV in the import's columns, photos left out (a re-import keeps them)."""
    from assistant.catalogue_admin import export_products_csv

    export_to(path, export_products_csv, "products")


@products_app.command("delete")
@reports_errors
def products_delete(skus: Annotated[list[str], typer.Argument(help="SKUs of the products to remove.")]) -> None:
    """Remove products (all named, or none when one is unknown), their photo vectors and unused photos."""
    from assistant.catalogue_admin import remove_products

    runtime = start_runtime()
    removal = remove_products(sessions=runtime.sessions, skus=skus, data_dir=runtime.settings.data_dir)
    typer.echo(removal.summary("products"))


@orders_app.command("list")
@reports_errors
def orders_list(contains: Contains = "", json_output: JsonFlag = False) -> None:
    """List orders, newest first."""
    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        orders = [order_json(o) for o in search_orders(session=session, contains=contains, limit=None)]
    if json_output:
        print_json(orders)
        return
    for o in orders:
        typer.echo(f"{o['order_number']:<14} {o['placed_at'][:10]}  {o['status']:<17} {o['customer_email']}")


@orders_app.command("import")
@reports_errors
def orders_import(path: Path) -> None:
    """Import a CSV (order_number,customer_email,status,placed_at[,...]); all rows or none."""
    from assistant.order_import import import_orders
    from assistant.orders import order_number_format

    runtime = start_runtime()
    number_format = order_number_format(runtime.settings)
    with session_scope(runtime.sessions) as session:
        report = import_orders(session=session, path=path, number_format=number_format)
    typer.echo(f"imported {report.summary()}")


@orders_app.command("export")
@reports_errors
def orders_export(path: ExportFile = None) -> None:
    """Export every order as CSV in the import's columns."""
    from assistant.catalogue_admin import export_orders_csv

    export_to(path, export_orders_csv, "orders")


@orders_app.command("delete")
@reports_errors
def orders_delete(numbers: Annotated[list[str], typer.Argument(help="Order numbers to remove.")]) -> None:
    """Remove orders and their lines (all named, or none when one is unknown)."""
    from assistant.catalogue_admin import remove_orders

    runtime = start_runtime()
    with session_scope(runtime.sessions) as session:
        removal = remove_orders(session=session, numbers=numbers)
    typer.echo(removal.summary("orders"))
