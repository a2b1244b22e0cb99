"""A business day's totals: defined once, counted by the terminal and by HQ alike.

What each figure means lives here (`day_totals`): what paid the sales, what went
back, which points count as earned or spent, what moved in and out of stored value,
what a top-up is. Each side only reads its own rows for the day through a
`DayRows` (the terminal's tables below, HQ's projections in ``memberdesk.hq``), so
the till's day report, the reconciliation with HQ and HQ's answer cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..clock import shop_date, shop_day_start_utc
from ..i18n import N_
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import (
    Member,
    OutboxEvent,
    PointsEntry,
    Refund,
    Sale,
    SaleTender,
    Topup,
    WalletEntry,
)

POINTS_EARNED_KINDS = ("earn", "challenge", "referral", "signup")
POINTS_SPENT_KINDS = ("redeem", "gift")
# How each figure of a business day reads (a reconciliation names the ones that differ).
DAY_TOTAL_NAMES = {
    "sales_count": N_("number of sales"), "gross": N_("sales"),
    "member_sales_count": N_("number of member sales"), "member_gross": N_("member sales"),
    "discounts": N_("discounts"),
    "refunds_count": N_("number of refunds"), "refunds_amount": N_("refunds"),
    "tenders": N_("takings by tender"), "refund_tenders": N_("refunds by tender"),
    "points_earned": N_("points earned"), "points_spent": N_("points spent"),
    "points_other": N_("other points changes"), "wallet_in": N_("stored value in"),
    "wallet_out": N_("stored value out"), "topups_count": N_("number of top-ups"),
    "topup_bonus": N_("top-up bonus"), "topup_tenders": N_("top-ups by tender"),
    "new_members": N_("new members"),
}  # fmt: skip
# Counted by the terminal only (HQ keeps no top-up tenders): shown, never compared.
LOCAL_ONLY = frozenset({"topup_tenders"})


@dataclass(frozen=True)
class DayTotals:
    """One business day of one store (or one terminal), as both ends count it.

    Money in fen. Sales are counted on their business date with their full total;
    refunds on the refund's own business date. `tenders` is what paid the day's
    sales, `refund_tenders` what went back (money by tender, stored value as
    "wallet"). Points: earned = earn/challenge/referral/signup entries, spent =
    redeem/gift entries (a positive number), other = the net of every other kind
    (refund reversals, expiry, adjustments …). Wallet in/out = the positive and
    negative sides of every stored-value entry (principal + bonus); top-ups are the
    day's top-up entries (principal paid, bonus given).
    """

    day: date
    sales_count: int = 0
    gross: int = 0
    member_sales_count: int = 0
    member_gross: int = 0
    discounts: int = 0
    refunds_count: int = 0
    refunds_amount: int = 0
    tenders: dict[str, int] = field(default_factory=dict)
    refund_tenders: dict[str, int] = field(default_factory=dict)
    points_earned: int = 0
    points_spent: int = 0
    points_other: int = 0
    wallet_in: int = 0
    wallet_out: int = 0
    topups_count: int = 0
    topup_bonus: int = 0
    topup_tenders: dict[str, int] = field(default_factory=dict)
    new_members: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.refunds_amount

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["net"] = self.net
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DayTotals:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["day"] = date.fromisoformat(str(data["day"]))
        for name in ("tenders", "refund_tenders", "topup_tenders"):
            known[name] = clean_tenders(data.get(name) or {})
        return cls(**known)

    def differences(self, other: DayTotals) -> list[str]:
        """Names of the compared figures whose values differ (empty when the two agree)."""
        return [
            name
            for name in self.__dataclass_fields__
            if name != "day"
            and name not in LOCAL_ONLY
            and getattr(self, name) != getattr(other, name)
        ]


def clean_tenders(values: dict[str, Any]) -> dict[str, int]:
    return {k: int(v) for k, v in sorted(values.items()) if v}


@dataclass(frozen=True)
class SalesSums:
    count: int
    gross: int
    member_count: int
    member_gross: int
    discounts: int


class DayRows(Protocol):
    """What one side reads of one business day; `day_totals` makes the figures."""

    def sales(self) -> SalesSums: ...
    def sale_tenders(self) -> Iterable[tuple[str, int]]: ...
    def refunds(self) -> tuple[int, int]: ...  # count, amount
    def refund_tenders(self) -> Iterable[tuple[str, int]]: ...  # stored value as "wallet"
    def points(self) -> Iterable[tuple[str, int]]: ...  # (kind, net delta) per kind
    def wallet(self) -> Iterable[tuple[str, int, int]]: ...  # (kind, principal, bonus) per entry
    def topup_tenders(self) -> Iterable[tuple[str, int]]: ...
    def new_members(self) -> int: ...


def _summed(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind, amount in pairs:
        out[kind] = out.get(kind, 0) + int(amount)
    return clean_tenders(out)


def day_totals(day: date, rows: DayRows) -> DayTotals:
    """The day's figures from what one side holds (the one definition of each)."""
    sales = rows.sales()
    r_count, r_amount = rows.refunds()
    earned = spent = other = 0
    for kind, total in rows.points():
        if kind in POINTS_EARNED_KINDS:
            earned += int(total)
        elif kind in POINTS_SPENT_KINDS:
            spent -= int(total)
        else:
            other += int(total)
    w_in = w_out = topups = bonus = 0
    for kind, principal, gift in rows.wallet():
        moved = int(principal) + int(gift)
        if moved > 0:
            w_in += moved
        else:
            w_out -= moved
        if kind == "topup":
            topups += 1
            bonus += int(gift)
    return DayTotals(
        day=day, sales_count=sales.count, gross=sales.gross,
        member_sales_count=sales.member_count, member_gross=sales.member_gross,
        discounts=sales.discounts, refunds_count=int(r_count), refunds_amount=int(r_amount),
        tenders=_summed(rows.sale_tenders()), refund_tenders=_summed(rows.refund_tenders()),
        points_earned=earned, points_spent=spent, points_other=other, wallet_in=w_in,
        wallet_out=w_out, topups_count=topups, topup_bonus=bonus,
        topup_tenders=_summed(rows.topup_tenders()), new_members=int(rows.new_members()),
    )  # fmt: skip


