"""Members of the whole chain on every till

A till keeps a copy of the chain's member directory in its own `members`, `cards` and
`member_search` tables, so lookup finds a member of another till or store exactly as
its own (core/members/chain_directory.py). On each member:

- `chain_store`: the store HQ says owns the member ('' for a member HQ never sent);
- `chain_base`: changes of the member counted by HQ rather than by this till's journal
  (`version - chain_base` is the number of member.* rows in the outbox);
- `chain_points`, `chain_principal`, `chain_bonus`: every other till's entries, summed
  by HQ at the last pull. They reach the ledgers as entries of kind `chain` (never
  sent: they are the other tills' own), so a balance is still the sum of its ledger;
- `chain_hidden`: another store's member this till may no longer see (membership went
  back to per store): no card, phone or search key finds them until it is chain-wide again.

`chain_overdrafts` are HQ's overdrafts of the till's members: balances two stores
spent at once while offline, shown in the member's history.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("chain_base", "chain_points", "chain_principal", "chain_bonus")


def upgrade() -> None:
    op.add_column(
        "members", sa.Column("chain_store", sa.String(40), nullable=False, server_default="")
    )
    for name in COLUMNS:
        op.add_column("members", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "members", sa.Column("chain_hidden", sa.Boolean(), nullable=False, server_default="0")
    )
    op.create_table(
        "chain_overdrafts",
        sa.Column("id", sa.Integer(), nullable=False),  # HQ's id of the overdraft
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),  # points | principal | bonus
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("store_code", sa.String(40), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_chain_overdrafts_member_id_members"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_chain_overdrafts"),
    )
    op.create_index("ix_chain_overdrafts_member_id", "chain_overdrafts", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_chain_overdrafts_member_id", table_name="chain_overdrafts")
    op.drop_table("chain_overdrafts")
    with op.batch_alter_table("members") as batch:
        for name in ("chain_store", *COLUMNS, "chain_hidden"):
            batch.drop_column(name)
