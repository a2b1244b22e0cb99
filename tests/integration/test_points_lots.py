"""Points expire by the day they were earned (lots), whatever refunds happen meanwhile:
only redemptions and expiries use up the oldest points, a refund takes back exactly the
points its sale earned, and redeemed points a refund hands back keep their earning
dates (accessories preset: a lot expires 24 months after it was earned)."""

from __future__ import annotations

from datetime import date

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import expire_points
from memberdesk.core.loyalty.lots import Entry, replay
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.refunds import refund

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    new_member,
    points_entries,
    points_of,
    sell,
    set_local,
    use_program,
)


def test_refunding_a_newer_sale_leaves_the_old_lot_to_expire(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """100 points earned on 2024-01-10; a newer sale's 200 points are refunded: the refund
    takes back those 200, not the oldest 100, which expire at the start of 2026-01-10."""
    use_program(store, owner, "accessories")
    set_local(clock, 2024, 1, 10)
    m = new_member(store, owner)
    sell(store, owner, m.id, 100 * YUAN)
    set_local(clock, 2025, 6, 1)
    newer = sell(store, owner, m.id, 200 * YUAN)
    set_local(clock, 2025, 6, 5)
    refund(store, owner, newer.receipt_no, reason="退货")
    assert points_of(store, m.id) == 100

    set_local(clock, 2026, 1, 9, 23, 59)
    assert expire_points(store) == (0, 0)
    set_local(clock, 2026, 1, 10, 0, 0)
    assert expire_points(store) == (1, 100)
    assert points_of(store, m.id) == 0
    set_local(clock, 2027, 1, 10)
    assert expire_points(store) == (0, 0)
    assert points_entries(store, m.id, "expire") == [-100]
    assert_sound(store)


def test_points_a_refund_hands_back_keep_their_earning_date(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """500 points earned 2024-01-10 are redeemed on a sale in March 2024; that sale is
    refunded in December 2025: the 500 come back dated 2024-01-10 and expire on
    2026-01-10, not two years after the refund."""
    use_program(store, owner, "accessories")
    set_local(clock, 2024, 1, 10)
    m = new_member(store, owner)
    sell(store, owner, m.id, 500 * YUAN)  # 500 points, lot 2024-01-10
    set_local(clock, 2024, 3, 1)
    paid_with_points = sell(store, owner, m.id, 100 * YUAN, redeem_points=500)  # 50 元 off
    set_local(clock, 2024, 3, 2)
    sell(store, owner, m.id, 300 * YUAN)  # 300 points, lot 2024-03-02
    set_local(clock, 2025, 12, 1)
    back = refund(store, owner, paid_with_points.receipt_no, reason="退货")
    assert (back.points_returned, back.points_reversed) == (500, 50)  # it earned 50 itself
    assert points_of(store, m.id) == 300 + 500

    set_local(clock, 2026, 1, 10, 0, 0)
    assert expire_points(store) == (1, 500)  # the returned lot, on its own date
    set_local(clock, 2026, 3, 2, 0, 0)
    assert expire_points(store) == (1, 300)
    assert points_of(store, m.id) == 0
    assert_sound(store)


def test_a_part_refund_takes_back_only_its_own_sales_points(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Half of a newer sale returned: 50 of its 100 points go; the old lot is whole."""
    use_program(store, owner, "accessories")
    set_local(clock, 2024, 1, 10)
    m = new_member(store, owner)
    sell(store, owner, m.id, 100 * YUAN)
    set_local(clock, 2025, 2, 1)
    newer = sell(store, owner, m.id, 50 * YUAN, 50 * YUAN)
    refund(store, owner, newer.receipt_no, {2: 1}, reason="退货")
    set_local(clock, 2026, 1, 10, 0, 0)
    assert expire_points(store) == (1, 100)
    set_local(clock, 2027, 2, 1, 0, 0)
    assert expire_points(store) == (1, 50)
    assert_sound(store)


def test_lots_replayed_by_hand() -> None:
    """The replay itself: FIFO consumption, a refund reversing its own sale's lot, a part
    return given back last-taken first, and a debt repaid by the next points."""
    d = date
    entries = [
        Entry("earn", 100, d(2024, 1, 10), "A"),
        Entry("earn", 200, d(2024, 5, 1), "B"),
        Entry("redeem", -150, d(2024, 6, 1), "C"),  # 100 of 01-10, 50 of 05-01
        Entry("refund_return", 60, d(2024, 7, 1), "C", "r1"),  # 50 of 05-01, 10 of 01-10
        Entry("refund_reverse", -200, d(2024, 7, 2), "B", "r2"),  # B's 150 and its 50 back
    ]
    lots = replay(entries)
    assert [(lot.earned_on, lot.left) for lot in lots.lots] == [(d(2024, 1, 10), 10)]
    assert lots.due_before(d(2024, 1, 11)) == 10 and lots.balance == 10
    lots.apply(Entry("adjust", -30, d(2024, 8, 1)))
    assert lots.debt == 20 and lots.balance == -20
    lots.apply(Entry("earn", 50, d(2024, 9, 1), "D"))
    assert lots.debt == 0 and [(x.earned_on, x.left) for x in lots.lots] == [(d(2024, 9, 1), 30)]
