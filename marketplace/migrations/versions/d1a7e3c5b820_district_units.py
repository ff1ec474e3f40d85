"""the district's units (镇街/园区) and organization.unit_id

Revision ID: d1a7e3c5b820
Revises: c4f2d8a61e09
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd1a7e3c5b820'
down_revision = 'c4f2d8a61e09'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('sort_order', sa.Integer(), server_default='0', nullable=False),
        sa.Column('map_col', sa.Integer(), nullable=True),
        sa.Column('map_row', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.CheckConstraint("kind IN ('town', 'park')", name=op.f('ck_unit_kind')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
        sa.UniqueConstraint('name', name=op.f('uq_unit_name')),
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_organization_unit_id', ['unit_id'], unique=False)
        batch_op.create_foreign_key('fk_organization_unit_id_unit', 'unit', ['unit_id'], ['id'])


def downgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_constraint('fk_organization_unit_id_unit', type_='foreignkey')
        batch_op.drop_index('ix_organization_unit_id')
        batch_op.drop_column('unit_id')
    op.drop_table('unit')
