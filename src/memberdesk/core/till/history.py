"""A member's history and the day's figures, as plain rows for screens and slips.

Read-only queries: sales, the points and wallet ledgers, the call log, a day's
summary. Times come back on the shop's wall clock (the ledgers keep UTC), so a
screen shows what the cashier's clock said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from ..clock import from_utc_naive, shop_date
from ..loyalty.calendar import birthday_occurrence
from ..loyalty.expiry import ExpiringPoints, points_expiring
from ..loyalty.program import Program, preset
from ..loyalty.program_store import DEFAULT_PRESET, program_in_force
from ..members.birthdays import occurrences, solar_birthday_in
from ..members.member import MemberView
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import (
    CallLogEntry,
    PointsEntry,
    Sale,
    SaleTender,
    Topup,
    WalletEntry,
)
from .count_cards import CountCardView, count_cards_of
from .receipts import SaleResult, load_sale

DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class SaleRow:
    sale_id: str
    receipt_no: str
    business_date: date
    local_time: datetime
    total: int
    refunded_total: int
    points_earned: int
    points_redeemed: int
    tenders: dict[str, int]
    cashier: str
    member_id: str | None

    @property
    def refundable(self) -> bool:
        return self.refunded_total < self.total


@dataclass(frozen=True)
class PointsRow:
    local_time: datetime
    business_date: date
    kind: str  # earn|redeem|gift|signup|referral|challenge|refund_reverse|refund_return|expire|adjust|import
    delta: int
    balance_after: int
    receipt_no: str
    note: str


@dataclass(frozen=True)
class WalletRow:
    local_time: datetime
    business_date: date
    kind: str  # topup|pay|refund|topup_reversal|cashout|import
    principal_delta: int
    bonus_delta: int
    principal_after: int
    bonus_after: int
    receipt_no: str
    note: str


@dataclass(frozen=True)
class CallRow:
    local_time: datetime
    staff_name: str
    list_kind: str
    outcome: str
    note: str


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return from_utc_naive(moment).astimezone(tz).replace(tzinfo=None)


def _tz(session: Session) -> ZoneInfo:
    return ZoneInfo(shop_info(session).timezone)


def member_sales(store: Store, member_id: str, *, limit: int = DEFAULT_LIMIT) -> list[SaleRow]:
    """The member's sales, newest first."""
    with store.read() as s:
        tz = _tz(s)
        sales = list(
            s.scalars(
                select(Sale)
                .where(Sale.member_id == member_id)
                .order_by(Sale.created_at.desc(), Sale.receipt_no.desc())
                .limit(limit)
            )
        )
        return _sale_rows(s, sales, tz)


def recent_sales(store: Store, *, limit: int = 50) -> list[SaleRow]:
    """The terminal's latest sales (members and walk-ins), newest first."""
    with store.read() as s:
        tz = _tz(s)
        sales = list(
            s.scalars(
                select(Sale).order_by(Sale.created_at.desc(), Sale.receipt_no.desc()).limit(limit)
            )
        )
        return _sale_rows(s, sales, tz)


def _sale_rows(s: Session, sales: list[Sale], tz: ZoneInfo) -> list[SaleRow]:
    tenders: dict[str, dict[str, int]] = {sale.id: {} for sale in sales}
    if sales:
        for t in s.scalars(select(SaleTender).where(SaleTender.sale_id.in_(list(tenders)))):
            tenders[t.sale_id][t.kind] = t.amount
    return [
        SaleRow(
            sale_id=sale.id, receipt_no=sale.receipt_no, business_date=sale.business_date,
            local_time=_local(sale.created_at, tz), total=sale.total,
            refunded_total=sale.refunded_total, points_earned=sale.points_earned,
            points_redeemed=sale.points_redeemed, tenders=tenders[sale.id],
            cashier=(sale.details or {}).get("cashier", ""), member_id=sale.member_id,
        )
        for sale in sales
    ]  # fmt: skip


def points_history(store: Store, member_id: str, *, limit: int = DEFAULT_LIMIT) -> list[PointsRow]:
    """The member's points ledger, newest first."""
    with store.read() as s:
        tz = _tz(s)
        rows = s.execute(
            select(PointsEntry, Sale.receipt_no)
            .outerjoin(Sale, Sale.id == PointsEntry.sale_id)
            .where(PointsEntry.member_id == member_id)
            # entries of one moment (a sale's earn and redeem, the test clock) in the order
            # they were written: a running balance reads down the list
            .order_by(PointsEntry.created_at.desc(), literal_column("points_ledger.rowid").desc())
            .limit(limit)
        ).all()
        return [
            PointsRow(_local(e.created_at, tz), e.business_date, e.kind, e.delta, e.balance_after,
                      receipt or "", e.note)
            for e, receipt in rows
        ]  # fmt: skip


