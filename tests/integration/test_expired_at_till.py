"""Points that expired while the till stayed open are not spent: the daily job clears them
when the till starts, but a supermarket till left running over New Year (yearly clearing
on 1 January) sells on 2 January before any job has run. The sale sees the points as gone,
clears them itself, and the job later finds nothing left to clear."""

from __future__ import annotations

from sqlalchemy import event

from memberdesk.core.clock import FixedClock
from memberdesk.core.daily.jobs import run_daily_jobs
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import quote

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
