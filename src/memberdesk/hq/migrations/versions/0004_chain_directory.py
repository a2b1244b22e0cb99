"""The chain's member directory and its membership scope

`hq_chain_settings` holds chain data set at HQ (`memberdesk-hq chain`): the membership
scope (per store or chain-wide) and the policy for spending a balance HQ confirmed
earlier. `hq_directory` numbers every member's last change in commit order (one row
of `hq_directory_clock`), so tills pull the directory with a cursor. `hq_overdrafts`
records a balance that went below zero once two stores' entries met. `hq_member_fields`
keeps each profile field's latest edit and its time, so edits from two places merge
field by field.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "hq_chain_settings",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", Json, nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_hq_chain_settings"),
    )
    op.create_table(
        "hq_directory",
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name="pk_hq_directory"),
    )
    op.create_index(
        "ix_hq_directory_change_seq_member_id", "hq_directory", ["change_seq", "member_id"]
    )
    op.create_table(
        "hq_directory_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hq_directory_clock"),
    )
    op.create_table(
        "hq_overdrafts",
        sa.Column("id", AutoId, autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("store_code", sa.String(40), nullable=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hq_overdrafts"),
    )
    op.create_index("ix_hq_overdrafts_member_id", "hq_overdrafts", ["member_id"])
    op.create_table(
        "hq_member_fields",
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("value", Json, nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "field", name="pk_hq_member_fields"),
    )
    # Old card numbers of the members a page of the directory names.
    op.create_index("ix_hq_cards_member_id", "hq_cards", ["member_id"])
    # Every member HQ holds enters the feed once, in one step.
    op.execute("INSERT INTO hq_directory_clock (id, seq) VALUES (1, 1)")
    op.execute("INSERT INTO hq_directory (member_id, change_seq) SELECT id, 1 FROM hq_members")


def downgrade() -> None:
    op.drop_index("ix_hq_cards_member_id", table_name="hq_cards")
    op.drop_table("hq_member_fields")
    op.drop_table("hq_overdrafts")
    op.drop_table("hq_directory_clock")
    op.drop_table("hq_directory")
    op.drop_table("hq_chain_settings")
