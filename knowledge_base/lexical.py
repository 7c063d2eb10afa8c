"""Lexical search over FAQ wordings: SQLite FTS5's BM25, or PostgreSQL full text.

SQLite's ``faq_fts`` table (first migration) and PostgreSQL's ``faq_search_documents`` table (revision
0004) are kept in step with ``faq_entries`` and ``faq_alternates`` by triggers, so every add, edit, delete
and import, whoever makes it, updates the index in the same transaction. Customer text never reaches
either query syntax: the query is cut into plain words (``query_terms``) and each is quoted as a term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

FTS_TABLE = "faq_fts"
PG_SEARCH_TABLE = "faq_search_documents"

# Column weights for bm25(): the question counts most, then alternates, then the answer.
BM25_WEIGHTS = (3.0, 2.0, 0.5)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    "a an and are as at be but by can could do does for from had has have how i if in is it its "
    "me my of on or our so that the their them then there these they this to was we were what when "
    "where which who will with would you your".split()
)


def is_fts_object(table_name: str) -> bool:
    """True for the full-text tables written by hand in revisions: FTS5's (and its shadow tables) and
    PostgreSQL's document table."""
    return table_name in (FTS_TABLE, PG_SEARCH_TABLE) or table_name.startswith(FTS_TABLE + "_")


def full_text_table(dialect: str) -> str | None:
    """The table that holds a dialect's full-text index (None where search runs in process)."""
    return {"sqlite": FTS_TABLE, "postgresql": PG_SEARCH_TABLE}.get(dialect)


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
    """Relevance on BM25's scale, higher is better (FTS5's bm25() negated; PostgreSQL's rank rescaled)."""


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


def tsquery_expression(query: str) -> str | None:
    """A ``to_tsquery`` input that ORs the quoted words of ``query``; None when nothing is searchable."""
    terms = query_terms(query)
    if not terms:
        return None
    return " | ".join("'" + term.replace("'", "''").replace("\\", "\\\\") + "'" for term in terms)


# ts_rank_cd weights in PostgreSQL's {D, C, B, A} order: the BM25 column weights, question = 1.
PG_RANK_WEIGHTS = "{0, %g, %g, 1}" % (BM25_WEIGHTS[2] / BM25_WEIGHTS[0], BM25_WEIGHTS[1] / BM25_WEIGHTS[0])
PG_RANK_TO_BM25 = 20.0
"""Multiplies ts_rank_cd (cover density, normalised by 1 + log(document length)) onto BM25's scale, so
one ``lexical_saturation`` serves both backends (bench/retrieval.py measures the two side by side)."""


class PostgresFullTextLexical:
    """Cover-density ranking over PostgreSQL's ``faq_search_documents`` (``english`` configuration)."""

    name = "postgresql-fulltext"

    def search(
        self, session: Session, query: str, *, intent_id: int | None, limit: int
    ) -> list[LexicalHit]:
        expression = tsquery_expression(query)
        if expression is None:
            return []
        intent_filter = "AND f.intent_id = :intent_id" if intent_id is not None else ""
        sql = text(
            f"SELECT f.id, ts_rank_cd(CAST(:weights AS real[]), d.document, q.query, 1) AS rank "
            f"FROM {PG_SEARCH_TABLE} d JOIN faq_entries f ON f.id = d.faq_id, "
            "to_tsquery('english', :expression) AS q(query) "
            f"WHERE d.document @@ q.query AND f.active {intent_filter} "
            "ORDER BY rank DESC, f.id LIMIT :limit"
        )
        params = {"expression": expression, "limit": limit, "intent_id": intent_id, "weights": PG_RANK_WEIGHTS}
        rows = session.execute(sql, params).all()
        return [LexicalHit(faq_id=row[0], bm25=float(row[1]) * PG_RANK_TO_BM25) for row in rows]
