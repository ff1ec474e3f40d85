"""organization membership: join requests, org admins, identity changes under review

Existing users with an organization stay its (approved) members; the earliest user of each
organization becomes its org admin.

Revision ID: b7e1a9c4d2f0
Revises: 5e55a0c1d2b3
Create Date: 2026-11-28 09:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e1a9c4d2f0'
down_revision = '5e55a0c1d2b3'
branch_labels = None
depends_on = None

STATES = "status IN ('pending', 'approved', 'rejected')"


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_org_admin', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('join_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint(STATES, name=op.f('ck_join_request_status')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_join_request_organization_id_organization')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_join_request_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_join_request'))
    )
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_join_request_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_request_user_id'), ['user_id'], unique=False)

    op.create_table('organization_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint(STATES, name=op.f('ck_organization_change_status')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_organization_change_organization_id_organization')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_organization_change_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_change'))
    )
    with op.batch_alter_table('organization_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_change_organization_id'), ['organization_id'], unique=False)

    # Every existing user with an organization is already an approved member (organization_id is kept);
    # the earliest user of each organization becomes its org admin.
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('organization_id', sa.Integer),
                    sa.column('is_org_admin', sa.Boolean))
    earliest = (sa.select(sa.func.min(user.c.id)).where(user.c.organization_id.isnot(None))
                .group_by(user.c.organization_id))
    ids = [row[0] for row in op.get_bind().execute(earliest)]
    if ids:
        op.execute(user.update().where(user.c.id.in_(ids)).values(is_org_admin=True))


def downgrade():
    with op.batch_alter_table('organization_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_change_organization_id'))
    op.drop_table('organization_change')
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_join_request_user_id'))
        batch_op.drop_index(batch_op.f('ix_join_request_organization_id'))
    op.drop_table('join_request')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('is_org_admin')
