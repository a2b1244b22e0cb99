"""Coupons redeemed across the chain

`hq_coupon_events`: every step of every coupon as the tills sent it, so a coupon used
at two tills while they were offline is listed as a problem. The chain's coupon key
lives in `hq_chain_settings` (made the first time a till says hello).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "hq_coupon_events",
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("coupon_id", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("store_code", sa.String(40), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("sale_id", sa.String(64), nullable=True),
        sa.Column("refund_id", sa.String(64), nullable=True),
        sa.Column("off", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("data", Json, nullable=False),
        sa.Column("epoch", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("superseded", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "epoch", "seq", name="pk_hq_coupon_events"),
    )
    op.create_index("ix_hq_coupon_events_coupon_id", "hq_coupon_events", ["coupon_id"])


def downgrade() -> None:
    op.drop_index("ix_hq_coupon_events_coupon_id", table_name="hq_coupon_events")
    op.drop_table("hq_coupon_events")
