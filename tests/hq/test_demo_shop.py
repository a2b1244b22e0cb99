"""A real shop's whole history, pushed by the real pusher: HQ rejects none of it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from memberdesk.core.demo.builder import build_demo
from memberdesk.core.store.models import OutboxEvent
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.sync.pusher import Pusher, RetryPolicy
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.hq.models import events, parked_refunds, refunds, sales
from memberdesk.hq.problems import find_problems

from ..sync.support import assert_in_sync


def test_a_demo_shop_is_accepted_whole(hq, term, store):
    made = build_demo(store, members=60, years=1.0)
    assert made.sales > 50 and made.refunds > 0 and made.topups > 0
    configure_sync(store, hq.base_url, term.id)
    pusher = Pusher(
        store, HttpTransport(hq.base_url, term.token, timeout=20),
        retry=RetryPolicy(base=0.01, cap=0.1, max_attempts=3), reconcile_daily=False,
    )  # fmt: skip
    try:
        report = pusher.drain_once()
    finally:
        pusher.close()
    assert report.ok and report.rejected == 0, report
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).where(events.c.status == "rejected")) == 0
        assert conn.scalar(select(func.count()).select_from(sales)) == made.sales
        assert conn.scalar(select(func.count()).select_from(refunds)) == made.refunds
        assert conn.scalar(select(func.count()).select_from(parked_refunds)) == 0
    assert_in_sync(store, hq.engine, term.id)


def test_a_demo_tills_sales_run_in_time_order(hq, term, store):
    """A demo of a few busy days: its last day's shift is written after the rest, and its
    sales still come after every sale before them, as a real till's do. An operator trying
    HQ with a demo till sees no "the till's clock went back" in `problems`."""
    made = build_demo(store, members=40, years=0.02)
    with store.read() as s:
        times = s.scalars(
            select(OutboxEvent.created_at).where(OutboxEvent.kind == "sale.completed")
            .order_by(OutboxEvent.seq)
        ).all()  # fmt: skip
    assert len(times) == made.sales > 20
    assert times == sorted(times)
    configure_sync(store, hq.base_url, term.id)
    pusher = Pusher(store, HttpTransport(hq.base_url, term.token, timeout=20),
                    retry=RetryPolicy(base=0.01, cap=0.1, max_attempts=3), reconcile_daily=False)  # fmt: skip
    try:
        assert pusher.drain_once().ok
    finally:
        pusher.close()
    with hq.engine.connect() as conn:
        assert find_problems(conn, datetime.now(UTC)).clock == []
