"""maturity on one scale: the older names (实验室 … 产业化) stored as their TRL code; the search index is told

Revision ID: d7a3e5b90c21
Revises: e5b2c7d9a4f1
Create Date: 2026-11-28 12:00:00

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


revision = 'd7a3e5b90c21'
down_revision = 'e5b2c7d9a4f1'
branch_labels = None
depends_on = None

# The same mapping as marketplace.models.listings.OLD_MATURITIES (copied: a migration does not import app code).
OLD_TO_TRL = {'实验室': 'TRL4', '小试': 'TRL5', '中试': 'TRL6', '小批量生产': 'TRL8', '产业化': 'TRL9'}

achievement = sa.table('achievement', sa.column('id', sa.Integer), sa.column('maturity', sa.String))
outbox = sa.table('index_outbox', sa.column('key', sa.String), sa.column('created_at', sa.DateTime))


def upgrade():
    bind = op.get_bind()
    ids = bind.execute(sa.select(achievement.c.id).where(achievement.c.maturity.in_(list(OLD_TO_TRL)))).scalars().all()
    for old, code in OLD_TO_TRL.items():
        bind.execute(achievement.update().where(achievement.c.maturity == old).values(maturity=code))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if ids:  # the worker re-indexes these listings (their documents carry the maturity)
        bind.execute(outbox.insert(), [{'key': f'achievement:{i}', 'created_at': now} for i in ids])


def downgrade():
    pass  # TRL codes were valid values before this revision too
