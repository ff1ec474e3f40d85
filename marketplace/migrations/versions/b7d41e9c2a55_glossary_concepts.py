"""glossary concepts added by admins (glossary_concept)

Revision ID: b7d41e9c2a55
Revises: e5b2c9d14a07
Create Date: 2026-11-28 14:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d41e9c2a55'
down_revision = 'e5b2c9d14a07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'glossary_concept',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=20), nullable=False),
        sa.Column('chinese', sa.String(length=1000), nullable=False),
        sa.Column('english', sa.String(length=1000), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_glossary_concept_created_by_id_user')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_glossary_concept_updated_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_concept')),
    )
    with op.batch_alter_table('glossary_concept', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_glossary_concept_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('glossary_concept', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_glossary_concept_updated_at'))
    op.drop_table('glossary_concept')
