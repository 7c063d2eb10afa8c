"""Image vectors of every product photo, stored in SQL and searched in memory by cosine similarity.

Photos are embedded when a product is added (``sync``) and any photo still missing a vector for the active
encoder is embedded before the next search. A photo's similarity to the query is the mean of the plain
cosine and the cosine in the catalogue's category-discriminant space (see ``discriminant``); a product's
score is its best photo's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from knowledge_base.db import may_write_vectors
from knowledge_base.discriminant import fit_discriminant, project
from knowledge_base.errors import UserInputError
from knowledge_base.models import Product, ProductEmbedding

log = logging.getLogger(__name__)


class PhotoEmbedder(Protocol):
    """Turns image files into L2-normalised float32 vectors of shape (len(paths), dim)."""

    name: str
    dim: int

    def embed_photos(self, paths: Sequence[Path]) -> np.ndarray: ...


@dataclass(frozen=True)
class ProductHit:
    product_id: int
    sku: str
    name: str
    category: str
    score: float
    price: Decimal
    photo: str
    """The photo that matched best (relative to the data folder)."""


@dataclass(frozen=True)
class _Matrix:
    fingerprint: tuple | None  # None: loaded while another transaction wrote vectors; load again
    vectors: np.ndarray
    product_ids: np.ndarray
    photos: list[str]
    projection: np.ndarray | None
    projected: np.ndarray | None


class ProductImageIndex:
    def __init__(
        self, embedder: PhotoEmbedder, data_dir: Path, *, batch_size: int = 32, discriminant: bool = True
    ) -> None:
        self.embedder = embedder
        self.discriminant = discriminant
        self.data_dir = data_dir
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._matrix: _Matrix | None = None

    def sync(self, session: Session) -> int:
        """Embed every product photo that has no vector from this encoder; returns how many (0 while another
        transaction is writing vectors, see ``may_write_vectors``)."""
        return self._sync(session) or 0

    def _sync(self, session: Session) -> int | None:
        """As ``sync``; None when the photos were left to another transaction, which may yet roll back: the
        caller then looks again at its next search."""
        stale, missing = self._changes(session)
        if not (stale or missing):
            return 0
        if not may_write_vectors(session):
            return None
        stale, missing = self._changes(session)  # without what another process wrote before the lock was taken
        self._drop_stale(session, stale)
        embedded = sum(
            self._embed(session, missing[start : start + self.batch_size])
            for start in range(0, len(missing), self.batch_size)
        )
        session.flush()
        return embedded

    def _changes(self, session: Session) -> tuple[set[tuple[int, str]], list[tuple[int, str]]]:
        """Vectors of photos no product has any more, and photos without a vector."""
        done = set(
            session.execute(
                select(ProductEmbedding.product_id, ProductEmbedding.photo).where(
                    ProductEmbedding.encoder_name == self.embedder.name
                )
            ).all()
        )
        products = list(session.scalars(select(Product).order_by(Product.id)))
        wanted = {(p.id, photo) for p in products for photo in p.photos or []}
        return done - wanted, sorted(wanted - done)

    def _drop_stale(self, session: Session, stale: set[tuple[int, str]]) -> None:
        for product_id, photo in stale:
            session.execute(
                delete(ProductEmbedding).where(
                    ProductEmbedding.product_id == product_id,
                    ProductEmbedding.photo == photo,
                    ProductEmbedding.encoder_name == self.embedder.name,
                )
            )

    def _embed(self, session: Session, batch: list[tuple[int, str]]) -> int:
        try:
            vectors = list(self.embedder.embed_photos([self.data_dir / photo for _, photo in batch]))
        except (UserInputError, OSError):
            batch, vectors = self._readable_photos(batch)
        session.add_all(
            ProductEmbedding(
                product_id=product_id,
                photo=photo,
                encoder_name=self.embedder.name,
                dim=int(vector.shape[0]),
                vector=np.asarray(vector, dtype=np.float32).tobytes(),
            )
            for (product_id, photo), vector in zip(batch, vectors, strict=True)
        )
        return len(batch)

    def _readable_photos(self, batch: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[np.ndarray]]:
        """The batch's photos one by one, leaving out any that cannot be read (a file deleted by hand, or
        with its product by another process meanwhile): one such file must not stop every photo search."""
        kept, vectors = [], []
        for product_id, photo in batch:
            try:
                vectors.append(self.embedder.embed_photos([self.data_dir / photo])[0])
            except (UserInputError, OSError) as error:
                log.warning("Photo %s of product %s is left out of photo search: %s", photo, product_id, error)
                continue
            kept.append((product_id, photo))
        return kept, vectors

    def search(self, session: Session, vector: np.ndarray, *, k: int = 5) -> list[ProductHit]:
        matrix = self._current(session)
        if not len(matrix.product_ids):
            return []
        query = np.asarray(vector, dtype=np.float32)
        scores = matrix.vectors @ query
        if matrix.projection is not None:
            scores = (scores + matrix.projected @ project(query, matrix.projection)) / 2.0
        best: dict[int, tuple[float, str]] = {}
        for row in np.argsort(-scores):
            product_id = int(matrix.product_ids[row])
            best.setdefault(product_id, (float(scores[row]), matrix.photos[row]))
            if len(best) == k:
                break
        products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(best)))}
        return [
            ProductHit(pid, products[pid].sku, products[pid].name, products[pid].category,
                       round(score, 6), products[pid].price, photo)
            for pid, (score, photo) in best.items()
            if pid in products  # removed since the vectors were loaded
        ]

    def _current(self, session: Session) -> _Matrix:
        with self._lock:
            fingerprint = self._fingerprint(session)
            if self._matrix is None or self._matrix.fingerprint != fingerprint:
                written = self._sync(session)
                if written:
                    fingerprint = self._fingerprint(session)
                self._matrix = self._load(session, None if written is None else fingerprint)
            return self._matrix

    def _fingerprint(self, session: Session) -> tuple:
        products = session.execute(select(func.count(Product.id), func.max(Product.id))).one()
        vectors = session.execute(
            select(func.count(ProductEmbedding.id), func.max(ProductEmbedding.id)).where(
                ProductEmbedding.encoder_name == self.embedder.name
            )
        ).one()
        return (*products, *vectors)

    def _load(self, session: Session, fingerprint: tuple | None) -> _Matrix:
        rows = session.execute(
            select(ProductEmbedding.product_id, ProductEmbedding.photo, ProductEmbedding.vector, Product.category)
            .join(Product, Product.id == ProductEmbedding.product_id)
            .where(ProductEmbedding.encoder_name == self.embedder.name)
            .order_by(ProductEmbedding.id)
        ).all()
        dim = self.embedder.dim
        vectors = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), dim)
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        fit = self.discriminant and len(rows) > 0
        projection = fit_discriminant(vectors, [r[3] for r in rows]) if fit else None
        projected = project(vectors, projection) if projection is not None else None
        return _Matrix(fingerprint, vectors, ids, [r[1] for r in rows], projection, projected)
