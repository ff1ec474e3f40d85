"""CHECK constraints on every status column, one selected application per challenge

Revision ID: e5b2c9d14a07
Revises: e5b2c9a4f731
Create Date: 2026-11-28 12:10:00

The allowed values are those of each column's transition table in marketplace/models/ at this
revision (a migration is a snapshot: later changes to a table need a migration of their own).
"""
from alembic import op
import sqlalchemy as sa


revision = 'e5b2c9d14a07'
down_revision = 'e5b2c9a4f731'
branch_labels = None
depends_on = None

LISTING = ("draft", "pending", "published", "rejected", "archived")
CHALLENGE = ("reviewing", "awarded", "in_progress", "completed", "unclaimed", "cancelled", "failed")
CHECKS = {
    # table: (column, allowed values)
    "achievement": ("status", LISTING),
    "demand": ("status", LISTING + CHALLENGE),
    "match": ("status", ("proposed", "dismissed", "converted")),
    "enquiry": ("status", ("open", "converted", "closed")),
    "deal": ("stage", ("negotiating", "contract_signed", "registered", "delivering", "commercialized",
                       "terminated")),
    "application": ("status", ("submitted", "shortlisted", "selected", "declined", "withdrawn")),
    "milestone": ("status", ("planned", "submitted", "accepted", "rejected")),
    "import_job": ("status", ("queued", "running", "succeeded", "failed")),
}


def upgrade():
    for table, (column, values) in CHECKS.items():
        allowed = ", ".join(f"'{value}'" for value in values)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f'ck_{table}_{column}'), f"{column} IN ({allowed})")
    op.create_index('uq_application_one_selected', 'application', ['demand_id'], unique=True,
                    sqlite_where=sa.text("status = 'selected'"), postgresql_where=sa.text("status = 'selected'"))


def downgrade():
    op.drop_index('uq_application_one_selected', table_name='application')
    for table, (column, _) in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
