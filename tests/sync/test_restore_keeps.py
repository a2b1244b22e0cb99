"""A restore of an older backup keeps what HQ has not got, and numbers never go back.

Against a real HQ: the sales made after the backup (sent or not) reach HQ exactly
once, the till goes on without a gap or a second version of any number, and the next
receipt is not a number a customer already holds.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError
from memberdesk.core.shop.backups import backup_now, restore, unsent_records
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Sale
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.hq.models import events as hq_events
from memberdesk.hq.models import sales as hq_sales

from .fault_proxy import Fault
from .support import Shop, outbox_states


def _receipts(store: Store) -> set[str]:
    with store.read() as s:
        return set(s.scalars(select(Sale.receipt_no)))


def test_restore_carries_what_hq_has_not_got_and_goes_on(
    store, clock, shop: Shop, hq, terminal, proxy, link, db_path
) -> None:
    shop.busy(10)
    assert link.pusher().drain_once().ok
    backup = backup_now(store)
    shop.busy(8)
    assert link.pusher().drain_once().ok  # sent after the backup was taken
    shop.busy(8)  # and these are not sent: HQ is unreachable now
    proxy.add(Fault("status", path="/v1/handshake", status=503, times=50))
    assert not link.pusher().drain_once().ok
    proxy.clear()
    receipts_before = _receipts(store)
    with store.read() as s:
        sales_made = s.scalar(select(func.count()).select_from(Sale))
        last_seq = s.execute(text("SELECT max(seq) FROM outbox")).scalar()
    unsent = unsent_records(db_path)
    assert unsent > 0
    store.close()

    with pytest.raises(DomainError) as caught:
        restore(db_path, backup)
    assert caught.value.code == "restore.unsent" and str(unsent) in caught.value.message("en")
    done = restore(db_path, backup, carry_unsent=True)
    assert done.unsent == unsent and done.carried >= unsent

    again = Store(db_path, clock=clock)
    try:
        with again.read() as s:
            assert s.execute(text("SELECT max(seq) FROM outbox")).scalar() == last_seq
            assert s.scalar(select(func.count()).select_from(Sale)) < sales_made  # went back
        link.store = again
        report = link.pusher().drain_once()
        assert report.ok and report.rejected == 0, report
        assert outbox_states(again).get("pending", 0) == 0
        with hq.engine.connect() as conn:  # every sale reached HQ once, none was lost
            held = conn.scalar(
                select(func.count())
                .select_from(hq_sales)
                .where(hq_sales.c.terminal_id == terminal.id)
            )
            assert held == sales_made
            seqs = conn.scalars(
                select(hq_events.c.seq).where(hq_events.c.terminal_id == terminal.id)
            ).all()
            assert sorted(seqs) == list(range(1, last_seq + 1))
        # The next sale takes a number no customer holds yet, and reaches HQ.
        walk_in = CheckoutRequest((SaleLineInput("袜子", 1500, 1),), None, tenders={"cash": 1500})
        checkout(again, shop.cashier, walk_in)
        new = _receipts(again) - receipts_before
        assert len(new) == 1 and not new & receipts_before
        assert link.pusher().drain_once().ok
        report = run_checks(again)  # the carried rows are excused, nothing else
        assert report.ok, [p.text("en") for p in report.problems]
    finally:
        again.close()


def test_restore_pushes_first_when_hq_answers(
    store, shop: Shop, hq, terminal, link, db_path, capsys, monkeypatch, tmp_path
) -> None:
    from memberdesk.cli import main
    from memberdesk.core.sync.token_store import TokenStore

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    shop.busy(6)
    backup = backup_now(store)
    shop.busy(6)
    assert unsent_records(db_path) > 0
    store.close()
    TokenStore().set(terminal.id, terminal.token)
    try:
        assert main(["--db", str(db_path), "--lang", "en", "restore", str(backup)]) == 0
    finally:
        TokenStore().forget(terminal.id)
    out = capsys.readouterr().out
    assert "0 of them still to send" in out
    with hq.engine.connect() as conn:
        assert conn.scalar(
            select(func.count())
            .select_from(hq_events)
            .where(hq_events.c.terminal_id == terminal.id)
        ) == conn.scalar(select(func.max(hq_events.c.seq)))


def test_a_backup_of_another_till_is_refused_unless_asked(
    store, owner, db_path, tmp_path, clock
) -> None:
    from memberdesk.core.shop.details import configure_shop

    other_path = tmp_path / "other" / "memberdesk.sqlite"
    with Store(other_path, clock=clock) as other:
        configure_shop(other, name="别人的店", store_code="S009")
        other_backup = backup_now(other)
    store.close()
    with pytest.raises(DomainError) as caught:
        restore(db_path, other_backup)
    assert caught.value.code == "restore.other_shop" and "S009" in caught.value.message("en")
    assert restore(db_path, other_backup, other_shop=True, carry_unsent=True).safety is not None
