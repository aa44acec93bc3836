"""The data tables reshaped (a natural key plus the JSON of the other fields), a glossary, and the
versioned source of truth (data_version, data_blob, data_folder).

Revision ID: 0002
Revises: 0001
Created: 2026-12-03

These tables were changed before migrations existed; this revision takes a database of the earlier
shape to the new one. The data tables hold nothing but what the data files make, so they are dropped
and made anew, empty: the next start fills them from the data folder (as a first start does). The
query log is not touched. This is the one revision that is not additive: stop every process of the
earlier version before starting this one on the same database. A database made by `create_all`
after these changes (no revision, but these tables) is stamped with this revision instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# children before parents
DATA_TABLES = ("award", "score", "method_fact", "edition_category", "structure", "edition", "source",
               "vocabulary_term")


def upgrade() -> None:
    for table in DATA_TABLES:
        op.drop_table(table)

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

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )

    op.create_table('edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_edition_year'), 'edition', ['year'], unique=True)

    op.create_table('edition_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['edition.year'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'category_id')
    )
    op.create_index(op.f('ix_edition_category_year'), 'edition_category', ['year'], unique=False)

    op.create_table('structure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('department', sa.String(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', 'department')
    )
    op.create_index(op.f('ix_structure_name'), 'structure', ['name'], unique=False)

    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.String(), nullable=True),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], ),
    sa.ForeignKeyConstraint(['year'], ['edition.year'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_award_structure_id'), 'award', ['structure_id'], unique=False)
    op.create_index(op.f('ix_award_year'), 'award', ['year'], unique=False)

    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('target', sa.String(), nullable=True),
    sa.Column('channel', sa.String(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['edition.year'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'subject', 'target', 'channel')
    )
    op.create_index(op.f('ix_score_year'), 'score', ['year'], unique=False)

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

    op.create_table('glossary_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('term_id')
    )

    op.create_table('data_blob',
    sa.Column('hash', sa.String(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('hash')
    )

    op.create_table('data_folder',
    sa.Column('hash', sa.String(), nullable=False),
    sa.Column('path', sa.String(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('hash', 'path')
    )

    op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('origin', sa.String(), nullable=False),
    sa.Column('detail', sa.String(), nullable=True),
    sa.Column('content_hash', sa.String(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('summary', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    raise NotImplementedError("0002 cannot be undone: restore the backup taken before the upgrade")
