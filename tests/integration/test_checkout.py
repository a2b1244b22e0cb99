"""Checkout through the real core on a real SQLite file: every preset's promise with
hand-computed numbers, the rounding edges, every tender, every refusal (which must
leave the database exactly as it was), receipt numbering and quote == checkout.

Dates: the shop is in Asia/Shanghai. 2026-03-10 is a Tuesday (ISO week 11,
Mon 9 – Sun 15 March); 2026-03-11 is a Wednesday (clothing's double-points day).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from memberdesk.core.clock import FixedClock
from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.members.member import LunarDate, cancel, freeze, report_lost
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, OutboxEvent
from memberdesk.core.till.checkout import checkout, checkout_in, quote, quote_standing
from memberdesk.core.till.receipts import load_sale
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.wallet import top_up, top_up_in

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    line,
    member_row,
    new_member,
    outbox_kinds,
    points_entries,
    points_of,
    refused,
    request,
    sell,
    set_local,
    use_program,
    wallet_of,
)

# ------------------------------------------------------------------ earning ratios


def test_generic_earns_one_point_per_yuan_on_what_was_paid(store: Store, owner: Actor) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    r = sell(store, owner, m.id, 12345)  # 123.45 元 → floor(123.45) = 123 分
    assert (r.total, r.points_earned) == (12345, 123)
    assert r.member is not None and r.member.points == 123
    assert points_of(store, m.id) == 123
    assert_sound(store)


def test_prepaid_earns_one_point_per_100_yuan_and_not_on_stored_value(
    store: Store, owner: Actor
) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    # 999.99 元 → 99999 // 10000 = 9 分 (the 99.99 元 rest earns nothing).
    assert sell(store, owner, m.id, 99999).points_earned == 9
    # 1000 元 exactly → 10 分.
    assert sell(store, owner, m.id, 100000).points_earned == 10
    # 充1000送100, then 500 元 paid from the wallet: stored value does not earn here.
    top_up(store, owner, m.id, 1000 * YUAN, "cash")
    r = sell(store, owner, m.id, 500 * YUAN, wallet=500 * YUAN, tenders={})
    assert r.points_earned == 0
    assert (r.wallet_principal_used, r.wallet_bonus_used) == (500 * YUAN, 0)  # principal first
    assert r.member is not None
    assert (r.member.points, r.member.wallet_principal, r.member.wallet_bonus) == (
        19,  # 9 + 10
        500 * YUAN,  # 1000 − 500
        100 * YUAN,  # the bonus is untouched
    )
    assert_sound(store)


def test_generic_wallet_payments_earn(store: Store, owner: Actor) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 500 * YUAN, "wechat")  # 充500送50
    r = sell(store, owner, m.id, 100 * YUAN, wallet=100 * YUAN, tenders={})
    assert r.points_earned == 100  # generic: wallet is an earning tender
    assert r.tenders == {"wallet": 100 * YUAN}


def test_stored_value_bonus_earns_no_points(store: Store, owner: Actor) -> None:
    """充500送50: the 50 元 bonus was the shop's gift, so spending it earns nothing."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 500 * YUAN, "cash")  # 500 principal + 50 bonus
    # 550 元 from the wallet, 20.50 元 in cash: the principal first, then the whole bonus.
    r = sell(store, owner, m.id, 57050, wallet=550 * YUAN, tenders={"cash": 2050})
    assert (r.wallet_principal_used, r.wallet_bonus_used) == (500 * YUAN, 50 * YUAN)
    assert r.points_earned == 520  # 500 元 principal + 20.50 元 cash, not the 50 元 bonus
    assert points_entries(store, m.id, "earn") == [520]
    assert r.member is not None and r.member.points == points_of(store, m.id) == 520
    # The quote the cashier saw said the same.
    req = request(m.id, 100 * YUAN, wallet=0, tenders={"cash": 100 * YUAN})
    assert quote(store, req).earn.total_points == 100
    # Bonus first: 30 元 of a 30 元 sale all from the bonus left over earns nothing.
    use_program(store, owner, revise(preset("generic"), {"wallet": {"spend_order": "bonus_first"}}))
    top_up(store, owner, m.id, 500 * YUAN, "cash")
    r = sell(store, owner, m.id, 30 * YUAN, wallet=30 * YUAN, tenders={})
    assert (r.wallet_principal_used, r.wallet_bonus_used, r.points_earned) == (0, 30 * YUAN, 0)
    # A refund of it takes back no points it never earned and puts the bonus back.
    back = refund(store, owner, r.receipt_no)
    assert (back.points_reversed, back.wallet_principal, back.wallet_bonus) == (0, 0, 30 * YUAN)
    assert wallet_of(store, m.id) == (500 * YUAN, 50 * YUAN)
    assert_sound(store)


# ------------------------------------------------------------------ clothing promotions


