"""A chain, not an island: terminal identity and epochs, rejections apart, parked refunds

Terminals get a two-digit code (unique in their store), a card prefix (unique in the
chain), an epoch, a diverged sequence, the last measured clock offset and the latest
event time they sent. Events are keyed by (terminal, epoch, seq) and carry a
rejection's code and params; an event id is unique among accepted events only.
Projection rows record the epoch and sequence of the event that wrote them and a
superseded flag. New tables: parked refunds, clock problems, rebases, cards.

Existing terminals get codes 01, 02, … in their store and card prefixes 8001, 8002, …
in the order they were added; existing projection rows learn their event's sequence.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROJECTIONS = (
    "hq_members", "hq_sales", "hq_refunds", "hq_tender_lines", "hq_points_entries",
    "hq_wallet_entries",
)  # fmt: skip
# The event kind that writes each projection whose id is the event's aggregate id.
WRITTEN_BY = {
    "hq_sales": "kind = 'sale.completed'",
    "hq_refunds": "kind = 'sale.refunded'",
    "hq_points_entries": "kind = 'points.entry'",
    "hq_wallet_entries": "kind = 'wallet.entry'",
    "hq_members": "kind LIKE 'member.%'",
}
ACCEPTED = sa.text("status = 'accepted'")


def _origin() -> list[sa.Column]:
    return [
        sa.Column("epoch", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("seq", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        sa.Column("superseded", sa.Boolean(), nullable=False, server_default=sa.false()),
    ]


def _number_terminals() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, store_code FROM hq_terminals ORDER BY created_at, id")
    ).all()
    per_store: dict[str, int] = {}
    for n, (terminal_id, store_code) in enumerate(rows, start=1):
        per_store[store_code] = per_store.get(store_code, 0) + 1
        conn.execute(
            sa.text("UPDATE hq_terminals SET code = :c, card_prefix = :p WHERE id = :i"),
            {"c": f"{per_store[store_code]:02d}", "p": f"8{n:03d}", "i": terminal_id},
        )


def _backfill_sequences() -> None:
    """Projection rows written before this revision learn their event's sequence."""
    for table, kind in WRITTEN_BY.items():
        op.execute(
            f"UPDATE {table} SET seq = COALESCE((SELECT max(e.seq) FROM hq_events e"
            f" WHERE e.terminal_id = {table}.terminal_id AND e.aggregate_id = {table}.id"
            f" AND e.status = 'accepted' AND e.{kind}), 0)"
        )
    for source, table in (("sale", "hq_sales"), ("refund", "hq_refunds")):
        op.execute(
            f"UPDATE hq_tender_lines SET seq = COALESCE((SELECT s.seq FROM {table} s"
            f" WHERE s.id = hq_tender_lines.source_id), 0) WHERE source = '{source}'"
        )


