"""background re-pairing runs (proposal_run) with their progress

Revision ID: f2c4a6e8b013
Revises: d7a3e5b90c21
Create Date: 2026-11-28 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f2c4a6e8b013'
down_revision = 'd7a3e5b90c21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'proposal_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=500), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name=op.f('ck_proposal_run_status')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_proposal_run_requested_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_run')),
    )
    with op.batch_alter_table('proposal_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_run_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_run_status'))
    op.drop_table('proposal_run')
