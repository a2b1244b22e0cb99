"""What a call changed, as a collector opened around it hears it (core.store.changes): the
kinds of change of the transactions that committed — exactly those — and the members they
touched; nothing of a transaction that rolled back, nor of another thread's."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from memberdesk.core.errors import DomainError
from memberdesk.core.printing.printers import save_printer_settings
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import OutboxEvent
from memberdesk.core.till.shifts import open_shift
from memberdesk.core.till.wallet import cash_out, top_up

from .loyalty_helpers import new_member, use_program


def _last_seq(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.coalesce(func.max(OutboxEvent.seq), 0)))


def _kinds_since(store: Store, seq: int) -> set[str]:
    with store.read() as s:
        return set(s.scalars(select(OutboxEvent.kind).where(OutboxEvent.seq > seq)))


def test_a_collector_hears_exactly_the_kinds_its_committed_transactions_wrote(
    store: Store, owner: Actor
) -> None:
    use_program(store, owner, "prepaid")
    shift = open_shift(store, owner, 0)
    before = _last_seq(store)
    with store.changes() as changes:
        m = new_member(store, owner)
        top_up(store, owner, m.id, 100_000, "cash", shift_id=shift)
    assert changes.kinds == _kinds_since(store, before)
    assert changes.kinds == {"member.issued", "wallet.topup", "wallet.entry"}
    assert changes.member_ids == {m.id}


def test_a_transaction_that_rolled_back_is_not_heard(store: Store, owner: Actor) -> None:
    use_program(store, owner, "prepaid")
    m = new_member(store, owner)
    before = _last_seq(store)
    with store.changes() as changes:
        with pytest.raises(DomainError):  # nothing to pay out: refused inside its transaction
            cash_out(store, owner, m.id, 10_000, reason="退卡")
        with pytest.raises(RuntimeError), store.write() as uow:
            uow.emit("member.edited", m.id, {"member_id": m.id})
            uow.touched("printer.configured")
            raise RuntimeError("power cut")
    assert not changes
    assert changes.kinds == set() and changes.member_ids == set()
    assert _kinds_since(store, before) == set()  # and nothing was written


def test_only_the_committed_part_of_a_call_is_heard(store: Store, owner: Actor) -> None:
    use_program(store, owner, "prepaid")
    with store.changes() as changes:
        m = new_member(store, owner)
        with pytest.raises(DomainError):
            cash_out(store, owner, m.id, 10_000, reason="退卡")
    assert changes.kinds == {"member.issued"}
    assert changes.member_ids == {m.id}


def test_a_change_without_an_outbox_row_is_noted_too(store: Store, owner: Actor) -> None:
    before = _last_seq(store)
    with store.changes() as changes:
        save_printer_settings(store, owner, paper_mm=58)
    assert changes.kinds == {"printer.configured"}
    assert changes.member_ids == set()
    assert _kinds_since(store, before) == set()  # head office is not told of a printer


def test_with_no_collector_open_a_unit_of_work_keeps_no_record(store: Store) -> None:
    with store.write() as uow:
        assert uow.changes is None
    with store.changes(), store.write() as uow:
        assert uow.changes is not None


def test_a_collector_hears_its_own_thread_only(store: Store, owner: Actor) -> None:
    elsewhere: list[str] = []

    def issue() -> None:
        elsewhere.append(new_member(store, owner, "李四").id)

    with store.changes() as outer:
        worker = threading.Thread(target=issue)
        worker.start()
        worker.join()
        with store.changes() as inner:
            mine = new_member(store, owner, "王五")
    assert elsewhere
    assert outer.member_ids == inner.member_ids == {mine.id}  # nested collectors both hear
    assert outer.kinds == inner.kinds == {"member.issued"}
