"""Failures that need a real process boundary: HQ killed with SIGKILL mid-batch and
started again, and the terminal's pusher killed between claiming a batch and
acknowledging it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from memberdesk.hq.db import open_database
from memberdesk.hq.models import batches as hq_batches

from .fault_proxy import Fault
from .support import HQProcess, assert_in_sync, outbox_states, provision

CHILD = Path(__file__).with_name("pusher_child.py")

pytestmark = pytest.mark.slow


@pytest.fixture
def hq_process(hq_url, tmp_path):
    process = HQProcess(hq_url, tmp_path / "hq.log").start()
    yield process
    process.kill()


@pytest.fixture
def hq_engine(hq_url):
    engine = open_database(hq_url)
    yield engine
    engine.dispose()


def test_hq_killed_mid_batch_and_restarted(store, shop, hq_process, hq_engine, link_factory):
    terminal = provision(hq_engine)
    proxy = link_factory(hq_process.port, terminal)
    shop.busy(15)
    proxy.add(Fault("kill", action=hq_process.kill))
    pusher = proxy.link.pusher(max_events=10)
    first = pusher.drain_once()
    assert not first.ok and first.error.code == "sync.offline"
    assert hq_process.proc.poll() is not None  # HQ is really gone
    hq_process.start()
    proxy.upstream = ("127.0.0.1", hq_process.port)
    assert pusher.drain_once().ok
    assert_in_sync(store, hq_engine, terminal.id)


def _child(store, url: str, token: str) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(store.path), url],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    child.stdin.write(token + "\n")
    child.stdin.close()
    return child


@pytest.mark.parametrize("when", ["after_hq_committed", "before_hq_saw_it"])
def test_terminal_killed_between_claim_and_ack(store, shop, hq, terminal, proxy, link, when):
    shop.busy(10)
    fault = proxy.add(Fault("hold" if when == "after_hq_committed" else "stall", delay=30))
    child = _child(store, proxy.url, terminal.token)
    try:
        assert fault.arrived.wait(30), "the child never sent its batch"
        with store.read() as s:
            claimed = (
                s.execute(text("SELECT DISTINCT batch_id FROM outbox WHERE state='inflight'"))
                .scalars()
                .all()
            )
        assert len(claimed) == 1  # committed before sending
        child.kill()  # SIGKILL
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    fault.release.set()
    assert outbox_states(store).get("inflight", 0) > 0
    report = link.pusher().drain_once()
    assert report.ok, report
    with hq.engine.connect() as conn:
        stored = conn.scalars(select(hq_batches.c.batch_id)).all()
    assert claimed[0] in stored  # the same batch id was resent, not a new one
    assert_in_sync(store, hq.engine, terminal.id)
