"""e-mail notification preferences (kinds mailed, immediately or as a daily digest)

Revision ID: d5a9e3c7b210
Revises: d1a7e3c5b820
Create Date: 2026-11-28 12:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'd5a9e3c7b210'
down_revision = 'd1a7e3c5b820'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_preference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kinds', sa.String(length=2000), nullable=False),
        sa.Column('frequency', sa.String(length=10), nullable=False),
        sa.Column('digest_sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_mail_preference_user_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_mail_preference'),
        sa.UniqueConstraint('user_id', name='uq_mail_preference_user_id'),
    )


def downgrade():
    op.drop_table('mail_preference')
