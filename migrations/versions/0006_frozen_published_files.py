"""published_file: the official forms, rendered once at publication and served byte for byte ever after

The tally sheet (PDF, XLSX, CSV), the announcements (zh, en), VERIFY.md and the
bundle's standard-library verifier are stored when a vote is published; their
SHA-256s are in the publication's audit entry (docs/audit-log.md).  And
round.audit_head_at_open: the head the hall screen shows while a round runs.

Revision ID: 0006_frozen
Revises: 0005_secrecy
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0006_frozen"
down_revision: str | None = "0005_secrecy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('published_file',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], ),
    sa.PrimaryKeyConstraint('vote_id', 'name')
    )
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_head_at_open', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('audit_head_at_open')
    op.drop_table('published_file')
