"""Tables of the till: shifts, sales with their lines and tenders, refunds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class Shift(Base):
    __tablename__ = "shifts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    cashier_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    opening_float: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    expected_cash: Mapped[int | None] = mapped_column(Integer)
    counted_cash: Mapped[int | None] = mapped_column(Integer)
    # What of the count stays in the drawer as the next shift's float (the rest is taken out).
    handover: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")


class Sale(Base):
    __tablename__ = "sales"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    cashier_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    program_version: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[int] = mapped_column(Integer)  # before discounts
    discount_total: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)  # due after discounts (what the member spends)
    points_redeemed: Mapped[int] = mapped_column(Integer, default=0)
    points_value: Mapped[int] = mapped_column(Integer, default=0)  # fen paid by points
    cash_tendered: Mapped[int] = mapped_column(Integer, default=0)
    change_given: Mapped[int] = mapped_column(Integer, default=0)
    points_earned: Mapped[int] = mapped_column(Integer, default=0)
    refunded_total: Mapped[int] = mapped_column(Integer, default=0)
    # Everything else the receipt shows (discounts by kind, balances after the sale …).
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    # The amounts ride along, so sums over a member's sales in a date range (tier window,
    # follow-up lists) are answered from the index alone.
    __table_args__ = (
        Index("ix_sales_member_date", "member_id", "business_date", "total", "refunded_total"),
        # The sales journal's filters by cashier and by amount, newest first per day (0013).
        Index("ix_sales_cashier_date", "cashier_id", "business_date"),
        Index("ix_sales_total_date", "total", "business_date"),
    )


class SaleLine(Base):
    __tablename__ = "sale_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40), default="")
    no_discount: Mapped[bool] = mapped_column(Boolean, default=False)
    discount: Mapped[int] = mapped_column(Integer, default=0)
    discount_kind: Mapped[str] = mapped_column(String(20), default="")
    amount: Mapped[int] = mapped_column(Integer)  # after discount
    refunded_qty: Mapped[int] = mapped_column(Integer, default=0)
    # The catalogue item the line sold (None: a price typed at the till), and its code then.
    item_id: Mapped[str | None] = mapped_column(ForeignKey("items.id"))
    item_code: Mapped[str] = mapped_column(String(40), default="")


class SaleTender(Base):
    __tablename__ = "sale_tenders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # cash|card|wechat|alipay|wallet|points
    amount: Mapped[int] = mapped_column(Integer)  # applied to the sale (cash: net of change)
    # The customer's WeChat / Alipay payment code (付款码) scanned for this tender, whole
    # (core/till/paycodes.py); shown masked on receipts.
    reference: Mapped[str] = mapped_column(String(32), default="", server_default="")


class HeldSale(Base):
    """A sale put aside (F7) before it was paid: not a sale yet — no receipt number, no
    ledger entry, nothing sent to head office. Recalling it deletes the row."""

    __tablename__ = "held_sales"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    held_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"), index=True)
    staff_name: Mapped[str] = mapped_column(String(40), default="")
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"))
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    member_name: Mapped[str] = mapped_column(String(80), default="")
    amount: Mapped[int] = mapped_column(Integer)  # fen, as priced when it was held
    line_count: Mapped[int] = mapped_column(Integer)
    # The lines (with their discounts and who approved them), the member, the gift and a
    # whole-sale discount (core/till/held.py).
    sale: Mapped[dict] = mapped_column(JSON)


class Refund(Base):
    __tablename__ = "refunds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    cashier_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    authorised_by: Mapped[str] = mapped_column(String(40), default="")
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    amount: Mapped[int] = mapped_column(Integer)  # value of goods returned
    tenders: Mapped[dict] = mapped_column(JSON)  # what goes back, by tender
    points_reversed: Mapped[int] = mapped_column(Integer, default=0)
    points_returned: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
