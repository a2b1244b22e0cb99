"""The owner's dashboard figures: members active, dormant and new, member share, tier mix.

Dormant follows the follow-up routine (no visit for 3 months); a member who joined
that long ago and never came back counts as dormant too. Dates are shop-local.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select

from ..clock import shop_date, shop_day_start_utc
from ..loyalty.program import preset
from ..loyalty.program_store import DEFAULT_PRESET, program_in_force
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import Member, Sale

DORMANT_DAYS = 90


TREND_DAYS = 14


@dataclass(frozen=True)
class TierCount:
    code: str
    name: str
    members: int


@dataclass(frozen=True)
class DaySales:
    day: date
    member_total: int  # fen
    walk_in_total: int


@dataclass(frozen=True)
class Dashboard:
    today: date
    members: int  # not cancelled
    active: int  # visited within DORMANT_DAYS
    dormant: int  # no visit for DORMANT_DAYS (or never, having joined before that)
    never_visited: int  # joined recently and not back yet
    new_this_month: int
    month_sales_total: int
    month_member_sales_total: int
    month_sales_count: int
    month_member_sales_count: int
    tiers: tuple[TierCount, ...]
    trend: tuple[DaySales, ...]  # the last TREND_DAYS days, oldest first

    @property
    def member_share_percent(self) -> int:
        """Share of this month's takings that came from members, in whole percent."""
        if self.month_sales_total <= 0:
            return 0
        return round(100 * self.month_member_sales_total / self.month_sales_total)


def dashboard(store: Store, today: date | None = None) -> Dashboard:
    with store.read() as s:
        tz = shop_info(s).timezone
        today = today or shop_date(store.clock.now(), tz)
        cutoff = shop_day_start_utc(today - timedelta(days=DORMANT_DAYS), tz)
        month_start = today.replace(day=1)
        live = Member.status != "cancelled"
        counts = s.execute(
            select(
                func.count(),
                func.sum(case((Member.last_visit_at >= cutoff, 1), else_=0)),
                func.sum(case((or_(Member.last_visit_at < cutoff,
                                   and_(Member.last_visit_at.is_(None), Member.joined_at < cutoff)), 1), else_=0)),
                func.sum(case((Member.joined_at >= shop_day_start_utc(month_start, tz), 1), else_=0)),
            ).where(live)
        ).one()  # fmt: skip
        members, active, dormant, new = (int(v or 0) for v in counts)
        month = s.execute(
            select(
                func.count(), func.coalesce(func.sum(Sale.total - Sale.refunded_total), 0),
                func.sum(case((Sale.member_id.is_not(None), 1), else_=0)),
                func.coalesce(func.sum(case((Sale.member_id.is_not(None), Sale.total - Sale.refunded_total), else_=0)), 0),
            ).where(Sale.business_date >= month_start, Sale.business_date <= today)
        ).one()  # fmt: skip
        current = program_in_force(s)
        # Before the first sale no program is saved yet; checkout would use the default one.
        levels = (current.program if current else preset(DEFAULT_PRESET)).tiers.levels
        by_tier = dict(
            s.execute(select(Member.tier, func.count()).where(live).group_by(Member.tier)).all()
        )
        tiers = []
        lowest = levels[0].code
        for level in levels:
            n = by_tier.pop(level.code, 0)
            if level.code == lowest:  # members issued before any sale carry no tier yet
                n += by_tier.pop("", 0)
            tiers.append(TierCount(level.code, level.name, int(n)))
        tiers += [TierCount(code, code or "-", int(n)) for code, n in sorted(by_tier.items()) if n]
        first = today - timedelta(days=TREND_DAYS - 1)
        rows = s.execute(
            select(Sale.business_date, Sale.member_id.is_not(None), func.sum(Sale.total - Sale.refunded_total))
            .where(Sale.business_date >= first, Sale.business_date <= today)
            .group_by(Sale.business_date, Sale.member_id.is_not(None))
        ).all()  # fmt: skip
        per_day: dict[date, list[int]] = {
            first + timedelta(days=i): [0, 0] for i in range(TREND_DAYS)
        }
        for day, is_member, total in rows:
            per_day[day][0 if is_member else 1] += int(total or 0)
        return Dashboard(
            today=today, members=members, active=active, dormant=dormant,
            never_visited=members - active - dormant, new_this_month=new,
            month_sales_count=int(month[0]), month_sales_total=int(month[1]),
            month_member_sales_count=int(month[2] or 0), month_member_sales_total=int(month[3]),
            tiers=tuple(tiers),
            trend=tuple(DaySales(d, m, w) for d, (m, w) in sorted(per_day.items())),
        )  # fmt: skip
