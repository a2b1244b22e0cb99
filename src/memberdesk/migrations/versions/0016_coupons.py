"""Coupons

`coupons`: each coupon the till issued, or redeemed after learning it from its code;
its terms are frozen by a trigger, only `status` moves. `coupon_events`: the coupon
ledger (issue, redeem, return, expire), append-only.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from memberdesk.migrations.helpers import append_only, drop_append_only

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TERMS = ("id", "code", "type_code", "name", "kind", "value", "min_spend", "member_id",
         "source", "campaign", "issued_at", "valid_from", "valid_until")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "coupons",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("code", sa.String(96), nullable=False),
        sa.Column("type_code", sa.String(8), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("min_spend", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=True),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("campaign", sa.String(40), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name="fk_coupons_member_id_members"),
        sa.PrimaryKeyConstraint("id", name="pk_coupons"),
        sa.UniqueConstraint("code", name="uq_coupons_code"),
    )
    op.create_index("ix_coupons_valid_until", "coupons", ["valid_until"])
    op.create_index("ix_coupons_member_status", "coupons", ["member_id", "status"])
    op.create_table(
        "coupon_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("coupon_id", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("sale_id", sa.String(36), nullable=True),
        sa.Column("refund_id", sa.String(36), nullable=True),
        sa.Column("off", sa.Integer(), nullable=False),
        sa.Column("staff_name", sa.String(40), nullable=False),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coupon_id"], ["coupons.id"], name="fk_coupon_events_coupon_id_coupons"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_coupon_events"),
    )
    op.create_index("ix_coupon_events_coupon_id", "coupon_events", ["coupon_id"])
    op.create_index("ix_coupon_events_sale_id", "coupon_events", ["sale_id"])
    append_only("coupons", TERMS)
    append_only("coupon_events")


def downgrade() -> None:
    drop_append_only("coupon_events")
    drop_append_only("coupons", frozen_columns=True)
    op.drop_table("coupon_events")
    op.drop_index("ix_coupons_member_status", table_name="coupons")
    op.drop_index("ix_coupons_valid_until", table_name="coupons")
    op.drop_table("coupons")
