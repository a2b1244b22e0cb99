"""the blind shift close: what the cashier leaves in the drawer for the next shift

A shift close records, beside the cash counted and the cash expected, how much of the
count stays in the drawer as the next shift's float (the hand-over); the rest is taken
out. The next float is offered from it. Shifts closed before this revision have none.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handover", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_column("handover")
