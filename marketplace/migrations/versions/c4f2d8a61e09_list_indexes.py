"""composite indexes for the public lists (status[, field], published_at, id) and the workbench

Revision ID: c4f2d8a61e09
Revises: c3f8d2a6e915
Create Date: 2026-11-28 10:55:00

"""
from alembic import op


revision = 'c4f2d8a61e09'
down_revision = 'c3f8d2a6e915'
branch_labels = None
depends_on = None

INDEXES = (
    ('achievement', 'ix_achievement_status_published', ['status', 'published_at', 'id']),
    ('achievement', 'ix_achievement_status_field_published', ['status', 'field', 'published_at', 'id']),
    ('demand', 'ix_demand_published', ['published_at', 'id', 'status']),
    ('demand', 'ix_demand_status_published', ['status', 'published_at', 'id']),
    ('demand', 'ix_demand_field_published', ['field', 'published_at', 'id']),
    ('demand', 'ix_demand_challenge_published', ['is_challenge', 'published_at', 'id']),
    ('match', 'ix_match_status_score', ['status', 'score', 'created_at', 'id']),
)


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