def wallet_history(store: Store, member_id: str, *, limit: int = DEFAULT_LIMIT) -> list[WalletRow]:
    """The member's stored-value ledger, newest first (top-ups show their receipt number)."""
    with store.read() as s:
        tz = _tz(s)
        rows = s.execute(
            select(WalletEntry, Sale.receipt_no, Topup.receipt_no)
            .outerjoin(Sale, Sale.id == WalletEntry.sale_id)
            .outerjoin(Topup, Topup.id == WalletEntry.topup_id)
            .where(WalletEntry.member_id == member_id)
            .order_by(WalletEntry.created_at.desc(), literal_column("wallet_ledger.rowid").desc())
            .limit(limit)
        ).all()
        return [
            WalletRow(_local(e.created_at, tz), e.business_date, e.kind, e.principal_delta,
                      e.bonus_delta, e.principal_after, e.bonus_after,
                      sale_receipt or topup_receipt or "", e.note)
            for e, sale_receipt, topup_receipt in rows
        ]  # fmt: skip


def call_history(store: Store, member_id: str, *, limit: int = DEFAULT_LIMIT) -> list[CallRow]:
    """Follow-up calls and messages logged for the member, newest first."""
    with store.read() as s:
        tz = _tz(s)
        rows = s.scalars(
            select(CallLogEntry)
            .where(CallLogEntry.member_id == member_id)
            .order_by(CallLogEntry.called_at.desc())
            .limit(limit)
        )
        return [
            CallRow(_local(c.called_at, tz), c.staff_name, c.list_kind, c.outcome, c.note)
            for c in rows
        ]


def sale_detail(store: Store, sale_ref: str) -> SaleResult:
    """A sale by id or receipt number, as the receipt shows it (raises sale.not_found)."""
    with store.read() as s:
        return load_sale(s, sale_ref.strip())


def today(store: Store) -> date:
    with store.read() as s:
        return shop_date(store.clock.now(), shop_info(s).timezone)


def _program(session: Session) -> Program:
    """The program in force; before the first sale, the default one checkout would use."""
    current = program_in_force(session)
    return current.program if current else preset(DEFAULT_PRESET)


@dataclass(frozen=True)
class MemberFacts:
    """What the till shows beside a member's name, computed in the shop's time zone."""

    tier_name: str
    birthday_this_year: date | None  # the birthday nearest today (lunar birthdays move)
    birthday_this_week: bool  # falls in the current ISO week (Mon–Sun)
    last_visit_local: datetime | None
    joined_local: datetime
    count_cards: tuple[CountCardView, ...] = ()  # those with visits left
    # Of the points, those that expire next and their last day, when it is near (the
    # figure a sale's receipt prints, loyalty/expiry.py); None: nothing expires soon.
    expiring: ExpiringPoints | None = None


def member_facts(store: Store, member: MemberView) -> MemberFacts:
    with store.read() as s:
        shop = shop_info(s)
        tz = ZoneInfo(shop.timezone)
        program = _program(s)
        levels = program.tiers.levels
        today_ = shop_date(store.clock.now(), shop.timezone)
        expiring = points_expiring(s, program, member.id, member.points, today_)
    names = {t.code: t.name for t in levels}
    names[""] = levels[0].name
    tier_name = names.get(member.tier, member.tier)
    b = member.birthday_info
    # The occurrence in this week if there is one (a 腊月 birthday can fall twice a year).
    near = occurrences(b, today_ - timedelta(days=6), today_ + timedelta(days=6)) if b else []
    in_week = birthday_occurrence("week", near, today_)
    this_year = in_week or (solar_birthday_in(b, today_.year) if b else None)
    same_week = in_week is not None
    return MemberFacts(
        tier_name=tier_name,
        birthday_this_year=this_year,
        birthday_this_week=same_week,
        last_visit_local=_local(member.last_visit_at, tz) if member.last_visit_at else None,
        joined_local=_local(member.joined_at, tz),
        count_cards=tuple(count_cards_of(store, member.id)),
        expiring=expiring,
    )
