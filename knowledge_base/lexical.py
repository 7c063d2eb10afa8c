"""Lexical BM25 search over FAQ wordings through SQLite FTS5.

The ``faq_fts`` table is kept in step with ``faq_entries`` and ``faq_alternates`` by triggers created in
the first migration, so every add, edit, delete and import, whoever makes it, updates the index in the
same transaction. Customer text never reaches FTS5's query syntax: each word is quoted as a plain term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

FTS_TABLE = "faq_fts"

# Column weights for bm25(): the question counts most, then alternates, then the answer.
BM25_WEIGHTS = (3.0, 2.0, 0.5)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    "a an and are as at be but by can could do does for from had has have how i if in is it its "
    "me my of on or our so that the their them then there these they this to was we were what when "
    "where which who will with would you your".split()
)


def is_fts_object(table_name: str) -> bool:
    """True for the FTS5 table and the shadow tables SQLite makes for it."""
    return table_name == FTS_TABLE or table_name.startswith(FTS_TABLE + "_")


def words(text: str) -> list[str]:
    """The searchable words of ``text``, lower-cased, stopwords dropped, repeats kept."""
    return [word for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


def query_terms(query: str, *, max_terms: int = 32) -> list[str]:
    """The distinct searchable words of ``query``, in order, at most ``max_terms``."""
    return list(dict.fromkeys(words(query)))[:max_terms]


def fts_match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression that ORs the quoted words of ``query``; None when nothing is searchable."""
    terms = query_terms(query)
    if not terms:
        return None
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


@dataclass(frozen=True)
class LexicalHit:
    faq_id: int
    bm25: float
    """BM25 relevance, higher is better (FTS5's bm25() negated)."""


class SqliteFtsLexical:
    """BM25 over the ``faq_fts`` index of a SQLite database."""

    name = "sqlite-fts5-bm25"

    def search(
        self, session: Session, query: str, *, intent_id: int | None, limit: int
    ) -> list[LexicalHit]:
        expression = fts_match_expression(query)
        if expression is None:
            return []
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        intent_filter = "AND f.intent_id = :intent_id" if intent_id is not None else ""
        sql = text(
            f"SELECT f.id, bm25({FTS_TABLE}, {weights}) AS rank FROM {FTS_TABLE} "
            f"JOIN faq_entries f ON f.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH :expression AND f.active = 1 {intent_filter} "
            "ORDER BY rank LIMIT :limit"
        )
        params = {"expression": expression, "limit": limit, "intent_id": intent_id}
        rows = session.execute(sql, params).all()
        return [LexicalHit(faq_id=row[0], bm25=-float(row[1])) for row in rows]
