"""Hybrid FAQ retrieval: BM25 and dense similarity fused into one score in [0, 1].

``score = w * max(cos, 0) + (1 - w) * bm25 / (bm25 + s)`` where ``w`` is the dense weight and ``s`` the
BM25 value at which the lexical signal reaches one half. Both signals are query-independent in scale, so
one threshold separates confident matches from the rest. In a search over every entry, a best hit that is
clearly the closest in meaning (``clear_winner_cosine`` and ``clear_winner_margin``) is confident too: a
small store's lexical signal stays weak even for the right entry. Reciprocal-rank fusion and each signal
alone are available as modes for comparison.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.bm25 import InMemoryBm25Lexical
from knowledge_base.dense import DenseIndex
from knowledge_base.errors import EmptyQueryError, QueryTooLongError
from knowledge_base.lexical import PostgresFullTextLexical, SqliteFtsLexical
from knowledge_base.models import FaqEntry, Intent
from knowledge_base.repositories.intents import require_intent
from knowledge_base.text_input import clean_message

FusionMode = Literal["weighted", "rrf", "dense", "lexical"]
RRF_K = 60


@dataclass(frozen=True)
class RetrievalOptions:
    dense_weight: float = 0.5
    """Weight of the dense signal; the lexical signal gets the rest."""
    lexical_saturation: float = 12.0
    """BM25 value at which the normalised lexical signal is 0.5."""
    threshold: float = 0.50
    """Hybrid score under which the best hit is not a confident match."""
    clear_winner_cosine: float = 0.5
    """Cosine similarity from which the best hit of a search over every entry is confident whatever its
    hybrid score, when it also leads every other entry's by ``clear_winner_margin``."""
    clear_winner_margin: float = 0.15
    """How far the best hit's cosine similarity must lead the next entry's for ``clear_winner_cosine``."""
    candidates: int = 50
    """How many candidates each signal contributes before fusion."""
    max_query_chars: int = 2000
    """Longest accepted query."""
    fusion: FusionMode = "weighted"


@dataclass(frozen=True)
class Hit:
    faq_id: int
    question: str
    answer: str
    intent: str
    score: float
    """The fused score in [0, 1] that ranks hits."""
    dense: float
    """Best cosine similarity between the query and the entry's wordings."""
    lexical: float
    """BM25 normalised to [0, 1)."""
    bm25: float
    """Raw BM25 relevance (0 when the entry shares no word with the query)."""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    confident: bool
    """True when the best hit reaches the threshold."""
    threshold: float
    signals: dict[str, str] = field(default_factory=dict)
    clear_winner: bool = False
    """The best hit is clearly the closest in meaning (``RetrievalOptions.clear_winner_cosine``), which makes
    it confident whatever its hybrid score."""

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def validate_query(query: str, *, max_chars: int) -> str:
    cleaned = " ".join(clean_message(query).split())
    if not cleaned:
        raise EmptyQueryError()
    if len(cleaned) > max_chars:
        raise QueryTooLongError(len(cleaned), max_chars)
    return cleaned


