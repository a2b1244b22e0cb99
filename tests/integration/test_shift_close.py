"""The shift close's rules in core: a difference above the shop's threshold needs a note,
the hand-over cannot exceed the count, the threshold is a manager's, the next float is
offered from the last hand-over, and what HQ receives says all of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from memberdesk.core.errors import DomainError
from memberdesk.core.store.models import AuditEntry, OutboxEvent, Shift
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.shift_settings import (
    DEFAULT_NOTE_THRESHOLD,
    note_threshold,
    set_note_threshold,
)
from memberdesk.core.till.shifts import (
    check_count,
    close_shift,
    last_handover,
    open_shift,
    shift_progress,
)


def _code(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_a_shortage_over_the_threshold_needs_a_note_and_is_kept_with_it(store, cashier):
    shift = open_shift(store, cashier, 50000)
    checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("帽子", 12000),),
                                             tenders={"cash": 12000}, shift_id=shift))  # fmt: skip
    progress = shift_progress(store, shift, "收银员")
    assert (progress.sales_count, progress.opening_float) == (1, 50000)
    assert not hasattr(progress, "expected_cash")  # nothing of the sort before the count

    check = check_count(store, shift, 60000, 20000)
    assert (check.expected, check.difference, check.taken_out, check.needs_note) == (
        62000, -2000, 40000, True,
    )  # fmt: skip
    assert note_threshold(store) == DEFAULT_NOTE_THRESHOLD == 1000
    assert _code(lambda: close_shift(store, cashier, shift, 60000, handover=20000)) == (
        "shift.note_needed"
    )
    assert _code(lambda: close_shift(store, cashier, shift, 60000, handover=70000)) == (
        "shift.handover_over"
    )
    assert _code(lambda: close_shift(store, cashier, shift, 60000, note="x\x1by")) == (
        "text.control"
    )
    with store.read() as s:
        assert s.get(Shift, shift).closed_at is None  # every refusal changed nothing

    summary = close_shift(store, cashier, shift, 60000, handover=20000, note=" 找错零 ")
    assert (summary.difference, summary.handover, summary.taken_out, summary.note) == (
        -2000, 20000, 40000, "找错零",
    )  # fmt: skip
    assert last_handover(store) == 20000
    with store.read() as s:
        row = s.get(Shift, shift)
        assert (row.counted_cash, row.expected_cash, row.handover, row.note) == (
            60000, 62000, 20000, "找错零",
        )  # fmt: skip
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "shift.closed")).one()
        assert {k: event.payload[k] for k in ("counted_cash", "expected_cash", "difference",
                                               "handover", "taken_out", "note")} == {
            "counted_cash": 60000, "expected_cash": 62000, "difference": -2000,
            "handover": 20000, "taken_out": 40000, "note": "找错零",
        }  # fmt: skip
    assert _code(lambda: check_count(store, shift, 100)) == "shift.closed"


def test_the_threshold_is_a_managers_and_moves_the_line(store, owner, manager, cashier):
    assert _code(lambda: set_note_threshold(store, cashier, 5000)) == "permission.denied"
    assert _code(lambda: set_note_threshold(store, manager, -1)) == "amount.negative"
    assert _code(lambda: set_note_threshold(store, manager, 12.5)) == "amount.not_fen"
    assert note_threshold(store) == 1000
    set_note_threshold(store, manager, 5000)
    assert note_threshold(store) == 5000
    with store.read() as s:
        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "shift.note_threshold")
        ).one()
        assert (audit.staff_name, audit.detail) == ("店长", {"from": 1000, "to": 5000})

    shift = open_shift(store, cashier, 10000)
    assert not check_count(store, shift, 6000).needs_note  # ¥40 short, under ¥50
    closed = close_shift(store, cashier, shift, 6000, next_float=5000)
    assert (closed.handover, closed.taken_out) == (5000, 1000)  # the next float stays
    assert last_handover(store) == 5000