def test_clothing_birthday_week_7zhe_once_a_year(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Birthday 12 March: the ISO week Mon 9 – Sun 15 March 2026 is the birthday week.

    The first purchase in the week pays 70 %; a second purchase the same week pays full
    price (uses_per_year = 1); the week before and the week after pay full price; the
    next year's birthday week gives the 7折 again.
    """
    use_program(store, owner, "clothing")
    set_local(clock, 2026, 3, 1)
    early = new_member(store, owner, "早鸟", birthday=date(1990, 3, 12))
    m = new_member(store, owner, "寿星", birthday=date(1990, 3, 12))
    set_local(clock, 2026, 3, 8)  # Sunday of week 10: not yet
    assert sell(store, owner, early.id, 100 * YUAN).total == 100 * YUAN

    set_local(clock, 2026, 3, 10)  # Tuesday of the birthday week
    first = sell(store, owner, m.id, line(100 * YUAN, description="连衣裙"))
    # 100 元 × 30 % = 30 元 off → 70 元; 70 分 (tier 积分会员 has no multiplier, not a Wednesday).
    assert (first.subtotal, first.discount_total, first.total) == (10000, 3000, 7000)
    assert first.discount_by_kind == {"birthday": 3000}
    assert first.lines[0].discount_kind == "birthday"
    assert first.points_earned == 70
    assert first.member is not None and "03-12" in first.member.birthday_note

    set_local(clock, 2026, 3, 12)  # the birthday itself, same week: already used
    second = sell(store, owner, m.id, 100 * YUAN)
    assert (second.discount_total, second.total, second.points_earned) == (0, 10000, 100)

    set_local(clock, 2026, 3, 15)  # Sunday of week 11: the early member's first use
    assert sell(store, owner, early.id, 100 * YUAN).total == 70 * YUAN
    set_local(clock, 2026, 3, 16)  # Monday of week 12: over
    assert sell(store, owner, early.id, 100 * YUAN).total == 100 * YUAN

    set_local(clock, 2027, 3, 9)  # 2027-03-12 is a Friday: week Mon 8 – Sun 14 March
    assert sell(store, owner, m.id, 100 * YUAN).total == 70 * YUAN
    assert_sound(store)


def test_a_birthday_purchase_returned_in_full_gives_the_birthday_7zhe_back(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor
) -> None:
    """The dress bought at the birthday 7折 comes back (wrong size): the privilege was
    never enjoyed, so the next purchase of the birthday week gets it. A part return
    keeps it used, as does a full return once the week is over."""
    use_program(store, owner, "clothing")
    set_local(clock, 2026, 3, 1)
    m = new_member(store, owner, "寿星", birthday=date(1990, 3, 12))
    set_local(clock, 2026, 3, 10)
    dress = sell(store, owner, m.id, line(100 * YUAN, description="连衣裙"))
    assert dress.total == 70 * YUAN
    refund(store, manager, dress.receipt_no)
    set_local(clock, 2026, 3, 12)
    again = sell(store, owner, m.id, line(100 * YUAN, 2, description="连衣裙"))
    assert (again.discount_by_kind, again.total) == ({"birthday": 6000}, 140 * YUAN)
    refund(store, manager, again.receipt_no, {1: 1})  # one of two back: the use stays
    assert sell(store, owner, m.id, 100 * YUAN).total == 100 * YUAN
    assert_sound(store)


def test_clothing_double_points_wednesday(store: Store, clock: FixedClock, owner: Actor) -> None:
    use_program(store, owner, "clothing")
    m = new_member(store, owner)
    set_local(clock, 2026, 3, 11)  # Wednesday
    r = sell(store, owner, m.id, 100 * YUAN)
    # base 100 分, ×2 (200 %) → 100 extra → 200 分.
    assert r.points_earned == 200
    assert [(p["kind"], p["points"], p["multiplier"]) for p in r.earn_parts] == [
        ("base", 100, 100),
        ("double_day", 100, 200),
    ]
    set_local(clock, 2026, 3, 12)  # Thursday
    assert sell(store, owner, m.id, 100 * YUAN).points_earned == 100
    assert points_of(store, m.id) == 300


def test_clothing_first_month_challenge(store: Store, clock: FixedClock, owner: Actor) -> None:
    """Joined 2026-03-10 (day 1); day 30 is 2026-04-08, day 31 is 2026-04-09.

    Reaching 2000 points from purchases within the 30 days gives +500, once. Double
    points count towards the target (they are points earned from purchases).
    """
    use_program(store, owner, "clothing")
    a = new_member(store, owner, "甲")
    b = new_member(store, owner, "乙")
    c = new_member(store, owner, "丙")
    for m in (a, b, c):
        assert sell(store, owner, m.id, 1500 * YUAN).points_earned == 1500

    set_local(clock, 2026, 4, 7)  # day 29, Tuesday: 1500 + 500 = 2000 ≥ 2000 → +500
    r = sell(store, owner, a.id, 500 * YUAN)
    assert r.points_earned == 1000  # 500 from the sale + 500 challenge bonus
    assert r.earn_parts[-1] == {"kind": "first_month", "points": 500, "multiplier": 100}
    assert points_of(store, a.id) == 2500  # 1500 + 500 + 500
    assert points_entries(store, a.id, "challenge") == [500]
    # Once: the next purchase, still inside the month, earns only its own points.
    assert sell(store, owner, a.id, 100 * YUAN).points_earned == 100

    set_local(clock, 2026, 4, 8)  # day 30, a Wednesday: 250 元 → 250 ×2 = 500 → 2000 → +500
    r = sell(store, owner, c.id, 250 * YUAN)
    assert r.points_earned == 500 + 500

    set_local(clock, 2026, 4, 9)  # day 31: too late
    r = sell(store, owner, b.id, 500 * YUAN)
    assert r.points_earned == 500
    assert points_entries(store, b.id, "challenge") == []
    assert_sound(store)


def test_first_month_target_reached_by_the_first_purchase(store: Store, owner: Actor) -> None:
    use_program(store, owner, "clothing")
    m = new_member(store, owner)
    r = sell(store, owner, m.id, 2000 * YUAN)
    # 2000 元 → 2000 分 ≥ 2000 → +500; 2000 元 also reaches 普通卡 (threshold 2000, no perks).
    assert r.points_earned == 2500
    assert (r.tier_before, r.tier_after) == ("member", "normal")


# ------------------------------------------------------------------ member day, referral


def test_supermarket_member_day_double_points(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, "supermarket")
    m = new_member(store, owner)
    set_local(clock, 2026, 3, 17)
    assert sell(store, owner, m.id, 50 * YUAN).points_earned == 50
    set_local(clock, 2026, 3, 18)  # member day: 50 分 × 2 = 100 分
    r = sell(store, owner, m.id, 50 * YUAN)
    assert r.points_earned == 100
    assert r.earn_parts[-1]["kind"] == "member_day"


def test_referral_bonus_to_the_referrer_on_the_first_purchase_only(
    store: Store, owner: Actor
) -> None:
    use_program(store, owner, "prepaid")
    referrer = new_member(store, owner, "老客")
    referee = new_member(store, owner, "新客", referrer=referrer.card_no)
    first = sell(store, owner, referee.id, 300 * YUAN)
    assert first.points_earned == 3  # 300 元 → 3 分 (100 元 = 1 分)
    assert points_of(store, referrer.id) == 10  # 推荐奖励 10 分
    assert points_entries(store, referrer.id, "referral") == [10]
    sell(store, owner, referee.id, 300 * YUAN)  # second purchase: nothing more
    assert points_of(store, referrer.id) == 10
    # A purchase by the referrer themself gives no one a referral bonus.
    sell(store, owner, referrer.id, 100 * YUAN)
    assert points_of(store, referrer.id) == 11  # 10 + 100 元 → 1 分
    assert_sound(store)


# ------------------------------------------------------------------ redemption


def test_accessories_500_points_pay_50_yuan(store: Store, owner: Actor, manager: Actor) -> None:
    use_program(store, owner, "accessories")
    m = new_member(store, owner)
    adjust_points(store, manager, m.id, 1200, "开业赠送")
    r = sell(store, owner, m.id, 80 * YUAN, redeem_points=500)
    # 500 分 = 50 元 off 80 元 → 30 元 cash → 30 分 earned.
    assert (r.points_value, r.tenders) == (5000, {"points": 5000, "cash": 3000})
    assert r.points_earned == 30
    assert r.member is not None and r.member.points == 1200 - 500 + 30
    # Not in whole 500-point units: refused, nothing changed.
    refused(store, lambda: sell(store, owner, m.id, 80 * YUAN, redeem_points=300), "redeem.unit")
    # No cap in this preset, but points cannot pay more than the sale: 100 元 > 80 元.
    refused(
        store,
        lambda: sell(store, owner, m.id, 80 * YUAN, redeem_points=1000, tenders={}),
        "redeem.balance",
    )  # 730 points held: the balance refuses first
    adjust_points(store, manager, m.id, 270, "补足")  # 1000 points now
    refused(store, lambda: sell(store, owner, m.id, 80 * YUAN, redeem_points=1000), "redeem.cap")
    # 1000 分 = 100 元 pays a 100 元 sale entirely; nothing paid in money → nothing earned.
    whole = sell(store, owner, m.id, 100 * YUAN, redeem_points=1000, tenders={})
    assert (whole.tenders, whole.points_earned) == ({"points": 10000}, 0)
    assert points_of(store, m.id) == 0
    assert_sound(store)


def test_supermarket_redeems_at_most_half_in_whole_100_point_units(
    store: Store, owner: Actor, manager: Actor
) -> None:
    use_program(store, owner, "supermarket")
    m = new_member(store, owner)
    adjust_points(store, manager, m.id, 10_000, "迁移积分")
    # 99.99 元: cap = 9999 × 50 % = 4999 fen → 49 whole units of 100 分 (1 元) = 4900 分.
    q = quote(store, request(m.id, 9999))
    assert q.limits is not None
    assert (q.limits.cap_fen, q.limits.max_points, q.limits.max_value_fen) == (4999, 4900, 4900)
    refused(store, lambda: sell(store, owner, m.id, 9999, redeem_points=5000), "redeem.cap")
    # 100.00 元: cap = 5000 fen exactly → 5000 分 allowed, the other 50 元 in cash → 50 分.
    r = sell(store, owner, m.id, 100 * YUAN, redeem_points=5000)
    assert (r.points_value, r.tenders["cash"], r.points_earned) == (5000, 5000, 50)
    assert points_of(store, m.id) == 10_000 - 5000 + 50
    # 100.01 元: cap = 10001 × 50 // 100 = 5000 fen → still 50 units, not 51.
    assert quote(store, request(m.id, 10001)).limits.max_points == 5000  # type: ignore[union-attr]
    assert_sound(store)


def test_redeeming_more_points_than_held_is_refused(store: Store, owner: Actor) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    sell(store, owner, m.id, 150 * YUAN)  # 150 分
    err = refused(
        store, lambda: sell(store, owner, m.id, 100 * YUAN, redeem_points=200), "redeem.balance"
    )
    assert "150" in str(err) and "200" in str(err)


# ------------------------------------------------------------------ rounding edges


def test_a_99_fen_sale_and_a_1_fen_sale(store: Store, owner: Actor) -> None:
    use_program(store, owner, "generic")
    silver = new_member(store, owner, "银卡", tier="silver")
    # 0.99 元 at 5 % off: 4.95 fen → 5 fen (half up) → 0.94 元; floor(0.94) = 0 分.
    r = sell(store, owner, silver.id, 99)
    assert (r.subtotal, r.discount_total, r.total, r.points_earned) == (99, 5, 94, 0)
    # 1 fen at 5 % off: 0.05 fen → 0 fen off; 1 fen paid; 0 分.
    r = sell(store, owner, silver.id, 1, tenders={"cash": 100})
    assert (r.discount_total, r.total, r.change, r.tenders) == (0, 1, 99, {"cash": 1})
    assert r.points_earned == 0
    # A walk-in 1 fen sale paid by WeChat.
    w = sell(store, owner, None, 1, tenders={"wechat": 1})
    assert (w.total, w.member, w.points_earned) == (1, None, 0)
    assert_sound(store)


def test_tier_threshold_crossed_by_the_current_sale(store: Store, owner: Actor) -> None:
    """Upgrade at once: the sale that crosses the threshold is priced at the OLD tier's
    discount (it is already on the till) but earns at the NEW tier's multiplier; the
    next sale gets the new discount."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    changes_before = outbox_kinds(store, m.id).count("member.tier_changed")
    # 4000 元 ≥ 3000 元 (银卡) within 12 months → silver at once.
    r = sell(store, owner, m.id, 4000 * YUAN)
    assert (r.tier_before, r.tier_after, r.tier_upgraded) == ("normal", "silver", True)
    assert r.member is not None and (r.member.tier, r.member.tier_name) == ("silver", "银卡")
    assert member_row(store, m.id)["tier"] == "silver"
    assert outbox_kinds(store, m.id).count("member.tier_changed") == changes_before + 1
    # Silver 5 % off 1053 元 = 52.65 元 → 1000.35 元; 4000 + 1000.35 ≥ 5000 → gold (×1.2):
    # floor(1000.35) = 1000 base + 200 extra = 1200 分.
    r = sell(store, owner, m.id, 1053 * YUAN)
    assert (r.discount_total, r.total) == (5265, 100035)
    assert (r.tier_before, r.tier_after) == ("silver", "gold")
    assert r.points_earned == 1200
    with store.read() as s:
        last = s.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.aggregate_id == m.id, OutboxEvent.kind == "member.tier_changed")
            .order_by(OutboxEvent.seq.desc())
        ).first()
        assert last is not None
        assert last.payload["change"] == {"tier_from": "silver", "tier_to": "gold", "why": "sale"}
        assert last.payload["tier"] == "gold"
    # Just under the threshold: 4000 + 999.99 元 would not have reached 5000.
    n = new_member(store, owner, "差一分")
    sell(store, owner, n.id, 4000 * YUAN)
    r = sell(store, owner, n.id, 105262)  # 5 % of 1052.62 = 52.631 → 52.63 → 999.99 元
    assert (r.total, r.tier_after) == (99999, "silver")
    assert_sound(store)


