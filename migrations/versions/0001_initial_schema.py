"""initial schema: every table, plus the SQLite FTS5 index of FAQ wordings kept by triggers

Revision ID: 0001
Revises:
Create Date: 2026-11-22 04:44:09.894748
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


ALTERNATES_OF = "(SELECT coalesce(group_concat(question, ' | '), '') FROM faq_alternates WHERE faq_id = {})"

FTS_CREATE = [
    "CREATE VIRTUAL TABLE faq_fts USING fts5(question, alternates, answer, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER faq_fts_entry_inserted AFTER INSERT ON faq_entries BEGIN "
    "INSERT INTO faq_fts(rowid, question, alternates, answer) "
    f"VALUES (new.id, new.question, {ALTERNATES_OF.format('new.id')}, new.answer); END",
    "CREATE TRIGGER faq_fts_entry_updated AFTER UPDATE OF question, answer ON faq_entries BEGIN "
    "UPDATE faq_fts SET question = new.question, answer = new.answer WHERE rowid = new.id; END",
    "CREATE TRIGGER faq_fts_entry_deleted AFTER DELETE ON faq_entries BEGIN "
    "DELETE FROM faq_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER faq_fts_alternate_inserted AFTER INSERT ON faq_alternates BEGIN "
    f"UPDATE faq_fts SET alternates = {ALTERNATES_OF.format('new.faq_id')} WHERE rowid = new.faq_id; END",
    "CREATE TRIGGER faq_fts_alternate_updated AFTER UPDATE ON faq_alternates BEGIN "
    f"UPDATE faq_fts SET alternates = {ALTERNATES_OF.format('old.faq_id')} WHERE rowid = old.faq_id; "
    f"UPDATE faq_fts SET alternates = {ALTERNATES_OF.format('new.faq_id')} WHERE rowid = new.faq_id; END",
    "CREATE TRIGGER faq_fts_alternate_deleted AFTER DELETE ON faq_alternates BEGIN "
    f"UPDATE faq_fts SET alternates = {ALTERNATES_OF.format('old.faq_id')} WHERE rowid = old.faq_id; END",
]
FTS_DROP = [
    "DROP TRIGGER IF EXISTS faq_fts_alternate_deleted",
    "DROP TRIGGER IF EXISTS faq_fts_alternate_updated",
    "DROP TRIGGER IF EXISTS faq_fts_alternate_inserted",
    "DROP TRIGGER IF EXISTS faq_fts_entry_deleted",
    "DROP TRIGGER IF EXISTS faq_fts_entry_updated",
    "DROP TRIGGER IF EXISTS faq_fts_entry_inserted",
    "DROP TABLE IF EXISTS faq_fts",
]


def _on_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('public_id', name=op.f('uq_conversations_public_id'))
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversations_started_at'), ['started_at'], unique=False)

    op.create_table('intents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('examples', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intents')),
    sa.UniqueConstraint('name', name=op.f('uq_intents_name'))
    )
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_number', sa.String(length=32), nullable=False),
    sa.Column('customer_email', sa.String(length=320), nullable=False),
    sa.Column('customer_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('carrier', sa.String(length=64), nullable=True),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('shipping_country', sa.String(length=2), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('shipped_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('estimated_delivery', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('order_number', name=op.f('uq_orders_order_number'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_customer_email'), ['customer_email'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('price', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('sizes', sa.JSON(), nullable=False),
    sa.Column('stock', sa.JSON(), nullable=False),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('sku', name=op.f('uq_products_sku'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_category'), ['category'], unique=False)

    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_users_username'))
    )
    op.create_table('faq_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('question_key', sa.String(length=512), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('intent_id', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['intent_id'], ['intents.id'], name=op.f('fk_faq_entries_intent_id_intents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entries')),
    sa.UniqueConstraint('question_key', name=op.f('uq_faq_entries_question_key'))
    )
    with op.batch_alter_table('faq_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_entries_intent_id'), ['intent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_entries_updated_at'), ['updated_at'], unique=False)

    op.create_table('handoff_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['staff_users.id'], name=op.f('fk_handoff_tickets_assigned_to_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_handoff_tickets_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_tickets'))
    )
    with op.batch_alter_table('handoff_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_tickets_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_tickets_status'), ['status'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('transcript', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_messages_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_created_at'), ['created_at'], unique=False)

    op.create_table('order_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('size', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_items_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_order_items_product_id_products'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_items'))
    )
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_items_order_id'), ['order_id'], unique=False)

    op.create_table('faq_alternates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('faq_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['faq_id'], ['faq_entries.id'], name=op.f('fk_faq_alternates_faq_id_faq_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_alternates'))
    )
    with op.batch_alter_table('faq_alternates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_alternates_faq_id'), ['faq_id'], unique=False)

    op.create_table('faq_embeddings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('faq_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('model_name', sa.String(length=200), nullable=False),
    sa.Column('dim', sa.Integer(), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('source_updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['faq_id'], ['faq_entries.id'], name=op.f('fk_faq_embeddings_faq_id_faq_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_embeddings'))
    )
    with op.batch_alter_table('faq_embeddings', schema=None) as batch_op:
        batch_op.create_index('ix_faq_embeddings_model_faq', ['model_name', 'faq_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_feedback_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_message_id'), ['message_id'], unique=False)
    if _on_sqlite():
        for statement in FTS_CREATE:
            op.execute(statement)


def downgrade() -> None:
    if _on_sqlite():
        for statement in FTS_DROP:
            op.execute(statement)
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_message_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('faq_embeddings', schema=None) as batch_op:
        batch_op.drop_index('ix_faq_embeddings_model_faq')

    op.drop_table('faq_embeddings')
    with op.batch_alter_table('faq_alternates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_alternates_faq_id'))

    op.drop_table('faq_alternates')
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_items_order_id'))

    op.drop_table('order_items')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_created_at'))
        batch_op.drop_index(batch_op.f('ix_messages_conversation_id'))

    op.drop_table('messages')
    with op.batch_alter_table('handoff_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_tickets_status'))
        batch_op.drop_index(batch_op.f('ix_handoff_tickets_conversation_id'))

    op.drop_table('handoff_tickets')
    with op.batch_alter_table('faq_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_entries_updated_at'))
        batch_op.drop_index(batch_op.f('ix_faq_entries_intent_id'))

    op.drop_table('faq_entries')
    op.drop_table('staff_users')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_category'))

    op.drop_table('products')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_customer_email'))

    op.drop_table('orders')
    op.drop_table('intents')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversations_started_at'))

    op.drop_table('conversations')
