"""A sale with discounts given by hand and a WeChat payment code reaches head office whole and
is accepted; a held sale is never sent."""

from __future__ import annotations

from sqlalchemy import select

from memberdesk.core.sync.status import sync_problems
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.discounts import approve_discount, try_discount
from memberdesk.core.till.held import hold_sale
from memberdesk.core.till.manual import ManualDiscount
from memberdesk.hq.models import events, sales

from .support import assert_in_sync

CODE = "134567890123456789"


def test_a_discounted_sale_paid_by_a_wechat_code_syncs_and_a_held_sale_does_not(
    store, shop, hq, terminal, link, cashier
):
    lines = (
        SaleLineInput("大衣", 80000),
        SaleLineInput("围巾", 12000, manual=ManualDiscount("amount", 1000)),
    )
    check = try_discount(store, cashier, CheckoutRequest(lines=lines), None,
                         ManualDiscount("percent", 20, zhe=True))  # fmt: skip
    who = approve_discount(store, "店长", "6666", check.applied)
    sold = checkout(store, cashier, CheckoutRequest(
        lines=lines, sale_discount=ManualDiscount("percent", 20, zhe=True).approved(who),
        tenders={"wechat": 50000, "cash": 25000}, references={"wechat": CODE}))  # fmt: skip
    hold_sale(store, cashier, CheckoutRequest(lines=(SaleLineInput("手套", 3900),)))
    report = link.pusher().drain_once()
    assert report.ok, report
    assert sync_problems(store) == []
    assert_in_sync(store, hq.engine, terminal.id)
    with hq.engine.connect() as conn:
        (discount,) = conn.execute(select(sales.c.discount).where(sales.c.id == sold.sale_id)).one()
        payload = conn.execute(
            select(events.c.payload).where(events.c.aggregate_id == sold.sale_id)
        ).scalar_one()
        kinds = set(conn.execute(select(events.c.kind)).scalars())
    assert discount == sold.discount_total == 1000 + 16000
    assert payload["tender_refs"] == {"wechat": CODE}
    assert payload["discount_by_kind"] == {"manual": 1000, "sale": 16000}
    assert not any(kind.startswith("held") for kind in kinds)
