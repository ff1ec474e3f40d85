"""trust and contact: listing contact person and view count, responses to demands, favourites,
announcements, the public opt-outs of deals

Revision ID: d9a3e5b71c20
Revises: d1a7e3c5b902
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd9a3e5b71c20'
down_revision = 'd1a7e3c5b902'
branch_labels = None
depends_on = None

LISTING_TABLES = ('achievement', 'demand')


def upgrade():
    for table in LISTING_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('contact_name', sa.String(length=50), nullable=True))
            batch_op.add_column(sa.Column('contact_role', sa.String(length=50), nullable=True))
            batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), nullable=True))
            batch_op.add_column(sa.Column('contact_email', sa.String(length=200), nullable=True))
            batch_op.add_column(sa.Column('contact_show', sa.String(length=10), server_default='both', nullable=False))
            batch_op.add_column(sa.Column('view_count', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_optout_supplier', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('public_optout_buyer', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_deal_registered_on', ['registered_on'], unique=False)

    op.create_table(
        'demand_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('demand_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('achievement_id', sa.Integer(), nullable=True),
        sa.Column('capability', sa.Text(), nullable=True),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['achievement_id'], ['achievement.id'],
                                name='fk_demand_response_achievement_id_achievement'),
        sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name='fk_demand_response_demand_id_demand'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name='fk_demand_response_organization_id_organization'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_demand_response_user_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_demand_response'),
        sa.UniqueConstraint('demand_id', 'achievement_id', name='uq_demand_response_pair'),
    )
    op.create_index('ix_demand_response_demand_id', 'demand_response', ['demand_id'], unique=False)
    op.create_index('ix_demand_response_user_id', 'demand_response', ['user_id'], unique=False)
    op.create_index('ix_demand_response_achievement_id', 'demand_response', ['achievement_id'], unique=False)
    op.create_index('ix_demand_response_status', 'demand_response', ['status'], unique=False)

    op.create_table(
        'favourite',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('subject_type', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_favourite_user_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_favourite'),
        sa.UniqueConstraint('user_id', 'subject_type', 'subject_id', name='uq_favourite_user_subject'),
    )
    op.create_index('ix_favourite_subject', 'favourite', ['subject_type', 'subject_id'], unique=False)

    op.create_table(
        'announcement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name='fk_announcement_created_by_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_announcement'),
    )
    op.create_index('ix_announcement_published_on', 'announcement', ['published_on'], unique=False)


def downgrade():
    op.drop_index('ix_announcement_published_on', table_name='announcement')
    op.drop_table('announcement')
    op.drop_index('ix_favourite_subject', table_name='favourite')
    op.drop_table('favourite')
    for name in ('ix_demand_response_status', 'ix_demand_response_achievement_id', 'ix_demand_response_user_id',
                 'ix_demand_response_demand_id'):
        op.drop_index(name, table_name='demand_response')
    op.drop_table('demand_response')
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_index('ix_deal_registered_on')
        batch_op.drop_column('public_optout_buyer')
        batch_op.drop_column('public_optout_supplier')
    for table in reversed(LISTING_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('view_count')
            batch_op.drop_column('contact_show')
            batch_op.drop_column('contact_email')
            batch_op.drop_column('contact_phone')
            batch_op.drop_column('contact_role')
            batch_op.drop_column('contact_name')
