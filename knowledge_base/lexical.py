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


def tsquery_lexemes(query: str) -> list[str]:
    """Each searchable word of ``query`` quoted as one ``to_tsquery`` lexeme (so no operator of the
    customer's is ever parsed); empty when nothing is searchable."""
    return ["'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in query_terms(query)]


# ts_rank weights in PostgreSQL's {D, C, B, A} order: the BM25 column weights, question = 1.
PG_RANK_WEIGHTS = "{0, %g, %g, 1}" % (BM25_WEIGHTS[2] / BM25_WEIGHTS[0], BM25_WEIGHTS[1] / BM25_WEIGHTS[0])
PG_RANK_TO_BM25 = 3.0
"""Factor from the idf-weighted ts_rank sum onto BM25's scale (the median ratio of FTS5's BM25 to it for
the same entry and question over the retrieval benchmark's questions is 3.1), so one
``lexical_saturation`` and one answer threshold mean the same on both databases."""

# Per distinct stemmed word: its BM25 idf from the document counts, times ts_rank of that word alone;
# summed per entry. ts_rank alone has no idf, so common words would count as much as rare ones.
PG_SEARCH_SQL = f"""
WITH terms AS (
    SELECT DISTINCT to_tsquery('english', word) AS query FROM unnest(CAST(:words AS text[])) AS w(word)
), useful AS (
    SELECT query FROM terms WHERE numnode(query) > 0
), weighted AS (
    SELECT u.query, ln(1 + (total.n - df.hits + 0.5) / (df.hits + 0.5)) AS idf
    FROM useful u
    CROSS JOIN (SELECT count(*) AS n FROM {PG_SEARCH_TABLE}) total
    CROSS JOIN LATERAL (SELECT count(*) AS hits FROM {PG_SEARCH_TABLE} d WHERE d.document @@ u.query) df
)
SELECT f.id, sum(w.idf * ts_rank(CAST(:weights AS real[]), d.document, w.query, 0)) AS rank
FROM weighted w
JOIN {PG_SEARCH_TABLE} d ON d.document @@ w.query
JOIN faq_entries f ON f.id = d.faq_id
WHERE f.active {{intent_filter}}
GROUP BY f.id ORDER BY rank DESC, f.id LIMIT :limit
"""


class PostgresFullTextLexical:
    """BM25-like ranking over PostgreSQL's ``faq_search_documents`` (``english`` configuration): the
    customer's words OR'ed, each weighted by its idf, each scored by ``ts_rank`` with column weights."""

    name = "postgresql-fulltext"

    def search(
        self, session: Session, query: str, *, intent_id: int | None, limit: int
    ) -> list[LexicalHit]:
        lexemes = tsquery_lexemes(query)
        if not lexemes:
            return []
        intent_filter = "AND f.intent_id = :intent_id" if intent_id is not None else ""
        sql = text(PG_SEARCH_SQL.format(intent_filter=intent_filter))
        params = {"words": lexemes, "limit": limit, "intent_id": intent_id, "weights": PG_RANK_WEIGHTS}
        rows = session.execute(sql, params).all()
        return [LexicalHit(faq_id=row[0], bm25=float(row[1]) * PG_RANK_TO_BM25) for row in rows]
