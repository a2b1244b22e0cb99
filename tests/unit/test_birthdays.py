"""Birthdays, solar and lunar, on real calendar years.

Reference dates (from the published Chinese calendar): 春节 2026 is 17 February and
春节 2027 is 6 February; 2023 has 闰二月 (from 22 March), 2025 has 闰六月 (from
25 July), 2026 has no leap month; 中秋 2026 is 25 September.
"""

from __future__ import annotations

from datetime import date

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.members.birthdays import (
    Birthday,
    age_on,
    birthday_in_year,
    lunar_birthday,
    lunar_of,
    next_birthday,
    solar_birthday,
    solar_birthday_in,
)

TODAY = date(2026, 3, 10)


def lunar(year: int, month: int, day: int, leap: bool = False) -> Birthday:
    return lunar_birthday(year, month, day, leap, TODAY)


# ------------------------------------------------------------------ solar


def test_a_solar_birthday_falls_on_the_same_day_each_year() -> None:
    b = solar_birthday(date(1990, 5, 20), TODAY)
    assert (b.solar, b.lunar) == (date(1990, 5, 20), False)
    assert birthday_in_year(b, 2026) == date(2026, 5, 20)
    assert solar_birthday_in(b, 2027) == date(2027, 5, 20)


def test_29_february_is_kept_on_28_february_in_common_years() -> None:
    b = solar_birthday(date(2000, 2, 29), TODAY)
    assert birthday_in_year(b, 2026) == date(2026, 2, 28)
    assert birthday_in_year(b, 2028) == date(2028, 2, 29)
    assert birthday_in_year(b, 2100) == date(2100, 2, 28)  # not a leap year either
    assert next_birthday(b, TODAY) == date(2027, 2, 28)
    assert next_birthday(b, date(2027, 3, 1)) == date(2028, 2, 29)


def test_future_and_too_old_solar_birthdays_are_refused() -> None:
    assert solar_birthday(TODAY, TODAY).solar == TODAY
    with pytest.raises(DomainError) as info:
        solar_birthday(date(2026, 3, 11), TODAY)
    assert info.value.code == "birthday.future"
    assert info.value.message() == "生日 2026-03-11 在未来，请检查"
    with pytest.raises(DomainError) as info:
        solar_birthday(date(1899, 12, 31), TODAY)
    assert info.value.code == "birthday.too_old"


def test_next_birthday_of_a_solar_date() -> None:
    b = solar_birthday(date(1990, 3, 10), TODAY)
    assert next_birthday(b, TODAY) == TODAY  # today counts
    assert next_birthday(b, date(2026, 3, 11)) == date(2027, 3, 10)


def test_age() -> None:
    b = solar_birthday(date(1990, 3, 11), TODAY)
    assert age_on(b, TODAY) == 35
    assert age_on(b, date(2026, 3, 11)) == 36


# ------------------------------------------------------------------ lunar


def test_a_lunar_birthday_moves_with_the_lunar_calendar() -> None:
    b = lunar(1990, 8, 15)  # 中秋
    assert (b.lunar, b.lunar_month, b.lunar_day, b.lunar_leap) == (True, 8, 15, False)
    assert b.solar == date(1990, 10, 3)
    assert solar_birthday_in(b, 2026) == date(2026, 9, 25)
    assert next_birthday(b, TODAY) == date(2026, 9, 25)
    assert lunar_of(date(2026, 9, 25)) == (2026, 8, 15, False)


def test_new_year_is_lunar_one_one() -> None:
    b = lunar(1980, 1, 1)
    assert solar_birthday_in(b, 2026) == date(2026, 2, 17)
    assert solar_birthday_in(b, 2027) == date(2027, 2, 6)


def test_born_in_a_leap_month_celebrates_in_it_when_the_year_has_it() -> None:
    # 闰六月初十 1987 (1987 had a 闰六月); 2025 has one too, 2026 does not.
    b = lunar(1987, 6, 10, leap=True)
    assert (b.lunar_month, b.lunar_leap) == (6, True)
    assert b.solar == date(1987, 8, 4)
    assert lunar_of(b.solar) == (1987, 6, 10, True)
    in_2025 = birthday_in_year(b, 2025)
    assert in_2025 == date(2025, 8, 3)  # 闰六月 2025 begins 25 July
    assert lunar_of(in_2025) == (2025, 6, 10, True)
    in_2026 = birthday_in_year(b, 2026)
    assert lunar_of(in_2026) == (2026, 6, 10, False)  # the ordinary 六月
    assert in_2026 == date(2026, 7, 23)


def test_born_in_the_ordinary_month_of_a_leap_year_keeps_the_ordinary_month() -> None:
    b = lunar(2025, 6, 10)
    assert lunar_of(b.solar) == (2025, 6, 10, False)
    assert b.solar == date(2025, 7, 4)
    assert b.solar != birthday_in_year(lunar(2025, 6, 10, leap=True), 2025)


def test_born_in_2023s_leap_second_month() -> None:
    b = lunar(2023, 2, 15, leap=True)
    assert b.solar == date(2023, 4, 5)  # 闰二月 2023 begins 22 March
    assert lunar_of(b.solar) == (2023, 2, 15, True)
    assert solar_birthday_in(b, 2026) == date(2026, 4, 2)  # 二月十五 2026
    assert lunar_of(date(2026, 4, 2)) == (2026, 2, 15, False)


