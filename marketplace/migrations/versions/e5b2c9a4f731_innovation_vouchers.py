"""创新券 (innovation vouchers): service providers, objections, services, schemes, vouchers, orders, claims,
settlement batches and the ledger

Revision ID: e5b2c9a4f731
Revises: f2c4a6e8b013
Create Date: 2026-11-28 11:51:38.053582

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b2c9a4f731'
down_revision = 'f2c4a6e8b013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voucher_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('remaining', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reserved', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('redeemed', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('settled', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('ratio', sa.Numeric(precision=4, scale=3), nullable=False),
    sa.Column('cap_per_claim', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cap_per_enterprise', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('validity_days', sa.Integer(), nullable=False),
    sa.Column('categories', sa.String(length=200), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('remaining >= 0', name=op.f('ck_voucher_scheme_remaining')),
    sa.CheckConstraint('reserved >= 0', name=op.f('ck_voucher_scheme_reserved')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_scheme'))
    )
    op.create_table('service_provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('categories', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('years', sa.Integer(), nullable=True),
    sa.Column('contact', sa.String(length=100), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('legal_representative', sa.String(length=100), nullable=True),
    sa.Column('shareholdings', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notice_ends_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['user.id'], name=op.f('fk_service_provider_applicant_id_user')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_service_provider_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_provider')),
    sa.UniqueConstraint('organization_id', name='uq_service_provider_organization')
    )
    with op.batch_alter_table('service_provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_provider_status'), ['status'], unique=False)

    op.create_table('settlement_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_settlement_batch_created_by_id_user')),
    sa.ForeignKeyConstraint(['scheme_id'], ['voucher_scheme.id'], name=op.f('fk_settlement_batch_scheme_id_voucher_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_batch')),
    sa.UniqueConstraint('scheme_id', 'month', name='uq_settlement_batch_scheme_month')
    )
    with op.batch_alter_table('settlement_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_batch_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('voucher',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('requested', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('remaining', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('legal_representative', sa.String(length=100), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('shareholdings', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('use_by', sa.Date(), nullable=True),
    sa.Column('redeem_by', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('remaining >= 0', name=op.f('ck_voucher_remaining')),
    sa.ForeignKeyConstraint(['applicant_id'], ['user.id'], name=op.f('fk_voucher_applicant_id_user')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_voucher_organization_id_organization')),
    sa.ForeignKeyConstraint(['scheme_id'], ['voucher_scheme.id'], name=op.f('fk_voucher_scheme_id_voucher_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher')),
    sa.UniqueConstraint('code', name='uq_voucher_code')
    )
    with op.batch_alter_table('voucher', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_scheme_id'), ['scheme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_status'), ['status'], unique=False)

    op.create_table('provider_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['service_provider.id'], name=op.f('fk_provider_objection_provider_id_service_provider')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_provider_objection_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_objection'))
    )
    with op.batch_alter_table('provider_objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_objection_provider_id'), ['provider_id'], unique=False)

    op.create_table('service_product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('price_basis', sa.String(length=200), nullable=True),
    sa.Column('delivery_days', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['service_provider.id'], name=op.f('fk_service_product_provider_id_service_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_product'))
    )
    with op.batch_alter_table('service_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_product_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_product_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_product_status'), ['status'], unique=False)

    op.create_table('voucher_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('contract_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('contract_date', sa.Date(), nullable=False),
    sa.Column('contract_note', sa.Text(), nullable=True),
    sa.Column('delivery_note', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['service_provider.id'], name=op.f('fk_voucher_order_provider_id_service_provider')),
    sa.ForeignKeyConstraint(['service_id'], ['service_product.id'], name=op.f('fk_voucher_order_service_id_service_product')),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_voucher_order_voucher_id_voucher')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_order'))
    )
    with op.batch_alter_table('voucher_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_order_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_order_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_order_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_order_voucher_id'), ['voucher_id'], unique=False)

    op.create_table('voucher_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=False),
    sa.Column('invoice_no', sa.String(length=50), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('invoice_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('payable', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('payment_note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['settlement_batch.id'], name=op.f('fk_voucher_claim_batch_id_settlement_batch')),
    sa.ForeignKeyConstraint(['order_id'], ['voucher_order.id'], name=op.f('fk_voucher_claim_order_id_voucher_order')),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_voucher_claim_voucher_id_voucher')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_claim')),
    sa.UniqueConstraint('invoice_no', name='uq_voucher_claim_invoice_no')
    )
    with op.batch_alter_table('voucher_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_claim_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_claim_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_claim_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_claim_voucher_id'), ['voucher_id'], unique=False)

    op.create_table('voucher_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['voucher_claim.id'], name=op.f('fk_voucher_ledger_claim_id_voucher_claim')),
    sa.ForeignKeyConstraint(['scheme_id'], ['voucher_scheme.id'], name=op.f('fk_voucher_ledger_scheme_id_voucher_scheme')),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_voucher_ledger_voucher_id_voucher')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voucher_ledger'))
    )
    with op.batch_alter_table('voucher_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_ledger_scheme_id'), ['scheme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_ledger_voucher_id'), ['voucher_id'], unique=False)



def downgrade():
    with op.batch_alter_table('voucher_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_ledger_voucher_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_ledger_scheme_id'))

    op.drop_table('voucher_ledger')
    with op.batch_alter_table('voucher_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_claim_voucher_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_claim_status'))
        batch_op.drop_index(batch_op.f('ix_voucher_claim_order_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_claim_batch_id'))

    op.drop_table('voucher_claim')
    with op.batch_alter_table('voucher_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_order_voucher_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_order_status'))
        batch_op.drop_index(batch_op.f('ix_voucher_order_service_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_order_provider_id'))

    op.drop_table('voucher_order')
    with op.batch_alter_table('service_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_product_status'))
        batch_op.drop_index(batch_op.f('ix_service_product_provider_id'))
        batch_op.drop_index(batch_op.f('ix_service_product_category'))

    op.drop_table('service_product')
    with op.batch_alter_table('provider_objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_objection_provider_id'))

    op.drop_table('provider_objection')
    with op.batch_alter_table('voucher', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voucher_status'))
        batch_op.drop_index(batch_op.f('ix_voucher_scheme_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_organization_id'))
        batch_op.drop_index(batch_op.f('ix_voucher_applicant_id'))

    op.drop_table('voucher')
    with op.batch_alter_table('settlement_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_batch_scheme_id'))

    op.drop_table('settlement_batch')
    with op.batch_alter_table('service_provider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_provider_status'))

    op.drop_table('service_provider')
    op.drop_table('voucher_scheme')
