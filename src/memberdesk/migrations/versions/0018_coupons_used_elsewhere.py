"""Coupons used elsewhere

`coupons_used_elsewhere`: coupons HQ said another till has used, learnt when one was
scanned here while HQ could be reached; the till refuses them as it refuses its own used
ones. A cache of HQ's word, not a ledger: asked again, "not used" removes the row.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coupons_used_elsewhere",
        sa.Column("coupon_id", sa.String(24), nullable=False),
        sa.Column("store_code", sa.String(40), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("learnt_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("coupon_id", name="pk_coupons_used_elsewhere"),
    )


def downgrade() -> None:
    op.drop_table("coupons_used_elsewhere")
