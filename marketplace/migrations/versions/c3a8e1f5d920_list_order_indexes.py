"""list indexes for the price and budget orders and the type and maturity filters (issue #15)

Revision ID: c3a8e1f5d920
Revises: b7d41e9c2a55
Create Date: 2026-11-28 17:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3a8e1f5d920'
down_revision = 'b7d41e9c2a55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_achievement_status_type_published', 'achievement', ['status', 'type', 'published_at', 'id'])
    op.create_index('ix_achievement_status_maturity_published', 'achievement',
                    ['status', 'maturity', 'published_at', 'id'])
    # coalesce(amount, -1): the never-NULL key of the orders (models/listings.py amount_key)
    op.create_index('ix_achievement_status_price', 'achievement', ['status', sa.text('coalesce(price, -1)'), 'id'])
    op.create_index('ix_demand_budget', 'demand', [sa.text('coalesce(budget, -1)'), 'id', 'status'])


def downgrade():
    op.drop_index('ix_demand_budget', table_name='demand')
    op.drop_index('ix_achievement_status_price', table_name='achievement')
    op.drop_index('ix_achievement_status_maturity_published', table_name='achievement')
    op.drop_index('ix_achievement_status_type_published', table_name='achievement')
