"""api_token: one row per login, with its session cookie's id and the times the idle and absolute limits count from

Logging out with the cookie or with the bearer token deletes the row and so
ends both; the row's issued_at and last_seen_at carry the absolute and idle
limits (voting.services.auth).  Tokens made before this revision are deleted:
upgrading logs everyone out.

Revision ID: 0004_sessions
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0004_sessions"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM api_token")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False))
        batch_op.add_column(sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False))
        batch_op.create_unique_constraint("uq_api_token_session_hash", ["session_hash"])


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_constraint("uq_api_token_session_hash", type_="unique")
        batch_op.drop_column("last_seen_at")
        batch_op.drop_column("issued_at")
        batch_op.drop_column("session_hash")
