"""outbox: each row sealed to the one before it; sales, their lines and tenders cannot
be rewritten

The outbox gets its hash chain (core/store/journal.py): existing rows are linked now,
in sequence order. Sales keep their amounts (only `refunded_total` moves, and only
up), sale lines theirs (only `refunded_qty` moves, up), tenders are append-only — as
the ledgers, refunds and the audit log already are.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

from memberdesk.core.store.journal import GENESIS, link
from memberdesk.migrations.helpers import append_only, drop_append_only

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTBOX_FROZEN = ("seq", "event_id", "kind", "aggregate_id", "payload", "created_at")
SALES_FROZEN = (
    "id", "receipt_no", "business_date", "created_at", "cashier_id", "shift_id", "member_id",
    "program_version", "subtotal", "discount_total", "total", "points_redeemed", "points_value",
    "cash_tendered", "change_given", "points_earned", "details",
)  # fmt: skip
LINES_FROZEN = (
    "id", "sale_id", "line_no", "description", "quantity", "unit_price", "category",
    "no_discount", "discount", "discount_kind", "amount",
)  # fmt: skip
BATCH = 5000


def upgrade() -> None:
    op.add_column("outbox", sa.Column("chain", sa.String(64)))
    conn = op.get_bind()
    previous, after = GENESIS, 0
    while True:
        rows = conn.execute(
            text("SELECT seq, event_id, kind, aggregate_id, created_at, payload FROM outbox "
                 "WHERE seq > :a ORDER BY seq LIMIT :n"),
            {"a": after, "n": BATCH},
        ).all()  # fmt: skip
        if not rows:
            break
        values = []
        for r in rows:
            previous = link(previous, r.seq, r.event_id, r.kind, r.aggregate_id, r.created_at,
                            r.payload)  # fmt: skip
            values.append({"c": previous, "s": r.seq})
        conn.execute(text("UPDATE outbox SET chain = :c WHERE seq = :s"), values)
        after = rows[-1].seq
    drop_append_only("outbox", frozen_columns=True)
    append_only("outbox", frozen_columns=(*OUTBOX_FROZEN, "chain"))
    append_only("sales", frozen_columns=SALES_FROZEN)
    op.execute(
        "CREATE TRIGGER trg_sales_refunded_up BEFORE UPDATE OF refunded_total ON sales "
        "WHEN NEW.refunded_total < OLD.refunded_total OR NEW.refunded_total > OLD.total "
        "BEGIN SELECT RAISE(ABORT, 'sales refunds only grow, up to the total'); END"
    )
    append_only("sale_lines", frozen_columns=LINES_FROZEN)
    op.execute(
        "CREATE TRIGGER trg_sale_lines_refunded_up BEFORE UPDATE OF refunded_qty ON sale_lines "
        "WHEN NEW.refunded_qty < OLD.refunded_qty OR NEW.refunded_qty > OLD.quantity "
        "BEGIN SELECT RAISE(ABORT, 'sale lines refunds only grow, up to the quantity'); END"
    )
    append_only("sale_tenders")  # refunds and the audit log were append-only already


def downgrade() -> None:
    drop_append_only("sale_tenders")
    drop_append_only("sales", frozen_columns=True)
    drop_append_only("sale_lines", frozen_columns=True)
    op.execute("DROP TRIGGER IF EXISTS trg_sales_refunded_up")
    op.execute("DROP TRIGGER IF EXISTS trg_sale_lines_refunded_up")
    drop_append_only("outbox", frozen_columns=True)
    append_only("outbox", frozen_columns=OUTBOX_FROZEN)
    op.drop_column("outbox", "chain")
