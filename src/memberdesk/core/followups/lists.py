"""The owner's follow-up lists: birthdays, dormant members, new-member care, big-purchase
callbacks and regulars who are dropping away.

Every list is a query over a period, in the shop's time zone, with thresholds from
the `followups` setting. Each row carries the date that put the member on the list
(`due`), the reason in words and the owning salesperson. Members who asked not to be
contacted (不再联系) are never listed; members called within the list's cooldown are
not listed again, and a member reached about an occasion (talked to, coming in, sent the
message) is not listed for that occasion again; members without marketing consent are listed but marked, and the
SMS text leaves them out. Frozen and cancelled members are not listed.
"""

from __future__ import annotations

import calendar
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Integer as SqlInteger
from sqlalchemy import Select, and_, cast, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session

from ..clock import from_utc_naive, shop_date, shop_day_start_utc
from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, Listing, Message, gettext, normalise, translate
from ..loyalty.program_store import program_in_force
from ..members.birthdays import Birthday, occurrences
from ..members.member import not_in_year
from ..members.scope import OWN_SQL, own
from ..money import format_fen
from ..shop.details import read_setting, shop_info, write_setting
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import CallLogEntry, Member, Sale, Staff
from ..store.statements import raw_connection
from ..till.dashboard import dormant_count
from .spend_windows import PRIOR_DAYS, spend_reader, take

LIST_KINDS = ("birthdays", "dormant", "new", "bigspend", "dropping")


LIST_NAMES = {"birthdays": N_("Birthday care"), "dormant": N_("Wake dormant members"),
              "new": N_("New member care"), "bigspend": N_("After a large purchase"),
              "dropping": N_("Regulars dropping away")}  # fmt: skip


LISTED_STATUSES = ("active", "lost")


NO_SALESPERSON = N_("No salesperson")


EVER = date(1900, 1, 1)  # the start of an open period ("up to today")


LAST_DAY = date(2100, 12, 31)  # the last day a list can reach (the lunar calendar's end)


SETTING_KEY = "followups"


# Rows are plain column tuples read by position, not ORM objects: a 100k-member list
# must stay quick. Every query selects ROW_COLUMNS first, then what its list needs.
ROW_COLUMNS = (
    Member.id, Member.card_no, Member.name, Member.phone, Member.tier, Member.salesperson_id,
    Staff.name, Member.last_visit_at, Member.lifetime_spend, Member.points,
    Member.marketing_consent,
)  # fmt: skip


_ID, _CARD, _NAME, _PHONE, _TIER, _SP, _STAFF, _LAST, _SPEND, _POINTS, _CONSENT = range(11)


_X = len(ROW_COLUMNS)  # the first list-specific column


NEW_STEPS = {
    3: N_("day 3 after joining: thank them for joining"),
    7: N_("day 7 after joining: ask how things are going"),
    15: N_("day 15 after joining: invite them back"),
}


# Lunar months and days by their Chinese names (正月, 初一 …).
LUNAR_MONTHS = (
    N_("lunar month 1"), N_("lunar month 2"), N_("lunar month 3"), N_("lunar month 4"),
    N_("lunar month 5"), N_("lunar month 6"), N_("lunar month 7"), N_("lunar month 8"),
    N_("lunar month 9"), N_("lunar month 10"), N_("lunar month 11"), N_("lunar month 12"),
)  # fmt: skip


LUNAR_DAYS = (
    N_("lunar day 1"), N_("lunar day 2"), N_("lunar day 3"), N_("lunar day 4"),
    N_("lunar day 5"), N_("lunar day 6"), N_("lunar day 7"), N_("lunar day 8"),
    N_("lunar day 9"), N_("lunar day 10"), N_("lunar day 11"), N_("lunar day 12"),
    N_("lunar day 13"), N_("lunar day 14"), N_("lunar day 15"), N_("lunar day 16"),
    N_("lunar day 17"), N_("lunar day 18"), N_("lunar day 19"), N_("lunar day 20"),
    N_("lunar day 21"), N_("lunar day 22"), N_("lunar day 23"), N_("lunar day 24"),
    N_("lunar day 25"), N_("lunar day 26"), N_("lunar day 27"), N_("lunar day 28"),
    N_("lunar day 29"), N_("lunar day 30"),
)  # fmt: skip