class TerminalDay:
    """The terminal's own rows of one business day (its tables, not its outbox)."""

    def __init__(self, session: Session, day: date, tz: str) -> None:
        self.s, self.day, self.tz = session, day, tz

    def sales(self) -> SalesSums:
        member = Sale.member_id.is_not(None)
        row = self.s.execute(
            select(
                func.count(), func.coalesce(func.sum(Sale.total), 0),
                func.count(Sale.member_id),
                func.coalesce(func.sum(Sale.total).filter(member), 0),
                func.coalesce(func.sum(Sale.discount_total), 0),
            ).where(Sale.business_date == self.day)
        ).one()  # fmt: skip
        return SalesSums(*(int(v) for v in row))

    def sale_tenders(self) -> Iterable[tuple[str, int]]:
        return self.s.execute(
            select(SaleTender.kind, func.sum(SaleTender.amount))
            .join(Sale, Sale.id == SaleTender.sale_id)
            .where(Sale.business_date == self.day)
            .group_by(SaleTender.kind)
        ).all()

    def _refund_rows(self) -> list[Any]:
        return self.s.execute(
            select(Refund.amount, Refund.tenders, Refund.details).where(
                Refund.business_date == self.day
            )
        ).all()

    def refunds(self) -> tuple[int, int]:
        found = self._refund_rows()
        return len(found), sum(int(amount) for amount, _, _ in found)

    def refund_tenders(self) -> Iterable[tuple[str, int]]:
        for _, money, details in self._refund_rows():
            yield from ((kind, int(value)) for kind, value in (money or {}).items())
            d = details or {}
            wallet = int(d.get("wallet_principal", 0)) + int(d.get("wallet_bonus", 0))
            if wallet:
                yield "wallet", wallet

    def points(self) -> Iterable[tuple[str, int]]:
        return self.s.execute(
            select(PointsEntry.kind, func.sum(PointsEntry.delta))
            # `chain` entries mirror other tills' (core/members/chain_directory.py): theirs
            .where(PointsEntry.business_date == self.day, PointsEntry.kind != "chain")
            .group_by(PointsEntry.kind)
        ).all()

    def wallet(self) -> Iterable[tuple[str, int, int]]:
        return self.s.execute(
            select(WalletEntry.kind, WalletEntry.principal_delta, WalletEntry.bonus_delta).where(
                WalletEntry.business_date == self.day, WalletEntry.kind != "chain"
            )
        ).all()

    def topup_tenders(self) -> Iterable[tuple[str, int]]:
        return self.s.execute(
            select(Topup.tender, func.sum(Topup.amount))
            .where(Topup.business_date == self.day)
            .group_by(Topup.tender)
        ).all()

    def new_members(self) -> int:
        start = shop_day_start_utc(self.day, self.tz)
        end = shop_day_start_utc(self.day + timedelta(days=1), self.tz)
        return int(
            self.s.scalar(
                select(func.count())
                .select_from(Member)
                .where(Member.joined_at >= start, Member.joined_at < end)
                .where(or_(Member.chain_store == "", _ISSUED_HERE))  # not the chain's others
            )
            or 0
        )


# A member this till issued (one the chain's directory brought has no such row here).
_ISSUED_HERE = (
    select(OutboxEvent.seq)
    .where(OutboxEvent.aggregate_id == Member.id, OutboxEvent.kind == "member.issued")
    .exists()
)


def terminal_day_totals(store: Store, day: date | None = None) -> DayTotals:
    """This terminal's count of a business day (today when not given), all cashiers."""
    with store.read() as s:
        tz = shop_info(s).timezone
        day = day or shop_date(store.clock.now(), tz)
        return day_totals(day, TerminalDay(s, day, tz))
