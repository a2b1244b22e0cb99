"""Points that expired while the till stayed open are not spent: the daily job clears them
when the till starts, but a supermarket till left running over New Year (yearly clearing
on 1 January) sells on 2 January before any job has run. The sale sees the points as gone,
clears them itself, and the job later finds nothing left to clear."""

from __future__ import annotations

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
