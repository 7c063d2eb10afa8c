from __future__ import annotations

from sqlalchemy import func, select

from knowledge_base.db import session_scope
from knowledge_base.models import Product, ProductEmbedding
from knowledge_base.product_index import ProductImageIndex
from knowledge_base.seed import seed_demo_store
from tests.fakes import ThumbnailPhotoEmbedder


def test_photos_are_embedded_once_and_a_catalogue_photo_finds_its_product(sessions, tmp_path):
    embedder = ThumbnailPhotoEmbedder()
    index = ProductImageIndex(embedder, tmp_path)
    with session_scope(sessions) as session:
        seed_demo_store(session=session, data_dir=tmp_path)
        photos = sum(len(p.photos) for p in session.scalars(select(Product)))
        assert index.sync(session) == photos
        assert index.sync(session) == 0
    with session_scope(sessions) as session:
        product = session.scalar(select(Product).where(Product.sku == "FG-SN-002"))
        query = embedder.embed_photos([tmp_path / product.photos[0]])[0]
        hits = index.search(session, query, k=3)
    assert hits[0].sku == "FG-SN-002"
    assert abs(hits[0].score - 1.0) < 1e-5
    assert len({h.product_id for h in hits}) == 3


def test_removed_photo_loses_its_vector_and_new_product_is_embedded(sessions, tmp_path):
    embedder = ThumbnailPhotoEmbedder()
    index = ProductImageIndex(embedder, tmp_path)
    with session_scope(sessions) as session:
        seed_demo_store(session=session, data_dir=tmp_path)
        index.sync(session)
        product = session.scalar(select(Product).where(Product.sku == "FG-BG-001"))
        copy = Product(sku="FG-BG-999", name="Copy bag", category="Bag", price=10, sizes=["One size"],
                       stock={"One size": 1}, photos=list(product.photos))
        session.add(copy)
        product.photos = []
        session.flush()
        assert index.sync(session) == len(copy.photos)
        owners = session.scalars(
            select(ProductEmbedding.product_id).where(ProductEmbedding.photo.in_(copy.photos))
        ).all()
        assert set(owners) == {copy.id} and len(owners) == len(copy.photos)
        photos = sum(len(p.photos) for p in session.scalars(select(Product)))
        assert session.scalar(select(func.count(ProductEmbedding.id))) == photos


def test_a_catalogue_photo_that_cannot_be_read_is_left_out_and_the_others_are_searched(sessions, tmp_path, caplog):
    embedder = ThumbnailPhotoEmbedder()
    index = ProductImageIndex(embedder, tmp_path)
    with session_scope(sessions) as session:
        seed_demo_store(session=session, data_dir=tmp_path)
        product = session.scalar(select(Product).where(Product.sku == "FG-SN-002"))
        gone = product.photos[0]
        (tmp_path / gone).unlink()  # deleted by hand, or with its product by another process
        photos = sum(len(p.photos) for p in session.scalars(select(Product)))
        assert index.sync(session) == photos - 1
        assert f"Photo {gone} of product {product.id} is left out of photo search" in caplog.text
        other = session.scalar(select(Product).where(Product.sku == "FG-BG-001"))
        hits = index.search(session, embedder.embed_photos([tmp_path / other.photos[0]])[0], k=3)
    assert hits[0].sku == "FG-BG-001"
