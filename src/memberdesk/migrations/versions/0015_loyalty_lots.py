"""Points spent and expired by earning date; coupons and count cards

Points lots need no table: they are replayed from the points ledger
(core/loyalty/lots.py). Count cards (次卡) get two tables: `count_cards`, whose rows
never change except the cached count left, and its append-only ledger
`count_card_ledger` (sold, used, refunded, expired).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from memberdesk.migrations.helpers import append_only, drop_append_only

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CARD_COLUMNS = (
    "id", "receipt_no", "member_id", "name", "item_id", "category", "counts", "price",
    "visit_price", "tender", "sold_at", "business_date", "expires_on", "cashier_id", "shift_id",
    "program_version",
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "count_cards",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("receipt_no", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("counts", sa.Integer(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("visit_price", sa.Integer(), nullable=False),
        sa.Column("tender", sa.String(length=10), nullable=False),
        sa.Column("sold_at", sa.DateTime(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("cashier_id", sa.String(length=36), nullable=True),
        sa.Column("shift_id", sa.String(length=36), nullable=True),
        sa.Column("program_version", sa.Integer(), nullable=False),
        sa.Column("counts_left", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_count_cards_member_id_members")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_count_cards_item_id_items")),
        sa.ForeignKeyConstraint(["cashier_id"], ["staff.id"], name=op.f("fk_count_cards_cashier_id_staff")),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], name=op.f("fk_count_cards_shift_id_shifts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_count_cards")),
        sa.UniqueConstraint("receipt_no", name=op.f("uq_count_cards_receipt_no")),
    )  # fmt: skip
    with op.batch_alter_table("count_cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_count_cards_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_count_cards_business_date"), ["business_date"], unique=False
        )
        batch_op.create_index("ix_count_cards_expiry", ["expires_on", "counts_left"], unique=False)
    op.create_table(
        "count_card_ledger",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("receipt_no", sa.String(length=40), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("tender", sa.String(length=10), nullable=True),
        sa.Column("cashier_id", sa.String(length=36), nullable=True),
        sa.Column("shift_id", sa.String(length=36), nullable=True),
        sa.Column("left_after", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["count_cards.id"], name=op.f("fk_count_card_ledger_card_id_count_cards")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_count_card_ledger_member_id_members")),
        sa.ForeignKeyConstraint(["cashier_id"], ["staff.id"], name=op.f("fk_count_card_ledger_cashier_id_staff")),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], name=op.f("fk_count_card_ledger_shift_id_shifts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_count_card_ledger")),
    )  # fmt: skip
    with op.batch_alter_table("count_card_ledger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_count_card_ledger_card_id"), ["card_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_count_card_ledger_business_date"), ["business_date"], unique=False
        )
    append_only("count_cards", CARD_COLUMNS)  # only the cached count left moves …
    op.execute(  # … and only down, never below nothing
        "CREATE TRIGGER trg_count_cards_left_down BEFORE UPDATE ON count_cards "
        "WHEN NEW.counts_left > OLD.counts_left OR NEW.counts_left < 0 "
        "BEGIN SELECT RAISE(ABORT, 'a count card''s counts only go down'); END"
    )
    append_only("count_card_ledger")


def downgrade() -> None:
    drop_append_only("count_card_ledger")
    drop_append_only("count_cards", frozen_columns=True)
    op.execute("DROP TRIGGER IF EXISTS trg_count_cards_left_down")
    op.drop_table("count_card_ledger")
    op.drop_table("count_cards")
