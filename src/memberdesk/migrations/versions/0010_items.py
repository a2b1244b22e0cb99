"""products and their barcodes (the catalogue); sale lines name the item they sold

Items are never deleted (sales name them), only deactivated. A barcode belongs to one
item. `item_search` holds an item name's lookup keys, as `member_search` does for
members. Sale lines get the item they sold (`item_id`, and its code as it was then);
both are sealed with the rest of the line (trg_sale_lines_frozen).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from memberdesk.migrations.helpers import append_only

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINES_FROZEN = (
    "id", "sale_id", "line_no", "description", "quantity", "unit_price", "category",
    "no_discount", "discount", "discount_kind", "amount",
)  # fmt: skip


def _frozen_lines(columns: tuple[str, ...]) -> None:
    op.execute("DROP TRIGGER IF EXISTS trg_sale_lines_frozen")
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    op.execute(
        f"CREATE TRIGGER trg_sale_lines_frozen BEFORE UPDATE ON sale_lines WHEN {changed} "
        "BEGIN SELECT RAISE(ABORT, 'sale_lines rows cannot be rewritten'); END"
    )


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("member_price", sa.Integer(), nullable=True),
        sa.Column("no_discount", sa.Boolean(), nullable=False),
        sa.Column("earns_points", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("code", name=op.f("uq_items_code")),
    )
    op.create_index("ix_items_category_code", "items", ["category", "code"])
    op.create_table(
        "item_barcodes",
        sa.Column("barcode", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_barcodes_item_id_items")
        ),
        sa.PrimaryKeyConstraint("barcode", name=op.f("pk_item_barcodes")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_item_barcodes_item_id"), "item_barcodes", ["item_id"])
    op.create_table(
        "item_search",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_search_item_id_items")
        ),
        sa.PrimaryKeyConstraint("key", "item_id", name=op.f("pk_item_search")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_item_search_item_id"), "item_search", ["item_id"])
    # Plain ALTERs: a batch copy of sale_lines would take minutes on a large shop and drop
    # its guards.
    op.execute("ALTER TABLE sale_lines ADD COLUMN item_id VARCHAR(36) REFERENCES items (id)")
    op.execute("ALTER TABLE sale_lines ADD COLUMN item_code VARCHAR(40) NOT NULL DEFAULT ''")
    _frozen_lines((*LINES_FROZEN, "item_id", "item_code"))


def downgrade() -> None:
    # SQLite drops no column that references another table: sale_lines is copied without
    # them, which drops its guards; they are made again as 0009 made them.
    for name in ("frozen", "no_delete", "refunded_up"):
        op.execute(f"DROP TRIGGER IF EXISTS trg_sale_lines_{name}")
    with op.batch_alter_table("sale_lines", recreate="always") as batch_op:
        batch_op.drop_column("item_code")
        batch_op.drop_column("item_id")
    append_only("sale_lines", frozen_columns=LINES_FROZEN)
    op.execute(
        "CREATE TRIGGER trg_sale_lines_refunded_up BEFORE UPDATE OF refunded_qty ON sale_lines "
        "WHEN NEW.refunded_qty < OLD.refunded_qty OR NEW.refunded_qty > OLD.quantity "
        "BEGIN SELECT RAISE(ABORT, 'sale lines refunds only grow, up to the quantity'); END"
    )
    op.drop_table("item_search")
    op.drop_table("item_barcodes")
    op.drop_table("items")
