"""attachments (files on listings, applications, deals) and listing revisions under review

Revision ID: d1a7e3c5b902
Revises: d5a9e3c7b210
Create Date: 2026-11-28 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd1a7e3c5b902'
down_revision = 'd5a9e3c7b210'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['uploader_id'], ['user.id'], name=op.f('fk_attachment_uploader_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name='uq_attachment_stored_name')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_target', ['target_type', 'target_id'], unique=False)

    op.create_table('listing_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_kind', sa.String(length=20), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_listing_revision_status')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_listing_revision_author_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_revision'))
    )
    with op.batch_alter_table('listing_revision', schema=None) as batch_op:
        batch_op.create_index('ix_listing_revision_listing', ['listing_kind', 'listing_id'], unique=False)
        batch_op.create_index('uq_listing_revision_pending', ['listing_kind', 'listing_id'], unique=True,
                              sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    with op.batch_alter_table('listing_revision', schema=None) as batch_op:
        batch_op.drop_index('uq_listing_revision_pending')
        batch_op.drop_index('ix_listing_revision_listing')
    op.drop_table('listing_revision')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_attachment_target')
    op.drop_table('attachment')
