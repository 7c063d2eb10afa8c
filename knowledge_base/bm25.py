"""BM25 computed in process, for databases without SQLite's FTS5 (PostgreSQL, MySQL, ...).

Same scoring idea as FTS5's bm25() (k1 = 1.2, b = 0.75, per-column weights), over the same words that
``query_terms`` keeps. The index is rebuilt when the FAQ table's fingerprint changes.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.lexical import BM25_WEIGHTS, LexicalHit, query_terms, words
from knowledge_base.models import FaqAlternate, FaqEntry

K1, B = 1.2, 0.75


@dataclass(frozen=True)
class _Index:
    fingerprint: tuple
    postings: dict[str, dict[int, float]]  # term -> {faq id: weighted term frequency}
    lengths: dict[int, float]  # faq id -> weighted length
    intents: dict[int, int]
    average_length: float


class InMemoryBm25Lexical:
    name = "in-process-bm25"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: _Index | None = None

    def search(
        self, session: Session, query: str, *, intent_id: int | None, limit: int
    ) -> list[LexicalHit]:
        index = self._current(session)
        n = len(index.lengths)
        scores: dict[int, float] = defaultdict(float)
        for term in query_terms(query):
            postings = index.postings.get(term, {})
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            for faq_id, tf in postings.items():
                norm = K1 * (1 - B + B * index.lengths[faq_id] / index.average_length)
                scores[faq_id] += idf * tf * (K1 + 1) / (tf + norm)
        if intent_id is not None:
            scores = {i: s for i, s in scores.items() if index.intents[i] == intent_id}
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [LexicalHit(faq_id, score) for faq_id, score in best]

    def _current(self, session: Session) -> _Index:
        fingerprint = tuple(
            session.execute(select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at))).one()
        )
        with self._lock:
            if self._index is None or self._index.fingerprint != fingerprint:
                self._index = _build(session, fingerprint)
            return self._index


def _build(session: Session, fingerprint: tuple) -> _Index:
    alternates: dict[int, list[str]] = defaultdict(list)
    for faq_id, question in session.execute(select(FaqAlternate.faq_id, FaqAlternate.question)):
        alternates[faq_id].append(question)
    rows = session.execute(
        select(FaqEntry.id, FaqEntry.intent_id, FaqEntry.question, FaqEntry.answer).where(
            FaqEntry.active.is_(True)
        )
    ).all()
    postings: dict[str, dict[int, float]] = defaultdict(dict)
    lengths, intents = {}, {}
    for faq_id, intent_id, question, answer in rows:
        columns = (question, " ".join(alternates[faq_id]), answer)
        weighted: Counter[str] = Counter()
        for weight, column in zip(BM25_WEIGHTS, columns, strict=True):
            for term in words(column):
                weighted[term] += weight
        for term, tf in weighted.items():
            postings[term][faq_id] = tf
        lengths[faq_id] = float(sum(weighted.values())) or 1.0
        intents[faq_id] = intent_id
    average = sum(lengths.values()) / len(lengths) if lengths else 1.0
    return _Index(fingerprint, dict(postings), lengths, intents, average)
