"""Answers marked as wrong: the "wrong answer" button under each answer in Discord logs the question,
the answer and the data version; /stats and `barometre stats` list the recent ones.

Revision ID: 0004
Revises: 0003
Created: 2026-12-03

Additive only (README, "Changing the schema"): a new table. An older process ignores it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('question', sa.String(), nullable=True),
    sa.Column('answer', sa.String(), nullable=False),
    sa.Column('found', sa.Boolean(), nullable=True),
    sa.Column('intent', sa.String(), nullable=True),
    sa.Column('lang', sa.String(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('data_version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_answer_flag_created_at'), 'answer_flag', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_answer_flag_created_at'), table_name='answer_flag')
    op.drop_table('answer_flag')