def test_day_30_falls_on_the_29th_in_a_short_month() -> None:
    b = lunar(2023, 8, 30)  # 八月 2023 has 30 days
    assert lunar_of(b.solar) == (2023, 8, 30, False)
    in_2026 = solar_birthday_in(b, 2026)  # 八月 2026 has 29 days
    assert lunar_of(in_2026) == (2026, 8, 29, False)
    assert in_2026 == date(2026, 10, 9)


def test_a_la_yue_birthday_falls_into_the_next_solar_january() -> None:
    # 腊月二十: in lunar year 2025 it is 7 February 2026; in lunar 2026 it is 27 January 2027.
    b = lunar(1990, 12, 20)
    assert birthday_in_year(b, 2025) == date(2026, 2, 7)
    assert birthday_in_year(b, 2026) == date(2027, 1, 27)
    # Within solar 2026 the birthday is the one of lunar 2025.
    assert solar_birthday_in(b, 2026) == date(2026, 2, 7)
    assert next_birthday(b, TODAY) == date(2027, 1, 27)
    assert next_birthday(b, date(2026, 2, 1)) == date(2026, 2, 7)


def test_next_birthday_does_not_skip_a_january_la_yue_date() -> None:
    # 腊月初一 falls on 8 January 2027 (lunar 2026) and again on 28 December 2027
    # (lunar 2027): seen from March 2026 the next one is in January.
    b = lunar(2021, 12, 1)
    assert birthday_in_year(b, 2026) == date(2027, 1, 8)
    assert birthday_in_year(b, 2027) == date(2027, 12, 28)
    assert next_birthday(b, TODAY) == date(2027, 1, 8)
    assert next_birthday(b, date(2027, 1, 9)) == date(2027, 12, 28)
    # 2022 holds it twice too: 3 January (lunar 2021) and 23 December (lunar 2022).
    assert next_birthday(b, date(2022, 1, 1)) == date(2022, 1, 3)
    assert next_birthday(b, date(2022, 1, 4)) == date(2022, 12, 23)


@pytest.mark.parametrize(
    ("year", "month", "day", "leap", "code", "text"),
    [
        (2025, 2, 30, False, "birthday.lunar_invalid", "农历 2 月 30 日不存在"),
        (2026, 1, 1, True, "birthday.lunar_invalid", "农历 闰1 月 1 日不存在"),
        (2023, 3, 1, True, "birthday.lunar_invalid", "农历 闰3 月 1 日不存在"),
        (2025, 6, 30, True, "birthday.lunar_invalid", "农历 闰6 月 30 日不存在"),
        (1990, 0, 1, False, "birthday.lunar_invalid", None),
        (1990, 13, 1, False, "birthday.lunar_invalid", None),
        (1990, 1, 0, False, "birthday.lunar_invalid", None),
        (1990, 1, 31, False, "birthday.lunar_invalid", None),
        (2026, 2, 1, False, "birthday.future", None),  # 二月初一 2026 is 19 March
        (2027, 1, 1, False, "birthday.future", "生日 农历 2027-1-1 在未来，请检查"),
        (1899, 1, 1, False, "birthday.too_old", None),
    ],
)
def test_impossible_future_or_too_old_lunar_dates_are_refused(
    year: int, month: int, day: int, leap: bool, code: str, text: str | None
) -> None:
    with pytest.raises(DomainError) as info:
        lunar_birthday(year, month, day, leap, TODAY)
    assert info.value.code == code
    if text is not None:
        assert info.value.message() == text


def test_a_lunar_date_just_before_today_is_accepted() -> None:
    b = lunar(2026, 1, 20)  # 8 March 2026
    assert b.solar == date(2026, 3, 8)


@pytest.mark.parametrize("year", [1984, 2006, 2012, 2017, 2020, 2023, 2025, 2033])
def test_month_table_agrees_with_lunar_python_day_by_day(year: int) -> None:
    """Dates come from a per-year table of month starts; lunar_python's own conversion
    of every month's first, middle and last day (leap months included) must agree."""
    from lunar_python import Lunar, LunarMonth, LunarYear, Solar

    leap = LunarYear.fromYear(year).getLeapMonth()
    months = [*range(1, 13), *([-leap] if leap else [])]
    for month in months:
        days = LunarMonth.fromYm(year, month).getDayCount()
        for day in (1, 15, days):
            ref = Lunar.fromYmd(year, month, day).getSolar()
            expected = date(ref.getYear(), ref.getMonth(), ref.getDay())
            b = lunar_birthday(year, abs(month), day, month < 0, date(2099, 1, 1))
            assert b.solar == expected, (year, month, day)
            back = Solar.fromYmd(expected.year, expected.month, expected.day).getLunar()
            assert lunar_of(expected) == (
                back.getYear(),
                abs(back.getMonth()),
                back.getDay(),
                back.getMonth() < 0,
            )
            assert lunar_of(expected) == (year, abs(month), day, month < 0)
