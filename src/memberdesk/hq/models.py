"""HQ's tables: stores, terminals, batches, raw events and the projections.

`hq_events` keeps every event a terminal sent, accepted or rejected, exactly once
per (terminal, seq) and once per event id. The projections (members, sales,
refunds, tender lines, points and wallet entries) are what totals and balances
are read from; every projection row carries the store and terminal that sent it.
Money is integer fen (BIGINT on PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

Json = JSON().with_variant(JSONB(), "postgresql")
Money = BigInteger
Id = String(64)
# An autoincrementing key: BIGSERIAL on PostgreSQL, the rowid on SQLite.
AutoId = BigInteger().with_variant(Integer(), "sqlite")

stores = Table(
    "hq_stores",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(100), nullable=False, default=""),
    Column("timezone", String(64), nullable=False, default="Asia/Shanghai"),
    Column("created_at", DateTime, nullable=False),
)

terminals = Table(
    "hq_terminals",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_code", ForeignKey("hq_stores.code"), nullable=False, index=True),
    Column("name", String(100), nullable=False, default=""),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("last_seq", BigInteger, nullable=False, default=0),
    Column("last_event_id", Id),
    Column("last_seen_at", DateTime),
)

batches = Table(
    "hq_batches",
    metadata,
    Column("terminal_id", Id, nullable=False),
    Column("batch_id", Id, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("answer", Json, nullable=False),
    PrimaryKeyConstraint("terminal_id", "batch_id"),
)

events = Table(
    "hq_events",
    metadata,
    Column("terminal_id", Id, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("event_id", Id, unique=True),  # NULL only for an envelope too broken to name itself
    Column("kind", String(40), nullable=False, default=""),
    Column("aggregate_id", Id, nullable=False, default=""),
    Column("store_code", String(40), nullable=False),
    Column("business_date", Date),
    Column("created_at", DateTime),
    Column("received_at", DateTime, nullable=False),
    Column("batch_id", Id, nullable=False),
    Column("status", String(10), nullable=False),  # accepted | rejected
    Column("reason", Text, nullable=False, default=""),
    Column("payload", JSON),  # kept as sent: plain json (no JSONB decomposition) ingests faster
    PrimaryKeyConstraint("terminal_id", "seq"),
)

members = Table(
    "hq_members",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_code", String(40), nullable=False),
    Column("terminal_id", Id, nullable=False),
    Column("card_no", String(40), nullable=False, default=""),
    Column("name", String(80), nullable=False, default=""),
    Column("phone", String(20)),
    Column("tier", String(20), nullable=False, default=""),
    Column("status", String(12), nullable=False, default=""),
    Column("joined_at", DateTime),
    Column("joined_date", Date),
    Column("version", Integer, nullable=False, default=0),
    Column("data", Json, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_hq_members_store_joined", "store_code", "joined_date"),
)

sales = Table(
    "hq_sales",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_code", String(40), nullable=False),
    Column("terminal_id", Id, nullable=False),
    Column("receipt_no", String(60), nullable=False, default=""),
    Column("business_date", Date, nullable=False),
    Column("member_id", Id, index=True),
    Column("subtotal", Money, nullable=False),
    Column("discount", Money, nullable=False),
    Column("total", Money, nullable=False),
    Column("points_earned", Money, nullable=False),
    Column("points_redeemed", Money, nullable=False),
    Index("ix_hq_sales_store_day", "store_code", "business_date"),
)

refunds = Table(
    "hq_refunds",
    metadata,
    Column("id", Id, primary_key=True),
    Column("sale_id", Id, nullable=False, index=True),
    Column("store_code", String(40), nullable=False),
    Column("terminal_id", Id, nullable=False),
    Column("receipt_no", String(60), nullable=False, default=""),
    Column("business_date", Date, nullable=False),
    Column("member_id", Id),
    Column("amount", Money, nullable=False),
    Column("wallet_principal", Money, nullable=False),
    Column("wallet_bonus", Money, nullable=False),
    Column("points_reversed", Money, nullable=False),
    Column("points_returned", Money, nullable=False),
    Index("ix_hq_refunds_store_day", "store_code", "business_date"),
)

tender_lines = Table(
    "hq_tender_lines",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("source", String(8), nullable=False),  # sale | refund
    Column("source_id", Id, nullable=False, index=True),
    Column("store_code", String(40), nullable=False),
    Column("terminal_id", Id, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("amount", Money, nullable=False),
    Index("ix_hq_tender_lines_store_day", "store_code", "business_date"),
)

points_entries = Table(
    "hq_points_entries",
    metadata,
    Column("id", Id, primary_key=True),
    Column("member_id", Id, nullable=False, index=True),
    Column("store_code", String(40), nullable=False),
    Column("terminal_id", Id, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("delta", Money, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("sale_id", Id),
    Column("refund_id", Id),
    Column("balance_after", Money, nullable=False),
    Index("ix_hq_points_entries_store_day", "store_code", "business_date"),
)

wallet_entries = Table(
    "hq_wallet_entries",
    metadata,
    Column("id", Id, primary_key=True),
    Column("member_id", Id, nullable=False, index=True),
    Column("store_code", String(40), nullable=False),
    Column("terminal_id", Id, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("principal_delta", Money, nullable=False),
    Column("bonus_delta", Money, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("sale_id", Id),
    Column("topup_id", Id),
    Column("refund_id", Id),
    Column("principal_after", Money, nullable=False),
    Column("bonus_after", Money, nullable=False),
    Index("ix_hq_wallet_entries_store_day", "store_code", "business_date"),
)
