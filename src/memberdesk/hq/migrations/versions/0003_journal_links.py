"""Each terminal's journal checked on arrival: the last link HQ holds, and the breaks found

A till seals each outbox row to the one before it (core/store/journal.py) and sends the
link with the event. HQ keeps the last link of each terminal and lists an event whose
link does not follow from the one before as a break (`memberdesk-hq problems`).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("hq_terminals", sa.Column("last_chain", sa.String(64)))
    op.create_table(
        "hq_journal_breaks",
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("store_code", sa.String(40), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "epoch", "seq", name="pk_hq_journal_breaks"),
    )


def downgrade() -> None:
    op.drop_table("hq_journal_breaks")
    op.drop_column("hq_terminals", "last_chain")
