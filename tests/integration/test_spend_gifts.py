"""Gifts for spend (购物满额赠礼): a sale of 1000 元 or more earns an umbrella, and a member
whose spend in a calendar month first reaches 3000 元 earns a scarf, once that month; each
gift is counted out of the catalogue's stock, named on the receipt and on the hand-over
slip, and a gift whose stock has run out is said to be so."""

from __future__ import annotations

from datetime import datetime

from memberdesk.core.clock import FixedClock
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.printing.layout import Paper, sale_receipt
from memberdesk.core.printing.slips import SlipContext, gift_slip, refund_slip
from memberdesk.core.shop.details import get_shop
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import GiftStock
from memberdesk.core.till.gifts import gift_offers
from memberdesk.core.till.refunds import refund

from .loyalty_helpers import YUAN, assert_sound, new_member, sell, set_local, use_program

PROGRAM = revise(preset("generic"), {
    "redeem": {"gifts": [{"code": "UMB", "name": "雨伞", "points": 5000, "stock": 2},
                         {"code": "SCF", "name": "围巾", "points": 8000}]},
    "spend_gifts": [{"gift_code": "UMB", "threshold_fen": 1000 * YUAN, "period": "sale"},
                    {"gift_code": "SCF", "threshold_fen": 3000 * YUAN, "period": "month"}],
})  # fmt: skip


def names(result) -> list[tuple[str, bool]]:
    return [(g["name"], g["out_of_stock"]) for g in result.spend_gifts]


def test_a_sale_over_the_threshold_earns_a_gift_while_stock_lasts(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, PROGRAM)
    set_local(clock, 2026, 3, 10)
    assert names(sell(store, owner, None, 999 * YUAN + 99)) == []
    walk_in = sell(store, owner, None, 1000 * YUAN)  # a walk-in earns a sale's gift too
    assert names(walk_in) == [("雨伞", False)]
    paper = Paper(32)
    assert "雨伞" in sale_receipt(walk_in, paper).text
    slip = gift_slip(walk_in, paper)
    assert slip.kind == "gift" and "雨伞" in slip.text
    m = new_member(store, owner)
    assert names(sell(store, owner, m.id, 1200 * YUAN)) == [("雨伞", False)]
    out = sell(store, owner, m.id, 1500 * YUAN)
    assert names(out) == [("雨伞", True)]  # none left: the receipt says so, no slip
    assert "雨伞" in sale_receipt(out, paper).text and out.gifts_to_hand_over == ()
    with store.read() as s:
        assert s.get(GiftStock, "UMB").remaining == 0
    assert next(o for o in gift_offers(store, m.id) if o.code == "UMB").stock_left == 0
    assert_sound(store)


def test_a_months_spend_crossing_the_threshold_earns_its_gift_once(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, PROGRAM)
    m = new_member(store, owner)
    set_local(clock, 2026, 3, 2)
    assert names(sell(store, owner, m.id, 2000 * YUAN)) == [("雨伞", False)]
    set_local(clock, 2026, 3, 20)
    assert names(sell(store, owner, m.id, 900 * YUAN)) == []  # 2900 元 this month
    crossing = sell(store, owner, m.id, 200 * YUAN)  # 3100 元: crosses 3000
    assert names(crossing) == [("围巾", False)]
    assert "围巾" in gift_slip(crossing, Paper(48)).text
    assert names(sell(store, owner, m.id, 500 * YUAN)) == []  # once a month
    set_local(clock, 2026, 4, 1)  # a silver member now: 5 % off, 3300 元 → 3135 元
    april = sell(store, owner, m.id, 3300 * YUAN)
    assert april.total == 3135 * YUAN
    assert names(april) == [("雨伞", False), ("围巾", False)]  # April's scarf
    assert names(sell(store, owner, None, 5000 * YUAN)) == [("雨伞", True)]  # walk-in: no month
    assert_sound(store)


def test_a_refund_takes_back_a_gift_the_goods_kept_no_longer_earn(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, PROGRAM)
    set_local(clock, 2026, 3, 10)
    sale = sell(store, owner, None, 700 * YUAN, 500 * YUAN)  # 1200 元: an umbrella
    assert names(sale) == [("雨伞", False)]
    kept = refund(store, owner, sale.sale_id, {2: 1})  # 700 元 kept: below 1000 元
    assert kept.gifts_back == ("雨伞",)
    assert (
        "雨伞"
        in refund_slip(
            kept, SlipContext(get_shop(store), datetime(2026, 3, 10, 10), "店主"), Paper(32)
        ).text
    )
    with store.read() as s:
        assert s.get(GiftStock, "UMB").remaining == 2  # back on the shelf
    assert refund(store, owner, sale.sale_id).gifts_back == ()  # taken back once only
    big = sell(store, owner, None, 1100 * YUAN, 400 * YUAN)  # 1500 元: an umbrella
    assert refund(store, owner, big.sale_id, {2: 1}).gifts_back == ()  # 1100 元 kept earn it

    m = new_member(store, owner)
    for _ in range(3):
        sell(store, owner, m.id, 900 * YUAN)
    crossing = sell(store, owner, m.id, 400 * YUAN)  # 3100 元 this month: the scarf
    assert names(crossing) == [("围巾", False)]
    assert refund(store, owner, crossing.sale_id).gifts_back == ("围巾",)  # 2700 元 left
    with store.read() as s:
        assert s.get(GiftStock, "SCF") is None  # not counted: nothing to put back
    again = sell(store, owner, m.id, 400 * YUAN)  # over 3000 元 again: the scarf is earned again
    assert names(again) == [("围巾", False)]
    assert_sound(store)
