"""Count cards (次卡): a number of visits of one item or category, sold to a member.

The card row never changes except ``counts_left``, the cached count still to use (a trigger
refuses anything else); the ledger beside it is the truth and append-only: the counts
sold, each one used, the unused ones refunded or expired. `check` recomputes it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class CountCard(Base):
    __tablename__ = "count_cards"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)  # the sale's slip
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))  # 剪发十次卡
    item_id: Mapped[str | None] = mapped_column(ForeignKey("items.id"))  # the item covered …
    category: Mapped[str | None] = mapped_column(String(40))  # … or a whole category
    counts: Mapped[int] = mapped_column(Integer)  # sold
    price: Mapped[int] = mapped_column(Integer)  # fen paid
    visit_price: Mapped[int] = mapped_column(Integer)  # the item's own price then (0: category)
    tender: Mapped[str] = mapped_column(String(10))
    sold_at: Mapped[datetime] = mapped_column(DateTime)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    expires_on: Mapped[date | None] = mapped_column(Date)  # first day it no longer works
    cashier_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"))
    program_version: Mapped[int] = mapped_column(Integer)
    counts_left: Mapped[int] = mapped_column(Integer)  # cached: the ledger's sum

    __table_args__ = (Index("ix_count_cards_expiry", "expires_on", "counts_left"),)


class CountCardEntry(Base):
    __tablename__ = "count_card_ledger"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    card_id: Mapped[str] = mapped_column(ForeignKey("count_cards.id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    delta: Mapped[int] = mapped_column(Integer)  # counts: + sold, − used / refunded / expired
    kind: Mapped[str] = mapped_column(String(10))  # sold | use | refund | expire
    receipt_no: Mapped[str | None] = mapped_column(String(40))  # its slip (not an expiry)
    amount: Mapped[int] = mapped_column(Integer, default=0)  # fen: paid (sold), back (refund)
    tender: Mapped[str | None] = mapped_column(String(10))
    cashier_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"))
    left_after: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
