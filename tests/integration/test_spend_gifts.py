"""Gifts for spend (购物满额赠礼): a sale of 1000 元 or more earns an umbrella, and a member
whose spend in a calendar month first reaches 3000 元 earns a scarf, once that month; each
gift is counted out of the catalogue's stock, named on the receipt and on the hand-over
slip, and a gift whose stock has run out is said to be so."""

from __future__ import annotations

from memberdesk.core.clock import FixedClock
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.printing.layout import Paper, sale_receipt
from memberdesk.core.printing.slips import gift_slip
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import GiftStock
from memberdesk.core.till.gifts import gift_offers

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
