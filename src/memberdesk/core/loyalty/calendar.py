"""Date rules of the loyalty program: windows, member days, birthdays, expiry.

Every date is a shop-local business date (``datetime.date``); the caller converts
instants with ``clock.shop_date``. Pure functions, no I/O.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from ..i18n import DEFAULT_LANG, N_, translate
from .program import Program


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to month end: 31 Jan + 1 = 28/29 Feb."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, last_day(year, month)))


def is_member_day(program: Program, business_date: date) -> bool:
    """Monthly member day; a day 29–31 falls on the last day of a shorter month."""
    wanted = program.promotions.member_day
    if wanted is None:
        return False
    return business_date.day == min(wanted, last_day(business_date.year, business_date.month))


def is_double_points_day(program: Program, business_date: date) -> bool:
    return program.promotions.double_points_weekday == business_date.isoweekday()


def birthday_period_span(period: str, occurrence: date) -> tuple[date, date]:
    """The first and last day of the birthday period around one occurrence of a birthday.

    day: the date itself; week: the ISO week (Monday–Sunday) holding it — for 31 Dec
    2026 that is 28 Dec 2026 – 3 Jan 2027, one period across New Year; month: its
    calendar month.
    """
    if period == "day":
        return occurrence, occurrence
    if period == "week":
        monday = occurrence - timedelta(days=occurrence.weekday())
        return monday, monday + timedelta(days=6)
    if period == "month":
        first = occurrence.replace(day=1)
        return first, first.replace(day=last_day(first.year, first.month))
    raise ValueError(f"unknown birthday period {period!r}")


def in_birthday_period(period: str, occurrence: date, business_date: date) -> bool:
    first, last = birthday_period_span(period, occurrence)
    return first <= business_date <= last


def birthday_occurrence(
    period: str, occurrences: Iterable[date], business_date: date
) -> date | None:
    """The occurrence whose birthday period holds ``business_date`` (None: none does).

    The privilege is keyed by the occurrence, not by the calendar year: a week running
    over New Year is one period, and a lunar birthday that falls twice in a solar year
    has two.
    """
    return next((d for d in occurrences if in_birthday_period(period, d, business_date)), None)


def is_birthday_period(program: Program, occurrence: date | None, business_date: date) -> bool:
    """True when the program has a birthday privilege and ``business_date`` is in the period
    of ``occurrence`` (a solar date the birthday falls on, lunar birthdays and 29 Feb
    resolved by the caller)."""
    privilege = program.promotions.birthday
    if privilege is None or occurrence is None:
        return False
    return in_birthday_period(privilege.period, occurrence, business_date)


def redeem_window_open(program: Program, business_date: date) -> bool:
    windows = program.redeem.windows
    return not windows or business_date.month in windows


def tier_window_start(program: Program, business_date: date) -> date | None:
    """First day (inclusive) whose spend counts toward the tier; None = lifetime.

    current_quarter: 1 Jan/Apr/Jul/Oct; calendar_year: 1 Jan; last_12_months: the day
    after the same date a year ago (so the window is exactly 12 months incl. today);
    rolling_days N: today and the N-1 days before it.
    """
    rule = program.tiers
    if rule.window == "lifetime":
        return None
    if rule.window == "calendar_year":
        return date(business_date.year, 1, 1)
    if rule.window == "current_quarter":
        return date(business_date.year, 3 * ((business_date.month - 1) // 3) + 1, 1)
    if rule.window == "last_12_months":
        return add_months(business_date, -12) + timedelta(days=1)
    return business_date - timedelta(days=(rule.window_days or 1) - 1)


def next_review_date(program: Program, business_date: date) -> date:
    """The next tier review: the 1st of the next month, quarter or year."""
    review = program.tiers.review
    if review == "monthly":
        return add_months(business_date.replace(day=1), 1)
    if review == "quarterly":
        quarter_start = date(business_date.year, 3 * ((business_date.month - 1) // 3) + 1, 1)
        return add_months(quarter_start, 3)
    return date(business_date.year + 1, 1, 1)


def lot_expires_on(program: Program, earned_on: date) -> date | None:
    """The day at whose start (shop-local midnight) a lot earned on ``earned_on`` expires.

    months_after_earn N: earned_on + N months, clamped to month end (29 Feb 2024 + 12 →
    28 Feb 2025). yearly_clear: the clearing date of the year 1 + keep_years after the year
    the lot was earned (cleared on 1 January and kept one more year: earned 10 Mar 2026,
    expires 1 Jan 2028). never: None.
    """
    rule = program.expiry
    if rule.mode == "months_after_earn":
        return add_months(earned_on, rule.months or 0)
    if rule.mode == "yearly_clear":
        return date(earned_on.year + 1 + rule.keep_years, rule.clear_month, rule.clear_day)
    return None


def expiry_cutoff(program: Program, business_date: date) -> date | None:
    """Lots earned BEFORE the returned date have expired on ``business_date``; None = never.

    Consistent with ``lot_expires_on``: earned < cutoff  ⇔  expires_on <= business_date.
    yearly_clear: from the clearing day of year Y, 1 January of Y - keep_years (before it,
    of the year before that).
    """
    rule = program.expiry
    if rule.mode == "yearly_clear":
        cleared = business_date >= date(business_date.year, rule.clear_month, rule.clear_day)
        year = business_date.year if cleared else business_date.year - 1
        return date(year - rule.keep_years, 1, 1)
    if rule.mode == "months_after_earn":
        months = rule.months or 0
        # Clamping makes several earn dates share one expiry day, so walk to the first
        # earn date whose expiry is still in the future (at most a few steps).
        cutoff = add_months(business_date, -months)
        while add_months(cutoff, months) <= business_date:
            cutoff += timedelta(days=1)
        while add_months(cutoff - timedelta(days=1), months) > business_date:
            cutoff -= timedelta(days=1)
        return cutoff
    return None


# The last day points are valid, counted from the year they were earned.
_VALID_TO = {
    0: N_("Points are valid to {last} of the year they are earned"),
    1: N_("Points are valid to {last} of the year after the year they are earned"),
}
_VALID_TO_LATER = N_("Points are valid to {last} of the year {years} years after the year they are earned")  # fmt: skip


def expiry_in_words(
    program: Program, lang: str = DEFAULT_LANG, earned_on: date | None = None
) -> str:
    """The expiry rule as a shop prints it (积分有效期至获得积分次年的12月31日), and, given a day
    points are earned, the last day they can be spent and the day they are cleared."""
    rule = program.expiry
    if rule.mode == "never":
        return translate(N_("Points never expire"), lang)
    if rule.mode == "months_after_earn":
        text = translate(N_("Points are valid for {months} months from the day they are earned"),
                         lang, months=rule.months or 0)  # fmt: skip
    else:
        # The day before the clearing day, in a year that is not a leap year: cleared on
        # 1 January, valid to 31 December of the year before the clearing.
        last = date(2001, rule.clear_month, rule.clear_day) - timedelta(days=1)
        years = rule.keep_years + 1 - (2001 - last.year)
        if (last.month, last.day) == (2, 28):  # cleared on 1 March: 29 February in a leap year
            last_words = translate(N_("the last day of February"), lang)
        else:
            last_words = translate(N_("{month}/{day}"), lang, month=last.month, day=last.day)
        if years in _VALID_TO:
            text = translate(_VALID_TO[years], lang, last=last_words)
        else:
            text = translate(_VALID_TO_LATER, lang, last=last_words, years=years)
    expires = lot_expires_on(program, earned_on) if earned_on is not None else None
    if earned_on is None or expires is None:
        return text
    example = translate(
        N_("points earned on {earned} can be spent to {last} and are cleared on {expires}"), lang,
        earned=f"{earned_on:%Y-%m-%d}", last=f"{expires - timedelta(days=1):%Y-%m-%d}",
        expires=f"{expires:%Y-%m-%d}",
    )  # fmt: skip
    return translate(N_("{rule}; for example, {example}"), lang, rule=text, example=example)
