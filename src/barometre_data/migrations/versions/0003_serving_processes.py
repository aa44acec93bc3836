"""The processes serving the data: which data version each running process (a bot, `barometre
chat`) serves, for /stats.

Revision ID: 0003
Revises: 0002
Created: 2026-12-03

Additive only (README, "Changing the schema"): a new table. An older process ignores it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('serving_process',
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('shards', sa.String(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_index(op.f('ix_serving_process_seen_at'), 'serving_process', ['seen_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_serving_process_seen_at'), table_name='serving_process')
    op.drop_table('serving_process')
