"""The owner's dashboard figures: members active, dormant and new, member share, tier mix.

Dormant is what the follow-up list's "all dormant" choice lists: a member (正常 or 挂失)
not back for the first dormant band of the follow-up settings (90 days unless set) or
longer, counted in whole shop-local days; one who joined that long ago and never came
back counts too. Frozen members away that long are counted apart. The takings (the
month's sales, the member share, the 14-day trend) are a manager's or the owner's: a
cashier's dashboard has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from ..clock import shop_date, shop_day_start_utc
from ..loyalty.program import preset
from ..loyalty.program_store import DEFAULT_PRESET, program_in_force
from ..members.scope import own
from ..shop.details import read_setting, shop_info
from ..shop.staff import Actor
from ..store.database import Store
from ..store.models import Member, Sale

DORMANT_DAYS = 90  # unless the follow-up settings' first dormant band says otherwise
FOLLOWUP_SETTINGS = "followups"  # core.followups.lists keeps its thresholds there
LISTED = ("active", "lost")  # the statuses a follow-up list calls


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
class Takings:
    """This month's sales and the last days' trend: for a manager or the owner only."""

    month_sales_total: int
    month_member_sales_total: int
    month_sales_count: int
    month_member_sales_count: int
    trend: tuple[DaySales, ...]  # the last TREND_DAYS days, oldest first

    @property
    def member_share_percent(self) -> int:
        """Share of this month's takings that came from members, in whole percent."""
        if self.month_sales_total <= 0:
            return 0
        return round(100 * self.month_member_sales_total / self.month_sales_total)


@dataclass(frozen=True)
class Dashboard:
    today: date
    members: int  # not cancelled
    active: int  # visited within the last `dormant_days` days
    dormant: int  # 正常 / 挂失, away `dormant_days` or more (or never back, joined before)
    frozen_away: int  # frozen and away as long
    never_visited: int  # joined recently and not back yet
    new_this_month: int
    tiers: tuple[TierCount, ...]
    dormant_days: int = DORMANT_DAYS
    takings: Takings | None = None  # None: the asking person may not see money figures


def dormant_days_setting(session) -> int:
    """The first dormant band of the follow-up settings: away this long is dormant."""
    bands = (read_setting(session, FOLLOWUP_SETTINGS) or {}).get("dormant_days") or [DORMANT_DAYS]
    return min(int(b) for b in bands)


def away_since(today: date, days: int, tz: str) -> tuple[datetime, object]:
    """(cutoff, condition): a member away `days` whole days or more was last seen (or, never
    back, joined) on or before `today` − `days` — before the cutoff."""
    cutoff = shop_day_start_utc(today - timedelta(days=days - 1), tz)
    away = or_(Member.last_visit_at < cutoff,
               and_(Member.last_visit_at.is_(None), Member.joined_at < cutoff))  # fmt: skip
    return cutoff, away


def dormant_count(session, today: date, tz: str) -> int:
    """How many members the dashboard calls dormant (the follow-up list's "all dormant")."""
    _cutoff, away = away_since(today, dormant_days_setting(session), tz)
    here = own(shop_info(session).store_code)
    return int(session.scalar(
        select(func.count()).select_from(Member).where(away, Member.status.in_(LISTED), here)
    ) or 0)  # fmt: skip


def dashboard(store: Store, today: date | None = None, *, actor: Actor | None = None) -> Dashboard:
    """The figures; the takings only when `actor` is a manager or the owner."""
    with store.read() as s:
        shop = shop_info(s)
        tz = shop.timezone
        today = today or shop_date(store.clock.now(), tz)
        days = dormant_days_setting(s)
        cutoff, away = away_since(today, days, tz)
        month_start = today.replace(day=1)
        live = and_(Member.status != "cancelled", own(shop.store_code))
        counts = s.execute(
            select(
                func.count(),
                func.sum(case((Member.last_visit_at >= cutoff, 1), else_=0)),
                func.sum(case((and_(away, Member.status.in_(LISTED)), 1), else_=0)),
                func.sum(case((and_(away, Member.status == "frozen"), 1), else_=0)),
                func.sum(case((Member.joined_at >= shop_day_start_utc(month_start, tz), 1), else_=0)),
            ).where(live)
        ).one()  # fmt: skip
        members, active, dormant, frozen, new = (int(v or 0) for v in counts)
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
        takings = None
        if actor is not None and actor.privileged:
            takings = _takings(s, today, month_start)
        return Dashboard(
            today=today, members=members, active=active, dormant=dormant, frozen_away=frozen,
            never_visited=members - active - dormant - frozen, new_this_month=new,
            tiers=tuple(tiers), dormant_days=days, takings=takings,
        )  # fmt: skip


def _takings(s, today: date, month_start: date) -> Takings:
    month = s.execute(
        select(
            func.count(), func.coalesce(func.sum(Sale.total - Sale.refunded_total), 0),
            func.sum(case((Sale.member_id.is_not(None), 1), else_=0)),
            func.coalesce(func.sum(case((Sale.member_id.is_not(None), Sale.total - Sale.refunded_total), else_=0)), 0),
        ).where(Sale.business_date >= month_start, Sale.business_date <= today)
    ).one()  # fmt: skip
    first = today - timedelta(days=TREND_DAYS - 1)
    rows = s.execute(
        select(Sale.business_date, Sale.member_id.is_not(None), func.sum(Sale.total - Sale.refunded_total))
        .where(Sale.business_date >= first, Sale.business_date <= today)
        .group_by(Sale.business_date, Sale.member_id.is_not(None))
    ).all()  # fmt: skip
    per_day: dict[date, list[int]] = {first + timedelta(days=i): [0, 0] for i in range(TREND_DAYS)}
    for day, is_member, total in rows:
        per_day[day][0 if is_member else 1] += int(total or 0)
    return Takings(
        month_sales_count=int(month[0]), month_sales_total=int(month[1]),
        month_member_sales_count=int(month[2] or 0), month_member_sales_total=int(month[3]),
        trend=tuple(DaySales(d, m, w) for d, (m, w) in sorted(per_day.items())),
    )  # fmt: skip