class HybridRetriever:
    """Ranks active FAQ entries for a customer's wording; share one instance across sessions."""

    def __init__(
        self, dense: DenseIndex, options: RetrievalOptions | None = None, *, lexical=None
    ) -> None:
        self.dense = dense
        self.options = options or RetrievalOptions()
        self._lexical = lexical
        self._lexical_lock = threading.Lock()

    def lexical_for(self, session: Session):
        """FTS5 on SQLite, full text on PostgreSQL, BM25 computed in process on any other database."""
        with self._lexical_lock:
            if self._lexical is None:
                self._lexical = lexical_backend(session.get_bind().dialect.name)
            return self._lexical

    def search(
        self,
        session: Session,
        query: str,
        *,
        intent: str | None = None,
        k: int = 5,
        fusion: FusionMode | None = None,
    ) -> SearchResult:
        query = validate_query(query, max_chars=self.options.max_query_chars)
        intent_id = require_intent(session=session, name=intent).id if intent else None
        query_vector = self.dense.embedder.embed([query])[0]
        return self.search_with_vector(
            session, query, query_vector, intent_id=intent_id, k=k, fusion=fusion
        )

    def search_with_vector(
        self,
        session: Session,
        query: str,
        query_vector: np.ndarray,
        *,
        intent_id: int | None = None,
        k: int = 5,
        fusion: FusionMode | None = None,
    ) -> SearchResult:
        """Search with an already-embedded query (the pipeline embeds once and reuses the vector)."""
        mode = fusion or self.options.fusion
        lexical = self.lexical_for(session)
        lexical_hits = lexical.search(
            session, query, intent_id=intent_id, limit=self.options.candidates
        )
        bm25 = {hit.faq_id: hit.bm25 for hit in lexical_hits}
        dense = self.dense.similarities(
            session, query_vector, intent_id=intent_id, top=self.options.candidates, also=bm25
        )
        scored = self._fuse(dense, bm25, mode)
        top = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:k]
        hits = self._hits(session, top, dense, bm25)
        clear_winner = bool(hits) and intent_id is None and self._clear_winner(hits[0], dense)
        confident = bool(hits) and (hits[0].score >= self.options.threshold or clear_winner)
        signals = {"lexical": lexical.name, "dense": self.dense.model_name,
                   "dense_search": self.dense.backend(session), "fusion": mode}
        return SearchResult(query, hits, confident, self.options.threshold, signals, clear_winner)

    def _clear_winner(self, best: Hit, dense: dict[int, float]) -> bool:
        """The best hit is close in meaning and much closer than any other entry."""
        runner_up = max((cos for faq_id, cos in dense.items() if faq_id != best.faq_id), default=0.0)
        return best.dense >= self.options.clear_winner_cosine and best.dense - runner_up >= self.options.clear_winner_margin

    def _fuse(self, dense: dict[int, float], bm25: dict[int, float], mode: FusionMode) -> dict:
        top_dense = sorted(dense, key=dense.__getitem__, reverse=True)[: self.options.candidates]
        candidates = set(top_dense) | set(bm25)
        if mode == "rrf":
            dense_rank = {faq_id: rank for rank, faq_id in enumerate(top_dense, start=1)}
            lexical_rank = {faq_id: rank for rank, faq_id in enumerate(bm25, start=1)}
            return {c: _rrf(dense_rank.get(c), lexical_rank.get(c)) for c in candidates}
        w = {"weighted": self.options.dense_weight, "dense": 1.0, "lexical": 0.0}[mode]
        return {
            c: w * max(dense.get(c, 0.0), 0.0) + (1 - w) * self.normalise_bm25(bm25.get(c, 0.0))
            for c in candidates
        }

    def normalise_bm25(self, value: float) -> float:
        return value / (value + self.options.lexical_saturation) if value > 0 else 0.0

    def _hits(self, session: Session, ranked, dense, bm25) -> list[Hit]:
        return load_hits(session, ranked, dense=dense, bm25=bm25, normalise_bm25=self.normalise_bm25)


def load_hits(session: Session, ranked, *, dense: dict[int, float], bm25: dict[int, float],
              normalise_bm25=lambda value: 0.0) -> list[Hit]:
    """Hits for ``ranked`` (faq id, fused score) pairs, in that order, with each signal's score."""
    ids = [faq_id for faq_id, _ in ranked]
    rows = session.execute(
        select(FaqEntry.id, FaqEntry.question, FaqEntry.answer, Intent.name, FaqEntry.tags)
        .join(Intent, Intent.id == FaqEntry.intent_id)
        .where(FaqEntry.id.in_(ids))
    ).all()
    entries = {row[0]: row for row in rows}
    return [
        Hit(
            faq_id=faq_id,
            question=entries[faq_id][1],
            answer=entries[faq_id][2],
            intent=entries[faq_id][3],
            score=round(float(score), 6),
            dense=round(float(dense.get(faq_id, 0.0)), 6),
            lexical=round(normalise_bm25(bm25.get(faq_id, 0.0)), 6),
            bm25=round(float(bm25.get(faq_id, 0.0)), 6),
            tags=tuple(entries[faq_id][4] or ()),
        )
        for faq_id, score in ranked
        if faq_id in entries
    ]


def lexical_backend(dialect: str):
    """The lexical search that suits a database dialect."""
    if dialect == "sqlite":
        return SqliteFtsLexical()
    if dialect == "postgresql":
        return PostgresFullTextLexical()
    return InMemoryBm25Lexical()


def _rrf(*ranks: int | None) -> float:
    """Reciprocal-rank fusion scaled to [0, 1] (1 = first in both lists)."""
    total = sum(1.0 / (RRF_K + rank) for rank in ranks if rank is not None)
    return total / (2.0 / (RRF_K + 1))


def hits_as_dicts(hits: Sequence[Hit]) -> list[dict]:
    return [
        {
            "faq_id": h.faq_id,
            "question": h.question,
            "answer": h.answer,
            "intent": h.intent,
            "score": h.score,
            "dense": h.dense,
            "lexical": h.lexical,
            "bm25": h.bm25,
            "tags": list(h.tags),
        }
        for h in hits
    ]
