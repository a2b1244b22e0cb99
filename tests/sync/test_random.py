"""Many rounds of random business interleaved with random faults, then one clean drain:
HQ's totals equal the terminal's, every event is at HQ exactly once."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from .fault_proxy import Fault
from .support import assert_in_sync

FAULTS = ["none", "lose", "cut", "500", "delay", "duplicate", "413", "gap", "stall"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11])
def test_random_business_with_random_faults(store, clock, shop, hq, terminal, proxy, link, seed):
    rng = random.Random(seed)
    shop.rng = random.Random(seed + 1)
    pusher = link.pusher(max_events=rng.choice((5, 8, 13)), timeout=0.6)
    for _ in range(18):
        shop.busy(rng.randrange(1, 6))
        if rng.random() < 0.25:
            clock.advance(hours=rng.choice((5, 14, 26)))  # business days change
        fault = rng.choice(FAULTS)
        if fault == "lose":
            proxy.add(Fault("lose", times=rng.randrange(1, 3)))
        elif fault == "cut":
            proxy.add(Fault("cut"))
        elif fault == "500":
            proxy.add(
                Fault("status", status=rng.choice((500, 502, 503)), times=rng.randrange(1, 4))
            )
        elif fault == "delay":
            proxy.add(Fault("delay", delay=0.9))
        elif fault == "duplicate":
            proxy.add(Fault("duplicate", times=2))
        elif fault == "413":
            proxy.add(Fault("status", status=413, times=3, min_body=1500))
        elif fault == "stall":
            proxy.add(Fault("stall", delay=0.8))
        elif fault == "gap":
            with store.write() as uow:  # a pending row wrongly marked as sent
                uow.session.execute(
                    text(
                        "UPDATE outbox SET state='acked' WHERE seq = (SELECT max(seq) FROM outbox WHERE state='pending')"
                    )
                )
        pusher.drain_once(max_seconds=15)  # may stop early; the next round goes on
        proxy.clear()
    final = pusher.drain_once(max_seconds=60)
    assert final.ok, final
    assert_in_sync(store, hq.engine, terminal.id)
