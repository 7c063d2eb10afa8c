"""PostgreSQL full-text index of FAQ wordings, kept by triggers (no-op on other databases)

Each active or inactive entry has one row in ``faq_search_documents`` holding a weighted ``tsvector``:
question (A), alternates (B), answer (C), with the ``english`` configuration. Triggers on ``faq_entries``
and ``faq_alternates`` rebuild an entry's row in the same transaction as any change to its wordings;
deleting an entry deletes its row through the foreign key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00.000000
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

DOCUMENT_OF = """
    setweight(to_tsvector('english', f.question), 'A')
    || setweight(to_tsvector('english', coalesce(
        (SELECT string_agg(a.question, ' | ' ORDER BY a.position) FROM faq_alternates a WHERE a.faq_id = f.id),
        '')), 'B')
    || setweight(to_tsvector('english', f.answer), 'C')
"""

CREATE = [
    "CREATE TABLE faq_search_documents ("
    " faq_id INTEGER PRIMARY KEY REFERENCES faq_entries (id) ON DELETE CASCADE,"
    " document TSVECTOR NOT NULL)",
    "CREATE INDEX ix_faq_search_documents_document ON faq_search_documents USING GIN (document)",
    "CREATE FUNCTION faq_search_document(entry_id INTEGER) RETURNS TSVECTOR LANGUAGE SQL STABLE AS $$"
    f" SELECT {DOCUMENT_OF} FROM faq_entries f WHERE f.id = entry_id $$",
    "CREATE FUNCTION faq_search_refresh(entry_id INTEGER) RETURNS VOID LANGUAGE SQL AS $$"
    " INSERT INTO faq_search_documents (faq_id, document)"
    " SELECT f.id, faq_search_document(f.id) FROM faq_entries f WHERE f.id = entry_id"
    " ON CONFLICT (faq_id) DO UPDATE SET document = excluded.document $$",
    "CREATE FUNCTION faq_search_entry_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM faq_search_refresh(NEW.id); RETURN NULL; END $$",
    "CREATE FUNCTION faq_search_alternate_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF TG_OP <> 'INSERT' THEN PERFORM faq_search_refresh(OLD.faq_id); END IF;"
    "  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.faq_id <> OLD.faq_id) THEN"
    "   PERFORM faq_search_refresh(NEW.faq_id);"
    "  END IF;"
    "  RETURN NULL;"
    " END $$",
    "CREATE TRIGGER faq_search_entry_inserted AFTER INSERT ON faq_entries"
    " FOR EACH ROW EXECUTE FUNCTION faq_search_entry_changed()",
    "CREATE TRIGGER faq_search_entry_updated AFTER UPDATE OF question, answer ON faq_entries"
    " FOR EACH ROW EXECUTE FUNCTION faq_search_entry_changed()",
    "CREATE TRIGGER faq_search_alternate_changed AFTER INSERT OR UPDATE OR DELETE ON faq_alternates"
    " FOR EACH ROW EXECUTE FUNCTION faq_search_alternate_changed()",
    "SELECT faq_search_refresh(id) FROM faq_entries",
]
DROP = [
    "DROP TRIGGER IF EXISTS faq_search_alternate_changed ON faq_alternates",
    "DROP TRIGGER IF EXISTS faq_search_entry_updated ON faq_entries",
    "DROP TRIGGER IF EXISTS faq_search_entry_inserted ON faq_entries",
    "DROP FUNCTION IF EXISTS faq_search_alternate_changed()",
    "DROP FUNCTION IF EXISTS faq_search_entry_changed()",
    "DROP FUNCTION IF EXISTS faq_search_refresh(INTEGER)",
    "DROP FUNCTION IF EXISTS faq_search_document(INTEGER)",
    "DROP TABLE IF EXISTS faq_search_documents",
]


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _on_postgresql():
        for statement in CREATE:
            op.execute(statement)


def downgrade() -> None:
    if _on_postgresql():
        for statement in DROP:
            op.execute(statement)
