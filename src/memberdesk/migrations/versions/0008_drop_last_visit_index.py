"""members: the plain last-visit index goes; (last_visit_at, joined_at, …) serves its readers

Every sale moves its member's last visit, so every index on last_visit_at is written by
every checkout. `ix_members_last_visit_at` held nothing that `ix_members_last_visit_joined`
(last_visit_at, joined_at, visit_count, status, id) does not begin with, and its readers
(the dormant lists' ranges, the till's walk by last visit) read that one instead.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_members_last_visit_at", table_name="members")


def downgrade() -> None:
    op.create_index("ix_members_last_visit_at", "members", ["last_visit_at"])
