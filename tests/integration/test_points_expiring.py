"""The member is told how many of their points expire next, and when: on the receipt of a
sale (120 分将于 2026-12-31 到期, after the balances) and on the till's member panel. The
figure is the one after the sale, it is what the expiry job clears on the day if nothing
is spent, and a reprint prints it as the first print did."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import expire_points
from memberdesk.core.loyalty.expiry import ExpiringPoints
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.members.member import get_member
from memberdesk.core.printing.documents import load_slip
from memberdesk.core.printing.escpos_out import preview_text, render
from memberdesk.core.printing.layout import Paper, Slip, sale_receipt
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.history import member_facts
from memberdesk.core.till.receipts import SaleResult

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    new_member,
    points_of,
    sell,
    set_local,
    use_program,
)


def _text(slip: Slip) -> str:
    return preview_text(render(slip, codes="none"))


def _receipt(result: SaleResult) -> str:
    return _text(sale_receipt(result, Paper(32)))


def _expiry_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if "到期" in ln]


def _facts(store: Store, member_id: str) -> ExpiringPoints | None:
    return member_facts(store, get_member(store, member_id)).expiring


def test_yearly_clearing_receipt_says_what_expires_on_31_december(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Cleared on 1 January: on 20 December 2026 the receipt says how many points can be
    used until 31 December (the programme's own words: 可用到 12/31); redeeming points in
    the sale lowers the figure; the job on 1 January clears exactly that; a reprint says
    the same; the points earned in 2027 are next year's figure."""
    use_program(store, owner, "supermarket")  # 1 January, points of the year before
    set_local(clock, 2026, 3, 10)
    m = new_member(store, owner)
    sell(store, owner, m.id, 500 * YUAN)
    set_local(clock, 2026, 6, 1)
    quiet = sell(store, owner, m.id, 300 * YUAN)
    assert _expiry_lines(_receipt(quiet)) == []  # 1 January is more than 90 days away
    assert _facts(store, m.id) is None

    set_local(clock, 2026, 12, 20)
    r = sell(store, owner, m.id, 200 * YUAN)  # its own 200 points expire with the rest
    assert r.member is not None and r.member.points == 1000
    assert _expiry_lines(_receipt(r)) == ["1000 分将于 2026-12-31 到期"]
    printed = _receipt(r)
    assert printed.index("储值赠送") < printed.index("1000 分将于 2026-12-31 到期")

    # Paying 3 元 with 300 points: the oldest are used, 1000 - 300 + 97 remain, all of 2026.
    paid = sell(store, owner, m.id, 100 * YUAN, redeem_points=300)
    assert paid.member is not None and paid.member.points == 797
    assert _expiry_lines(_receipt(paid)) == ["797 分将于 2026-12-31 到期"]
    assert _facts(store, m.id) == ExpiringPoints(797, date(2026, 12, 31))

    # A reprint, weeks later and after the points have gone, prints the same line.
    set_local(clock, 2027, 1, 1, 9)
    assert expire_points(store, date(2027, 1, 1)) == (1, 797)  # exactly what it said
    assert points_of(store, m.id) == 0
    with store.read() as s:
        again = load_slip(s, "sale", paid.receipt_no, Paper(32), now=clock.at, reprint=1)
    assert _expiry_lines(_text(again)) == ["797 分将于 2026-12-31 到期"]
    assert "重印" in _text(again)

    # Points earned in 2027 expire on 31 December 2027: told from October on.
    set_local(clock, 2027, 3, 1)
    early = sell(store, owner, m.id, 400 * YUAN)
    assert _expiry_lines(_receipt(early)) == []
    set_local(clock, 2027, 10, 8)
    assert _facts(store, m.id) == ExpiringPoints(400, date(2027, 12, 31))
    assert_sound(store)


def test_kept_to_the_next_year_tells_only_the_points_of_the_year_before(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Kept to 31 December of the next year: in December 2027, 2026's points expire on 31
    December 2027, 2027's stay until 2028 and are not counted."""
    use_program(store, owner, revise(preset("supermarket"), {"expiry": {"keep_years": 1}}))
    set_local(clock, 2026, 5, 1)
    m = new_member(store, owner)
    sell(store, owner, m.id, 300 * YUAN)
    set_local(clock, 2027, 2, 1)
    sell(store, owner, m.id, 200 * YUAN)
    set_local(clock, 2027, 12, 1)
    r = sell(store, owner, m.id, 100 * YUAN, redeem_points=100)  # 100 of 2026's used
    assert r.member is not None and r.member.points == 300 - 100 + 200 + 99
    assert _expiry_lines(_receipt(r)) == ["200 分将于 2027-12-31 到期"]
    set_local(clock, 2028, 1, 1, 9)
    assert expire_points(store, date(2028, 1, 1)) == (1, 200)
    assert points_of(store, m.id) == 299


def test_months_after_earning_tells_the_next_lot_to_expire(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Twelve months after earning: the points of the oldest earning day still held, usable
    to the day before their anniversary."""
    program = revise(preset("supermarket"), {"expiry": {"mode": "months_after_earn", "months": 12}})
    use_program(store, owner, program)
    set_local(clock, 2026, 1, 15)
    m = new_member(store, owner)
    sell(store, owner, m.id, 100 * YUAN)
    set_local(clock, 2026, 2, 20)
    sell(store, owner, m.id, 50 * YUAN)
    set_local(clock, 2026, 12, 1)
    r = sell(store, owner, m.id, 30 * YUAN)
    assert _expiry_lines(_receipt(r)) == ["100 分将于 2027-01-14 到期"]
    assert _facts(store, m.id) == ExpiringPoints(100, date(2027, 1, 14))
    r = sell(store, owner, m.id, 30 * YUAN, redeem_points=100)  # the oldest lot used up
    assert _expiry_lines(_receipt(r)) == ["50 分将于 2027-02-19 到期"]
    set_local(clock, 2027, 2, 20, 9)
    assert expire_points(store, date(2027, 2, 20)) == (1, 50)


def test_points_that_never_expire_print_nothing(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, revise(preset("supermarket"), {"expiry": {"mode": "never"}}))
    set_local(clock, 2026, 12, 20)
    m = new_member(store, owner)
    r = sell(store, owner, m.id, 500 * YUAN)
    assert r.member is not None and r.member.points == 500
    assert _expiry_lines(_receipt(r)) == []
    assert _facts(store, m.id) is None


def test_a_regulars_sale_replays_no_ledger_when_nothing_can_expire_soon(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Last year's points cleared by the job, this year's far from their date: a sale in
    June tells nothing and reads no ledger to find that out."""
    use_program(store, owner, "supermarket")
    set_local(clock, 2026, 6, 1)
    m = new_member(store, owner)
    for _ in range(3):
        sell(store, owner, m.id, 100 * YUAN)
    set_local(clock, 2027, 1, 1, 9)
    assert expire_points(store, date(2027, 1, 1)) == (1, 300)
    set_local(clock, 2027, 6, 1)
    sell(store, owner, m.id, 100 * YUAN)
    store.engine.dispose()
    ran: list[str] = []

    @event.listens_for(store.engine, "connect")
    def trace(dbapi, _record) -> None:
        dbapi.set_trace_callback(ran.append)

    r = sell(store, owner, m.id, 100 * YUAN)
    assert _expiry_lines(_receipt(r)) == []
    assert _facts(store, m.id) is None
    assert not [s for s in ran if "FROM points_ledger WHERE member_id" in s and "rowid" in s]
    set_local(clock, 2027, 10, 8)  # within the quarter before 1 January: told
    assert _facts(store, m.id) == ExpiringPoints(200, date(2027, 12, 31))
