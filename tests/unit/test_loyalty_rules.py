"""Tiers, stored value, gifts and the calendar rules (member day, birthday, expiry)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memberdesk.core.loyalty.calendar import (
    birthday_occurrence,
    birthday_period_span,
    expiry_in_words,
)
from memberdesk.core.loyalty.pricing import (
    MemberContext,
    RuleViolation,
    add_months,
    expiry_cutoff,
    in_birthday_period,
    is_birthday_period,
    is_member_day,
    lot_expires_on,
    next_review_date,
    redeem_gift,
    split_wallet_payment,
    tier_after_sale,
    tier_at_review,
    tier_for_spend,
    tier_window_start,
    topup_bonus,
)
from memberdesk.core.loyalty.program import Program, ProgramInvalid, preset, revise
from memberdesk.core.loyalty.rules import next_topup_tier, topup_room

MON, WED, SAT = date(2024, 5, 6), date(2024, 5, 8), date(2024, 5, 11)  # one ISO week
THU = date(2024, 5, 16)


def member(tier: str = "normal", **kw: Any) -> MemberContext:
    return MemberContext(tier_code=tier, **kw)


def violation(call: Any, code: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        call()
    assert exc.value.code == code
    assert exc.value.message("zh_CN") and exc.value.message("en")


# --- gifts ---------------------------------------------------------------------------------


def test_gift_redemption() -> None:
    gifts = [
        {"code": "cup", "name": "保温杯", "points": 800, "stock": 3},
        {"code": "bag", "name": "购物袋", "points": 100},
    ]
    p = revise(preset("generic"), {"redeem": {"gifts": gifts}})
    m = member("normal", points_balance=800)
    assert redeem_gift(p, m, "cup", THU).points == 800
    assert redeem_gift(p, m, "bag", THU, stock_left=None).name == "购物袋"
    violation(lambda: redeem_gift(p, m, "cup", THU, stock_left=0), "gift.stock")
    violation(lambda: redeem_gift(p, m, "car", THU), "gift.unknown")
    violation(
        lambda: redeem_gift(p, member("normal", points_balance=799), "cup", THU), "redeem.balance"
    )
    violation(lambda: redeem_gift(p, None, "bag", THU), "redeem.walk_in")


def test_member_day_31_is_the_last_day_of_shorter_months() -> None:
    p = revise(preset("supermarket"), {"promotions": {"member_day": 31}})
    assert is_member_day(p, date(2024, 1, 31)) and not is_member_day(p, date(2024, 1, 30))
    assert is_member_day(p, date(2024, 2, 29)) and not is_member_day(p, date(2024, 2, 28))
    assert is_member_day(p, date(2023, 2, 28))
    assert is_member_day(p, date(2024, 4, 30)) and not is_member_day(p, date(2024, 4, 29))


# --- tiers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spend", "tier"),
    [(0, "member"), (199999, "member"), (200000, "normal"), (499999, "normal"), (500000, "silver"),
     (1000000, "gold"), (1999999, "gold"), (2000000, "diamond"), (10**9, "diamond")],
)  # fmt: skip
def test_clothing_tier_thresholds(spend: int, tier: str) -> None:
    assert tier_for_spend(preset("clothing"), spend) == tier


def test_tier_upgrade_at_once_never_down_in_a_sale() -> None:
    clothing = preset("clothing")
    # 1500 元 earlier this quarter + a 500 元 sale = exactly 2000.00 元 → 普通卡
    assert tier_after_sale(clothing, "member", False, 150000 + 50000) == "normal"
    assert tier_after_sale(clothing, "member", False, 150000 + 49999) == "member"
    assert tier_after_sale(clothing, "gold", False, 100) == "gold"
    assert tier_after_sale(clothing, "member", True, 5000000) == "member"  # locked by hand
    assert tier_after_sale(clothing, "retired-code", False, 0) == "member"


def test_tier_at_review() -> None:
    clothing = preset("clothing")  # downgrade_at_review = True
    assert tier_at_review(clothing, "gold", False, 100) == "member"
    assert tier_at_review(clothing, "gold", True, 100) == "gold"
    keep = revise(preset("generic"), {"tiers": {"downgrade_at_review": False}})
    assert tier_at_review(keep, "gold", False, 0) == "gold"
    assert tier_at_review(keep, "silver", False, 1000000) == "diamond"


def test_tier_window_start() -> None:
    d = date(2024, 5, 15)
    assert tier_window_start(preset("clothing"), d) == date(2024, 4, 1)
    assert tier_window_start(preset("clothing"), date(2024, 12, 31)) == date(2024, 10, 1)
    assert tier_window_start(preset("accessories"), d) == date(2023, 5, 16)
    assert tier_window_start(preset("accessories"), date(2024, 2, 29)) == date(2023, 3, 1)
    assert tier_window_start(preset("supermarket"), d) is None  # lifetime
    year = revise(preset("generic"), {"tiers": {"window": "calendar_year"}})
    assert tier_window_start(year, d) == date(2024, 1, 1)
    rolling = revise(preset("generic"), {"tiers": {"window": "rolling_days", "window_days": 30}})
    assert tier_window_start(rolling, d) == date(2024, 4, 16)


def test_next_review_date() -> None:
    assert next_review_date(preset("clothing"), date(2024, 5, 15)) == date(2024, 7, 1)
    assert next_review_date(preset("clothing"), date(2024, 12, 31)) == date(2025, 1, 1)
    assert next_review_date(preset("accessories"), date(2024, 12, 31)) == date(2025, 1, 1)
    assert next_review_date(preset("accessories"), date(2024, 1, 31)) == date(2024, 2, 1)
    assert next_review_date(preset("generic"), date(2024, 5, 15)) == date(2025, 1, 1)


# --- stored value --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "amount", "bonus"),
    [("prepaid", 99999, 0), ("prepaid", 100000, 10000), ("prepaid", 499999, 10000),
     ("prepaid", 500000, 60000), ("prepaid", 2000000, 60000), ("generic", 49999, 0),
     ("generic", 50000, 5000), ("generic", 100000, 15000), ("clothing", 100000, 0)],
)  # fmt: skip
def test_topup_bonus_tiers(code: str, amount: int, bonus: int) -> None:
    assert topup_bonus(preset(code), amount) == bonus


def test_room_under_the_principal_limit_and_the_next_tier_within_it() -> None:
    prepaid = preset("prepaid")  # 充1000送100, 充5000送600; at most ¥5,000 of principal
    assert topup_room(prepaid, 0) == 500000
    assert topup_room(prepaid, 380000) == 120000
    assert topup_room(prepaid, 600000) == 0  # above it already (a refund put it back)
    assert topup_room(prepaid, -5000) == 505000  # owing: the top-up pays the debt too
    assert topup_room(revise(prepaid, {"wallet": {"principal_limit_fen": 0}}), 10**9) is None
    assert next_topup_tier(prepaid, 50000) == (50000, 10000)
    assert next_topup_tier(prepaid, 50000, room_fen=120000) == (50000, 10000)
    assert next_topup_tier(prepaid, 50000, room_fen=99999) is None
    assert next_topup_tier(prepaid, 200000) == (300000, 60000)
    assert next_topup_tier(prepaid, 200000, room_fen=499999) is None
    assert next_topup_tier(prepaid, 200000, room_fen=500000) == (300000, 60000)


def _order(order: str) -> Program:
    return revise(preset("prepaid"), {"wallet": {"spend_order": order}})


def test_wallet_split_orders() -> None:
    assert split_wallet_payment(_order("principal_first"), 15000, 10000, 10000) == (10000, 5000)
    assert split_wallet_payment(_order("bonus_first"), 15000, 10000, 10000) == (5000, 10000)
    prop = _order("proportional")
    assert split_wallet_payment(prop, 100, 200, 100) == (67, 33)  # 33.33 → 33
    assert split_wallet_payment(prop, 1, 1, 1) == (0, 1)  # 0.5 → 1 on the bonus share
    assert split_wallet_payment(prop, 5, 3, 7) == (1, 4)  # 3.5 → 4
    assert split_wallet_payment(prop, 10, 3, 7) == (3, 7)  # everything
    assert split_wallet_payment(prop, 0, 3, 7) == (0, 0)
    violation(lambda: split_wallet_payment(prop, 11, 3, 7), "wallet.insufficient")
    violation(lambda: split_wallet_payment(prop, -1, 3, 7), "wallet.negative")


# --- expiry ----------------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)


def test_months_after_earn_expiry() -> None:
    acc = preset("accessories")  # 24 months
    assert lot_expires_on(acc, date(2024, 2, 29)) == date(2026, 2, 28)
    assert lot_expires_on(acc, date(2024, 1, 31)) == date(2026, 1, 31)
    assert expiry_cutoff(acc, date(2026, 2, 28)) == date(2024, 3, 1)  # 29 Feb 2024 lot gone
    assert expiry_cutoff(acc, date(2026, 3, 1)) == date(2024, 3, 2)
    one = revise(acc, {"expiry": {"months": 1}})
    # 29, 30 and 31 Jan 2023 all expire at the start of 28 Feb 2023
    assert expiry_cutoff(one, date(2023, 2, 28)) == date(2023, 2, 1)
    assert expiry_cutoff(one, date(2023, 2, 27)) == date(2023, 1, 28)


def test_yearly_clear_expiry() -> None:
    sm = preset("supermarket")
    assert lot_expires_on(sm, date(2024, 1, 1)) == date(2025, 1, 1)
    assert lot_expires_on(sm, date(2024, 12, 31)) == date(2025, 1, 1)
    assert expiry_cutoff(sm, date(2025, 1, 1)) == date(2025, 1, 1)  # all of 2024 is gone
    assert expiry_cutoff(sm, date(2024, 12, 31)) == date(2024, 1, 1)
    grace = revise(sm, {"expiry": {"clear_month": 3, "clear_day": 31}})
    assert expiry_cutoff(grace, date(2025, 3, 30)) == date(2024, 1, 1)
    assert expiry_cutoff(grace, date(2025, 3, 31)) == date(2025, 1, 1)
    assert lot_expires_on(grace, date(2024, 6, 1)) == date(2025, 3, 31)
    assert expiry_cutoff(preset("generic"), THU) is None
    assert lot_expires_on(preset("generic"), THU) is None


def test_yearly_clear_keeps_points_to_the_end_of_the_next_year() -> None:
    """积分有效期至获得积分次年的12月31日: cleared on 1 January, one more year kept."""
    next_year = revise(preset("supermarket"), {"expiry": {"keep_years": 1}})
    assert lot_expires_on(next_year, date(2026, 3, 10)) == date(2028, 1, 1)
    assert lot_expires_on(next_year, date(2027, 12, 31)) == date(2029, 1, 1)
    assert expiry_cutoff(next_year, date(2027, 12, 31)) == date(2026, 1, 1)  # 2026's still kept
    assert expiry_cutoff(next_year, date(2028, 1, 1)) == date(2027, 1, 1)  # 2026's are gone
    # Cleared on 31 March instead: on the clearing day of year Y, points earned before
    # 1 January of Y - 1 expire (2026's on 31 March 2028).
    march = revise(next_year, {"expiry": {"clear_month": 3, "clear_day": 31}})
    assert lot_expires_on(march, date(2026, 3, 10)) == date(2028, 3, 31)
    assert expiry_cutoff(march, date(2028, 3, 30)) == date(2026, 1, 1)  # 2026's still kept
    assert expiry_cutoff(march, date(2028, 3, 31)) == date(2027, 1, 1)
    two = revise(next_year, {"expiry": {"keep_years": 2}})
    assert lot_expires_on(two, date(2026, 3, 10)) == date(2029, 1, 1)
    assert expiry_cutoff(two, date(2029, 1, 1)) == date(2027, 1, 1)


def test_the_expiry_rule_in_words() -> None:
    sm = preset("supermarket")
    next_year = revise(sm, {"expiry": {"keep_years": 1}})
    assert expiry_in_words(sm) == "积分有效期至获得积分当年的12月31日"
    assert expiry_in_words(next_year) == "积分有效期至获得积分次年的12月31日"
    assert expiry_in_words(next_year, "zh_CN", date(2027, 12, 31)) == (
        "积分有效期至获得积分次年的12月31日。例：2027-12-31 获得的积分可用到 2028-12-31，"
        "2029-01-01 清零"
    )
    assert expiry_in_words(next_year, "en") == (
        "Points are valid to 12/31 of the year after the year they are earned"
    )
    march = revise(sm, {"expiry": {"clear_month": 3, "clear_day": 1, "keep_years": 2}})
    assert expiry_in_words(march, "zh_CN", date(2026, 3, 10)) == (
        "积分有效期至获得积分后第 3 年的2月底。例：2026-03-10 获得的积分可用到 2029-02-28，"
        "2029-03-01 清零"
    )
    assert expiry_in_words(preset("accessories")) == "积分自获得之日起 24 个月内有效"
    assert expiry_in_words(preset("generic"), "zh_CN", date(2026, 3, 10)) == "积分永久有效"


def test_keep_years_must_be_zero_to_two() -> None:
    sm = preset("supermarket")
    assert sm.expiry.keep_years == 0  # the preset clears on 1 January what is not this year's
    for wrong in (-1, 3):
        with pytest.raises(ProgramInvalid) as caught:
            revise(sm, {"expiry": {"keep_years": wrong}})
        assert [p.path for p in caught.value.errors] == ["expiry.keep_years"]


# --- birthday period ---------------------------------------------------------------------------------


def test_birthday_week_is_the_iso_week() -> None:
    clothing = preset("clothing")
    assert not is_birthday_period(clothing, WED, date(2024, 5, 5))  # Sunday before
    assert is_birthday_period(clothing, WED, MON)
    assert is_birthday_period(clothing, WED, date(2024, 5, 12))  # Sunday
    assert not is_birthday_period(clothing, WED, date(2024, 5, 13))
    assert not is_birthday_period(clothing, None, WED)
    assert not is_birthday_period(preset("generic"), WED, WED)  # no birthday privilege


def test_birthday_29_feb_resolved_to_28_feb() -> None:
    clothing = preset("clothing")
    feb28 = date(2023, 2, 28)  # Tuesday; ISO week 27 Feb – 5 Mar
    assert not is_birthday_period(clothing, feb28, date(2023, 2, 26))
    assert is_birthday_period(clothing, feb28, date(2023, 2, 27))
    assert is_birthday_period(clothing, feb28, date(2023, 3, 5))
    assert not is_birthday_period(clothing, feb28, date(2023, 3, 6))


def test_birthday_week_across_new_year() -> None:
    # 31 Dec 2026 falls in ISO week 2026-W53 (28 Dec – 3 Jan): one period across New Year,
    # found from either side of it, and no other week of either year is a birthday week.
    near = [date(2026, 12, 31), date(2027, 12, 31)]
    assert birthday_period_span("week", date(2026, 12, 31)) == (
        date(2026, 12, 28),
        date(2027, 1, 3),
    )
    assert birthday_occurrence("week", near, date(2026, 12, 28)) == date(2026, 12, 31)
    assert birthday_occurrence("week", near, date(2027, 1, 3)) == date(2026, 12, 31)
    assert birthday_occurrence("week", near, date(2027, 1, 4)) is None
    assert not in_birthday_period("week", date(2027, 12, 31), date(2027, 1, 1))


def test_birthday_day_and_month() -> None:
    assert in_birthday_period("day", WED, WED) and not in_birthday_period("day", WED, SAT)
    assert in_birthday_period("month", WED, date(2024, 5, 31))
    assert not in_birthday_period("month", WED, date(2024, 6, 1))
    with pytest.raises(ValueError):
        in_birthday_period("decade", WED, WED)


@settings(max_examples=300, deadline=None)
@given(
    months=st.integers(1, 36),
    earned=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    today=st.dates(date(2020, 1, 1), date(2034, 12, 31)),
    clear=st.sampled_from([(1, 1), (3, 31), (12, 31), (2, 28)]),
    keep=st.integers(0, 2),
)
def test_expiry_cutoff_agrees_with_lot_expiry(
    months: int, earned: date, today: date, clear: tuple[int, int], keep: int
) -> None:
    for expiry in (
        {"mode": "months_after_earn", "months": months},
        {
            "mode": "yearly_clear",
            "clear_month": clear[0],
            "clear_day": clear[1],
            "keep_years": keep,
        },
    ):
        p = revise(preset("generic"), {"expiry": expiry})
        expires = lot_expires_on(p, earned)
        cutoff = expiry_cutoff(p, today)
        assert expires is not None and cutoff is not None
        assert (earned < cutoff) == (expires <= today)
