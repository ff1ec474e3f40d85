"""district monitoring: indicators, targets, reported values, snapshots; user.unit_id (liaison)

Revision ID: e5b9c2d7a314
Revises: d9a3e5b71c20
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5b9c2d7a314'
down_revision = 'd9a3e5b71c20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'indicator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=True),
        sa.Column('measure', sa.String(length=20), nullable=False),
        sa.Column('direction', sa.String(length=10), nullable=False),
        sa.Column('weight', sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column('cap_percent', sa.Integer(), server_default='120', nullable=False),
        sa.Column('prorate', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('sort_order', sa.Integer(), server_default='0', nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.CheckConstraint("source IN ('computed', 'reported')", name=op.f('ck_indicator_source')),
        sa.CheckConstraint("direction IN ('higher', 'lower')", name=op.f('ck_indicator_direction')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
        sa.UniqueConstraint('key', name=op.f('uq_indicator_key')),
        sa.UniqueConstraint('name', name=op.f('uq_indicator_name')),
    )
    op.create_table(
        'indicator_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
                                name=op.f('fk_indicator_target_indicator_id_indicator')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_indicator_target_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_target')),
        sa.UniqueConstraint('indicator_id', 'unit_id', 'year', name='uq_indicator_target_key'),
    )
    op.create_table(
        'reported_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], name=op.f('fk_reported_value_entered_by_id_user')),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
                                name=op.f('fk_reported_value_indicator_id_indicator')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_reported_value_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reported_value')),
        sa.UniqueConstraint('indicator_id', 'unit_id', 'period', name='uq_reported_value_key'),
    )
    op.create_table(
        'snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('rule', sa.String(length=10), server_default='quintile', nullable=False),
        sa.Column('taken_at', sa.DateTime(), nullable=False),
        sa.Column('taken_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('month', 'quarter')", name=op.f('ck_snapshot_kind')),
        sa.CheckConstraint("rule IN ('quintile', 'bands')", name=op.f('ck_snapshot_rule')),
        sa.ForeignKeyConstraint(['taken_by_id'], ['user.id'], name=op.f('fk_snapshot_taken_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshot')),
        sa.UniqueConstraint('period', name=op.f('uq_snapshot_period')),
    )
    op.create_index('ix_snapshot_taken_at', 'snapshot', ['taken_at'], unique=False)
    op.create_table(
        'snapshot_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('unit_name', sa.String(length=50), nullable=False),
        sa.Column('unit_order', sa.Integer(), nullable=False),
        sa.Column('indicator_name', sa.String(length=60), nullable=False),
        sa.Column('indicator_order', sa.Integer(), nullable=False),
        sa.Column('measure', sa.String(length=20), nullable=False),
        sa.Column('direction', sa.String(length=10), nullable=False),
        sa.Column('weight', sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column('cap_percent', sa.Integer(), nullable=False),
        sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('yearly_target', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('enterprises', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'],
                                name=op.f('fk_snapshot_value_indicator_id_indicator')),
        sa.ForeignKeyConstraint(['snapshot_id'], ['snapshot.id'], name=op.f('fk_snapshot_value_snapshot_id_snapshot'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_snapshot_value_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshot_value')),
        sa.UniqueConstraint('snapshot_id', 'unit_id', 'indicator_id', name='uq_snapshot_value_cell'),
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_user_unit_id', ['unit_id'], unique=False)
        batch_op.create_foreign_key('fk_user_unit_id_unit', 'unit', ['unit_id'], ['id'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('fk_user_unit_id_unit', type_='foreignkey')
        batch_op.drop_index('ix_user_unit_id')
        batch_op.drop_column('unit_id')
    op.drop_table('snapshot_value')
    op.drop_index('ix_snapshot_taken_at', table_name='snapshot')
    op.drop_table('snapshot')
    op.drop_table('reported_value')
    op.drop_table('indicator_target')
    op.drop_table('indicator')
