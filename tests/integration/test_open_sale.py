"""The sale on the till survives the program stopping unasked: kept beside the shop's file
at each change, put on hold at the next log-in, never brought back twice, and believed no
more than a held sale (a manager's approval written into the file approves nothing)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import HeldSale, Sale
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput
from memberdesk.core.till.discounts import approve_discount, try_discount
from memberdesk.core.till.held import held_sales, recall_held
from memberdesk.core.till.manual import ManualDiscount
from memberdesk.core.till.open_sale import (
    drop_open_sale,
    keep_open_sale,
    open_sale_path,
    recover_open_sale,
)


def _count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_sale_on_the_till_comes_back_on_hold_after_the_program_stopped(
    db_path, clock, store, owner, cashier
):
    member = issue_card(store, owner, MemberForm(name="周九", phone="13700001234"))
    req = CheckoutRequest(lines=(SaleLineInput("外套", 50000), SaleLineInput("手写", 1234, 2, price_typed=True)),
                          member_id=member.id, sale_discount=ManualDiscount("amount", 100))  # fmt: skip
    keep_open_sale(store, cashier, req)
    assert open_sale_path(store).exists()
    store.close()  # the program stops: nothing else ran

    again = Store(db_path, clock=clock)
    try:
        found = recover_open_sale(again, owner)
        assert found is not None and found.cashier == "收银员"
        assert (found.held.member_name, found.held.line_count) == ("周九", 2)
        assert found.held.amount == 50000 + 2468 - 100
        assert not open_sale_path(again).exists()
        assert recover_open_sale(again, owner) is None  # once only
        (listed,) = held_sales(again)
        assert recall_held(again, cashier, listed.id).request == req
        assert _count(again, Sale) == 0  # a hold, not a sale
    finally:
        again.close()


def test_a_managers_approval_is_not_recovered_from_the_file(store, owner, manager, cashier):
    base = CheckoutRequest(lines=(SaleLineInput("外套", 50000),))
    check = try_discount(store, cashier, base, 0, ManualDiscount("percent", 30, zhe=True))
    who = approve_discount(store, "店长", "6666", check.applied)
    req = CheckoutRequest(
        lines=(SaleLineInput("外套", 50000, manual=ManualDiscount("percent", 30, zhe=True).approved(who)),)
    )  # fmt: skip
    keep_open_sale(store, cashier, req)
    kept = json.loads(open_sale_path(store).read_text(encoding="utf-8"))
    assert kept["sale"]["lines"][0]["manual"]["approved_by"]["name"] == "店长"
    recover_open_sale(store, cashier)
    (listed,) = held_sales(store)
    draft = recall_held(store, cashier, listed.id)
    manual = draft.request.lines[0].manual
    assert (manual.kind, manual.value) == ("percent", 30)
    assert manual.approved_by is None  # the till asks a manager again


def test_an_empty_sale_leaves_no_file_and_a_completed_one_is_not_brought_back(store, cashier):
    keep_open_sale(store, cashier, CheckoutRequest(lines=(SaleLineInput("袜子", 1500),)))
    keep_open_sale(store, cashier, CheckoutRequest())  # voided, or held, or sold
    assert not open_sale_path(store).exists()
    assert recover_open_sale(store, cashier) is None
    drop_open_sale(store)  # nothing there: nothing happens
    assert _count(store, HeldSale) == 0


def test_an_unreadable_file_is_kept_aside_and_said(store, cashier):
    keep_open_sale(store, cashier, CheckoutRequest(lines=(SaleLineInput("袜子", 1500),)))
    path = open_sale_path(store)
    path.write_text('{"sale": {"lines": [{"unit_price": "十五"', encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        recover_open_sale(store, cashier)
    assert refused.value.code == "held.unreadable"
    assert not path.exists() and path.with_name(path.name + ".unreadable").exists()
    assert _count(store, HeldSale) == 0


def test_goods_come_back_at_the_catalogues_prices_whatever_the_file_says(store, owner, cashier):
    """A file anyone can write: goods priced lower in it come back at the list price; a line
    naming an item the till does not hold is a price typed by hand."""
    from memberdesk.core.items.catalogue import ItemForm, create_item

    coat = create_item(store, owner, ItemForm(name="羊毛大衣", price=89900, code="A100",
                                               member_price=79900))  # fmt: skip
    req = CheckoutRequest(lines=(
        SaleLineInput("羊毛大衣", 100, item_id=coat.id, item_code="A100", member_price=50),
        SaleLineInput("不存在", 200, item_id="no-such-item", item_code="X1"),
    ))  # fmt: skip
    keep_open_sale(store, cashier, req)
    found = recover_open_sale(store, cashier)
    assert found.held.amount == 89900 + 200
    (listed,) = held_sales(store)
    lines = recall_held(store, cashier, listed.id).request.lines
    assert (lines[0].unit_price, lines[0].member_price, lines[0].price_typed) == (
        89900,
        79900,
        False,
    )
    assert (lines[1].unit_price, lines[1].item_id, lines[1].price_typed) == (200, None, True)


def test_a_member_looked_up_with_nothing_to_sell_them_is_no_sale_to_put_on_hold(
    store, owner, cashier
):
    """A customer asks how many points they have: the cashier finds them, tells them, and
    the program stops (or a file from an older version says so). No empty sale waits on
    hold for the next cashier; a gift for points on its own is a sale and is kept."""
    member = issue_card(store, owner, MemberForm(name="周九", phone="13700001234"))
    keep_open_sale(store, cashier, CheckoutRequest(member_id=member.id))
    assert not open_sale_path(store).exists()
    older = {"version": 1, "staff_id": cashier.staff_id, "staff_name": cashier.name,
             "saved_at": "2026-03-10T02:00:00+00:00", "sale": {"member_id": member.id}}  # fmt: skip
    open_sale_path(store).write_text(json.dumps(older), encoding="utf-8")
    assert recover_open_sale(store, owner) is None
    assert not open_sale_path(store).exists() and _count(store, HeldSale) == 0
