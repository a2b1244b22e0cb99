"""How the program prices catalogue lines: member prices, 不打折, no-points items and the
program's rules for categories — never two discounts on one line."""

from __future__ import annotations

from typing import Any

import pytest

from memberdesk.core.loyalty.pricing import CartLine, MemberContext, earn_points, price_sale
from memberdesk.core.loyalty.program import ProgramInvalid, preset, revise

from .test_pricing import THU


def vip(percent: int, **changes: Any):
    """The generic program with one tier taking `percent` off, and `changes` on top."""
    levels = [{"code": "vip", "name": "VIP", "threshold_fen": 0, "discount_percent": percent}]
    return revise(preset("generic"), {"tiers": {"levels": levels}, **changes})


MEMBER = MemberContext(tier_code="vip")


def test_a_member_pays_the_member_price_when_it_beats_the_tier():
    # 2 × ¥3.50 with a member price of ¥3.00; the tier's 5 % would take ¥0.35 only.
    line = CartLine("可乐", 2, 350, "饮料", member_price_fen=300)
    r = price_sale(vip(5), MEMBER, [line], THU)
    (pl,) = r.lines
    assert (pl.discount_kind, pl.discount_fen, pl.net_fen, pl.discount_percent) == (
        "member_price",
        100,
        600,
        0,
    )
    assert r.discount_by_kind == {"member_price": 100}
    assert (r.discount_kind, r.discount_percent) == (None, 0)  # no percentage was applied


def test_the_tier_wins_when_it_takes_more_and_they_never_add_up():
    # ¥100 at 20 % off (¥20) beats a member price of ¥90 (¥10 off).
    r = price_sale(vip(20), MEMBER, [CartLine("大衣", 1, 10000, member_price_fen=9000)], THU)
    assert (r.lines[0].discount_kind, r.total_fen) == ("tier", 8000)
    # A tie goes to the member price.
    r = price_sale(vip(10), MEMBER, [CartLine("大衣", 1, 10000, member_price_fen=9000)], THU)
    assert (r.lines[0].discount_kind, r.total_fen) == ("member_price", 9000)


def test_a_walk_in_pays_the_price():
    r = price_sale(vip(20), None, [CartLine("可乐", 2, 350, member_price_fen=300)], THU)
    assert (r.total_fen, r.discount_fen) == (700, 0)


def test_no_discount_items_keep_their_member_price_but_take_no_percentage():
    lines = [CartLine("烟", 1, 4500, no_discount=True), CartLine("酒", 1, 10000, no_discount=True,
                                                                   member_price_fen=9500)]  # fmt: skip
    r = price_sale(vip(50), MEMBER, lines, THU)
    assert [(pl.discount_kind, pl.net_fen) for pl in r.lines] == [
        (None, 4500),
        ("member_price", 9500),
    ]


def test_an_item_marked_no_points_earns_none():
    lines = [CartLine("充值卡", 1, 10000, earns_points=False), CartLine("T恤", 1, 5000)]
    program = vip(0)
    r = price_sale(program, MEMBER, lines, THU)
    assert r.no_earn_fen == 10000
    earned = earn_points(program, MEMBER, {"cash": r.total_fen}, THU, no_earn_fen=r.no_earn_fen)
    assert earned.base_points == 50  # ¥50 of the T-shirt only, 1 point per yuan


def test_a_no_points_line_is_left_out_at_what_was_paid_for_it():
    # The member paid ¥3.00 (member price), not ¥3.50: ¥3.00 is what does not earn.
    r = price_sale(
        vip(0), MEMBER, [CartLine("烟", 1, 350, member_price_fen=300, earns_points=False)], THU
    )
    assert r.no_earn_fen == 300


def test_the_programs_category_rules_price_the_catalogues_categories():
    program = vip(5, categories=[
        {"name": "饮料", "discount_percent": 20},
        {"name": "烟酒", "no_discount": True, "earns_points": False},
    ])  # fmt: skip
    lines = [CartLine("可乐", 1, 1000, "饮料"), CartLine("白酒", 1, 10000, "烟酒"),
             CartLine("T恤", 1, 10000, "服装")]  # fmt: skip
    r = price_sale(program, MEMBER, lines, THU)
    got = [(pl.discount_kind, pl.discount_percent, pl.net_fen, pl.no_discount, pl.earns_points)
           for pl in r.lines]  # fmt: skip
    assert got == [("category", 20, 800, False, True), (None, 0, 10000, True, False),
                   ("tier", 5, 9500, False, True)]  # fmt: skip
    assert r.discount_by_kind == {"category": 200, "tier": 500}
    assert r.no_earn_fen == 10000
    # A walk-in gets no member's category discount.
    walk_in = price_sale(program, None, lines, THU)
    assert walk_in.discount_fen == 0


def test_a_category_discount_below_the_tiers_loses():
    program = vip(10, categories=[{"name": "饮料", "discount_percent": 5}])
    r = price_sale(program, MEMBER, [CartLine("可乐", 1, 1000, "饮料")], THU)
    assert (r.lines[0].discount_kind, r.lines[0].net_fen) == ("tier", 900)


def test_category_rules_are_checked():
    with pytest.raises(ProgramInvalid):
        vip(0, categories=[{"name": "烟", "no_discount": True, "discount_percent": 10}])
    with pytest.raises(ProgramInvalid):
        vip(0, categories=[{"name": "烟"}, {"name": "烟"}])
    with pytest.raises(ProgramInvalid):
        vip(0, categories=[{"name": "烟", "discount_percent": 101}])
