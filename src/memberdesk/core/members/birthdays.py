"""Birthdays, solar (公历) and lunar (农历), resolved to a solar date in a given year.

Lunar dates come from lunar_python. A member born in a leap month celebrates in
that leap month when the year has it, otherwise in the ordinary month of the same
number; day 30 falls on the 29th in a short month. A solar 29 February is
celebrated on 28 February in common years.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from lunar_python import LunarYear, Solar

from ..errors import DomainError
from ..i18n import N_, Message

EARLIEST = date(1900, 1, 1)


# The personal information of a child under 14 is kept only with a parent's or other
# guardian's consent (个人信息保护法 art. 31; art. 28 counts it as sensitive).
GUARDIAN_AGE = 14


# lunar_python recomputes a whole year's astronomy for every date it converts (several
# milliseconds). A lunar year's months are computed once here, as (first day, length);
# a date inside a month is then plain arithmetic.
@lru_cache(maxsize=512)
def _lunar_months(year: int) -> dict[int, tuple[int, int]]:
    """{month (negative for the leap month): (ordinal of its first day, days)} of a lunar year."""
    months = {}
    for m in LunarYear.fromYear(year).getMonths():
        if m.getYear() == year:
            first = Solar.fromJulianDay(m.getFirstJulianDay())
            ordinal = date(first.getYear(), first.getMonth(), first.getDay()).toordinal()
            months[m.getMonth()] = (ordinal, m.getDayCount())
    return months


def _leap_month(year: int) -> int:
    return next((-m for m in _lunar_months(year) if m < 0), 0)


def _month_days(year: int, month: int) -> int:
    return _lunar_months(year)[month][1]


def _to_solar(year: int, month: int, day: int) -> date:
    return date.fromordinal(_lunar_months(year)[month][0] + day - 1)


@dataclass(frozen=True)
class Birthday:
    solar: date  # the solar date of birth
    lunar: bool = False
    lunar_month: int | None = None
    lunar_day: int | None = None
    lunar_leap: bool = False


def solar_birthday(value: date, today: date) -> Birthday:
    if value > today:
        raise DomainError("birthday.future", birthday=value.isoformat())
    if value < EARLIEST:
        raise DomainError("birthday.too_old", birthday=value.isoformat())
    return Birthday(solar=value)


def _month(month: int, leap: bool) -> Message | int:
    """A lunar month as a message names it: 4, or 闰4 (leap 4) for the leap month."""
    return Message(N_("leap {month}"), month=month) if leap else month


def lunar_birthday(year: int, month: int, day: int, leap: bool, today: date) -> Birthday:
    """A birthday entered as a lunar date (year of birth, month, day, leap flag)."""
    label = Message(N_("lunar {year}-{month}-{day}"), year=year, month=_month(month, leap), day=day)
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise DomainError("birthday.lunar_invalid", month=month, day=day)
    # A year out of range is a wrong year, not a month that does not exist.
    if year > today.year:
        raise DomainError("birthday.future", birthday=label)
    if year < EARLIEST.year:
        raise DomainError("birthday.too_old", birthday=label)
    if leap and _leap_month(year) != month:
        raise DomainError("birthday.lunar_invalid", month=_month(month, True), day=day)
    if day > _month_days(year, -month if leap else month):
        raise DomainError("birthday.lunar_invalid", month=_month(month, leap), day=day)
    born = _to_solar(year, -month if leap else month, day)
    if born > today:
        raise DomainError("birthday.future", birthday=label)
    return Birthday(solar=born, lunar=True, lunar_month=month, lunar_day=day, lunar_leap=leap)


def lunar_of(solar: date) -> tuple[int, int, int, bool]:
    """The lunar (year, month, day, leap) of a solar date."""
    ordinal = solar.toordinal()
    for year in (solar.year, solar.year - 1):
        for month, (first, days) in _lunar_months(year).items():
            if first <= ordinal < first + days:
                return year, abs(month), ordinal - first + 1, month < 0
    lunar = Solar.fromYmd(solar.year, solar.month, solar.day).getLunar()  # outside the table
    return lunar.getYear(), abs(lunar.getMonth()), lunar.getDay(), lunar.getMonth() < 0


def birthday_in_year(b: Birthday, year: int) -> date:
    """The solar date on which the birthday falls in `year` (lunar ones move every year).

    For a lunar birthday, `year` is the lunar year whose month/day we look for; its
    solar date can fall in January or February of the next solar year for late
    lunar months, so callers that want "this solar year" use ``solar_birthday_in``.
    """
    if not b.lunar:
        if b.solar.month == 2 and b.solar.day == 29 and not calendar.isleap(year):
            return date(year, 2, 28)
        return b.solar.replace(year=year)
    assert b.lunar_month is not None and b.lunar_day is not None
    month = b.lunar_month
    if b.lunar_leap and _leap_month(year) == month:
        month = -month
    return _to_solar(year, month, min(b.lunar_day, _month_days(year, month)))


def solar_birthday_in(b: Birthday, solar_year: int) -> date:
    """The birthday's date within the solar year `solar_year`.

    A lunar birthday late in the lunar year (腊月) may land in January of the next
    solar year; then the previous lunar year's occurrence is the one inside
    `solar_year` (if any). We return the occurrence inside the year; when none
    exists (rare: e.g. a 腊月 date skipped by the calendar), the nearest one after.
    """
    if not b.lunar:
        return birthday_in_year(b, solar_year)
    for lunar_year in (solar_year, solar_year - 1):
        d = birthday_in_year(b, lunar_year)
        if d.year == solar_year:
            return d
    return birthday_in_year(b, solar_year)


def occurrences(b: Birthday, start: date, end: date) -> list[date]:
    """Every solar date from `start` to `end` (inclusive) on which the birthday falls.

    A lunar 冬月 or 腊月 date can fall twice in one solar year (腊月初一: 2027-01-08 and
    2027-12-28); each occurrence is a birthday of its own. Lunar year y falls in solar
    year y or early in y + 1, so the years from start.year - 1 cover the range.
    """
    found = {birthday_in_year(b, year) for year in range(start.year - 1, end.year + 1)}
    return sorted(d for d in found if start <= d <= end)


def next_birthday(b: Birthday, today: date) -> date:
    """The first birthday on or after `today`."""
    return occurrences(b, today, date(today.year + 2, 12, 31))[0]


def age_on(b: Birthday, day: date) -> int:
    """Whole years of age on `day` (周岁): one more on each birthday; born on 29 February,
    one more on 1 March in a common year."""
    return day.year - b.solar.year - ((day.month, day.day) < (b.solar.month, b.solar.day))


def under_guardian(b: Birthday, today: date) -> bool:
    """Whether a member born on `b` is under 14 on `today`: their personal information may
    be kept only with a parent's or guardian's consent (GUARDIAN_AGE)."""
    return age_on(b, today) < GUARDIAN_AGE
