"""pgvector: a vector column beside each stored FAQ vector, where the server has the extension

On PostgreSQL, ``CREATE EXTENSION IF NOT EXISTS vector`` is tried in a savepoint. When it succeeds the
``faq_vectors`` table is made (one row per ``faq_embeddings`` row; the HNSW index per dimension is made by
``knowledge_base.pgvector`` once the encoder's dimension is known). When it fails, or on any other
database, nothing changes and dense search runs in process.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:30:00.000000
"""
import logging

from alembic import op
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    except DBAPIError as error:
        log.info("pgvector is not available (%s); dense search runs in process", error.orig)
        return
    op.execute(
        "CREATE TABLE faq_vectors ("
        " embedding_id INTEGER PRIMARY KEY REFERENCES faq_embeddings (id) ON DELETE CASCADE,"
        " dim INTEGER NOT NULL,"
        " embedding vector NOT NULL)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS faq_vectors")
