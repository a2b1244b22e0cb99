"""Held sales live in the database: they survive closing the store (a restart), come back
exactly as they were put aside (lines, member, discounts and who approved them), are not
sales (no receipt number, no ledger, nothing for head office), and a tender keeps the
customer's payment code."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.staff import set_role
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import HeldSale, OutboxEvent, Sale, SaleTender
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.discounts import approve_discount, try_discount
from memberdesk.core.till.held import count_held, held_sales, hold_sale, recall_held
from memberdesk.core.till.manual import ManualDiscount
from memberdesk.core.till.paycodes import (
    check_payment_code,
    mask_code,
    payment_code_app,
    shown_code,
)


def _count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_held_sale_survives_a_restart_and_comes_back_exactly(
    db_path, clock, store, owner, manager, cashier
):
    member = issue_card(store, owner, MemberForm(name="周九", phone="13700001234"))
    base = CheckoutRequest(lines=(SaleLineInput("外套", 50000), SaleLineInput("手写", 1234, 2, price_typed=True)),
                           member_id=member.id)  # fmt: skip
    check = try_discount(store, cashier, base, 0, ManualDiscount("percent", 20, zhe=True))
    who = approve_discount(store, "店长", "6666", check.applied)
    req = CheckoutRequest(
        lines=(SaleLineInput("外套", 50000, manual=ManualDiscount("percent", 20, zhe=True).approved(who)),
               SaleLineInput("手写", 1234, 2, price_typed=True)),
        member_id=member.id, sale_discount=ManualDiscount("amount", 100),
    )  # fmt: skip
    outbox_before = _count(store, OutboxEvent)
    summary = hold_sale(store, cashier, req)
    assert (summary.staff_name, summary.member_name, summary.line_count) == ("收银员", "周九", 2)
    assert summary.amount == 40000 + 2468 - 100
    assert summary.held_at.hour == 10  # the shop's clock (Shanghai), not UTC
    assert _count(store, Sale) == 0 and _count(store, OutboxEvent) == outbox_before  # not a sale
    store.close()

    again = Store(db_path, clock=clock)  # the program closed and started again
    try:
        assert count_held(again) == 1 and count_held(again, cashier.staff_id) == 1
        (listed,) = held_sales(again)
        draft = recall_held(again, cashier, listed.id)
        assert draft.request == req  # lines, member, both discounts, the price typed by hand
        approver = draft.request.lines[0].manual.approved_by
        assert approver.name == "店长" and approver.verified  # believed again: still a manager
        assert count_held(again) == 0
        with pytest.raises(DomainError) as gone:
            recall_held(again, cashier, listed.id)
        assert gone.value.code == "held.gone"
        sold = checkout(
            again,
            cashier,
            CheckoutRequest(**{**draft.request.__dict__, "tenders": {"cash": 50000}}),
        )
        assert sold.total == 42368 and sold.manual_discounts[0]["approved_by"] == "店长"
    finally:
        again.close()


def test_an_approval_lapses_when_the_approver_is_no_longer_a_manager(
    store, owner, manager, cashier
):
    base = CheckoutRequest(lines=(SaleLineInput("外套", 50000),))
    check = try_discount(store, cashier, base, 0, ManualDiscount("percent", 20, zhe=True))
    who = approve_discount(store, "店长", "6666", check.applied)
    req = CheckoutRequest(
        lines=(SaleLineInput("外套", 50000, manual=check.applied.discount.approved(who)),)
    )
    held = hold_sale(store, cashier, req)
    set_role(store, owner, "店长", "cashier")
    draft = recall_held(store, cashier, held.id)
    assert draft.lapsed_approvals == 1 and draft.request.lines[0].manual.approved_by is None
    with pytest.raises(DomainError) as refused:
        checkout(
            store,
            cashier,
            CheckoutRequest(**{**draft.request.__dict__, "tenders": {"cash": 40000}}),
        )
    assert refused.value.code == "discount.needs_approval"


def test_recalling_puts_the_sale_on_screen_aside_in_the_same_step(store, cashier):
    first = hold_sale(store, cashier, CheckoutRequest(lines=(SaleLineInput("A", 100),)))
    on_screen = CheckoutRequest(lines=(SaleLineInput("B", 200),))
    draft = recall_held(store, cashier, first.id, swap=on_screen)
    assert draft.request.lines[0].description == "A"
    assert [h.amount for h in held_sales(store)] == [200]
    with pytest.raises(DomainError) as empty:
        hold_sale(store, cashier, CheckoutRequest())
    assert empty.value.code == "held.empty"


def test_a_wechat_payment_code_is_kept_whole_and_shown_masked(store, cashier, manager, db_path):
    code = "134567890123456789"
    result = checkout(store, cashier, CheckoutRequest(
        lines=(SaleLineInput("咖啡", 2800),), tenders={"wechat": 2800}, references={"wechat": code}))  # fmt: skip
    with store.read() as s:
        (tender,) = s.scalars(select(SaleTender)).all()
        assert (tender.kind, tender.amount, tender.reference) == ("wechat", 2800, code)
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "sale.completed")).one()
        assert event.payload["tender_refs"] == {"wechat": code}
    assert result.references == {"wechat": code}
    assert mask_code(code) == "1345****6789"
    assert shown_code(code, cashier) == "1345****6789" and shown_code(code, manager) == code
    with store.write() as uow, pytest.raises(Exception, match="append-only"):  # never rewritten
        uow.session.execute(SaleTender.__table__.update().values(reference=""))
    assert run_checks(store).ok
    conn = sqlite3.connect(db_path)  # someone holding the file rewrites it by hand
    conn.execute("DROP TRIGGER trg_sale_tenders_no_update")
    conn.execute("UPDATE sale_tenders SET reference = '139999990000000000'")
    conn.commit()
    conn.close()
    found = [p.text("en") for p in run_checks(store).problems]
    assert any("payment code of sale" in p and "(WeChat Pay)" in p for p in found), found


@pytest.mark.parametrize(
    ("tender", "code", "error"),
    [("wechat", "284567890123456789", "paycode.other_app"), ("alipay", "134567890123456789", "paycode.other_app"),
     ("wechat", "16456789012345678", "paycode.invalid"), ("wechat", "194567890123456789", "paycode.invalid"),
     ("card", "134567890123456789", "paycode.tender")],
)  # fmt: skip
def test_a_code_that_is_not_this_apps_is_refused(tender, code, error):
    with pytest.raises(DomainError) as refused:
        check_payment_code(tender, code)
    assert refused.value.code == error


def test_the_apps_codes_are_told_apart():
    assert payment_code_app("104567890123456789") == "wechat"
    assert payment_code_app("154567890123456789") == "wechat"
    assert payment_code_app("2545678901234567") == "alipay"  # 16 digits
    assert payment_code_app("304567890123456789012345") == "alipay"  # 24 digits
    assert payment_code_app("3145678901234567") is None
    assert payment_code_app("8800000013") is None  # a card number


def test_a_code_without_an_amount_is_refused(store, cashier):
    with pytest.raises(DomainError) as refused:
        checkout(store, cashier, CheckoutRequest(lines=(SaleLineInput("咖啡", 2800),), tenders={"cash": 2800},
                                                 references={"wechat": "134567890123456789"}))  # fmt: skip
    assert refused.value.code == "paycode.no_amount"
    assert _count(store, Sale) == 0
    assert _count(store, HeldSale) == 0
