"""The birthday privilege is keyed by the birthday's occurrence, not the calendar year:
a birthday week across New Year gives the 7折 once, and a lunar birthday that falls
twice in one solar year (腊月初一: 2027-01-08 and 2027-12-28) gives it in each of its
own weeks — and puts the member on January's and December's birthday lists."""

from __future__ import annotations

from datetime import date

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import refresh_birthdays
from memberdesk.core.followups.lists import Period, followup_list
from memberdesk.core.members.member import LunarDate
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store

from .loyalty_helpers import YUAN, assert_sound, new_member, sell, set_local, use_program


def test_a_birthday_week_across_new_year_gives_the_discount_once(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Birthday 31 Dec: its week is Mon 28 Dec 2026 – Sun 3 Jan 2027, one period."""
    use_program(store, owner, "clothing")
    set_local(clock, 2026, 12, 1)
    m = new_member(store, owner, "跨年", birthday=date(1990, 12, 31))
    late = new_member(store, owner, "元旦", birthday=date(1990, 12, 31))
    set_local(clock, 2026, 12, 29)
    assert sell(store, owner, m.id, 100 * YUAN).total == 70 * YUAN
    set_local(clock, 2027, 1, 2)  # same week, a new calendar year: already used
    assert sell(store, owner, m.id, 100 * YUAN).total == 100 * YUAN
    assert sell(store, owner, late.id, 100 * YUAN).total == 70 * YUAN  # still the week
    set_local(clock, 2027, 1, 4)
    assert sell(store, owner, late.id, 100 * YUAN).total == 100 * YUAN
    set_local(clock, 2027, 12, 27)  # the next birthday's week: 27 Dec 2027 – 2 Jan 2028
    assert sell(store, owner, m.id, 100 * YUAN).total == 70 * YUAN
    assert_sound(store)


def test_a_lunar_birthday_twice_in_a_solar_year_gets_each_week(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """腊月初一 falls on Fri 2027-01-08 (week 4–10 Jan) and Tue 2027-12-28 (27 Dec – 2 Jan)."""
    use_program(store, owner, "clothing")
    set_local(clock, 2026, 12, 1)
    m = new_member(store, owner, "腊月", lunar_birthday=LunarDate(1990, 12, 1))
    other = new_member(store, owner, "腊月二", lunar_birthday=LunarDate(1990, 12, 1))
    set_local(clock, 2027, 1, 2)  # the week of 28 Dec 2026 is no birthday week of theirs
    assert sell(store, owner, other.id, 100 * YUAN).total == 100 * YUAN
    set_local(clock, 2027, 1, 6)
    r = sell(store, owner, m.id, 100 * YUAN)
    assert r.total == 70 * YUAN
    assert sell(store, owner, m.id, 100 * YUAN).total == 100 * YUAN  # once per birthday
    set_local(clock, 2027, 12, 29)
    assert sell(store, owner, m.id, 100 * YUAN).total == 70 * YUAN
    assert_sound(store)


def test_a_lunar_birthday_twice_in_a_year_is_on_both_months_lists(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    set_local(clock, 2026, 12, 1)
    new_member(store, owner, "腊月", lunar_birthday=LunarDate(1990, 12, 1))
    set_local(clock, 2026, 12, 20)
    january, december = (
        Period(date(2027, 1, 1), date(2027, 1, 31)),
        Period(date(2027, 12, 1), date(2027, 12, 31)),
    )
    whole_year = Period(date(2027, 1, 1), date(2027, 12, 31))

    def due(period: Period) -> list[date]:
        return [r.due for r in followup_list(store, "birthdays", period).rows]

    for moved in (False, True):  # before and after the daily jobs keep 2027's date
        if moved:
            assert refresh_birthdays(store, date(2027, 1, 1)) == 1
        assert due(january) == [date(2027, 1, 8)]
        assert due(december) == [date(2027, 12, 28)]
        assert due(whole_year) == [date(2027, 1, 8)]  # once a list, at the first
