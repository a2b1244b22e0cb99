"""A chain: two stores with two tills each, built as a shop owner would (`memberdesk shop
set`, then `memberdesk demo`), pushed to one HQ through a proxy that loses answers and
cuts requests. Checked with SQL on HQ's own tables: no card or receipt number twice
anywhere in the chain, nothing rejected, and each store's and till's figures are the
tills' own."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from memberdesk.cli import main
from memberdesk.core.shop.details import get_shop
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, Refund, Sale
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.sync.pusher import Pusher, RetryPolicy
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.core.till.totals import terminal_day_totals
from memberdesk.hq.models import members as hq_members
from memberdesk.hq.models import refunds as hq_refunds
from memberdesk.hq.models import sales as hq_sales
from memberdesk.hq.provision import add_store, add_terminal
from memberdesk.hq.totals import day_totals

from .fault_proxy import Fault, FaultProxy
from .support import business_days, outbox_states

FAST = RetryPolicy(base=0.01, cap=0.1, max_attempts=8)
CHAIN = {"S001": ("01", "02"), "S002": ("01", "02")}


@pytest.mark.slow
def test_two_stores_with_two_tills_each_make_one_clean_chain(
    hq, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    rng = random.Random(20261205)
    tills = []
    for store_code, codes in CHAIN.items():
        add_store(hq.engine, store_code, f"门店 {store_code}")
        for code in codes:
            terminal = add_terminal(hq.engine, store_code, code=code)
            db = tmp_path / f"{store_code}-{code}.sqlite"
            assert main(["--db", str(db), "shop", "set", "--store", store_code, "--terminal", code,
                         "--card-prefix", terminal.card_prefix]) == 0  # fmt: skip
            assert main(["--db", str(db), "demo", "--members", "25",
                         "--seed", str(rng.randrange(10**6))]) == 0  # fmt: skip
            tills.append((db, terminal))
    capsys.readouterr()

    proxy = FaultProxy(hq.port).start()
    try:
        for db, terminal in tills:
            with Store(db) as store:
                configure_sync(store, proxy.url, terminal.id)
                proxy.add(Fault("lose", times=2))  # answers lost: the batch is sent again
                proxy.add(Fault("cut"))  # a request cut half way
                proxy.add(Fault("duplicate"))
                pusher = Pusher(store, HttpTransport(proxy.url, terminal.token, timeout=5),
                                retry=FAST, max_events=40, reconcile_daily=False)  # fmt: skip
                try:
                    for _ in range(10):
                        if pusher.drain_once().ok:
                            break
                finally:
                    pusher.close()
                states = outbox_states(store)
                assert set(states) == {"acked"}, (db.name, states)  # nothing rejected, nothing left
    finally:
        proxy.stop()

    with hq.engine.connect() as conn:
        for table, column in ((hq_members, "card_no"), (hq_sales, "receipt_no"),
                              (hq_refunds, "receipt_no")):  # fmt: skip
            twice = conn.execute(
                text(f"SELECT {column}, count(*) FROM {table.name} GROUP BY {column} "
                     "HAVING count(*) > 1")
            ).all()  # fmt: skip
            assert twice == [], (table.name, twice[:5])
        for store_code in CHAIN:
            mine = [(db, t) for db, t in tills if t.store_code == store_code]
            local_sales = local_total = local_members = local_refunds = 0
            for db, terminal in mine:
                with Store(db) as store, store.read() as s:
                    assert get_shop(store).card_prefix == terminal.card_prefix
                    local_sales += s.scalar(select(func.count()).select_from(Sale))
                    local_total += s.scalar(select(func.coalesce(func.sum(Sale.total), 0)))
                    local_members += s.scalar(select(func.count()).select_from(Member))
                    local_refunds += s.scalar(select(func.count()).select_from(Refund))
            held = conn.execute(
                select(func.count(), func.coalesce(func.sum(hq_sales.c.total), 0)).where(
                    hq_sales.c.store_code == store_code
                )
            ).one()
            assert (held[0], int(held[1])) == (local_sales, local_total), store_code
            assert (
                conn.scalar(
                    select(func.count())
                    .select_from(hq_members)
                    .where(hq_members.c.store_code == store_code)
                )
                == local_members
            )
            assert (
                conn.scalar(
                    select(func.count())
                    .select_from(hq_refunds)
                    .where(hq_refunds.c.store_code == store_code)
                )
                == local_refunds
            )
        # Each till's business days, figure by figure, as HQ counts them.
        for db, terminal in tills:
            with Store(db) as store:
                days = sorted(business_days(store))
                for day in days[:: max(1, len(days) // 12)]:
                    ours = terminal_day_totals(store, day)
                    theirs = day_totals(conn, terminal.store_code, day, terminal.id)
                    assert theirs.differences(ours) == [], (db.name, day)
