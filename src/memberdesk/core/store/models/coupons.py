"""Tables of coupons (代金券): each coupon the till issued or took, and its ledger.

A coupon's terms are fixed when it is issued (a trigger refuses rewriting them); only its
cached `status` moves, in the transaction that appends the `coupon_events` row saying
why. `check` recomputes the status from the events.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class Coupon(Base):
    __tablename__ = "coupons"
    # The serial its code carries: the issuing till's card prefix and its own sequence,
    # unique in the chain by construction (e.g. 8801-0000042).
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    code: Mapped[str] = mapped_column(String(96), unique=True)  # what is scanned (signed)
    type_code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))  # amount | percent | threshold | gift
    value: Mapped[int] = mapped_column(Integer)  # fen off, or percent off
    min_spend: Mapped[int] = mapped_column(Integer, default=0)  # fen
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    # What issued it: join | birthday | tier_up | spend | exchange | campaign | manager;
    # chain: issued at another till, known here from its code.
    source: Mapped[str] = mapped_column(String(12))
    campaign: Mapped[str] = mapped_column(String(40), default="")
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="outstanding")  # | redeemed | expired

    __table_args__ = (Index("ix_coupons_member_status", "member_id", "status"),)


class CouponEvent(Base):
    """The coupon ledger: issue, redeem, return (a refund gave it back), expire."""

    __tablename__ = "coupon_events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    coupon_id: Mapped[str] = mapped_column(ForeignKey("coupons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(DateTime)
    business_date: Mapped[date] = mapped_column(Date)
    sale_id: Mapped[str | None] = mapped_column(String(36), index=True)
    refund_id: Mapped[str | None] = mapped_column(String(36))
    off: Mapped[int] = mapped_column(Integer, default=0)  # fen the redemption took off the sale
    staff_name: Mapped[str] = mapped_column(String(40), default="")
    # Whether it was written to the outbox (a coupon of another till, known here from its
    # code, is that till's to report).
    reported: Mapped[bool] = mapped_column(Boolean, default=True)


class CouponUsedElsewhere(Base):
    """A coupon HQ said another till has used (and no refund gave back), learnt when it was
    scanned here while HQ could be reached: the till refuses it as it refuses one used here.
    HQ's word, kept as a cache: asked again, an answer of "not used" takes the row away."""

    __tablename__ = "coupons_used_elsewhere"
    coupon_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    store_code: Mapped[str] = mapped_column(String(40))  # where it was used (the latest use)
    business_date: Mapped[date] = mapped_column(Date)
    learnt_at: Mapped[datetime] = mapped_column(DateTime)
