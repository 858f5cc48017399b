"""body: many people's congresses on one service (DESIGN section 8)

A body owns its meetings (and through them its rosters and votes), its staff
accounts and its audit log.  An existing database becomes its first body,
``default``: every meeting, account and audit entry is that body's, and its
audit chain is unchanged (the entries keep their sequence numbers and hashes;
the chain is now numbered within its body).  A staff account's name is unique
within its body; a platform administrator's account belongs to none.

Revision ID: 0007_bodies
Revises: 0006_frozen
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_bodies"
down_revision: str | None = "0006_frozen"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST = 1
"""The id of the first body, which every row of a database made before bodies belongs to."""


def _staff_user_before() -> sa.Table:
    """staff_user as 0001 made it, with its unnamed unique constraint named, so that batch mode can drop it on SQLite."""
    return sa.Table(
        "staff_user",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="staff_user_name_key"),
    )


def _audit_entry_before() -> sa.Table:
    """audit_entry as 0001 made it (its primary key named as PostgreSQL names it), for batch mode on SQLite."""
    return sa.Table(
        "audit_entry",
        sa.MetaData(),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("details", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="audit_entry_pkey"),
        sa.UniqueConstraint("hash", name="audit_entry_hash_key"),
        sa.Index("ix_audit_entry_vote_id", "vote_id"),
    )


def upgrade() -> None:
    op.create_table(
        "body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.execute(
        sa.text(
            "INSERT INTO body (id, slug, name_zh, name_en, created_at) "
            "VALUES (:id, 'default', '人民代表大会', 'People''s Congress', CURRENT_TIMESTAMP)"
        ).bindparams(id=FIRST)
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:  # the row above was given its id: the next body's comes after it
        op.execute("SELECT setval(pg_get_serial_sequence('body', 'id'), (SELECT max(id) FROM body))")

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE meeting SET body_id = :id").bindparams(id=FIRST))
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.alter_column("body_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_meeting_body_id"), ["body_id"], unique=False)
        batch_op.create_foreign_key("fk_meeting_body_id_body", "body", ["body_id"], ["id"])

    staff_options = {} if postgres else {"copy_from": _staff_user_before(), "recreate": "always"}
    with op.batch_alter_table("staff_user", schema=None, **staff_options) as batch_op:  # type: ignore[arg-type]
        batch_op.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint("staff_user_name_key", type_="unique")
    op.execute(sa.text("UPDATE staff_user SET body_id = :id").bindparams(id=FIRST))
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_user_body_id"), ["body_id"], unique=False)
        batch_op.create_foreign_key("fk_staff_user_body_id_body", "body", ["body_id"], ["id"])
        batch_op.create_unique_constraint("uq_staff_user_body_id_name", ["body_id", "name"])

    audit_options = (
        {}
        if postgres
        else {"copy_from": _audit_entry_before(), "recreate": "always", "table_kwargs": {"sqlite_with_rowid": False}}
    )
    with op.batch_alter_table("audit_entry", schema=None, **audit_options) as batch_op:  # type: ignore[arg-type]
        batch_op.add_column(sa.Column("body_id", sa.Integer(), nullable=False, server_default=str(FIRST)))
        batch_op.create_foreign_key("fk_audit_entry_body_id_body", "body", ["body_id"], ["id"])
        batch_op.drop_constraint("audit_entry_pkey", type_="primary")
        batch_op.create_primary_key("audit_entry_pkey", ["body_id", "seq"])
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:  # every entry from now on names its body
        batch_op.alter_column("body_id", existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    for table in ("audit_entry", "staff_user", "meeting"):
        others = f"SELECT count(*) FROM {table} WHERE body_id IS NOT NULL AND body_id <> :id"
        if op.get_bind().execute(sa.text(others).bindparams(id=FIRST)).scalar_one():
            raise RuntimeError(f"{table} holds rows of bodies other than the first: they would be merged; not downgraded")
    with op.batch_alter_table("audit_entry", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint("audit_entry_pkey", type_="primary")
        batch_op.create_primary_key("audit_entry_pkey", ["seq"])
        batch_op.drop_constraint("fk_audit_entry_body_id_body", type_="foreignkey")
        batch_op.drop_column("body_id")
    op.execute("DELETE FROM staff_user WHERE body_id IS NULL")  # platform administrators had no place before bodies
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_constraint("uq_staff_user_body_id_name", type_="unique")
        batch_op.drop_constraint("fk_staff_user_body_id_body", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_staff_user_body_id"))
        batch_op.drop_column("body_id")
        batch_op.create_unique_constraint("staff_user_name_key", ["name"])
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint("fk_meeting_body_id_body", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_meeting_body_id"))
        batch_op.drop_column("body_id")
    op.drop_table("body")
