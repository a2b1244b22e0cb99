"""Two reports the owner's routines ask for: new members per salesperson per month (who
brings members in), and the year's top spenders (who to thank first). Read-only; the
year is a calendar year of the shop's own dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..clock import shop_day_start_utc
from ..errors import DomainError
from ..i18n import DEFAULT_LANG, gettext
from ..loyalty.program_store import program_in_force
from ..members.phone import mask_phone
from ..members.scope import own
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import Member, Sale, Staff
from .lists import NO_SALESPERSON, local_dates

MAX_TOP = 1000


@dataclass(frozen=True)
class SalespersonYear:
    salesperson: str
    months: tuple[int, ...]  # new members in January … December
    total: int


@dataclass(frozen=True)
class TopSpender:
    rank: int
    card_no: str
    name: str
    phone_masked: str
    tier: str  # the tier's name
    salesperson: str
    spend: int  # fen: the year's sales net of refunds
    visits: int  # sales in the year


def _check_year(year: int) -> None:
    if not 1900 <= year <= 9999:
        raise DomainError("report.year", year=year)


def new_members_by_salesperson(
    store: Store, year: int, lang: str = DEFAULT_LANG
) -> list[SalespersonYear]:
    """Members who joined in `year`, per owning salesperson and month (shop's dates),
    most first; members without a salesperson last. Cancelled members count: they joined."""
    _check_year(year)
    with store.read() as s:
        shop = shop_info(s)
        tz = ZoneInfo(shop.timezone)
        first = shop_day_start_utc(date(year, 1, 1), tz.key)
        after = shop_day_start_utc(date(year + 1, 1, 1), tz.key)
        rows = s.execute(
            select(Member.joined_at, Staff.name)
            .outerjoin(Staff, Staff.id == Member.salesperson_id)
            .where(Member.joined_at >= first - timedelta(days=1),
                   Member.joined_at < after + timedelta(days=1), own(shop.store_code))
        ).all()  # fmt: skip
    local = local_dates(tz)
    counts: dict[str | None, list[int]] = {}
    for joined_at, salesperson in rows:
        day = local(joined_at)
        if day is not None and day.year == year:
            counts.setdefault(salesperson, [0] * 12)[day.month - 1] += 1
    none = gettext(NO_SALESPERSON, lang)
    out = [SalespersonYear(name or none, tuple(m), sum(m)) for name, m in counts.items()]
    return sorted(out, key=lambda r: (r.salesperson == none, -r.total, r.salesperson))


def top_spenders(
    store: Store, year: int, limit: int = 20, lang: str = DEFAULT_LANG
) -> list[TopSpender]:
    """The members who spent most in `year` (sales net of refunds), most first; ties by
    card number."""
    _check_year(year)
    if not 1 <= limit <= MAX_TOP:
        raise DomainError("report.limit", max=MAX_TOP)
    spend = func.sum(Sale.total - Sale.refunded_total).label("spend")
    with store.read() as s:
        current = program_in_force(s)
        tiers = {t.code: t.name for t in current.program.tiers.levels} if current else {}
        best = (
            select(Sale.member_id, spend, func.count().label("visits"))
            .where(Sale.member_id.is_not(None),
                   Sale.business_date.between(date(year, 1, 1), date(year, 12, 31)))
            .group_by(Sale.member_id)
            .having(spend > 0)
            .subquery()
        )  # fmt: skip
        rows = s.execute(
            select(Member.card_no, Member.name, Member.phone, Member.tier, Staff.name,
                   best.c.spend, best.c.visits)
            .join(best, best.c.member_id == Member.id)
            .outerjoin(Staff, Staff.id == Member.salesperson_id)
            .order_by(best.c.spend.desc(), Member.card_no)
            .limit(limit)
        ).all()  # fmt: skip
    none = gettext(NO_SALESPERSON, lang)
    return [
        TopSpender(i, card, name, mask_phone(phone), tiers.get(tier, tier), staff or none,
                   int(total), int(visits))
        for i, (card, name, phone, tier, staff, total, visits) in enumerate(rows, start=1)
    ]  # fmt: skip
