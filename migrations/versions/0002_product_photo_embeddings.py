"""product photo embeddings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:14:04.121485
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('product_embeddings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('photo', sa.String(length=500), nullable=False),
    sa.Column('encoder_name', sa.String(length=200), nullable=False),
    sa.Column('dim', sa.Integer(), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_embeddings_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_embeddings'))
    )
    with op.batch_alter_table('product_embeddings', schema=None) as batch_op:
        batch_op.create_index('ix_product_embeddings_encoder_product', ['encoder_name', 'product_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('product_embeddings', schema=None) as batch_op:
        batch_op.drop_index('ix_product_embeddings_encoder_product')

    op.drop_table('product_embeddings')
