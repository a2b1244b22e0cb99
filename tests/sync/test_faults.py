"""Each way the network, HQ or the terminal can fail mid-sync, driven through the fault
proxy against a real HQ (SQLite and PostgreSQL). After each: a final drain, then HQ
holds every event exactly once and its day totals and balances equal the terminal's."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from memberdesk.core.clock import FixedClock
from memberdesk.core.sync.status import sync_problems, sync_status
from memberdesk.hq.app import Limits
from memberdesk.hq.models import batches as hq_batches
from memberdesk.hq.provision import new_token_for, revoke_terminal

from .fault_proxy import Fault
from .support import assert_in_sync, outbox_states


def hq_batch_count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(hq_batches))


def test_lost_ack_is_resent_as_the_same_batch_and_replayed(store, shop, hq, terminal, proxy, link):
    shop.busy(10)
    lost = proxy.add(Fault("lose"))
    report = link.pusher(max_events=8).drain_once()
    assert report.ok, report
    assert lost.used == 1 and proxy.seen[1].upstream_status == 200  # HQ had committed it
    # The retry carried the same batch id: HQ stored one batch per claim, not one per request.
    assert hq_batch_count(hq.engine) == report.batches == proxy.count() - 1
    assert_in_sync(store, hq.engine, terminal.id)


def test_connection_cut_mid_request(store, shop, hq, terminal, proxy, link):
    shop.busy(8)
    proxy.add(Fault("cut", times=2))
    report = link.pusher().drain_once()
    assert report.ok, report
    assert_in_sync(store, hq.engine, terminal.id)


def test_server_error_is_retried_with_backoff(store, shop, hq, terminal, proxy, link):
    shop.busy(6)
    proxy.add(Fault("status", status=500, times=3))
    waits: list[float] = []
    report = link.pusher(sleep=waits.append).drain_once()
    assert report.ok, report
    assert len(waits) == 3 and all(w >= 0 for w in waits)
    assert_in_sync(store, hq.engine, terminal.id)


def test_backoff_gives_up_after_its_attempts_and_keeps_everything(
    store, shop, hq, terminal, proxy, link
):
    shop.busy(4)
    proxy.add(Fault("status", status=503, times=100))
    waits: list[float] = []
    report = link.pusher(sleep=waits.append).drain_once()
    assert not report.ok and report.error.code == "sync.offline"
    assert len(waits) == 5  # six attempts
    status = sync_status(store)
    assert status.online is False and status.last_error.code == "sync.offline"
    assert "总部" in status.last_error.text("zh_CN") and "HQ" in status.last_error.text("en")
    assert "總部" in status.last_error.text("zh_TW")
    assert status.pending + status.inflight > 0
    proxy.clear()
    assert link.pusher().drain_once().ok
    assert_in_sync(store, hq.engine, terminal.id)


def test_slow_answer_past_the_timeout(store, shop, hq, terminal, proxy, link):
    shop.busy(6)
    proxy.add(Fault("delay", delay=1.5))
    report = link.pusher(timeout=0.5).drain_once()
    assert report.ok, report
    assert_in_sync(store, hq.engine, terminal.id)


def test_duplicated_request_is_applied_once(store, shop, hq, terminal, proxy, link):
    shop.busy(10)
    proxy.add(Fault("duplicate", times=5))
    report = link.pusher(max_events=6).drain_once()
    assert report.ok, report
    assert_in_sync(store, hq.engine, terminal.id)


def test_sequence_gap_requeues_from_what_hq_expects(store, shop, hq, terminal, proxy, link):
    shop.busy(10)
    with store.read() as s:
        target = s.scalar(text("SELECT max(seq) FROM outbox")) - 2

    def lose_a_row() -> None:
        # After the handshake, a row is wrongly marked sent here: HQ must ask for it again.
        with store.write() as uow:
            uow.session.execute(
                text("UPDATE outbox SET state='acked' WHERE seq = :s"), {"s": target}
            )

    proxy.add(Fault("before", action=lose_a_row))
    report = link.pusher(max_events=3).drain_once()
    assert report.ok, report
    assert any(s.upstream_status == 409 for s in proxy.seen)
    assert_in_sync(store, hq.engine, terminal.id)


def test_rows_marked_sent_beyond_hqs_last_sequence_are_resent(
    store, shop, hq, terminal, proxy, link
):
    shop.busy(8)
    with store.write() as uow:  # e.g. a file restored after a crash: HQ never saw these
        uow.session.execute(text("UPDATE outbox SET state='acked' WHERE seq IN (5, 9)"))
        uow.session.execute(text("UPDATE outbox SET state='rejected', reason='x' WHERE seq = 7"))
    report = link.pusher(max_events=100).drain_once()
    assert report.ok, report
    assert_in_sync(store, hq.engine, terminal.id)


def test_revoked_token_stops_and_asks_for_a_new_one(store, shop, hq, terminal, proxy, link):
    shop.busy(3)
    assert link.pusher().drain_once().ok
    revoke_terminal(hq.engine, terminal.id)
    shop.busy(3)
    report = link.pusher().drain_once()
    assert not report.ok and report.error.code == "sync.token_refused"
    assert report.error.message("zh").startswith("总部不接受本收银台的接入码（填错了或已作废）")
    assert "token" in report.error.message("en")
    assert sync_status(store).last_error.code == "sync.token_refused"
    assert outbox_states(store).get("pending", 0) > 0  # nothing lost, nothing marked
    fresh = new_token_for(hq.engine, terminal.id)
    assert link.pusher(token=fresh.token).drain_once().ok
    assert_in_sync(store, hq.engine, terminal.id)


def test_too_large_batch_is_halved(store, shop, hq, terminal, proxy, link):
    shop.busy(25)
    too_big = proxy.add(Fault("status", status=413, times=1000, min_body=2500))
    report = link.pusher(max_events=200).drain_once()
    assert report.ok, report
    assert too_big.used >= 2
    assert (
        max(s.body_size for s in proxy.seen if s.fault is None and s.path == "/v1/batches") < 2500
    )
    assert_in_sync(store, hq.engine, terminal.id)


def test_malformed_event_is_rejected_listed_and_does_not_block(
    store, shop, hq, terminal, proxy, link
):
    shop.busy(4)
    with store.write() as uow:
        bad = uow.emit("sale.completed", "bad-sale", {"id": "bad-sale", "total": "十块"})
    shop.busy(4)
    report = link.pusher(max_events=3).drain_once()
    assert report.ok and report.rejected == 1, report
    problems = sync_problems(store)
    assert [p.event_id for p in problems] == [bad]
    assert "business_date" in problems[0].reason or "total" in problems[0].reason
    assert sync_status(store).rejected == 1
    assert_in_sync(store, hq.engine, terminal.id, rejected=1)


def test_clock_skew_is_refused_with_a_reason(store, shop, hq, terminal, proxy, link):
    shop.busy(3)
    ahead = FixedClock(datetime.now(UTC) + timedelta(minutes=11))
    report = link.pusher(clock=ahead).drain_once()
    assert not report.ok and report.error.code == "sync.clock"
    assert "时间" in report.error.message("zh") and "clock" in report.error.message("en")
    assert "11" in report.error.message("en")
    assert proxy.count("/v1/batches") == 0
    assert set(outbox_states(store)) == {"pending"}
    assert link.pusher().drain_once().ok
    assert_in_sync(store, hq.engine, terminal.id)


@pytest.mark.parametrize(
    "hq_limits", [Limits(max_events=50, max_bytes=8_000, max_body=8_000)], indirect=True
)
def test_an_event_too_large_for_hq_is_rejected_and_the_queue_moves_on(
    store, shop, hq, terminal, proxy, link
):
    shop.busy(3)
    with store.write() as uow:
        huge = uow.emit("program.saved", "program-99", {"version": 99, "note": "长" * 6000})
    shop.busy(3)
    report = link.pusher().drain_once()
    assert report.ok and report.rejected == 1, report
    assert sync_problems(store)[0].event_id == huge
    assert "too large" in sync_problems(store)[0].reason
    assert_in_sync(store, hq.engine, terminal.id, rejected=1)


def test_a_restored_old_terminal_is_refused_not_merged(
    store, shop, hq, terminal, proxy, link, tmp_path
):
    import shutil

    from memberdesk.core.shop.details import shop_info
    from memberdesk.core.store.database import Store

    with store.read() as s:
        s.execute(text("PRAGMA wal_checkpoint(FULL)"))
    shutil.copyfile(store.path, tmp_path / "old.sqlite")
    shop.busy(3)
    assert link.pusher().drain_once().ok
    with Store(tmp_path / "old.sqlite") as old:
        from memberdesk.core.sync.pusher import Pusher
        from memberdesk.core.sync.transport import HttpTransport

        with old.write() as uow:  # new business on the old copy reuses sequence numbers
            uow.emit("shop.configured", "x", {"name": "旧备份"})
        pusher = Pusher(old, HttpTransport(proxy.url, terminal.token), reconcile_daily=False)
        report = pusher.drain_once()
        pusher.close()
    assert report.error is not None and report.error.code == "sync.diverged"
    assert "备份" in report.error.message("zh")
    with Store(tmp_path / "old.sqlite") as old, old.read() as s:
        label = f"{shop_info(s).store_code}-{shop_info(s).terminal_code}"
    # The command HQ runs, with the till as HQ's commands name it (not a 36-character id).
    assert f"rebase-terminal {label}, then" in report.error.message("en")
    assert terminal.id not in report.error.message("zh")
    assert_in_sync(store, hq.engine, terminal.id)


def test_hq_replay_answer_carries_rejections(store, shop, hq, terminal, proxy, link):
    """A lost answer that carried a rejection: the replayed answer still lists it."""
    with store.write() as uow:
        uow.emit("points.entry", "p", {"id": "p", "delta": "many"})
    shop.busy(2)
    proxy.add(Fault("lose"))
    report = link.pusher().drain_once()
    assert report.ok and report.rejected == 1
    with hq.engine.connect() as conn:
        answers = [
            json.loads(a) if isinstance(a, str) else a
            for a in conn.scalars(select(hq_batches.c.answer))
        ]
    assert any(a["rejected"] for a in answers)
    assert_in_sync(store, hq.engine, terminal.id, rejected=1)
