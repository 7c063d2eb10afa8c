"""Dense vectors of every FAQ wording, stored in SQL and searched in memory (or by pgvector in SQL).

Each entry's question and alternates are embedded separately (an entry's dense score is its best wording's
cosine similarity). Vectors are stored with the embedding model's name and the entry's ``updated_at`` at
embedding time, so an edited entry is re-embedded before the next search, whichever process edited it.
The in-memory matrix is reloaded whenever the FAQ table's fingerprint changes, so an entry that another
process added, edited, deactivated or deleted counts from the next search on. Where the PostgreSQL server
had pgvector when the schema was made (revision 0005), the search itself runs in SQL over an HNSW index.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from knowledge_base.db import may_write_vectors
from knowledge_base.models import FaqEmbedding, FaqEntry, utcnow
from knowledge_base.pgvector import PgVectorSearch, pgvector_ready


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape (len(texts), dim)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class _Matrix:
    fingerprint: tuple | None  # None: loaded while another transaction wrote vectors; load again
    vectors: np.ndarray  # (rows, dim), rows grouped by entry
    faq_ids: np.ndarray  # (entries,) the entry of each group
    intent_ids: np.ndarray  # (entries,)
    group_starts: np.ndarray  # (entries,) first row of each entry's group
    position: dict[int, int]  # faq id -> index into faq_ids


class DenseIndex:
    """Keeps the stored vectors fresh and answers cosine-similarity queries; safe to share across threads."""

    def __init__(self, embedder: Embedder, *, batch_size: int = 64) -> None:
        self.embedder = embedder
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._matrix: _Matrix | None = None
        self._in_sql: PgVectorSearch | None | bool = False  # False: not decided yet
        self._synced_fingerprint: tuple | None = None

    @property
    def model_name(self) -> str:
        return self.embedder.name

    def backend(self, session: Session) -> str:
        """'pgvector-hnsw' where pgvector serves the search, else 'in-process'."""
        return "in-process" if self._sql_search(session) is None else "pgvector-hnsw"

    def _sql_search(self, session: Session) -> PgVectorSearch | None:
        with self._lock:
            if self._in_sql is False:
                ready = pgvector_ready(session)
                self._in_sql = PgVectorSearch(model_name=self.model_name, dim=self.embedder.dim) if ready else None
            return self._in_sql

    def sync(self, session: Session) -> int:
        """(Re-)embed every active entry whose vectors are missing or older than the entry; returns the count
        (0 while another transaction is writing vectors, see ``may_write_vectors``)."""
        return self._sync(session) or 0

    def _sync(self, session: Session) -> int | None:
        """As ``sync``; None when the stale entries were left to another transaction, which may yet roll
        back: the caller then looks again at its next search."""
        stale = self._stale_entries(session)
        if not stale:
            return 0
        if not may_write_vectors(session):
            return None
        stale = self._stale_entries(session)  # without what another process wrote before the lock was taken
        for start in range(0, len(stale), self.batch_size):
            self._embed_entries(session, stale[start : start + self.batch_size])
        if stale:
            session.flush()
        return len(stale)

    def _stale_entries(self, session: Session) -> list[FaqEntry]:
        newest = (
            select(FaqEmbedding.faq_id, func.min(FaqEmbedding.source_updated_at).label("embedded_at"))
            .where(FaqEmbedding.model_name == self.model_name)
            .group_by(FaqEmbedding.faq_id)
            .subquery()
        )
        query = (
            select(FaqEntry)
            .outerjoin(newest, newest.c.faq_id == FaqEntry.id)
            .where(FaqEntry.active.is_(True))
            .where((newest.c.embedded_at.is_(None)) | (newest.c.embedded_at != FaqEntry.updated_at))
            .order_by(FaqEntry.id)
        )
        return list(session.scalars(query).unique())

    def _embed_entries(self, session: Session, entries: list[FaqEntry]) -> None:
        wordings = [(entry, pos, text) for entry in entries for pos, text in _wordings(entry)]
        vectors = self.embedder.embed([text for _, _, text in wordings])
        session.execute(
            delete(FaqEmbedding).where(
                FaqEmbedding.faq_id.in_([e.id for e in entries]),
                FaqEmbedding.model_name == self.model_name,
            )
        )
        session.add_all(
            FaqEmbedding(
                faq_id=entry.id,
                position=pos,
                model_name=self.model_name,
                dim=int(vector.shape[0]),
                vector=np.asarray(vector, dtype=np.float32).tobytes(),
                source_updated_at=entry.updated_at or utcnow(),
            )
            for (entry, pos, _), vector in zip(wordings, vectors, strict=True)
        )

    def similarities(
        self,
        session: Session,
        query_vector: np.ndarray,
        *,
        intent_id: int | None,
        top: int,
        also: Iterable[int] = (),
    ) -> dict[int, float]:
        """Best cosine similarity of the query to each entry's wordings, for the ``top`` entries and for
        the entries in ``also`` (active ones, of ``intent_id`` when it is given)."""
        in_sql = self._sql_search(session)
        if in_sql is not None:
            self._sync_sql(session, in_sql)
            return in_sql.similarities(session, query_vector, intent_id=intent_id, top=top, also=also)
        matrix = self._current_matrix(session)
        if matrix.vectors.shape[0] == 0:
            return {}
        row_scores = matrix.vectors @ np.asarray(query_vector, dtype=np.float32)
        scores = np.maximum.reduceat(row_scores, matrix.group_starts)
        if intent_id is not None:
            scores = np.where(matrix.intent_ids == intent_id, scores, -np.inf)
        count = min(top, scores.shape[0])
        wanted = set(np.argpartition(-scores, count - 1)[:count].tolist())
        wanted.update(matrix.position[i] for i in also if i in matrix.position)
        return {
            int(matrix.faq_ids[i]): float(scores[i]) for i in wanted if np.isfinite(scores[i])
        }

    def _current_matrix(self, session: Session) -> _Matrix:
        fingerprint = self._fingerprint(session)
        with self._lock:
            if self._matrix is not None and self._matrix.fingerprint == fingerprint:
                return self._matrix
            written = self._sync(session)
            if written:
                fingerprint = self._fingerprint(session)
            self._matrix = self._load_matrix(session, None if written is None else fingerprint)
            return self._matrix

    def _sync_sql(self, session: Session, in_sql: PgVectorSearch) -> None:
        fingerprint = self._fingerprint(session)
        with self._lock:
            if fingerprint != self._synced_fingerprint:
                written = self._sync(session)
                in_sql.copy_new_vectors(session)
                self._synced_fingerprint = None if written is None else self._fingerprint(session)

    def _fingerprint(self, session: Session) -> tuple:
        """Changes whenever an entry is added, edited, (de)activated or deleted, or vectors are written."""
        entries = session.execute(select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at))).one()
        newest_vector = session.execute(select(func.max(FaqEmbedding.id))).scalar_one()
        return (*entries, newest_vector)

    def _load_matrix(self, session: Session, fingerprint: tuple | None) -> _Matrix:
        rows = session.execute(
            select(FaqEmbedding.faq_id, FaqEntry.intent_id, FaqEmbedding.vector)
            .join(FaqEntry, FaqEntry.id == FaqEmbedding.faq_id)
            .where(FaqEmbedding.model_name == self.model_name, FaqEntry.active.is_(True))
            .order_by(FaqEmbedding.faq_id, FaqEmbedding.position)
        ).all()
        dim = self.embedder.dim
        vectors = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), dim)
        row_faq = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        starts = np.flatnonzero(np.r_[True, row_faq[1:] != row_faq[:-1]]) if len(rows) else row_faq
        intents = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        faq_ids = row_faq[starts]
        position = {faq_id: i for i, faq_id in enumerate(faq_ids.tolist())}
        return _Matrix(fingerprint, vectors, faq_ids, intents[starts], starts, position)


def _wordings(entry: FaqEntry) -> list[tuple[int, str]]:
    return [(0, entry.question)] + [(i + 1, q) for i, q in enumerate(entry.alternate_questions)]
