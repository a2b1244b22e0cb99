"""finding sales in the journal; a past day's ledgers read by day

The sales journal filters by cashier and by amount, newest first. Neither had an index:
at 2,014,000 sales (the benchmark shop's size, warm cache) a cashier's latest page took
275 ms (the whole table read and sorted) and an exact amount 194 ms; through
(cashier_id, business_date) and (total, business_date) both take under 1 ms. They cost
113 MB and 45 MB at that size (the file is about 7.7 GB). A member's sales, the walk-ins
and a range of days already had their indexes (ix_sales_member_date,
ix_sales_business_date); core/till/journal.py says which filter reads which.

The day-end report of any past day sums that day's points and stored-value entries;
the ledgers were indexed by member only, so every report (and every reconciliation
with HQ) read all of them: 1.8 s for 2.4 million points entries and 0.4 s for the
stored value's, warm. By (business_date) it is the day's entries only, 2 ms
(46 MB and 4 MB).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 21:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_sales_cashier_date", "sales", ["cashier_id", "business_date"])
    op.create_index("ix_sales_total_date", "sales", ["total", "business_date"])
    op.create_index("ix_points_ledger_date", "points_ledger", ["business_date"])
    op.create_index("ix_wallet_ledger_date", "wallet_ledger", ["business_date"])


def downgrade() -> None:
    op.drop_index("ix_wallet_ledger_date", table_name="wallet_ledger")
    op.drop_index("ix_points_ledger_date", table_name="points_ledger")
    op.drop_index("ix_sales_total_date", table_name="sales")
    op.drop_index("ix_sales_cashier_date", table_name="sales")