@dataclass(frozen=True)
class FollowupSettings:
    cooldown_days: Mapping[str, int] = field(default_factory=lambda: {
        "birthdays": 7, "dormant": 14, "new": 3, "bigspend": 7, "dropping": 14})  # fmt: skip
    dormant_days: tuple[int, ...] = (90, 180, 365)  # 3 / 6 / 12 months without a visit
    never_returned_days: int = 30  # joined this long ago and never came back
    new_member_days: tuple[int, ...] = (3, 7, 15)
    bigspend_fen: int = 200_000  # 2000 元
    bigspend_after_days: int = 7
    regular_min_visits: int = 4
    dropping_factor_percent: int = 200  # away for twice their usual interval
    spend_drop_percent: int = 50  # recent spend below half their usual
    spend_window_days: int = 90

    def cooldown(self, kind: str) -> int:
        return int(self.cooldown_days.get(kind, 7))


def followup_settings(session: Session) -> FollowupSettings:
    data = read_setting(session, SETTING_KEY) or {}
    known = {k: v for k, v in data.items() if k in FollowupSettings.__dataclass_fields__}
    for key in ("dormant_days", "new_member_days"):
        if key in known:
            known[key] = tuple(sorted(int(x) for x in known[key]))
    return FollowupSettings(**known)


