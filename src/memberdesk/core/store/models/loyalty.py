"""Tables of the loyalty program and the till: program versions, sales, refunds,
the points and wallet ledgers, top-ups, shifts, gift stock.

The ledgers are the truth (append-only, refused edits by trigger); the member's
cached balances are updated in the same transaction and `check` recomputes them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class ProgramVersion(Base):
    __tablename__ = "program_versions"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    preset: Mapped[str] = mapped_column(String(20), default="")
    settings: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    saved_by: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class PointsEntry(Base):
    __tablename__ = "points_ledger"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    business_date: Mapped[date] = mapped_column(Date)
    delta: Mapped[int] = mapped_column(Integer)
    # earn|redeem|gift|signup|referral|challenge|refund_reverse|refund_return|expire|adjust|import
    kind: Mapped[str] = mapped_column(String(20))
    sale_id: Mapped[str | None] = mapped_column(String(36), index=True)
    refund_id: Mapped[str | None] = mapped_column(String(36))
    balance_after: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_points_ledger_member_date", "member_id", "business_date"),
        Index("ix_points_ledger_date", "business_date"),  # a day's totals (0013)
    )


class WalletEntry(Base):
    __tablename__ = "wallet_ledger"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    business_date: Mapped[date] = mapped_column(Date)
    principal_delta: Mapped[int] = mapped_column(Integer)
    bonus_delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # topup|pay|refund|topup_reversal|cashout|import
    sale_id: Mapped[str | None] = mapped_column(String(36), index=True)
    topup_id: Mapped[str | None] = mapped_column(String(36), index=True)
    refund_id: Mapped[str | None] = mapped_column(String(36))
    principal_after: Mapped[int] = mapped_column(Integer)
    bonus_after: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_wallet_ledger_member_date", "member_id", "business_date"),
        Index("ix_wallet_ledger_date", "business_date"),  # a day's totals (0013)
    )


class Topup(Base):
    __tablename__ = "topups"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    cashier_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    bonus: Mapped[int] = mapped_column(Integer)
    tender: Mapped[str] = mapped_column(String(10))
    program_version: Mapped[int] = mapped_column(Integer)


class GiftStock(Base):
    __tablename__ = "gift_stock"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    remaining: Mapped[int] = mapped_column(Integer)
