"""A business day's totals as this terminal counts them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, select

from ..clock import shop_day_start_utc
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import Member, PointsEntry, Refund, Sale, SaleTender, WalletEntry
from .transport import POINTS_EARNED_KINDS, POINTS_SPENT_KINDS, DayTotals, clean_tenders


def local_day_totals(store: Store, day: date) -> DayTotals:
    """The terminal's own count of a business day, from its tables (not from the outbox)."""
    with store.read() as s:
        tz = shop_info(s).timezone
        count, gross = s.execute(
            select(func.count(), func.coalesce(func.sum(Sale.total), 0)).where(
                Sale.business_date == day
            )
        ).one()
        tenders = dict(
            s.execute(
                select(SaleTender.kind, func.sum(SaleTender.amount))
                .join(Sale, Sale.id == SaleTender.sale_id)
                .where(Sale.business_date == day)
                .group_by(SaleTender.kind)
            ).all()
        )
        r_count = r_amount = 0
        back: dict[str, int] = {}
        for amount, money, details in s.execute(
            select(Refund.amount, Refund.tenders, Refund.details).where(Refund.business_date == day)
        ):
            r_count += 1
            r_amount += amount
            for kind, value in (money or {}).items():
                back[kind] = back.get(kind, 0) + int(value)
            d = details or {}
            wallet = int(d.get("wallet_principal", 0)) + int(d.get("wallet_bonus", 0))
            if wallet:
                back["wallet"] = back.get("wallet", 0) + wallet
        earned = spent = other = 0
        for kind, total in s.execute(
            select(PointsEntry.kind, func.sum(PointsEntry.delta))
            .where(PointsEntry.business_date == day)
            .group_by(PointsEntry.kind)
        ):
            if kind in POINTS_EARNED_KINDS:
                earned += int(total)
            elif kind in POINTS_SPENT_KINDS:
                spent -= int(total)
            else:
                other += int(total)
        moved = WalletEntry.principal_delta + WalletEntry.bonus_delta
        w_in, w_out = s.execute(
            select(
                func.coalesce(func.sum(case((moved > 0, moved), else_=0)), 0),
                func.coalesce(func.sum(case((moved < 0, -moved), else_=0)), 0),
            ).where(WalletEntry.business_date == day)
        ).one()
        start, end = shop_day_start_utc(day, tz), shop_day_start_utc(day + timedelta(days=1), tz)
        joined = s.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.joined_at >= start, Member.joined_at < end)
        )
    return DayTotals(
        day=day, sales_count=int(count), gross=int(gross), refunds_count=r_count,
        refunds_amount=r_amount, tenders=clean_tenders(tenders), refund_tenders=clean_tenders(back),
        points_earned=earned, points_spent=spent, points_other=other, wallet_in=int(w_in),
        wallet_out=int(w_out), new_members=int(joined or 0),
    )  # fmt: skip