def test_birthday_on_29_february_in_a_common_year_is_celebrated_on_28_february(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    # A birthday-DAY variant of the clothing program makes the date itself visible.
    day_program = revise(preset("clothing"), {"promotions": {"birthday": {"period": "day"}}})
    use_program(store, owner, day_program)
    a = new_member(store, owner, "闰年甲", birthday=date(2000, 2, 29))
    b = new_member(store, owner, "闰年乙", birthday=date(2000, 2, 29))
    set_local(clock, 2027, 2, 28)  # 2027 is a common year
    r = sell(store, owner, a.id, 100 * YUAN)
    assert r.total == 70 * YUAN
    assert r.member is not None and "02-28" in r.member.birthday_note
    set_local(clock, 2027, 3, 1)
    assert sell(store, owner, b.id, 100 * YUAN).total == 100 * YUAN
    set_local(clock, 2028, 2, 28)  # 2028 is a leap year: the 29th is the day
    assert sell(store, owner, b.id, 100 * YUAN).total == 100 * YUAN
    set_local(clock, 2028, 2, 29)
    assert sell(store, owner, b.id, 100 * YUAN).total == 70 * YUAN


def test_lunar_birthday_uses_this_years_solar_date(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """农历 八月十五 (born 1990, solar 1990-10-03) falls on 2026-09-25 (Friday, ISO week
    39 = 21–27 Sep). The week of 3 October is NOT the birthday week this year."""
    use_program(store, owner, "clothing")
    set_local(clock, 2026, 9, 1)
    m = new_member(store, owner, "中秋", lunar_birthday=LunarDate(1990, 8, 15))
    other = new_member(store, owner, "中秋二", lunar_birthday=LunarDate(1990, 8, 15))
    set_local(clock, 2026, 9, 20)  # Sunday of week 38
    assert sell(store, owner, m.id, 100 * YUAN).total == 100 * YUAN
    set_local(clock, 2026, 9, 24)  # Thursday of week 39
    r = sell(store, owner, m.id, 100 * YUAN)
    assert r.total == 70 * YUAN
    assert r.member is not None and "09-25" in r.member.birthday_note
    set_local(clock, 2026, 10, 3)  # the solar anniversary of the birth date: nothing
    assert sell(store, owner, other.id, 100 * YUAN).total == 100 * YUAN


def test_accessories_birthday_gift_is_due_once_a_year(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """金卡 and above get a gift in their birthday month, once a year: the receipt says
    so on the first purchase of the month only."""
    use_program(store, owner, "accessories")
    m = new_member(store, owner, "金卡", tier="gold", birthday=date(1985, 3, 20))
    first = sell(store, owner, m.id, 100 * YUAN)
    assert first.birthday_gift == "生日礼物"
    second = sell(store, owner, m.id, 100 * YUAN)
    assert second.birthday_gift is None
    assert load_sale_gift(store, first.sale_id) == "生日礼物"


def load_sale_gift(store: Store, sale_id: str) -> str | None:
    with store.read() as s:
        return load_sale(s, sale_id).birthday_gift


# ------------------------------------------------------------------ lines and tenders


def test_walk_in_sale_with_quantities_and_a_no_discount_line(store: Store, owner: Actor) -> None:
    use_program(store, owner, "generic")
    cart = (line(9990, 2, "衬衫"), line(2500, 1, "香烟", no_discount=True))
    walk_in = sell(store, owner, None, *cart, tenders={"cash": 230 * YUAN})
    # 2 × 99.90 + 25.00 = 224.80 元, no discount for a walk-in; change 5.20 元.
    assert (walk_in.subtotal, walk_in.total, walk_in.change) == (22480, 22480, 520)
    assert walk_in.tenders == {"cash": 22480} and walk_in.cash_tendered == 23000
    assert walk_in.member is None and walk_in.points_earned == 0
    assert [(x.quantity, x.unit_price, x.amount) for x in walk_in.lines] == [
        (2, 9990, 19980),
        (1, 2500, 2500),
    ]
    silver = new_member(store, owner, "银卡", tier="silver")
    r = sell(store, owner, silver.id, *cart, tenders={"cash": 230 * YUAN})
    # 5 % of 199.80 = 9.99 元 off the shirts; the cigarettes are never discounted.
    assert [(x.discount, x.amount) for x in r.lines] == [(999, 18981), (0, 2500)]
    assert (r.total, r.change) == (21481, 1519)
    assert r.points_earned == 214  # floor(214.81); 不打折 lines earn in generic
    assert_sound(store)


def test_every_tender_in_one_sale_with_balances_after(
    store: Store, owner: Actor, manager: Actor
) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    adjust_points(store, manager, m.id, 1000, "老会员迁移")
    top_up(store, owner, m.id, 500 * YUAN, "cash")  # 充500送50 → 500.00 + 50.00
    req = request(
        m.id, 300 * YUAN, redeem_points=100, wallet=50 * YUAN,
        tenders={"card": 100 * YUAN, "wechat": 50 * YUAN, "alipay": 49 * YUAN, "cash": 100 * YUAN},
    )  # fmt: skip
    q = quote(store, req)
    r = checkout(store, owner, req)
    # 300 − 1 (100 分) − 50 (wallet) = 249 due in money; card 100 + wechat 50 + alipay 49
    # = 199 → 50 cash needed of the 100 handed over → 50 change.
    assert r.tenders == {
        "card": 10000, "wechat": 5000, "alipay": 4900, "cash": 5000, "wallet": 5000, "points": 100,
    }  # fmt: skip
    assert sum(r.tenders.values()) == r.total == 30000
    assert (r.cash_tendered, r.change) == (10000, 5000)
    # Everything but points earns: 299.00 元 → 299 分.
    assert r.points_earned == 299
    assert r.member is not None
    assert (r.member.points, r.member.wallet_principal, r.member.wallet_bonus) == (
        1000 - 100 + 299,
        500 * YUAN - 50 * YUAN,  # principal first
        50 * YUAN,
    )
    # The receipt balances are the stored balances, and a reprint shows the same.
    assert (r.member.points, (r.member.wallet_principal, r.member.wallet_bonus)) == (
        points_of(store, m.id),
        wallet_of(store, m.id),
    )
    with store.read() as s:
        assert load_sale(s, r.receipt_no) == r
    # quote() said the same before the sale.
    assert (q.pricing.total_fen, q.points_value, q.applied, q.change) == (
        r.total, r.points_value, r.tenders, r.change,
    )  # fmt: skip
    assert (q.earn.total_points, q.wallet_principal, q.wallet_bonus) == (
        r.points_earned, r.wallet_principal_used, r.wallet_bonus_used,
    )  # fmt: skip
    assert_sound(store)


@pytest.mark.parametrize("tender", ["cash", "card", "wechat", "alipay"])
def test_each_money_tender_alone(store: Store, owner: Actor, tender: str) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    r = sell(store, owner, m.id, 8888, tenders={tender: 8888})
    assert (r.tenders, r.change, r.points_earned) == ({tender: 8888}, 0, 88)
    assert_sound(store)


def test_quote_agrees_with_checkout_across_promotions(
    store: Store, clock: FixedClock, owner: Actor, manager: Actor
) -> None:
    use_program(store, owner, "clothing")
    set_local(clock, 2026, 3, 11)  # Wednesday, double points, birthday week of 3-12
    m = new_member(store, owner, "对账", tier="silver", birthday=date(1990, 3, 12))
    adjust_points(store, manager, m.id, 3000, "迁移")
    top_up(store, owner, m.id, 200 * YUAN, "card")
    req = request(
        m.id, line(39900, 2, "外套"), line(1500, 3, "袜子", no_discount=True),
        redeem_points=2000, wallet=100 * YUAN, tenders={"alipay": 300 * YUAN, "cash": 500 * YUAN},
    )  # fmt: skip
    q = quote(store, req)
    r = checkout(store, owner, req)
    # 2 × 399 = 798 元 at 30 % (birthday beats silver's 5 %) = 239.40 off → 558.60;
    # socks 3 × 15 = 45 元 undiscounted → total 603.60 元.
    assert (r.subtotal, r.discount_total, r.total) == (84300, 23940, 60360)
    assert r.discount_by_kind == {"birthday": 23940}
    # 2000 分 = 20 元 (cap 301.80), wallet 100, alipay 300 → 183.60 cash of 500 → 316.40 change.
    assert (r.points_value, r.change) == (2000, 31640)
    # Earning: 603.60 − 20 (points) = 583.60 → 583 base; Wednesday ×2 beats silver ×1.2
    # → 1166 分. Silver discount was not the best, the birthday use is spent.
    assert r.points_earned == 1166
    assert (q.pricing.total_fen, q.pricing.discount_fen, q.points_value, q.change) == (
        r.total, r.discount_total, r.points_value, r.change,
    )  # fmt: skip
    assert (q.applied, q.earn.total_points, q.tier_after) == (
        r.tenders, r.points_earned, r.tier_after,
    )  # fmt: skip
    assert q.earn.parts == tuple(
        type(q.earn.parts[0])(p["kind"], p["points"], p["multiplier"]) for p in r.earn_parts
    )


# ------------------------------------------------------------------ refusals change nothing


def test_refusals_leave_the_database_unchanged(store: Store, owner: Actor, manager: Actor) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    adjust_points(store, manager, m.id, 500, "迁移")
    top_up(store, owner, m.id, 100 * YUAN, "cash")
    sell(store, owner, m.id, 10 * YUAN)  # one sale already there, so counts are not all zero

    def attempt(code: str, **kw: object) -> DomainError:
        lines = kw.pop("lines", (100 * YUAN,))
        member_id = kw.pop("member_id", m.id)
        req = request(member_id, *lines, **kw)  # type: ignore[arg-type]
        return refused(store, lambda: checkout(store, owner, req), code)

    short = attempt("tender.short", tenders={"cash": 9999})
    assert "还差" in str(short) and "0.01" in str(short)
    assert "0.01" in short.message("en")
    attempt("tender.over", tenders={"card": 10001})
    attempt("tender.over", tenders={"card": 6000, "wechat": 5000})
    attempt("amount.negative", tenders={"cash": -1})
    attempt("amount.negative", redeem_points=-100, tenders={"cash": 100 * YUAN})
    attempt("amount.negative", wallet=-1, tenders={"cash": 100 * YUAN})
    attempt("sale.line_invalid", lines=(line(-1),), tenders={"cash": 100})
    attempt("sale.line_invalid", lines=(line(100, 0),), tenders={"cash": 100})
    # A line typed by hand holding what head office refuses in any text (hq/projections.py).
    bidi = attempt("text.bidi", lines=(line(100, description="可乐\u202e"),), tenders={"cash": 100})
    assert "第 1 行" in str(bidi) and "U+202E" in str(bidi)
    attempt("text.control", lines=(line(100, description="可\x1b乐"),), tenders={"cash": 100})
    attempt("sale.empty", lines=(), tenders={"cash": 100})
    attempt("redeem.balance", redeem_points=600, tenders={"cash": 100 * YUAN})
    # 100.00 元 in the wallet; 100.01 元 asked on a 200 元 sale.
    attempt("wallet.insufficient", lines=(200 * YUAN,), wallet=10001, tenders={"cash": 200 * YUAN})
    attempt("wallet.over_due", wallet=100 * YUAN + 1, tenders={})
    attempt("sale.walk_in_points", member_id=None, redeem_points=100, tenders={"cash": 100 * YUAN})
    attempt("tender.unknown", tenders={"bitcoin": 100 * YUAN})
    attempt("tender.unknown", tenders={"wallet": 100 * YUAN})
    assert_sound(store)


def test_a_quote_counts_what_it_takes_and_says_what_it_refuses(
    store: Store, owner: Actor, manager: Actor
) -> None:
    """The till shows what the amounts typed cover while one of them is refused: the points,
    the stored value and the tender refused count as none, the others still pay."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    adjust_points(store, manager, m.id, 500, "迁移")
    top_up(store, owner, m.id, 100 * YUAN, "cash")
    req = request(m.id, 200 * YUAN, redeem_points=600, wallet=100 * YUAN + 1,
                  tenders={"card": 60 * YUAN, "wechat": 150 * YUAN, "cash": 30 * YUAN})  # fmt: skip
    standing = quote_standing(store, req)
    why = {r.part: r.error for r in standing.refused}
    assert {part: e.code for part, e in why.items()} == {
        "points": "redeem.balance", "wallet": "wallet.insufficient", "wechat": "tender.over",
    }  # fmt: skip
    # WeChat is said against what the card leaves, not against the whole sale.
    assert why["wechat"].message("en") == (
        "WeChat Pay payment ¥150.00 exceeds the ¥140.00 due; only cash gives change"
    )
    c = standing.computation
    assert (c.applied, c.points_value, c.still_due) == ({"card": 6000, "cash": 3000}, 0, 11000)
    assert (standing.request.redeem_points, standing.request.wallet) == (0, 0)
    assert dict(standing.request.tenders) == {"card": 6000, "cash": 3000}
    # Put right, nothing is refused and the figures are quote's.
    fine = request(
        m.id, 200 * YUAN, redeem_points=500, wallet=50 * YUAN, tenders={"card": 60 * YUAN}
    )
    assert quote_standing(store, fine).refused == ()
    assert quote_standing(store, fine).computation == quote(store, fine)
    # A refusal of the whole sale is raised as quote raises it.
    freeze(store, owner, m.id, "欠款")
    with pytest.raises(DomainError) as frozen:
        quote_standing(store, req)
    assert frozen.value.code == "member.frozen"


@pytest.mark.parametrize(
    ("action", "code"),
    [(report_lost, "member.lost"), (freeze, "member.frozen"), (cancel, "member.cancelled")],
)
def test_a_lost_frozen_or_cancelled_member_cannot_buy(
    store: Store, owner: Actor, action, code: str
) -> None:
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    action(store, owner, m.id, "测试")
    refused(store, lambda: sell(store, owner, m.id, 100, tenders={"cash": 100}), code)
    refused(store, lambda: quote(store, request(m.id, 100)), code)
    refused(store, lambda: top_up(store, owner, m.id, 100 * YUAN, "cash"), code)


# ------------------------------------------------------------------ receipt numbers


def test_receipt_numbers_per_day_and_terminal_never_reused(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Sales count 0001, 0002 … per business day in the shop's time zone; a refused sale
    takes no number; top-ups and refunds have their own series (T…, R…), so the sales
    series has no gaps an auditor would ask about."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    set_local(clock, 2026, 3, 10, 9, 0)
    a = sell(store, owner, None, 100)
    refused(store, lambda: sell(store, owner, None, 100, tenders={"cash": 1}), "tender.short")
    t = top_up(store, owner, m.id, 100 * YUAN, "cash")
    b = sell(store, owner, m.id, 100)
    set_local(clock, 2026, 3, 10, 23, 59)
    c = sell(store, owner, None, 100)
    set_local(clock, 2026, 3, 11, 0, 1)  # 16:01 UTC the day before, but a new local day
    d = sell(store, owner, None, 100)
    assert [a.receipt_no, b.receipt_no, c.receipt_no, d.receipt_no] == [
        "S001-01-260310-0001",
        "S001-01-260310-0002",
        "S001-01-260310-0003",
        "S001-01-260311-0001",
    ]
    assert t.receipt_no == "S001-01-260310-T0001"
    assert (c.business_date, d.business_date) == (date(2026, 3, 10), date(2026, 3, 11))
    assert d.local_time.strftime("%H:%M") == "00:01"
    assert_sound(store)


def test_first_month_is_counted_in_the_shops_time_zone(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """A shop in Ürümqi (UTC+6). Joined 2026-03-10 23:30 local (2026-03-11 01:30 in
    Shanghai): day 1 is 10 March, day 31 is 9 April, too late — in the quote AND in the
    sale (both must read the joining day in the shop's zone, not Shanghai's)."""
    configure_shop(store, timezone="Asia/Urumqi")
    use_program(store, owner, "clothing")
    clock.at = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    m = new_member(store, owner)
    assert sell(store, owner, m.id, 1500 * YUAN).points_earned == 1500
    clock.at = datetime(2026, 4, 9, 4, 0, tzinfo=UTC)  # 9 April 10:00 in Ürümqi, a Thursday
    req = request(m.id, 500 * YUAN, tenders={"cash": 500 * YUAN})
    assert quote(store, req).earn.first_month_bonus == 0
    r = checkout(store, owner, req)
    assert (r.business_date, r.points_earned) == (date(2026, 4, 9), 500)


# ------------------------------------------------------------------ the member's row


def test_a_sale_writes_exactly_the_members_changes(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """The member is read and written with plain statements: every total the sale moves
    (and the tier with its version and time) reaches the row, nothing else changes, and
    the next operation (a refund) works from the new balances."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    top_up(store, owner, m.id, 1000 * YUAN, "cash")
    before = member_row(store, m.id)
    set_local(clock, 2026, 3, 10, 15, 30)
    r = sell(store, owner, m.id, 4000 * YUAN, wallet=1000 * YUAN)  # crosses 3000 元: silver
    after = member_row(store, m.id)
    assert r.member is not None and r.tier_after == "silver"
    now = clock.now().astimezone(UTC).replace(tzinfo=None)
    assert r.wallet_principal_used == 1000 * YUAN and r.wallet_bonus_used == 0
    assert after == {
        **before,
        "points": before["points"] + r.points_earned,
        "wallet_principal": before["wallet_principal"] - 1000 * YUAN,
        "lifetime_spend": 4000 * YUAN,
        "visit_count": 1,
        "last_visit_at": now,
        "tier": "silver",
        "version": before["version"] + 1,
        "updated_at": now,
    }
    assert (r.member.points, r.member.wallet_principal, r.member.wallet_bonus) == (
        after["points"], after["wallet_principal"], after["wallet_bonus"]
    )  # fmt: skip
    back = refund(store, owner, r.sale_id)
    assert (back.points_after, back.wallet_principal_after, back.wallet_bonus_after) == (
        before["points"], before["wallet_principal"], before["wallet_bonus"]
    )  # fmt: skip
    assert member_row(store, m.id)["lifetime_spend"] == 0
    assert_sound(store)


def test_a_sale_in_a_transaction_that_holds_the_member(store: Store, owner: Actor) -> None:
    """The demo and benchmark builders ring up top-ups and sales in one transaction, with
    the member loaded as an ORM object and autoflush off: the sale sees the top-up that
    is not flushed yet, and the object the session holds sees the sale."""
    use_program(store, owner, "generic")
    m = new_member(store, owner)
    with store.write() as uow:
        held = uow.session.get(Member, m.id)
        assert held is not None
        with uow.session.no_autoflush:
            top_up_in(uow, owner, m.id, 100 * YUAN, "cash")
            req = request(m.id, 150 * YUAN, wallet=100 * YUAN, tenders={"wechat": 50 * YUAN})
            r = checkout_in(uow, owner, req)
        assert r.member is not None
        assert (held.points, held.wallet_principal, held.wallet_bonus, held.visit_count) == (
            r.member.points, r.member.wallet_principal, r.member.wallet_bonus, 1
        )  # fmt: skip
    row = member_row(store, m.id)
    assert (row["points"], row["wallet_principal"], row["visit_count"]) == (r.member.points, 0, 1)
    assert_sound(store)
