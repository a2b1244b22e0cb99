"""When a till took HQ's identity

`hq_terminals.joined_at`: the till's time at its first handshake. What the till recorded
until then it recorded on its own (a shop that sold before it joined the chain, or went
on selling between `add-terminal` and its set-up), under whatever store code it had.
A terminal that has already said hello keeps the old boundary, the time HQ added it.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("hq_terminals", sa.Column("joined_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE hq_terminals SET joined_at = created_at "
        "WHERE last_seen_at IS NOT NULL OR clock_offset_s IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column("hq_terminals", "joined_at")
