"""HQ's tables: stores, terminals, batches, raw events and the projections.

`hq_events` keeps every event a terminal sent, accepted or rejected (with its code,
params and reason), exactly once per (terminal, epoch, seq); an event id is unique
among accepted events only, so a rejected copy of a held id never breaks the index.
The projections (members, sales, refunds, tender lines, points and wallet entries)
are what totals and balances are read from; every projection row carries the store,
terminal, epoch and sequence of the event that wrote it, and a `superseded` flag set
when a rebase replaces that part of the terminal's history (it then stops counting).
Apart from those flags, a parked refund's `applied_at` and the terminal rows, HQ's
tables are append-only. Money is integer fen (BIGINT on PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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
    UniqueConstraint,
    false,
    text,
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


def origin() -> list[Column]:
    """Which event wrote a projection row, and whether a rebase has since superseded it."""
    return [
        Column("epoch", Integer, nullable=False, server_default=text("1")),
        Column("seq", BigInteger, nullable=False, server_default=text("0")),
        Column("superseded", Boolean, nullable=False, server_default=false()),
    ]


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
    Column("code", String(2), nullable=False),  # in receipt numbers; unique in its store
    Column("card_prefix", String(12), nullable=False, unique=True),  # never a prefix of another
    Column("epoch", Integer, nullable=False, server_default=text("1")),
    Column("diverged_seq", BigInteger),  # the first sequence a restored till disagreed at
    Column("clock_offset_s", Integer),  # HQ's time minus the till's, at the last handshake
    Column("latest_created_at", DateTime),  # the latest event time sent so far (clock gone back?)
    Column("last_chain", String(64)),  # the terminal's last journal link HQ holds (None: unknown)
    # The till's time at its first handshake, when it took HQ's identity: what it recorded
    # until then it recorded on its own, under whatever store code it had (None: not yet).
    Column("joined_at", DateTime),
    UniqueConstraint("store_code", "code"),
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
    Column("epoch", Integer, nullable=False, server_default=text("1")),
    Column("event_id", Id),  # NULL only for an envelope too broken to name itself
    Column("kind", String(40), nullable=False, default=""),
    Column("aggregate_id", Id, nullable=False, default=""),
    Column("store_code", String(40), nullable=False),
    Column("business_date", Date),
    Column("created_at", DateTime),
    Column("received_at", DateTime, nullable=False),
    Column("batch_id", Id, nullable=False),
    Column("status", String(10), nullable=False),  # accepted | rejected
    Column("reason", Text, nullable=False, default=""),  # English, for logs
    Column("payload", JSON),  # kept as sent: plain json (no JSONB decomposition) ingests faster
    Column("code", String(20), nullable=False, server_default=""),  # a rejection's code
    Column("params", JSON),  # … and its parameters, which the till translates
    PrimaryKeyConstraint("terminal_id", "epoch", "seq"),
    Index(
        "uq_hq_events_accepted_event_id",
        "event_id",
        unique=True,
        postgresql_where=text("status = 'accepted'"),
        sqlite_where=text("status = 'accepted'"),
    ),  # fmt: skip
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
    *origin(),
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
    *origin(),
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
    *origin(),
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
    *origin(),
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
    *origin(),
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
    *origin(),
    Index("ix_hq_wallet_entries_store_day", "store_code", "business_date"),
)

parked_refunds = Table(
    "hq_parked_refunds",
    metadata,
    Column("refund_id", Id, primary_key=True),
    Column("sale_id", Id, nullable=False, index=True),
    Column("store_code", String(40), nullable=False),
    Column("terminal_id", Id, nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("applied_at", DateTime),  # set when the sale arrived and the refund was applied
    Column("superseded", Boolean, nullable=False, server_default=false()),
)

clock_problems = Table(
    "hq_clock_problems",
    metadata,
    Column("sale_id", Id, primary_key=True),
    Column("store_code", String(40), nullable=False),
    Column("terminal_id", Id, nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("problem", String(30), nullable=False),  # ahead, back, offset (comma-separated)
    Column("created_at", DateTime, nullable=False),
    Column("received_at", DateTime, nullable=False),
)

rebases = Table(
    "hq_rebases",
    metadata,
    Column("terminal_id", Id, nullable=False),
    Column("epoch", Integer, nullable=False),  # the epoch that ended: its events from from_seq on
    Column("from_seq", BigInteger, nullable=False),
    Column("rebased_at", DateTime, nullable=False),
    PrimaryKeyConstraint("terminal_id", "epoch"),
)

cards = Table(
    "hq_cards",
    metadata,
    Column("card_no", String(40), primary_key=True),  # every number a member event carried
    Column("member_id", Id, nullable=False),
    Column("store_code", String(40), nullable=False),
    Column("first_seen_at", DateTime, nullable=False),
    Index("ix_hq_cards_member_id", "member_id"),
)

journal_breaks = Table(
    "hq_journal_breaks",
    metadata,
    Column("terminal_id", Id, nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("store_code", String(40), nullable=False),
    Column("event_id", Id, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("found_at", DateTime, nullable=False),
    PrimaryKeyConstraint("terminal_id", "epoch", "seq"),
)

# ---------------------------------------------------------------- the chain's members

chain_settings = Table(
    "hq_chain_settings",
    metadata,
    Column("key", String(40), primary_key=True),  # membership_scope, spend_policy, scope_generation
    Column("value", Json, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# The member directory's change feed: each member's last change, numbered in commit order
# (hq_directory_clock's one row is updated inside every writing transaction, so a number
# is taken only once the ones below it have committed, and a till's cursor never skips one).
directory = Table(
    "hq_directory",
    metadata,
    Column("member_id", Id, primary_key=True),
    Column("change_seq", BigInteger, nullable=False),
    Index("ix_hq_directory_change_seq_member_id", "change_seq", "member_id"),
)

# Each profile field of a member as its latest edit left it, with that edit's time at its
# till: edits from two places merge field by field, the later winning (hq/directory.py).
member_fields = Table(
    "hq_member_fields",
    metadata,
    Column("member_id", Id, nullable=False),
    Column("field", String(40), nullable=False),
    Column("value", Json),  # {"v": the value}
    Column("changed_at", DateTime, nullable=False),  # the edit's time at the till
    Column("terminal_id", Id, nullable=False),
    Column("seq", BigInteger, nullable=False),
    PrimaryKeyConstraint("member_id", "field"),
)

directory_clock = Table(
    "hq_directory_clock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
)

# A member's points or stored value below zero at HQ once every till's entries are in:
# two stores spent one balance while offline. Recorded, listed, sent to the tills.
overdrafts = Table(
    "hq_overdrafts",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("member_id", Id, nullable=False, index=True),
    Column("store_code", String(40), nullable=False),  # the member's store
    Column("terminal_id", Id, nullable=False),  # whose entries took the balance below zero
    Column("kind", String(12), nullable=False),  # points | principal | bonus
    Column("balance", Money, nullable=False),  # the balance at HQ then (below zero)
    Column("found_at", DateTime, nullable=False),
)

# ---------------------------------------------------------------- coupons

# Every step of every coupon, as the tills sent it (issued, redeemed, returned, expired):
# a coupon used at two tills while they were offline shows here as two redemptions
# with no return between them (hq/coupons.py lists it).
coupon_events = Table(
    "hq_coupon_events",
    metadata,
    Column("terminal_id", Id, nullable=False),
    Column("coupon_id", String(24), nullable=False),
    Column("kind", String(10), nullable=False),  # issued | redeemed | returned | expired
    Column("store_code", String(40), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("sale_id", Id),
    Column("refund_id", Id),
    Column("off", Money, nullable=False, server_default=text("0")),
    Column("data", Json, nullable=False),  # the coupon's terms (issued, redeemed)
    *origin(),
    PrimaryKeyConstraint("terminal_id", "epoch", "seq"),
    Index("ix_hq_coupon_events_coupon_id", "coupon_id"),
)
