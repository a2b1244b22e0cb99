"""A guardian's consent for a member under 14

The personal information of a child under 14 may be kept only with the consent of a
parent or other guardian (个人信息保护法 art. 31; art. 28 counts it as sensitive). A member
whose date of birth makes them younger is issued, or their profile changed, only with
that consent given, and the member's row keeps it (`guardian_consent`), as it keeps the
marketing consent.

A plain ADD COLUMN with a default: the members table is not copied, and every member
held so far reads as without it — a child issued before, edited now, is asked for it.

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("members")}
    if "guardian_consent" not in columns:  # a file whose recorded revision was set back
        op.add_column(
            "members",
            sa.Column("guardian_consent", sa.Boolean(), nullable=False, server_default="0"),
        )


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+): a batch copy of members would trip the triggers of
    # the tables that name it (the call log's guards).
    op.execute("ALTER TABLE members DROP COLUMN guardian_consent")
