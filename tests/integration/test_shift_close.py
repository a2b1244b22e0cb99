"""The shift close's rules in core: a difference above the shop's threshold needs a note,
the hand-over cannot exceed the count, the threshold is a manager's, the next float is
offered from the last hand-over, and what HQ receives says all of it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.points import adjust_points
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.printing.layout import Paper
from memberdesk.core.printing.slips import SlipContext, shift_slip
from memberdesk.core.shop.details import get_shop
from memberdesk.core.store.models import AuditEntry, OutboxEvent, PointsEntry, Shift
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.refunds import refund
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
from memberdesk.core.till.wallet import top_up

from .loyalty_helpers import new_member, sell, use_program


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


def _mixed_refund_shift(store, owner, manager, cashier, clock):
    """A shift with one sale of ¥279.30 paid ¥26.00 cash, 500 points (¥5.00) and ¥248.30
    of stored value, refunded whole: the refund slip says ¥279.30."""
    use_program(store, owner, "generic")
    member = new_member(store, owner, "王芳")
    adjust_points(store, manager, member.id, 1000, "开卡赠送")
    top_up(store, owner, member.id, 50000, "wechat")  # before the shift: not counted
    clock.advance(minutes=1)
    shift = open_shift(store, cashier, 50000)
    sale = sell(store, cashier, member.id, 27930, redeem_points=500, wallet=24830,
                tenders={"cash": 2600}, shift_id=shift)  # fmt: skip
    back = refund(store, cashier, sale.receipt_no, authoriser=manager, shift_id=shift)
    return shift, back


def test_a_refund_paid_back_in_cash_stored_value_and_points_is_summed_whole(
    store, owner, manager, cashier, clock
):
    shift, back = _mixed_refund_shift(store, owner, manager, cashier, clock)
    assert (back.amount, back.tenders, back.points_returned) == (27930, {"cash": 2600}, 500)
    assert back.wallet_principal + back.wallet_bonus == 24830

    summary = close_shift(store, cashier, shift, 50000)
    # the refund as its slip said it, and its parts as the sales are shown
    assert (summary.refunds_count, summary.refunds_total) == (1, 27930)
    assert summary.refunds_returned == {"cash": 2600, "wallet": 24830, "points": 500}
    assert (summary.refunds_kept, summary.refunds_points_returned) == (0, 500)
    assert summary.sales_by_tender == {"cash": 2600, "wallet": 24830, "points": 500}
    # only the cash came out of the drawer: the float is all it holds
    assert summary.refunds_by_tender == {"cash": 2600}
    assert (summary.expected_cash, summary.difference) == (50000, 0)
    with store.read() as s:
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "shift.closed")).one()
    assert {k: event.payload[k] for k in ("refunds_count", "refunds_by_tender", "refunds_total",
                                           "refunds_returned", "refunds_kept", "expected_cash")} == {
        "refunds_count": 1, "refunds_by_tender": {"cash": 2600}, "refunds_total": 27930,
        "refunds_returned": {"cash": 2600, "wallet": 24830, "points": 500}, "refunds_kept": 0,
        "expected_cash": 50000,
    }  # fmt: skip


def test_a_refund_with_the_points_value_kept_back_says_what_was_not_given_back(
    store, owner, manager, cashier, clock
):
    use_program(
        store, owner, revise(preset("generic"), {"wallet": {"refund_policy": "deduct_cash"}})
    )
    member = new_member(store, owner, "李雷")
    clock.advance(minutes=1)
    shift = open_shift(store, cashier, 10000)
    sale = sell(store, cashier, member.id, 20000, tenders={"cash": 20000}, shift_id=shift)
    adjust_points(store, manager, member.id, -150, "兑换礼品")  # 200 earned, 150 spent
    back = refund(store, cashier, sale.receipt_no, authoriser=manager, shift_id=shift)
    assert (back.amount, back.tenders, back.deducted_for_points) == (20000, {"cash": 19850}, 150)

    summary = close_shift(store, cashier, shift, 10150)
    assert (summary.refunds_total, summary.refunds_returned) == (20000, {"cash": 19850})
    assert summary.refunds_kept == 150  # the spent points' value, kept from the money back
    assert (summary.expected_cash, summary.difference) == (10150, 0)
    slip = shift_slip(summary, SlipContext(get_shop(store), summary.closed_at), Paper(32),
                      summary.opened_at)  # fmt: skip
    got = [" ".join(line.split()) for line in slip.text.splitlines()]
    refunds = got.index("退货 1 笔 ￥200.00")
    assert got[refunds + 1 : refunds + 3] == ["现金 ￥198.50", "未退回 ￥1.50"]


def test_points_moved_back_by_a_refund_in_the_shift_are_on_the_close_as_the_ledger_has_them(
    store, owner, manager, cashier, clock
):
    """Two ￥100 shirts paid with 1,000 points (￥10) and cash earn 190 points; one shirt
    comes back in the same shift: half the redeemed points go back to the member and half
    the earned ones come off. The close says so beside the sales' figures, and the four
    figures are the shift's points entries."""
    use_program(store, owner, "generic")
    member = new_member(store, owner, "韩梅梅")
    adjust_points(store, manager, member.id, 2000, "开卡赠送")
    clock.advance(minutes=1)
    shift = open_shift(store, cashier, 10000)
    sale = checkout(store, cashier, CheckoutRequest(
        lines=(SaleLineInput("衬衫", 10000, 2),), member_id=member.id, redeem_points=1000,
        tenders={"cash": 19000}, shift_id=shift))  # fmt: skip
    clock.advance(minutes=5)
    back = refund(store, cashier, sale.receipt_no, {1: 1}, authoriser=manager, shift_id=shift)
    assert (sale.points_earned, back.points_reversed, back.points_returned) == (190, 95, 500)

    progress = shift_progress(store, shift, "收银员")
    assert (progress.points_earned, progress.points_redeemed) == (190, 1000)
    assert (progress.refunds_points_reversed, progress.refunds_points_returned) == (95, 500)
    summary = close_shift(store, cashier, shift, 10000 + 19000 - back.tenders["cash"])
    with store.read() as s:
        ledger = dict(s.execute(
            select(PointsEntry.kind, func.sum(PointsEntry.delta))
            .where(PointsEntry.kind.in_(("earn", "redeem", "refund_reverse", "refund_return")))
            .group_by(PointsEntry.kind)).all())  # fmt: skip
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "shift.closed")).one()
    assert ledger == {"earn": 190, "redeem": -1000, "refund_reverse": -95, "refund_return": 500}
    assert (summary.points_earned, summary.refunds_points_reversed) == (190, 95)
    assert (summary.points_redeemed, summary.refunds_points_returned) == (1000, 500)
    assert (event.payload["refunds_points_reversed"], event.payload["refunds_points_returned"]) == (
        95, 500,
    )  # fmt: skip
    slip = shift_slip(summary, SlipContext(get_shop(store), summary.closed_at), Paper(32),
                      summary.opened_at)  # fmt: skip
    got = [" ".join(line.split()) for line in slip.text.splitlines()]
    redeemed, given = got.index("积分抵扣 1000 分"), got.index("发放积分 190 分")
    assert got[redeemed + 1] == "退货退回积分 500 分"
    assert got[given + 1] == "退货扣回积分 95 分"