def save_followup_settings(store: Store, actor: Actor, **changes: Any) -> FollowupSettings:
    """Change list thresholds (manager); every number must be positive."""
    require(actor, "program_change")
    unknown = set(changes) - set(FollowupSettings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown follow-up settings: {sorted(unknown)}")
    with store.write() as uow:
        new = replace(followup_settings(uow.session), **changes)
        numbers = [v for v in new.__dict__.values() if isinstance(v, int)]
        numbers += (
            list(new.dormant_days) + list(new.new_member_days) + list(new.cooldown_days.values())
        )
        if any(not isinstance(n, int) or n < 0 for n in numbers) or not new.dormant_days:
            raise DomainError("followup.setting_invalid")
        if new.regular_min_visits < 2:
            raise DomainError("followup.regular_visits_invalid", visits=new.regular_min_visits)
        data = {k: (list(v) if isinstance(v, tuple) else dict(v) if isinstance(v, Mapping) else v)
                for k, v in new.__dict__.items()}  # fmt: skip
        write_setting(uow.session, SETTING_KEY, data)
        uow.audit(
            "followups.settings", staff_id=actor.staff_id, staff_name=actor.name, detail=changes
        )
        return followup_settings(uow.session)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return self.text(DEFAULT_LANG)

    def text(self, lang: str | None = DEFAULT_LANG) -> str:
        if self.start <= EVER:
            return translate(N_("up to {end}"), lang, end=f"{self.end:%Y-%m-%d}")
        return translate(N_("{start} to {end}"), lang, start=f"{self.start:%Y-%m-%d}",
                         end=f"{self.end:%Y-%m-%d}")  # fmt: skip

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def check_period(period: Period) -> None:
    """A period a list can be made for: in order, and within the calendar the shop's
    lists know (the lunar calendar ends in 2100; Python's dates in the year 9999)."""
    if period.end < period.start:
        raise DomainError("followup.period_invalid", start=period.start, end=period.end)
    if period.start < EVER or period.end > LAST_DAY:
        raise DomainError("followup.period_range", start=period.start, end=period.end,
                          first=EVER, last=LAST_DAY)  # fmt: skip


def month_period(text: str) -> Period:
    try:
        year, month = (int(x) for x in text.split("-"))
        return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    except ValueError as exc:
        raise DomainError("followup.month_invalid", month=text) from exc


def next_days(today: date, days: int) -> Period:
    return Period(today, today + timedelta(days=days - 1))


def default_period(kind: str, today: date) -> Period:
    """Birthdays: next month. Dormant and dropping: who crossed the line in the last 30
    days (a monthly sheet; each band — 3, 6, 12 months — is a new occasion to call).
    New-member care and callbacks: what fell due in the last 7 days, today included."""
    if kind == "birthdays":
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        return month_period(f"{first:%Y-%m}")
    if kind in ("dormant", "dropping"):
        return Period(today - timedelta(days=29), today)
    return Period(today - timedelta(days=6), today)


class FollowupRow(NamedTuple):
    """One member on a list (a tuple: a 100k-member shop builds thousands at once)."""

    member_id: str
    card_no: str
    name: str
    phone: str | None  # full: callers decide who may see it (view_full_phone)
    tier: str  # the tier's name
    salesperson_id: str | None
    salesperson: str
    due: date  # the date that put them on the list
    reason: str
    last_visit: date | None
    lifetime_spend: int
    points: int
    consent: bool  # marketing consent: False keeps them out of SMS
    # The day of what the call is about, where that is not `due`: the large purchase a
    # callback follows a week later ({date} in its texts). None: `due` itself.
    event: date | None = None


_new_row = tuple.__new__  # positional construction without NamedTuple's argument parsing


_card_no = itemgetter(1)


@dataclass(frozen=True)
class FollowupList:
    kind: str
    title: str
    period: Period
    generated_at: datetime  # the shop's wall clock
    shop_name: str
    rows: tuple[FollowupRow, ...]
    lang: str = DEFAULT_LANG  # of its title, reasons and labels
    # "All dormant" (a dormant list from the beginning of time): how many members are
    # dormant in all, as the dashboard counts them; the rest were called lately or asked
    # not to be called (or the list is one salesperson's).
    dormant_total: int | None = None

    def by_salesperson(self) -> list[tuple[str, list[FollowupRow]]]:
        groups: dict[str, list[FollowupRow]] = {}
        for row in self.rows:
            groups.setdefault(row.salesperson, []).append(row)
        return list(groups.items())


class _Ctx:
    """What every list query needs: the session, today, the zone, tier names, filters."""

    def __init__(
        self, store: Store, s: Session, kind: str, salesperson: str | None, lang: str
    ) -> None:
        self.store, self.s, self.kind, self.lang = store, s, kind, normalise(lang)
        self.no_salesperson = gettext(NO_SALESPERSON, self.lang)
        shop = shop_info(s)
        self.tz = ZoneInfo(shop.timezone)
        self.store_code = shop.store_code
        self.today = shop_date(store.clock.now(), self.tz.key)
        self.settings = followup_settings(s)
        current = program_in_force(s)
        levels = current.program.tiers.levels if current else ()
        self.tiers = {t.code: t.name for t in levels}
        self.lowest_tier = levels[0].name if levels else ""
        self.local_date = local_dates(self.tz)
        self.staff_id = None
        if salesperson:
            self.staff_id = s.scalar(select(Staff.id).where(Staff.name == salesperson))
            if self.staff_id is None:
                raise DomainError("staff.not_found", name=salesperson)

    def day_start(self, day: date) -> datetime:
        return shop_day_start_utc(max(day, EVER), self.tz.key)

    def run(self, q: Select) -> Iterable[Any]:
        """Core rows (no ORM identity map: these are read-only tuples)."""
        return self.s.connection().execute(q)

    def members(self, columns: tuple[Any, ...], *where: Any) -> Select:
        """Listable members with their salesperson, minus cooldown and do-not-contact:
        ROW_COLUMNS, then `columns`."""
        q = (
            select(*ROW_COLUMNS, *columns)
            .outerjoin(Staff, Staff.id == Member.salesperson_id)
            .where(Member.status.in_(LISTED_STATUSES), own(self.store_code), *where)
        )
        q = q.where(~exists().where(CallLogEntry.member_id == Member.id,
                                    CallLogEntry.outcome == "do_not_contact"))  # fmt: skip
        cooldown = self.settings.cooldown(self.kind)
        if cooldown > 0:
            since = self.day_start(self.today - timedelta(days=cooldown - 1))
            q = q.where(
                ~exists().where(
                    CallLogEntry.member_id == Member.id, CallLogEntry.called_at >= since
                )
            )
        if self.staff_id:
            q = q.where(Member.salesperson_id == self.staff_id)
        return q

    def t(self, msgid: str, **params: Any) -> str:
        return translate(msgid, self.lang, **params)

    def row(
        self, m: Any, due: date, reason: str, last: date | None | bool = False,
        event: date | None = None,
    ) -> FollowupRow:  # fmt: skip
        """`last`: the member's last visit as a local date, when the caller has it already."""
        return _new_row(FollowupRow, (
            m[_ID], m[_CARD], m[_NAME], m[_PHONE], self.tiers.get(m[_TIER], self.lowest_tier),
            m[_SP], m[_STAFF] or self.no_salesperson, due, reason,
            self.local_date(m[_LAST]) if last is False else last,
            m[_SPEND], m[_POINTS], bool(m[_CONSENT]), event,
        ))  # fmt: skip


@lru_cache(maxsize=16384)
def _utc_day(tz: ZoneInfo, key: date) -> tuple[datetime, date, date] | None:
    """(the UTC time of local midnight, the local date before it, the one after) for the
    UTC day `key`; None when the zone changes its offset that day."""
    start = datetime(key.year, key.month, key.day, tzinfo=UTC)
    first = start.astimezone(tz)
    last = (start + timedelta(days=1, microseconds=-1)).astimezone(tz)
    offset = first.utcoffset()
    if offset is None or offset != last.utcoffset():
        return None
    turn = datetime(last.year, last.month, last.day) - offset  # local midnight, naive UTC
    return turn, first.date(), last.date()


def local_dates(tz: ZoneInfo) -> Callable[[datetime | None], date | None]:
    """The shop-local date of a naive UTC time, worked out once per UTC day.

    A list converts thousands of visit and join times. Over a UTC day with one offset
    (both ends agree: no zone changes its offset twice within a day), the local date
    turns at most once, at local midnight; a day with an offset change is converted
    time by time."""
    days: dict[date, tuple[datetime, date, date] | None] = {}

    def local_date(naive_utc: datetime | None) -> date | None:
        if naive_utc is None:
            return None
        key = naive_utc.date()
        try:
            day = days[key]
        except KeyError:
            day = days[key] = _utc_day(tz, key)
        if day is None:
            return naive_utc.replace(tzinfo=UTC).astimezone(tz).date()
        return day[1] if naive_utc < day[0] else day[2]

    return local_date


STORED_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how a DateTime is stored in SQLite


JULIAN_DAY_OF_ORDINAL_0 = 1721424.5  # SQLite's julianday() of midnight before date.fromordinal(1)


class LocalDays(dict):
    """The shop-local day (as a date ordinal) of a naive UTC time as stored
    ('2026-03-10 02:00:00.000000'), read with a plain statement: the text is compared
    with the time the local date turns on its UTC day, to the second, unparsed."""

    def __init__(self, tz: ZoneInfo) -> None:
        super().__init__()
        self.tz = tz

    def __missing__(self, key: str) -> tuple[str, int, int] | None:
        found = _utc_day(self.tz, date.fromisoformat(key))
        day = self[key] = found and (f"{found[0]:%Y-%m-%d %H:%M:%S}", found[1].toordinal(),
                                     found[2].toordinal())  # fmt: skip
        return day

    def ordinal(self, stored: str) -> int:
        day = self[stored[:10]]
        if day is None:  # the zone changes its offset that day
            return (
                datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(self.tz).toordinal()
            )
        return day[1] if stored[:19] < day[0] else day[2]


@lru_cache(maxsize=8)
def local_days(tz: ZoneInfo) -> LocalDays:
    """One LocalDays per zone, kept: a list meets thousands of distinct days."""
    return LocalDays(tz)


def lunar_words(month: int, day: int, leap: bool, lang: str = DEFAULT_LANG) -> str:
    """农历四月廿六 / 农历闰四月廿六 (lunar month 4 day 26)."""
    words = N_("lunar leap {month} {day}") if leap else N_("lunar {month} {day}")
    return translate(words, lang, month=Message(LUNAR_MONTHS[month - 1]),
                     day=Message(LUNAR_DAYS[day - 1]))  # fmt: skip


BIRTHDAY_COLUMNS = (
    Member.birthday, Member.birthday_lunar, Member.lunar_month, Member.lunar_day, Member.lunar_leap,
)  # fmt: skip


_BORN, _LUNAR, _LUNAR_MONTH, _LUNAR_DAY, _LUNAR_LEAP = range(_X, _X + len(BIRTHDAY_COLUMNS))


def _birthdays(c: _Ctx, period: Period) -> Iterable[FollowupRow]:
    for year in range(period.start.year, period.end.year + 1):
        lo, hi = max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31))
        md_lo, md_hi = lo.month * 100 + lo.day, hi.month * 100 + hi.day
        born_md = cast(func.strftime("%m%d", Member.birthday), SqlInteger)
        # This year's month-days, and members not yet moved to this year (the daily jobs
        # move them): two statements, each a range of ix_members_birthday_year_md.
        found = [c.members(BIRTHDAY_COLUMNS, Member.birthday_md_year == year,
                           Member.birthday_md.between(md_lo, md_hi)),
                 c.members(BIRTHDAY_COLUMNS, Member.birthday.is_not(None), not_in_year(year),
                           or_(Member.birthday_lunar.is_(True), born_md.between(md_lo, max(md_hi, 229))))]  # fmt: skip
        if md_lo <= LUNAR_TWICE_BEFORE:
            # A 冬月/腊月 birthday kept on its December date this year can fall in January
            # too (腊月初一: 2027-01-08 and 2027-12-28): a third range of the same index.
            found.append(c.members(BIRTHDAY_COLUMNS, Member.birthday_md_year == year,
                                   Member.birthday_md >= LUNAR_TWICE_FROM,
                                   Member.birthday_lunar.is_(True)))  # fmt: skip
        # A birthday's dates and reasons depend on its month and day only: worked out once.
        # (A member found twice is listed once, by the caller.)
        due: dict[tuple[bool, int, int, bool], list[tuple[date, str]]] = {}
        for m in chain.from_iterable(c.run(q) for q in found):
            if m[_LUNAR]:
                key = (True, m[_LUNAR_MONTH], m[_LUNAR_DAY], bool(m[_LUNAR_LEAP]))
            else:
                born = m[_BORN]
                key = (False, born.month, born.day, False)
            try:
                hits = due[key]
            except KeyError:
                hits = due[key] = _birthday_due(*key, lo, hi, c.lang, c.today.year)
            for when, reason in hits:
                yield c.row(m, when, reason)


