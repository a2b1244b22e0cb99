"""The terminal's tables (SQLAlchemy 2.x typed models).

Money columns are integer fen; times are naive UTC; rows that leave the terminal
have a UUID text id. Ledgers, the audit log and the outbox are append-only: the
migrations add triggers that refuse UPDATE/DELETE where a row must never change.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    """Shop-wide key/value settings (shop name, time zone, terminal id, card prefix …)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # cashier | manager | owner
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Member(Base):
    __tablename__ = "members"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    card_no: Mapped[str] = mapped_column(String(20))  # the current card; history in `cards`
    name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(11))
    phone_last4: Mapped[str | None] = mapped_column(String(4), index=True)
    gender: Mapped[str] = mapped_column(String(1), default="U")  # M | F | U
    birthday: Mapped[date | None] = mapped_column(Date)  # solar date of birth
    birthday_lunar: Mapped[bool] = mapped_column(Boolean, default=False)
    lunar_month: Mapped[int | None] = mapped_column(Integer)
    lunar_day: Mapped[int | None] = mapped_column(Integer)
    lunar_leap: Mapped[bool] = mapped_column(Boolean, default=False)
    # This year's solar birthday as MMDD (lunar ones move every year), for list queries.
    birthday_md: Mapped[int | None] = mapped_column(Integer)  # indexed with the year (0006)
    birthday_md_year: Mapped[int | None] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(16), default="")
    tier_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(
        String(10), default="active"
    )  # active|lost|frozen|cancelled
    salesperson_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    joined_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    joined_store: Mapped[str] = mapped_column(String(40), default="")
    referrer_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Cached totals; the ledgers are the truth and `check` recomputes these.
    points: Mapped[int] = mapped_column(Integer, default=0)
    wallet_principal: Mapped[int] = mapped_column(Integer, default=0)
    wallet_bonus: Mapped[int] = mapped_column(Integer, default=0)
    lifetime_spend: Mapped[int] = mapped_column(Integer, default=0)
    visit_count: Mapped[int] = mapped_column(Integer, default=0)
    # Indexed by (last_visit_at, joined_at, visit_count, status, id): models_followup.
    last_visit_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        # A phone belongs to at most one member that is not cancelled.
        Index(
            "ux_members_phone_live",
            "phone",
            unique=True,
            sqlite_where=text("status != 'cancelled' AND phone IS NOT NULL"),
        ),
        Index("ix_members_salesperson_id", "salesperson_id"),
        # What a name / pinyin lookup ranks its matches by, found from the key's member id.
        Index("ix_members_rank", "id", "status", "last_visit_at", "name"),
    )


class Card(Base):
    """Every card number ever issued; a replaced or lost number stays here, refused at the till."""

    __tablename__ = "cards"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    card_no: Mapped[str] = mapped_column(String(20), unique=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))  # active|lost|replaced|cancelled
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str] = mapped_column(String(200), default="")


class MemberSearchKey(Base):
    """Precomputed lookup keys: 'n:' name suffixes, 'i:' pinyin initials, 'p:' full pinyin.

    A prefix range over this index answers substring-of-name and pinyin queries
    without scanning the members table.
    """

    __tablename__ = "member_search"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)
    __table_args__ = {"sqlite_with_rowid": False}


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    staff_id: Mapped[str | None] = mapped_column(String(36))
    staff_name: Mapped[str] = mapped_column(String(40), default="")
    authorised_by: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(80), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class OutboxEvent(Base):
    """Transactional outbox: written in the same transaction as the change it reports."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    aggregate_id: Mapped[str] = mapped_column(String(36), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    batch_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text, default="")
