"""A count card sold, used and refunded at the till reaches head office and is accepted
whole."""

from __future__ import annotations

from sqlalchemy import select

from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.sync.status import sync_problems
from memberdesk.core.till.count_cards import (
    CountCardForm,
    refund_count_card,
    sell_count_card,
    use_count_card,
)
from memberdesk.hq.models import events

from .support import assert_in_sync


def test_a_count_card_syncs_to_head_office(store, shop, hq, terminal, link, cashier, manager):
    create_item(store, manager, ItemForm("剪发", 5000, code="HC01", category="美发"))
    m = issue_card(store, cashier, MemberForm(name="王美", phone="13900000001"))
    card = sell_count_card(store, cashier, m.id, CountCardForm(
        "剪发十次卡", counts=10, price=40000, tender="cash", item_code="HC01", valid_days=90)).card  # fmt: skip
    use_count_card(store, cashier, card.id, member_confirmed=True)
    refund_count_card(store, cashier, card.id, authoriser=manager, reason="搬家")
    report = link.pusher().drain_once()
    assert report.ok, report
    assert sync_problems(store) == []
    assert_in_sync(store, hq.engine, terminal.id)
    with hq.engine.connect() as conn:
        kept = conn.execute(
            select(events.c.kind, events.c.payload)
            .where(events.c.kind.like("countcard.%"))
            .order_by(events.c.seq)
        ).all()
    assert [(k, p.get("kind"), p.get("delta"), p.get("amount")) for k, p in kept] == [
        ("countcard.sold", None, None, None),
        ("countcard.entry", "sold", 10, 40000),
        ("countcard.entry", "use", -1, 0),
        ("countcard.entry", "refund", -9, 36000),
    ]
