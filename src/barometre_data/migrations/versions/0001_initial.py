"""The initial schema: the tables as `create_all` made them before migrations existed.

Revision ID: 0001
Revises: (none)
Created: 2026-12-03 14:15:31.144018

A database made before migrations holds exactly these tables: `barometre_data.migrate` stamps it
with this revision (when every table and column below is there) instead of creating anything.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('completeness', sa.String(), nullable=False),
    sa.Column('completeness_note', sa.String(), nullable=True),
    sa.Column('published_date', sa.String(), nullable=True),
    sa.Column('published_place', sa.String(), nullable=True),
    sa.Column('published_note', sa.String(), nullable=True),
    sa.Column('published_note_en', sa.String(), nullable=True),
    sa.Column('published_sources', sa.JSON(), nullable=True),
    sa.Column('presentation_date', sa.String(), nullable=True),
    sa.Column('presentation_place', sa.String(), nullable=True),
    sa.Column('presentation_note', sa.String(), nullable=True),
    sa.Column('presentation_note_en', sa.String(), nullable=True),
    sa.Column('presentation_sources', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_edition_year'), 'edition', ['year'], unique=True)

    op.create_table('query_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('question', sa.String(), nullable=False),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('intent', sa.String(), nullable=True),
    sa.Column('lang', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_query_log_created_at'), 'query_log', ['created_at'], unique=False)
    op.create_index(op.f('ix_query_log_found'), 'query_log', ['found'], unique=False)

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )
    op.create_table('structure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=True),
    sa.Column('commune', sa.String(), nullable=True),
    sa.Column('department', sa.String(), nullable=True),
    sa.Column('region', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', 'department')
    )
    op.create_index(op.f('ix_structure_name'), 'structure', ['name'], unique=False)

    op.create_table('vocabulary_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(), nullable=False),
    sa.Column('term_id', sa.String(), nullable=False),
    sa.Column('fr', sa.String(), nullable=False),
    sa.Column('en', sa.String(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('section', 'term_id')
    )
    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.String(), nullable=True),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('mention', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], ),
    sa.ForeignKeyConstraint(['year'], ['edition.year'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_award_structure_id'), 'award', ['structure_id'], unique=False)
    op.create_index(op.f('ix_award_year'), 'award', ['year'], unique=False)

    op.create_table('edition_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.String(), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['edition.year'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'category_id')
    )
    op.create_index(op.f('ix_edition_category_year'), 'edition_category', ['year'], unique=False)

    op.create_table('method_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['edition.year'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_method_fact_year'), 'method_fact', ['year'], unique=False)

    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('target', sa.String(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(), nullable=False),
    sa.Column('change', sa.Float(), nullable=True),
    sa.Column('trend', sa.String(), nullable=True),
    sa.Column('standing', sa.String(), nullable=True),
    sa.Column('derived', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('note_en', sa.String(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['edition.year'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'subject', 'target')
    )
    op.create_index(op.f('ix_score_year'), 'score', ['year'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_score_year'), table_name='score')
    op.drop_table('score')
    op.drop_index(op.f('ix_method_fact_year'), table_name='method_fact')
    op.drop_table('method_fact')
    op.drop_index(op.f('ix_edition_category_year'), table_name='edition_category')
    op.drop_table('edition_category')
    op.drop_index(op.f('ix_award_year'), table_name='award')
    op.drop_index(op.f('ix_award_structure_id'), table_name='award')
    op.drop_table('award')
    op.drop_table('vocabulary_term')
    op.drop_index(op.f('ix_structure_name'), table_name='structure')
    op.drop_table('structure')
    op.drop_table('source')
    op.drop_index(op.f('ix_query_log_found'), table_name='query_log')
    op.drop_index(op.f('ix_query_log_created_at'), table_name='query_log')
    op.drop_table('query_log')
    op.drop_index(op.f('ix_edition_year'), table_name='edition')
    op.drop_table('edition')
