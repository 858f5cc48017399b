"""round.secrecy_pending: the close's secrecy step has not completed yet; open rounds' staging tables (PostgreSQL)

A round is closed with ``secrecy_pending`` set, and it is cleared only once
the storage keeps no trace of the order of casting (voting.services.erasure);
a round whose step is pending cannot be counted.  On PostgreSQL an open
round's ballots and participation rows are written to staging tables of its
own (voting.store.secrecy): a round open during the upgrade gets them here,
with the rows it already has.  Upgrade between rounds: rows moved here leave
dead versions in the parents' files until a ``VACUUM FULL``.

Revision ID: 0005_secrecy
Revises: 0004_sessions
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0005_secrecy"
down_revision: str | None = "0004_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEYS = {"ballot": "receipt", "participation": "round_id, deputy_id"}


def upgrade() -> None:
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secrecy_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for (round_id,) in bind.execute(sa.text("SELECT id FROM round WHERE state = 'open'")).all():
        for table, key in _KEYS.items():
            name = f"{table}_open_{int(round_id)}"
            op.execute(f"CREATE TABLE {name} () INHERITS ({table})")
            op.execute(f"ALTER TABLE {name} ADD PRIMARY KEY ({key})")
            op.execute(f"INSERT INTO {name} SELECT * FROM ONLY {table} WHERE round_id = {int(round_id)}")
            op.execute(f"DELETE FROM ONLY {table} WHERE round_id = {int(round_id)}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for (round_id,) in bind.execute(sa.text("SELECT id FROM round")).all():
            for table in _KEYS:
                name = f"{table}_open_{int(round_id)}"
                if bind.execute(sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar_one():
                    op.execute(f"INSERT INTO ONLY {table} SELECT * FROM {name}")
                    op.execute(f"DROP TABLE {name}")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("secrecy_pending")
