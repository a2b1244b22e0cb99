"""Pricing and earning rules, with hand-computed numbers for every rule and preset."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memberdesk.core.loyalty.pricing import (
    CartLine,
    MemberContext,
    RuleViolation,
    check_redemption,
    earn_points,
    price_sale,
    redeem_limits,
    redeem_value,
    split_wallet_payment,
)
from memberdesk.core.loyalty.program import PRESETS, Program, preset, revise

YUAN = 100
MON, WED, SAT = date(2024, 5, 6), date(2024, 5, 8), date(2024, 5, 11)  # one ISO week
THU = date(2024, 5, 16)  # not a Wednesday, not the 18th, not in May 6–12


def member(tier: str = "normal", **kw: Any) -> MemberContext:
    return MemberContext(tier_code=tier, **kw)


def violation(call: Any, code: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as exc:
        call()
    assert exc.value.code == code
    assert exc.value.message("zh_CN") and exc.value.message("en")
    assert isinstance(exc.value, ValueError)
    return exc.value


def with_tier_discount(percent: int, **promotions: Any) -> Program:
    levels = [{"code": "vip", "name": "VIP", "threshold_fen": 0, "discount_percent": percent}]
    return revise(preset("generic"), {"tiers": {"levels": levels}, "promotions": promotions})


# --- price_sale ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "discount", "net"),
    [
        ("member", 0, 99),
        ("silver", 5, 94),  # 5 % of 99 = 4.95 → 5
        ("gold", 8, 91),  # 7.92 → 8
        ("diamond", 12, 87),  # 11.88 → 12
    ],
)
def test_tier_discount_on_a_99_fen_line(tier: str, discount: int, net: int) -> None:
    r = price_sale(preset("clothing"), member(tier), [CartLine("袜子", 1, 99)], THU)
    assert (r.subtotal_fen, r.discount_fen, r.total_fen) == (99, discount, net)
    assert r.lines[0].discount_fen == discount


def test_discount_rounds_half_up_per_line() -> None:
    half = with_tier_discount(50)
    r = price_sale(half, member("vip"), [CartLine("a", 1, 99), CartLine("b", 1, 1)], THU)
    assert [p.discount_fen for p in r.lines] == [50, 1]  # 49.5 → 50, 0.5 → 1
    assert r.total_fen == 49
    r = price_sale(with_tier_discount(30), member("vip"), [CartLine("a", 1, 1)], THU)
    assert (r.discount_fen, r.total_fen, r.discount_kind) == (0, 1, None)  # 0.3 → 0
    r = price_sale(with_tier_discount(100), member("vip"), [CartLine("a", 3, 333)], THU)
    assert (r.subtotal_fen, r.discount_fen, r.total_fen) == (999, 999, 0)


def test_no_discount_lines_and_walk_ins_are_never_discounted() -> None:
    lines = [CartLine("衬衫", 2, 15000), CartLine("烟", 1, 2500, no_discount=True)]
    r = price_sale(preset("clothing"), member("gold"), lines, THU)
    assert [p.discount_fen for p in r.lines] == [2400, 0]  # 8 % of 300 元
    assert (r.subtotal_fen, r.total_fen, r.no_discount_total_fen) == (32500, 30100, 2500)
    assert r.discount_by_kind == {"tier": 2400}
    assert r.no_earn_fen == 0  # clothing: no-discount lines still earn
    strict = revise(preset("clothing"), {"earn": {"no_discount_lines_earn": False}})
    assert price_sale(strict, member("gold"), lines, THU).no_earn_fen == 2500
    walk_in = price_sale(preset("clothing"), None, lines, WED)
    assert (walk_in.discount_fen, walk_in.total_fen) == (0, 32500)


def test_amount_only_sale_and_bad_lines() -> None:
    r = price_sale(preset("clothing"), member("silver"), 12345, THU)
    assert (r.subtotal_fen, r.discount_fen, r.total_fen) == (12345, 617, 11728)  # 617.25 → 617
    violation(
        lambda: price_sale(preset("generic"), None, [CartLine("x", 0, 100)], THU), "line.invalid"
    )
    violation(
        lambda: price_sale(preset("generic"), None, [CartLine("x", 1, -1)], THU), "line.invalid"
    )
    assert price_sale(preset("generic"), None, [], THU).total_fen == 0


def test_birthday_week_7zhe_beats_tier_and_does_not_stack() -> None:
    clothing = preset("clothing")
    m = member("gold", birthday_occurrence=WED)
    r = price_sale(clothing, m, [CartLine("大衣", 1, 100000)], SAT)
    assert (r.discount_kind, r.discount_percent, r.discount_fen) == ("birthday", 30, 30000)
    assert r.discount_by_kind == {"birthday": 30000}  # not 30 % + 8 %
    assert r.birthday_use_consumed
    used = member("gold", birthday_occurrence=WED, birthday_uses=1)
    r = price_sale(clothing, used, [CartLine("大衣", 1, 100000)], SAT)
    assert (r.discount_kind, r.discount_fen, r.birthday_use_consumed) == ("tier", 8000, False)
    r = price_sale(clothing, m, [CartLine("大衣", 1, 100000)], date(2024, 5, 13))  # next week
    assert r.discount_kind == "tier"


def test_birthday_use_not_spent_on_a_tie_or_on_nothing() -> None:
    tie = with_tier_discount(30, birthday={"period": "week", "discount_percent": 30})
    r = price_sale(tie, member("vip", birthday_occurrence=WED), [CartLine("a", 1, 1000)], WED)
    assert (r.discount_kind, r.birthday_use_consumed) == ("tier", False)
    clothing = preset("clothing")
    only_no_discount = [CartLine("烟", 1, 2500, no_discount=True)]
    r = price_sale(clothing, member("gold", birthday_occurrence=WED), only_no_discount, WED)
    assert (r.discount_fen, r.birthday_use_consumed) == (0, False)


def test_member_day_discount_best_of_kinds() -> None:
    p = with_tier_discount(8, member_day=18, member_day_discount_percent=10)
    r = price_sale(p, member("vip"), [CartLine("a", 1, 10000)], date(2024, 5, 18))
    assert (r.discount_kind, r.discount_fen, r.member_day) == ("member_day", 1000, True)
    r = price_sale(p, member("vip"), [CartLine("a", 1, 10000)], date(2024, 5, 17))
    assert (r.discount_kind, r.discount_fen, r.member_day) == ("tier", 800, False)
    tie = with_tier_discount(10, member_day=18, member_day_discount_percent=10)
    r = price_sale(tie, member("vip"), [CartLine("a", 1, 10000)], date(2024, 5, 18))
    assert r.discount_kind == "tier"
    assert price_sale(p, None, 10000, date(2024, 5, 18)).discount_fen == 0  # members only


def test_accessories_birthday_gift_for_gold_and_above() -> None:
    acc = preset("accessories")
    may = date(2024, 5, 20)
    bday = date(2024, 5, 2)
    assert (
        price_sale(acc, member("gold", birthday_occurrence=bday), 100, may).birthday_gift
        == "生日礼物"
    )
    assert price_sale(acc, member("diamond", birthday_occurrence=bday), 100, may).birthday_gift
    assert (
        price_sale(acc, member("silver", birthday_occurrence=bday), 100, may).birthday_gift is None
    )
    used = member("gold", birthday_occurrence=bday, birthday_uses=1)
    assert price_sale(acc, used, 100, may).birthday_gift is None
    assert (
        price_sale(
            acc, member("gold", birthday_occurrence=bday), 100, date(2024, 6, 1)
        ).birthday_gift
        is None
    )


# --- redemption ----------------------------------------------------------------------------


def test_supermarket_cap_hit_exactly_and_exceeded_by_one_unit() -> None:
    sm = preset("supermarket")
    m = member("member", points_balance=100000)
    lim = redeem_limits(sm, m, 10000, THU)  # 100 元 sale: at most 50 元 = 5000 points
    assert (lim.cap_fen, lim.max_points, lim.max_value_fen, lim.unit_value_fen) == (
        5000,
        5000,
        5000,
        100,
    )
    assert check_redemption(sm, m, 5000, 10000, THU) == 5000
    err = violation(lambda: check_redemption(sm, m, 5100, 10000, THU), "redeem.cap")
    assert "50%" in err.message("zh_CN") and "50.00" in err.message("zh_CN")
    assert redeem_limits(sm, m, 10001, THU).max_points == 5000  # cap 5000.5 → 5000
    assert redeem_limits(sm, m, 10199, THU).max_points == 5000  # cap 50.99 元 → whole units
    assert redeem_limits(sm, m, 10200, THU).max_points == 5100


def test_redeem_limits_balance_unit_min_and_walk_in() -> None:
    sm = preset("supermarket")
    assert redeem_limits(sm, member("member", points_balance=250), 100000, THU).max_points == 200
    lim = redeem_limits(sm, member("member", points_balance=99), 100000, THU)
    assert (lim.max_points, lim.blocked) == (0, "balance")
    lim = redeem_limits(sm, member("member", points_balance=9999), 199, THU)
    assert (lim.max_points, lim.blocked) == (0, "cap")  # cap 99 fen < one 1-元 unit
    assert redeem_limits(sm, None, 100000, THU).blocked == "walk_in"
    high_min = revise(sm, {"redeem": {"min_points": 300}})
    lim = redeem_limits(high_min, member("member", points_balance=250), 100000, THU)
    assert (lim.max_points, lim.blocked) == (0, "min")
    off = revise(sm, {"redeem": {"max_share_percent": 0}})
    assert (
        redeem_limits(off, member("member", points_balance=500), 100000, THU).blocked == "disabled"
    )


def test_redeem_value_refusals() -> None:
    sm = preset("supermarket")
    assert (redeem_value(sm, 0), redeem_value(sm, 100), redeem_value(sm, 2300)) == (0, 100, 2300)
    violation(lambda: redeem_value(sm, 150), "redeem.unit")
    violation(lambda: redeem_value(sm, -100), "redeem.negative")
    violation(lambda: redeem_value(revise(sm, {"redeem": {"min_points": 300}}), 200), "redeem.min")
    m = member("member", points_balance=400)
    violation(lambda: check_redemption(sm, m, 500, 100000, THU), "redeem.balance")
    violation(lambda: check_redemption(sm, None, 100, 100000, THU), "redeem.walk_in")
    assert check_redemption(sm, None, 0, 100000, THU) == 0


def test_accessories_500_points_is_50_yuan() -> None:
    acc = preset("accessories")
    assert redeem_value(acc, 500) == 50 * YUAN
    assert redeem_value(acc, 1000) == 100 * YUAN
    violation(lambda: redeem_value(acc, 499), "redeem.unit")
    m = member("normal", points_balance=1499)
    lim = redeem_limits(acc, m, 30000, THU)
    assert (lim.max_points, lim.max_value_fen, lim.unit_value_fen) == (1000, 10000, 5000)
    assert redeem_limits(acc, member("normal", points_balance=499), 30000, THU).blocked == "balance"
    assert redeem_limits(acc, m, 4999, THU).max_points == 0  # a 50 元 unit does not fit


def test_prepaid_one_point_is_one_yuan() -> None:
    pp = preset("prepaid")
    m = member("member", points_balance=500)
    assert redeem_value(pp, 7) == 700
    lim = redeem_limits(pp, m, 19999, THU)  # 50 % cap = 99.99 元 → 99 points
    assert (lim.max_points, lim.max_value_fen) == (99, 9900)


def test_redemption_window_gratitude_month() -> None:
    dec_only = revise(preset("supermarket"), {"redeem": {"windows": [12]}})
    m = member("member", points_balance=1000)
    assert redeem_limits(dec_only, m, 10000, date(2024, 11, 30)).blocked == "window"
    assert redeem_limits(dec_only, m, 10000, date(2024, 12, 1)).max_points == 1000
    err = violation(
        lambda: check_redemption(dec_only, m, 100, 10000, date(2024, 11, 1)), "redeem.window"
    )
    assert "12月" in err.message("zh_CN")
    assert check_redemption(dec_only, m, 100, 10000, date(2024, 12, 31)) == 100


# --- earning ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid", "floor", "half_up"),
    [
        (1, 0, 0),
        (49, 0, 0),
        (50, 0, 1),
        (99, 0, 1),
        (100, 1, 1),
        (149, 1, 1),
        (150, 1, 2),
        (199, 1, 2),
    ],
)
def test_base_points_rounding(paid: int, floor: int, half_up: int) -> None:
    generic = preset("generic")
    assert earn_points(generic, member(), {"cash": paid}, THU).total_points == floor
    halfway = revise(generic, {"earn": {"rounding": "round_half_up"}})
    assert earn_points(halfway, member(), {"cash": paid}, THU).total_points == half_up


@pytest.mark.parametrize(("paid", "points"), [(9999, 0), (10000, 1), (19999, 1), (20000, 2)])
def test_prepaid_100_yuan_per_point(paid: int, points: int) -> None:
    assert (
        earn_points(preset("prepaid"), member("member"), {"wechat": paid}, THU).base_points
        == points
    )


def test_tenders_that_earn() -> None:
    pp, generic = preset("prepaid"), preset("generic")
    r = earn_points(pp, member("member"), {"wallet": 50000, "cash": 20000}, THU)
    assert (r.earning_fen, r.base_points) == (20000, 2)  # prepaid: wallet does not earn
    assert earn_points(generic, member(), {"wallet": 10000}, THU).base_points == 100
    r = earn_points(generic, member(), {"points": 5000, "cash": 5000}, THU)
    assert r.base_points == 50  # the points-paid part never earns
    violation(lambda: earn_points(generic, member(), {"bitcoin": 100}, THU), "tender.unknown")
    violation(lambda: earn_points(generic, member(), {"cash": -1}, THU), "tender.negative")


def test_no_earn_lines_come_out_of_non_earning_tenders_first() -> None:
    generic = preset("generic")
    r = earn_points(generic, member(), {"cash": 10000, "points": 2000}, THU, no_earn_fen=3000)
    assert (r.earning_fen, r.base_points) == (9000, 90)  # min(10000, 12000 - 3000)
    r = earn_points(generic, member(), {"cash": 10000, "points": 2000}, THU, no_earn_fen=1000)
    assert r.earning_fen == 10000


def test_walk_in_earns_nothing() -> None:
    r = earn_points(preset("clothing"), None, {"cash": 100000}, WED)
    assert (r.total_points, r.referral_bonus_to_referrer, r.parts) == (0, 0, ())


def test_multipliers_maximum_applies() -> None:
    clothing = preset("clothing")
    r = earn_points(clothing, member("gold"), {"cash": 1000}, WED)  # 1.5x vs Wednesday 2x
    assert (r.base_points, r.multiplier_kind, r.multiplier_percent, r.total_points) == (
        10,
        "double_day",
        200,
        20,
    )
    assert [(p.kind, p.points) for p in r.parts] == [("base", 10), ("double_day", 10)]
    r = earn_points(clothing, member("gold"), {"cash": 1000}, THU)
    assert (r.multiplier_kind, r.total_points) == ("tier", 15)
    r = earn_points(clothing, member("diamond"), {"cash": 1000}, WED)  # 2x tie: tier named
    assert (r.multiplier_kind, r.total_points) == ("tier", 20)  # not 4x: no stacking
    r = earn_points(clothing, member("silver"), {"cash": 900}, THU)  # 9 × 1.2 = 10.8
    assert r.total_points == 10  # the extra point part rounds down
    r = earn_points(clothing, member("member"), {"cash": 1000}, WED, "gold")
    assert r.multiplier_kind == "double_day"
    r = earn_points(clothing, member("member"), {"cash": 1000}, THU, "gold")  # after an upgrade
    assert (r.multiplier_kind, r.total_points) == ("tier", 15)
    r = earn_points(clothing, member("gold"), {"cash": 99}, WED)
    assert (r.total_points, r.multiplier_kind) == (0, None)


def test_member_day_and_birthday_multipliers() -> None:
    sm = preset("supermarket")
    r = earn_points(sm, member("member"), {"cash": 1234}, date(2024, 5, 18))
    assert (r.base_points, r.multiplier_kind, r.total_points) == (12, "member_day", 24)
    assert earn_points(sm, member("member"), {"cash": 1234}, date(2024, 5, 19)).total_points == 12
    triple = revise(
        preset("clothing"),
        {"promotions": {"birthday": {"kind": "multiplier", "multiplier_percent": 300}}},
    )
    m = member("gold", birthday_occurrence=MON)
    r = earn_points(triple, m, {"cash": 1000}, WED)
    assert (r.multiplier_kind, r.total_points, r.birthday_use_consumed) == ("birthday", 30, True)
    used = member("gold", birthday_occurrence=MON, birthday_uses=1)
    r = earn_points(triple, used, {"cash": 1000}, WED)
    assert (r.multiplier_kind, r.total_points, r.birthday_use_consumed) == ("double_day", 20, False)


def test_referral_bonus_on_first_purchase_only() -> None:
    pp = preset("prepaid")
    first = member("member", has_referrer=True)
    assert earn_points(pp, first, {"cash": 100}, THU).referral_bonus_to_referrer == 10
    again = member("member", has_referrer=True, has_purchased_before=True)
    assert earn_points(pp, again, {"cash": 100}, THU).referral_bonus_to_referrer == 0
    assert earn_points(pp, member("member"), {"cash": 100}, THU).referral_bonus_to_referrer == 0


def test_first_month_challenge() -> None:
    clothing = preset("clothing")
    joined = date(2024, 3, 1)
    m = member("member", joined_on=joined, points_since_joining=1500)
    r = earn_points(clothing, m, {"cash": 50000}, date(2024, 3, 30))  # day 30, Saturday
    assert (r.sale_points, r.first_month_bonus, r.total_points) == (500, 500, 1000)
    assert r.parts[-1].kind == "first_month"
    assert (
        earn_points(clothing, m, {"cash": 50000}, date(2024, 3, 31)).first_month_bonus == 0
    )  # day 31
    short = member("member", joined_on=joined, points_since_joining=1499)
    assert earn_points(clothing, short, {"cash": 50000}, date(2024, 3, 30)).first_month_bonus == 0
    given = member(
        "member", joined_on=joined, points_since_joining=1500, first_month_bonus_given=True
    )
    assert earn_points(clothing, given, {"cash": 50000}, date(2024, 3, 30)).first_month_bonus == 0


# --- properties -------------------------------------------------------------------------------------

PROGRAMS = [
    revise(p, {"wallet": {"spend_order": order}})
    for p in PRESETS.values()
    for order in ("principal_first", "bonus_first", "proportional")
]

lines_st = st.lists(
    st.builds(
        CartLine,
        description=st.just("x"),
        quantity=st.integers(1, 50),
        unit_price_fen=st.integers(0, 2_000_000),
        no_discount=st.booleans(),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    program=st.sampled_from(PROGRAMS),
    lines=lines_st,
    tier_index=st.integers(0, 4),
    birthday_shift=st.integers(-40, 40),
    uses=st.integers(0, 2),
    points=st.integers(0, 10**6),
    day=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    principal=st.integers(0, 10**7),
    bonus=st.integers(0, 10**7),
    wallet_share=st.integers(0, 100),
)
def test_money_invariants(
    program: Program,
    lines: list[CartLine],
    tier_index: int,
    birthday_shift: int,
    uses: int,
    points: int,
    day: date,
    principal: int,
    bonus: int,
    wallet_share: int,
) -> None:
    levels = program.tiers.levels
    m = member(
        levels[min(tier_index, len(levels) - 1)].code,
        points_balance=points,
        birthday_occurrence=day + timedelta(days=birthday_shift),
        birthday_uses=uses,
    )
    r = price_sale(program, m, lines, day)
    for p in r.lines:
        assert 0 <= p.discount_fen <= p.total_fen and p.net_fen >= 0
        assert p.discount_fen == 0 or not p.line.no_discount
    assert r.subtotal_fen == sum(line.total_fen for line in lines)
    assert r.total_fen == r.subtotal_fen - r.discount_fen >= 0
    assert sum(r.discount_by_kind.values()) == r.discount_fen

    lim = redeem_limits(program, m, r.total_fen, day)
    assert 0 <= lim.max_value_fen <= lim.cap_fen <= r.total_fen
    assert lim.max_points <= points and lim.max_points % program.redeem.unit_points == 0
    if lim.max_points:
        assert check_redemption(program, m, lim.max_points, r.total_fen, day) == lim.max_value_fen
    over = lim.max_points + program.redeem.unit_points
    if over <= points and redeem_window_ok(lim):
        with pytest.raises(RuleViolation):
            check_redemption(program, m, over, r.total_fen, day)

    due = r.total_fen - lim.max_value_fen
    wallet = min(due * wallet_share // 100, principal + bonus)
    from_p, from_b = split_wallet_payment(program, wallet, principal, bonus)
    assert from_p + from_b == wallet
    assert 0 <= from_p <= principal and 0 <= from_b <= bonus

    paid = {"points": lim.max_value_fen, "wallet": wallet, "cash": due - wallet}
    earned = earn_points(program, m, paid, day, no_earn_fen=r.no_earn_fen)
    assert earned.total_points >= earned.base_points >= 0
    assert earned.earning_fen <= due  # the points-paid part never earns


def redeem_window_ok(lim: Any) -> bool:
    return lim.blocked not in ("walk_in", "window")
