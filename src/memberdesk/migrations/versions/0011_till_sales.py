"""held sales and the till's line changes

Held sales (F7) are kept in the database, so they survive logging out and a restart:
`held_sales` holds each one's lines, member, discounts and who approved them until it
is recalled (the row is then deleted: a held sale is not a sale and is never synced).
A tender records the customer's WeChat / Alipay payment code it was paid with
(`sale_tenders.reference`); `sale_tenders` stays append-only (its guard refuses any
UPDATE, the new column included). Discounts given by hand need no new column: a sale
line keeps its discount and kind (manual, price, sale), the sale's details the rest.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from memberdesk.migrations.helpers import append_only

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "held_sales",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("staff_name", sa.String(length=40), nullable=False),
        sa.Column("shift_id", sa.String(length=36), nullable=True),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("member_name", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("sale", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_held_sales_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_held_sales_shift_id_shifts")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_held_sales_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_sales")),
    )
    with op.batch_alter_table("held_sales", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_sales_held_at"), ["held_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_held_sales_staff_id"), ["staff_id"], unique=False)
    # A plain ADD COLUMN (not a batch copy of the table), so the append-only triggers stay.
    op.add_column(
        "sale_tenders",
        sa.Column("reference", sa.String(length=32), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("sale_tenders", schema=None) as batch_op:
        batch_op.drop_column("reference")
    append_only("sale_tenders")  # the table was copied without its triggers
    with op.batch_alter_table("held_sales", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_sales_staff_id"))
        batch_op.drop_index(batch_op.f("ix_held_sales_held_at"))
    op.drop_table("held_sales")
