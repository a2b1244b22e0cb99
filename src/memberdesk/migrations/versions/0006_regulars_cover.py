"""members: the last-visit index carries what picks out the regulars; birthdays by year


The dropping-regulars list first judges every regular who is not dormant from the
last visit, the join date and the visit count (24,544 regulars at a shop of 100k
members and 2M sales). With the visit count, the status and the id in the index that
pass never reads the member table: 150 ms through the old index, 50 ms through this
one on that shop.

The birthday list and the daily refresh of this year's birthdays read members by
(birthday_md_year, birthday_md): the month-day range of this year, and those not yet
moved to this year. Through the month-day index alone both scanned the whole table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_members_last_visit_joined", table_name="members")
    op.create_index(
        "ix_members_last_visit_joined",
        "members",
        ["last_visit_at", "joined_at", "visit_count", "status", "id"],
    )
    op.drop_index("ix_members_birthday_md", table_name="members")
    op.create_index("ix_members_birthday_year_md", "members", ["birthday_md_year", "birthday_md"])


def downgrade() -> None:
    op.drop_index("ix_members_birthday_year_md", table_name="members")
    op.create_index("ix_members_birthday_md", "members", ["birthday_md"])
    op.drop_index("ix_members_last_visit_joined", table_name="members")
    op.create_index("ix_members_last_visit_joined", "members", ["last_visit_at", "joined_at"])
