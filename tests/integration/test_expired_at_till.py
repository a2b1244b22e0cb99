"""Points that expired while the till stayed open are not spent: the daily job clears them
when the till starts, but a supermarket till left running over New Year (yearly clearing
on 1 January) sells on 2 January before any job has run. The sale sees the points as gone,
clears them itself, and the job later finds nothing left to clear."""

from __future__ import annotations

from sqlalchemy import event

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import run_daily_jobs
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.printing.escpos_out import preview_text, render
from memberdesk.core.printing.layout import Paper, sale_receipt
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import quote
from memberdesk.core.till.receipts import SaleResult
from memberdesk.core.till.refunds import EXPIRED_NOTE, refund

from .loyalty_helpers import (
    YUAN,
    assert_sound,
    new_member,
    points_entries,
    points_of,
    refused,
    request,
    sell,
    set_local,
    use_program,
)


def test_points_cleared_on_new_year_cannot_pay_before_the_job_runs(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    use_program(store, owner, "supermarket")  # 1 January: points earned before it expire
    set_local(clock, 2026, 6, 1)
    m = new_member(store, owner)
    sell(store, owner, m.id, 500 * YUAN)
    assert points_of(store, m.id) == 500
    # 23:30 on New Year's Eve in Shanghai (15:30 UTC): still 2026, the points still count.
    set_local(clock, 2026, 12, 31, 23, 30)
    assert quote(store, request(m.id, 100 * YUAN)).limits.max_points == 500
    # 2 January 2027, the till never restarted: the points have expired.
    set_local(clock, 2027, 1, 2)
    limits = quote(store, request(m.id, 100 * YUAN)).limits
    assert (limits.max_points, limits.blocked) == (0, "balance")
    err = refused(store, lambda: sell(store, owner, m.id, 100 * YUAN, redeem_points=500),
                  "redeem.balance")  # fmt: skip
    assert "0" in str(err) and "500" in str(err)
    # A sale without points clears them, and its receipt shows only what it earned.
    r = sell(store, owner, m.id, 80 * YUAN)
    assert r.member is not None and r.member.points == 80
    assert points_entries(store, m.id, "expire") == [-500]
    # Exactly once: the job that runs later finds nothing more.
    report = run_daily_jobs(store)
    assert (report.expired_members, report.expired_points) == (0, 0)
    assert points_of(store, m.id) == 80
    assert_sound(store)


def test_once_the_job_has_cleared_to_the_cutoff_a_quote_does_not_replay_the_ledger(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """A regular's hundreds of ledger entries are replayed at a quote only while the daily
    job has not cleared to the current cutoff."""
    use_program(store, owner, "supermarket")
    set_local(clock, 2026, 6, 1)
    m = new_member(store, owner)
    for _ in range(3):
        sell(store, owner, m.id, 100 * YUAN)
    set_local(clock, 2027, 1, 2)
    store.engine.dispose()
    ran: list[str] = []

    @event.listens_for(store.engine, "connect")
    def trace(dbapi, _record) -> None:
        dbapi.set_trace_callback(ran.append)

    def replays() -> int:
        ran.clear()
        quote(store, request(m.id, 100 * YUAN))
        return sum("FROM points_ledger WHERE member_id" in s and "ORDER BY rowid" in s for s in ran)

    sell(store, owner, m.id, 100 * YUAN)  # clears 2026's 300, earns 100 of 2027
    assert points_of(store, m.id) == 100
    assert replays() == 1  # the job has not run since New Year: the quote looks
    report = run_daily_jobs(store)
    assert (report.expired_members, report.expired_points) == (0, 0)
    assert replays() == 0  # cleared to 1 January: nothing left to look for
    assert points_of(store, m.id) == 100
    assert_sound(store)


def _receipt_text(result: SaleResult) -> str:
    return preview_text(render(sale_receipt(result, Paper(32)), codes="none"))


def test_points_kept_to_31_december_of_the_next_year(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """积分有效期至获得积分次年的12月31日: cleared on 1 January, kept one more year. Points
    earned on 10 March 2026 still pay on 31 December 2027 and are gone on 1 January 2028;
    points earned on 31 December 2027 last to 31 December 2028."""
    use_program(store, owner, revise(preset("supermarket"), {"expiry": {"keep_years": 1}}))
    set_local(clock, 2026, 3, 10)
    spender, keeper = new_member(store, owner, "李四"), new_member(store, owner, "王五")
    sell(store, owner, spender.id, 500 * YUAN)
    sell(store, owner, keeper.id, 500 * YUAN)

    # New Year's Eve 2027, late: the daily job finds nothing due, 2026's points still pay.
    set_local(clock, 2027, 12, 31, 23, 30)
    report = run_daily_jobs(store)
    assert (report.expired_members, report.expired_points) == (0, 0)
    assert quote(store, request(spender.id, 1000 * YUAN)).limits.max_points == 500
    r = sell(store, owner, spender.id, 1000 * YUAN, redeem_points=500)
    assert (r.points_redeemed, r.points_earned) == (500, 995)  # 5 元 paid with points
    assert r.member is not None and r.member.points == 995
    printed = _receipt_text(r)
    assert "积分抵扣（500 分）" in printed and "积分余额" in printed and "995" in printed
    assert points_of(store, keeper.id) == 500

    # 1 January 2028, the till never restarted: 2026's points are gone, at the till first.
    set_local(clock, 2028, 1, 1, 0, 30)
    limits = quote(store, request(keeper.id, 1000 * YUAN)).limits
    assert (limits.max_points, limits.blocked) == (0, "balance")
    refused(store, lambda: sell(store, owner, keeper.id, 1000 * YUAN, redeem_points=500),
            "redeem.balance")  # fmt: skip
    report = run_daily_jobs(store)
    assert (report.expired_members, report.expired_points) == (1, 500)
    assert points_of(store, keeper.id) == 0
    # What was earned on 31 December 2027 is 2027's: kept through 2028.
    assert quote(store, request(spender.id, 1000 * YUAN)).limits.max_points == 900
    assert points_of(store, spender.id) == 995

    set_local(clock, 2028, 12, 31, 23, 30)
    report = run_daily_jobs(store)
    assert (report.expired_members, report.expired_points) == (0, 0)
    r = sell(store, owner, spender.id, 200 * YUAN, redeem_points=100)
    assert r.member is not None and r.member.points == 995 - 100 + 199
    set_local(clock, 2029, 1, 1, 9)
    report = run_daily_jobs(store)
    assert (report.expired_members, report.expired_points) == (1, 895)  # 2028's 199 stay
    assert points_of(store, spender.id) == 199
    assert points_entries(store, spender.id, "expire") == [-895]
    assert_sound(store)


def test_a_refund_takes_back_points_still_kept_in_the_next_year(
    store: Store, clock: FixedClock, owner: Actor
) -> None:
    """Kept to 31 December of the next year: a sale of March 2026 refunded in June 2027
    takes its points back (they are still the member's); refunded in January 2028 it takes
    nothing (they have expired) and says so."""
    use_program(store, owner, revise(preset("supermarket"), {"expiry": {"keep_years": 1}}))
    set_local(clock, 2026, 3, 10)
    m = new_member(store, owner)
    kept, gone = sell(store, owner, m.id, 300 * YUAN), sell(store, owner, m.id, 200 * YUAN)
    set_local(clock, 2027, 6, 1)
    assert refund(store, owner, kept.receipt_no, reason="退货").points_reversed == 300
    assert points_of(store, m.id) == 200
    set_local(clock, 2028, 1, 2)
    late = refund(store, owner, gone.receipt_no, reason="退货")
    assert (late.points_reversed, late.policy_note) == (0, EXPIRED_NOTE)
    assert run_daily_jobs(store).expired_points == 200  # expired, not taken back twice
    assert points_of(store, m.id) == 0
    assert_sound(store)
