"""follow-up lists: index members by (last_visit_at, joined_at)

The dormant list asks for members last seen in a date range, or never seen and
joined in that range; with this index both halves are range searches.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_members_last_visit_joined", ["last_visit_at", "joined_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_last_visit_joined")
