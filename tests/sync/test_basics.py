"""A clean drain end to end, and what the window polls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.loyalty.program_store import save_program
from memberdesk.core.sync.status import sync_problems, sync_status
from memberdesk.hq.models import events as hq_events
from memberdesk.hq.models import sales

from .support import assert_in_sync, outbox_states, provision


def test_clean_drain_sends_everything_once(store, shop, hq, terminal, link):
    shop.busy(12)
    before = sync_status(store)
    assert before.pending > 0 and before.online is None and before.configured
    report = link.pusher(max_events=7).drain_once()
    assert report.ok, report
    assert report.batches >= 2 and report.acked == before.pending
    assert_in_sync(store, hq.engine, terminal.id)
    after = sync_status(store)
    assert (after.pending, after.inflight, after.rejected) == (0, 0, 0)
    assert after.online is True and after.last_success_at is not None and after.last_error is None
    assert sync_problems(store) == []
    # A second drain finds nothing and changes nothing.
    again = link.pusher().drain_once()
    assert again.ok and again.batches == 0
    assert outbox_states(store) == {"acked": before.pending}


def test_hq_takes_a_programme_with_its_stored_value_limit(store, owner, hq, terminal, link):
    """A programme revision carries the limit on a member's stored principal (储值上限);
    HQ keeps it as sent, refusing nothing."""
    limited = revise(preset("generic"), {"wallet": {"principal_limit_fen": 300_000}})
    version = save_program(store, owner, limited).version
    report = link.pusher().drain_once()
    assert report.ok, report
    assert_in_sync(store, hq.engine, terminal.id)
    with hq.engine.connect() as conn:
        kept = {
            p["version"]: p["settings"]["wallet"]["principal_limit_fen"]
            for (p,) in conn.execute(
                select(hq_events.c.payload).where(
                    hq_events.c.kind == "program.saved", hq_events.c.status == "accepted"
                )
            )
        }
    assert kept[version] == 300_000


def test_retry_delays_grow_with_full_jitter():
    import random

    from memberdesk.core.sync.pusher import RetryPolicy

    policy = RetryPolicy(base=0.5, cap=8.0)
    rng = random.Random(1)
    for attempt in range(8):
        ceiling = min(8.0, 0.5 * 2**attempt)
        delays = [policy.delay(attempt, rng) for _ in range(50)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # spread over the whole range, not a fixed step


def test_a_worker_drain_holds_no_lock_while_the_network_is_slow(
    store, shop, hq, terminal, proxy, link, db_path
):
    """The till sells while a worker thread's batch is on the wire."""
    import threading

    from memberdesk.core.store.database import Store
    from memberdesk.core.sync.pusher import Pusher
    from memberdesk.core.sync.transport import HttpTransport

    from .fault_proxy import Fault

    shop.busy(4)
    held = proxy.add(Fault("hold", delay=20))
    reports = []

    def worker() -> None:
        with Store(db_path) as own:  # the worker's own Store and sessions
            pusher = Pusher(
                own, HttpTransport(proxy.url, terminal.token, timeout=30), reconcile_daily=False
            )
            reports.append(pusher.drain_once())
            pusher.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert held.arrived.wait(20), "the worker never sent"
        before = sync_status(store)
        assert before.inflight > 0  # claimed and committed before sending
        shop.busy(3)  # a write transaction while the batch is on the wire
        assert sync_status(store).pending > 0
    finally:
        held.release.set()
        thread.join(30)
    assert reports and reports[0].error is None
    assert link.pusher().drain_once().ok
    assert_in_sync(store, hq.engine, terminal.id)


def test_a_shop_that_sold_on_its_own_joins_the_chain_as_another_store_and_loses_nothing(
    store, shop, hq, proxy, link_factory
):
    """The till sold as S001 (the code a shop has on its own), then HQ added it as store
    S002: it takes S002 at set-up, and every record it made before is taken by HQ — as
    S002's — instead of being refused for naming S001."""
    shop.busy(8)
    terminal = provision(hq.engine, "S002")
    link = link_factory(hq.port, terminal).link
    pusher = link.pusher()
    pusher.introduce()
    report = pusher.drain_once()
    assert report.ok, report
    # Every record held once, none rejected, and S002's day at HQ is the till's.
    assert_in_sync(store, hq.engine, terminal.id, store_code="S002")
    with hq.engine.connect() as conn:
        stores = {r[0] for r in conn.execute(select(sales.c.store_code))}
    assert stores == {"S002"}
    assert sync_problems(store) == []


def test_a_shop_that_keeps_selling_after_hq_added_its_till_loses_nothing_at_set_up(
    store, shop, clock, hq, proxy, link_factory
):
    """HQ added the till as store S002 in the morning; the shop, still S001 on its own, sold
    until its owner set up sync in the afternoon. Those sales were made before the till
    took S002 at set-up: HQ takes them as S002's instead of refusing them for naming S001."""
    terminal = provision(hq.engine, "S002")
    clock.at = datetime.now(UTC) + timedelta(seconds=1)  # after HQ added the till
    shop.busy(6)
    clock.advance(seconds=1)
    link = link_factory(hq.port, terminal).link
    pusher = link.pusher(clock=clock)  # the till's clock, which its records carry
    pusher.introduce()
    report = pusher.drain_once()
    assert report.ok and report.rejected == 0, report
    assert_in_sync(store, hq.engine, terminal.id, store_code="S002")
    assert sync_problems(store) == []


def test_a_record_made_under_another_store_code_says_what_to_do(
    store, shop, clock, hq, terminal, link
):
    """Set up as HQ's S001, the owner changed the store code to S009 in the back office
    before the first sync and sold: HQ refuses those sales for naming S009. The sync
    problem says which store HQ has the till as, where that code is kept, that the record
    stays on the till uncounted at HQ, and to tell head office."""
    from memberdesk.core.shop.details import configure_shop

    clock.at = datetime.now(UTC)
    pusher = link.pusher(clock=clock)
    pusher.introduce()
    clock.advance(seconds=1)  # made after HQ first heard from the till
    configure_shop(store, store_code="S009")
    shop.busy(2)
    report = pusher.drain_once()
    assert report.ok and report.rejected > 0, report
    problems = sync_problems(store)
    sales_refused = [p for p in problems if p.kind == "sale.completed"]
    assert sales_refused
    zh = sales_refused[0].why("zh_CN")
    assert "S009" in zh and "门店 S001" in zh and "后台 → 店铺与语言" in zh
    assert "保留在本机" in zh and "告知总部" in zh
    tw = sales_refused[0].why("zh_TW")
    assert "後臺 → 店鋪與語言" in tw and "告知總部" in tw
    en = sales_refused[0].why("en")
    assert "Back office → Shop & language" in en and "S001" in en
