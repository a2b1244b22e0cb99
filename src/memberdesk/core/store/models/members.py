"""Tables of members: the member, every card ever issued, the lookup keys."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


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
    # A parent's or guardian's consent, given for a member under 14 (core/members/birthdays.py).
    guardian_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
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
    # The chain's directory (0014, core/members/chain_directory.py): the owning store HQ
    # named, changes HQ counted, and the other tills' balances HQ summed at the last pull.
    chain_store: Mapped[str] = mapped_column(String(40), default="", server_default="")
    chain_base: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    chain_points: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    chain_principal: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    chain_bonus: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Another store's member hidden since membership went back to per store (0014).
    chain_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

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


class ChainOverdraft(Base):
    """A balance HQ found below zero once two stores' spending met (HQ's id)."""

    __tablename__ = "chain_overdrafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # points | principal | bonus
    balance: Mapped[int] = mapped_column(Integer)
    store_code: Mapped[str] = mapped_column(String(40))
    found_at: Mapped[datetime] = mapped_column(DateTime)