# Lunar birthdays that can fall twice in a solar year: the January occurrence is on or
# before this month-day, the December one (the one stored for the year) on or after that.
LUNAR_TWICE_BEFORE, LUNAR_TWICE_FROM = 220, 1101


def _mmdd(day: date) -> str:
    return f"{day.month:02d}-{day.day:02d}"


def _birthday_due(
    lunar: bool, month: int, day: int, leap: bool, lo: date, hi: date,
    lang: str = DEFAULT_LANG, this_year: int | None = None,
) -> list[tuple[date, str]]:  # fmt: skip
    """Every date from lo to hi (one solar year) on which a birthday on (lunar) month/day
    falls, each with the reason in words. A lunar birthday's solar date is said as this
    year's (the year of `this_year`, the day the sheet is made), next year's, or with its
    year: a 腊月 birthday printed in December falls in January of the next year. So is
    the 28 February on which a 29 February birthday falls in a common year."""
    if lunar:
        # The solar year of birth plays no part in where a lunar birthday falls.
        words = lunar_words(month, day, leap, lang)
        out = []
        for when in occurrences(Birthday(EVER, True, month, day, leap), lo, hi):
            if when.year == (this_year or when.year):
                reason = translate(N_("{lunar} birthday, this year on {date}"), lang,
                                   lunar=words, date=_mmdd(when))  # fmt: skip
            elif this_year is not None and when.year == this_year + 1:
                reason = translate(N_("{lunar} birthday, next year on {date}"), lang,
                                   lunar=words, date=_mmdd(when))  # fmt: skip
            else:
                reason = translate(N_("{lunar} birthday, on {date}"), lang,
                                   lunar=words, date=when.isoformat())  # fmt: skip
            out.append((when, reason))
        return out
    if (month, day) == (2, 29) and not calendar.isleap(lo.year):  # 29 Feb on 28 Feb
        when = date(lo.year, 2, 28)  # said as this year's, next year's or with its year
        if when.year == (this_year or when.year):
            reason = translate(N_("birthday 02-29, this year on {date}"), lang, date=_mmdd(when))
        elif this_year is not None and when.year == this_year + 1:
            reason = translate(N_("birthday 02-29, next year on {date}"), lang, date=_mmdd(when))
        else:
            reason = translate(N_("birthday 02-29, on {date}"), lang, date=when.isoformat())
    else:
        when = date(lo.year, month, day)
        reason = translate(N_("birthday {date}"), lang, date=_mmdd(when))
    return [(when, reason)] if lo <= when <= hi else []


