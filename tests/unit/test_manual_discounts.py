"""Discounts given by hand, as pure rules (core/till/manual.py): no database, integer fen."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.pricing import CartLine, MemberContext, price_sale
from memberdesk.core.loyalty.program import preset
from memberdesk.core.shop.staff import Actor
from memberdesk.core.till.manual import (
    AppliedDiscount,
    DiscountLimits,
    ManualDiscount,
    apply_manual,
    over_limit,
)

PROGRAM = preset("generic")
DAY = date(2026, 3, 10)  # a Tuesday: no member day
SILVER = MemberContext(tier_code="silver", points_balance=0)


def _priced(totals: list[int], member: MemberContext | None = None):
    lines = [CartLine(f"L{i}", 1, fen) for i, fen in enumerate(totals)]
    return price_sale(PROGRAM, member, lines, DAY)


def test_nothing_given_by_hand_leaves_the_programs_pricing_as_it_was():
    pricing = _priced([1000, 2000], SILVER)
    same, applied = apply_manual(pricing, [None, None], None, no_earn_on_no_discount=False)
    assert same is pricing and applied == ()


@given(
    totals=st.lists(st.integers(min_value=0, max_value=5_000_000), min_size=1, max_size=12),
    share=st.floats(min_value=0, max_value=1),
)
def test_an_amount_off_the_sale_is_shared_to_the_fen(totals, share):
    base = sum(totals)
    off = int(base * share)
    if off == 0:
        return
    pricing, applied = apply_manual(
        _priced(totals), [None] * len(totals), ManualDiscount("amount", off),
        no_earn_on_no_discount=False,
    )  # fmt: skip
    parts = [pl.discount_fen for pl in pricing.lines]
    assert sum(parts) == off == applied[0].off
    assert all(0 <= part <= pl.total_fen for part, pl in zip(parts, pricing.lines, strict=True))
    assert pricing.total_fen == base - off
    assert pricing.discount_by_kind == {"sale": off}


@given(percent=st.integers(min_value=1, max_value=100),
       totals=st.lists(st.integers(min_value=1, max_value=1_000_000), min_size=1, max_size=8))  # fmt: skip
def test_a_percent_off_the_sale_is_half_up_on_the_whole(percent, totals):
    before = _priced(totals, SILVER)
    off = (sum(totals) * percent + 50) // 100
    try:
        pricing, applied = apply_manual(
            before, [None] * len(totals), ManualDiscount("percent", percent),
            no_earn_on_no_discount=False,
        )  # fmt: skip
    except DomainError as e:  # the silver 5 % takes more off every line
        assert e.code == "discount.program_better_sale" and percent <= 5
        return
    # Never on top of the silver 5 %, and never less than it: each line keeps the better.
    for was, now in zip(before.lines, pricing.lines, strict=True):
        assert now.discount_fen >= was.discount_fen
        assert now.discount_kind in ("sale", "tier", None)
    by_sale = sum(pl.discount_fen for pl in pricing.lines if pl.discount_kind == "sale")
    assert by_sale == applied[0].off <= off
    if percent > 5 and all(t >= 100 for t in totals):
        assert "tier" not in pricing.discount_by_kind and by_sale == off


def test_a_lower_price_keeps_the_list_price_and_a_higher_one_replaces_it():
    pricing = _priced([10000, 10000])
    lower, higher = ManualDiscount("price", 8000), ManualDiscount("price", 12000)
    repriced, applied = apply_manual(pricing, [lower, higher], None, no_earn_on_no_discount=False)
    first, second = repriced.lines
    assert (first.line.unit_price_fen, first.discount_fen, first.discount_kind) == (
        10000,
        2000,
        "price",
    )
    assert (second.line.unit_price_fen, second.discount_fen, second.net_fen) == (12000, 0, 12000)
    assert repriced.subtotal_fen == 22000 and repriced.total_fen == 20000
    assert [a.off for a in applied] == [2000, 0]


def _applied(discount: ManualDiscount, off: int, *, no_discount: bool = False) -> AppliedDiscount:
    return AppliedDiscount(1, "T恤", discount, 10000, off, 10000, 10000, no_discount)


def test_each_role_gives_what_its_limit_allows():
    limits = DiscountLimits()
    cashier = Actor("c", "收银员", "cashier")
    manager = Actor("m", "店长", "manager")
    owner = Actor("o", "老板", "owner")
    nine, eight = ManualDiscount("percent", 10, zhe=True), ManualDiscount("percent", 20, zhe=True)
    assert over_limit(limits, cashier, _applied(nine, 1000)) is None
    assert over_limit(limits, cashier, _applied(eight, 2000)) is not None
    assert over_limit(limits, manager, _applied(eight, 2000)) is None
    twenty, thirty = ManualDiscount("amount", 2000), ManualDiscount("amount", 3000)
    assert over_limit(limits, cashier, _applied(twenty, 2000)) is None
    assert over_limit(limits, cashier, _applied(thirty, 3000)) is not None
    free = ManualDiscount("percent", 100)
    assert over_limit(limits, manager, _applied(free, 10000)) is not None
    assert over_limit(limits, owner, _applied(free, 10000)) is None
    one_percent = ManualDiscount("percent", 1)
    assert over_limit(limits, cashier, _applied(one_percent, 100, no_discount=True)) is not None
    assert over_limit(limits, manager, _applied(one_percent, 100, no_discount=True)) is None
