"""Dense search in SQL with pgvector, used where revision 0005 could create the extension.

Every ``faq_embeddings`` row gets a twin row in ``faq_vectors`` whose ``embedding`` column is a pgvector
``vector``; an HNSW index (cosine distance) over ``embedding::vector(dim)`` is made for the encoder's
dimension the first time it is searched. The nearest wordings come from the index; an entry's score is its
best wording's cosine similarity, as in the in-process path.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

VECTOR_TABLE = "faq_vectors"
WORDINGS_PER_ENTRY = 4
"""Nearest wordings fetched per wanted entry (entries have a question and a few alternates)."""


def pgvector_ready(session: Session) -> bool:
    """True on PostgreSQL when the extension and ``faq_vectors`` exist (revision 0005 succeeded)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return inspect(session.connection()).has_table(VECTOR_TABLE)


def vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{float(x):.8g}" for x in np.asarray(vector, dtype=np.float32)) + "]"


class PgVectorSearch:
    """Keeps ``faq_vectors`` in step with ``faq_embeddings`` and answers nearest-entry queries."""

    def __init__(self, *, model_name: str, dim: int) -> None:
        self.model_name = model_name
        self.dim = int(dim)
        self._index_made = False

    def copy_new_vectors(self, session: Session) -> int:
        """Write the twin of every stored vector that has none yet; returns how many were missing (another
        process copying the same vectors at the same time is no error)."""
        rows = session.execute(
            text(
                f"SELECT e.id, e.vector FROM faq_embeddings e LEFT JOIN {VECTOR_TABLE} v "
                "ON v.embedding_id = e.id WHERE v.embedding_id IS NULL AND e.model_name = :model ORDER BY e.id"
            ),
            {"model": self.model_name},
        ).all()
        if rows:
            session.execute(
                text(
                    f"INSERT INTO {VECTOR_TABLE} (embedding_id, dim, embedding) "
                    "VALUES (:id, :dim, CAST(:embedding AS vector)) ON CONFLICT (embedding_id) DO NOTHING"
                ),
                [
                    {"id": row[0], "dim": self.dim,
                     "embedding": vector_literal(np.frombuffer(row[1], dtype=np.float32))}
                    for row in rows
                ],
            )
        self._ensure_index(session)
        return len(rows)

    def _ensure_index(self, session: Session) -> None:
        if self._index_made:
            return
        session.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS ix_{VECTOR_TABLE}_hnsw_{self.dim} ON {VECTOR_TABLE} "
                f"USING hnsw ((embedding::vector({self.dim})) vector_cosine_ops) WHERE dim = {self.dim}"
            )
        )
        self._index_made = True

    def similarities(
        self, session: Session, query_vector: np.ndarray, *, intent_id: int | None, top: int,
        also: Iterable[int] = (),
    ) -> dict[int, float]:
        distance = f"v.embedding::vector({self.dim}) <=> CAST(:query AS vector({self.dim}))"
        intent_filter = "AND f.intent_id = :intent_id" if intent_id is not None else ""
        source = (
            f"FROM {VECTOR_TABLE} v JOIN faq_embeddings e ON e.id = v.embedding_id "
            "JOIN faq_entries f ON f.id = e.faq_id "
            f"WHERE v.dim = {self.dim} AND e.model_name = :model AND f.active {intent_filter}"
        )
        params = {"query": vector_literal(query_vector), "model": self.model_name, "intent_id": intent_id,
                  "rows": top * WORDINGS_PER_ENTRY, "also": list(also)}
        session.execute(text(f"SET LOCAL hnsw.ef_search = {max(40, min(1000, top * WORDINGS_PER_ENTRY))}"))
        nearest = session.execute(
            text(f"SELECT e.faq_id, 1 - ({distance}) {source} ORDER BY {distance} LIMIT :rows"), params
        ).all()
        scores: dict[int, float] = {}
        for faq_id, similarity in nearest:  # nearest first, so an entry's first row is its best wording
            if faq_id not in scores and len(scores) < top:
                scores[faq_id] = float(similarity)
        if params["also"]:
            exact = session.execute(
                text(f"SELECT e.faq_id, max(1 - ({distance})) {source} AND e.faq_id = ANY(:also) "
                     "GROUP BY e.faq_id"),
                params,
            ).all()
            scores.update({faq_id: float(similarity) for faq_id, similarity in exact})
        return scores