def _band_words(days: int, lang: str = DEFAULT_LANG) -> str:
    if days % 30 == 0 or days == 365:
        return translate(N_("{months} months without a visit"), lang, months=days // 30)
    return translate(N_("{days} days without a visit"), lang, days=days)


def _dormant(
    c: _Ctx, period: Period, bands: tuple[int, ...] | None, never_returned: bool
) -> Iterable[FollowupRow]:
    """Members away for a band of days (90 ≤ days < 180 …), dated the day they crossed
    into it; a member who never bought counts from the day they joined. New members
    who joined `never_returned_days` ago and never came back after their first day are
    listed too, until they are old enough for the first band."""
    all_bands = c.settings.dormant_days
    last_day = min(period.end, c.today)
    for i, band in enumerate(all_bands):
        if bands is not None and band not in bands:
            continue
        lo = period.start - timedelta(days=band)  # last seen so that the crossing is in the period
        hi = last_day - timedelta(days=band)
        if i + 1 < len(all_bands):  # and not yet in the next band
            lo = max(lo, c.today - timedelta(days=all_bands[i + 1] - 1))
        if hi < lo:
            continue
        start, end = c.day_start(lo), c.day_start(hi + timedelta(days=1))
        seen = or_(
            and_(Member.last_visit_at >= start, Member.last_visit_at < end),
            and_(Member.last_visit_at.is_(None), Member.joined_at >= start, Member.joined_at < end),
        )
        words, crossing = _band_words(band, c.lang), timedelta(days=band)
        for m in c.run(c.members((Member.joined_at,), seen)):
            last = c.local_date(m[_LAST])
            since = last or c.local_date(m[_X])
            away = (c.today - since).days
            why = (
                c.t(N_("no visit for {days} days ({band})"), days=away, band=words)
                if last
                else c.t(N_("joined {days} days ago, never bought ({band})"), days=away, band=words)
            )
            yield c.row(m, since + crossing, why, last)
    n = c.settings.never_returned_days
    lo = max(period.start - timedelta(days=n), c.today - timedelta(days=all_bands[0] - 1))
    hi = last_day - timedelta(days=n)
    if never_returned and hi >= lo:
        joined_in = (
            Member.joined_at >= c.day_start(lo),
            Member.joined_at < c.day_start(hi + timedelta(days=1)),
        )
        for m in c.run(c.members((Member.joined_at,), *joined_in)):
            joined, last = c.local_date(m[_X]), c.local_date(m[_LAST])
            if last is None or last <= joined:
                words = c.t(N_("joined {days} days ago, not back since"),
                            days=(c.today - joined).days)  # fmt: skip
                yield c.row(m, joined + timedelta(days=n), words, last)


def _new_members(c: _Ctx, period: Period) -> Iterable[FollowupRow]:
    steps = c.settings.new_member_days
    ranges = [and_(Member.joined_at >= c.day_start(period.start - timedelta(days=d)),
                   Member.joined_at < c.day_start(period.end - timedelta(days=d - 1))) for d in steps]  # fmt: skip
    for m in c.run(c.members((Member.joined_at,), or_(*ranges))):
        joined = c.local_date(m[_X])
        due_steps = [d for d in steps if joined + timedelta(days=d) in period]
        if due_steps:
            d = due_steps[-1]
            step = NEW_STEPS.get(d)
            words = c.t(step) if step else c.t(N_("day {day} after joining: call them"), day=d)
            why = c.t(N_("{step} (joined {date})"), step=words, date=_mmdd(joined))
            yield c.row(m, joined + timedelta(days=d), why)


def _big_spenders(c: _Ctx, period: Period) -> Iterable[FollowupRow]:
    st = c.settings
    after = timedelta(days=st.bigspend_after_days)
    net = Sale.total - Sale.refunded_total
    # A member with several large purchases is called after the latest, about what that
    # one came to (the amount and the day of one sale, never the largest beside the latest).
    latest = func.row_number().over(
        partition_by=Sale.member_id, order_by=(Sale.business_date.desc(), Sale.created_at.desc())
    )
    big = (
        select(Sale.member_id, net.label("amount"), Sale.business_date.label("day"),
               latest.label("k"))
        .where(Sale.member_id.is_not(None), net >= st.bigspend_fen,
               Sale.business_date.between(period.start - after, period.end - after))
        .subquery()
    )  # fmt: skip
    q = c.members((big.c.amount, big.c.day)).join(
        big, and_(big.c.member_id == Member.id, big.c.k == 1)
    )
    for m in c.run(q):
        amount, day = m[_X], m[_X + 1]
        words = c.t(N_("spent {amount} on {date}; call {days} days later"), date=_mmdd(day),
                    amount=format_fen(amount), days=st.bigspend_after_days)  # fmt: skip
        yield c.row(m, day + after, words, event=day)


_REGULARS = (
    "SELECT id, rowid, last_visit_at, joined_at, visit_count,"
    # Could the member be late within the period? The same sum on UTC days, widened by
    # `margin` for the local date and whole days: an exact judgement follows in Python.
    " julianday(last_visit_at) + :factor * max(1.0, (julianday(last_visit_at)"
    "  - julianday(min(joined_at, last_visit_at))) / (visit_count - 1))"
    "  BETWEEN :first - :margin AND :last + :margin"
    " FROM members WHERE status IN ('active', 'lost')"
    " AND visit_count >= :visits AND last_visit_at >= :since AND " + OWN_SQL
)


def _dropping(c: _Ctx, period: Period) -> Iterable[FollowupRow]:
    """Regulars coming less often than their own habit (visits since joining over the
    time since), or spending far less in the last window than they used to.

    A large shop has tens of thousands of regulars and lists a fraction of them: they
    are judged from four plain columns first, and only those listed are read whole."""
    st, today = c.settings, c.today
    window = st.spend_window_days
    spend_of = spend_reader(c.store, c.s.connection(), today, window)
    not_dormant = c.day_start(today - timedelta(days=st.dormant_days[0] - 1))
    factor = st.dropping_factor_percent / 100
    now, first, last_listed = today.toordinal(), period.start.toordinal(), period.end.toordinal()
    to_jd = JULIAN_DAY_OF_ORDINAL_0
    sql, params = _REGULARS, {
        "factor": factor, "first": first + to_jd, "last": min(now - 1, last_listed) + to_jd,
        "margin": 3 + 2 * factor, "visits": st.regular_min_visits,
        "since": not_dormant.strftime(STORED_DATETIME), "store_code": c.store_code,
    }  # fmt: skip
    if c.staff_id:
        sql, params = sql + " AND salesperson_id = :staff", {**params, "staff": c.staff_id}
    day_of, spend_counts = local_days(c.tz).ordinal, today in period
    found: dict[str, tuple[date, str, date]] = {}
    rowids: list[int] = []  # of the listed: their rows are read again by rowid, not by id
    regulars = raw_connection(c.s).execute(sql, params)
    for member, rowid, last_at, joined_at, visits, maybe_late in regulars:
        if maybe_late:
            last, joined = day_of(last_at), day_of(joined_at)
            usual = max((last - min(joined, last)) / (visits - 1), 1.0)
            late = last + math.ceil(usual * factor)
            if first <= late < now and late <= last_listed:
                words = c.t(N_("usually visits every {usual} days; none for {days} days"),
                            usual=f"{usual:.0f}", days=now - last)  # fmt: skip
                found[member] = (date.fromordinal(late), words, date.fromordinal(last))
                rowids.append(rowid)
                continue
        if spend_counts:
            recent, prior = spend_of(member)
            usual_spend = prior * window // PRIOR_DAYS
            if usual_spend > 0 and recent * 100 < usual_spend * (100 - st.spend_drop_percent):
                words = c.t(N_("spent {recent} in the last {days} days; usually about {usual}"),
                            days=window, recent=format_fen(recent), usual=format_fen(usual_spend))  # fmt: skip
                found[member] = (today, words, date.fromordinal(day_of(last_at)))
                rowids.append(rowid)
    if found:
        listed = func.json_each(json.dumps(rowids)).table_valued("value")
        q = c.members((), literal_column("members.rowid").in_(select(listed.c.value)))
        for m in c.run(q).all():
            yield c.row(m, *found[m[_ID]])


def prepare_dropping(store: Store) -> int:
    """Take today's spend sums for the dropping-away list, so that the owner's first
    list of the day is as quick as the next (the window calls this after its start-up
    jobs; a one-off process such as `memberdesk jobs` has no use for them). Returns how
    many members spent in the windows."""
    with store.read() as s:
        today = shop_date(store.clock.now(), shop_info(s).timezone)
        return take(store, s.connection(), today, followup_settings(s).spend_window_days)


# Outcomes that settle an occasion: the member was talked to, will come, or was sent the
# message. An unanswered call only keeps them off for the cooldown; 不再联系 for good.
SETTLED = ("connected", "appointment", "sms")


# A birthday call is made ahead of the birthday: one within half a year before it is about
# this birthday, not last year's.
BIRTHDAY_LEAD_DAYS = 182


def _lead(c: _Ctx, kind: str) -> timedelta:
    """How long before a row's date a settling call can be about that occasion."""
    return timedelta(days=BIRTHDAY_LEAD_DAYS if kind == "birthdays" else c.settings.cooldown(kind))


def _reached(c: _Ctx) -> dict[str, date]:
    """member id → the shop-local day of their latest settling call from this list."""
    q = (
        select(CallLogEntry.member_id, func.max(CallLogEntry.called_at))
        .where(CallLogEntry.list_kind == c.kind, CallLogEntry.outcome.in_(SETTLED))
        .group_by(CallLogEntry.member_id)
    )
    return {member: c.local_date(at) for member, at in c.run(q)}


def followup_list(
    store: Store, kind: str, period: Period | None = None, *, salesperson: str | None = None,
    dormant_days: Iterable[int] | None = None, never_returned: bool = True,
    lang: str = DEFAULT_LANG,
) -> FollowupList:  # fmt: skip
    """One list, in one read transaction, its words in `lang`. `period` defaults to
    default_period(kind).

    dormant: `dormant_days` picks bands (90 = 3 months …; default all); never_returned
    adds members who joined `never_returned_days` ago and never came back."""
    if kind not in LIST_KINDS:
        raise DomainError("followup.kind_unknown", kind=kind, kinds=Listing(LIST_KINDS))
    with store.read() as s:
        c = _Ctx(store, s, kind, salesperson, lang)
        period = period or default_period(kind, c.today)
        check_period(period)
        if kind == "birthdays":
            rows = _birthdays(c, period)
        elif kind == "dormant":
            bands = tuple(dormant_days) if dormant_days is not None else None
            rows = _dormant(c, period, bands, never_returned and bands is None)
        elif kind == "new":
            rows = _new_members(c, period)
        elif kind == "bigspend":
            rows = _big_spenders(c, period)
        else:
            rows = _dropping(c, period)
        reached, lead = _reached(c), _lead(c, kind)
        # A member once (the first reason found), grouped by salesperson (the unassigned
        # last), then by date, then by card number.
        listed: set[str] = set()
        groups: dict[str, dict[date, list[FollowupRow]]] = {}
        for row in rows:
            if row[0] in reached and reached[row[0]] >= row[7] - lead:
                continue  # reached about this occasion already
            if row[0] not in listed:
                listed.add(row[0])
                groups.setdefault(row[6], {}).setdefault(row[7], []).append(row)
        ordered: list[FollowupRow] = []
        for name in sorted(groups, key=lambda n: (n == c.no_salesperson, n)):
            days = groups[name]
            for day in sorted(days):
                ordered += sorted(days[day], key=_card_no)
        generated = from_utc_naive(store.now()).astimezone(c.tz).replace(tzinfo=None, microsecond=0)
        total = None
        if kind == "dormant" and period.start <= EVER and dormant_days is None and not salesperson:
            total = dormant_count(s, c.today, c.tz.key)
        return FollowupList(kind, c.t(LIST_NAMES[kind]), period, generated, shop_info(s).name,
                            tuple(ordered), c.lang, total)  # fmt: skip


def all_dormant(today: date) -> Period:
    """The period of the "all dormant" list: everyone away long enough, whenever they left."""
    return Period(EVER, today)
