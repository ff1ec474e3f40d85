"""match feedback: the reason, note, author and time of a dismissal

Revision ID: c3f8d2a6e915
Revises: b7e1a9c4d2f0
Create Date: 2026-11-28 10:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3f8d2a6e915'
down_revision = 'b7e1a9c4d2f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dismiss_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('dismiss_note', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('dismissed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dismissed_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_match_dismissed_by_id_user'), 'user', ['dismissed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_match_dismissed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('dismissed_at')
        batch_op.drop_column('dismissed_by_id')
        batch_op.drop_column('dismiss_note')
        batch_op.drop_column('dismiss_reason')