def upgrade() -> None:
    with op.batch_alter_table("hq_terminals") as t:
        t.add_column(sa.Column("code", sa.String(length=2), nullable=True))
        t.add_column(sa.Column("card_prefix", sa.String(length=12), nullable=True))
        t.add_column(sa.Column("epoch", sa.Integer(), nullable=False, server_default=sa.text("1")))
        t.add_column(sa.Column("diverged_seq", sa.BigInteger(), nullable=True))
        t.add_column(sa.Column("clock_offset_s", sa.Integer(), nullable=True))
        t.add_column(sa.Column("latest_created_at", sa.DateTime(), nullable=True))
    _number_terminals()
    with op.batch_alter_table("hq_terminals") as t:
        t.alter_column("code", existing_type=sa.String(length=2), nullable=False)
        t.alter_column("card_prefix", existing_type=sa.String(length=12), nullable=False)
        t.create_unique_constraint(op.f("uq_hq_terminals_store_code_code"), ["store_code", "code"])
        t.create_unique_constraint(op.f("uq_hq_terminals_card_prefix"), ["card_prefix"])

    with op.batch_alter_table("hq_events") as t:
        t.add_column(sa.Column("epoch", sa.Integer(), nullable=False, server_default=sa.text("1")))
        t.add_column(sa.Column("code", sa.String(length=20), nullable=False, server_default=""))
        t.add_column(sa.Column("params", sa.JSON(), nullable=True))
        t.drop_constraint(op.f("uq_hq_events_event_id"), type_="unique")
        t.drop_constraint(op.f("pk_hq_events"), type_="primary")
        t.create_primary_key(op.f("pk_hq_events"), ["terminal_id", "epoch", "seq"])
    op.execute("UPDATE hq_events SET code = 'invalid' WHERE status = 'rejected'")
    op.create_index(
        "uq_hq_events_accepted_event_id", "hq_events", ["event_id"], unique=True,
        postgresql_where=ACCEPTED, sqlite_where=ACCEPTED,
    )  # fmt: skip

    for table in PROJECTIONS:
        with op.batch_alter_table(table) as t:
            for column in _origin():
                t.add_column(column)
    _backfill_sequences()

    op.create_table(
        "hq_parked_refunds",
        sa.Column("refund_id", sa.String(length=64), nullable=False),
        sa.Column("sale_id", sa.String(length=64), nullable=False),
        sa.Column("store_code", sa.String(length=40), nullable=False),
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("refund_id", name=op.f("pk_hq_parked_refunds")),
    )
    op.create_index(
        op.f("ix_hq_parked_refunds_sale_id"), "hq_parked_refunds", ["sale_id"], unique=False
    )
    op.create_table(
        "hq_clock_problems",
        sa.Column("sale_id", sa.String(length=64), nullable=False),
        sa.Column("store_code", sa.String(length=40), nullable=False),
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("problem", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sale_id", name=op.f("pk_hq_clock_problems")),
    )
    op.create_table(
        "hq_rebases",
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("from_seq", sa.BigInteger(), nullable=False),
        sa.Column("rebased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "epoch", name=op.f("pk_hq_rebases")),
    )
    op.create_table(
        "hq_cards",
        sa.Column("card_no", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("store_code", sa.String(length=40), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("card_no", name=op.f("pk_hq_cards")),
    )
    op.execute(
        "INSERT INTO hq_cards (card_no, member_id, store_code, first_seen_at)"
        " SELECT card_no, id, store_code, updated_at FROM hq_members WHERE card_no <> ''"
    )


def downgrade() -> None:
    for table in ("hq_cards", "hq_rebases", "hq_clock_problems"):
        op.drop_table(table)
    op.drop_index(op.f("ix_hq_parked_refunds_sale_id"), table_name="hq_parked_refunds")
    op.drop_table("hq_parked_refunds")
    for table in PROJECTIONS:
        with op.batch_alter_table(table) as t:
            for column in ("superseded", "seq", "epoch"):
                t.drop_column(column)
    op.drop_index("uq_hq_events_accepted_event_id", table_name="hq_events")
    # Only the newest epoch's rows and accepted ids fit the old keys.
    op.execute(
        "DELETE FROM hq_events WHERE epoch < (SELECT t.epoch FROM hq_terminals t"
        " WHERE t.id = hq_events.terminal_id)"
    )
    op.execute("UPDATE hq_events SET event_id = NULL WHERE status = 'rejected'")
    with op.batch_alter_table("hq_events") as t:
        t.drop_constraint(op.f("pk_hq_events"), type_="primary")
        t.create_primary_key(op.f("pk_hq_events"), ["terminal_id", "seq"])
        t.create_unique_constraint(op.f("uq_hq_events_event_id"), ["event_id"])
        for column in ("params", "code", "epoch"):
            t.drop_column(column)
    with op.batch_alter_table("hq_terminals") as t:
        t.drop_constraint(op.f("uq_hq_terminals_card_prefix"), type_="unique")
        t.drop_constraint(op.f("uq_hq_terminals_store_code_code"), type_="unique")
        for column in (
            "latest_created_at", "clock_offset_s", "diverged_seq", "epoch", "card_prefix", "code"
        ):  # fmt: skip
            t.drop_column(column)
